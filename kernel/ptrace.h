/* Process tracing: trace sessions behind proc:PID/trace, and the hooks the
 * process core calls at each point where a tracee may stop. Every hook is
 * cheap when the process is not traced (one pointer test, done inline by
 * the callers or first thing here). */
#ifndef PTRACE_HOOKS_H
#define PTRACE_HOOKS_H
#include "procyon/ptrace.h"
#include "proc.h"

struct ptrace_session;

/* Sessions (used by the proc: scheme). */
int ptrace_attach(struct proc *target, int open_flags, struct ptrace_session **out);
void ptrace_close(struct ptrace_session *s);
long ptrace_read_events(struct ptrace_session *s, struct file *f, uint64_t ubuf, size_t n);
long ptrace_write_flags(struct ptrace_session *s, uint64_t flags);
int ptrace_poll(struct ptrace_session *s);
int ptrace_sysfilter_get(struct proc *p, uint8_t out[PTRACE_SYSFILTER_BYTES]);
int ptrace_sysfilter_set(struct proc *p, const uint8_t in[PTRACE_SYSFILTER_BYTES]);
int ptrace_may_write_regs(struct proc *p);
bool ptrace_is_tracer(struct proc *tracee, struct proc *who);
int ptrace_tracer_pid(struct proc *p);
bool ptrace_session_alive(struct ptrace_session *s);
bool ptrace_holds(struct proc *p);
int ptrace_session_count(void);

/* Hooks from the process core. */
void ptrace_on_fork(struct proc *parent, struct proc *child, uint64_t flags);
void ptrace_on_exit(struct proc *p, int wait_status);
void ptrace_on_exec(struct proc *p);
bool ptrace_wants_signal(struct proc *p);
int ptrace_signal_stop(struct proc *p, int sig);
int ptrace_siginfo_get(struct proc *p, struct ksiginfo *out);
int ptrace_siginfo_set(struct proc *p, const struct ksiginfo *in);
bool ptrace_trap(struct trapframe *tf);
void ptrace_debug_hit(struct trapframe *tf, uint64_t dr6);
void ptrace_user_return(struct trapframe *tf);
void ptrace_arm_step(struct trapframe *tf);
bool ptrace_syscall_enter(struct trapframe *tf);
void ptrace_syscall_exit(struct trapframe *tf);
#endif
