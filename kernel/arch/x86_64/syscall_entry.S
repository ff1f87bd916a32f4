/* The syscall instruction's entry. FMASK has cleared IF, TF, DF, AC and NT.
 * We switch to the current process's kernel stack top and build exactly the
 * struct trapframe an interrupt would (vector TRAP_SYSCALL, orig_rax = rax),
 * so the user registers are found at the same place however the process
 * entered the kernel. syscall_handler() returns nonzero when the return must
 * take the full iretq restore (registers changed from outside, a non-user
 * rip, TF set); otherwise we leave through sysretq. */
#define SEL_UDATA 0x1b
#define SEL_UCODE 0x23

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
	mov %rsp, %rdi
	sub $8, %rsp
	call syscall_handler            /* returns with interrupts disabled */
	add $8, %rsp
	test %eax, %eax
	jnz trap_exit
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbp
	popq %rbx
	add $8, %rsp                    /* r11: replaced by rflags below */
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
