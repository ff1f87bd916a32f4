/* proctest: writing regs/int and regs/float: who may, round trips, and the
 * images the kernel must refuse. */
#define _GNU_SOURCE
#include "proctest.h"

/* ------------------------------------------------------------------------ */
/* regs/int: who may write, and round trips                                 */
/* ------------------------------------------------------------------------ */

static void regs_write_non_tracer_eperm(void)
{
	struct probe_kid k = spawn_probe_kid(xmm_a);
	struct user_regs r;
	int fd = regs_open(k.pid, &r);
	CHECK_ERR(pwrite(fd, &r, sizeof r, 0), EPERM);
	int ff = proc_file(k.pid, "regs/float", O_RDWR);
	CHECK(ff >= 0);
	struct user_fpregs f;
	pread_fpregs(ff, &f);
	CHECK_ERR(pwrite(ff, &f, sizeof f, 0), EPERM);
	close(ff);
	close(fd);
	kid_cycle_intact(&k, xmm_a);
	kid_end(&k);
}

static void regs_write_other_tracers_target_eperm(void)
{
	struct probe_kid k = spawn_probe_kid(xmm_a);
	int ctl[2];
	CHECK(pipe(ctl) == 0);
	pid_t h = fork();
	CHECK(h >= 0);
	if (h == 0) {
		/* another process's session does not make us the tracer */
		close(ctl[1]);
		int t = attach(k.pid, O_TRUNC);
		CHECK(t >= 0);
		char c;
		read(ctl[0], &c, 1);
		close(t);
		_exit(0);
	}
	close(ctl[0]);
	wait_until(k.pid, 'T', -2);
	CHECK(status_num(k.pid, "tracer") == h);
	struct user_regs r;
	int fd = regs_open(k.pid, &r);
	CHECK_ERR(pwrite(fd, &r, sizeof r, 0), EPERM);
	close(fd);
	close(ctl[1]);
	CHECK_EXITED(wait_for(h), 0);
	kid_cycle_intact(&k, xmm_a);
	kid_end(&k);
}

static void regs_write_tracer_not_stopped_ebusy(void)
{
	struct probe_kid k = spawn_probe_kid(xmm_a);
	int t = attach(k.pid, 0); /* blocked in read is not a ptrace stop */
	CHECK(t >= 0);
	CHECK(status_state(k.pid) == 'S');
	int fd = proc_file(k.pid, "regs/int", O_RDWR);
	int ff = proc_file(k.pid, "regs/float", O_RDWR);
	CHECK(fd >= 0 && ff >= 0);
	struct user_regs r;
	struct user_fpregs f;
	pread_regs(fd, &r);
	pread_fpregs(ff, &f);
	CHECK_ERR(pwrite(fd, &r, sizeof r, 0), EBUSY);
	CHECK_ERR(pwrite(ff, &f, sizeof f, 0), EBUSY);
	close(fd);
	close(ff);
	close(t);
	kid_cycle_intact(&k, xmm_a);
	kid_end(&k);
}

static void regs_write_ebusy_after_resume(void)
{
	struct probe_kid k = spawn_probe_kid(xmm_a);
	int t = attach_stopped(k.pid);
	struct user_regs r;
	int fd = regs_open(k.pid, &r);
	CHECK(pwrite(fd, &r, sizeof r, 0) == (ssize_t)sizeof r);
	trace_resume(t);
	wait_blocked_in_read(k.pid);
	pread_regs(fd, &r);
	CHECK_ERR(pwrite(fd, &r, sizeof r, 0), EBUSY);
	close(fd);
	close(t);
	kid_cycle_intact(&k, xmm_a);
	kid_end(&k);
}

static void regs_write_roundtrip_identity(void)
{
	struct probe_kid k = spawn_probe_kid(xmm_a);
	int t = attach_stopped(k.pid);
	int fd = proc_file(k.pid, "regs/int", O_RDWR);
	CHECK(fd >= 0);
	struct user_regs a, b;
	pread_regs(fd, &a);
	CHECK(a.rbx == RBX_MAGIC && a.r15 == R15_MAGIC);
	CHECK(pwrite(fd, &a, sizeof a, 0) == (ssize_t)sizeof a);
	pread_regs(fd, &b);
	check_regs_equal(&b, &a, "read, write back, read");
	CHECK(pwrite(fd, &b, sizeof b, 0) == (ssize_t)sizeof b);
	pread_regs(fd, &a);
	check_regs_equal(&a, &b, "second round trip");
	close(fd);
	trace_resume(t);
	kid_cycle_intact(&k, xmm_a);
	close(t);
	kid_end(&k);
}

