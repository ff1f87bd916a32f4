/* The boot path, as a list of init calls (xv6's main.c): each brings up one
 * part of the machine, in the order the next ones need. */
#include "arch.h"
#include "boot_info.h"
#include "cmdline.h"
#include "heap.h"
#include "kernel.h"
#include "lib.h"
#include "pmm.h"
#include "regs.h"
#include "schemes.h"
#include "time.h"
#include "trap.h"
#include "vm.h"

/* The heap's page source: contiguous frames seen through the direct map. */
void *heap_pages_alloc(size_t n)
{
	uint64_t pa = pmm_alloc_contig(n);
	if (!pa)
		return 0;
	memset(P2V(pa), 0, n * PAGE_SIZE);
	return P2V(pa);
}

/* Give heap pages back to the frame allocator. */
void heap_pages_free(void *p, size_t n) { pmm_free_contig(V2P(p), n); }

/* Entered from boot.S in long mode on the boot stack. */
void kmain(uint32_t mb_magic, uint64_t mb_info_pa)
{
	serial_init(); /* COM1: the kernel log */
	kprintf("\nProcyon: booting\n");
	gdt_init();                             /* segments, TSS with IST stacks */
	idt_init();                             /* exception and IRQ vectors */
	pic_init();                             /* 8259s remapped, all masked */
	boot_memory_init(mb_magic, mb_info_pa); /* frames from the memory map */
	cmdline_parse(boot_cmdline_text());     /* key=value options */
	vm_init();                              /* drop the low identity map */
	arch_fpu_init();                        /* SSE on for user programs */
	regs_fpu_init();                        /* which MXCSR bits this CPU takes */
	timer_init();                           /* PIT tick, TSC clock */
	time_init();                            /* wall clock from the RTC */
	vm_share_init();                        /* counts of MAP_SHARED frames */
	arch_syscall_init();                    /* syscall/sysret MSRs */
	initfs_scheme_init();                   /* file: the root filesystem module */
	tmp_scheme_init();                      /* tmp: writable, in memory */
	null_scheme_init();                     /* null:, zero: */
	pipe_scheme_init();                     /* pipe: what pipe(2) makes */
	console_scheme_init();                  /* console: COM1, line discipline */
	serial2_scheme_init();                  /* serial2: COM2, raw (gdbserver) */
	sys_scheme_init();                      /* sys: poweroff, counters */
	proc_scheme_init();                     /* proc: the tracing interface */
	linuxproc_scheme_init();                /* linuxproc: the Linux /proc */
	arch_irq_enable();
	kprintf("Procyon: ready (%lu ms)\n", clock_ns() / 1000000);

	const char *test = cmdline_get("test");
	if (test && strcmp(test, "kernel") == 0)
		machine_exit(selftest_run() ? 1 : 0);
	if (test && strcmp(test, "pagefault") == 0)
		selftest_deliberate_fault();
	kernel_start_user();
}
