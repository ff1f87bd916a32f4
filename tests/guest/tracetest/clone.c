/* tracetest: EVENT_CLONE, fork chains, racing tracers, many tracees. */
#define _GNU_SOURCE
#include "tracetest.h"

/* ------------------------------------------------------------------------ */
/* EVENT_CLONE.                                                             */
/* ------------------------------------------------------------------------ */

static void clone_event_child_pid_and_flags(void)
{
	struct kid k = spawn_kid(body_clone_raw, 0);
	int t = trace_attach(k.pid, 0);
	trace_set(t, PTRACE_EVENT_CLONE);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_EVENT_CLONE, &e);
	pid_t c = (pid_t)e.data[0];
	CHECK(c > 0);
	CHECK_EQ(e.data[1], SIGCHLD);
	CHECK(status_num(c, "ppid") == k.pid);
	trace_set(t, 0);
	CHECK(kid_result(&k) == c);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void clone_child_starts_stopped(void)
{
	struct kid k = spawn_kid(body_fork_report, 0);
	int t = trace_attach(k.pid, 0);
	trace_set(t, PTRACE_EVENT_CLONE);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_EVENT_CLONE, &e);
	pid_t c = (pid_t)e.data[0];
	CHECK(status_state(c) == 'T');
	CHECK(status_num(c, "tracer") == 0);
	CHECK(kid_silent_for(&k, 50));
	CHECK(status_state(c) == 'T');
	trace_set(t, 0);
	CHECK(kid_result(&k) == 1000);
	CHECK(kid_result(&k) == 4);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void clone_child_stays_stopped_until_its_tracer_writes(void)
{
	struct kid k = spawn_kid(body_fork_report, 0);
	int t = trace_attach(k.pid, 0);
	trace_set(t, PTRACE_EVENT_CLONE);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_EVENT_CLONE, &e);
	pid_t c = (pid_t)e.data[0];
	int tc = trace_attach(c, 0);
	CHECK(status_state(c) == 'T');
	trace_set(t, 0); /* the parent runs on; the attached child does not */
	wait_until(k.pid, 'S', SYS_wait4);
	CHECK(status_state(c) == 'T');
	CHECK(kid_silent_for(&k, 50));
	trace_set(tc, 0);
	CHECK(kid_result(&k) == 1000);
	CHECK(kid_result(&k) == 4);
	EXPECT_EVENT(tc, PTRACE_STOP_EXIT, &e);
	CHECK_EQ(e.data[0], 4 << 8);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void clone_child_released_by_parent_tracer_write(void)
{
	struct kid k = spawn_kid(body_fork_report, 0);
	int t = trace_attach(k.pid, 0);
	trace_set(t, PTRACE_EVENT_CLONE);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_EVENT_CLONE, &e);
	pid_t c = (pid_t)e.data[0];
	CHECK(status_state(c) == 'T');
	trace_set(t, PTRACE_EVENT_CLONE); /* resumes the parent, releases the child */
	CHECK(kid_result(&k) == 1000);
	CHECK(kid_result(&k) == 4);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void clone_fork_chain_three_deep(void)
{
	struct kid k = spawn_kid(body_fork_chain, 3);
	int t[4];
	pid_t pid[4] = {k.pid};
	t[0] = trace_attach(k.pid, 0);
	trace_set(t[0], PTRACE_EVENT_CLONE);
	kid_go(&k);
	struct ptrace_event e;
	for (int level = 0; level < 3; level++) {
		EXPECT_EVENT(t[level], PTRACE_EVENT_CLONE, &e);
		pid[level + 1] = (pid_t)e.data[0];
		CHECK(status_state(pid[level + 1]) == 'T');
		CHECK(status_num(pid[level + 1], "ppid") == pid[level]);
		t[level + 1] = trace_attach(pid[level + 1], 0);
		trace_set(t[level + 1], PTRACE_EVENT_CLONE);
		trace_set(t[level], PTRACE_EVENT_CLONE);
	}
	for (int level = 3; level >= 0; level--) {
		EXPECT_EVENT(t[level], PTRACE_STOP_EXIT, &e);
		if (e.data[0] != (uint64_t)((3 - level) << 8))
			FAILF("level %d exit status %#lx, want %#x", level,
			      (unsigned long)e.data[0], (3 - level) << 8);
		CHECK(read(t[level], &e, sizeof e) == 0);
	}
	CHECK_EXITED(kid_reap(&k), 3);
}

/* ------------------------------------------------------------------------ */
/* Racing tracers, many tracees.                                            */
/* ------------------------------------------------------------------------ */

static pid_t race_target;
static int race_start, race_start_w, race_result, race_done, race_done_w;

static void racer(long unused)
{
	(void)unused;
	char c;
	close(race_start_w);
	close(race_done_w);
	read(race_start, &c, 1); /* EOF: everyone starts at once */
	int t = attach(race_target, 0);
	int err = t >= 0 ? 0 : errno;
	CHECK(write(race_result, &err, sizeof err) == (long)sizeof err);
	read(race_done, &c, 1);
}

