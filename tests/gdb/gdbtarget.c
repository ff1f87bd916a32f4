/* gdbtarget: the inferior of the host-GDB test (tests/gdb/run-gdb-test).
 * Plain run: calls add(a, b) three times with known values (1+2, 3+4, 5+6),
 * counts the calls in the global `counter`, sums results in `total`, prints
 * one line and exits with status 7.
 * "gdbtarget spin": loops until a debugger sets `stop_spinning` (a test of
 * ^C), then sends itself SIGUSR1, which its handler notes, and exits with 7.
 * "gdbtarget attach": forks that spinning child and becomes
 * "gdbserver --attach CHILD" (a test of attach and detach). */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

volatile int counter;
volatile long total;
volatile int stop_spinning;
volatile long spins;
volatile sig_atomic_t got_usr1;
static int ready_fd = -1; /* attach mode: spin() tells the parent it runs */

__attribute__((noinline)) int add(int a, int b)
{
	counter++;
	return a + b;
}

static void on_usr1(int sig) { got_usr1 = sig; }

static int spin(void)
{
	signal(SIGUSR1, on_usr1);
	if (ready_fd >= 0 && write(ready_fd, "r", 1) != 1)
		return 1;
	while (!stop_spinning)
		spins++;
	kill(getpid(), SIGUSR1); /* not raise(): Procyon has no tkill yet */
	printf("gdbtarget: spun, got_usr1=%d\n", (int)got_usr1);
	fflush(stdout);
	return 7;
}

/* Fork a spinning child and, once it spins, hand over to gdbserver
 * attached to it. */
static int attach_mode(void)
{
	char pid[16], c;
	int p[2];
	if (pipe(p) < 0)
		return 1;
	pid_t child = fork();
	if (child < 0)
		return 1;
	if (child == 0) {
		ready_fd = p[1];
		_exit(spin());
	}
	if (read(p[0], &c, 1) != 1)
		return 1;
	close(p[0]);
	close(p[1]);
	snprintf(pid, sizeof pid, "%d", (int)child);
	execl("/bin/gdbserver", "gdbserver", "--attach", pid, (char *)NULL);
	perror("gdbtarget: exec gdbserver");
	return 1;
}

int main(int argc, char **argv)
{
	static const int args[3][2] = {{1, 2}, {3, 4}, {5, 6}};
	if (argc > 1 && strcmp(argv[1], "spin") == 0)
		return spin();
	if (argc > 1 && strcmp(argv[1], "attach") == 0)
		return attach_mode();
	for (int i = 0; i < 3; i++)
		total += add(args[i][0], args[i][1]);
	printf("gdbtarget: counter=%d total=%ld\n", counter, total);
	fflush(stdout);
	return 7;
}
