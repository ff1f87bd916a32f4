/* tracetest area: proc:PID/regs/debug, the hardware debug registers (the
 * contract's regs/debug section): reading, who may write, every forbidden
 * image refused whole, write/read/execute watchpoints as BREAKPOINT stops
 * with DR6 and the watched address or as SIGTRAP TRAP_HWBKPT, a watched
 * buffer the kernel itself fills, exec and fork, and the MOV SS shape of
 * CVE-2018-8897 with a real data breakpoint. */
#include "tracetest.h"

#define DR7_L0 0x1UL
#define DR7_G0 0x2UL
#define DR7_RW0(rw) ((uint64_t)(rw) << 16)
#define DR7_LEN0(len) ((uint64_t)(len) << 18)
#define RW_EXEC 0
#define RW_WRITE 1
#define RW_IO 2
#define RW_RDWR 3
#define LEN_1 0
#define LEN_2 1
#define LEN_8 2
#define LEN_4 3

static volatile uint64_t watched __attribute__((aligned(8)));

static int debug_write(int pid, const uint64_t dr[8])
{
	int fd = proc_file(pid, "regs/debug", O_RDWR);
	CHECK(fd >= 0);
	long n = pwrite(fd, dr, 64, 0);
	int err = errno;
	close(fd);
	errno = err;
	return n == 64 ? 0 : -1;
}

static void debug_read(int pid, uint64_t dr[8])
{
	int fd = proc_file(pid, "regs/debug", O_RDONLY);
	CHECK(fd >= 0);
	CHECK(pread(fd, dr, 64, 0) == 64);
	close(fd);
}

/* Arm DR0 of a stopped kid: addr with rw and len. */
static void arm_dr0(int pid, uint64_t addr, int rw, int len)
{
	uint64_t dr[8] = {addr, 0, 0, 0, 0, 0, 0, DR7_L0 | DR7_RW0(rw) | DR7_LEN0(len)};
	if (debug_write(pid, dr))
		FAILF("arming DR0 at %#lx: errno %d", (unsigned long)addr, errno);
}

static void regs_debug_reads_zero_and_needs_a_stopped_tracee(void)
{
	uint64_t dr[8], zero[8] = {0};
	debug_read(getpid(), dr);
	CHECK(memcmp(dr, zero, sizeof dr) == 0);
	struct kid k = spawn_kid(body_nothing, 0);
	uint64_t want[8] = {(uint64_t)&watched, 0, 0, 0, 0, 0, 0, DR7_L0 | DR7_RW0(RW_WRITE)};
	CHECK_ERR(debug_write(k.pid, want), EPERM); /* not its tracer */
	int t = trace_attach(k.pid, 0);
	CHECK_ERR(debug_write(k.pid, want), EBUSY); /* tracer, but it runs */
	trace_set(t, PTRACE_STOP_INTERRUPT);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_STOP_INTERRUPT, &e);
	CHECK(debug_write(k.pid, want) == 0);
	debug_read(k.pid, dr);
	CHECK(memcmp(dr, want, sizeof dr) == 0);
	int fd = proc_file(k.pid, "regs/debug", O_RDWR);
	CHECK_ERR(pwrite(fd, want, 63, 0), EINVAL);
	CHECK_ERR(pwrite(fd, want, 64, 8), EINVAL);
	close(fd);
	trace_resume(t);
	kid_go(&k);
	CHECK_EXITED(kid_reap(&k), 0);
}

/* Each image that could make the kernel trap on its own accesses or reach
 * what is not the tracee's is refused with EINVAL, and nothing changes. */
