/* The syscall instruction's entry. FMASK has cleared IF, TF, DF, AC and NT.
 * We switch to the current process's kernel stack top and build exactly the
 * struct trapframe an interrupt would (vector TRAP_SYSCALL, orig_rax = rax),
 * so the user registers are found at the same place however the process
 * entered the kernel. syscall_handler() returns nonzero when the return must
 * take the full iretq restore (registers changed from outside, a non-user
 * rip, TF set); otherwise we leave through sysretq. */
#define SEL_UDATA 0x1b
#define SEL_UCODE 0x23
#define PROCYON_SYSCALL_MAX 512 /* include/procyon/syscalls.h */
#define PROC_SIG_PENDING 0      /* offsets in struct proc, pinned in proc.h */
#define PROC_SYSCALL_NR 8
#define PROC_RETURN_WORK 12
#define PROC_FILTER 16

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
	pushq $256                      /* trapframe.vector = TRAP_SYSCALL */
	pushq %rax                      /* trapframe.orig_rax */
	pushq %rdi
	pushq %rsi
	pushq %rdx
	pushq %rcx
	pushq %rax
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %rbx
	pushq %rbp
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	/* Fast path: a number in the table, and no syscall stop wanted for it
	 * (untraced, or filtered out by the tracer's sysfilter). The
	 * arguments are still in rdi, rsi, rdx, r10 (as rcx), r8, r9. */
	cmp $PROCYON_SYSCALL_MAX, %rax
	jae 1f
	mov current(%rip), %r11
	mov PROC_FILTER(%r11), %rcx     /* traced with syscall stops? */
	test %rcx, %rcx
	jz 5f
	bt %rax, (%rcx)                 /* is this syscall in the filter? */
	jc 1f
5:	mov %eax, PROC_SYSCALL_NR(%r11)
	mov %r10, %rcx
	call *syscall_table(,%rax,8)    /* the kernel keeps 8-byte stack alignment */
	mov %rax, 80(%rsp)              /* trapframe.rax */
	/* Anything owed before user mode? Then let C finish. */
	mov current(%rip), %r11
	movl $-1, PROC_SYSCALL_NR(%r11)
	cmpq $-4, %rax                  /* -EINTR: maybe a restart */
	je 2f
	cmpq $0, PROC_SIG_PENDING(%r11)
	jne 2f
	cmpl $0, PROC_RETURN_WORK(%r11) /* force_iret, trace_interrupt, step_tf */
	jne 2f
	cmpb $0, sched_need_resched(%rip)
	jne 2f
	/* sysretq loads rip from rcx; a non-canonical one would fault in ring
	 * 0 with the user's stack (CVE-2012-0217). The frame's rip always came
	 * from the syscall instruction here, but the check costs three
	 * instructions and makes sysretq safe by construction: anything not in
	 * the user half goes to C, which returns through iretq. */
	mov 144(%rsp), %rcx             /* trapframe.rip */
	shr $47, %rcx
	jnz 2f
	/* Callee-saved registers were preserved by the C code: skip them. */
	add $56, %rsp                   /* r15 r14 r13 r12 rbp rbx r11 */
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
4:	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbp
	popq %rbx
	add $8, %rsp                    /* r11: replaced by rflags below */
3:
	popq %r10
	popq %r9
	popq %r8
	popq %rax
	add $8, %rsp                    /* rcx: replaced by rip below */
	popq %rdx
	popq %rsi
	popq %rdi
	mov 24(%rsp), %rcx              /* trapframe.rip */
	mov 40(%rsp), %r11              /* trapframe.rflags */
	mov 48(%rsp), %rsp              /* trapframe.rsp */
	sysretq

	.bss
	.align 8
	.globl cpu_kstack_top
cpu_kstack_top:	.quad 0
syscall_user_rsp: .quad 0
