/* proctest: reading regs/int and regs/float. */
#define _GNU_SOURCE
#include "proctest.h"

/* ------------------------------------------------------------------------ */
/* regs/int and regs/float: reading                                         */
/* ------------------------------------------------------------------------ */

/* The seed scenario, with libc's read: rax == orig_rax == 0, and the two
 * bytes before rip are the syscall instruction. */
static void regs_blocked_in_read_shows_syscall(void)
{
	int p[2];
	CHECK(pipe(p) == 0);
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		char c;
		close(p[1]);
		_exit(read(p[0], &c, 1) == 1 ? 0 : 1);
	}
	close(p[0]);
	wait_blocked_in_read(pid);
	struct user_regs r;
	int fd = proc_file(pid, "regs/int", O_RDONLY);
	CHECK(fd >= 0);
	pread_regs(fd, &r);
	if (r.rax != 0 || r.orig_rax != 0)
		FAILF("rax %#lx orig_rax %#lx, want 0 and 0", (unsigned long)r.rax,
		      (unsigned long)r.orig_rax);
	CHECK(r.rip > 2 && r.rip < USER_TOP);
	int mem = proc_file(pid, "mem", O_RDONLY);
	CHECK(mem >= 0);
	unsigned char ins[2];
	CHECK(pread(mem, ins, 2, (off_t)(r.rip - 2)) == 2);
	if (ins[0] != 0x0f || ins[1] != 0x05)
		FAILF("bytes before rip %#lx: %02x %02x", (unsigned long)r.rip, ins[0], ins[1]);
	close(mem);
	close(fd);
	CHECK(write(p[1], "x", 1) == 1);
	CHECK_EXITED(wait_for(pid), 0);
}

/* The same with the probe: exact rip, and the values it holds. */
static void regs_blocked_in_read_exact_values(void)
{
	struct probe_kid k = spawn_probe_kid(xmm_a);
	int fd = proc_file(k.pid, "regs/int", O_RDONLY);
	CHECK(fd >= 0);
	struct user_regs r;
	pread_regs(fd, &r);
	CHECK(r.rip == (uint64_t)(uintptr_t)probe_after_syscall);
	CHECK(r.rax == 0 && r.orig_rax == 0);
	CHECK(r.rbx == RBX_MAGIC);
	CHECK(r.r15 == R15_MAGIC);
	CHECK(r.rdx == 1);
	CHECK(r.rsp > 0 && r.rsp < USER_TOP);
	CHECK((r.cs & 3) == 3 && (r.ss & 3) == 3);
	CHECK(r.rflags & FL_IF);
	CHECK(r.fs_base < USER_TOP && r.gs_base < USER_TOP);
	close(fd);
	kid_end(&k);
}

static void regs_preempted_busy_loop(void)
{
	pid_t pid = spawn_spinner();
	int fd = proc_file(pid, "regs/int", O_RDONLY);
	CHECK(fd >= 0);
	struct user_regs r;
	pread_regs(fd, &r);
	CHECK(r.rip == (uint64_t)(uintptr_t)spin_loop);
	if (r.orig_rax != (uint64_t)-1)
		FAILF("preempted: orig_rax %#lx, want -1", (unsigned long)r.orig_rax);
	CHECK(r.r12 == SPIN_MAGIC && r.r13 == SPIN_MAGIC);
	CHECK((r.cs & 3) == 3);
	close(fd);
	kill_reap(pid);
}

static void regs_sigstopped_process(void)
{
	pid_t pid = spawn_spinner();
	CHECK(kill(pid, SIGSTOP) == 0);
	int st = wait_for(pid);
	CHECK(WIFSTOPPED(st));
	int fd = proc_file(pid, "regs/int", O_RDONLY);
	CHECK(fd >= 0);
	struct user_regs r, r2;
	pread_regs(fd, &r);
	CHECK(r.rip == (uint64_t)(uintptr_t)spin_loop);
	CHECK(r.orig_rax == (uint64_t)-1);
	CHECK(r.r12 == SPIN_MAGIC && r.r13 == SPIN_MAGIC);
	pread_regs(fd, &r2);
	check_regs_equal(&r2, &r, "two reads of a stopped process");
	close(fd);
	kill_reap(pid);
}

static void regs_self_shows_current_syscall(void)
{
	int fd = open("proc:self/regs/int", O_RDONLY);
	CHECK(fd >= 0);
	struct user_regs r;
	CHECK(syscall(SYS_pread64, fd, &r, sizeof r, 0) == (long)sizeof r);
	if (r.orig_rax != SYS_pread64 || r.rax != SYS_pread64)
		FAILF("own regs inside pread64: rax %#lx orig_rax %#lx", (unsigned long)r.rax,
		      (unsigned long)r.orig_rax);
	close(fd);
}

