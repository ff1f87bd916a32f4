/* ktest area: the siginfo every signal carries, as an SA_SIGINFO handler
 * sees it (issue 10: "every signal the kernel sends carries a real
 * siginfo"): kill and tkill senders, SIGCHLD's CLD_* codes with pid and
 * status, fault codes and addresses, int3, SIGPIPE. These run on Linux
 * too, and give the same answers there. */
#define _GNU_SOURCE
#include "ktest.h"

static volatile siginfo_t seen;
static volatile int seen_count;

static void keep_info(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	memcpy((void *)&seen, si, sizeof seen);
	seen_count++;
}

static void catch_info(int sig)
{
	memset((void *)&seen, 0, sizeof seen);
	seen_count = 0;
	set_handler(sig, keep_info, 0);
}

static void siginfo_kill_is_si_user_with_sender(void)
{
	catch_info(SIGUSR1);
	CHECK(kill(getpid(), SIGUSR1) == 0);
	CHECK(seen_count == 1 && seen.si_signo == SIGUSR1);
	CHECK(seen.si_code == SI_USER);
	CHECK(seen.si_pid == getpid() && seen.si_uid == getuid());
}

static void siginfo_tgkill_is_si_tkill(void)
{
	catch_info(SIGUSR2);
	CHECK(syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGUSR2) == 0);
	CHECK(seen_count == 1 && seen.si_code == SI_TKILL);
	CHECK(seen.si_pid == getpid());
}

/* Wait for a SIGCHLD handled while blocked in sigsuspend. */
static void await_sigchld(int count)
{
	sigset_t none;
	sigemptyset(&none);
	while (seen_count < count)
		sigsuspend(&none);
}

static void siginfo_sigchld_exited_and_killed(void)
{
	sigset_t chld;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	catch_info(SIGCHLD);
	pid_t a = fork();
	if (a == 0)
		_exit(3);
	await_sigchld(1);
	CHECK(seen.si_code == CLD_EXITED && seen.si_pid == a && seen.si_status == 3);
	CHECK(seen.si_uid == getuid());
	CHECK_EXITED(wait_for(a), 3);
	pid_t b = fork();
	if (b == 0)
		for (;;)
			pause();
	kill(b, SIGKILL);
	await_sigchld(2);
	CHECK(seen.si_code == CLD_KILLED && seen.si_pid == b && seen.si_status == SIGKILL);
	CHECK_KILLED_BY(wait_for(b), SIGKILL);
}

static void siginfo_sigchld_stopped_and_continued(void)
{
	sigset_t chld;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	catch_info(SIGCHLD);
	pid_t c = fork();
	if (c == 0)
		for (;;)
			pause();
	kill(c, SIGSTOP);
	await_sigchld(1);
	CHECK(seen.si_code == CLD_STOPPED && seen.si_pid == c && seen.si_status == SIGSTOP);
	kill(c, SIGCONT);
	await_sigchld(2);
	CHECK(seen.si_code == CLD_CONTINUED && seen.si_pid == c && seen.si_status == SIGCONT);
	kill(c, SIGKILL);
	wait_for(c);
}

static sigjmp_buf info_jmp;
static void keep_info_and_jump(int sig, siginfo_t *si, void *uc)
{
	keep_info(sig, si, uc);
	siglongjmp(info_jmp, 1);
}

static void siginfo_segv_maperr_and_accerr(void)
{
	memset((void *)&seen, 0, sizeof seen);
	set_handler(SIGSEGV, keep_info_and_jump, SA_NODEFER);
	volatile int *volatile low = (volatile int *)(uintptr_t)8;
	if (sigsetjmp(info_jmp, 1) == 0)
		*low = 1;
	CHECK(seen.si_signo == SIGSEGV && seen.si_code == SEGV_MAPERR);
	CHECK(seen.si_addr == (void *)8);
	char *ro = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(ro != MAP_FAILED);
	(void)*(volatile char *)ro; /* present, read-only */
	if (sigsetjmp(info_jmp, 1) == 0)
		*(volatile char *)(ro + 5) = 1;
	CHECK(seen.si_code == SEGV_ACCERR && seen.si_addr == ro + 5);
}

extern char ki_ud2[];
__asm__(".text\nki_ud2: ud2\n ret\n");

static void siginfo_sigill_and_sigfpe_codes(void)
{
	memset((void *)&seen, 0, sizeof seen);
	set_handler(SIGILL, keep_info_and_jump, SA_NODEFER);
	if (sigsetjmp(info_jmp, 1) == 0)
		((void (*)(void))(void *)ki_ud2)();
	CHECK(seen.si_signo == SIGILL && seen.si_code == ILL_ILLOPN);
	CHECK(seen.si_addr == ki_ud2);
	set_handler(SIGFPE, keep_info_and_jump, SA_NODEFER);
	if (sigsetjmp(info_jmp, 1) == 0) {
		unsigned long zero = 0, hi = 0, lo = 1;
		asm volatile("div %2" : "+a"(lo), "+d"(hi) : "r"(zero));
	}
	CHECK(seen.si_signo == SIGFPE && seen.si_code == FPE_INTDIV);
}

static void siginfo_int3_is_si_kernel(void)
{
	catch_info(SIGTRAP);
	asm volatile("int3");
	CHECK(seen_count == 1 && seen.si_signo == SIGTRAP && seen.si_code == SI_KERNEL);
}

static void siginfo_sigpipe_is_si_user_from_self(void)
{
	int p[2];
	CHECK(pipe(p) == 0);
	close(p[0]);
	catch_info(SIGPIPE);
	CHECK_ERR(write(p[1], "x", 1), EPIPE);
	CHECK(seen_count == 1 && seen.si_code == SI_USER && seen.si_pid == getpid());
}

static const struct test tests[] = {
    T(siginfo_kill_is_si_user_with_sender), T(siginfo_tgkill_is_si_tkill),
    T(siginfo_sigchld_exited_and_killed),   T(siginfo_sigchld_stopped_and_continued),
    T(siginfo_segv_maperr_and_accerr),      T(siginfo_sigill_and_sigfpe_codes),
    T(siginfo_int3_is_si_kernel),           T(siginfo_sigpipe_is_si_user_from_self),
};
const struct test_area area_siginfo = TEST_AREA("siginfo", tests);
