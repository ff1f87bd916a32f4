/* gdbthreads: the inferior of the GDB thread sessions (tests/gdb/run-gdb-test,
 * parity/threads.gdb, parity/threads-intr.gdb), built with -O0 so that the
 * same static binary runs under Debian's gdbserver on the host and under
 * Procyon's, and GDB's output can be compared line by line.
 *
 * Plain run: four threads that pass a baton, so that at every stop a
 * debugger makes, every thread but the running one is parked in park() (a
 * raw futex wait), and where each one is does not depend on the scheduler:
 *   main creates workers 1, 2, 3 (each parks at once), waits until all
 *     three are blocked, calls all_ready() and hands the baton to worker 2;
 *   worker 2 waits until main is blocked, runs work(2) (which wakes worker 1
 *     and writes `watched`) and parks;
 *   worker 1 notes it was woken (woken[1]), waits until worker 2 is
 *     blocked, runs work(1), wakes worker 3 and exits;
 *   worker 3 waits until worker 1 is gone, creates worker 4 (which parks),
 *     waits until it is blocked, calls changed(), then wakes everyone;
 *   main joins the workers and exits 7.
 * "gdbthreads spin": main and three workers spin in spin_loop(), counting
 * in spins[], until a debugger sets stop_spinning (a test of ^C); exits 7.
 * "gdbthreads signal": workers 1 and 2 park, worker 3 waits until they and
 * main are blocked, sends itself SIGUSR1 (counted in usr1 by a handler)
 * and reads *nowhere: SIGSEGV ends the process.
 * "gdbthreads exec": worker 1 waits until main is blocked and execs
 * "gdbthreads baton" (exec from a thread that is not the first).
 * "gdbthreads background": starts "gdbthreads spin" in a child, prints its
 * pid and becomes "gdbserver --multi" (Procyon only: the guest side of the
 * threadsattach parity session). Any other argument, or none: the baton.
 * "Blocked" is read from the kernel: proc:TID/status (state S) on Procyon,
 * /proc/self/task/TID/stat on Linux. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdbool.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define FUTEX_WAIT_PRIVATE 128 /* FUTEX_WAIT | FUTEX_PRIVATE_FLAG */
#define FUTEX_WAKE_PRIVATE 129
#define WORKERS 5 /* slots 1..4 used; 0 is main */

volatile int go[WORKERS];    /* worker i parks on go[i]; main on go[0] */
volatile int woken[WORKERS]; /* set by a worker as soon as it is released */
volatile int progress[WORKERS];
volatile int leave; /* the last park of everyone */
volatile long watched;
volatile pid_t tids[WORKERS];
volatile int stop_spinning;
volatile long spins[WORKERS];
static pthread_t threads[WORKERS];

static pid_t my_tid(void) { return (pid_t)syscall(SYS_gettid); }

/* Wait while *word is 0. The futex call is inline, so that a thread
 * stopped here is in this function, not in libc. */
__attribute__((noinline)) void park(volatile int *word)
{
	while (!*word) {
		register long r10 __asm__("r10") = 0;
		long ret;
		__asm__ volatile("syscall"
		                 : "=a"(ret)
		                 : "a"((long)SYS_futex), "D"(word), "S"((long)FUTEX_WAIT_PRIVATE),
		                   "d"(0L), "r"(r10)
		                 : "rcx", "r11", "memory");
		(void)ret;
	}
}

