/* threads: a pthreads program for strace -f. The main thread creates one
 * worker; each makes its interesting calls while the other is asleep in a
 * call strace is not asked to show (or, under -o and the comparison's
 * grouping by thread, shown in one place whatever the interleaving), so
 * the order of the lines does not depend on the scheduler:
 *
 *   ms     main                               worker
 *   0      pthread_create, sleep 100
 *   100    futex wait, timeout 500 ms         (asleep until 300)
 *   300                                       gettid, set_robust_list,
 *                                             tgkill itself SIGUSR1, write,
 *                                             sleep 600
 *   600    futex times out, sleep 600
 *   900                                       returns: pthread_exit, exit
 *   1200   pthread_join (the worker is gone:
 *          no wait), write, exit_group(0)
 *
 * With "exit", the worker blocks in read after its write and main
 * returns 3 at 1200 ms: exit_group ends the blocked worker. With "exec",
 * main blocks in read and the worker, at 300 ms, execs this program with
 * "execd" (which writes and exits 4): the execve ends main and the worker
 * takes the process's id. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define FUTEX_WAIT_PRIVATE 128

static int never, pipefd[2];
static long robust_head[3];

static void on_usr1(int s) { (void)s; }

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, ms % 1000 * 1000000};
	nanosleep(&ts, 0);
}

static void *worker(void *arg)
{
	sleep_ms(300);
	long tid = syscall(SYS_gettid);
	robust_head[0] = (long)robust_head; /* an empty list */
	syscall(SYS_set_robust_list, robust_head, sizeof robust_head);
	syscall(SYS_tgkill, getpid(), tid, SIGUSR1);
	syscall(SYS_write, 1, "worker\n", 7);
	if (arg) {
		char c;
		syscall(SYS_read, pipefd[0], &c, 1); /* until exit_group */
	}
	sleep_ms(600);
	return 0;
}

static void *exec_worker(void *self)
{
	char *args[] = {self, "execd", 0}, *env[] = {0};
	sleep_ms(300);
	syscall(SYS_execve, self, args, env);
	return 0;
}

int main(int argc, char **argv)
{
	pthread_t t;
	if (argc > 1 && strcmp(argv[1], "execd") == 0) {
		syscall(SYS_write, 1, "execd\n", 6);
		return 4;
	}
	if (argc > 1 && strcmp(argv[1], "exec") == 0) {
		char c;
		pipe(pipefd);
		pthread_create(&t, 0, exec_worker, argv[0]);
		syscall(SYS_read, pipefd[0], &c, 1); /* until the execve */
		return 0;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, 0);
	if (argc > 1)
		pipe(pipefd);
	pthread_create(&t, 0, worker, argc > 1 ? (void *)1 : 0);
	sleep_ms(100);
	struct timespec limit = {0, 500000000};
	syscall(SYS_futex, &never, FUTEX_WAIT_PRIVATE, 0, &limit, 0, 0);
	sleep_ms(600);
	if (argc > 1)
		return 3;
	pthread_join(t, 0);
	syscall(SYS_write, 1, "main\n", 5);
	return 0;
}
