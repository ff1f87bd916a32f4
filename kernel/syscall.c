/* System call dispatch. The table is generated from the one list in
 * include/procyon/syscalls.h; handlers take up to six integer arguments in
 * the Linux order (rdi, rsi, rdx, r10, r8, r9) and return a value or
 * -errno. The return value lands in the trapframe's rax. */
#include "errno.h"
#include "lib.h"
#include "proc.h"
#include "procyon/syscalls.h"
#include "ptrace.h"
#include "regs.h"
#include "syscall.h"
#include "trap.h"

typedef long (*syscall_fn)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

/* An unknown number: -ENOSYS. Fills every hole of the table, so the
 * assembly fast path can index it without a check. */
static long sys_ni_syscall(void) { return -ENOSYS; }

/* The handlers' prototypes come from the list (syscall.h), so each entry
 * below is a handler of exactly its row's signature, cast to the six-word
 * form the entry path calls (the x86-64 ABI passes each argument in a
 * whole register, so a narrower parameter reads its low bits). */
#define ENTRY(num, name, kinds, props, params) [num] = (syscall_fn)sys_##name,
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
#pragma GCC diagnostic ignored "-Wcast-function-type"
const syscall_fn syscall_table[PROCYON_SYSCALL_MAX] = {
    [0 ... PROCYON_SYSCALL_MAX - 1] = (syscall_fn)sys_ni_syscall, PROCYON_SYSCALLS(ENTRY)};
#pragma GCC diagnostic pop

#define PROPS(num, name, kinds, props, params) [num] = props,
static const char *const syscall_props[PROCYON_SYSCALL_MAX] = {PROCYON_SYSCALLS(PROPS)};

/* Syscalls that a signal may restart transparently (SA_RESTART): the
 * list's "r" property. */
static bool syscall_restartable(uint64_t nr)
{
	return nr < PROCYON_SYSCALL_MAX && syscall_props[nr] && strchr(syscall_props[nr], 'r');
}

/* An interrupted call that may restart says so (-ERESTARTSYS); the signal
 * code then restarts it or turns it into EINTR. */
static inline void syscall_restart_fixup(struct proc *p, struct trapframe *tf, uint64_t nr)
{
	if (__builtin_expect(tf->rax == (uint64_t)-EINTR, 0) &&
	    (syscall_restartable(nr) || (p->trace_interrupt && !signal_pending(p))))
		tf->rax = (uint64_t)-ERESTARTSYS;
}

/* Run syscall nr with the frame's arguments; the result goes to rax. */
static inline void syscall_run_syscall(struct proc *p, struct trapframe *tf, uint64_t nr)
{
	long ret = -ENOSYS;
	if (nr < PROCYON_SYSCALL_MAX)
		ret = syscall_table[nr](tf->rdi, tf->rsi, tf->rdx, tf->r10, tf->r8, tf->r9);
	tf->rax = (uint64_t)ret;
	syscall_restart_fixup(p, tf, nr);
}

/* Everything but the common case: tracing stops, signals, preemption, a
 * frame that needs the full restore. */
static __attribute__((noinline)) int syscall_slow_path(struct proc *p, struct trapframe *tf,
                                                       bool ran)
{
	if (!ran) {
		if (!p->tracee_session || ptrace_syscall_enter(tf))
			syscall_run_syscall(p, tf,
			                    tf->orig_rax); /* the tracer may have changed it */
		if (p->tracee_session)
			ptrace_syscall_exit(tf);
		p->syscall_nr = -1;
	}
	proc_user_return(tf);
	bool iret = p->force_iret || !regs_user_address(tf->rip) || arch_frame_stepping(tf);
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
	syscall_restart_fixup(p, tf, tf->orig_rax);
	return syscall_slow_path(p, tf, true);
}