static void regs_write_changed_rbx_seen_by_child(void)
{
	const uint64_t newval = 0x0123456789abcdefUL;
	struct probe_kid k = spawn_probe_kid(xmm_a);
	int t = attach_stopped(k.pid);
	struct user_regs r;
	int fd = regs_open(k.pid, &r);
	CHECK(r.rbx == RBX_MAGIC);
	r.rbx = newval;
	CHECK(pwrite(fd, &r, sizeof r, 0) == (ssize_t)sizeof r);
	struct user_regs back;
	pread_regs(fd, &back);
	check_regs_equal(&back, &r, "read after write");
	close(fd);
	trace_resume(t);
	struct probe pr;
	kid_cycle(&k, &pr);
	if (pr.rbx != newval || pr.result != 1)
		FAILF("child saw rbx %#lx (result %ld), want %#lx", (unsigned long)pr.rbx,
		      (long)pr.result, (unsigned long)newval);
	close(t);
	kid_cycle_intact(&k, xmm_a); /* the next round is back to the magic */
	kid_end(&k);
}

static void regs_write_repeated_stop_write_resume(void)
{
	/* several stop/write/resume rounds in one session, via O_TRUNC reopen */
	struct probe_kid k = spawn_probe_kid(xmm_a);
	for (int i = 0; i < 5; i++) {
		int t = attach_stopped(k.pid);
		int fd = proc_file(k.pid, "regs/int", O_RDWR);
		CHECK(fd >= 0);
		struct user_regs r;
		pread_regs(fd, &r);
		r.rbx = 1000 + (uint64_t)i;
		CHECK(pwrite(fd, &r, sizeof r, 0) == (ssize_t)sizeof r);
		close(fd);
		close(t); /* detach resumes */
		struct probe pr;
		kid_cycle(&k, &pr);
		CHECK(pr.rbx == 1000 + (uint64_t)i);
		wait_blocked_in_read(k.pid);
	}
	kid_end(&k);
}

static void regs_write_wrong_size_or_offset_einval(void)
{
	struct probe_kid k = spawn_probe_kid(xmm_a);
	int t = attach_stopped(k.pid);
	int fd = proc_file(k.pid, "regs/int", O_RDWR);
	CHECK(fd >= 0);
	struct user_regs before, after;
	char buf[300];
	pread_regs(fd, &before);
	memcpy(buf, &before, sizeof before);
	memset(buf + 216, 0, sizeof buf - 216);
	((struct user_regs *)buf)->rbx = 77; /* a change that must not land */
	CHECK_ERR(pwrite(fd, buf, 215, 0), EINVAL);
	CHECK_ERR(pwrite(fd, buf, 217, 0), EINVAL);
	CHECK_ERR(pwrite(fd, buf, 8, 0), EINVAL);
	CHECK_ERR(pwrite(fd, buf, 216, 8), EINVAL);
	CHECK_ERR(pwrite(fd, buf, 208, 8), EINVAL);
	CHECK(lseek(fd, 8, SEEK_SET) == 8);
	CHECK_ERR(write(fd, buf, 216), EINVAL);
	pread_regs(fd, &after);
	check_regs_equal(&after, &before, "after bad-size writes");
	close(fd);
	close(t);
	kid_cycle_intact(&k, xmm_a);
	kid_end(&k);
}

