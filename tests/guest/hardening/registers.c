/* hardening: every user-chosen rip and rsp (signal handler, restorer, exec
 * entry, rt_sigreturn frame) goes through the one check. */
#define _GNU_SOURCE
#include "hardening.h"

#define SA_RESTORER 0x04000000

/* ------------------------------------------------------------------------ */
/* Every user-chosen rip and rsp goes through the one check. QEMU's TCG does */
/* not raise the #GP a non-canonical iretq would on hardware, so these tests */
/* prove the check happened before the return: the process's fate.          */
/* ------------------------------------------------------------------------ */

struct k_sigaction {
	uint64_t handler, flags, restorer, mask;
};

extern char hd_restorer[];
__asm__(".text\nhd_restorer: mov $15, %eax\n syscall\n");

static uint64_t bad_handler;

static void segv_exits_7(int sig)
{
	(void)sig;
	raw_exit(7);
}

/* A SIGSEGV handler that exits 7: a process whose bad handler address was
 * loaded and faulted in user mode would run it; one refused at delivery is
 * killed by SIGSEGV without running any handler (Linux's force_sigsegv). */
static void catch_segv_with_exit_7(void)
{
	struct k_sigaction sa = {(uint64_t)segv_exits_7, SA_RESTORER, (uint64_t)hd_restorer, 0};
	CHECK(raw4(SYS_rt_sigaction, SIGSEGV, &sa, 0, 8) == 0);
}

static void raise_with_bad_handler(void)
{
	catch_segv_with_exit_7();
	struct k_sigaction sa = {bad_handler, SA_RESTORER, (uint64_t)hd_restorer, 0};
	CHECK(raw4(SYS_rt_sigaction, SIGUSR1, &sa, 0, 8) == 0);
	raw2(SYS_kill, raw0(SYS_getpid), SIGUSR1);
	raw_exit(9); /* never: the delivery kills */
}

/* Before: the handler address went into the frame unchecked. */
static void signal_handler_outside_user_space_segv(void)
{
	const uint64_t bad[] = {KERNEL_ADDR, USER_TOP, NONCANONICAL, 0x8000000000000000UL};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		bad_handler = bad[i];
		CHECK_KILLED_BY(in_child(raise_with_bad_handler), SIGSEGV);
	}
}

static void handler_ok(int sig) { (void)sig; }

static void raise_with_bad_restorer(void)
{
	catch_segv_with_exit_7();
	struct k_sigaction sa = {(uint64_t)handler_ok, SA_RESTORER, KERNEL_ADDR, 0};
	CHECK(raw4(SYS_rt_sigaction, SIGUSR1, &sa, 0, 8) == 0);
	raw2(SYS_kill, raw0(SYS_getpid), SIGUSR1);
	raw_exit(9);
}

static void signal_restorer_outside_user_space_segv(void)
{
	CHECK_KILLED_BY(in_child(raise_with_bad_restorer), SIGSEGV);
}

static void exec_entry_outside_user_space_enoexec(void)
{
	write_elf("/tmp/hd_ok", CODE_VA, 0, 0);
	CHECK_EXITED(exec_status("/tmp/hd_ok", 0), 42); /* the image itself is good */
	const uint64_t bad[] = {KERNEL_ADDR, USER_TOP, NONCANONICAL, 0xfffffffffffff000UL};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		write_elf("/tmp/hd_entry", bad[i], 0, 0);
		CHECK_EXITED(exec_status("/tmp/hd_entry", 0), 100 + ENOEXEC);
	}
	struct elf_phdr k = {1, 6, 0, KERNEL_ADDR, KERNEL_ADDR, 0, PAGE, PAGE};
	write_elf("/tmp/hd_kseg", CODE_VA, &k, 1);
	CHECK_EXITED(exec_status("/tmp/hd_kseg", 0), 100 + ENOEXEC);
}

/* Files too short for their headers: ENOEXEC (an error path that used to
 * read an uninitialised ELF header field). */
static void exec_truncated_header_enoexec(void)
{
	write_elf("/tmp/hd_ok", CODE_VA, 0, 0);
	int in = open("/tmp/hd_ok", O_RDONLY);
	char buf[64];
	CHECK(read(in, buf, sizeof buf) == 64);
	close(in);
	for (size_t len = 0; len <= 64; len += 8) {
		int fd = open("/tmp/hd_short", O_WRONLY | O_CREAT | O_TRUNC, 0755);
		CHECK(fd >= 0 && write(fd, buf, len) == (ssize_t)len);
		close(fd);
		CHECK_EXITED(exec_status("/tmp/hd_short", 0), 100 + ENOEXEC);
	}
}

/* rt_sigreturn with a frame whose rip is outside user space: SIGSEGV. */
static void sigreturn_bad_rip_child(void)
{
	static uint64_t frame[128] __attribute__((aligned(16)));
	memset(frame, 0, sizeof frame);
	/* frame[0] would be pretcode (already popped); the ucontext follows:
	 * flags, link, ss (3 words), then sigcontext: r8..r15, rdi, rsi,
	 * rbp, rbx, rdx, rax, rcx, rsp, rip, eflags, cs/gs/fs/ss. */
	uint64_t *mc = &frame[1 + 5];
	mc[15] = (uint64_t)frame;       /* rsp */
	mc[16] = bad_handler;           /* rip */
	mc[17] = 0x202;                 /* eflags */
	mc[18] = 0x23 | (0x1bUL << 48); /* cs, ss */
	__asm__ volatile("mov %0, %%rsp\n mov $15, %%eax\n syscall" ::"r"(&frame[1]) : "memory");
	raw_exit(9);
}

static void sigreturn_rip_outside_user_space_segv(void)
{
	const uint64_t bad[] = {KERNEL_ADDR, NONCANONICAL};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		bad_handler = bad[i];
		CHECK_KILLED_BY(in_child(sigreturn_bad_rip_child), SIGSEGV);
	}
}

static const struct test tests[] = {
    T(signal_handler_outside_user_space_segv), T(signal_restorer_outside_user_space_segv),
    T(exec_entry_outside_user_space_enoexec),  T(exec_truncated_header_enoexec),
    T(sigreturn_rip_outside_user_space_segv),
};

const struct test_area area_registers = TEST_AREA("registers", tests);
