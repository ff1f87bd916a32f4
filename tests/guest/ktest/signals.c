/* ktest: signal delivery, masks, default actions, and faults. */
#define _GNU_SOURCE
#include "ktest.h"

/* ------------------------------------------------------------------------ */
/* Signals.                                                                 */
/* ------------------------------------------------------------------------ */

static void signal_handler_runs(void)
{
	set_handler(SIGUSR1, record_handler, 0);
	CHECK(kill(getpid(), SIGUSR1) == 0);
	CHECK(got_sig == SIGUSR1 && got_count == 1);
	CHECK(got_signo_field == SIGUSR1);
	CHECK(kill(getpid(), SIGUSR1) == 0); /* still installed */
	CHECK(got_count == 2);

	/* SA_RESETHAND: the second one takes the default action (terminate). */
	set_handler(SIGUSR2, record_handler, SA_RESETHAND);
	CHECK(kill(getpid(), SIGUSR2) == 0);
	CHECK(got_sig == SIGUSR2);
	struct sigaction old;
	CHECK(sigaction(SIGUSR2, NULL, &old) == 0);
	CHECK(old.sa_handler == SIG_DFL);
}

static void signal_mask_blocks(void)
{
	sigset_t set, old;
	set_handler(SIGUSR1, record_handler, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGKILL);
	sigaddset(&set, SIGSTOP);
	CHECK(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 8) == 0);
	CHECK(kill(getpid(), SIGUSR1) == 0);
	CHECK(got_count == 0);
	CHECK(kill(getpid(), SIGUSR1) == 0); /* standard signals do not queue */
	sleep_ms(10);
	CHECK(got_count == 0);

	CHECK(syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &old, 8) == 0);
	CHECK(sigismember(&old, SIGUSR1));
	CHECK(!sigismember(&old, SIGKILL) && !sigismember(&old, SIGSTOP));

	CHECK(syscall(SYS_rt_sigprocmask, SIG_UNBLOCK, &set, NULL, 8) == 0);
	CHECK(got_count == 1 && got_sig == SIGUSR1);

	/* SIG_SETMASK round trip. */
	CHECK(syscall(SYS_rt_sigprocmask, SIG_SETMASK, &set, &old, 8) == 0);
	CHECK(!sigismember(&old, SIGUSR1));
	CHECK(syscall(SYS_rt_sigprocmask, SIG_SETMASK, &old, NULL, 8) == 0);
	CHECK_ERR(syscall(SYS_rt_sigprocmask, 99, &set, NULL, 8), EINVAL);
}

static void kill_self_term(void)
{
	kill(getpid(), SIGTERM);
	_exit(1);
}

static void kill_self_usr2(void)
{
	kill(getpid(), SIGUSR2);
	_exit(1);
}

static void signal_default_term(void)
{
	CHECK_KILLED_BY(run_in_child(kill_self_term), SIGTERM);
	CHECK_KILLED_BY(run_in_child(kill_self_usr2), SIGUSR2);
}

static void signal_default_ignore_sigchld(void)
{
	set_disposition(SIGCHLD, SIG_DFL);
	CHECK(kill(getpid(), SIGCHLD) == 0);
	CHECK(kill(getpid(), SIGURG) == 0);
	CHECK(kill(getpid(), SIGWINCH) == 0);
	CHECK(kill(getpid(), SIGCONT) == 0);
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(0);
	sleep_ms(20);
	CHECK_EXITED(wait_for(pid), 0);
}

static void signal_stop_cont(void)
{
	int p[2];
	char buf[256];
	CHECK(pipe(p) == 0);
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		for (;;) {
			write(p[1], "t", 1);
			sleep_ms(1);
		}
	}
	close(p[1]);
	CHECK(read(p[0], buf, 1) == 1); /* it is running */
	CHECK(kill(pid, SIGSTOP) == 0);
	int st = wait_for(pid);
	CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);

	/* Stopped: after draining, nothing new arrives. */
	CHECK(fcntl(p[0], F_SETFL, O_NONBLOCK) == 0);
	while (read(p[0], buf, sizeof buf) > 0)
		;
	sleep_ms(100);
	CHECK_ERR(read(p[0], buf, sizeof buf), EAGAIN);

	/* Continued: ticks arrive again. */
	CHECK(kill(pid, SIGCONT) == 0);
	CHECK(fcntl(p[0], F_SETFL, 0) == 0);
	CHECK(read(p[0], buf, 1) == 1);
	CHECK(kill(pid, SIGKILL) == 0);
	CHECK_KILLED_BY(wait_for(pid), SIGKILL);
}

/* ------------------------------------------------------------------------ */
/* Faults.                                                                  */
/* ------------------------------------------------------------------------ */

static void touch_low(void) { *opaque_addr(8) = 1; }

static void touch_kernel(void) { (void)*opaque_addr(0xffff800000000000UL); }

static void touch_noncanonical(void) { (void)*opaque_addr(0x0000900000000000UL); }

static void sigsegv_on_bad_access(void)
{
	CHECK_KILLED_BY(run_in_child(touch_low), SIGSEGV);
	CHECK_KILLED_BY(run_in_child(touch_kernel), SIGSEGV);
	CHECK_KILLED_BY(run_in_child(touch_noncanonical), SIGSEGV);

	set_handler(SIGSEGV, fault_jump_handler, 0);
	if (sigsetjmp(fault_jmp, 1) == 0) {
		*opaque_addr(16) = 1;
		CHECK(!"store to address 16 did not fault");
	}
	CHECK(got_sig == SIGSEGV);
	CHECK(got_addr == 16);
}

