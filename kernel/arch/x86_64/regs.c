/* Reading and writing a process's saved registers. Writes are
 * all-or-nothing: regs_validate() checks the whole image against the rules
 * in docs/proc-scheme.md (segments fixed, only the arithmetic/TF/DF/AC flags
 * changeable, user-half rip/rsp/fs_base/gs_base) before anything changes,
 * and a process whose registers changed leaves through iretq. Together these
 * make a register image that faults the kernel on return impossible. */
#include "regs.h"
#include "errno.h"
#include "lib.h"

static uint32_t cpu_mxcsr_mask = 0xFFBF;

/* Learn which MXCSR bits this CPU accepts (FXSAVE's mxcsr_mask). */
void regs_fpu_init(void)
{
	static uint8_t area[512] __attribute__((aligned(16)));
	arch_fpu_save(area);
	uint32_t mask;
	memcpy(&mask, area + 28, 4);
	if (mask)
		cpu_mxcsr_mask = mask;
}

/* The user registers of p as saved at its last kernel entry. */
void regs_get(struct proc *p, struct user_regs *r)
{
	const struct trapframe *tf = proc_frame(p);
	memcpy(r, tf, offsetof(struct trapframe, vector)); /* r15 .. orig_rax */
	r->rip = tf->rip;
	r->cs = tf->cs;
	r->rflags = tf->rflags;
	r->rsp = tf->rsp;
	r->ss = tf->ss;
	r->fs_base = p->fs_base;
	r->gs_base = p->gs_base;
	r->ds = r->es = r->fs = r->gs = 0;
}

/* 0 if want may replace cur, else -EINVAL. */
int regs_validate(const struct user_regs *cur, const struct user_regs *want)
{
	if (want->cs != cur->cs || want->ss != cur->ss || want->ds != cur->ds ||
	    want->es != cur->es || want->fs != cur->fs || want->gs != cur->gs)
		return -EINVAL;
	if ((want->rflags ^ cur->rflags) & ~RFLAGS_USER_MASK)
		return -EINVAL;
	if (!regs_user_address(want->rip) || !regs_user_address(want->rsp) ||
	    !regs_user_address(want->fs_base) || !regs_user_address(want->gs_base))
		return -EINVAL;
	return 0;
}

/* Validate, then store into p's trapframe; p returns through iretq. */
int regs_set(struct proc *p, const struct user_regs *want)
{
	struct user_regs cur;
	regs_get(p, &cur);
	int err = regs_validate(&cur, want);
	if (err)
		return err;
	struct trapframe *tf = proc_frame(p);
	memcpy(tf, want, offsetof(struct trapframe, vector));
	tf->rip = want->rip;
	tf->rflags = want->rflags;
	tf->rsp = want->rsp;
	p->fs_base = want->fs_base;
	p->gs_base = want->gs_base;
	if (p == current)
		arch_set_tls_base(p->fs_base, p->gs_base);
	p->force_iret = true;
	return 0;
}

/* An FXSAVE image is loadable if MXCSR has no bit this CPU rejects. */
int regs_validate_fpu(const struct user_fpregs *f)
{
	return (f->mxcsr & ~cpu_mxcsr_mask) ? -EINVAL : 0;
}

/* A debug-register image a tracer may load (proc:PID/regs/debug), all or
 * nothing: addresses in user space, each enabled one with its length
 * below USER_TOP and aligned to it; only the local enables L0-L3 and their
 * RW/LEN fields in DR7, RW never 10 (I/O) and an execute breakpoint of
 * length 1; no global enables, GD, LE/GE or reserved bits (so no image can
 * make the kernel trap on its own accesses); DR4/DR5 zero, DR6 only
 * cleared. 0 or -EINVAL. */
int regs_validate_debug(const uint64_t dr[8])
{
	static const uint64_t len_bytes[4] = {1, 2, 8, 4}; /* LEN 00, 01, 10, 11 */
	uint64_t dr7 = dr[7];
	if (dr[4] || dr[5] || dr[6] || (dr7 & ~(DR7_ENABLES | 0xffff0000ULL)))
		return -EINVAL;
	for (int i = 0; i < 4; i++) {
		uint64_t rw = (dr7 >> (16 + 4 * i)) & 3, len = len_bytes[(dr7 >> (18 + 4 * i)) & 3];
		if (!regs_user_address(dr[i]) || rw == 2 || (rw == 0 && len != 1))
			return -EINVAL;
		bool on = (dr7 >> (2 * i)) & 1;
		if (on && ((dr[i] & (len - 1)) || dr[i] > USER_TOP - len))
			return -EINVAL;
	}
	return 0;
}
