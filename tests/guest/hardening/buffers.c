/* hardening: a bad buffer fails with EFAULT at once, before the call would block. */
#define _GNU_SOURCE
#include "hardening.h"

/* ------------------------------------------------------------------------ */
/* A bad buffer fails at once, before the call would block.                  */
/* ------------------------------------------------------------------------ */

static const uint64_t bad_bufs[] = {KERNEL_ADDR, USER_TOP - 8, NONCANONICAL};

/* Each call must fail with EFAULT within 500 ms (it would block forever). */
#define EFAULT_AT_ONCE(call)                                                                       \
	do {                                                                                       \
		long t0_ = now_ms();                                                               \
		CHECK_ERR(call, EFAULT);                                                           \
		CHECK(now_ms() - t0_ < 500);                                                       \
	} while (0)

/* Before: a read into a kernel address blocked on the empty pipe first. */
static void read_bad_buffer_efault_before_blocking(void)
{
	int p[2];
	CHECK(pipe(p) == 0);
	char ok[8];
	for (size_t i = 0; i < sizeof bad_bufs / sizeof bad_bufs[0]; i++)
		EFAULT_AT_ONCE(read(p[0], (void *)bad_bufs[i], 64));
	EFAULT_AT_ONCE(read(p[0], ok, (size_t)-1 - 16));  /* the length wraps */
	EFAULT_AT_ONCE(read(p[0], ok, USER_TOP));         /* runs past the top */
	EFAULT_AT_ONCE(read(0, (void *)KERNEL_ADDR, 16)); /* the console */
}

static void readv_bad_iovec_efault_before_blocking(void)
{
	int p[2];
	CHECK(pipe(p) == 0);
	char ok[8];
	struct iovec v[2] = {{ok, sizeof ok}, {(void *)KERNEL_ADDR, 8}};
	EFAULT_AT_ONCE(readv(p[0], v, 2)); /* the second is bad: nothing is read */
	EFAULT_AT_ONCE(readv(p[0], (struct iovec *)KERNEL_ADDR, 1));
	CHECK(write(p[1], "x", 1) == 1);
	CHECK(read(p[0], ok, 1) == 1); /* the byte was still there */
}

static void write_bad_buffer_full_pipe_efault_at_once(void)
{
	int p[2];
	CHECK(pipe2(p, O_NONBLOCK) == 0);
	char junk[512] = {0};
	while (write(p[1], junk, sizeof junk) > 0)
		;
	CHECK(fcntl(p[1], F_SETFL, 0) == 0); /* blocking again, and full */
	for (size_t i = 0; i < sizeof bad_bufs / sizeof bad_bufs[0]; i++)
		EFAULT_AT_ONCE(write(p[1], (void *)bad_bufs[i], 64));
	struct iovec v = {(void *)KERNEL_ADDR, 8};
	EFAULT_AT_ONCE(writev(p[1], &v, 1));
}

static void park(long arg)
{
	(void)arg;
	pause();
}

static void trace_read_bad_buffer_efault_at_once(void)
{
	struct gated g = gated_spawn(park, 0);
	int t = trace_attach(g.pid, 0);
	EFAULT_AT_ONCE(read(t, (void *)KERNEL_ADDR, sizeof(struct ptrace_event)));
	kill(g.pid, SIGKILL);
	close(t);
	wait_for(g.pid);
}

static void poll_select_bad_sets_efault_at_once(void)
{
	int p[2];
	CHECK(pipe(p) == 0);
	EFAULT_AT_ONCE(poll((struct pollfd *)KERNEL_ADDR, 1, 5000));
	EFAULT_AT_ONCE(select(p[0] + 1, (fd_set *)KERNEL_ADDR, NULL, NULL, NULL));
	struct timeval tv = {5, 0};
	fd_set r;
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	EFAULT_AT_ONCE(select(p[0] + 1, &r, (fd_set *)(USER_TOP - 4), NULL, &tv));
}

static void wait4_bad_status_efault_at_once(void)
{
	int pid = spawn_sleeper_as(0, 0);
	EFAULT_AT_ONCE(wait4(pid, (int *)KERNEL_ADDR, 0, NULL));
	EFAULT_AT_ONCE(wait4(pid, NULL, 0, (struct rusage *)KERNEL_ADDR));
	kill(pid, SIGKILL);
	CHECK_KILLED_BY(wait_for(pid), SIGKILL); /* still there to reap */
}

static void nanosleep_bad_remainder_efault_at_once(void)
{
	struct timespec ts = {5, 0};
	EFAULT_AT_ONCE(nanosleep(&ts, (struct timespec *)KERNEL_ADDR));
	EFAULT_AT_ONCE(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &ts, KERNEL_ADDR));
}

static const struct test tests[] = {
    T(read_bad_buffer_efault_before_blocking),    T(readv_bad_iovec_efault_before_blocking),
    T(write_bad_buffer_full_pipe_efault_at_once), T(trace_read_bad_buffer_efault_at_once),
    T(poll_select_bad_sets_efault_at_once),       T(wait4_bad_status_efault_at_once),
    T(nanosleep_bad_remainder_efault_at_once),
};

const struct test_area area_buffers = TEST_AREA("buffers", tests);
