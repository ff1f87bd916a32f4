/* The one checked path for user memory: copies whose faulting
 * instructions sit between uaccess_start and uaccess_end. A page fault there
 * resumes at uaccess_fault, which returns -EFAULT (see trap.c). Callers check
 * that the range is below USER_TOP first (uaccess.c). */
	.text
	.globl uaccess_copy, uaccess_strncpy, uaccess_fixup
/* long uaccess_copy(void *dst, const void *src, size_t n): 0 or -EFAULT */
uaccess_copy:
	mov %rdx, %rcx
	shr $3, %rcx
uaccess_start:
	rep movsq               /* 8 bytes a step, then the tail */
	mov %rdx, %rcx
	and $7, %rcx
	rep movsb
	xor %eax, %eax
	ret
/* long uaccess_strncpy(char *dst, const char *src, size_t max):
 * length copied without the NUL, max if no NUL within max, or -EFAULT. */
uaccess_strncpy:
	xor %eax, %eax
1:	cmp %rdx, %rax
	je 2f
	movb (%rsi,%rax), %cl
	movb %cl, (%rdi,%rax)
	test %cl, %cl
	jz 2f
	inc %rax
	jmp 1b
2:	ret
uaccess_end:
uaccess_fault:
	mov $-14, %rax          /* -EFAULT */
	ret

/* uint64_t uaccess_fixup(uint64_t rip): where to resume after a fault at rip. */
uaccess_fixup:
	lea uaccess_start(%rip), %rax
	cmp %rax, %rdi
	jb 3f
	lea uaccess_end(%rip), %rax
	cmp %rax, %rdi
	jae 3f
	lea uaccess_fault(%rip), %rax
	ret
3:	xor %eax, %eax
	ret
