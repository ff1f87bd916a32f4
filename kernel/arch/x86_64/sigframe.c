/* The x86_64 Linux signal frame: the rt_sigframe a handler runs on
 * (pretcode, ucontext with the sigcontext and the signal mask, siginfo)
 * and the FXSAVE image beside it, built by arch_signal_frame and taken
 * apart by rt_sigreturn. Every register either side loads is a user
 * choice and goes through regs_set (regs_validate), FPU images through
 * regs_validate_fpu. The whole frame is zeroed before it is filled, so no
 * kernel byte ever reaches user memory through it. */
#include "arch.h"
#include "cpu.h"
#include "lib.h"
#include "proc.h"
#include "regs.h"
#include "syscall.h"
#include "uaccess.h"

struct sigcontext_k { /* Linux struct sigcontext (x86_64) */
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15, rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip,
	    eflags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2, fpstate, reserved[8];
};
struct ucontext_k {
	uint64_t flags, link;
	uint64_t ss_sp;
	int32_t ss_flags, pad;
	uint64_t ss_size;
	struct sigcontext_k mc;
	uint64_t sigmask;
};
struct siginfo_k { /* Linux siginfo_t: filled by signal_info_to_user */
	uint8_t bytes[128];
};
struct rt_sigframe {
	uint64_t pretcode;
	struct ucontext_k uc;
	struct siginfo_k info;
};
_Static_assert(sizeof(struct sigcontext_k) == 256, "Linux sigcontext");
_Static_assert(sizeof(struct siginfo_k) == 128, "Linux siginfo");

/* Build the handler's frame on the user stack and point the registers at
 * the handler. Returns false if the stack is unusable. */
bool arch_signal_frame(struct trapframe *tf, int sig, const struct k_sigaction *sa,
                       const struct ksiginfo *info)
{
	struct proc *p = current;
	uint64_t sp = tf->rsp - 128; /* skip the red zone */
	bool was_on = signal_on_altstack(p, tf->rsp);
	uint64_t alt_sp = p->altstack.sp, alt_size = p->altstack.size;
	if ((sa->flags & SA_ONSTACK) && alt_size && !was_on) {
		sp = alt_sp + alt_size; /* the alternate stack, from its top */
		if (p->altstack.autodisarm)
			p->altstack.size = p->altstack.sp = 0;
	}
	sp = ALIGN_DOWN(sp - 512, 64);
	uint64_t fpstate = sp;
	sp = ALIGN_DOWN(sp - sizeof(struct rt_sigframe), 16) - 8;

	struct rt_sigframe f;
	memset(&f, 0, sizeof f);
	f.pretcode = sa->restorer;
	struct sigcontext_k *mc = &f.uc.mc;
	mc->r8 = tf->r8, mc->r9 = tf->r9, mc->r10 = tf->r10, mc->r11 = tf->r11;
	mc->r12 = tf->r12, mc->r13 = tf->r13, mc->r14 = tf->r14, mc->r15 = tf->r15;
	mc->rdi = tf->rdi, mc->rsi = tf->rsi, mc->rbp = tf->rbp, mc->rbx = tf->rbx;
	mc->rdx = tf->rdx, mc->rax = tf->rax, mc->rcx = tf->rcx, mc->rsp = tf->rsp;
	mc->rip = tf->rip, mc->eflags = tf->rflags;
	mc->cs = (uint16_t)tf->cs, mc->ss = (uint16_t)tf->ss;
	mc->err = tf->error, mc->trapno = tf->vector < 32 ? tf->vector : 0;
	mc->cr2 = tf->vector == TRAP_PAGE_FAULT ? info->addr : 0;
	uint64_t old_mask = p->restore_sigmask ? p->saved_sigmask : p->sig_blocked;
	p->restore_sigmask = false; /* sigreturn restores the mask from the frame */
	mc->oldmask = old_mask;
	mc->fpstate = fpstate;
	f.uc.sigmask = old_mask;
	f.uc.ss_sp = alt_sp; /* the thread's alternate stack as it was */
	f.uc.ss_size = alt_size;
	f.uc.ss_flags = was_on ? 1 /* SS_ONSTACK */ : alt_size ? 0 : 2 /* SS_DISABLE */;
	signal_info_to_user(info, f.info.bytes);

	arch_fpu_save(p->fpu);
	if (copy_to_user(fpstate, p->fpu, 512) || copy_to_user(sp, &f, sizeof f))
		return false;
	/* The handler and its stack are user-chosen registers like any other:
	 * the one check (regs_validate) refuses a handler or restorer outside
	 * user space here, before any return to user mode could try it. */
	struct user_regs r;
	arch_frame_enter_handler(tf); /* RF and friends are the kernel's, not a user choice */
	regs_get(p, &r);
	r.rsp = sp;
	r.rip = sa->handler;
	r.rdi = (uint64_t)sig;
	r.rsi = sp + offsetof(struct rt_sigframe, info);
	r.rdx = sp + offsetof(struct rt_sigframe, uc);
	r.rax = 0;
	if (((sa->flags & SA_RESTORER) && !regs_user_address(sa->restorer)) || regs_set(p, &r))
		return false;
	/* The handler starts with a clean FPU control state, as on Linux. */
	extern uint8_t proc_default_fpu[512];
	arch_fpu_restore(proc_default_fpu);
	return true;
}

/* Return from a handler: the frame is just above the popped pretcode. */
long sys_rt_sigreturn(void)
{
	struct proc *p = current;
	struct trapframe *tf = proc_frame(p);
	struct rt_sigframe f;
	uint8_t fpu[512] __attribute__((aligned(16)));
	if (copy_from_user(&f, tf->rsp - 8, sizeof f))
		goto bad;
	const struct sigcontext_k *mc = &f.uc.mc;
	struct user_regs cur, want;
	regs_get(p, &cur);
	want = cur;
	want.r8 = mc->r8, want.r9 = mc->r9, want.r10 = mc->r10, want.r11 = mc->r11;
	want.r12 = mc->r12, want.r13 = mc->r13, want.r14 = mc->r14, want.r15 = mc->r15;
	want.rdi = mc->rdi, want.rsi = mc->rsi, want.rbp = mc->rbp, want.rbx = mc->rbx;
	want.rdx = mc->rdx, want.rax = mc->rax, want.rcx = mc->rcx, want.rsp = mc->rsp;
	want.rip = mc->rip, want.rflags = mc->eflags, want.cs = mc->cs, want.ss = mc->ss;
	want.orig_rax = (uint64_t)-1;
	if (mc->fpstate) {
		if (copy_from_user(fpu, mc->fpstate, sizeof fpu) ||
		    regs_validate_fpu((const struct user_fpregs *)fpu))
			goto bad;
	}
	if (regs_set(p, &want))
		goto bad;
	if (mc->fpstate) {
		memcpy(p->fpu, fpu, sizeof fpu);
		arch_fpu_restore(p->fpu);
	}
	signal_set_blocked(f.uc.sigmask);
	return (long)tf->rax;
bad:
	signal_fault(SIGSEGV, SI_KERNEL, 0); /* Linux's force_sig: no handler may catch it */
	p->tg->sigactions[SIGSEGV].handler = SIG_DFL;
	return (long)tf->rax;
}
