/* Trap dispatch: exceptions, IRQs, and the kernel's own faults. A fault in
 * user mode becomes a signal to the process; a fault in kernel mode is
 * either a user-copy fault (fixed up to return -EFAULT) or a kernel bug,
 * which prints a full register dump and backtrace and powers the machine
 * off with the failure status. */
#include "arch.h"
#include "cpu.h"
#include "lib.h"
#include "proc.h"
#include "ptrace.h"
#include "trap.h"

static const char *const exception_names[32] = {"divide error",
                                                "debug",
                                                "NMI",
                                                "breakpoint",
                                                "overflow",
                                                "bound range",
                                                "invalid opcode",
                                                "device not available",
                                                "double fault",
                                                "coprocessor overrun",
                                                "invalid TSS",
                                                "segment not present",
                                                "stack fault",
                                                "general protection",
                                                "page fault",
                                                "reserved",
                                                "x87 error",
                                                "alignment check",
                                                "machine check",
                                                "SIMD error",
                                                "virtualization",
                                                "control protection",
                                                "reserved",
                                                "reserved",
                                                "reserved",
                                                "reserved",
                                                "reserved",
                                                "reserved",
                                                "hypervisor injection",
                                                "VMM communication",
                                                "security",
                                                "reserved"};

/* Name of a trap vector, for logs. */
const char *trap_name(uint64_t vector)
{
	if (vector < 32)
		return exception_names[vector];
	if (vector == TRAP_SYSCALL)
		return "syscall";
	return "interrupt";
}

/* Print every register of a frame, the vector and a backtrace. */
void trap_dump(const struct trapframe *tf, const char *why)
{
	kprintf("\n*** %s: vector %lu (%s), error %#lx, cr2 %#lx\n", why, tf->vector,
	        trap_name(tf->vector), tf->error, read_cr2());
	kprintf("rax %016lx rbx %016lx rcx %016lx rdx %016lx\n", tf->rax, tf->rbx, tf->rcx,
	        tf->rdx);
	kprintf("rsi %016lx rdi %016lx rbp %016lx rsp %016lx\n", tf->rsi, tf->rdi, tf->rbp,
	        tf->rsp);
	kprintf("r8  %016lx r9  %016lx r10 %016lx r11 %016lx\n", tf->r8, tf->r9, tf->r10, tf->r11);
	kprintf("r12 %016lx r13 %016lx r14 %016lx r15 %016lx\n", tf->r12, tf->r13, tf->r14,
	        tf->r15);
	kprintf("rip %016lx cs %04lx rflags %08lx ss %04lx orig_rax %ld\n", tf->rip, tf->cs,
	        tf->rflags, tf->ss, (long)tf->orig_rax);
	kprintf("backtrace: %016lx", tf->rip);
	uint64_t *fp = (uint64_t *)tf->rbp;
	for (int i = 0; i < 16 && (uint64_t)fp >= KERNEL_VMA && ((uint64_t)fp & 7) == 0; i++) {
		kprintf(" %016lx", fp[1]);
		fp = (uint64_t *)fp[0];
	}
	kprintf("\n");
}

