/* tracetest: request writes and reading events (O_NONBLOCK, record sizes, poll). */
#define _GNU_SOURCE
#include "tracetest.h"

/* ------------------------------------------------------------------------ */
/* trace: request writes.                                                   */
/* ------------------------------------------------------------------------ */

static void trace_write_wrong_size_einval(void)
{
	struct kid k = spawn_kid(body_nothing, 0);
	int t = trace_attach(k.pid, 0);
	uint64_t buf[4] = {0};
	static const size_t sizes[] = {0, 1, 4, 7, 9, 16, 32};
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		errno = 0;
		long n = write(t, buf, sizes[i]);
		if (n != -1 || errno != EINVAL)
			FAILF("write %zu bytes to trace: %ld errno %d, want EINVAL", sizes[i], n,
			      errno);
	}
	CHECK(write(t, buf, 8) == 8);
	close(t);
	kid_kill(&k);
}

static void trace_write_unknown_bits_einval(void)
{
	struct kid k = spawn_kid(body_getpid, 0);
	int t = trace_attach(k.pid, 0);
	trace_set(t, PTRACE_STOP_PRE_SYSCALL);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_SYSCALL_STOP(t, PTRACE_STOP_PRE_SYSCALL, SYS_getpid, &e);
	static const uint64_t bad[] = {0x200,
	                               0x400,
	                               0x800,
	                               0x2000,
	                               0x4000,
	                               0x8000,
	                               0x10000,
	                               1UL << 32,
	                               1UL << 63,
	                               0x200 | 0x01,
	                               0xffffffffffffffffUL};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		errno = 0;
		long n = write_flags(t, bad[i]);
		if (n != -1 || errno != EINVAL)
			FAILF("flags %#lx: %ld errno %d, want EINVAL", (unsigned long)bad[i], n,
			      errno);
	}
	/* A rejected write does not resume the target. */
	CHECK(status_state(k.pid) == 'T');
	CHECK(kid_silent_for(&k, 50));
	trace_set(t, 0);
	CHECK(kid_result(&k) == k.pid);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void trace_write_replaces_request_set(void)
{
	struct kid k = spawn_kid(body_getpid_getppid, 0);
	int t = trace_attach(k.pid, 0);
	trace_set(t, PTRACE_STOP_PRE_SYSCALL | PTRACE_STOP_POST_SYSCALL);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_SYSCALL_STOP(t, PTRACE_STOP_PRE_SYSCALL, SYS_getpid, &e);
	trace_set(t, PTRACE_STOP_POST_SYSCALL);
	EXPECT_SYSCALL_STOP(t, PTRACE_STOP_POST_SYSCALL, SYS_getpid, &e);
	trace_set(t, PTRACE_STOP_PRE_SYSCALL);
	EXPECT_SYSCALL_STOP(t, PTRACE_STOP_PRE_SYSCALL, SYS_getppid, &e);
	trace_set(t, 0);
	CHECK(kid_result(&k) == k.pid);
	CHECK(kid_result(&k) == getpid());
	EXPECT_EVENT(t, PTRACE_STOP_EXIT, &e);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void trace_write_resumes_stopped_target(void)
{
	struct kid k = spawn_kid(body_getpid, 0);
	int t = trace_attach(k.pid, 0);
	trace_set(t, PTRACE_STOP_PRE_SYSCALL);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_SYSCALL_STOP(t, PTRACE_STOP_PRE_SYSCALL, SYS_getpid, &e);
	CHECK(status_state(k.pid) == 'T');
	trace_set(t, PTRACE_STOP_PRE_SYSCALL); /* same set: resumes */
	EXPECT_SYSCALL_STOP(t, PTRACE_STOP_PRE_SYSCALL, SYS_write, &e);
	trace_set(t, PTRACE_STOP_PRE_SYSCALL);
	EXPECT_SYSCALL_STOP(t, PTRACE_STOP_PRE_SYSCALL, SYS_exit_group, &e);
	trace_set(t, PTRACE_STOP_PRE_SYSCALL);
	CHECK(kid_result(&k) == k.pid);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void trace_write_zero_runs_freely(void)
{
	struct kid k = spawn_kid(body_many_getpid, 50);
	int t = trace_attach(k.pid, 0);
	trace_set(t, PTRACE_STOP_PRE_SYSCALL);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_SYSCALL_STOP(t, PTRACE_STOP_PRE_SYSCALL, SYS_getpid, &e);
	trace_set(t, 0);
	CHECK(kid_result(&k) == k.pid);
	EXPECT_EVENT(t, PTRACE_STOP_EXIT, &e); /* no stop in between */
	CHECK_EQ(e.data[0], 0);
	CHECK_EXITED(kid_reap(&k), 0);
}

/* ------------------------------------------------------------------------ */
/* trace: reading events, O_NONBLOCK, poll.                                 */
/* ------------------------------------------------------------------------ */

static void trace_nonblock_read_eagain(void)
{
	struct kid k = spawn_kid(body_getpid, 0);
	int t = trace_attach(k.pid, O_NONBLOCK);
	trace_set(t, PTRACE_STOP_PRE_SYSCALL);
	struct ptrace_event e;
	CHECK_ERR(read(t, &e, sizeof e), EAGAIN);
	kid_go(&k);
	struct pollfd p = {t, POLLIN, 0};
	CHECK(poll(&p, 1, 5000) == 1 && (p.revents & POLLIN));
	CHECK(read(t, &e, sizeof e) == (long)EV);
	CHECK(e.cause == PTRACE_STOP_PRE_SYSCALL && e.data[0] == SYS_getpid);
	CHECK_ERR(read(t, &e, sizeof e), EAGAIN);
	trace_set(t, 0);
	CHECK_EXITED(kid_reap(&k), 0);
}

/* Helper: wait until the test process blocks in read(2), then start the kid. */
static void go_when_blocked_in_read(long arg)
{
	const struct kid *k = (const struct kid *)arg;
	wait_until(getppid(), 'S', SYS_read);
	kid_go(k);
}

static void trace_read_blocks_until_event(void)
{
	struct kid k = spawn_kid(body_getpid, 0);
	int t = trace_attach(k.pid, 0);
	trace_set(t, PTRACE_STOP_PRE_SYSCALL);
	pid_t h = fork_helper(go_when_blocked_in_read, (long)&k);
	struct ptrace_event e;
	EXPECT_SYSCALL_STOP(t, PTRACE_STOP_PRE_SYSCALL, SYS_getpid, &e);
	CHECK_EXITED(wait_bounded(h), 0);
	trace_set(t, 0);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void trace_read_small_buffer_einval(void)
{
	struct kid k = spawn_kid(body_getpid, 0);
	int t = trace_attach(k.pid, 0);
	trace_set(t, PTRACE_STOP_PRE_SYSCALL);
	kid_go(&k);
	wait_until(k.pid, 'T', SYS_getpid);
	char buf[128];
	static const size_t sizes[] = {0, 1, 8, 63};
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		errno = 0;
		long n = read(t, buf, sizes[i]);
		if (n != -1 || errno != EINVAL)
			FAILF("read %zu bytes from trace: %ld errno %d, want EINVAL", sizes[i], n,
			      errno);
	}
	struct ptrace_event e; /* the event is still there */
	EXPECT_SYSCALL_STOP(t, PTRACE_STOP_PRE_SYSCALL, SYS_getpid, &e);
	trace_set(t, 0);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void trace_read_returns_several_records(void)
{
	struct kid k = spawn_kid(body_getpid, 0);
	int t = trace_attach(k.pid, 0);
	trace_set(t, PTRACE_STOP_PRE_SYSCALL);
	kid_go(&k);
	wait_until(k.pid, 'T', SYS_getpid);
	trace_set(t, PTRACE_STOP_PRE_SYSCALL); /* resume without reading */
	wait_until(k.pid, 'T', SYS_write);
	kill(k.pid, SIGKILL);
	wait_until(k.pid, 'Z', ANY_SYSCALL);
	struct ptrace_event ev[4];
	memset(ev, 0xa5, sizeof ev);
	/* 100 bytes hold one whole record only. */
	CHECK(read(t, ev, 100) == (long)EV);
	CHECK(ev[0].cause == PTRACE_STOP_PRE_SYSCALL && ev[0].data[0] == SYS_getpid);
	long n = read(t, ev, sizeof ev);
	if (n != 2 * (long)EV)
		FAILF("read with 4 records of room: %ld, want 128", n);
	CHECK(ev[0].cause == PTRACE_STOP_PRE_SYSCALL && ev[0].data[0] == SYS_write);
	CHECK(ev[1].cause == PTRACE_STOP_EXIT);
	CHECK(read(t, ev, sizeof ev) == 0);
	int st = kid_reap(&k);
	CHECK_KILLED_BY(st, SIGKILL);
	CHECK_EQ(ev[1].data[0], st);
}

static void trace_read_eof_after_exit(void)
{
	struct kid k = spawn_kid(body_exit_code, 3);
	int t = trace_attach(k.pid, 0);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_STOP_EXIT, &e);
	CHECK_EQ(e.data[0], 3 << 8);
	CHECK(read(t, &e, sizeof e) == 0);
	CHECK(read(t, &e, sizeof e) == 0);
	CHECK_EXITED(kid_reap(&k), 3);
	CHECK(read(t, &e, sizeof e) == 0);
}

static void poll_readable_when_event_queued(void)
{
	struct kid k = spawn_kid(body_getpid, 0);
	int t = trace_attach(k.pid, 0);
	trace_set(t, PTRACE_STOP_PRE_SYSCALL);
	CHECK(!(poll_one(t, 0) & (POLLIN | POLLHUP)));
	kid_go(&k);
	CHECK(poll_one(t, 5000) & POLLIN);
	struct ptrace_event e;
	EXPECT_SYSCALL_STOP(t, PTRACE_STOP_PRE_SYSCALL, SYS_getpid, &e);
	CHECK(!(poll_one(t, 0) & (POLLIN | POLLHUP)));
	trace_set(t, 0);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void poll_hup_after_target_gone_and_drained(void)
{
	struct kid k = spawn_kid(body_nothing, 0);
	int t = trace_attach(k.pid, 0);
	kid_go(&k);
	CHECK_EXITED(kid_reap(&k), 0);
	short r = poll_one(t, 5000);
	if (!(r & POLLIN) || (r & POLLHUP))
		FAILF("EXIT queued: revents %#x, want POLLIN without POLLHUP", r);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_STOP_EXIT, &e);
	r = poll_one(t, 5000);
	if (!(r & POLLHUP) || (r & POLLIN))
		FAILF("gone and drained: revents %#x, want POLLHUP", r);
}

static const struct test tests[] = {
    T(trace_write_wrong_size_einval),      T(trace_write_unknown_bits_einval),
    T(trace_write_replaces_request_set),   T(trace_write_resumes_stopped_target),
    T(trace_write_zero_runs_freely),       T(trace_nonblock_read_eagain),
    T(trace_read_blocks_until_event),      T(trace_read_small_buffer_einval),
    T(trace_read_returns_several_records), T(trace_read_eof_after_exit),
    T(poll_readable_when_event_queued),    T(poll_hup_after_target_gone_and_drained),
};

const struct test_area area_events = TEST_AREA("events", tests);