static void regs_debug_rejects_every_forbidden_image(void)
{
	struct kid k = spawn_kid(body_nothing, 0);
	int t = attach_stopped(k.pid);
	uint64_t a = (uint64_t)&watched, on = DR7_L0 | DR7_RW0(RW_WRITE) | DR7_LEN0(LEN_8);
	const uint64_t bad[][8] = {
	    {0xffff800000000000UL, 0, 0, 0, 0, 0, 0, on}, /* a kernel address */
	    {0xffff800000000000UL, 0, 0, 0, 0, 0, 0, 0},  /* ... even disarmed */
	    {USER_TOP - 4, 0, 0, 0, 0, 0, 0, on},         /* runs past the top */
	    {a + 4, 0, 0, 0, 0, 0, 0, on},                /* unaligned for 8 bytes */
	    {a, 0, 0, 0, 0, 0, 0, DR7_L0 | DR7_RW0(RW_IO)},
	    {a, 0, 0, 0, 0, 0, 0, DR7_L0 | DR7_RW0(RW_EXEC) | DR7_LEN0(LEN_4)},
	    {a, 0, 0, 0, 0, 0, 0, DR7_G0 | DR7_RW0(RW_WRITE)}, /* global enable */
	    {a, 0, 0, 0, 0, 0, 0, on | (1UL << 13)},           /* GD */
	    {a, 0, 0, 0, 0, 0, 0, on | (1UL << 8)},            /* LE */
	    {a, 0, 0, 0, 0, 0, 0, on | (1UL << 9)},            /* GE */
	    {a, 0, 0, 0, 0, 0, 0, on | (1UL << 10)},           /* reserved */
	    {a, 0, 0, 0, 0, 0, 0, on | (1UL << 32)},           /* reserved */
	    {a, 0, 0, 0, 1, 0, 0, on},                         /* DR4 */
	    {a, 0, 0, 0, 0, 0, 1, on},                         /* DR6 may only be cleared */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		errno = 0;
		if (debug_write(k.pid, bad[i]) == 0 || errno != EINVAL)
			FAILF("forbidden image %zu accepted (errno %d)", i, errno);
		uint64_t dr[8], zero[8] = {0};
		debug_read(k.pid, dr);
		if (memcmp(dr, zero, sizeof dr))
			FAILF("forbidden image %zu changed the registers", i);
	}
	trace_resume(t);
	kid_go(&k);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void body_write_watched(long arg, int out)
{
	watched = (uint64_t)arg;
	report(out, (long)watched);
}

/* A write watchpoint: a BREAKPOINT stop just after the store, with DR6's
 * B0 and the watched address; resuming goes on. */
static void watch_write_stops_with_dr6_and_address(void)
{
	struct kid k = spawn_kid(body_write_watched, 42);
	int t = attach_stopped(k.pid);
	arm_dr0(k.pid, (uint64_t)&watched, RW_WRITE, LEN_8);
	trace_set(t, PTRACE_STOP_BREAKPOINT);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_STOP_BREAKPOINT, &e);
	CHECK_EQ(e.data[1] & 0xf, 1);
	CHECK_EQ(e.data[2], (uint64_t)&watched);
	struct user_regs r;
	get_regs(k.pid, &r);
	CHECK_EQ(e.data[0], r.rip);
	CHECK_EQ(mem_peek(k.pid, (uint64_t)&watched), 42); /* the store happened */
	uint64_t dr[8];
	debug_read(k.pid, dr);
	CHECK(dr[6] & 1); /* the status of the last hit */
	trace_set(t, PTRACE_STOP_BREAKPOINT);
	CHECK(kid_result(&k) == 42);
	CHECK_EXITED(kid_reap(&k), 0);
}

static volatile int hw_code;
static volatile uint64_t hw_addr;
static void hwbkpt_handler(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	hw_code = si->si_code;
	hw_addr = (uint64_t)si->si_addr;
}

static void body_write_watched_catch(long arg, int out)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = hwbkpt_handler;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGTRAP, &sa, NULL);
	watched = (uint64_t)arg;
	report(out, hw_code);
	report(out, (long)hw_addr);
}

/* Without a BREAKPOINT request the hit is SIGTRAP, si_code TRAP_HWBKPT (4)
 * and si_addr the watched address. */
