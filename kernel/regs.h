/* Register images crossing the user/kernel boundary. regs_validate() is the
 * one function every user-chosen register image goes through: proc:
 * regs/int writes and rt_sigreturn alike. */
#ifndef REGS_H
#define REGS_H
#include "procyon/user_regs.h"
#include "proc.h"

/* RFLAGS bits user space may change: CF PF AF ZF SF TF DF OF AC. */
#define RFLAGS_USER_MASK 0x40DD5ULL

void regs_get(struct proc *p, struct user_regs *out);
int regs_validate(const struct user_regs *cur, const struct user_regs *want);
int regs_set(struct proc *p, const struct user_regs *want);
int regs_validate_fpu(const struct user_fpregs *f);
void regs_fpu_init(void);
#endif
