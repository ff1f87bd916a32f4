/* tracetest area: proc:PID/siginfo and the SIGNAL event's si_code and
 * address/sender (the contract's siginfo section): EBUSY when not stopped,
 * the signal's own siginfo at a SIGNAL stop, the SIGTRAP of a breakpoint
 * or step, zeroes at other stops; a write at a SIGNAL stop delivers another
 * signal or none; bad writes are refused. */
#include "tracetest.h"

static int read_siginfo(int pid, siginfo_t *si)
{
	int fd = proc_file(pid, "siginfo", O_RDONLY);
	CHECK(fd >= 0);
	long n = pread(fd, si, sizeof *si, 0);
	int err = errno;
	close(fd);
	errno = err;
	return n == (long)sizeof *si ? 0 : -1;
}

static int write_siginfo(int pid, const siginfo_t *si)
{
	int fd = proc_file(pid, "siginfo", O_RDWR);
	CHECK(fd >= 0);
	long n = pwrite(fd, si, sizeof *si, 0);
	int err = errno;
	close(fd);
	errno = err;
	return n == (long)sizeof *si ? 0 : -1;
}

static volatile int which_signal;
static void record_which(int sig) { which_signal = sig; }

static void body_wait_usr1(long arg, int out)
{
	(void)arg;
	which_signal = 0;
	signal(SIGUSR1, record_which);
	signal(SIGUSR2, record_which);
	report(out, 0); /* handlers are in place */
	while (!which_signal)
		pause();
	report(out, which_signal);
}

static void siginfo_busy_unless_stopped(void)
{
	struct kid k = spawn_kid(body_nothing, 0);
	int t = trace_attach(k.pid, 0);
	siginfo_t si;
	CHECK_ERR(read_siginfo(k.pid, &si), EBUSY);
	trace_set(t, PTRACE_STOP_INTERRUPT);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_STOP_INTERRUPT, &e);
	CHECK(read_siginfo(k.pid, &si) == 0);
	unsigned char zero[sizeof si] = {0};
	CHECK(memcmp(&si, zero, sizeof si) == 0); /* not a signal or trap stop */
	memset(&si, 0, sizeof si);
	si.si_signo = SIGUSR1;
	CHECK_ERR(write_siginfo(k.pid, &si), EINVAL); /* only at a SIGNAL stop */
	trace_resume(t);
	kid_go(&k);
	CHECK_EXITED(kid_reap(&k), 0);
}

/* A kill from the tracer: the SIGNAL event names SI_USER and the sender,
 * and siginfo shows the same. */
static void siginfo_of_a_kill_at_the_signal_stop(void)
{
	struct kid k = spawn_kid(body_wait_usr1, 0);
	int t = trace_attach(k.pid, 0);
	trace_set(t, PTRACE_STOP_SIGNAL);
	kid_go(&k);
	CHECK(kid_result(&k) == 0);
	CHECK(kill(k.pid, SIGUSR1) == 0);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_STOP_SIGNAL, &e);
	CHECK_EQ(e.data[0], SIGUSR1);
	CHECK_EQ(e.data[2], SI_USER);
	CHECK_EQ(e.data[3], getpid());
	siginfo_t si;
	CHECK(read_siginfo(k.pid, &si) == 0);
	CHECK(si.si_signo == SIGUSR1 && si.si_code == SI_USER);
	CHECK(si.si_pid == getpid() && si.si_uid == getuid());
	trace_set(t, PTRACE_STOP_SIGNAL);
	CHECK(kid_result(&k) == SIGUSR1);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void body_touch_8(long arg, int out)
{
	(void)arg, (void)out;
	volatile int *volatile low = (volatile int *)(uintptr_t)8;
	*low = 1;
}

static void siginfo_of_a_fault_names_the_address(void)
{
	struct kid k = spawn_kid(body_touch_8, 0);
	int t = trace_attach(k.pid, 0);
	trace_set(t, PTRACE_STOP_SIGNAL);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_STOP_SIGNAL, &e);
	CHECK_EQ(e.data[0], SIGSEGV);
	CHECK_EQ(e.data[2], SEGV_MAPERR);
	CHECK_EQ(e.data[3], 8);
	siginfo_t si;
	CHECK(read_siginfo(k.pid, &si) == 0);
	CHECK(si.si_signo == SIGSEGV && si.si_code == SEGV_MAPERR && si.si_addr == (void *)8);
	trace_set(t, 0);
	CHECK_KILLED_BY(kid_reap(&k), SIGSEGV);
}

