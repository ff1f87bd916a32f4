/* fuzz/gen.c: the syscall list, the seeded generator, the ring of last calls, formatting (see
 * fuzz.h). */
#define _GNU_SOURCE
#include "fuzz.h"

/* The assembly stubs (see fuzz.h) and the exec target they use. */
uint64_t fuzz_exec_path, fuzz_exec_argv;
__asm__(".text\n"
        ".globl fuzz_forklike\n"
        "fuzz_forklike:\n"
        "	push %rbx\n"
        "	mov 16(%rsp), %rbx\n"
        "	mov %rdi, %rax\n"
        "	mov %rsi, %rdi\n"
        "	mov %rdx, %rsi\n"
        "	mov %rcx, %rdx\n"
        "	mov %r8, %r10\n"
        "	mov %r9, %r8\n"
        "	xor %r9d, %r9d\n"
        "	syscall\n"
        "	test %rax, %rax\n"
        "	jnz 1f\n"
        "	test %rbx, %rbx\n"
        "	jz 1f\n"
        "	cmp $2, %rbx\n"
        "	jne 2f\n"
        "	mov fuzz_exec_path(%rip), %rdi\n"
        "	mov fuzz_exec_argv(%rip), %rsi\n"
        "	xor %edx, %edx\n"
        "	mov $59, %eax\n"
        "	syscall\n"
        "2:	mov $60, %eax\n"
        "	mov $42, %edi\n"
        "	syscall\n"
        "	ud2\n"
        "1:	pop %rbx\n"
        "	ret\n"
        ".globl fuzz_restorer\n"
        "fuzz_restorer:\n"
        "	mov $15, %eax\n"
        "	syscall\n"
        "	ud2\n"
        ".globl fuzz_exit_stub\n"
        "fuzz_exit_stub:\n"
        "	mov $60, %eax\n"
        "	mov $0x33, %edi\n"
        "	syscall\n"
        "	ud2\n"
        ".globl fuzz_sigreturn_at\n"
        "fuzz_sigreturn_at:\n"
        "	mov %rdi, %rsp\n"
        "	mov $15, %eax\n"
        "	syscall\n"
        "	jmp fuzz_exit_stub\n");

/* ------------------------------------------------------------------------ */
/* The syscall list, the generator, the ring of last calls.                 */
/* ------------------------------------------------------------------------ */

#define SC_ENTRY(num, nm, k, props, params) {num, #nm, k},
const struct sc_info sc_list[] = {PROCYON_SYSCALLS(SC_ENTRY)};
const size_t nsc = sizeof sc_list / sizeof sc_list[0];

const char *sc_name(long nr)
{
	for (size_t i = 0; i < NSC; i++)
		if (sc_list[i].nr == nr)
			return sc_list[i].name;
	return "unknown";
}

/* What the driver reads from a worker through proc:PID/mem. */
struct worker_state wstate;

uint64_t rng;
int w_index, w_round, w_depth, w_verbose, w_nproc;
long w_pid, w_ppid;
long prot_pid[4]; /* never signalled, traced or joined: init, the driver */
int nprot;

uint64_t splitmix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ULL;
}
uint64_t rn(uint64_t n) { return n ? rnd() % n : 0; }
int chance(int pct) { return (int)rn(100) < pct; }

uint64_t chunk_seed(uint64_t seed, int round, int worker)
{
	return splitmix(seed ^ splitmix((uint64_t)round * 1000003u + (uint64_t)worker)) | 1;
}

/* ------------------------------------------------------------------------ */
/* Small formatting helpers that need no libc state (workers may lose TLS). */
/* ------------------------------------------------------------------------ */

size_t put_s(char *b, size_t at, size_t cap, const char *s)
{
	while (*s && at + 1 < cap)
		b[at++] = *s++;
	b[at] = 0;
	return at;
}

size_t put_x(char *b, size_t at, size_t cap, uint64_t v)
{
	char t[20];
	int n = 0;
	do
		t[n++] = "0123456789abcdef"[v & 15];
	while (v >>= 4);
	at = put_s(b, at, cap, "0x");
	while (n && at + 1 < cap)
		b[at++] = t[--n];
	b[at] = 0;
	return at;
}

size_t put_d(char *b, size_t at, size_t cap, int64_t v)
{
	char t[24];
	int n = 0;
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	do
		t[n++] = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		at = put_s(b, at, cap, "-");
	while (n && at + 1 < cap)
		b[at++] = t[--n];
	b[at] = 0;
	return at;
}

size_t format_call(char *b, size_t cap, const struct call_rec *c, int with_ret)
{
	size_t at = put_s(b, 0, cap, sc_name(c->nr));
	if (c->nr != (int)c->nr || !strcmp(sc_name(c->nr), "unknown")) {
		at = put_s(b, at, cap, "#");
		at = put_x(b, at, cap, (uint64_t)c->nr);
	}
	at = put_s(b, at, cap, "(");
	for (int i = 0; i < 6; i++) {
		if (i)
			at = put_s(b, at, cap, ", ");
		at = put_x(b, at, cap, c->a[i]);
	}
	at = put_s(b, at, cap, ")");
	if (with_ret) {
		at = put_s(b, at, cap, " = ");
		at = put_d(b, at, cap, c->ret);
	}
	return at;
}
