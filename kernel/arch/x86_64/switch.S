/* Kernel context switch (xv6's swtch): save the callee-saved registers of
 * the current kernel thread on its stack, store that stack pointer in *save,
 * and resume the thread whose saved context is load. Layout: struct context. */
	.text
	.globl context_switch
context_switch:
	pushq %rbp              /* context.rbp */
	pushq %rbx              /* context.rbx */
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15              /* context.r15 */
	mov %rsp, (%rdi)
	mov %rsi, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret                     /* context.rip */

/* First run of a new process: its context returns here with %rsp at its
 * trapframe (the top of its kernel stack); leave through the full restore. */
	.globl proc_trampoline
proc_trampoline:
	sub $8, %rsp
	call proc_first_run
	add $8, %rsp
	jmp trap_exit
