/* tracetest: signal stops, SIGKILL, SIGCONT; parents, tracers and exit. */
#define _GNU_SOURCE
#include "tracetest.h"

/* ------------------------------------------------------------------------ */
/* Signal stops, SIGKILL, SIGCONT.                                          */
/* ------------------------------------------------------------------------ */

static void signal_stop_case(long disp, uint64_t want_handler)
{
	struct kid k = spawn_kid(body_kill_self, disp);
	int t = trace_attach(k.pid, 0);
	trace_set(t, PTRACE_STOP_SIGNAL);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_STOP_SIGNAL, &e);
	CHECK_EQ(e.data[0], SIGUSR1);
	CHECK_EQ(e.data[1], want_handler);
	CHECK(status_state(k.pid) == 'T');
	trace_set(t, 0);
	if (disp == 0) {
		CHECK_KILLED_BY(kid_reap(&k), SIGUSR1);
		return;
	}
	CHECK(kid_result(&k) == (disp == 2));
	CHECK_EXITED(kid_reap(&k), 0);
}

static void signal_stop_default_handler_0(void) { signal_stop_case(0, 0); }
static void signal_stop_ignored_handler_1(void) { signal_stop_case(1, 1); }
static void signal_stop_handler_address(void) { signal_stop_case(2, U64(usr1_handler)); }

static void signal_stop_ignore_flag_discards(void)
{
	struct kid k = spawn_kid(body_kill_self, 0); /* default action: terminate */
	int t = trace_attach(k.pid, 0);
	trace_set(t, PTRACE_STOP_SIGNAL);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_STOP_SIGNAL, &e);
	CHECK_EQ(e.data[0], SIGUSR1);
	trace_set(t, PTRACE_FLAG_IGNORE);
	CHECK(kid_result(&k) == 0);
	CHECK_EXITED(kid_reap(&k), 0);
}

/* SIGKILL to a kid with the given stops requested: no stop, an EXIT event. */
static void sigkill_with_flags(uint64_t flags)
{
	struct kid k = spawn_kid(body_nothing, 0);
	int t = trace_attach(k.pid, 0);
	trace_set(t, flags);
	kill(k.pid, SIGKILL);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_STOP_EXIT, &e); /* no SIGNAL stop before it */
	int st = kid_reap(&k);                 /* and no exit stop: it ends on its own */
	CHECK_KILLED_BY(st, SIGKILL);
	CHECK_EQ(e.data[0], st);
}

static void sigkill_never_stops(void)
{
	sigkill_with_flags(PTRACE_STOP_SIGNAL | PTRACE_STOP_PRE_SYSCALL | PTRACE_STOP_POST_SYSCALL);
}

static void sigkill_no_exit_stop(void)
{
	sigkill_with_flags(PTRACE_STOP_SIGNAL | PTRACE_STOP_EXIT);
}

static void sigkill_ends_target_in_signal_stop(void)
{
	struct kid k = spawn_kid(body_kill_self_marker, 0);
	int t = trace_attach(k.pid, 0);
	trace_set(t, PTRACE_STOP_SIGNAL);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_STOP_SIGNAL, &e);
	CHECK_EQ(e.data[0], SIGUSR1);
	kill(k.pid, SIGKILL);
	int st = wait_bounded(k.pid);
	char buf[16];
	long n = read(k.out, buf, sizeof buf);
	if (n != 0)
		FAILF("after SIGKILL the kid still ran user code (%ld bytes: %.8s)", n, buf);
	CHECK_KILLED_BY(st, SIGKILL);
	close(k.go);
	close(k.out);
}

static void sigcont_does_not_resume_ptrace_stop(void)
{
	struct kid k = spawn_kid(body_getpid, 0);
	int t = trace_attach(k.pid, 0);
	trace_set(t, PTRACE_STOP_PRE_SYSCALL);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_SYSCALL_STOP(t, PTRACE_STOP_PRE_SYSCALL, SYS_getpid, &e);
	CHECK(kill(k.pid, SIGCONT) == 0);
	CHECK(kid_silent_for(&k, 100));
	CHECK(status_state(k.pid) == 'T');
	trace_set(t, 0);
	CHECK(kid_result(&k) == k.pid);
	CHECK_EXITED(kid_reap(&k), 0);
}

/* ------------------------------------------------------------------------ */
/* Parents, tracers and exit.                                               */
/* ------------------------------------------------------------------------ */

static void parent_wait4_normal_while_traced_stop(void)
{
	struct kid k = spawn_kid(body_getpid, 0);
	int t = trace_attach(k.pid, 0);
	trace_set(t, PTRACE_STOP_PRE_SYSCALL);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_SYSCALL_STOP(t, PTRACE_STOP_PRE_SYSCALL, SYS_getpid, &e);
	int st = 0x1234;
	CHECK(wait4(k.pid, &st, WNOHANG | WUNTRACED | WCONTINUED, NULL) == 0);
	CHECK(st == 0x1234 || st == 0);
	trace_set(t, 0);
	CHECK(kid_result(&k) == k.pid);
	CHECK_EXITED(kid_reap(&k), 0);
}

