/* procs: fork, pipe, wait status, execve, SIGCHLD. */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int p[2], st;
	char c;
	if (argc > 1) {
		syscall(SYS_write, 1, "child exec\n", 11);
		return 7;
	}
	/* SIGCHLD is blocked while waiting and taken after: its line then has
	 * one place on Linux and Procyon alike. */
	sigset_t chld;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, 0);
	syscall(SYS_pipe, p);
	long pid = syscall(SYS_fork);
	if (pid == 0) {
		syscall(SYS_close, p[0]);
		syscall(SYS_write, p[1], "x", 1);
		syscall(SYS_exit_group, 0);
	}
	syscall(SYS_close, p[1]);
	syscall(SYS_read, p[0], &c, 1);
	syscall(SYS_wait4, -1, &st, 0, 0);
	sigprocmask(SIG_UNBLOCK, &chld, 0);
	sigprocmask(SIG_BLOCK, &chld, 0);
	pid = syscall(SYS_fork);
	if (pid == 0) {
		char *args[] = {argv[0], "again", 0};
		char *env[] = {"A=1", 0};
		syscall(SYS_execve, argv[0], args, env);
		syscall(SYS_exit_group, 1);
	}
	syscall(SYS_wait4, pid, &st, 0, 0);
	sigprocmask(SIG_UNBLOCK, &chld, 0);
	return 0;
}
