/* The one contract between the kernel's C and its assembly: every address,
 * selector, offset and limit that both sides use is defined here, once,
 * and this header is safe to include from .S files (__ASSEMBLER__). The C
 * structs these numbers describe (struct trapframe in arch.h, struct proc
 * in proc.h) assert their layout against these same names, so changing a
 * struct without changing its offsets here fails the build. The register
 * save/restore sequences every entry path uses are in entry_regs.inc. */
#ifndef ARCH_LAYOUT_H
#define ARCH_LAYOUT_H

#ifdef __ASSEMBLER__
#define LAYOUT_UL(x) x
#else
#define LAYOUT_UL(x) x##ULL
#endif

/* Address space. */
#define KERNEL_VMA LAYOUT_UL(0xffffffff80000000) /* the kernel image is linked here */
#define KERNEL_LOAD_PA LAYOUT_UL(0x100000)       /* ...and loaded at 1 MiB */
#define PHYS_BASE LAYOUT_UL(0xffff800000000000)  /* direct map of physical memory */
#define USER_TOP LAYOUT_UL(0x0000800000000000)   /* first non-user address */
#define USER_TOP_SHIFT 47                        /* a user address has no bit >= this */

/* Page-table indices of an address (the boot tables are built with them). */
#define PML4_INDEX(va) (((va) >> 39) & 511)
#define PDPT_INDEX(va) (((va) >> 30) & 511)

/* GDT selectors (gdt.c builds the table in this order; STAR's sysret base
 * is SEL_KDATA, so user data must follow it, then user code). */
#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UDATA 0x1b /* slot 3, RPL 3 */
#define SEL_UCODE 0x23 /* slot 4, RPL 3 */
#define SEL_TSS 0x28

/* Trap vectors, by name (the portable kernel uses only these names). */
#define TRAP_DIVIDE 0
#define TRAP_DEBUG 1
#define TRAP_NMI 2
#define TRAP_BREAKPOINT 3
#define TRAP_INVALID_OPCODE 6
#define TRAP_DOUBLE_FAULT 8
#define TRAP_SEGMENT_NOT_PRESENT 11
#define TRAP_STACK 12
#define TRAP_GENERAL_PROTECTION 13
#define TRAP_PAGE_FAULT 14
#define TRAP_X87 16
#define TRAP_ALIGNMENT 17
#define TRAP_SIMD 19
#define TRAP_EXCEPTIONS 32 /* vectors below are CPU exceptions */
#define TRAP_SYSCALL 256   /* trapframe.vector of a syscall-instruction entry */
#define IRQ_BASE 32

/* struct trapframe (arch.h): general registers in Linux pt_regs order, then
 * orig_rax, vector, error and the CPU's interrupt frame. */
#define TF_R15 0
#define TF_RBX 40
#define TF_R11 48
#define TF_RAX 80
#define TF_RCX 88
#define TF_ORIG_RAX 120
#define TF_VECTOR 128
#define TF_ERROR 136
#define TF_RIP 144
#define TF_CS 152
#define TF_RFLAGS 160
#define TF_RSP 168
#define TF_SS 176
#define TF_SIZE 184
#define TF_CALLEE_SAVED_SIZE 48 /* r15 r14 r13 r12 rbp rbx: the first six */

/* struct proc (proc.h): the fields the syscall fast path reads. */
#define PROC_SIG_PENDING 0
#define PROC_SYSCALL_NR 8
#define PROC_RETURN_WORK 12 /* see struct proc: work owed before user mode */
#define PROC_SYSCALL_FILTER 16

#endif
