/* GDT and TSS. Segment order is fixed by SYSCALL/SYSRET: kernel code, kernel
 * data, then user data and user code (STAR's sysret base is 0x10). The TSS
 * holds RSP0 (the current process's kernel stack top) and two IST stacks so a
 * double fault or NMI always runs on a known-good stack. */
#include "arch.h"

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss) == 104, "TSS is 104 bytes");

static struct tss tss;
static uint64_t gdt[7];
static uint8_t ist_df_stack[8192] __attribute__((aligned(16)));
static uint8_t ist_nmi_stack[8192] __attribute__((aligned(16)));
uint8_t ist_db_stack[8192] __attribute__((aligned(16))); /* trap_entry.S reads its top */

/* Load the GDT, reload segments and the task register. */
void gdt_init(void)
{
	uint64_t base = (uint64_t)&tss;
	uint64_t limit = sizeof tss - 1;

	gdt[0] = 0;
	gdt[1] = 0x00AF9A000000FFFFULL; /* 0x08 kernel code, L=1 */
	gdt[2] = 0x00CF92000000FFFFULL; /* 0x10 kernel data */
	gdt[3] = 0x00CFF2000000FFFFULL; /* 0x18 user data, DPL 3 */
	gdt[4] = 0x00AFFA000000FFFFULL; /* 0x20 user code, DPL 3, L=1 */
	gdt[5] = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) | (0x89ULL << 40) |
	         (((limit >> 16) & 0xF) << 48) | (((base >> 24) & 0xFF) << 56);
	gdt[6] = base >> 32;

	tss.ist[0] = (uint64_t)(ist_df_stack + sizeof ist_df_stack);
	tss.ist[1] = (uint64_t)(ist_nmi_stack + sizeof ist_nmi_stack);
	tss.ist[2] = (uint64_t)(ist_db_stack + sizeof ist_db_stack);
	tss.iomap_base = sizeof tss; /* no I/O bitmap: every port faults in user mode */

	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) ptr = {sizeof gdt - 1, (uint64_t)gdt};
	__asm__ volatile("lgdt %0\n\t"
	                 "mov %1, %%ds\n\t"
	                 "mov %1, %%es\n\t"
	                 "mov %1, %%ss\n\t"
	                 "pushq %2\n\t"
	                 "leaq 1f(%%rip), %%rax\n\t"
	                 "pushq %%rax\n\t"
	                 "lretq\n"
	                 "1:\n\t"
	                 "ltr %w3" ::"m"(ptr),
	                 "r"((uint64_t)SEL_KDATA), "i"(SEL_KCODE), "r"((uint64_t)SEL_TSS)
	                 : "rax", "memory");
}

/* The stack the CPU switches to on an interrupt or exception from user mode. */
void tss_set_rsp0(uint64_t rsp0) { tss.rsp[0] = rsp0; }