static void regs_pread_216_returns_216(void)
{
	struct probe_kid k = spawn_probe_kid(xmm_a);
	int fd = proc_file(k.pid, "regs/int", O_RDONLY);
	CHECK(fd >= 0);
	char buf[400];
	CHECK(pread(fd, buf, 216, 0) == 216);
	CHECK(pread(fd, buf, sizeof buf, 0) == 216); /* never more than the struct */
	struct stat st;
	CHECK(fstat(fd, &st) == 0 && st.st_size == 216);
	close(fd);
	kid_end(&k);
}

static void regs_short_read_gets_first_bytes(void)
{
	struct probe_kid k = spawn_probe_kid(xmm_a);
	int fd = proc_file(k.pid, "regs/int", O_RDONLY);
	CHECK(fd >= 0);
	uint64_t r15 = 0;
	CHECK(pread(fd, &r15, 8, 0) == 8);
	CHECK(r15 == R15_MAGIC);
	unsigned char one;
	CHECK(pread(fd, &one, 1, 0) == 1 && one == (R15_MAGIC & 0xff));
	/* rbx is the sixth register: an 8-byte window at 40 */
	uint64_t rbx = 0;
	CHECK(pread(fd, &rbx, 8, 40) == 8 && rbx == RBX_MAGIC);
	close(fd);
	kid_end(&k);
}

static void regs_read_past_end_returns_0(void)
{
	struct probe_kid k = spawn_probe_kid(xmm_a);
	int fd = proc_file(k.pid, "regs/int", O_RDONLY);
	CHECK(fd >= 0);
	char buf[300];
	CHECK(pread(fd, buf, sizeof buf, 216) == 0);
	CHECK(pread(fd, buf, sizeof buf, 4096) == 0);
	CHECK(pread(fd, buf, sizeof buf, 200) == 16);
	close(fd);
	kid_end(&k);
}

static void regs_sequential_reads_concatenate(void)
{
	struct probe_kid k = spawn_probe_kid(xmm_a);
	int fd = proc_file(k.pid, "regs/int", O_RDONLY);
	CHECK(fd >= 0);
	struct user_regs whole;
	char parts[216];
	pread_regs(fd, &whole);
	CHECK(read(fd, parts, 100) == 100);
	CHECK(read(fd, parts + 100, 100) == 100);
	CHECK(read(fd, parts + 200, 100) == 16);
	CHECK(read(fd, parts, 100) == 0);
	CHECK(memcmp(parts, &whole, 216) == 0);
	close(fd);
	kid_end(&k);
}

static void fpregs_read_512_shows_xmm0(void)
{
	struct probe_kid k = spawn_probe_kid(xmm_b);
	int fd = proc_file(k.pid, "regs/float", O_RDONLY);
	CHECK(fd >= 0);
	struct user_fpregs f;
	char big[700];
	CHECK(pread(fd, big, sizeof big, 0) == 512);
	pread_fpregs(fd, &f);
	if (memcmp(f.xmm_space, xmm_b, 16) != 0)
		FAILF("xmm0 in regs/float: %08x%08x%08x%08x", f.xmm_space[3], f.xmm_space[2],
		      f.xmm_space[1], f.xmm_space[0]);
	CHECK((f.mxcsr & 0xffff) == 0x1f80); /* the default control word */
	CHECK(pread(fd, big, 16, 160) == 16 && memcmp(big, xmm_b, 16) == 0);
	CHECK(pread(fd, big, sizeof big, 512) == 0);
	CHECK(pread(fd, big, sizeof big, 500) == 12);
	struct stat st;
	CHECK(fstat(fd, &st) == 0 && st.st_size == 512);
	close(fd);
	kid_end(&k);
}

static void fpregs_two_processes_distinct(void)
{
	struct probe_kid a = spawn_probe_kid(xmm_a), b = spawn_probe_kid(xmm_b);
	struct user_fpregs fa, fb;
	int da = proc_file(a.pid, "regs/float", O_RDONLY),
	    db = proc_file(b.pid, "regs/float", O_RDONLY);
	CHECK(da >= 0 && db >= 0);
	pread_fpregs(da, &fa);
	pread_fpregs(db, &fb);
	CHECK(memcmp(fa.xmm_space, xmm_a, 16) == 0);
	CHECK(memcmp(fb.xmm_space, xmm_b, 16) == 0);
	close(da);
	close(db);
	kid_cycle_intact(&a, xmm_a);
	kid_cycle_intact(&b, xmm_b);
	kid_end(&a);
	kid_end(&b);
}

static const struct test tests[] = {
    T(regs_blocked_in_read_shows_syscall), T(regs_blocked_in_read_exact_values),
    T(regs_preempted_busy_loop),           T(regs_sigstopped_process),
    T(regs_self_shows_current_syscall),    T(regs_pread_216_returns_216),
    T(regs_short_read_gets_first_bytes),   T(regs_read_past_end_returns_0),
    T(regs_sequential_reads_concatenate),  T(fpregs_read_512_shows_xmm0),
    T(fpregs_two_processes_distinct),
};

const struct test_area area_regs_read = TEST_AREA("regs_read", tests);