/* Tracer helper for the sibling test: pipes passed as to_parent*256 + from_parent. */
static pid_t sibling_kid_pid;

static void sibling_tracer(long fds)
{
	int to_parent = (int)(fds >> 8), from_parent = (int)(fds & 0xff);
	int t = trace_attach(sibling_kid_pid, 0);
	trace_set(t, PTRACE_STOP_PRE_SYSCALL | PTRACE_STOP_EXIT);
	CHECK(write(to_parent, "a", 1) == 1);
	struct ptrace_event e;
	EXPECT_SYSCALL_STOP(t, PTRACE_STOP_PRE_SYSCALL, SYS_exit_group, &e);
	CHECK_EQ(e.data[1], 7);
	trace_set(t, PTRACE_STOP_EXIT);
	EXPECT_EVENT(t, PTRACE_STOP_EXIT, &e);
	CHECK_EQ(e.data[0], 7 << 8);
	CHECK(write(to_parent, "x", 1) == 1);
	char c;
	CHECK(read(from_parent, &c, 1) == 1);
	CHECK_ERR(wait4(-1, NULL, WNOHANG, NULL), ECHILD); /* the tracer never reaps */
	trace_set(t, 0);
	CHECK(read(t, &e, sizeof e) == 0);
}

static void sibling_tracer_parent_still_reaps(void)
{
	struct kid k = spawn_kid(body_exit_code, 7);
	int up[2], down[2];
	CHECK(pipe(up) == 0 && pipe(down) == 0);
	sibling_kid_pid = k.pid;
	pid_t tracer = fork_helper(sibling_tracer, ((long)up[1] << 8) | down[0]);
	char c;
	CHECK(read(up[0], &c, 1) == 1 && c == 'a');
	CHECK(status_num(k.pid, "tracer") == tracer);
	kid_go(&k);
	CHECK(read(up[0], &c, 1) == 1 && c == 'x'); /* the tracer has the EXIT stop */
	int st = 0;
	CHECK(wait4(k.pid, &st, WNOHANG | WUNTRACED, NULL) == 0);
	CHECK(write(down[1], "c", 1) == 1);
	CHECK_EXITED(kid_reap(&k), 7);
	CHECK_EXITED(wait_bounded(tracer), 0);
}

static void exit_reported_before_parent_wait4(void)
{
	struct kid k = spawn_kid(body_exit_code, 5);
	int t = trace_attach(k.pid, 0);
	trace_set(t, PTRACE_STOP_EXIT);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_STOP_EXIT, &e);
	CHECK_EQ(e.data[0], 5 << 8);
	CHECK(status_state(k.pid) == 'T');
	int st = 0;
	CHECK(wait4(k.pid, &st, WNOHANG, NULL) == 0);
	trace_set(t, 0);
	CHECK_EXITED(kid_reap(&k), 5);
	CHECK(read(t, &e, sizeof e) == 0);
}

/* Tracer blocked in read; a helper SIGKILLs the tracee meanwhile. */
static void kill_when_parent_blocked_in_read(long pid)
{
	wait_until(getppid(), 'S', SYS_read);
	kill((pid_t)pid, SIGKILL);
}

static void tracee_killed_tracer_gets_exit_then_eof(void)
{
	struct kid k = spawn_kid(body_nothing, 0);
	int t = trace_attach(k.pid, 0);
	trace_set(t, PTRACE_STOP_PRE_SYSCALL);
	pid_t h = fork_helper(kill_when_parent_blocked_in_read, k.pid);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_STOP_EXIT, &e);
	CHECK(read(t, &e, sizeof e) == 0);
	CHECK_EXITED(wait_bounded(h), 0);
	int st = kid_reap(&k);
	CHECK_KILLED_BY(st, SIGKILL);
	CHECK_EQ(e.data[0], st);
}

static const struct test tests[] = {
    T(signal_stop_default_handler_0),
    T(signal_stop_ignored_handler_1),
    T(signal_stop_handler_address),
    T(signal_stop_ignore_flag_discards),
    T(sigkill_never_stops),
    T(sigkill_no_exit_stop),
    T(sigkill_ends_target_in_signal_stop),
    T(sigcont_does_not_resume_ptrace_stop),
    T(parent_wait4_normal_while_traced_stop),
    T(sibling_tracer_parent_still_reaps),
    T(exit_reported_before_parent_wait4),
    T(tracee_killed_tracer_gets_exit_then_eof),
};

const struct test_area area_signals = TEST_AREA("signals", tests);