static void watch_without_request_is_sigtrap_hwbkpt(void)
{
	struct kid k = spawn_kid(body_write_watched_catch, 7);
	int t = attach_stopped(k.pid);
	arm_dr0(k.pid, (uint64_t)&watched, RW_WRITE, LEN_8);
	trace_set(t, 0);
	kid_go(&k);
	CHECK(kid_result(&k) == 4);
	CHECK(kid_result(&k) == (long)&watched);
	CHECK_EXITED(kid_reap(&k), 0);
	close(t);
}

static void body_read_watched(long arg, int out)
{
	(void)arg;
	report(out, (long)watched + 1);
}

static void watch_read_write_sees_a_load(void)
{
	struct kid k = spawn_kid(body_read_watched, 0);
	int t = attach_stopped(k.pid);
	arm_dr0(k.pid, (uint64_t)&watched, RW_RDWR, LEN_4);
	trace_set(t, PTRACE_STOP_BREAKPOINT);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_STOP_BREAKPOINT, &e);
	CHECK_EQ(e.data[2], (uint64_t)&watched);
	trace_set(t, PTRACE_STOP_BREAKPOINT);
	CHECK(kid_result(&k) == 1);
	CHECK_EXITED(kid_reap(&k), 0);
}

/* An execute breakpoint stops before the instruction (rip == address) and
 * resumes past it once (RF), not in a loop. */
static void exec_breakpoint_stops_once_and_resumes(void)
{
	struct kid k = spawn_kid(body_call_bp, 3);
	int t = attach_stopped(k.pid);
	arm_dr0(k.pid, (uint64_t)tt_bp_func, RW_EXEC, LEN_1);
	trace_set(t, PTRACE_STOP_BREAKPOINT);
	kid_go(&k);
	for (int i = 0; i < 3; i++) {
		struct ptrace_event e;
		EXPECT_EVENT(t, PTRACE_STOP_BREAKPOINT, &e);
		CHECK_EQ(e.data[0], (uint64_t)tt_bp_func);
		CHECK_EQ(e.data[2], (uint64_t)tt_bp_func);
		CHECK_EQ(e.data[1] & 0xf, 1);
		trace_set(t, PTRACE_STOP_BREAKPOINT);
	}
	CHECK(kid_result(&k) == 3);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void body_read_into_watched(long fd, int out)
{
	char c;
	CHECK(read((int)fd, (void *)&watched, 1) == 1);
	c = (char)watched;
	report(out, c);
}

/* The kernel's own copy (read(2) into the watched word) hits the
 * watchpoint in kernel mode: never harmful, reported on the way back. */
static void watch_hit_by_the_kernel_is_reported_on_return(void)
{
	int p[2];
	CHECK(pipe(p) == 0);
	CHECK(write(p[1], "Z", 1) == 1);
	struct kid k = spawn_kid(body_read_into_watched, p[0]);
	int t = attach_stopped(k.pid);
	arm_dr0(k.pid, (uint64_t)&watched, RW_WRITE, LEN_1);
	trace_set(t, PTRACE_STOP_BREAKPOINT);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_STOP_BREAKPOINT, &e);
	CHECK_EQ(e.data[2], (uint64_t)&watched);
	CHECK_EQ(e.data[1] & 0xf, 1);
	trace_set(t, PTRACE_STOP_BREAKPOINT);
	CHECK(kid_result(&k) == 'Z');
	CHECK_EXITED(kid_reap(&k), 0);
}

static void body_exec_then_report(long arg, int out)
{
	(void)arg, (void)out;
	char *argv[] = {"/bin/true", NULL};
	execve(argv[0], argv, environ);
	_exit(9);
}