static void do_ud2(void) { asm volatile("ud2"); }

/* Step over the 2-byte ud2 by editing the saved context. */
static void skip_ud2_handler(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	(void)si;
	got_sig = sig;
	uc->uc_mcontext.gregs[REG_RIP] += 2;
}

static void sigill_on_ud2(void)
{
	CHECK_KILLED_BY(run_in_child(do_ud2), SIGILL);
	set_handler(SIGILL, skip_ud2_handler, 0);
	do_ud2();
	CHECK(got_sig == SIGILL);
}

static void do_div0(void)
{
	unsigned long zero = 0, hi = 0, lo = 1;
	asm volatile("div %2" : "+a"(lo), "+d"(hi) : "r"(zero));
}

static void sigfpe_on_div0(void)
{
	CHECK_KILLED_BY(run_in_child(do_div0), SIGFPE);
	set_handler(SIGFPE, fault_jump_handler, 0);
	if (sigsetjmp(fault_jmp, 1) == 0) {
		do_div0();
		CHECK(!"div by zero did not trap");
	}
	CHECK(got_sig == SIGFPE);
}

static void do_int3(void) { asm volatile("int3"); }

static void sigtrap_on_int3(void)
{
	CHECK_KILLED_BY(run_in_child(do_int3), SIGTRAP);
	set_handler(SIGTRAP, record_handler, 0);
	do_int3(); /* the saved rip is after int3: returning resumes here */
	CHECK(got_sig == SIGTRAP && got_count == 1);
}

/* A SIGSEGV handler that itself faults (SIGSEGV is blocked inside it). */
static void faulting_handler(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)si, (void)uc;
	write(g_fd, "h", 1);
	*opaque_addr(8) = 1;
}

static void fault_with_faulting_handler(void)
{
	set_handler(SIGSEGV, faulting_handler, 0);
	touch_low();
}

static void recursive_fault_in_handler_kills(void)
{
	int p[2];
	char c = 0;
	CHECK(pipe(p) == 0);
	g_fd = p[1];
	CHECK_KILLED_BY(run_in_child(fault_with_faulting_handler), SIGSEGV);
	CHECK(read(p[0], &c, 1) == 1 && c == 'h');
}

/* ------------------------------------------------------------------------ */
/* sigaltstack.                                                             */
/* ------------------------------------------------------------------------ */

static char alt_stack[16384] __attribute__((aligned(16)));
static volatile uintptr_t handler_sp;
static volatile int handler_ss_flags;

static void altstack_handler(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)si, (void)uc;
	handler_sp = (uintptr_t)__builtin_frame_address(0);
	stack_t cur;
	handler_ss_flags = sigaltstack(0, &cur) == 0 ? cur.ss_flags : -1;
	stack_t again = {.ss_sp = alt_stack, .ss_size = sizeof alt_stack};
	if (sigaltstack(&again, 0) == 0 || errno != EPERM) /* not while on it */
		handler_ss_flags = -2;
}

static void sigaltstack_handler_runs_on_it(void)
{
	stack_t old, ss = {.ss_sp = alt_stack, .ss_size = sizeof alt_stack};
	CHECK(sigaltstack(0, &old) == 0);
	CHECK(old.ss_flags == SS_DISABLE);
	CHECK(sigaltstack(&ss, 0) == 0);
	set_handler(SIGUSR1, altstack_handler, SA_ONSTACK);
	CHECK(kill(getpid(), SIGUSR1) == 0);
	CHECK(handler_sp > (uintptr_t)alt_stack &&
	      handler_sp < (uintptr_t)alt_stack + sizeof alt_stack);
	CHECK_EQ(handler_ss_flags, SS_ONSTACK);
	CHECK(sigaltstack(0, &old) == 0);
	CHECK(old.ss_flags == 0 && old.ss_sp == alt_stack && old.ss_size == sizeof alt_stack);
	/* Without SA_ONSTACK the handler stays on the ordinary stack. */
	set_handler(SIGUSR2, altstack_handler, 0);
	CHECK(kill(getpid(), SIGUSR2) == 0);
	CHECK(handler_sp < (uintptr_t)alt_stack ||
	      handler_sp >= (uintptr_t)alt_stack + sizeof alt_stack);
}

static void sigaltstack_bad_arguments(void)
{
	stack_t ss = {.ss_sp = alt_stack, .ss_size = 100};
	CHECK_ERR(sigaltstack(&ss, 0), ENOMEM);
	ss.ss_size = sizeof alt_stack;
	ss.ss_flags = 0x40;
	CHECK_ERR(sigaltstack(&ss, 0), EINVAL);
	CHECK_ERR(syscall(SYS_sigaltstack, 8L, 0L), EFAULT); /* raw: musl reads it first */
	ss.ss_flags = SS_DISABLE;
	CHECK(sigaltstack(&ss, 0) == 0);
	stack_t old;
	CHECK(sigaltstack(0, &old) == 0 && old.ss_flags == SS_DISABLE);
}

static const struct test tests[] = {
    T(signal_handler_runs),
    T(signal_mask_blocks),
    T(signal_default_term),
    T(signal_default_ignore_sigchld),
    T(signal_stop_cont),
    T(sigsegv_on_bad_access),
    T(sigill_on_ud2),
    T(sigfpe_on_div0),
    T(sigtrap_on_int3),
    T(recursive_fault_in_handler_kills),
    T(sigaltstack_handler_runs_on_it),
    T(sigaltstack_bad_arguments),
};

const struct test_area area_signals = TEST_AREA("signals", tests);
