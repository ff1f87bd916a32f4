/* System call dispatch. The table is generated from the one list in
 * include/procyon/syscalls.h; handlers take up to six integer arguments in
 * the Linux order (rdi, rsi, rdx, r10, r8, r9) and return a value or
 * -errno. The return value lands in the trapframe's rax. */
#include "cpu.h"
#include "errno.h"
#include "lib.h"
#include "proc.h"
#include "procyon/syscalls.h"
#include "ptrace.h"
#include "trap.h"

typedef long (*syscall_fn)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

#define DECLARE(num, name, kinds) long sys_##name();
PROCYON_SYSCALLS(DECLARE)
#define ENTRY(num, name, kinds) [num] = (syscall_fn)sys_##name,
static const syscall_fn syscall_table[PROCYON_SYSCALL_MAX] = {PROCYON_SYSCALLS(ENTRY)};

/* Syscalls that a signal may restart transparently (SA_RESTART). */
static bool restartable(uint64_t nr)
{
	return nr == SYS_read || nr == SYS_write || nr == SYS_readv || nr == SYS_writev ||
	       nr == SYS_wait4 || nr == SYS_open || nr == SYS_openat || nr == SYS_ioctl ||
	       nr == SYS_pread64 || nr == SYS_pwrite64;
}

/* Program the syscall MSRs: entry point, segments, flags cleared on entry. */
void syscall_init(void)
{
	extern void syscall_entry(void);
	wrmsr(MSR_STAR, ((uint64_t)0x10 << 48) | ((uint64_t)SEL_KCODE << 32));
	wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
	wrmsr(MSR_FMASK, RFLAGS_IF | RFLAGS_TF | RFLAGS_DF | RFLAGS_AC | RFLAGS_NT);
}

/* Called from syscall_entry.S with the trapframe at the kernel stack top.
 * Returns nonzero when the return must use iretq. */
int syscall_handler(struct trapframe *tf)
{
	struct proc *p = current;
	uint64_t nr = tf->orig_rax;
	p->syscall_nr = (int)nr;
	/* While it runs, rax == orig_rax == nr (the entry pushed both), which
	 * is what proc:PID/regs/int shows of a blocked process. */
	if (!p->tracee_session || ptrace_syscall_enter(tf)) {
		nr = tf->orig_rax; /* a tracer may have changed it */
		long ret = -ENOSYS;
		if (nr < PROCYON_SYSCALL_MAX && syscall_table[nr])
			ret = syscall_table[nr](tf->rdi, tf->rsi, tf->rdx, tf->r10, tf->r8, tf->r9);
		if (ret == -EINTR && (restartable(nr) || (p->trace_interrupt && !signal_pending(p))))
			ret = -ERESTARTSYS;
		tf->rax = (uint64_t)ret;
	}
	if (p->tracee_session)
		ptrace_syscall_exit(tf);
	p->syscall_nr = -1;
	proc_user_return(tf);
	bool iret = p->force_iret || tf->rip >= USER_TOP || (tf->rflags & RFLAGS_TF);
	p->force_iret = false;
	return iret;
}
