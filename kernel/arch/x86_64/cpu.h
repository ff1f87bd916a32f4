/* x86_64 instructions the portable kernel needs, as inline functions:
 * port I/O, MSRs, control registers, interrupt flag. Nothing here keeps
 * state. */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H
#include <stdint.h>

#define MSR_EFER 0xC0000080
#define MSR_STAR 0xC0000081
#define MSR_LSTAR 0xC0000082
#define MSR_FMASK 0xC0000084
#define MSR_FS_BASE 0xC0000100
#define MSR_GS_BASE 0xC0000101
#define MSR_KERNEL_GS_BASE 0xC0000102

#define RFLAGS_CF 0x1
#define RFLAGS_PF 0x4
#define RFLAGS_AF 0x10
#define RFLAGS_ZF 0x40
#define RFLAGS_SF 0x80
#define RFLAGS_TF 0x100
#define RFLAGS_IF 0x200
#define RFLAGS_DF 0x400
#define RFLAGS_OF 0x800
#define RFLAGS_IOPL 0x3000
#define RFLAGS_NT 0x4000
#define RFLAGS_RF 0x10000
#define RFLAGS_VM 0x20000
#define RFLAGS_AC 0x40000

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port));
}
static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" ::"a"(v), "Nd"(port));
}
static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port));
}
static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}
static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t read_cr2(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}
static inline uint64_t read_cr3(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}
static inline void write_cr3(uint64_t v) { __asm__ volatile("mov %0, %%cr3" ::"r"(v) : "memory"); }
static inline void invlpg(uint64_t va) { __asm__ volatile("invlpg (%0)" ::"r"(va) : "memory"); }

static inline void cli(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void sti(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void hlt(void) { __asm__ volatile("hlt" ::: "memory"); }

/* Debug registers DR0-DR3, DR6, DR7 (DR4/5 do not exist in 64-bit mode). */
static inline uint64_t read_dr(int n)
{
	uint64_t v = 0;
	switch (n) {
	case 0: __asm__ volatile("mov %%dr0, %0" : "=r"(v)); break;
	case 1: __asm__ volatile("mov %%dr1, %0" : "=r"(v)); break;
	case 2: __asm__ volatile("mov %%dr2, %0" : "=r"(v)); break;
	case 3: __asm__ volatile("mov %%dr3, %0" : "=r"(v)); break;
	case 6: __asm__ volatile("mov %%dr6, %0" : "=r"(v)); break;
	case 7: __asm__ volatile("mov %%dr7, %0" : "=r"(v)); break;
	}
	return v;
}
static inline void write_dr(int n, uint64_t v)
{
	switch (n) {
	case 0: __asm__ volatile("mov %0, %%dr0" ::"r"(v)); break;
	case 1: __asm__ volatile("mov %0, %%dr1" ::"r"(v)); break;
	case 2: __asm__ volatile("mov %0, %%dr2" ::"r"(v)); break;
	case 3: __asm__ volatile("mov %0, %%dr3" ::"r"(v)); break;
	case 6: __asm__ volatile("mov %0, %%dr6" ::"r"(v)); break;
	case 7: __asm__ volatile("mov %0, %%dr7" ::"r"(v)); break;
	}
}

/* Disable interrupts and return whether they were enabled. */
static inline int irq_save(void)
{
	uint64_t f;
	__asm__ volatile("pushfq; popq %0; cli" : "=r"(f)::"memory");
	return (f & RFLAGS_IF) != 0;
}
static inline void irq_restore(int enabled)
{
	if (enabled)
		sti();
}

#endif
