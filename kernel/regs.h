/* Register images crossing the user/kernel boundary. regs_validate() is the
 * one function every user-chosen register image goes through: proc:
 * regs/int writes, rt_sigreturn and signal delivery alike; every other
 * user-chosen code or stack address (an ELF entry point, clone's stack, a
 * TLS base) is checked with regs_user_address(), the rule it applies. */
#ifndef REGS_H
#define REGS_H
#include "procyon/user_regs.h"
#include "proc.h"

/* RFLAGS bits user space may change: CF PF AF ZF SF TF DF OF AC. */
#define RFLAGS_USER_MASK 0x40DD5ULL

/* Whether a user-chosen rip, rsp or segment base may be loaded: it must lie
 * in the user half (and so be canonical). */
static inline bool regs_user_address(uint64_t a) { return a < USER_TOP; }

void regs_get(struct proc *p, struct user_regs *out);
int regs_validate(const struct user_regs *cur, const struct user_regs *want);
int regs_set(struct proc *p, const struct user_regs *want);
int regs_validate_fpu(const struct user_fpregs *f);
int regs_validate_debug(const uint64_t dr[8]);
void regs_fpu_init(void);
#endif
