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
/* An unknown number: -ENOSYS. Fills every hole of the table, so the
 * assembly fast path can index it without a check. */
static long sys_ni_syscall() { return -ENOSYS; }

#define ENTRY(num, name, kinds) [num] = (syscall_fn)sys_##name,
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
const syscall_fn syscall_table[PROCYON_SYSCALL_MAX] = {
    [0 ... PROCYON_SYSCALL_MAX - 1] = (syscall_fn)sys_ni_syscall, PROCYON_SYSCALLS(ENTRY)};
#pragma GCC diagnostic pop

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

/* An interrupted call that may restart says so (-ERESTARTSYS); the signal
 * code then restarts it or turns it into EINTR. */
static inline void restart_fixup(struct proc *p, struct trapframe *tf, uint64_t nr)
{
	if (__builtin_expect(tf->rax == (uint64_t)-EINTR, 0) &&
	    (restartable(nr) || (p->trace_interrupt && !signal_pending(p))))
		tf->rax = (uint64_t)-ERESTARTSYS;
}

/* Run syscall nr with the frame's arguments; the result goes to rax. */
static inline void run_syscall(struct proc *p, struct trapframe *tf, uint64_t nr)
{
	long ret = -ENOSYS;
	if (nr < PROCYON_SYSCALL_MAX)
		ret = syscall_table[nr](tf->rdi, tf->rsi, tf->rdx, tf->r10, tf->r8, tf->r9);
	tf->rax = (uint64_t)ret;
	restart_fixup(p, tf, nr);
}

/* Everything but the common case: tracing stops, signals, preemption, a
 * frame that needs the full restore. */
static __attribute__((noinline)) int syscall_slow_path(struct proc *p, struct trapframe *tf,
                                                       bool ran)
{
	if (!ran) {
		if (!p->tracee_session || ptrace_syscall_enter(tf))
			run_syscall(p, tf, tf->orig_rax); /* the tracer may have changed it */
		if (p->tracee_session)
			ptrace_syscall_exit(tf);
		p->syscall_nr = -1;
	}
	proc_user_return(tf);
	bool iret = p->force_iret || tf->rip >= USER_TOP || (tf->rflags & RFLAGS_TF);
	p->force_iret = false;
	return iret;
}

/* The whole syscall in C, for what syscall_entry.S's fast path does not
 * take: a traced process or an out-of-range number. While the call runs,
 * rax == orig_rax == nr (the entry pushed both), which is what
 * proc:PID/regs/int shows of a blocked process. Returns nonzero when the
 * return must use iretq. */
int syscall_handler(struct trapframe *tf)
{
	struct proc *p = current;
	p->syscall_nr = (int)tf->orig_rax;
	return syscall_slow_path(p, tf, false);
}

/* The fast path ran the call and found work owed before user mode
 * (a signal, preemption, a restart, a changed frame). */
int syscall_finish(struct trapframe *tf)
{
	struct proc *p = current;
	p->syscall_nr = -1;
	restart_fixup(p, tf, tf->orig_rax);
	return syscall_slow_path(p, tf, true);
}