/* Forbidden register values: one mutator per field group. */
static void mut_cs(struct user_regs *r, uint64_t v) { r->cs = v; }
static void mut_ss(struct user_regs *r, uint64_t v) { r->ss = v; }
static void mut_ds(struct user_regs *r, uint64_t v) { r->ds = v; }
static void mut_es(struct user_regs *r, uint64_t v) { r->es = v; }
static void mut_fs(struct user_regs *r, uint64_t v) { r->fs = v; }
static void mut_gs(struct user_regs *r, uint64_t v) { r->gs = v; }
static void mut_flag_flip(struct user_regs *r, uint64_t v) { r->rflags ^= v; }
static void mut_rip(struct user_regs *r, uint64_t v) { r->rip = v; }
static void mut_rsp(struct user_regs *r, uint64_t v) { r->rsp = v; }
static void mut_fs_base(struct user_regs *r, uint64_t v) { r->fs_base = v; }
static void mut_gs_base(struct user_regs *r, uint64_t v) { r->gs_base = v; }
/* A valid-looking change plus one forbidden one: nothing may land. */
static void mut_rbx_and_cs(struct user_regs *r, uint64_t v)
{
	r->rbx = 42;
	r->rax = 43;
	r->cs = v;
}

static const uint64_t seg_vals[] = {0, 0x08, 0x10, 0x18, 0x1b, 0x20, 0x23, 0x2b, 0x33, 0xffff};

/* Segment values that differ from the current one. */
static void reject_segment(void (*mut)(struct user_regs *, uint64_t), size_t field)
{
	struct probe_kid k = spawn_probe_kid(xmm_a);
	int fd = proc_file(k.pid, "regs/int", O_RDONLY);
	CHECK(fd >= 0);
	struct user_regs r;
	pread_regs(fd, &r);
	close(fd);
	uint64_t all[27];
	memcpy(all, &r, sizeof all);
	uint64_t cur = all[field];
	for (size_t i = 0; i < sizeof seg_vals / sizeof seg_vals[0]; i++) {
		if (seg_vals[i] == cur)
			continue;
		wait_blocked_in_read(k.pid);
		reject_one(&k, mut, seg_vals[i]);
	}
	kid_end(&k);
}

#define FIELD(f) (offsetof(struct user_regs, f) / 8)

static void regs_write_rejects_cs(void) { reject_segment(mut_cs, FIELD(cs)); }
static void regs_write_rejects_ss(void) { reject_segment(mut_ss, FIELD(ss)); }
static void regs_write_rejects_ds(void) { reject_segment(mut_ds, FIELD(ds)); }
static void regs_write_rejects_es(void) { reject_segment(mut_es, FIELD(es)); }
static void regs_write_rejects_fs(void) { reject_segment(mut_fs, FIELD(fs)); }
static void regs_write_rejects_gs(void) { reject_segment(mut_gs, FIELD(gs)); }

static void regs_write_rejects_rflags_iopl(void)
{
	static const uint64_t v[] = {0x1000, 0x2000, 0x3000};
	reject_all(mut_flag_flip, v, 3);
}

static void regs_write_rejects_rflags_if(void)
{
	static const uint64_t v[] = {FL_IF};
	reject_all(mut_flag_flip, v, 1);
}

static void regs_write_rejects_rflags_nt_vm_rf(void)
{
	static const uint64_t v[] = {FL_NT, FL_VM, FL_RF};
	reject_all(mut_flag_flip, v, 3);
}

static void regs_write_rejects_rflags_vif_vip_id(void)
{
	static const uint64_t v[] = {FL_VIF, FL_VIP, FL_ID};
	reject_all(mut_flag_flip, v, 3);
}

static void regs_write_rejects_rflags_reserved(void)
{
	static const uint64_t v[] = {FL_RESERVED1, FL_RESERVED3, FL_RESERVED5, FL_RESERVED15,
	                             1UL << 22,    1UL << 31,    1UL << 32,    1UL << 63};
	reject_all(mut_flag_flip, v, sizeof v / sizeof v[0]);
}

static void regs_write_rejects_bad_rip(void) { reject_all(mut_rip, bad_addrs, NBAD_ADDRS); }
static void regs_write_rejects_bad_rsp(void) { reject_all(mut_rsp, bad_addrs, NBAD_ADDRS); }
static void regs_write_rejects_bad_fs_base(void) { reject_all(mut_fs_base, bad_addrs, NBAD_ADDRS); }
static void regs_write_rejects_bad_gs_base(void) { reject_all(mut_gs_base, bad_addrs, NBAD_ADDRS); }

static void regs_write_rejected_is_all_or_nothing(void)
{
	static const uint64_t v[] = {0x08, 0x2b};
	reject_all(mut_rbx_and_cs, v, 2);
}

