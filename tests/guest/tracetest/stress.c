/* tracetest: sessions whose tracee is gone; random tracing of a churn, then
 * leak checks. */
#define _GNU_SOURCE
#include "tracetest.h"

/* ------------------------------------------------------------------------ */
/* A session whose tracee is gone.                                          */
/* ------------------------------------------------------------------------ */

static void session_ops_after_tracee_gone(void)
{
	long sessions = sys_value("sessions");
	struct kid k = spawn_kid(body_exit_code, 2);
	int t = trace_attach(k.pid, 0);
	int sf = proc_file(k.pid, "sysfilter", O_RDWR);
	int mem = proc_file(k.pid, "mem", O_RDWR);
	int regs = proc_file(k.pid, "regs/int", O_RDWR);
	CHECK(sf >= 0 && mem >= 0 && regs >= 0);
	CHECK(sys_value("sessions") == sessions + 1);
	kid_go(&k);
	CHECK_EXITED(kid_reap(&k), 2);
	uint8_t bits[64] = {0};
	struct user_regs r = {0};
	CHECK_ERR(write_flags(t, PTRACE_STOP_PRE_SYSCALL), ESRCH);
	CHECK_ERR(write_flags(t, 0), ESRCH);
	CHECK_ERR(pread(sf, bits, 64, 0), ESRCH);
	CHECK_ERR(pwrite(sf, bits, 64, 0), ESRCH);
	CHECK_ERR(pread(mem, bits, 8, (off_t)U64(mem_area)), ESRCH);
	CHECK_ERR(pwrite(mem, bits, 8, (off_t)U64(mem_area)), ESRCH);
	CHECK_ERR(pread(regs, &r, sizeof r, 0), ESRCH);
	CHECK_ERR(pwrite(regs, &r, sizeof r, 0), ESRCH);
	struct ptrace_event e;
	CHECK(poll_one(t, 0) & POLLIN);
	EXPECT_EVENT(t, PTRACE_STOP_EXIT, &e); /* the queued event survives */
	CHECK_EQ(e.data[0], 2 << 8);
	CHECK(read(t, &e, sizeof e) == 0);
	CHECK(poll_one(t, 0) & POLLHUP);
	CHECK_ERR(proc_file(k.pid, "trace", O_RDWR), ENOENT);
	CHECK(close(sf) == 0 && close(mem) == 0 && close(regs) == 0);
	CHECK(close(t) == 0);
	CHECK(sys_value("sessions") == sessions);
}

/* ------------------------------------------------------------------------ */
/* Stress: random tracing of a fork/exec/exit churn, then leak checks.      */
/* ------------------------------------------------------------------------ */

static unsigned long rng_state = 88172645463325252UL;

static unsigned long rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static const uint64_t stress_flag_choices[] = {
    0,
    PTRACE_STOP_PRE_SYSCALL,
    PTRACE_STOP_POST_SYSCALL | PTRACE_STOP_EXEC,
    PTRACE_STOP_EXIT,
    PTRACE_STOP_EXEC | PTRACE_STOP_EXIT | PTRACE_EVENT_CLONE,
    PTRACE_STOP_SIGNAL | PTRACE_STOP_BREAKPOINT,
    PTRACE_STOP_INTERRUPT,
    PTRACE_STOP_SINGLESTEP,
    PTRACE_STOP_PRE_SYSCALL | PTRACE_FLAG_IGNORE,
};
#define NCHOICES (sizeof stress_flag_choices / sizeof stress_flag_choices[0])

static uint64_t stress_flags(void) { return stress_flag_choices[rnd() % NCHOICES]; }

/* The churn: fork a child that execs /bin/true, reap it, again, until the
 * stop pipe reaches EOF. */
static void body_churn(long fds, int out)
{
	(void)out;
	int rd = (int)(fds & 0xffff), wr = (int)(fds >> 16);
	close(wr);
	char *argv[] = {"/bin/true", NULL};
	for (;;) {
		char c;
		if (read(rd, &c, 1) == 0)
			_exit(0);
		pid_t p = fork();
		if (p == 0) {
			execve("/bin/true", argv, environ);
			_exit(127);
		}
		if (p > 0)
			while (waitpid(p, NULL, 0) < 0 && errno == EINTR)
				;
	}
}

/* Do something random to a churn child: another file, or a session. */
static int stress_poke_child(pid_t c)
{
	static const char *const files[] = {"mem", "regs/int", "sysfilter", "status", "maps"};
	unsigned long r = rnd();
	if (r % 3 == 0) {
		int fd = proc_file(c, files[rnd() % 5], O_RDONLY);
		if (fd >= 0) {
			char buf[256];
			pread(fd, buf, sizeof buf, (off_t)U64(mem_area));
			close(fd);
		}
		return -1;
	}
	int t = attach(c, (r & 8 ? O_EXCL : 0) | O_NONBLOCK);
	if (t < 0)
		return -1;
	if (r & 16) {
		int fd = proc_file(c, "sysfilter", O_RDWR);
		uint8_t bits[64];
		for (int i = 0; i < 64; i++)
			bits[i] = (uint8_t)rnd();
		if (fd >= 0) {
			pwrite(fd, bits, 64, 0);
			close(fd);
		}
	}
	write_flags(t, stress_flags());
	return t;
}

