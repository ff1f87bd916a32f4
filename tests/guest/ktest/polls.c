/* ktest area: what select, pselect6 and ppoll do with their timeout and
 * signal mask, as on Linux: a non-zero timeout is written back with the
 * time left (a zero one is left alone), and pselect6/ppoll wait with the
 * mask they are given, restoring the caller's after. They run on Linux too. */
#define _GNU_SOURCE
#include "ktest.h"

/* Regression: the timeout came back as it went in. */
static void select_pselect_ppoll_write_time_left(void)
{
	int p[2];
	CHECK(pipe(p) == 0);
	fd_set rs;
	FD_ZERO(&rs);
	FD_SET(p[0], &rs);
	struct timeval tv = {0, 50000};
	CHECK(syscall(SYS_select, p[0] + 1, &rs, NULL, NULL, &tv) ==
	      0);                                    /* musl's select copies tv */
	CHECK(tv.tv_sec == 0 && tv.tv_usec < 50000); /* it timed out: little or none left */
	/* A writer 50 ms later: about 4.95 s are left. */
	struct timespec ts = {5, 0};
	pid_t kid = fork();
	if (kid == 0) {
		usleep(50000);
		_exit(write(p[1], "x", 1) == 1 ? 0 : 1);
	}
	FD_SET(p[0], &rs);
	CHECK(syscall(SYS_pselect6, p[0] + 1, &rs, NULL, NULL, &ts, NULL) == 1);
	CHECK(ts.tv_sec >= 3 && ts.tv_sec <= 4 && ts.tv_nsec < 1000000000);
	CHECK_EXITED(wait_within(kid, 5, "the writer"), 0);
	struct pollfd pf = {p[0], POLLIN, 0};
	ts = (struct timespec){5, 0};
	CHECK(syscall(SYS_ppoll, &pf, 1, &ts, NULL, 8) == 1);
	CHECK(ts.tv_sec >= 3 && ts.tv_sec <= 4 && ts.tv_nsec < 1000000000);
	ts = (struct timespec){0, 0};
	CHECK(syscall(SYS_ppoll, &pf, 1, &ts, NULL, 8) == 1 && ts.tv_sec == 0 && ts.tv_nsec == 0);
}

static volatile int usr1_seen;
static void on_usr1(int sig)
{
	(void)sig;
	usr1_seen++;
}

/* Regression: pselect6 and ppoll ignored their mask. A blocked SIGUSR1
 * that the call's mask lets through interrupts it (EINTR, the handler
 * runs); afterwards the caller's mask is back. */
static void pselect_ppoll_wait_with_their_mask(void)
{
	struct sigaction sa = {0};
	sa.sa_handler = on_usr1;
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
	sigset_t block, open_set, now;
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigemptyset(&open_set);
	CHECK(sigprocmask(SIG_BLOCK, &block, NULL) == 0);
	CHECK(kill(getpid(), SIGUSR1) == 0); /* pending, blocked */
	CHECK(usr1_seen == 0);
	int p[2];
	CHECK(pipe(p) == 0);
	struct pollfd pf = {p[0], POLLIN, 0};
	struct timespec ts = {2, 0};
	CHECK_ERR(syscall(SYS_ppoll, &pf, 1, &ts, &open_set, 8), EINTR);
	CHECK(usr1_seen == 1);
	CHECK(sigprocmask(SIG_BLOCK, NULL, &now) == 0 && sigismember(&now, SIGUSR1));

	CHECK(kill(getpid(), SIGUSR1) == 0);
	fd_set rs;
	FD_ZERO(&rs);
	FD_SET(p[0], &rs);
	struct {
		const sigset_t *set;
		size_t size;
	} arg = {&open_set, 8};
	ts = (struct timespec){2, 0};
	CHECK_ERR(syscall(SYS_pselect6, p[0] + 1, &rs, NULL, NULL, &ts, &arg), EINTR);
	CHECK(usr1_seen == 2);
	CHECK(sigprocmask(SIG_BLOCK, NULL, &now) == 0 && sigismember(&now, SIGUSR1));

	/* A mask that blocks what the caller's lets through: not interrupted. */
	CHECK(sigprocmask(SIG_UNBLOCK, &block, NULL) == 0);
	ts = (struct timespec){0, 20000000};
	CHECK(syscall(SYS_ppoll, &pf, 1, &ts, &block, 8) == 0);
	CHECK(sigprocmask(SIG_BLOCK, NULL, &now) == 0 && !sigismember(&now, SIGUSR1));
	arg.size = 4;
	CHECK_ERR(syscall(SYS_pselect6, p[0] + 1, &rs, NULL, NULL, &ts, &arg), EINVAL);
	CHECK_ERR(syscall(SYS_ppoll, &pf, 1, &ts, &block, 4), EINVAL);
}

static const struct test tests[] = {
    T(select_pselect_ppoll_write_time_left),
    T(pselect_ppoll_wait_with_their_mask),
};

const struct test_area area_polls = TEST_AREA("polls", tests);