static void two_tracers_race_one_wins(void)
{
	for (int round = 0; round < 5; round++) {
		struct kid k = spawn_kid(body_nothing, 0);
		int start[2], result[2], done[2];
		CHECK(pipe(start) == 0 && pipe(result) == 0 && pipe(done) == 0);
		race_target = k.pid;
		race_start = start[0], race_start_w = start[1];
		race_result = result[1], race_done = done[0], race_done_w = done[1];
		pid_t a = fork_helper(racer, 0), b = fork_helper(racer, 0);
		wait_until(a, 'S', SYS_read);
		wait_until(b, 'S', SYS_read);
		close(start[1]);
		int ea = -1, eb = -1;
		CHECK(read(result[0], &ea, sizeof ea) == (long)sizeof ea);
		CHECK(read(result[0], &eb, sizeof eb) == (long)sizeof eb);
		if (!((ea == 0 && eb == EBUSY) || (ea == EBUSY && eb == 0)))
			FAILF("round %d: racers got %d and %d, want one 0 and one EBUSY", round, ea,
			      eb);
		long tr = status_num(k.pid, "tracer");
		CHECK(tr == a || tr == b);
		close(done[1]);
		CHECK_EXITED(wait_bounded(a), 0);
		CHECK_EXITED(wait_bounded(b), 0);
		CHECK(status_num(k.pid, "tracer") == 0);
		close(start[0]), close(result[0]), close(result[1]), close(done[0]);
		kid_kill(&k);
	}
}

#define MANY 100

static void many_kid(int go, int i)
{
	char c;
	if (read(go, &c, 1) != 1)
		_exit(100);
	syscall(SYS_getpid);
	syscall(SYS_getppid);
	syscall(SYS_getuid);
	_exit(i % 100 + 1);
}

static void poll_100_tracees_collects_every_exit(void)
{
	int go[2];
	CHECK(pipe(go) == 0);
	static pid_t pids[MANY];
	static struct pollfd pf[MANY];
	static int exit_seen[MANY], stops[MANY];
	for (int i = 0; i < MANY; i++) {
		pids[i] = fork();
		CHECK(pids[i] >= 0);
		if (pids[i] == 0)
			many_kid(go[0], i);
	}
	for (int i = 0; i < MANY; i++) {
		wait_until(pids[i], 'S', SYS_read);
		pf[i].fd = trace_attach(pids[i], 0);
		pf[i].events = POLLIN;
		trace_set(pf[i].fd, PTRACE_STOP_PRE_SYSCALL | PTRACE_STOP_EXIT);
	}
	char bytes[MANY];
	memset(bytes, 'g', sizeof bytes);
	CHECK(write(go[1], bytes, sizeof bytes) == MANY);
	int open_fds = MANY, exits = 0;
	long deadline = now_ns() + 30000000000L;
	while (open_fds > 0) {
		if (now_ns() > deadline)
			FAILF("%d sessions still open, %d exits seen", open_fds, exits);
		int n = poll(pf, MANY, 5000);
		CHECK(n >= 0);
		for (int i = 0; i < MANY; i++) {
			if (pf[i].fd < 0 || !pf[i].revents)
				continue;
			struct ptrace_event ev[4];
			long got = read(pf[i].fd, ev, sizeof ev);
			CHECK(got >= 0 && got % (long)EV == 0);
			if (got == 0) {
				close(pf[i].fd);
				pf[i].fd = -1;
				open_fds--;
				continue;
			}
			for (long j = 0; j < got / (long)EV; j++) {
				if (ev[j].cause == PTRACE_STOP_EXIT) {
					CHECK_EQ(ev[j].data[0], (i % 100 + 1) << 8);
					exit_seen[i]++;
					exits++;
				} else {
					CHECK(ev[j].cause == PTRACE_STOP_PRE_SYSCALL);
					stops[i]++;
				}
			}
			trace_set(pf[i].fd, PTRACE_STOP_PRE_SYSCALL | PTRACE_STOP_EXIT);
		}
	}
	for (int i = 0; i < MANY; i++) {
		if (exit_seen[i] != 1 || stops[i] != 4)
			FAILF("tracee %d: %d EXIT events, %d syscall stops (want 1, 4)", i,
			      exit_seen[i], stops[i]);
		CHECK_EXITED(wait_bounded(pids[i]), i % 100 + 1);
	}
}

static const struct test tests[] = {
    T(clone_event_child_pid_and_flags),
    T(clone_child_starts_stopped),
    T(clone_child_stays_stopped_until_its_tracer_writes),
    T(clone_child_released_by_parent_tracer_write),
    T(clone_fork_chain_three_deep),
    T_SLOW(two_tracers_race_one_wins, 20),
    T_SLOW(poll_100_tracees_collects_every_exit, 60),
};

const struct test_area area_clone = TEST_AREA("clone", tests);