/* The allowed flags: set (and read back) each, and the child sees them. */
static void regs_write_accepts_user_rflags(void)
{
	static const uint64_t bits[] = {FL_CF, FL_PF, FL_AF, FL_ZF, FL_SF, FL_DF, FL_OF, FL_AC};
	struct probe_kid k = spawn_probe_kid(xmm_a);
	for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++) {
		wait_blocked_in_read(k.pid);
		int t = attach_stopped(k.pid);
		int fd = proc_file(k.pid, "regs/int", O_RDWR);
		CHECK(fd >= 0);
		struct user_regs r, back;
		pread_regs(fd, &r);
		r.rflags |= bits[i];
		if (pwrite(fd, &r, sizeof r, 0) != (ssize_t)sizeof r)
			FAILF("setting rflags bit %#lx rejected (errno %d)", (unsigned long)bits[i],
			      errno);
		pread_regs(fd, &back);
		CHECK(back.rflags == r.rflags);
		close(fd);
		close(t);
		struct probe pr;
		kid_cycle(&k, &pr);
		CHECK(pr.result == 1 && pr.rbx == RBX_MAGIC);
		if (!(pr.rflags & bits[i]))
			FAILF("child's rflags %#lx lack %#lx", (unsigned long)pr.rflags,
			      (unsigned long)bits[i]);
	}
	kid_end(&k);
}

/* Changing rip, rsp and fs_base to other user addresses is allowed. */
static void regs_write_accepts_user_addresses(void)
{
	struct probe_kid k = spawn_probe_kid(xmm_a);
	int t = attach_stopped(k.pid);
	int fd = proc_file(k.pid, "regs/int", O_RDWR);
	CHECK(fd >= 0);
	struct user_regs r, w, back;
	pread_regs(fd, &r);
	w = r;
	w.rsp = r.rsp - 64;
	w.gs_base = 0x7ffff000UL;
	w.fs_base = 0x1000;
	w.rip = USER_TOP - 1;
	CHECK(pwrite(fd, &w, sizeof w, 0) == (ssize_t)sizeof w);
	pread_regs(fd, &back);
	check_regs_equal(&back, &w, "user-half addresses");
	CHECK(pwrite(fd, &r, sizeof r, 0) == (ssize_t)sizeof r); /* put them back */
	pread_regs(fd, &back);
	check_regs_equal(&back, &r, "restored");
	close(fd);
	close(t);
	kid_cycle_intact(&k, xmm_a);
	kid_end(&k);
}

/* ------------------------------------------------------------------------ */
/* regs/float writes                                                        */
/* ------------------------------------------------------------------------ */

static void fpregs_write_rejects_reserved_mxcsr(void)
{
	struct probe_kid k = spawn_probe_kid(xmm_a);
	int t = attach_stopped(k.pid);
	int fd = proc_file(k.pid, "regs/float", O_RDWR);
	CHECK(fd >= 0);
	struct user_fpregs f, bad, after;
	pread_fpregs(fd, &f);
	uint32_t mask = f.mxcsr_mask ? f.mxcsr_mask : 0xffbf;
	uint32_t vals[3] = {0xffff0000u | 0x1f80u, 0x1f80u | 0x80000000u,
	                    0x1f80u | (~mask & 0xffffu)};
	for (int i = 0; i < 3; i++) {
		if ((vals[i] & ~mask) == 0)
			continue;
		bad = f;
		bad.mxcsr = vals[i];
		memcpy(bad.xmm_space, xmm_c, 16); /* must not land either */
		errno = 0;
		ssize_t n = pwrite(fd, &bad, sizeof bad, 0);
		if (n != -1 || errno != EINVAL)
			FAILF("mxcsr %#x: pwrite gave %zd errno %d, want EINVAL", vals[i], n,
			      errno);
		pread_fpregs(fd, &after);
		CHECK(memcmp(&after, &f, sizeof f) == 0);
	}
	char buf[600];
	memcpy(buf, &f, sizeof f);
	CHECK_ERR(pwrite(fd, buf, 511, 0), EINVAL);
	CHECK_ERR(pwrite(fd, buf, 513, 0), EINVAL);
	CHECK_ERR(pwrite(fd, buf, 512, 16), EINVAL);
	close(fd);
	close(t);
	kid_cycle_intact(&k, xmm_a);
	kid_end(&k);
}

