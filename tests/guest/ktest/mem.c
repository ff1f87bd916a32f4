/* ktest: mmap, munmap, mprotect, brk, and the SSE state across switches
 * and signals. */
#define _GNU_SOURCE
#include "ktest.h"

/* ------------------------------------------------------------------------ */
/* Memory.                                                                  */
/* ------------------------------------------------------------------------ */

static unsigned char *map_anon(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED);
	CHECK(((uintptr_t)p & (PAGE - 1)) == 0);
	return p;
}

static void mmap_anon_rw(void)
{
	size_t len = 16 * PAGE;
	unsigned char *p = map_anon(len);
	for (size_t i = 0; i < len; i++)
		CHECK(p[i] == 0);
	for (size_t i = 0; i < len; i++)
		p[i] = (unsigned char)(i * 7);
	for (size_t i = 0; i < len; i++)
		CHECK(p[i] == (unsigned char)(i * 7));
	CHECK(munmap(p, len) == 0);
	CHECK_ERR(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), EINVAL);
}

static void mmap_fixed(void)
{
	unsigned char *base = map_anon(4 * PAGE);
	memset(base, 0xaa, 4 * PAGE);
	void *p = mmap(base + PAGE, PAGE, PROT_READ | PROT_WRITE,
	               MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	CHECK(p == base + PAGE);
	for (size_t i = 0; i < PAGE; i++)
		CHECK(base[PAGE + i] == 0);
	CHECK(base[0] == 0xaa && base[PAGE - 1] == 0xaa && base[2 * PAGE] == 0xaa);

	/* MAP_FIXED into a hole we just made. */
	CHECK(munmap(base, 4 * PAGE) == 0);
	p = mmap(base, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
	         -1, 0);
	CHECK(p == base);
	base[2 * PAGE - 1] = 1;
	CHECK_ERR(mmap(base + 1, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0),
	          EINVAL);
}

static unsigned char *g_page;

static void touch_g_page(void) { *(volatile unsigned char *)g_page = 1; }

static void read_g_page(void) { (void)*(volatile unsigned char *)g_page; }

static void munmap_then_segv(void)
{
	unsigned char *p = map_anon(3 * PAGE);
	memset(p, 5, 3 * PAGE);
	CHECK(munmap(p + PAGE, PAGE) == 0);
	g_page = p + PAGE;
	CHECK_KILLED_BY(run_in_child(read_g_page), SIGSEGV);
	CHECK(p[0] == 5 && p[2 * PAGE] == 5);
	CHECK(munmap(p, 3 * PAGE) == 0);
	g_page = p;
	CHECK_KILLED_BY(run_in_child(touch_g_page), SIGSEGV);
}

static void mprotect_readonly_segv(void)
{
	unsigned char *p = map_anon(2 * PAGE);
	p[0] = 0x5a;
	CHECK(mprotect(p, PAGE, PROT_READ) == 0);
	CHECK(p[0] == 0x5a);
	g_page = p;
	CHECK_KILLED_BY(run_in_child(touch_g_page), SIGSEGV);
	p[PAGE] = 1; /* the second page is still writable */

	set_handler(SIGSEGV, fault_jump_handler, 0);
	if (sigsetjmp(fault_jmp, 1) == 0) {
		*(volatile unsigned char *)p = 2;
		CHECK(!"store to read-only page did not fault");
	}
	CHECK(got_sig == SIGSEGV && got_addr == (uintptr_t)p);

	CHECK(mprotect(p, PAGE, PROT_NONE) == 0);
	CHECK_KILLED_BY(run_in_child(read_g_page), SIGSEGV);
	CHECK(mprotect(p, PAGE, PROT_READ | PROT_WRITE) == 0);
	p[0] = 0x77;
	CHECK(p[0] == 0x77);
}

static void brk_grow_shrink(void)
{
	uintptr_t cur = (uintptr_t)syscall(SYS_brk, 0);
	CHECK(cur != 0);
	uintptr_t want = cur + 64 * 1024;
	CHECK((uintptr_t)syscall(SYS_brk, want) == want);
	memset((void *)cur, 0x11, want - cur);
	CHECK(((unsigned char *)cur)[want - cur - 1] == 0x11);
	CHECK((uintptr_t)syscall(SYS_brk, cur) == cur);
	g_page = (unsigned char *)(((cur + PAGE - 1) & ~(PAGE - 1)) + 8 * PAGE);
	CHECK_KILLED_BY(run_in_child(touch_g_page), SIGSEGV);
	/* An impossible break leaves it unchanged. */
	CHECK((uintptr_t)syscall(SYS_brk, 0xffff800000000000UL) == cur);
	CHECK((uintptr_t)syscall(SYS_brk, 0) == cur);
	/* Growing again yields zeroed memory. */
	CHECK((uintptr_t)syscall(SYS_brk, want) == want);
	CHECK(((unsigned char *)cur)[want - cur - 1] == 0);
}

/* ------------------------------------------------------------------------ */
/* SSE state.                                                               */
/* ------------------------------------------------------------------------ */

struct sse_regs {
	uint8_t x[16][16];
	uint32_t mxcsr;
};

#define SSE_LOAD(i) "movdqu " #i "*16(%[in]), %%xmm" #i "\n\t"
#define SSE_STORE(i) "movdqu %%xmm" #i ", " #i "*16(%[out])\n\t"
#define SSE_ALL(m)                                                                                 \
	m(0) m(1) m(2) m(3) m(4) m(5) m(6) m(7) m(8) m(9) m(10) m(11) m(12) m(13) m(14) m(15)
#define SSE_CLOBBERS                                                                               \
	"xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10",   \
	    "xmm11", "xmm12", "xmm13", "xmm14", "xmm15"

static void sse_fill(struct sse_regs *r, unsigned seed, uint32_t mxcsr)
{
	for (int i = 0; i < 16; i++)
		for (int j = 0; j < 16; j++)
			r->x[i][j] = (uint8_t)(seed * 31 + i * 17 + j * 3 + 1);
	r->mxcsr = mxcsr;
}

static void mxcsr_reset(void)
{
	uint32_t dflt = 0x1f80;
	asm volatile("ldmxcsr %0" : : "m"(dflt));
}

/* Load all xmm registers and MXCSR from in, make `yields` sched_yield calls
 * with a busy spin after each, then store them to out. One asm block, so the
 * compiler cannot use the registers in between. */
static void sse_hold_across_yields(const struct sse_regs *in, struct sse_regs *out, long yields,
                                   long spin)
{
	asm volatile("ldmxcsr %c[mx](%[in])\n\t" SSE_ALL(
	                 SSE_LOAD) "1:\n\t"
	                           "mov $24, %%eax\n\t"
	                           "syscall\n\t"
	                           "mov %[spin], %%rcx\n\t"
	                           "2: dec %%rcx\n\t"
	                           "jnz 2b\n\t"
	                           "dec %[n]\n\t"
	                           "jnz 1b\n\t" SSE_ALL(SSE_STORE) "stmxcsr %c[mx](%[out])\n\t"
	             : [n] "+r"(yields)
	             : [in] "r"(in), [out] "r"(out), [spin] "r"(spin),
	               [mx] "i"(offsetof(struct sse_regs, mxcsr))
	             : "rax", "rcx", "r11", "memory", SSE_CLOBBERS);
	mxcsr_reset();
}

/* Run a few rounds of sse_hold_across_yields; 1 if every value survived. */
static int sse_rounds(unsigned seed, uint32_t mxcsr)
{
	struct sse_regs in, out;
	for (unsigned round = 0; round < 3; round++) {
		sse_fill(&in, seed + round, mxcsr);
		memset(&out, 0, sizeof out);
		sse_hold_across_yields(&in, &out, 1000, 20000);
		if (memcmp(&in, &out, sizeof in) != 0)
			return 0;
	}
	return 1;
}

static void sse_state_isolated(void)
{
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(sse_rounds(100, 0x5f80) ? 0 : 1); /* round up */
	int ok = sse_rounds(7, 0x3f80);                 /* round down */
	CHECK(ok);
	CHECK_EXITED(wait_for(pid), 0);
}

/* Trash every xmm register and MXCSR; the kernel must restore them. */
static void sse_clobber_handler(int sig, siginfo_t *si, void *uc)
{
	(void)si, (void)uc;
	uint32_t mx = 0x7f80 | (3 << 13);
	asm volatile("ldmxcsr %0\n\t"
	             "pcmpeqd %%xmm0, %%xmm0\n\t"
	             "pcmpeqd %%xmm1, %%xmm1\n\t"
	             "pcmpeqd %%xmm2, %%xmm2\n\t"
	             "pcmpeqd %%xmm3, %%xmm3\n\t"
	             "pcmpeqd %%xmm4, %%xmm4\n\t"
	             "pcmpeqd %%xmm5, %%xmm5\n\t"
	             "pcmpeqd %%xmm6, %%xmm6\n\t"
	             "pcmpeqd %%xmm7, %%xmm7\n\t"
	             "pxor %%xmm8, %%xmm8\n\t"
	             "pxor %%xmm9, %%xmm9\n\t"
	             "pxor %%xmm10, %%xmm10\n\t"
	             "pxor %%xmm11, %%xmm11\n\t"
	             "pxor %%xmm12, %%xmm12\n\t"
	             "pxor %%xmm13, %%xmm13\n\t"
	             "pxor %%xmm14, %%xmm14\n\t"
	             "pxor %%xmm15, %%xmm15\n\t"
	             :
	             : "m"(mx)
	             : SSE_CLOBBERS);
	got_sig = sig;
}

static void sse_signal_handler_preserves(void)
{
	struct sse_regs in, out;
	set_handler(SIGUSR1, sse_clobber_handler, 0);
	sse_fill(&in, 55, 0x3f80);
	memset(&out, 0, sizeof out);
	long pid = getpid();
	asm volatile("ldmxcsr %c[mx](%[in])\n\t" SSE_ALL(
	                 SSE_LOAD) "mov $62, %%eax\n\t"
	                           "syscall\n\t" SSE_ALL(SSE_STORE) "stmxcsr %c[mx](%[out])\n\t"
	             :
	             : [in] "r"(&in), [out] "r"(&out), "D"(pid),
	               "S"((long)SIGUSR1), [mx] "i"(offsetof(struct sse_regs, mxcsr))
	             : "rax", "rcx", "r11", "memory", SSE_CLOBBERS);
	mxcsr_reset();
	CHECK(got_sig == SIGUSR1);
	CHECK(memcmp(in.x, out.x, sizeof in.x) == 0);
	CHECK(in.mxcsr == out.mxcsr);
}

static const struct test tests[] = {
    T(mmap_anon_rw),
    T(mmap_fixed),
    T(munmap_then_segv),
    T(mprotect_readonly_segv),
    T(brk_grow_shrink),
    T_SLOW(sse_state_isolated, 60),
    T(sse_signal_handler_preserves),
};

const struct test_area area_mem = TEST_AREA("mem", tests);
