/* tracetest: opening and ending trace sessions (O_TRUNC, O_EXCL, detach,
 * tracer death). */
#define _GNU_SOURCE
#include "tracetest.h"

/* ------------------------------------------------------------------------ */
/* trace: opening a session.                                                */
/* ------------------------------------------------------------------------ */

static void trace_open_makes_caller_tracer(void)
{
	struct kid k = spawn_kid(body_nothing, 0);
	CHECK(status_num(k.pid, "tracer") == 0);
	int t = trace_attach(k.pid, 0);
	CHECK(status_num(k.pid, "tracer") == getpid());
	close(t);
	CHECK(status_num(k.pid, "tracer") == 0);
	kid_go(&k);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void attach_expect_ebusy(long pid)
{
	CHECK_ERR(attach((pid_t)pid, 0), EBUSY);
	CHECK_ERR(attach((pid_t)pid, O_TRUNC), EBUSY);
}

static void trace_open_already_traced_ebusy(void)
{
	struct kid k = spawn_kid(body_nothing, 0);
	int t = trace_attach(k.pid, 0);
	CHECK_ERR(attach(k.pid, 0), EBUSY);
	CHECK_EXITED(wait_bounded(fork_helper(attach_expect_ebusy, k.pid)), 0);
	CHECK(status_num(k.pid, "tracer") == getpid());
	close(t);
	kid_kill(&k);
}

static void trace_open_self_einval(void)
{
	char path[64];
	CHECK_ERR(open("proc:self/trace", O_RDWR), EINVAL);
	snprintf(path, sizeof path, "proc:%d/trace", (int)getpid());
	CHECK_ERR(open(path, O_RDWR), EINVAL);
	CHECK_ERR(open(path, O_RDWR | O_TRUNC), EINVAL);
}

static void dropped_attach_eperm(long pid)
{
	CHECK(syscall(SYS_setgid, 1000) == 0 && syscall(SYS_setuid, 1000) == 0);
	CHECK_ERR(attach((pid_t)pid, 0), EPERM);
}

static void trace_open_access_rules_eperm(void)
{
	CHECK_ERR(attach(1, 0), EPERM);
	struct kid k = spawn_kid(body_nothing, 0);
	CHECK_EXITED(wait_bounded(fork_helper(dropped_attach_eperm, k.pid)), 0);
	CHECK(status_num(k.pid, "tracer") == 0);
	kid_kill(&k);
}

static void trace_open_no_such_pid_enoent(void)
{
	pid_t dead = fork();
	CHECK(dead >= 0);
	if (dead == 0)
		_exit(0);
	wait_bounded(dead);
	CHECK_ERR(attach(dead, 0), ENOENT);
	CHECK_ERR(open("proc:2147483647/trace", O_RDWR), ENOENT);
}

static void trace_otrunc_stops_before_open_returns(void)
{
	struct kid k = spawn_kid(body_spin, 0);
	kid_go(&k);
	wait_spinning(k.pid, 0);
	int t = trace_attach(k.pid, O_TRUNC);
	CHECK(status_state(k.pid) == 'T');
	check_not_spinning(k.pid);
	trace_set(t, 0);
	wait_spinning(k.pid, spin_count(k.pid));
	close(t);
	kid_kill(&k);
}

static void trace_without_otrunc_keeps_running(void)
{
	struct kid k = spawn_kid(body_spin, 0);
	kid_go(&k);
	wait_spinning(k.pid, 0);
	int t = trace_attach(k.pid, 0);
	wait_spinning(k.pid, spin_count(k.pid));
	CHECK(status_state(k.pid) != 'T');
	close(t);
	kid_kill(&k);
}

/* ------------------------------------------------------------------------ */
/* trace: ending a session (O_EXCL, detach, tracer death).                  */
/* ------------------------------------------------------------------------ */

static void trace_close_detaches_stopped_target(void)
{
	struct kid k = spawn_kid(body_getpid, 0);
	int t = trace_attach(k.pid, 0);
	trace_set(t, PTRACE_STOP_PRE_SYSCALL);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_SYSCALL_STOP(t, PTRACE_STOP_PRE_SYSCALL, SYS_getpid, &e);
	CHECK(status_state(k.pid) == 'T');
	close(t);
	CHECK(kid_result(&k) == k.pid);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void trace_oexcl_close_kills_target(void)
{
	struct kid k = spawn_kid(body_nothing, 0);
	int t = trace_attach(k.pid, O_EXCL);
	close(t);
	CHECK_KILLED_BY(kid_reap(&k), SIGKILL);
}

static void trace_oexcl_close_kills_stopped_target(void)
{
	struct kid k = spawn_kid(body_getpid, 0);
	int t = trace_attach(k.pid, O_EXCL);
	trace_set(t, PTRACE_STOP_PRE_SYSCALL);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_SYSCALL_STOP(t, PTRACE_STOP_PRE_SYSCALL, SYS_getpid, &e);
	close(t);
	CHECK_KILLED_BY(kid_reap(&k), SIGKILL);
}

/* A separate tracer process attaches (O_EXCL if asked), stops the kid at
 * getpid's entry, and is killed there. */
static void tracer_killed_while_tracee_stopped(int excl)
{
	struct kid k = spawn_kid(body_getpid, 0);
	int ready[2];
	CHECK(pipe(ready) == 0);
	pid_t tracer = fork();
	CHECK(tracer >= 0);
	if (tracer == 0) {
		int t = trace_attach(k.pid, excl ? O_EXCL : 0);
		trace_set(t, PTRACE_STOP_PRE_SYSCALL);
		write(ready[1], "r", 1);
		for (;;)
			pause();
	}
	char c;
	CHECK(read(ready[0], &c, 1) == 1);
	kid_go(&k);
	wait_until(k.pid, 'T', SYS_getpid);
	kill(tracer, SIGKILL);
	CHECK_KILLED_BY(wait_bounded(tracer), SIGKILL);
	if (excl) {
		CHECK_KILLED_BY(kid_reap(&k), SIGKILL);
	} else {
		CHECK(kid_result(&k) == k.pid);
		CHECK_EXITED(kid_reap(&k), 0);
	}
}

static void tracer_killed_tracee_resumes(void) { tracer_killed_while_tracee_stopped(0); }
static void tracer_killed_oexcl_tracee_dies(void) { tracer_killed_while_tracee_stopped(1); }

static const struct test tests[] = {
    T(trace_open_makes_caller_tracer),
    T(trace_open_already_traced_ebusy),
    T(trace_open_self_einval),
    T(trace_open_access_rules_eperm),
    T(trace_open_no_such_pid_enoent),
    T(trace_otrunc_stops_before_open_returns),
    T(trace_without_otrunc_keeps_running),
    T(trace_close_detaches_stopped_target),
    T(trace_oexcl_close_kills_target),
    T(trace_oexcl_close_kills_stopped_target),
    T(tracer_killed_tracee_resumes),
    T(tracer_killed_oexcl_tracee_dies),
};

const struct test_area area_sessions = TEST_AREA("sessions", tests);
