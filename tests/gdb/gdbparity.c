/* gdbparity: the inferior of the GDB parity sessions (tests/gdb/run-gdb-test),
 * built with -O0 so that the same static binary runs under Debian's
 * gdbserver on the host and under Procyon's, and GDB's output can be
 * compared line by line. Each mode exits with a known status:
 *   call      stops at checkpoint() for inferior calls (square, crash,
 *             and a breakpoint inside square), then exits 7;
 *   fork      forks a child that calls add(10, 20) and exits 3; the parent
 *             waits, calls add(1, 2), prints the child's status, exits 7;
 *   vfork     the same with vfork, the child exits 3 at once;
 *   exec      execs itself with "call" (so argv[0] must be its path);
 *   syscalls  getpid(), then write(1, ...) and close(-1), exits 7;
 *   spin      loops until a debugger sets stop_spinning (for attach). */
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

volatile int counter;
volatile int stop_spinning;
volatile int *volatile nowhere;

__attribute__((noinline)) int add(int a, int b)
{
	counter++;
	return a + b;
}

__attribute__((noinline)) int square(int x) { return x * x; }

__attribute__((noinline)) int crash(int x) { return *nowhere + x; }

__attribute__((noinline)) void checkpoint(void) { counter += 100; }

static int parent_part(pid_t pid)
{
	int st = 0;
	if (pid < 0)
		return 1;
	waitpid(pid, &st, 0);
	add(1, 2);
	printf("gdbparity: child exited %d\n", WEXITSTATUS(st));
	fflush(stdout);
	return 7;
}

static int do_fork(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		add(10, 20);
		_exit(3);
	}
	return parent_part(pid);
}

static int do_vfork(void)
{
	pid_t pid = vfork();
	if (pid == 0)
		_exit(3);
	return parent_part(pid);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "call";
	if (!strcmp(mode, "fork"))
		return do_fork();
	if (!strcmp(mode, "vfork"))
		return do_vfork();
	if (!strcmp(mode, "exec")) {
		execl(argv[0], argv[0], "call", (char *)NULL);
		return 1;
	}
	if (!strcmp(mode, "syscalls")) {
		printf("gdbparity: pid %s\n", syscall(SYS_getpid) > 0 ? "ok" : "bad");
		fflush(stdout);
		close(-1);
		return 7;
	}
	if (!strcmp(mode, "spin")) {
		while (!stop_spinning)
			counter++;
		return 7;
	}
	checkpoint();
	printf("gdbparity: counter=%d\n", counter);
	fflush(stdout);
	return 7;
}
