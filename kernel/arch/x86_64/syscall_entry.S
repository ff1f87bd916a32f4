/* The syscall instruction's entry. FMASK has cleared IF, TF, DF, AC and NT.
 * We switch to the current process's kernel stack top and build exactly the
 * struct trapframe an interrupt would (vector TRAP_SYSCALL, orig_rax = rax),
 * so the user registers are found at the same place however the process
 * entered the kernel. syscall_handler() returns nonzero when the return must
 * take the full iretq restore (registers changed from outside, a non-user
 * rip, TF set); otherwise we leave through sysretq. */
#include "layout.h"
#include "entry_regs.inc"
#include "procyon/syscalls.h"

	.text
	.globl syscall_entry
syscall_entry:
	mov %rsp, syscall_user_rsp(%rip)
	mov cpu_kstack_top(%rip), %rsp
	pushq $SEL_UDATA                /* trapframe.ss */
	pushq syscall_user_rsp(%rip)    /* trapframe.rsp */
	pushq %r11                      /* trapframe.rflags */
	pushq $SEL_UCODE                /* trapframe.cs */
	pushq %rcx                      /* trapframe.rip */
	pushq $0                        /* trapframe.error */
	pushq $TRAP_SYSCALL             /* trapframe.vector */
	pushq %rax                      /* trapframe.orig_rax */
	SAVE_GPRS
	/* Fast path: a number in the table, and no syscall stop wanted for it
	 * (untraced, or filtered out by the tracer's sysfilter). The
	 * arguments are still in rdi, rsi, rdx, r10 (as rcx), r8, r9. */
	cmp $PROCYON_SYSCALL_MAX, %rax
	jae 1f
	mov current(%rip), %r11
	mov PROC_SYSCALL_FILTER(%r11), %rcx /* traced with syscall stops? */
	test %rcx, %rcx
	jz 5f
	bt %rax, (%rcx)                 /* is this syscall in the filter? */
	jc 1f
5:	mov %eax, PROC_SYSCALL_NR(%r11)
	mov %r10, %rcx
	call *syscall_table(,%rax,8)    /* the kernel keeps 8-byte stack alignment */
	mov %rax, TF_RAX(%rsp)
	/* Anything owed before user mode? Then let C finish. */
	mov current(%rip), %r11
	movl $-1, PROC_SYSCALL_NR(%r11)
	cmpq $-4, %rax                  /* -EINTR: maybe a restart */
	je 2f
	cmpq $-516, %rax                /* -ERESTART_RESTARTBLOCK: restart_syscall or EINTR */
	je 2f
	cmpq $0, PROC_SIG_PENDING(%r11)
	jne 2f
	cmpl $0, PROC_RETURN_WORK(%r11) /* struct proc: return_work */
	jne 2f
	cmpb $0, sched_need_resched(%rip)
	jne 2f
	/* sysretq loads rip from rcx; a non-canonical one would fault in ring
	 * 0 with the user's stack (CVE-2012-0217). The frame's rip always came
	 * from the syscall instruction here, but the check costs three
	 * instructions and makes sysretq safe by construction: anything not in
	 * the user half goes to C, which returns through iretq. */
	mov TF_RIP(%rsp), %rcx
	shr $USER_TOP_SHIFT, %rcx
	jnz 2f
	/* Callee-saved registers were preserved by the C code: skip them. */
	add $TF_CALLEE_SAVED_SIZE, %rsp
	jmp 3f

1:	mov %rsp, %rdi                  /* slow path: the whole call in C */
	call syscall_handler            /* returns with interrupts disabled */
	test %eax, %eax
	jnz trap_exit
	jmp 4f
2:	mov %rsp, %rdi                  /* the call ran; C finishes the return */
	call syscall_finish
	test %eax, %eax
	jnz trap_exit
4:	RESTORE_CALLEE_SAVED
3:	RESTORE_SCRATCH                 /* rcx and r11 are replaced below */
	/* %rsp is at trapframe.orig_rax now. */
	mov TF_RIP-TF_ORIG_RAX(%rsp), %rcx
	mov TF_RFLAGS-TF_ORIG_RAX(%rsp), %r11
	mov TF_RSP-TF_ORIG_RAX(%rsp), %rsp
	sysretq

	.bss
	.align 8
	.globl cpu_kstack_top
cpu_kstack_top:	.quad 0
syscall_user_rsp: .quad 0