static void fpregs_write_xmm0_seen_by_child(void)
{
	struct probe_kid k = spawn_probe_kid(xmm_a);
	int t = attach_stopped(k.pid);
	int fd = proc_file(k.pid, "regs/float", O_RDWR);
	CHECK(fd >= 0);
	struct user_fpregs f, back;
	pread_fpregs(fd, &f);
	CHECK(memcmp(f.xmm_space, xmm_a, 16) == 0);
	/* identity round trip first */
	CHECK(pwrite(fd, &f, sizeof f, 0) == (ssize_t)sizeof f);
	pread_fpregs(fd, &back);
	CHECK(memcmp(&back, &f, sizeof f) == 0);
	memcpy(f.xmm_space, xmm_c, 16);
	CHECK(pwrite(fd, &f, sizeof f, 0) == (ssize_t)sizeof f);
	pread_fpregs(fd, &back);
	CHECK(memcmp(back.xmm_space, xmm_c, 16) == 0);
	CHECK(back.mxcsr == f.mxcsr);
	close(fd);
	trace_resume(t);
	struct probe pr;
	kid_cycle(&k, &pr);
	if (memcmp(pr.xmm, xmm_c, 16) != 0)
		FAILF("child's xmm0 after resume starts %02x, want c0", pr.xmm[0]);
	close(t);
	kid_cycle_intact(&k, xmm_a);
	kid_end(&k);
}

static void fpregs_write_not_seen_by_other_process(void)
{
	struct probe_kid a = spawn_probe_kid(xmm_a), b = spawn_probe_kid(xmm_b);
	int t = attach_stopped(a.pid);
	int fa = proc_file(a.pid, "regs/float", O_RDWR),
	    fb = proc_file(b.pid, "regs/float", O_RDONLY);
	CHECK(fa >= 0 && fb >= 0);
	struct user_fpregs f, g;
	pread_fpregs(fa, &f);
	memcpy(f.xmm_space, xmm_c, 16);
	CHECK(pwrite(fa, &f, sizeof f, 0) == (ssize_t)sizeof f);
	pread_fpregs(fb, &g);
	CHECK(memcmp(g.xmm_space, xmm_b, 16) == 0);
	close(fa);
	close(t);
	struct probe pr;
	kid_cycle(&b, &pr);
	CHECK(memcmp(pr.xmm, xmm_b, 16) == 0);
	kid_cycle(&a, &pr);
	CHECK(memcmp(pr.xmm, xmm_c, 16) == 0);
	wait_blocked_in_read(b.pid);
	pread_fpregs(fb, &g);
	CHECK(memcmp(g.xmm_space, xmm_b, 16) == 0);
	close(fb);
	kid_end(&a);
	kid_end(&b);
}

static const struct test tests[] = {
    T(regs_write_non_tracer_eperm),
    T(regs_write_other_tracers_target_eperm),
    T(regs_write_tracer_not_stopped_ebusy),
    T(regs_write_ebusy_after_resume),
    T(regs_write_roundtrip_identity),
    T(regs_write_changed_rbx_seen_by_child),
    T(regs_write_repeated_stop_write_resume),
    T(regs_write_wrong_size_or_offset_einval),
    T(regs_write_rejects_cs),
    T(regs_write_rejects_ss),
    T(regs_write_rejects_ds),
    T(regs_write_rejects_es),
    T(regs_write_rejects_fs),
    T(regs_write_rejects_gs),
    T(regs_write_rejects_rflags_iopl),
    T(regs_write_rejects_rflags_if),
    T(regs_write_rejects_rflags_nt_vm_rf),
    T(regs_write_rejects_rflags_vif_vip_id),
    T(regs_write_rejects_rflags_reserved),
    T(regs_write_rejects_bad_rip),
    T(regs_write_rejects_bad_rsp),
    T(regs_write_rejects_bad_fs_base),
    T(regs_write_rejects_bad_gs_base),
    T(regs_write_rejected_is_all_or_nothing),
    T(regs_write_accepts_user_rflags),
    T(regs_write_accepts_user_addresses),
    T(fpregs_write_rejects_reserved_mxcsr),
    T(fpregs_write_xmm0_seen_by_child),
    T(fpregs_write_not_seen_by_other_process),
};

const struct test_area area_regs_write = TEST_AREA("regs_write", tests);
