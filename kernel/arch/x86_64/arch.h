/* The boundary between the portable kernel and x86_64: the saved user
 * frame, and the handful of arch_* / subsystem hooks the core calls.
 * Invariant: a process's user registers always live in the trapframe at the
 * very top of its kernel stack (see trap_entry.S and syscall_entry.S). */
#ifndef ARCH_H
#define ARCH_H
#include <stddef.h>
#include <stdint.h>

#define KERNEL_VMA 0xffffffff80000000ULL
#define PHYS_BASE 0xffff800000000000ULL /* direct map of physical memory */
#define USER_TOP 0x0000800000000000ULL  /* first non-user address */
#define P2V(pa) ((void *)((uint64_t)(pa) + PHYS_BASE))
#define V2P(va) ((uint64_t)(va)-PHYS_BASE)
#define KIMG2P(va) ((uint64_t)(va)-KERNEL_VMA)

#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UDATA 0x1b /* GDT slot 3, RPL 3 */
#define SEL_UCODE 0x23 /* GDT slot 4, RPL 3 */
#define SEL_TSS 0x28

#define TRAP_SYSCALL 256 /* trapframe.vector of a syscall-instruction entry */
#define IRQ_BASE 32

/* All user registers, in Linux pt_regs order so the first 21 fields are
 * struct user_regs' first 21. Pushed identically by every entry path. */
struct trapframe {
	uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
	uint64_t rax, rcx, rdx, rsi, rdi, orig_rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss; /* the CPU's interrupt frame */
};
_Static_assert(sizeof(struct trapframe) == 23 * 8, "trapframe layout is fixed by assembly");
_Static_assert(offsetof(struct trapframe, rax) == 80, "trapframe.rax");
_Static_assert(offsetof(struct trapframe, orig_rax) == 120, "trapframe.orig_rax");
_Static_assert(offsetof(struct trapframe, vector) == 128, "trapframe.vector");
_Static_assert(offsetof(struct trapframe, rip) == 144, "trapframe.rip");
_Static_assert(offsetof(struct trapframe, rsp) == 168, "trapframe.rsp");

/* Callee-saved registers kept by context_switch(); rip is its return address. */
struct context {
	uint64_t r15, r14, r13, r12, rbx, rbp, rip;
};

/* serial.c */
void serial_init(void);
void serial_putc(char c);
int serial_getc(void);
_Bool serial_port_init(int n);
void serial_port_putc(int n, char c);
int serial_port_getc(int n);

/* gdt.c */
void gdt_init(void);
void tss_set_rsp0(uint64_t rsp0);

/* idt.c / trap.c */
void idt_init(void);
void pic_init(void);
void pic_unmask(int irq);
void pic_eoi(int irq);
void trap_dump(const struct trapframe *tf, const char *why);

/* pit.c: timer and clock */
void timer_init(void);
uint64_t timer_ticks(void);
uint64_t clock_ns(void);
uint64_t tsc_hz(void);
#define TIMER_HZ 100

/* machine.c */
_Noreturn void machine_exit(int code);
void fpu_init(void);
void fpu_save(void *area);
void fpu_restore(const void *area);

/* syscall_entry.S / switch.S */
void syscall_init(void);
void context_switch(struct context **save, struct context *load);
void trap_return(void);         /* restores the trapframe at the top of the kernel stack */
extern uint64_t cpu_kstack_top; /* syscall entry switches to this stack */

#endif