/* One churn run of ns nanoseconds under random tracing; every process and
 * session of it is gone on return. Returns the number of forks seen. */
static long stress_round(long ns)
{
	int stop[2];
	CHECK(pipe2(stop, O_NONBLOCK) == 0);
	struct kid k = spawn_kid(body_churn, stop[0] | ((long)stop[1] << 16));
	close(stop[0]);
	int t0 = trace_attach(k.pid, O_NONBLOCK);
	trace_set(t0, PTRACE_EVENT_CLONE);
	kid_go(&k);
	enum { NS = 8 };
	int sess[NS];
	for (int i = 0; i < NS; i++)
		sess[i] = -1;
	long deadline = now_ns() + ns, clones = 0;
	while (now_ns() < deadline) {
		struct pollfd pf[NS + 1];
		pf[0] = (struct pollfd){t0, POLLIN, 0};
		for (int i = 0; i < NS; i++)
			pf[i + 1] = (struct pollfd){sess[i], POLLIN, 0};
		poll(pf, NS + 1, 20);
		struct ptrace_event ev[4];
		long n = read(t0, ev, sizeof ev);
		for (long j = 0; n > 0 && j < n / (long)EV; j++) {
			if (ev[j].cause != PTRACE_EVENT_CLONE)
				continue;
			clones++;
			int s = stress_poke_child((pid_t)ev[j].data[0]);
			int slot = (int)(rnd() % NS);
			if (s >= 0) {
				if (sess[slot] >= 0)
					close(sess[slot]);
				sess[slot] = s;
			}
		}
		if (rnd() % 16 == 0)
			CHECK_ERR(write_flags(t0, 0x200), EINVAL);
		CHECK(write_flags(t0, PTRACE_EVENT_CLONE |
		                          (rnd() % 4 == 0 ? PTRACE_STOP_EXEC : 0)) == 8);
		for (int i = 0; i < NS; i++) {
			if (sess[i] < 0)
				continue;
			n = read(sess[i], ev, sizeof ev);
			if (n == 0 || rnd() % 8 == 0) {
				close(sess[i]);
				sess[i] = -1;
			} else {
				write_flags(sess[i], stress_flags());
			}
		}
	}
	for (int i = 0; i < NS; i++)
		if (sess[i] >= 0)
			close(sess[i]);
	trace_set(t0, 0);
	close(t0);
	close(stop[1]);
	CHECK_EXITED(kid_reap(&k), 0);
	return clones;
}

struct counters {
	long frames, sessions, procs;
};

static struct counters read_counters(void)
{
	return (struct counters){sys_value("free_frames"), sys_value("sessions"),
	                         sys_value("procs")};
}

/* Wait (5 s) until the counters equal want; the last reading otherwise. */
static struct counters settle_to(struct counters want)
{
	long deadline = now_ns() + 5000000000L;
	for (;;) {
		struct counters c = read_counters();
		if ((c.frames == want.frames && c.sessions == want.sessions &&
		     c.procs == want.procs) ||
		    now_ns() > deadline)
			return c;
		sleep_ms(10);
	}
}

static void stress_random_tracing_no_leaks(void)
{
	struct counters start = read_counters();
	CHECK(start.frames > 0 && start.sessions >= 0 && start.procs > 0);
	/* A short warm-up run first, so that our own stack, buffers and any
	 * kernel caches have grown to size before the baseline is taken. */
	stress_round(500000000L);
	struct counters c = settle_to((struct counters){0, start.sessions, start.procs});
	CHECK(c.sessions == start.sessions && c.procs == start.procs);
	struct counters base = read_counters();
	long clones = stress_round(3000000000L);
	if (clones < 10)
		FAILF("only %ld forks traced in 3 s", clones);
	c = settle_to(base);
	if (c.frames != base.frames || c.sessions != base.sessions || c.procs != base.procs)
		FAILF("leak after %ld traced forks: free_frames %ld -> %ld, sessions %ld -> %ld, "
		      "procs %ld -> %ld",
		      clones, base.frames, c.frames, base.sessions, c.sessions, base.procs,
		      c.procs);
}

static const struct test tests[] = {
    T(session_ops_after_tracee_gone),
    T_SLOW(stress_random_tracing_no_leaks, 40),
};

const struct test_area area_stress = TEST_AREA("stress", tests);
