/* The boundary between the portable kernel and x86_64: the saved user
 * frame, and the handful of arch_* / subsystem hooks the core calls.
 * Invariant: a process's user registers always live in the trapframe at the
 * very top of its kernel stack (see trap_entry.S and syscall_entry.S). */
#ifndef ARCH_H
#define ARCH_H
#include "layout.h"
#include <stddef.h>
#include <stdint.h>

#define P2V(pa) ((void *)((uint64_t)(pa) + PHYS_BASE))
#define V2P(va) ((uint64_t)(va)-PHYS_BASE)
#define KIMG2P(va) ((uint64_t)(va)-KERNEL_VMA)

/* All user registers, in Linux pt_regs order so the first 21 fields are
 * struct user_regs' first 21. Pushed identically by every entry path. */
struct trapframe {
	uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
	uint64_t rax, rcx, rdx, rsi, rdi, orig_rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss; /* the CPU's interrupt frame */
};
/* The assembly uses these offsets (layout.h). */
_Static_assert(sizeof(struct trapframe) == TF_SIZE, "TF_SIZE");
_Static_assert(offsetof(struct trapframe, r15) == TF_R15, "TF_R15");
_Static_assert(offsetof(struct trapframe, rbx) == TF_RBX, "TF_RBX");
_Static_assert(offsetof(struct trapframe, r11) == TF_R11, "TF_R11");
_Static_assert(offsetof(struct trapframe, rbx) + 8 == TF_CALLEE_SAVED_SIZE, "callee-saved");
_Static_assert(offsetof(struct trapframe, rax) == TF_RAX, "TF_RAX");
_Static_assert(offsetof(struct trapframe, rcx) == TF_RCX, "TF_RCX");
_Static_assert(offsetof(struct trapframe, orig_rax) == TF_ORIG_RAX, "TF_ORIG_RAX");
_Static_assert(offsetof(struct trapframe, vector) == TF_VECTOR, "TF_VECTOR");
_Static_assert(offsetof(struct trapframe, error) == TF_ERROR, "TF_ERROR");
_Static_assert(offsetof(struct trapframe, rip) == TF_RIP, "TF_RIP");
_Static_assert(offsetof(struct trapframe, cs) == TF_CS, "TF_CS");
_Static_assert(offsetof(struct trapframe, rflags) == TF_RFLAGS, "TF_RFLAGS");
_Static_assert(offsetof(struct trapframe, rsp) == TF_RSP, "TF_RSP");
_Static_assert(offsetof(struct trapframe, ss) == TF_SS, "TF_SS");
_Static_assert(USER_TOP == 1ULL << USER_TOP_SHIFT, "USER_TOP_SHIFT");

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

/* hooks.c: what the portable kernel asks of the CPU (a second
 * architecture implements these; see docs/design.md, "The arch boundary"). */
void arch_set_tls_base(uint64_t fs_base, uint64_t gs_base);
void arch_set_kernel_stack(uint64_t top);
void arch_irq_enable(void);
void arch_irq_disable(void);
_Bool arch_irq_save(void); /* disable; whether they were enabled */
void arch_irq_restore(_Bool enabled);
void arch_wait_for_interrupt(void);
void arch_irq_window(void);
uint64_t arch_fault_address(void);
uint64_t arch_timestamp(void);
/* The CPU's vendor (12 chars) and brand string (48), NUL-terminated. */
void arch_cpu_names(char vendor[13], char model[49]);
_Bool arch_frame_stepping(const struct trapframe *tf);
void arch_frame_set_step(struct trapframe *tf, _Bool on);
void arch_frame_enter_handler(struct trapframe *tf);
void arch_frame_restart_syscall(struct trapframe *tf);
void arch_frame_restart_as(struct trapframe *tf, uint64_t nr);
uint64_t arch_breakpoint_address(const struct trapframe *tf);
void arch_frame_init_user(struct trapframe *tf, uint64_t entry, uint64_t sp);
void arch_syscall_init(void);
struct proc;
#define DR7_ENABLES 0x55ULL /* L0-L3 */
#define DR6_HITS 0xfULL     /* B0-B3 */
#define DR6_STEP 0x4000ULL  /* BS */
void arch_debug_switch(const struct proc *next);
uint64_t arch_debug_status(void);
_Bool arch_debug_is_exec(const struct proc *p, int i);
void arch_frame_set_resume(struct trapframe *tf);

/* rtc.c */
uint64_t arch_rtc_epoch_seconds(void);

/* machine.c */
_Noreturn void machine_exit(int code);
void arch_fpu_init(void);
void arch_fpu_save(void *area);
void arch_fpu_restore(const void *area);

/* syscall_entry.S / switch.S */
void context_switch(struct context **save, struct context *load);
void trap_return(void);         /* restores the trapframe at the top of the kernel stack */
extern uint64_t cpu_kstack_top; /* syscall entry switches to this stack */

#endif
