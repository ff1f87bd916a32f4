/* Interrupt and exception entry. Every vector pushes the same struct
 * trapframe (arch.h): the CPU frame, an error code (0 when the CPU gives
 * none), the vector, orig_rax = -1, then the general registers. From user
 * mode the CPU has switched to TSS.RSP0, so the frame sits at the very top of
 * the process's kernel stack, where the proc: scheme finds it. */
#include "layout.h"
#include "entry_regs.inc"

.macro VEC_NOERR n
	.align 16
vec_\n:
	pushq $0                /* trapframe.error */
	pushq $\n               /* trapframe.vector */
	jmp trap_common
.endm
.macro VEC_ERR n
	.align 16
vec_\n:
	pushq $\n               /* trapframe.vector; the CPU pushed .error */
	jmp trap_common
.endm

	.text
VEC_NOERR 0
/* #DB runs on its own IST stack: it can arrive on the first instruction of
 * a kernel entry, before the entry has switched stacks (a trap held back by
 * the MOV SS shadow, CVE-2018-8897), so the interrupted stack cannot be
 * trusted. From user mode, the CPU frame is moved to the process's kernel
 * stack top, where every user frame lives; from the kernel it is handled
 * where it is. */
	.align 16
vec_1:
	testb $3, 8(%rsp)               /* the interrupted CS: user mode? */
	jz 1f
	mov cpu_kstack_top(%rip), %rsp
	pushq ist_db_stack+8192-8(%rip)  /* ss */
	pushq ist_db_stack+8192-16(%rip) /* rsp */
	pushq ist_db_stack+8192-24(%rip) /* rflags */
	pushq ist_db_stack+8192-32(%rip) /* cs */
	pushq ist_db_stack+8192-40(%rip) /* rip */
1:	pushq $0                        /* trapframe.error */
	pushq $TRAP_DEBUG               /* trapframe.vector */
	jmp trap_common
VEC_NOERR 2
VEC_NOERR 3
VEC_NOERR 4
VEC_NOERR 5
VEC_NOERR 6
VEC_NOERR 7
VEC_ERR 8
VEC_NOERR 9
VEC_ERR 10
VEC_ERR 11
VEC_ERR 12
VEC_ERR 13
VEC_ERR 14
VEC_NOERR 15
VEC_NOERR 16
VEC_ERR 17
VEC_NOERR 18
VEC_NOERR 19
VEC_NOERR 20
VEC_ERR 21
.irp n, 22,23,24,25,26,27,28
VEC_NOERR \n
.endr
VEC_ERR 29
VEC_ERR 30
VEC_NOERR 31
.irp n, 32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47
VEC_NOERR \n
.endr

trap_common:
	pushq $-1               /* trapframe.orig_rax: not in a syscall */
	SAVE_GPRS
	cld
	mov %rsp, %rdi
	sub $8, %rsp            /* TF_SIZE is 8 mod 16: realign for C */
	call trap_handler
	add $8, %rsp
	/* fall through */

/* Restore the trapframe at %rsp and return with iretq (the full restore). */
	.globl trap_exit
trap_exit:
	RESTORE_CALLEE_SAVED
	RESTORE_SCRATCH
	add $TF_RIP-TF_ORIG_RAX, %rsp /* orig_rax, vector, error */
	.globl trap_exit_iret
trap_exit_iret:                 /* a fault here is a bad user frame (trap.c) */
	iretq

	.section .rodata
	.align 8
	.globl trap_vectors
trap_vectors:
.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad vec_\n
.endr
.irp n, 32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47
	.quad vec_\n
.endr