__attribute__((noinline)) void wake(volatile int *word)
{
	*word = 1;
	syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

/* The state letter of thread tid ('S' blocked), or 0 once it is gone. */
static char thread_state(pid_t tid)
{
	char path[64], buf[600];
	snprintf(path, sizeof path, "proc:%d/status", (int)tid);
	int fd = open(path, O_RDONLY);
	bool procyon = fd >= 0;
	if (!procyon) {
		snprintf(path, sizeof path, "/proc/self/task/%d/stat", (int)tid);
		fd = open(path, O_RDONLY);
	}
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	const char *s = procyon ? strstr(buf, "\nstate ") : strrchr(buf, ')');
	if (!s)
		return 0;
	return procyon ? s[7] : s[2];
}

static void nap(void)
{
	struct timespec ts = {0, 1000 * 1000};
	nanosleep(&ts, NULL);
}

static void wait_blocked(int who)
{
	while (!tids[who])
		nap();
	while (thread_state(tids[who]) != 'S')
		nap();
}

static void wait_gone(int who)
{
	while (thread_state(tids[who]) != 0)
		nap();
}

/* Breakpoint targets. */
__attribute__((noinline)) void all_ready(void) { progress[0] = 1; }

__attribute__((noinline)) void changed(void) { progress[0] = 2; }

__attribute__((noinline)) void work(int id)
{
	int x = id * 10;
	progress[id] = x;
	if (id == 2)
		wake(&go[1]);
	progress[id] = x + 1;
	watched = progress[id];
}

static void *worker(void *arg)
{
	int id = (int)(long)arg;
	tids[id] = my_tid();
	park(&go[id]);
	woken[id] = 1;
	switch (id) {
	case 2:
		wait_blocked(0);
		work(2);
		park(&leave);
		break;
	case 1:
		wait_blocked(2);
		work(1);
		wake(&go[3]);
		break;
	case 3:
		wait_gone(1);
		pthread_create(&threads[4], NULL, worker, (void *)4L);
		wait_blocked(4);
		changed();
		leave = 1;
		syscall(SYS_futex, &leave, FUTEX_WAKE_PRIVATE, 8, NULL, NULL, 0);
		wake(&go[4]);
		wake(&go[0]);
		break;
	}
	return NULL;
}

/* Count in spins[id] until stop_spinning is set. The loop is one line
 * (and starts with a nop that is never returned to), so a thread stopped
 * in it shows the same frame line, with an address, wherever it is. */
__attribute__((noinline)) void spin_loop(int id)
{
	__asm__ volatile("nop\n1: incq %0\n cmpl $0, %1\n je 1b"
	                 : "+m"(spins[id])
	                 : "m"(stop_spinning));
}

static void *spinner(void *arg)
{
	int id = (int)(long)arg;
	tids[id] = my_tid();
	spin_loop(id);
	return NULL;
}

/* exec mode: worker 1 execs this program again (plain: the baton) while
 * main is parked. */
static void *execer(void *arg)
{
	wait_blocked(0);
	execl((const char *)arg, (const char *)arg, "baton", (char *)NULL);
	return NULL;
}

static int exec_from_worker(const char *self)
{
	tids[0] = my_tid();
	pthread_create(&threads[1], NULL, execer, (void *)self);
	park(&go[0]);
	return 1;
}

/* signal mode: worker 3, once main and workers 1 and 2 are parked, sends
 * itself SIGUSR1 (a handler counts it) and then faults. */
volatile int *volatile nowhere;
volatile int usr1;

static void on_usr1(int sig) { usr1 = sig; }

static void *faulter(void *arg)
{
	(void)arg;
	tids[3] = my_tid();
	wait_blocked(0);
	wait_blocked(1);
	wait_blocked(2);
	pthread_kill(pthread_self(), SIGUSR1);
	progress[3] = *nowhere;
	return NULL;
}

static int fault_in_worker(void)
{
	signal(SIGUSR1, on_usr1);
	tids[0] = my_tid();
	for (long i = 1; i <= 2; i++)
		pthread_create(&threads[i], NULL, worker, (void *)i);
	pthread_create(&threads[3], NULL, faulter, NULL);
	park(&go[0]);
	return 1;
}

static int spin(void)
{
	for (long i = 1; i <= 3; i++)
		pthread_create(&threads[i], NULL, spinner, (void *)i);
	for (int i = 1; i <= 3; i++)
		while (!spins[i])
			nap();
	spin_loop(0);
	for (int i = 1; i <= 3; i++)
		pthread_join(threads[i], NULL);
	printf("gdbthreads: spun\n");
	fflush(stdout);
	return 7;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "spin"))
		return spin();
	if (argc > 1 && !strcmp(argv[1], "signal"))
		return fault_in_worker();
	if (argc > 1 && !strcmp(argv[1], "exec"))
		return exec_from_worker(argv[0]);
	if (argc > 1 && !strcmp(argv[1], "background")) {
		pid_t pid = fork();
		if (pid == 0) {
			execl(argv[0], argv[0], "spin", (char *)NULL);
			_exit(1);
		}
		printf("gdbthreads: background pid %d\n", (int)pid);
		fflush(stdout);
		execl("/bin/gdbserver", "gdbserver", "--multi", (char *)NULL);
		return 1;
	}
	tids[0] = my_tid();
	for (long i = 1; i <= 3; i++) {
		pthread_create(&threads[i], NULL, worker, (void *)i);
		wait_blocked((int)i);
	}
	all_ready();
	wake(&go[2]);
	park(&go[0]);
	for (int i = 1; i <= 4; i++)
		pthread_join(threads[i], NULL);
	printf("gdbthreads: watched=%ld progress=%d,%d,%d\n", watched, progress[1], progress[2],
	       progress[0]);
	fflush(stdout);
	return 7;
}
