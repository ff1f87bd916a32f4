/* Boot: Multiboot1 header (a.out kludge, so QEMU's -kernel loads this ELF64
 * image), the 32-bit entry that builds the boot page tables, and the jump to
 * long mode in the higher half. Boot page tables map the first 4 GiB three
 * times: identity (dropped once in C), the direct map at PHYS_BASE, and the
 * kernel image at KERNEL_VMA. */
#include "layout.h"
#define P(sym) ((sym) - KERNEL_VMA)
#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00010003 /* page-align modules, memory map, a.out kludge */

	.section .multiboot, "a"
	.align 4
mb_header:
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)
	.long P(mb_header)      /* header_addr */
	.long P(_kernel_start)  /* load_addr */
	.long P(_load_end)      /* load_end_addr */
	.long P(_kernel_end)    /* bss_end_addr */
	.long P(_start32)       /* entry_addr */

	.section .text.boot, "ax"
	.code32
	.globl _start32
_start32:
	cli
	mov %eax, %esi                  /* multiboot magic */
	mov %ebx, %edi                  /* multiboot info (physical) */
	mov $P(boot_stack_top), %esp

	/* Zero .bss (page tables and stacks live there). */
	mov %edi, %ebp
	mov $P(_bss_start), %edi
	mov $P(_kernel_end), %ecx
	sub %edi, %ecx
	xor %eax, %eax
	rep stosb
	mov %ebp, %edi

	/* Four page directories of 2 MiB pages: physical 0..4 GiB. */
	mov $P(boot_pd), %ebx
	xor %ecx, %ecx
1:	mov %ecx, %eax
	shl $21, %eax
	or $0x83, %eax                  /* present, writable, 2 MiB page */
	mov %eax, (%ebx,%ecx,8)
	mov %ecx, %eax
	shr $11, %eax                   /* high dword: (ecx*2MiB) >> 32 */
	mov %eax, 4(%ebx,%ecx,8)
	inc %ecx
	cmp $2048, %ecx
	jne 1b

	/* PDPT for the low 4 GiB. */
	mov $P(boot_pdpt_low), %ebx
	mov $P(boot_pd), %eax
	or $3, %eax
	mov %eax, 0(%ebx)
	add $4096, %eax
	mov %eax, 8(%ebx)
	add $4096, %eax
	mov %eax, 16(%ebx)
	add $4096, %eax
	mov %eax, 24(%ebx)

	/* PDPT for the top 2 GiB: KERNEL_VMA's entry and the next (510,
	 * 511) -> physical 0..2 GiB. */
	mov $P(boot_pdpt_high), %ebx
	mov $P(boot_pd), %eax
	or $3, %eax
	mov %eax, PDPT_INDEX(KERNEL_VMA)*8(%ebx)
	add $4096, %eax
	mov %eax, (PDPT_INDEX(KERNEL_VMA)+1)*8(%ebx)

	/* PML4: identity, direct map (entry 256), kernel image (entry 511). */
	mov $P(boot_pml4), %ebx
	mov $P(boot_pdpt_low), %eax
	or $3, %eax
	mov %eax, 0(%ebx)
	mov %eax, PML4_INDEX(PHYS_BASE)*8(%ebx)
	mov $P(boot_pdpt_high), %eax
	or $3, %eax
	mov %eax, PML4_INDEX(KERNEL_VMA)*8(%ebx)

	mov %cr4, %eax
	or $0x20, %eax                  /* PAE */
	mov %eax, %cr4
	mov $P(boot_pml4), %eax
	mov %eax, %cr3
	mov $0xC0000080, %ecx           /* EFER: LME, SCE, NXE */
	rdmsr
	or $0x901, %eax
	wrmsr
	mov %cr0, %eax
	or $0x80010001, %eax            /* PG, WP, PE */
	mov %eax, %cr0

	lgdt P(boot_gdt_ptr)
	ljmp $SEL_KCODE, $P(long_entry)

	.code64
long_entry:
	movabs $higher_half, %rax
	jmp *%rax
higher_half:
	mov $SEL_KDATA, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	xor %ax, %ax
	mov %ax, %fs
	mov %ax, %gs
	movabs $boot_stack_top, %rsp
	xor %rbp, %rbp
	/* kmain(magic, info_phys): esi/edi were set in 32-bit code. */
	xchg %rsi, %rdi
	mov %edi, %edi
	mov %esi, %esi
	call kmain
2:	cli
	hlt
	jmp 2b

	.section .data
	.align 16
boot_gdt:
	.quad 0
	.quad 0x00209A0000000000        /* SEL_KCODE: 64-bit kernel code */
	.quad 0x0000920000000000        /* SEL_KDATA: kernel data */
boot_gdt_end:
boot_gdt_ptr:
	.word boot_gdt_end - boot_gdt - 1
	.long P(boot_gdt)

	.section .bss
	.align 4096
	.globl boot_pml4
boot_pml4:	.skip 4096
boot_pdpt_low:	.skip 4096
boot_pdpt_high:	.skip 4096
boot_pd:	.skip 4096*4
	.globl boot_stack_top
boot_stack:	.skip 16384
boot_stack_top:
