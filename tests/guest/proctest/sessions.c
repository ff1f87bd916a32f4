/* proctest: the skeleton of a trace session (open, O_TRUNC, O_EXCL, detach). */
#define _GNU_SOURCE
#include "proctest.h"

/* ------------------------------------------------------------------------ */
/* The trace session skeleton                                               */
/* ------------------------------------------------------------------------ */

static void try_attach_exit_errno(long pid)
{
	int t = attach((pid_t)pid, 0);
	_exit(t >= 0 ? 0 : errno);
}

static void trace_second_tracer_ebusy(void)
{
	struct probe_kid k = spawn_probe_kid(xmm_a);
	int t = attach(k.pid, 0);
	CHECK(t >= 0);
	CHECK_ERR(attach(k.pid, 0), EBUSY); /* the same process again */
	CHECK_ERR(attach(k.pid, O_TRUNC), EBUSY);
	int st = run_sub(try_attach_exit_errno, k.pid); /* another process */
	CHECK_EXITED(st, EBUSY);
	close(t);
	st = run_sub(try_attach_exit_errno, k.pid); /* free again once closed */
	CHECK_EXITED(st, 0);
	wait_until(k.pid, 'S', 0);
	CHECK(status_num(k.pid, "tracer") == 0);
	kid_cycle_intact(&k, xmm_a);
	kid_end(&k);
}

static void trace_self_einval(void)
{
	CHECK_ERR(open("proc:self/trace", O_RDWR), EINVAL);
	CHECK_ERR(proc_file(getpid(), "trace", O_RDWR), EINVAL);
	CHECK_ERR(proc_file(getpid(), "trace", O_RDWR | O_TRUNC), EINVAL);
	CHECK_ERR(open("/scheme/proc/self/trace", O_RDWR), EINVAL);
	CHECK(status_num(getpid(), "tracer") == 0);
}

/* A pid that existed and has been reaped. */
static pid_t dead_pid(void)
{
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(0);
	CHECK_EXITED(wait_for(pid), 0);
	return pid;
}

static void trace_no_such_pid_enoent(void)
{
	pid_t pid = dead_pid();
	CHECK_ERR(attach(pid, 0), ENOENT);
	CHECK_ERR(open("proc:99999999999/trace", O_RDWR), ENOENT);
	CHECK_ERR(open("proc:0/trace", O_RDWR), ENOENT);
}

static void trace_pid1_eperm_even_as_root(void)
{
	CHECK(syscall(SYS_geteuid) == 0);
	CHECK_ERR(open("proc:1/trace", O_RDWR), EPERM);
	CHECK_ERR(open("proc:1/trace", O_RDWR | O_TRUNC), EPERM);
	CHECK_ERR(open("proc:1/regs/int", O_RDONLY), EPERM);
	CHECK_ERR(open("proc:1/mem", O_RDONLY), EPERM);
	CHECK(status_num(1, "tracer") == 0);
	CHECK(status_num(1, "pid") == 1);
}

static void trace_otrunc_stops_before_open_returns(void)
{
	struct probe_kid k = spawn_probe_kid(xmm_a);
	int t = attach(k.pid, O_TRUNC);
	CHECK(t >= 0);
	/* no polling: the stop must already hold */
	char text[512], v[32];
	status_read(k.pid, text, sizeof text);
	CHECK(status_field(text, "state", v, sizeof v) && strcmp(v, "T") == 0);
	CHECK(status_field(text, "tracer", v, sizeof v) && atoi(v) == getpid());
	close(t);
	kid_cycle_intact(&k, xmm_a);
	kid_end(&k);
}

static void trace_otrunc_stops_running_process(void)
{
	pid_t pid = spawn_spinner();
	int t = attach(pid, O_TRUNC);
	CHECK(t >= 0);
	CHECK(status_state(pid) == 'T');
	struct user_regs r;
	int fd = regs_open(pid, &r);
	CHECK(r.rip == (uint64_t)(uintptr_t)spin_loop && r.r12 == SPIN_MAGIC);
	CHECK(pwrite(fd, &r, sizeof r, 0) == (ssize_t)sizeof r); /* stopped: writable */
	close(fd);
	trace_resume(t);
	wait_until(pid, 'R', -1);
	close(t);
	kill_reap(pid);
}

static void trace_otrunc_blocked_read_continues(void)
{
	struct probe_kid k = spawn_probe_kid(xmm_a);
	int t = attach_stopped(k.pid);
	trace_resume(t);
	struct probe pr;
	kid_cycle(&k, &pr);
	CHECK(pr.result == 1);
	if (pr.eintr != 0)
		FAILF("the stopped read returned -EINTR to the program %lu times",
		      (unsigned long)pr.eintr);
	close(t);
	kid_end(&k);
}

static void trace_write_zero_resumes(void)
{
	struct probe_kid k = spawn_probe_kid(xmm_a);
	int t = attach_stopped(k.pid);
	uint64_t zero = 0;
	CHECK(write(t, &zero, 8) == 8);
	wait_blocked_in_read(k.pid); /* back in its read, still traced */
	CHECK(status_num(k.pid, "tracer") == getpid());
	kid_cycle_intact(&k, xmm_a); /* and it runs */
	kid_cycle_intact(&k, xmm_a);
	close(t);
	kid_end(&k);
}

static void trace_write_bad_size_or_bits_einval(void)
{
	struct probe_kid k = spawn_probe_kid(xmm_a);
	int t = attach(k.pid, 0);
	CHECK(t >= 0);
	uint64_t v[2] = {0, 0};
	CHECK_ERR(write(t, v, 4), EINVAL);
	CHECK_ERR(write(t, v, 16), EINVAL);
	CHECK_ERR(write(t, v, 0), EINVAL);
	v[0] = 0x10000;
	CHECK_ERR(write(t, v, 8), EINVAL);
	v[0] = 0x0200; /* an event bit nobody defined */
	CHECK_ERR(write(t, v, 8), EINVAL);
	v[0] = 1UL << 63;
	CHECK_ERR(write(t, v, 8), EINVAL);
	close(t);
	kid_cycle_intact(&k, xmm_a);
	kid_end(&k);
}

static void trace_read_small_buffer_or_empty_queue(void)
{
	struct probe_kid k = spawn_probe_kid(xmm_a);
	int t = attach(k.pid, O_NONBLOCK);
	CHECK(t >= 0);
	char buf[128];
	CHECK_ERR(read(t, buf, 63), EINVAL);
	CHECK_ERR(read(t, buf, 1), EINVAL);
	CHECK_ERR(read(t, buf, 64), EAGAIN); /* nothing queued yet */
	CHECK_ERR(read(t, buf, 128), EAGAIN);
	close(t);
	kid_cycle_intact(&k, xmm_a);
	kid_end(&k);
}

static void trace_close_detaches_and_resumes(void)
{
	struct probe_kid k = spawn_probe_kid(xmm_a);
	int t = attach_stopped(k.pid);
	close(t);
	wait_blocked_in_read(k.pid);
	CHECK(status_num(k.pid, "tracer") == 0);
	kid_cycle_intact(&k, xmm_a);
	/* and a new session can start */
	t = attach(k.pid, 0);
	CHECK(t >= 0);
	close(t);
	kid_end(&k);
}

static void attach_then_exit(long pid)
{
	CHECK(attach((pid_t)pid, O_TRUNC) >= 0);
	_exit(0); /* the session ends with us */
}

static void trace_tracer_exit_detaches(void)
{
	struct probe_kid k = spawn_probe_kid(xmm_a);
	CHECK_EXITED(run_sub(attach_then_exit, k.pid), 0);
	wait_blocked_in_read(k.pid);
	CHECK(status_num(k.pid, "tracer") == 0);
	kid_cycle_intact(&k, xmm_a);
	kid_end(&k);
}

static void trace_oexcl_kills_on_close(void)
{
	struct probe_kid k = spawn_probe_kid(xmm_a);
	int t = attach(k.pid, O_EXCL);
	CHECK(t >= 0);
	kid_cycle_intact(&k, xmm_a); /* it still runs while traced */
	wait_blocked_in_read(k.pid);
	close(t);
	CHECK_KILLED_BY(wait_bounded(k.pid, "closing its O_EXCL trace handle"), SIGKILL);
	close(k.in_w);
	close(k.out_r);
}

static void trace_oexcl_kills_stopped_target_on_close(void)
{
	struct probe_kid k = spawn_probe_kid(xmm_a);
	int t = attach(k.pid, O_EXCL | O_TRUNC);
	CHECK(t >= 0);
	CHECK(status_state(k.pid) == 'T');
	close(t);
	CHECK_KILLED_BY(wait_bounded(k.pid, "closing its O_EXCL trace handle"), SIGKILL);
	close(k.in_w);
	close(k.out_r);
}

static void attach_excl_then_exit(long pid)
{
	CHECK(attach((pid_t)pid, O_EXCL) >= 0);
	_exit(0);
}

static void trace_oexcl_kills_when_tracer_exits(void)
{
	struct probe_kid k = spawn_probe_kid(xmm_a);
	CHECK_EXITED(run_sub(attach_excl_then_exit, k.pid), 0);
	CHECK_KILLED_BY(wait_bounded(k.pid, "its O_EXCL tracer exited"), SIGKILL);
	close(k.in_w);
	close(k.out_r);
}

static void trace_sessions_not_leaked(void)
{
	struct probe_kid k = spawn_probe_kid(xmm_a);
	long before = sys_value("sessions");
	CHECK(before >= 0);
	for (int i = 0; i < 20; i++) {
		int t = attach(k.pid, (i & 1) ? O_TRUNC : 0);
		CHECK(t >= 0);
		CHECK(sys_value("sessions") == before + 1);
		close(t);
		CHECK(sys_value("sessions") == before);
		CHECK_ERR(attach(getpid(), 0), EINVAL);
		CHECK(sys_value("sessions") == before);
	}
	wait_blocked_in_read(k.pid);
	kid_cycle_intact(&k, xmm_a);
	kid_end(&k);
	CHECK(sys_value("sessions") == before);
}

static const struct test tests[] = {
    T(trace_second_tracer_ebusy),
    T(trace_self_einval),
    T(trace_no_such_pid_enoent),
    T(trace_pid1_eperm_even_as_root),
    T(trace_otrunc_stops_before_open_returns),
    T(trace_otrunc_stops_running_process),
    T(trace_otrunc_blocked_read_continues),
    T(trace_write_zero_resumes),
    T(trace_write_bad_size_or_bits_einval),
    T(trace_read_small_buffer_or_empty_queue),
    T(trace_close_detaches_and_resumes),
    T(trace_tracer_exit_detaches),
    T(trace_oexcl_kills_on_close),
    T(trace_oexcl_kills_stopped_target_on_close),
    T(trace_oexcl_kills_when_tracer_exits),
    T(trace_sessions_not_leaked),
};

const struct test_area area_sessions = TEST_AREA("sessions", tests);
