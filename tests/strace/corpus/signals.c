/* signals: sigaction, masks, a handled signal and its sigreturn, nanosleep. */
#define _GNU_SOURCE
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static void on_usr1(int s) { (void)s; }

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, 0);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, 0);
	sigprocmask(SIG_SETMASK, &set, 0);
	sigprocmask(SIG_UNBLOCK, &set, 0);
	kill(getpid(), SIGUSR1);
	struct timespec ts = {0, 1000000};
	nanosleep(&ts, 0);
	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts); /* musl would use the vDSO */
	signal(SIGUSR2, SIG_IGN);
	return 0;
}
