/* Hooks between trap dispatch and the rest of the kernel. */
#ifndef ARCH_TRAP_H
#define ARCH_TRAP_H
#include "arch.h"
#include <stdbool.h>

#define EXIT_PANIC 0x7e

/* Entry points called only from assembly (trap_entry.S, syscall_entry.S,
 * switch.S, boot.S). */
void trap_handler(struct trapframe *tf);            /* trap.c: every vector */
int syscall_handler(struct trapframe *tf);          /* syscall.c: the slow path */
int syscall_finish(struct trapframe *tf);           /* syscall.c: work owed after the fast path */
void proc_first_run(void);                          /* proc.c: a new process's first return */
void kmain(uint32_t mb_magic, uint64_t mb_info_pa); /* main.c: after boot.S */

const char *trap_name(uint64_t vector);
uint64_t uaccess_fixup(uint64_t rip);                /* uaccess.S: resume address or 0 */
void timer_irq(void);                                /* pit.c */
void console_irq(void);                              /* console scheme */
void serial2_irq(void);                              /* serial2 scheme */
void proc_user_fault(struct trapframe *tf);          /* signal.c: exception in user mode */
bool user_page_fault(uint64_t addr, uint64_t error); /* proc.c: demand paging */
void proc_user_return(struct trapframe *tf);         /* proc.c: signals and preemption */
_Noreturn void proc_bad_user_frame(void);            /* signal.c: the return to user faulted */
extern const char trap_exit_iret[];                  /* trap_entry.S: the final iretq */
#endif
