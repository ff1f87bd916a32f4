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
 *   spin      loops until a debugger sets stop_spinning (for attach);
 *   loop      calls tick() every 10 ms until a debugger sets
 *             stop_spinning, then exits 7 (attached to by GDB);
 *   background  starts "gdbparity loop" in a child, prints its pid and
 *             becomes "gdbserver --multi" (Procyon only: the guest side of
 *             the attach parity session);
 *   watch     touch() writes, reads and writes globals (w1..w5, warr), for
 *             watchpoints, then exits 7;
 *   siginfo   a SIGSEGV at nowhere (a handler of SIGUSR1 jumps past it),
 *             then raises SIGUSR2 (counted by a handler), stops at
 *             checkpoint(), prints the counts and exits 7. */
#include <setjmp.h>
#include <signal.h>
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

volatile long ticks;

__attribute__((noinline)) void tick(void) { ticks++; }

volatile long w1, w2, w3, w4, w5;
volatile int warr[8];

__attribute__((noinline)) void touch(void)
{
	w1 = 1;
	long x = w2;
	w3 = x + 3;
	w4 = 4;
	w5 = 5;
	warr[1] = 2;
	x = w1;
	w1 = x + 10;
}

static sigjmp_buf past_fault;
static volatile sig_atomic_t usr1, usr2, jump_armed;

static void on_usr1(int sig)
{
	(void)sig;
	usr1++;
	if (jump_armed) {
		jump_armed = 0;
		siglongjmp(past_fault, 1);
	}
}

static void on_usr2(int sig)
{
	(void)sig;
	usr2++;
}

static int do_siginfo(void)
{
	signal(SIGUSR1, on_usr1);
	signal(SIGUSR2, on_usr2);
	if (!sigsetjmp(past_fault, 1)) {
		jump_armed = 1;
		counter = *nowhere;
	}
	raise(SIGUSR2);
	checkpoint();
	printf("gdbparity: usr1=%d usr2=%d\n", (int)usr1, (int)usr2);
	fflush(stdout);
	return 7;
}

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
	if (!strcmp(mode, "watch")) {
		touch();
		printf("gdbparity: w1=%ld\n", w1);
		fflush(stdout);
		return 7;
	}
	if (!strcmp(mode, "siginfo"))
		return do_siginfo();
	if (!strcmp(mode, "loop")) {
		while (!stop_spinning) {
			tick();
			usleep(10000);
		}
		return 7;
	}
	if (!strcmp(mode, "background")) {
		pid_t pid = fork();
		if (pid == 0) {
			execl(argv[0], argv[0], "loop", (char *)NULL);
			_exit(1);
		}
		printf("gdbparity: background pid %d\n", (int)pid);
		fflush(stdout);
		execl("/bin/gdbserver", "gdbserver", "--multi", (char *)NULL);
		return 1;
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