static void debugregs_cleared_by_exec(void)
{
	struct kid k = spawn_kid(body_exec_then_report, 0);
	int t = attach_stopped(k.pid);
	arm_dr0(k.pid, (uint64_t)&watched, RW_WRITE, LEN_8);
	trace_set(t, PTRACE_STOP_EXEC);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_STOP_EXEC, &e);
	uint64_t dr[8], zero[8] = {0};
	debug_read(k.pid, dr);
	CHECK(memcmp(dr, zero, sizeof dr) == 0);
	trace_resume(t);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void body_fork_writes_watched(long arg, int out)
{
	(void)arg;
	int pid = fork();
	if (pid == 0) {
		watched = 5; /* the child has no watchpoint: no SIGTRAP */
		_exit(watched == 5 ? 0 : 1);
	}
	int st = 0;
	waitpid(pid, &st, 0);
	report(out, st);
}

static void debugregs_not_inherited_by_fork(void)
{
	struct kid k = spawn_kid(body_fork_writes_watched, 0);
	int t = attach_stopped(k.pid);
	arm_dr0(k.pid, (uint64_t)&watched + 4096 * 0, RW_WRITE, LEN_8);
	trace_set(t, 0); /* the parent does not write it; the child does */
	kid_go(&k);
	long st = kid_result(&k);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK_EXITED(kid_reap(&k), 0);
}

static volatile uint16_t ss_copy __attribute__((aligned(8)));
extern char tt_mov_ss_syscall[];
__asm__(".text\n"
        "tt_mov_ss_syscall:\n"
        "  mov $39, %eax\n"
        "  mov ss_copy(%rip), %ss\n" /* the watched load; its trap is held back */
        "  syscall\n"                /* ... onto the kernel's first instruction */
        "  ret\n");

static void body_mov_ss_syscall(long arg, int out)
{
	(void)arg;
	call_void(tt_mov_ss_syscall);
	report(out, 1);
}

/* CVE-2018-8897: a data breakpoint on the operand of MOV SS is deferred by
 * the interrupt shadow onto the first instruction of the syscall entry, in
 * ring 0 with the user's stack. The #DB runs on its own stack, the hit is
 * the tracee's and is reported; the kernel goes on. (QEMU's TCG delivers
 * this trap in user mode, before the syscall; the kernel-mode #DB on its
 * IST stack is what watch_hit_by_the_kernel_is_reported_on_return takes.) */
static void cve_2018_8897_watchpoint_on_mov_ss_operand(void)
{
	uint16_t ss;
	__asm__ volatile("mov %%ss, %0" : "=r"(ss));
	ss_copy = ss; /* before the kid exists: its only access is the MOV SS */
	for (int round = 0; round < 5; round++) {
		struct kid k = spawn_kid(body_mov_ss_syscall, 0);
		int t = attach_stopped(k.pid);
		arm_dr0(k.pid, (uint64_t)&ss_copy, RW_RDWR, LEN_2);
		trace_set(t, PTRACE_STOP_BREAKPOINT);
		kid_go(&k);
		struct ptrace_event e;
		EXPECT_EVENT(t, PTRACE_STOP_BREAKPOINT, &e);
		CHECK_EQ(e.data[2], (uint64_t)&ss_copy);
		trace_set(t, PTRACE_STOP_BREAKPOINT);
		long v = 0;
		if (read(k.out, &v, sizeof v) != sizeof v) {
			int st = kid_reap(&k);
			FAILF("round %d: the kid ended with status %#x, reporting nothing", round,
			      st);
		}
		CHECK(v == 1);
		CHECK_EXITED(kid_reap(&k), 0);
	}
	CHECK(kill(1, 0) == 0);
}

static const struct test tests[] = {
    T(regs_debug_reads_zero_and_needs_a_stopped_tracee),
    T(regs_debug_rejects_every_forbidden_image),
    T(watch_write_stops_with_dr6_and_address),
    T(watch_without_request_is_sigtrap_hwbkpt),
    T(watch_read_write_sees_a_load),
    T(exec_breakpoint_stops_once_and_resumes),
    T(watch_hit_by_the_kernel_is_reported_on_return),
    T(debugregs_cleared_by_exec),
    T(debugregs_not_inherited_by_fork),
    T(cve_2018_8897_watchpoint_on_mov_ss_operand),
};
const struct test_area area_debugregs = TEST_AREA("debugregs", tests);
