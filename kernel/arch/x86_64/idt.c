/* IDT and the legacy 8259 PICs. All 32 exception vectors and 16 IRQs
 * (remapped to 32..47) are interrupt gates, so handlers start with IF clear.
 * int3 is callable from user mode (DPL 3); #DF and NMI run on IST stacks. */
#include "arch.h"
#include "cpu.h"

struct idt_gate {
	uint16_t off_lo, sel;
	uint8_t ist, type;
	uint16_t off_mid;
	uint32_t off_hi, zero;
} __attribute__((packed));

static struct idt_gate idt[48];
extern const uint64_t trap_vectors[48];

static void idt_set_gate(int v, uint64_t handler, int dpl, int ist)
{
	idt[v] = (struct idt_gate){
	    .off_lo = handler & 0xFFFF,
	    .sel = SEL_KCODE,
	    .ist = (uint8_t)ist,
	    .type = (uint8_t)(0x8E | (dpl << 5)),
	    .off_mid = (handler >> 16) & 0xFFFF,
	    .off_hi = (uint32_t)(handler >> 32),
	};
}

/* Fill and load the IDT. */
void idt_init(void)
{
	for (int v = 0; v < 48; v++)
		idt_set_gate(v, trap_vectors[v], 0, 0);
	idt_set_gate(3, trap_vectors[3], 3, 0); /* int3 from user code */
	idt_set_gate(2, trap_vectors[2], 0, 2); /* NMI: IST2 */
	idt_set_gate(8, trap_vectors[8], 0, 1); /* double fault: IST1 */
	idt_set_gate(1, trap_vectors[1], 0, 3); /* #DB: IST3 (see trap_entry.S) */
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) ptr = {sizeof idt - 1, (uint64_t)idt};
	__asm__ volatile("lidt %0" ::"m"(ptr));
}

static uint16_t pic_mask = 0xFFFB; /* everything masked but the cascade */

/* Remap the PICs to vectors 32..47, all lines masked. */
void pic_init(void)
{
	outb(0x20, 0x11);
	outb(0xA0, 0x11);
	outb(0x21, IRQ_BASE);
	outb(0xA1, IRQ_BASE + 8);
	outb(0x21, 4);
	outb(0xA1, 2);
	outb(0x21, 1);
	outb(0xA1, 1);
	outb(0x21, pic_mask & 0xFF);
	outb(0xA1, pic_mask >> 8);
}

/* Let one IRQ line through. */
void pic_unmask(int irq)
{
	pic_mask &= (uint16_t) ~(1u << irq);
	outb(0x21, pic_mask & 0xFF);
	outb(0xA1, pic_mask >> 8);
}

/* Acknowledge an IRQ at the PIC(s). */
void pic_eoi(int irq)
{
	if (irq >= 8)
		outb(0xA0, 0x20);
	outb(0x20, 0x20);
}
