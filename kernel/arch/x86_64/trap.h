/* Hooks between trap dispatch and the rest of the kernel. */
#ifndef ARCH_TRAP_H
#define ARCH_TRAP_H
#include "arch.h"
#include <stdbool.h>

#define EXIT_PANIC 0x7e

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
