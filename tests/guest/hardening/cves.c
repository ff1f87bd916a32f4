/* hardening: the CVE classes not covered by name elsewhere (docs/security.md). */
#define _GNU_SOURCE
#include "hardening.h"

/* ------------------------------------------------------------------------ */
/* The CVE classes of shared/reference/tracing-lessons.md not covered by    */
/* name elsewhere (docs/security.md maps each class to its tests).          */
/* ------------------------------------------------------------------------ */

/* CVE-2018-8897's shape: a debug trap held back by the MOV SS / POP SS
 * interrupt shadow fires on the first instruction of the next kernel entry
 * (syscall, int3), in ring 0 with the user's stack (POP SS does not exist
 * in 64-bit mode; MOV SS is the shape). Here the trap is TF set
 * by the program itself; the kernel must survive and the process get
 * SIGTRAP (or run on), never a panic. */
extern char hd_mov_ss_syscall[], hd_mov_ss_int3[];
__asm__(".text\n"
        "hd_mov_ss_syscall:\n"
        "  mov %ss, %ecx\n"
        "  mov $39, %eax\n"
        "  pushfq\n"
        "  orq $0x100, (%rsp)\n"
        "  popfq\n"
        "  mov %ecx, %ss\n"
        "  syscall\n"
        "  pushfq\n"
        "  andq $~0x100, (%rsp)\n"
        "  popfq\n"
        "  ret\n"
        "hd_mov_ss_int3:\n"
        "  mov %ss, %ecx\n"
        "  pushfq\n"
        "  orq $0x100, (%rsp)\n"
        "  popfq\n"
        "  mov %ecx, %ss\n"
        "  int3\n"
        "  pushfq\n"
        "  andq $~0x100, (%rsp)\n"
        "  popfq\n"
        "  ret\n");

static char *shadow_routine;
static void run_shadow_routine(void) { ((void (*)(void))(void *)shadow_routine)(); }

static void cve_2018_8897_trap_in_ss_shadow(void)
{
	char *routines[] = {hd_mov_ss_syscall, hd_mov_ss_int3};
	for (int i = 0; i < 2; i++) {
		shadow_routine = routines[i];
		for (int round = 0; round < 20; round++) {
			int st = in_child(run_shadow_routine);
			CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTRAP);
		}
	}
	CHECK(kill(1, 0) == 0);
}

static volatile unsigned char info_copy[128];
static void copy_info(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	memcpy((void *)info_copy, si, sizeof info_copy);
}

/* siginfo leaks: every byte of the siginfo a handler sees is written (the
 * bytes past the fields the signal defines are zero, not old stack). */
static void siginfo_every_byte_written(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = copy_info;
	sa.sa_flags = SA_SIGINFO;
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
	memset((void *)info_copy, 0xa5, sizeof info_copy);
	CHECK(raise(SIGUSR1) == 0);
	CHECK(info_copy[0] == SIGUSR1);
	for (size_t i = 32; i < sizeof info_copy; i++)
		if (info_copy[i])
			FAILF("siginfo byte %zu is %#x", i, info_copy[i]);
}

static void sigreturn_bad_mxcsr_child(void)
{
	static uint64_t frame[128] __attribute__((aligned(16)));
	static uint8_t fx[512] __attribute__((aligned(64)));
	memset(frame, 0, sizeof frame);
	__asm__ volatile("fxsave %0" : "=m"(fx));
	uint32_t bad = 0xffffffff; /* reserved MXCSR bits: #GP in fxrstor */
	memcpy(fx + 24, &bad, 4);
	uint64_t *mc = &frame[1 + 5];
	mc[15] = (uint64_t)frame;
	mc[16] = (uint64_t)raw_exit;
	mc[17] = 0x202;
	mc[18] = 0x23 | (0x1bUL << 48);
	mc[23] = (uint64_t)fx; /* fpstate */
	__asm__ volatile("mov %0, %%rsp\n mov $15, %%eax\n syscall" ::"r"(&frame[1]) : "memory");
	raw_exit(9);
}

/* MXCSR reserved bits (the FXRSTOR #GP class, CVE-2017-15537's cousin)
 * through rt_sigreturn's FPU image: refused, the process dies of SIGSEGV. */
static void sigreturn_reserved_mxcsr_segv(void)
{
	CHECK_KILLED_BY(in_child(sigreturn_bad_mxcsr_child), SIGSEGV);
}

static const struct test tests[] = {
    T(cve_2018_8897_trap_in_ss_shadow),
    T(siginfo_every_byte_written),
    T(sigreturn_reserved_mxcsr_segv),
};

const struct test_area area_cves = TEST_AREA("cves", tests);