/* A fault inside the kernel: fix up a user copy, or die loudly. */
static void trap_kernel_fault(struct trapframe *tf)
{
	if (tf->vector == TRAP_PAGE_FAULT && user_page_fault(read_cr2(), tf->error))
		return; /* a user page touched for the first time by a copy */
	/* A debug trap in kernel mode, on its own IST stack: a watchpoint the
	 * kernel touched on the process's behalf (copy_to_user into a watched
	 * buffer: reported on the way back to user mode), or a user's trap held
	 * back by the MOV SS / POP SS shadow onto the first instruction of a
	 * kernel entry (CVE-2018-8897's shape). Neither is the kernel's: note
	 * it and go on. */
	if (tf->vector == TRAP_DEBUG) {
		uint64_t dr6 = arch_debug_status();
		if (current && (dr6 & DR6_HITS)) {
			current->debug_hit |= dr6 & DR6_HITS;
			current->force_iret = true; /* the syscall fast path must see it */
		}
		tf->rflags &= ~RFLAGS_TF;
		return;
	}
	/* The final iretq to user mode faulted (#NP, #SS or #GP on a frame
	 * that every check before it should have refused): the process dies of
	 * SIGSEGV and the kernel goes on, as with Linux's bad_iret fixup. Only
	 * a process's own return comes through trap_exit_iret with cs = the
	 * kernel's, so this is never a kernel bug in disguise. */
	if ((tf->vector == TRAP_SEGMENT_NOT_PRESENT || tf->vector == TRAP_STACK ||
	     tf->vector == TRAP_GENERAL_PROTECTION) &&
	    tf->rip == (uint64_t)trap_exit_iret)
		proc_bad_user_frame();
	if (tf->vector == TRAP_PAGE_FAULT || tf->vector == TRAP_GENERAL_PROTECTION) {
		uint64_t fixup = uaccess_fixup(tf->rip);
		if (fixup) {
			tf->rip = fixup;
			return;
		}
	}
	trap_dump(tf, "KERNEL PANIC: exception in kernel mode");
	machine_exit(EXIT_PANIC);
}

/* An exception in user mode: demand paging, a tracer's trap, or the
 * matching signal with Linux's si_code and address, forced through
 * (signal_fault). */
void proc_user_fault(struct trapframe *tf)
{
	int sig, code;
	uint64_t addr = tf->rip;
	switch (tf->vector) {
	case TRAP_DIVIDE: sig = SIGFPE, code = FPE_INTDIV; break;
	case TRAP_X87:
	case TRAP_SIMD: sig = SIGFPE, code = 7 /* FPE_FLTINV */; break;
	case TRAP_DEBUG:
	case TRAP_BREAKPOINT:
		if (tf->vector == TRAP_DEBUG) {
			uint64_t dr6 = arch_debug_status();
			if (dr6 & DR6_HITS) {
				ptrace_debug_hit(tf, dr6);
				return;
			}
		}
		if (ptrace_trap(tf))
			return;
		sig = SIGTRAP;
		code = tf->vector == TRAP_DEBUG ? TRAP_TRACE : SI_KERNEL; /* int3: as Linux */
		if (code == SI_KERNEL)
			addr = 0;
		break;
	case TRAP_INVALID_OPCODE: sig = SIGILL, code = ILL_ILLOPN; break;
	case TRAP_ALIGNMENT: sig = SIGBUS, code = BUS_ADRALN; break;
	case TRAP_PAGE_FAULT:
		addr = read_cr2();
		if (user_page_fault(addr, tf->error))
			return;
		sig = SIGSEGV;
		code = (tf->error & 1) ? SEGV_ACCERR : SEGV_MAPERR; /* present: a protection */
		break;
	default: sig = SIGSEGV, code = SI_KERNEL, addr = 0; break; /* #GP and the rest */
	}
	signal_fault(sig, code, addr);
}

/* Common C entry for every interrupt and exception. */
void trap_handler(struct trapframe *tf)
{
	bool from_user = (tf->cs & 3) == 3;

	if (tf->vector >= IRQ_BASE && tf->vector < IRQ_BASE + 16) {
		int irq = (int)(tf->vector - IRQ_BASE);
		if (irq == 7 || irq == 15) {
			/* Spurious IRQs are not acknowledged at their own PIC. */
			if (irq == 15)
				pic_eoi(2);
			return;
		}
		pic_eoi(irq);
		if (irq == 0)
			timer_irq();
		else if (irq == 4)
			console_irq();
		else if (irq == 3)
			serial2_irq();
	} else if (tf->vector == TRAP_NMI) {
		kprintf("NMI received\n");
	} else if (!from_user) {
		trap_kernel_fault(tf);
		return;
	} else {
		proc_user_fault(tf);
	}
	if (from_user)
		proc_user_return(tf);
}
