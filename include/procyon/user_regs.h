/* Register images as the proc: scheme and signal frames expose them. Layouts
 * are Linux's (user_regs_struct, user_fpregs_struct), so every x86_64
 * debugger already knows them. Shared by kernel and user space. */
#ifndef PROCYON_USER_REGS_H
#define PROCYON_USER_REGS_H
#include <stdint.h>

struct user_regs {
	uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
	uint64_t rax, rcx, rdx, rsi, rdi, orig_rax;
	uint64_t rip, cs, rflags, rsp, ss;
	uint64_t fs_base, gs_base, ds, es, fs, gs;
};

struct user_fpregs { /* the FXSAVE image */
	uint16_t cwd, swd, ftw, fop;
	uint64_t rip, rdp;
	uint32_t mxcsr, mxcsr_mask;
	uint32_t st_space[32];
	uint32_t xmm_space[64];
	uint32_t padding[24];
};

_Static_assert(sizeof(struct user_regs) == 216, "struct user_regs is 216 bytes");
_Static_assert(sizeof(struct user_fpregs) == 512, "struct user_fpregs is 512 bytes");
#endif
