/* The arch_ hooks the portable kernel calls (declared in arch.h): the CPU
 * state that follows a process (TLS bases, kernel stack, FPU), interrupt
 * control, the fault address, a timestamp, and accessors for the parts of
 * a saved user frame whose meaning is x86's (the trap flag, the flags a
 * signal handler starts with, the syscall instruction's length, the user
 * entry state). A second architecture implements this file's functions. */
#include "arch.h"
#include "cpu.h"
#include "lib.h"
#include "proc.h"
#include <stdbool.h>

void arch_set_tls_base(uint64_t fs_base, uint64_t gs_base)
{
	wrmsr(MSR_FS_BASE, fs_base);
	wrmsr(MSR_GS_BASE, gs_base);
}

void arch_set_kernel_stack(uint64_t top)
{
	cpu_kstack_top = top; /* the syscall entry switches to it */
	tss_set_rsp0(top);    /* interrupts and exceptions from user mode */
}

void arch_irq_enable(void) { sti(); }
void arch_irq_disable(void) { cli(); }
bool arch_irq_save(void) { return irq_save() != 0; }
void arch_irq_restore(bool enabled) { irq_restore(enabled); }

/* Sleep until an interrupt has been handled, then go on with them off. */
void arch_wait_for_interrupt(void) { __asm__ volatile("sti; hlt; cli" ::: "memory"); }

/* Let interrupts that are pending in; the nop is the sti shadow. */
void arch_irq_window(void) { __asm__ volatile("sti; nop; cli" ::: "memory"); }

uint64_t arch_fault_address(void) { return read_cr2(); }
uint64_t arch_timestamp(void) { return rdtsc(); }

static void hooks_cpuid(uint32_t leaf, uint32_t r[4])
{
	__asm__ volatile("cpuid"
	                 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
	                 : "a"(leaf), "c"(0));
}

void arch_cpu_names(char vendor[13], char model[49])
{
	uint32_t r[4];
	hooks_cpuid(0, r);
	memcpy(vendor, &r[1], 4);
	memcpy(vendor + 4, &r[3], 4);
	memcpy(vendor + 8, &r[2], 4);
	vendor[12] = 0;
	hooks_cpuid(0x80000000, r);
	model[0] = 0;
	if (r[0] < 0x80000004)
		return;
	for (uint32_t i = 0; i < 3; i++) {
		hooks_cpuid(0x80000002 + i, r);
		memcpy(model + 16 * i, r, 16);
	}
	model[48] = 0;
}

bool arch_frame_stepping(const struct trapframe *tf) { return (tf->rflags & RFLAGS_TF) != 0; }

void arch_frame_set_step(struct trapframe *tf, bool on)
{
	tf->rflags = on ? tf->rflags | RFLAGS_TF : tf->rflags & ~RFLAGS_TF;
}

/* The flags a signal handler starts with: no single-step, direction
 * forward, no resume flag (Linux's rule). */
void arch_frame_enter_handler(struct trapframe *tf)
{
	tf->rflags &= ~(RFLAGS_TF | RFLAGS_DF | RFLAGS_RF);
}

/* Back up to the syscall instruction (2 bytes) so it runs again. */
void arch_frame_restart_syscall(struct trapframe *tf)
{
	tf->rax = tf->orig_rax;
	tf->rip -= 2;
}

/* Back up to the syscall instruction to run syscall nr instead (restart_syscall). */
void arch_frame_restart_as(struct trapframe *tf, uint64_t nr)
{
	tf->rax = nr;
	tf->rip -= 2;
}

/* The address of the int3 that trapped: the byte before rip. */
uint64_t arch_breakpoint_address(const struct trapframe *tf) { return tf->rip - 1; }

/* A fresh user frame at entry with stack sp, as execve leaves it. */
void arch_frame_init_user(struct trapframe *tf, uint64_t entry, uint64_t sp)
{
	__builtin_memset(tf, 0, sizeof *tf);
	tf->rip = entry;
	tf->rsp = sp;
	tf->cs = SEL_UCODE;
	tf->ss = SEL_UDATA;
	tf->rflags = RFLAGS_IF;
	tf->vector = TRAP_SYSCALL;
}

/* Debug registers: load next's while it runs, and disarm the CPU when it
 * has none (so one process's watchpoints never fire for another). */
static bool debug_armed;

void arch_debug_switch(const struct proc *next)
{
	if (next->debugreg[7] & DR7_ENABLES) {
		write_dr(7, 0);
		for (int i = 0; i < 4; i++)
			write_dr(i, next->debugreg[i]);
		write_dr(6, 0);
		write_dr(7, next->debugreg[7]);
		debug_armed = true;
	} else if (debug_armed) {
		write_dr(7, 0);
		debug_armed = false;
	}
}

/* The debug status of the trap being handled, cleared for the next one
 * (the CPU never clears DR6 itself). */
uint64_t arch_debug_status(void)
{
	uint64_t dr6 = read_dr(6);
	write_dr(6, 0);
	return dr6;
}

/* Whether debug register i is an execute breakpoint (RW = 00). */
bool arch_debug_is_exec(const struct proc *p, int i)
{
	return ((p->debugreg[7] >> (16 + 4 * i)) & 3) == 0;
}

void arch_frame_set_resume(struct trapframe *tf) { tf->rflags |= RFLAGS_RF; }
