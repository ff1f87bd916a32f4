/* Whole-machine operations: power-off through QEMU's isa-debug-exit device
 * (QEMU exits with 2*code+1), and the x87/SSE unit (FXSAVE per process). */
#include "arch.h"
#include "cpu.h"
#include "lib.h"

/* End QEMU with status 2*code+1; if the device is absent, halt forever. */
_Noreturn void machine_exit(int code)
{
	cli();
	outl(0xf4, (uint32_t)code);
	/* No debug-exit device: try ACPI power-off of QEMU's PIIX4/ICH9, then stop. */
	outw(0x604, 0x2000);
	outw(0xB004, 0x2000);
	for (;;)
		hlt();
}

/* Enable SSE (OSFXSR, OSXMMEXCPT) and clear task-switched emulation. */
void arch_fpu_init(void)
{
	uint64_t cr0, cr4;
	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	cr0 &= ~(1ULL << 2);              /* EM */
	cr0 |= (1ULL << 1) | (1ULL << 5); /* MP, NE */
	cr0 &= ~(1ULL << 3);              /* TS */
	__asm__ volatile("mov %0, %%cr0" ::"r"(cr0));
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	cr4 |= (1ULL << 9) | (1ULL << 10);
	__asm__ volatile("mov %0, %%cr4" ::"r"(cr4));
	__asm__ volatile("fninit");
}

/* Save the x87/SSE state into a 16-byte aligned 512-byte area. */
void arch_fpu_save(void *area) { __asm__ volatile("fxsave64 (%0)" ::"r"(area) : "memory"); }

/* Load x87/SSE state. The image must be valid (see regs_validate_fpu). */
void arch_fpu_restore(const void *area)
{
	__asm__ volatile("fxrstor64 (%0)" ::"r"(area) : "memory");
}

/* Program the syscall MSRs: entry point, segments, flags cleared on entry. */
void arch_syscall_init(void)
{
	extern void syscall_entry(void);
	wrmsr(MSR_STAR, ((uint64_t)SEL_KDATA << 48) | ((uint64_t)SEL_KCODE << 32));
	wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
	wrmsr(MSR_FMASK, RFLAGS_IF | RFLAGS_TF | RFLAGS_DF | RFLAGS_AC | RFLAGS_NT);
}