/* A debugger's "signal SIGUSR2": the written siginfo is the signal the
 * tracee acts on; signo 0 discards it; bad signals are refused. */
static void siginfo_write_changes_or_discards_the_signal(void)
{
	for (int round = 0; round < 2; round++) {
		struct kid k = spawn_kid(body_wait_usr1, 0);
		int t = trace_attach(k.pid, 0);
		trace_set(t, PTRACE_STOP_SIGNAL);
		kid_go(&k);
		CHECK(kid_result(&k) == 0);
		CHECK(kill(k.pid, SIGUSR1) == 0);
		struct ptrace_event e;
		EXPECT_EVENT(t, PTRACE_STOP_SIGNAL, &e);
		siginfo_t si;
		CHECK(read_siginfo(k.pid, &si) == 0);
		si.si_signo = 65;
		CHECK_ERR(write_siginfo(k.pid, &si), EINVAL);
		si.si_signo = -1;
		CHECK_ERR(write_siginfo(k.pid, &si), EINVAL);
		si.si_signo = round == 0 ? SIGUSR2 : 0;
		CHECK(write_siginfo(k.pid, &si) == 0);
		trace_set(t, 0);
		if (round == 0) {
			CHECK(kid_result(&k) == SIGUSR2);
			CHECK_EXITED(kid_reap(&k), 0);
		} else {
			CHECK(kid_silent_for(&k, 100)); /* discarded: still waiting */
			kid_kill(&k);
		}
		close(t);
	}
}

static volatile int seen_errno;
static void keep_errno(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	seen_errno = si->si_errno;
}

static void body_wait_usr1_info(long arg, int out)
{
	(void)arg;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = keep_errno;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR1, &sa, NULL);
	seen_errno = -1;
	report(out, 0);
	while (seen_errno < 0)
		pause();
	report(out, seen_errno);
}

/* What the tracer writes is what the handler sees, si_errno included (a
 * debugger's `set $_siginfo.si_errno = 5`). */
static void siginfo_write_reaches_the_handler(void)
{
	struct kid k = spawn_kid(body_wait_usr1_info, 0);
	int t = trace_attach(k.pid, 0);
	trace_set(t, PTRACE_STOP_SIGNAL);
	kid_go(&k);
	CHECK(kid_result(&k) == 0);
	CHECK(kill(k.pid, SIGUSR1) == 0);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_STOP_SIGNAL, &e);
	siginfo_t si;
	CHECK(read_siginfo(k.pid, &si) == 0);
	si.si_errno = 5;
	CHECK(write_siginfo(k.pid, &si) == 0);
	CHECK(read_siginfo(k.pid, &si) == 0 && si.si_errno == 5);
	trace_set(t, 0);
	CHECK(kid_result(&k) == 5);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void siginfo_at_a_breakpoint_is_trap_brkpt(void)
{
	struct kid k = spawn_kid(body_int3, 0);
	int t = trace_attach(k.pid, 0);
	trace_set(t, PTRACE_STOP_BREAKPOINT);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_STOP_BREAKPOINT, &e);
	siginfo_t si;
	CHECK(read_siginfo(k.pid, &si) == 0);
	CHECK(si.si_signo == SIGTRAP && si.si_code == 1 /* TRAP_BRKPT */);
	CHECK(si.si_addr == (void *)tt_int3_ret);
	trace_set(t, 0);
	CHECK(kid_result(&k) == 1);
	CHECK_EXITED(kid_reap(&k), 0);
}

static const struct test tests[] = {
    T(siginfo_busy_unless_stopped),           T(siginfo_of_a_kill_at_the_signal_stop),
    T(siginfo_of_a_fault_names_the_address),  T(siginfo_write_changes_or_discards_the_signal),
    T(siginfo_at_a_breakpoint_is_trap_brkpt), T(siginfo_write_reaches_the_handler),
};
const struct test_area area_siginfo = TEST_AREA("siginfo", tests);
