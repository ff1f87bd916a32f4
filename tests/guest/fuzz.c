/* fuzz: Procyon's own system call fuzzer (issue 8, item 9).
 *
 * The driver (this program, normally started by init) runs rounds until
 * ITER calls are made; in each round NPROC workers make up to CHUNK random
 * system calls each (fewer when they die, which they often do), from the
 * one syscall list (include/procyon/syscalls.h) plus unknown numbers, with
 * adversarial arguments: bad fds, NULL, kernel and non-canonical addresses,
 * unmapped, read-only and page-straddling pointers, huge and negative
 * lengths, random flags, random and scheme paths. They lean on proc:
 * (trace, mem, regs, sysfilter of siblings with random flags and images,
 * event reads, kills of tracers and tracees), fork/vfork/clone/exec/exit
 * storms, handlers that fault, rt_sigreturn of garbage, int3/ud2/TF.
 *
 * The driver watches each worker's call counter through proc:PID/mem: a
 * worker making no progress is poked (SIGCONT, SIGALRM), then SIGKILLed;
 * one that SIGKILL cannot end within HANG_S seconds is a hang (a kernel
 * bug): its last calls are printed. After each round every leftover process
 * is killed and /tmp is emptied; at the end sys:free_frames, sys:sessions,
 * sys:procs and sys:heap_bytes must be back at their baselines.
 *
 * Usage: fuzz                       short fixed-seed pass (make check)
 *        fuzz SEED ITER [NPROC [V]] ITER calls in all; V=1 prints every call
 *        fuzz -r SEED ROUND WORKER  replay one worker's chunk, every call printed
 * `make fuzz SEED=N ITER=M` boots with the second form (tools/run-fuzz).
 *
 * Reproducing a failure: every worker's generator is seeded from (seed,
 * round, worker), so `make fuzz SEED=N ITER=M` replays the same calls
 * (interleavings differ: TCG is not deterministic). A kernel panic shows the
 * last "fuzz: round R" line; `make fuzz SEED=N ITER=M VERBOSE=1` prints each
 * call before it is made, and `fuzz -r N R W` replays one chunk alone.
 *
 * Switches that avoid known kernel bugs are named FUZZ_AVOID_BUG_* below;
 * each says what it avoids. Build with -DFUZZ_AVOID_BUG_x=0 to hit it. */
#define _GNU_SOURCE
#include <procyon/ptrace.h>
#include <procyon/syscalls.h>
#include <procyon/user_regs.h>
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

/* Workers change their own fs base and run handlers on garbage frames: no
 * stack-protector canary reads through %fs in this file. */
#pragma GCC optimize("no-stack-protector")

#define DEFAULT_SEED 1
#define DEFAULT_ITER 4000
#define DEFAULT_NPROC 8
#define MAX_NPROC 32
#define CHUNK 50           /* calls per worker per round */
#define RING 16            /* last calls kept per worker */
#define POKE_MS 400        /* no progress this long: SIGCONT + SIGALRM */
#define STUCK_MS 4000      /* no progress this long: SIGKILL */
#define CHUNK_MAX_MS 30000 /* a chunk never runs longer than this */
#define HANG_S 10          /* SIGKILLed and still not gone: a hang */
#define LOG_FD 255         /* workers' verbose log (the console); never fuzzed */
#define ARENA 0x10000000UL /* scratch memory for arguments */
#define ARENA_PAGES 8
#define ARENA_SIZE (ARENA_PAGES * 4096UL)
#define GUARD (ARENA + ARENA_SIZE) /* kept unmapped: page-straddling pointers */
#define MAX_DEPTH 3                /* fork nesting inside a worker */
#define MAX_FDS 32

/* ------------------------------------------------------------------------ */
/* Raw system calls (no errno, no TLS: workers break their fs base).        */
/* ------------------------------------------------------------------------ */

static inline long sc6(long n, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long ret;
	__asm__ volatile("syscall"
	                 : "=a"(ret)
	                 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
	                 : "rcx", "r11", "memory");
	return ret;
}
#define sc0(n) sc6(n, 0, 0, 0, 0, 0, 0)
#define sc1(n, a) sc6(n, (long)(a), 0, 0, 0, 0, 0)
#define sc2(n, a, b) sc6(n, (long)(a), (long)(b), 0, 0, 0, 0)
#define sc3(n, a, b, c) sc6(n, (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define sc4(n, a, b, c, d) sc6(n, (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)

/* fork-like calls: fuzz_forklike(nr, a1..a5, mode). In the child, mode 0
 * returns 0 to C (own memory and stack), mode 1 exits at once, mode 2
 * execs fuzz_exec_path/fuzz_exec_argv and exits if that fails; modes 1
 * and 2 touch no memory, so they are safe on a shared (vfork) or garbage
 * stack. fuzz_restorer is an sa_restorer; fuzz_exit_stub exits 0x33. */
long fuzz_forklike(long nr, long a1, long a2, long a3, long a4, long a5, long mode);
void fuzz_restorer(void);
void fuzz_exit_stub(void);
void fuzz_sigreturn_at(uint64_t sp);
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

struct sc_info {
	int nr;
	const char *name, *kinds;
};
#define SC_ENTRY(num, nm, k, props, params) {num, #nm, k},
static const struct sc_info sc_list[] = {PROCYON_SYSCALLS(SC_ENTRY)};
#define NSC (sizeof sc_list / sizeof sc_list[0])

static const char *sc_name(long nr)
{
	for (size_t i = 0; i < NSC; i++)
		if (sc_list[i].nr == nr)
			return sc_list[i].name;
	return "unknown";
}

struct call_rec {
	int64_t nr;
	uint64_t a[6];
	int64_t ret;
};

/* What the driver reads from a worker through proc:PID/mem. */
static struct {
	uint64_t progress; /* calls started */
	struct call_rec ring[RING];
	uint16_t count[512], ok[512]; /* calls and successes per number (coverage) */
} wstate;

static uint64_t rng;
static int w_index, w_round, w_depth, w_verbose, w_nproc;
static long w_pid, w_ppid;
static long prot_pid[4]; /* never signalled, traced or joined: init, the driver */
static int nprot;

static uint64_t splitmix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ULL;
}
static uint64_t rn(uint64_t n) { return n ? rnd() % n : 0; }
static int chance(int pct) { return (int)rn(100) < pct; }

static uint64_t chunk_seed(uint64_t seed, int round, int worker)
{
	return splitmix(seed ^ splitmix((uint64_t)round * 1000003u + (uint64_t)worker)) | 1;
}

/* ------------------------------------------------------------------------ */
/* Small formatting helpers that need no libc state (workers may lose TLS). */
/* ------------------------------------------------------------------------ */

static size_t put_s(char *b, size_t at, size_t cap, const char *s)
{
	while (*s && at + 1 < cap)
		b[at++] = *s++;
	b[at] = 0;
	return at;
}

static size_t put_x(char *b, size_t at, size_t cap, uint64_t v)
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

static size_t put_d(char *b, size_t at, size_t cap, int64_t v)
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

static size_t format_call(char *b, size_t cap, const struct call_rec *c, int with_ret)
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

/* ------------------------------------------------------------------------ */
/* Argument generators.                                                     */
/* ------------------------------------------------------------------------ */

static int fds[MAX_FDS], nfds;         /* fds this worker opened */
static int trace_fds[MAX_FDS], ntrace; /* ... of them, proc: trace handles */
static int kid_pids[16], nkids;        /* children it forked */
static char *arena = (char *)ARENA;

static void note_fd(long fd, int is_trace)
{
	if (fd < 0 || fd >= LOG_FD)
		return;
	if (nfds < MAX_FDS)
		fds[nfds++] = (int)fd;
	else
		fds[rn(MAX_FDS)] = (int)fd;
	if (is_trace) {
		if (ntrace < MAX_FDS)
			trace_fds[ntrace++] = (int)fd;
		else
			trace_fds[rn(MAX_FDS)] = (int)fd;
	}
}

static long arg_fd(void)
{
	long fd;
	switch (rn(10)) {
	case 0:
	case 1:
	case 2:
	case 3: fd = nfds ? fds[rn(nfds)] : (long)rn(8); break;
	case 4: fd = ntrace ? trace_fds[rn(ntrace)] : 3; break;
	case 5:
	case 6: fd = (long)rn(24); break;
	case 7: fd = -1 - (long)rn(3); break;
	case 8: fd = -100; break; /* AT_FDCWD */
	default: {
		static const long odd[] = {LOG_FD + 1,         1024,
		                           0x7fffffff,         (long)0x80000000u,
		                           (long)0x100000003L, -0x7fffffffL};
		fd = odd[rn(sizeof odd / sizeof odd[0])];
	}
	}
	return fd == LOG_FD ? LOG_FD - 1 : fd;
}

/* Addresses that are not ordinary user memory. */
static uint64_t bad_ptr(void)
{
	static const uint64_t bad[] = {
	    0,
	    1,
	    8,
	    0xfff,
	    0xffff800000000000ULL, /* direct map */
	    0xffffffff80000000ULL, /* kernel image */
	    0xffffffff80100000ULL,
	    0x0000800000000000ULL, /* first non-canonical */
	    0x00007ffffffff000ULL, /* just past the stack */
	    0x00007fffffffffffULL,
	    0xfffffffffffff000ULL,
	    0x8000000000000000ULL,
	    GUARD,
	    GUARD + 100,
	    0x10000000000ULL,
	    0xdead0000ULL,
	};
	if (chance(15))
		return rnd();
	return bad[rn(sizeof bad / sizeof bad[0])];
}

/* A pointer for a buffer of len bytes: usually valid, often not. */
static uint64_t arg_ptr(uint64_t len)
{
	switch (rn(12)) {
	case 0:
	case 1:
	case 2:
	case 3:
	case 4: return ARENA + rn(ARENA_SIZE / 2);
	case 5: /* ends exactly at the guard page, or straddles it */
		return GUARD - (len < ARENA_SIZE ? len : 64) + (chance(50) ? rn(64) : 0);
	case 6: return (uint64_t)(uintptr_t)&fuzz_restorer; /* read-only text */
	case 7: return (uint64_t)(uintptr_t) "read-only string";
	case 8: return (uint64_t)(uintptr_t)fds; /* our own live state */
	default: return bad_ptr();
	}
}

static uint64_t arg_len(void)
{
	static const uint64_t lens[] = {0,
	                                1,
	                                7,
	                                8,
	                                16,
	                                63,
	                                64,
	                                65,
	                                128,
	                                216,
	                                512,
	                                4095,
	                                4096,
	                                4097,
	                                ARENA_SIZE,
	                                0x7ffff000,
	                                0x7fffffff,
	                                0x80000000ULL,
	                                0xffffffffULL,
	                                0xffffffffffffffffULL,
	                                0x8000000000000000ULL};
	if (chance(20))
		return rn(300);
	if (chance(5))
		return rnd();
	return lens[rn(sizeof lens / sizeof lens[0])];
}

static uint64_t arg_int(void)
{
	static const int64_t ints[] = {0,   1,   2,   3, -1, -2, 0x7fffffff, -0x80000000LL,
	                               255, 256, 1000};
	if (chance(30))
		return rn(40);
	if (chance(10))
		return rnd();
	return (uint64_t)ints[rn(sizeof ints / sizeof ints[0])];
}

static uint64_t arg_flags(void)
{
	switch (rn(5)) {
	case 0: return 0;
	case 1: return rn(16);
	case 2: return 1ULL << rn(64);
	case 3: return rnd() & 0xffffff;
	default: return rnd();
	}
}

static uint64_t open_flags(void)
{
	static const uint64_t bits[] = {O_WRONLY,  O_RDWR,     O_CREAT,    O_EXCL,
	                                O_TRUNC,   O_APPEND,   O_NONBLOCK, O_DIRECTORY,
	                                O_CLOEXEC, O_NOFOLLOW, O_NOCTTY};
	uint64_t f = 0;
	int n = (int)rn(4);
	for (int i = 0; i < n; i++)
		f |= bits[rn(sizeof bits / sizeof bits[0])];
	if (chance(5))
		f = rnd();
	return f;
}

/* The ppid field of proc:PID/status, through raw calls (workers may have
 * broken their TLS); -1 if unreadable. */
static long status_ppid(long pid)
{
	char path[32] = "proc:", buf[256];
	put_d(path, 5, sizeof path, pid);
	strcat(path, "/status");
	long fd = sc2(SYS_open, path, O_RDONLY);
	if (fd < 0)
		return -1;
	long n = sc3(SYS_read, fd, buf, sizeof buf - 1);
	sc1(SYS_close, fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	const char *v = strstr(buf, "\nppid ");
	return v ? strtol(v + 7, NULL, 10) : -1;
}

/* The driver, found afresh through proc: as the ancestor whose parent is
 * init, so that no variable a worker's calls may have overwritten (or a
 * program exec'd with odd arguments) can lose it. Cached per process. */
static long driver_pid(void)
{
	static long cached_for, cached;
	long me = sc0(SYS_getpid);
	if (cached_for != me) {
		long p = me;
		for (int i = 0; i < 64; i++) {
			long pp = status_ppid(p);
			if (pp <= 1)
				break;
			p = pp;
		}
		cached_for = me;
		cached = p;
	}
	return cached;
}

static int is_protected(long pid)
{
	if (pid == 1 || (pid != w_pid && pid == driver_pid()))
		return 1;
	for (int i = 0; i < nprot; i++)
		if (pid == prot_pid[i])
			return 1;
	return 0;
}

/* A pid near ours: most likely a sibling worker or one of their children. */
static long pick_pid(void)
{
	long p;
	switch (rn(10)) {
	case 0: p = w_pid; break;
	case 1: p = nkids ? kid_pids[rn(nkids)] : w_pid + 1; break;
	case 2:
	case 3:
	case 4:
	case 5: p = w_pid + (long)rn(6 * (uint64_t)w_nproc + 1) - 3 * w_nproc; break;
	case 6: p = (long)sc0(SYS_getpid) + 1; break;
	case 7: p = 1 + (long)rn(300); break;
	case 8: p = 0; break;
	default: {
		static const long odd[] = {-1, 0x7fffffff, 32768, 32767, 99999, -0x7fffffffL - 1};
		p = odd[rn(sizeof odd / sizeof odd[0])];
	}
	}
	return p;
}

/* A pid for a proc: path that may open a file with write access or a
 * trace session: never init or the driver. */
static long pick_proc_pid(void)
{
	long p = pick_pid();
	return p <= 0 || is_protected(p) ? w_pid : p;
}

/* Make a kill/tkill/tgkill target harmless to the harness: no -1, no
 * protected pid or process group, no group 0 if ours is protected. */
static long safe_target(long p)
{
	if (p == -1 || is_protected(p) || (p < 0 && (p == -0x7fffffffL - 1 || is_protected(-p))))
		return 0x7ffffff0;
	if (p == 0 && is_protected(sc1(SYS_getpgid, 0)))
		return 0x7ffffff0;
	return p;
}

static int pick_signal(void)
{
	static const int common[] = {SIGUSR1, SIGUSR2, SIGCHLD, SIGCONT, SIGSTOP, SIGTSTP,
	                             SIGSEGV, SIGTRAP, SIGILL,  SIGTERM, SIGALRM, SIGPIPE};
	if (chance(4))
		return SIGKILL;
	if (chance(50))
		return common[rn(sizeof common / sizeof common[0])];
	return (int)rn(70);
}

/* Path words; no digits and no names of sys: files that can be written
 * (poweroff, pid_max), no console (the test log) and no programs. */
static const char *const words[] = {
    "",
    ".",
    "..",
    "/",
    "//",
    "proc:",
    "sys:",
    "tmp:",
    "null:",
    "zero:",
    "pipe:",
    "file:",
    "/scheme",
    "/scheme/",
    "/tmp",
    "/tmp/",
    "bin",
    "dev",
    "null",
    "zero",
    "proc",
    "sys",
    "tmp",
    "self",
    "trace",
    "mem",
    "regs",
    "int",
    "float",
    "status",
    "maps",
    "exe",
    "cmdline",
    "sysfilter",
    "free_frames",
    "sessions",
    "procs",
    "heap_bytes",
    "uptime_ns",
    "x",
    "fz",
    "a:b",
    "\xff\xfe",
    "nosuch:",
    ":",
    "unknownscheme",
    "%s",
};

static const char *const proc_files[] = {
    "",    "trace",   "mem",  "regs/int", "regs/float", "sysfilter", "status", "maps",
    "exe", "cmdline", "regs", "regs/",    "regs/nope",  "trace/x",   "nope"};

static const char *const fixed_paths[] = {"/tmp/fz",
                                          "/tmp/fz/a",
                                          "/tmp/fz/b",
                                          "/tmp/fz/a/c",
                                          "/tmp/x",
                                          "tmp:y",
                                          "/tmp",
                                          "/",
                                          "/bin",
                                          "/bin/ls",
                                          "/bin/fuzz",
                                          "/dev/null",
                                          "/dev/zero",
                                          "null:",
                                          "zero:",
                                          "pipe:",
                                          "sys:",
                                          "sys:free_frames",
                                          "sys:procs",
                                          "sys:sessions",
                                          "sys:uptime_ns",
                                          "proc:",
                                          "proc:self",
                                          "proc:self/status",
                                          "/scheme",
                                          "/scheme/proc/self/maps",
                                          "/nonexistent",
                                          "file:/bin",
                                          "tmp:",
                                          ".",
                                          "..",
                                          "fz",
                                          "/tmp/fz/../../tmp/fz/./a",
                                          "/tmp/fz",
                                          "/tmp/fz/a",
                                          "/tmp/q",
                                          "/tmp/fz/b/d"};

/* Write a path into the arena and return its address (or a bad pointer). */
static uint64_t arg_path(void)
{
	char *p = arena + ARENA_SIZE / 2 + rn(4) * 1024;
	size_t at = 0, cap = 1000;
	p[0] = 0;
	switch (rn(10)) {
	case 0:
	case 1:
	case 2:
		at = put_s(p, 0, cap, fixed_paths[rn(sizeof fixed_paths / sizeof fixed_paths[0])]);
		break;
	case 3:
	case 4:
	case 5: { /* proc: paths of ourselves and siblings */
		long pid = pick_proc_pid();
		at = put_s(p, 0, cap, chance(80) ? "proc:" : "/scheme/proc/");
		if (pid == w_pid && chance(50))
			at = put_s(p, at, cap, "self");
		else
			at = put_d(p, at, cap, pid);
		at = put_s(p, at, cap, "/");
		at = put_s(p, at, cap, proc_files[rn(sizeof proc_files / sizeof proc_files[0])]);
		if (chance(5))
			at = put_s(p, at, cap, "/..");
		break;
	}
	case 6:
	case 7: { /* random words */
		int n = 1 + (int)rn(6);
		for (int i = 0; i < n; i++) {
			at = put_s(p, at, cap, words[rn(sizeof words / sizeof words[0])]);
			if (chance(50))
				at = put_s(p, at, cap, "/");
		}
		break;
	}
	case 8: { /* long or unterminated at the guard page */
		if (chance(50)) {
			size_t len = 200 + rn(700);
			memset(p, chance(50) ? 'a' : '/', len);
			p[len] = 0;
		} else {
			char *q = (char *)GUARD - 1 - rn(8);
			memset(q, 'z', (size_t)((char *)GUARD - q));
			return (uint64_t)(uintptr_t)q;
		}
		break;
	}
	default: return bad_ptr();
	}
	(void)at;
	return (uint64_t)(uintptr_t)p;
}

/* Fill len arena bytes at a random offset with random data; return it. */
static uint64_t random_blob(size_t len)
{
	if (len > ARENA_SIZE / 2)
		len = ARENA_SIZE / 2;
	uint64_t *q = (uint64_t *)(uintptr_t)(ARENA + (rn(ARENA_SIZE / 4) & ~7UL));
	for (size_t i = 0; i < (len + 7) / 8; i++)
		q[i] = chance(50) ? rnd() : (chance(50) ? arg_int() : bad_ptr());
	return (uint64_t)(uintptr_t)q;
}

/* A timespec that is usually short (calls that sleep stay bounded). */
static uint64_t arg_timespec(void)
{
	if (chance(15))
		return arg_ptr(16);
	int64_t *t = (int64_t *)(uintptr_t)(ARENA + 8 * rn(64));
	t[0] = chance(5) ? (int64_t)rnd() : 0;
	t[1] = chance(10) ? (int64_t)rnd() : (int64_t)rn(20000000);
	return (uint64_t)(uintptr_t)t;
}

/* ------------------------------------------------------------------------ */
/* Making a call.                                                           */
/* ------------------------------------------------------------------------ */

static void log_call(const struct call_rec *c)
{
	char b[320];
	size_t at = put_s(b, 0, sizeof b, "fz w");
	at = put_d(b, at, sizeof b, w_index);
	at = put_s(b, at, sizeof b, " r");
	at = put_d(b, at, sizeof b, w_round);
	at = put_s(b, at, sizeof b, " p");
	at = put_d(b, at, sizeof b, sc0(SYS_getpid));
	at = put_s(b, at, sizeof b, ": ");
	size_t n = format_call(b + at, sizeof b - at - 1, c, 0);
	at += n;
	const char *kinds = "";
	for (size_t i = 0; i < NSC; i++)
		if (sc_list[i].nr == c->nr)
			kinds = sc_list[i].kinds;
	for (size_t i = 0, nk = strlen(kinds); i < 6 && i < nk;
	     i++) { /* paths in our arena, shown */
		if (kinds[i] != 's' || c->a[i] < ARENA || c->a[i] >= GUARD - 64)
			continue;
		const char *str = (const char *)(uintptr_t)c->a[i];
		at = put_s(b, at, sizeof b - 1, " \"");
		for (int k = 0; k < 60 && str[k] && at + 2 < sizeof b; k++)
			b[at++] = str[k] >= 32 && str[k] < 127 ? str[k] : '?';
		at = put_s(b, at, sizeof b - 1, "\"");
	}
	b[at++] = '\n';
	sc3(SYS_write, LOG_FD, b, at);
}

static long do_call(long nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                    uint64_t a5)
{
	struct call_rec *c = &wstate.ring[wstate.progress % RING];
	c->nr = nr;
	c->a[0] = a0, c->a[1] = a1, c->a[2] = a2, c->a[3] = a3, c->a[4] = a4, c->a[5] = a5;
	c->ret = -4095;
	wstate.progress++;
	if (w_verbose)
		log_call(c);
	long r = sc6(nr, (long)a0, (long)a1, (long)a2, (long)a3, (long)a4, (long)a5);
	c->ret = r;
	if (nr >= 0 && nr < 512) {
		wstate.count[nr]++;
		wstate.ok[nr] += r >= 0 || r < -4095;
	}
	return r;
}

static void h_alarm(int sig) { (void)sig; }

/* Our own SIGALRM handler (the driver's poke) and an unblocked SIGALRM. */
static void restore_alarm(void)
{
	struct k_sigaction {
		uint64_t handler, flags, restorer, mask;
	} sa = {(uint64_t)(uintptr_t)h_alarm, 0x04000000, (uint64_t)(uintptr_t)fuzz_restorer, 0};
	sc4(SYS_rt_sigaction, SIGALRM, &sa, 0, 8);
	uint64_t m = 1ULL << (SIGALRM - 1);
	sc4(SYS_rt_sigprocmask, SIG_UNBLOCK, &m, 0, 8);
}

/* The arena mapped read-write again, the guard page unmapped. */
static void restore_arena(void)
{
	sc6(SYS_mmap, ARENA, ARENA_SIZE, 3, 0x32 /* PRIVATE|ANON|FIXED */, -1, 0);
	sc2(SYS_munmap, GUARD, 4096);
}

/* Signal handlers fuzzed processes install. */
static void h_ret(int sig) { (void)sig; }
static void h_fault(int sig)
{
	(void)sig;
	__asm__ volatile("movl $1, 8" ::: "memory"); /* a store to page 0 */
}
static void h_ud2(int sig)
{
	(void)sig;
	__asm__ volatile("ud2");
}
static void h_int3(int sig)
{
	(void)sig;
	__asm__ volatile("int3");
}
/* Edits the interrupted context: past a ud2, TF off, or to the exit stub. */
static void h_fixup(int sig, siginfo_t *si, void *ucp)
{
	(void)si;
	ucontext_t *uc = ucp;
	if (sig == SIGILL)
		uc->uc_mcontext.gregs[REG_RIP] += 2;
	else if (sig == SIGTRAP)
		uc->uc_mcontext.gregs[REG_EFL] &= ~0x100L;
	else if (sig == SIGSEGV || sig == SIGBUS)
		uc->uc_mcontext.gregs[REG_RIP] = (long)(uintptr_t)fuzz_exit_stub;
	else if (rng & 1)
		uc->uc_mcontext.gregs[REG_EFL] |= 0x100L; /* single-step what follows */
}
static void h_recurse(int sig)
{
	static int depth;
	if (depth++ < 3)
		sc2(SYS_kill, sc0(SYS_getpid), sig);
	depth--;
}
static void h_sigreturn(int sig)
{
	(void)sig;
	fuzz_sigreturn_at(ARENA + 2048);
}

static uint64_t pick_handler(void)
{
	static void *const hs[] = {(void *)h_ret,       (void *)h_fault, (void *)h_ud2,
	                           (void *)h_int3,      (void *)h_fixup, (void *)h_recurse,
	                           (void *)h_sigreturn, (void *)h_fixup, (void *)h_ret};
	switch (rn(6)) {
	case 0: return 0; /* SIG_DFL */
	case 1: return 1; /* SIG_IGN */
	case 2: return bad_ptr();
	case 3: return ARENA; /* not executable */
	default: return (uint64_t)(uintptr_t)hs[rn(sizeof hs / sizeof hs[0])];
	}
}

static uint64_t arg_sigaction(void)
{
	if (chance(10))
		return arg_ptr(32);
	uint64_t *sa = (uint64_t *)(uintptr_t)(ARENA + 256 + 32 * rn(8));
	static const uint64_t fl[] = {
	    4 /* SIGINFO */,          0x08000000 /* ONSTACK */,   0x10000000 /* RESTART */,
	    0x40000000 /* NODEFER */, 0x80000000 /* RESETHAND */, 1 /* NOCLDSTOP */};
	sa[0] = pick_handler();
	sa[1] = chance(85) ? 0x04000000 : 0; /* SA_RESTORER */
	for (int i = (int)rn(3); i > 0; i--)
		sa[1] |= fl[rn(sizeof fl / sizeof fl[0])];
	if (chance(5))
		sa[1] = rnd();
	sa[2] = chance(85) ? (uint64_t)(uintptr_t)fuzz_restorer : bad_ptr();
	sa[3] = chance(70) ? 0 : rnd();
	return (uint64_t)(uintptr_t)sa;
}

/* An iovec array in the arena, entries pointing anywhere. */
static uint64_t arg_iovec(int n)
{
	uint64_t *v = (uint64_t *)(uintptr_t)(ARENA + 4096 + 16 * rn(32));
	for (int i = 0; i < n && i < 32; i++) {
		uint64_t len = chance(70) ? rn(200) : arg_len();
		v[2 * i] = arg_ptr(len);
		v[2 * i + 1] = len;
	}
	return chance(90) ? (uint64_t)(uintptr_t)v : arg_ptr(16);
}

/* ------------------------------------------------------------------------ */
/* proc: operations on ourselves and siblings.                              */
/* ------------------------------------------------------------------------ */

static void proc_op(void)
{
	char *path = arena + ARENA_SIZE / 2 + 3072;
	long pid = pick_proc_pid();
	size_t at = put_s(path, 0, 512, "proc:");
	at = put_d(path, at, 512, pid);
	switch (rn(12)) {
	case 0:
	case 1:
	case 2: { /* open trace with random flags */
		put_s(path, at, 512, "/trace");
		uint64_t fl = (chance(80) ? O_RDWR : rn(4)) | (chance(30) ? O_TRUNC : 0) |
		              (chance(15) ? O_EXCL : 0) | (chance(50) ? O_NONBLOCK : 0) |
		              (chance(5) ? rnd() & 0xfffff : 0);
		long fd = do_call(SYS_open, (uint64_t)(uintptr_t)path, fl, 0, 0, 0, 0);
		note_fd(fd, 1);
		break;
	}
	case 3:
	case 4: { /* request flags */
		if (!ntrace)
			return;
		uint64_t *fl = (uint64_t *)(uintptr_t)(ARENA + 512);
		fl[0] = chance(85)
		            ? rnd() & (PTRACE_STOP_MASK | PTRACE_EVENT_CLONE | PTRACE_FLAG_IGNORE)
		            : rnd();
		if (chance(20))
			fl[0] = 0;
		long fd = trace_fds[rn(ntrace)];
		do_call(SYS_write, fd, chance(90) ? (uint64_t)(uintptr_t)fl : arg_ptr(8),
		        chance(90) ? 8 : arg_len(), 0, 0, 0);
		break;
	}
	case 5:
	case 6: { /* event reads and polls */
		if (!ntrace)
			return;
		long fd = trace_fds[rn(ntrace)];
		if (chance(70)) {
			do_call(SYS_read, fd, arg_ptr(64),
			        chance(80) ? 64 * (1 + rn(3)) : arg_len(), 0, 0, 0);
		} else {
			int32_t *pfd = (int32_t *)(uintptr_t)(ARENA + 600);
			pfd[0] = (int32_t)fd;
			pfd[1] = POLLIN | POLLHUP;
			do_call(SYS_poll, (uint64_t)(uintptr_t)pfd, 1, rn(30), 0, 0, 0);
		}
		break;
	}
	case 7:
	case 8: { /* registers: read, mutate, write back */
		int fl = chance(50);
		put_s(path, at, 512, fl ? "/regs/float" : "/regs/int");
		long fd = do_call(SYS_open, (uint64_t)(uintptr_t)path, chance(80) ? O_RDWR : 0, 0,
		                  0, 0, 0);
		if (fd < 0)
			return;
		size_t sz = fl ? sizeof(struct user_fpregs) : sizeof(struct user_regs);
		uint64_t *img = (uint64_t *)(uintptr_t)(ARENA + 8192);
		do_call(SYS_pread64, fd, (uint64_t)(uintptr_t)img, sz, 0, 0, 0);
		for (int i = (int)rn(4); i >= 0; i--) {
			size_t w = rn(sz / 8);
			switch (rn(4)) {
			case 0: img[w] = rnd(); break;
			case 1: img[w] ^= 1ULL << rn(64); break;
			case 2: img[w] = bad_ptr(); break;
			default: img[w] = arg_int(); break;
			}
		}
		do_call(SYS_pwrite64, fd, chance(95) ? (uint64_t)(uintptr_t)img : arg_ptr(sz),
		        chance(90) ? sz : arg_len(), chance(90) ? 0 : arg_int(), 0, 0);
		do_call(SYS_close, fd, 0, 0, 0, 0, 0);
		break;
	}
	case 9: { /* mem: read or write at interesting addresses */
		put_s(path, at, 512, "/mem");
		long fd = do_call(SYS_open, (uint64_t)(uintptr_t)path, chance(60) ? O_RDWR : 0, 0,
		                  0, 0, 0);
		if (fd < 0)
			return;
		uint64_t off;
		switch (rn(5)) {
		case 0: off = (uint64_t)(uintptr_t)&wstate; break;
		case 1: off = ARENA + rn(ARENA_SIZE); break;
		case 2: off = (uint64_t)(uintptr_t)&fuzz_restorer; break;
		case 3: off = GUARD - rn(100); break;
		default: off = bad_ptr(); break;
		}
		uint64_t len = chance(80) ? rn(5000) : arg_len();
		long nr = chance(50) ? SYS_pread64 : SYS_pwrite64;
		do_call(nr, fd, nr == SYS_pwrite64 ? random_blob(64) : arg_ptr(len), len, off, 0,
		        0);
		if (chance(70))
			do_call(SYS_close, fd, 0, 0, 0, 0, 0);
		else
			note_fd(fd, 0);
		break;
	}
	case 10: { /* sysfilter */
		put_s(path, at, 512, "/sysfilter");
		long fd = do_call(SYS_open, (uint64_t)(uintptr_t)path, chance(70) ? O_RDWR : 0, 0,
		                  0, 0, 0);
		if (fd < 0)
			return;
		if (chance(50))
			do_call(SYS_read, fd, arg_ptr(64), chance(80) ? 64 : arg_len(), 0, 0, 0);
		else
			do_call(SYS_pwrite64, fd, random_blob(64), chance(80) ? 64 : arg_len(),
			        chance(90) ? 0 : arg_int(), 0, 0);
		do_call(SYS_close, fd, 0, 0, 0, 0, 0);
		break;
	}
	default: { /* kill a tracer or tracee (a sibling) at a random moment */
		long t = safe_target(pick_pid());
		do_call(SYS_kill, t, chance(50) ? SIGKILL : pick_signal(), 0, 0, 0, 0);
		break;
	}
	}
}

/* ------------------------------------------------------------------------ */
/* One random call from the list (or an unknown number).                    */
/* ------------------------------------------------------------------------ */

static void run_calls(int n);

/* The child side of a fork made in C: a few calls, then exit. */
static _Noreturn void child_body(void)
{
	rng = splitmix(rng ^ 0x5eed);
	w_pid = sc0(SYS_getpid);
	nkids = 0;
	w_depth++;
	run_calls(1 + (int)rn(12));
	sc1(SYS_exit_group, rn(256));
	for (;;)
		;
}

static void prepare_exec(void)
{
	static const char *const progs[] = {"/bin/true", "/bin/false",   "/bin/echo", "/bin/uname",
	                                    "/bin/fuzz", "/nonexistent", "/tmp",      "sys:procs"};
	static char *argv[6];
	argv[4] = NULL;
	const char *prog = progs[rn(sizeof progs / sizeof progs[0])];
	argv[0] = (char *)prog;
	argv[1] = chance(50) ? "-x" : "\xff";
	argv[2] = chance(50) ? "hello" : NULL;
	argv[3] = NULL;
	fuzz_exec_path = (uint64_t)(uintptr_t)prog;
	fuzz_exec_argv = chance(90) ? (uint64_t)(uintptr_t)argv : bad_ptr();
	if (!strcmp(prog, "/bin/fuzz")) { /* its -x mode: a few calls of its own */
		static char seedbuf[24], drvbuf[24];
		put_d(seedbuf, 0, sizeof seedbuf, (int64_t)(rnd() >> 1));
		put_d(drvbuf, 0, sizeof drvbuf, prot_pid[1]);
		argv[1] = "-x";
		argv[2] = seedbuf;
		argv[3] = drvbuf; /* the driver: protected in the new program too */
		argv[4] = NULL;
	}
}

/* fork, vfork or clone; the child does a few calls or execs or exits. */
static void fork_call(long nr)
{
	if (w_depth >= MAX_DEPTH || nkids >= 16) {
		do_call(SYS_getpid, 0, 0, 0, 0, 0, 0);
		return;
	}
	uint64_t a[5] = {0, 0, 0, 0, 0};
	long mode = chance(60) ? 0 : 1 + (long)rn(2);
	if (nr == SYS_clone) {
		static const uint64_t cl[] = {0x100 /* VM */,
		                              0x4000 /* VFORK */,
		                              0x80000 /* SETTLS */,
		                              0x100000 /* PARENT_SETTID */,
		                              0x200000 /* CHILD_CLEARTID */,
		                              0x1000000 /* CHILD_SETTID */,
		                              0x10000 /* THREAD */,
		                              0x800 /* SIGHAND */,
		                              0x8000 /* PARENT */};
		a[0] = SIGCHLD;
		for (int i = (int)rn(4); i > 0; i--)
			a[0] |= cl[rn(sizeof cl / sizeof cl[0])];
		if (chance(5))
			a[0] = rnd();
		a[1] = chance(70) ? 0 : (chance(50) ? ARENA + 2048 : bad_ptr());
		a[2] = arg_ptr(4);
		a[3] = arg_ptr(4);
		a[4] = chance(50) ? 0 : bad_ptr();
		if ((a[0] & 0x100) || a[1] || (a[0] & 0x80000))
			mode = 1 + (long)rn(2); /* shared memory, other stack or TLS: asm only */
	}
	if (nr == SYS_vfork)
		mode = 1 + (long)rn(2);
	if (mode == 2)
		prepare_exec();
	struct call_rec *c = &wstate.ring[wstate.progress % RING];
	c->nr = nr;
	for (int i = 0; i < 5; i++)
		c->a[i] = a[i];
	c->a[5] = (uint64_t)mode;
	wstate.progress++;
	if (w_verbose)
		log_call(c);
	long r =
	    fuzz_forklike(nr, (long)a[0], (long)a[1], (long)a[2], (long)a[3], (long)a[4], mode);
	if (r == 0)
		child_body();
	c->ret = r;
	wstate.count[nr]++;
	wstate.ok[nr] += r >= 0;
	if (r > 0)
		kid_pids[nkids++] = (int)r;
}

/* Dangerous things done only in a forked child, which then dies. */
static void special_child(void)
{
	if (w_depth >= MAX_DEPTH || nkids >= 16)
		return;
	long r = do_call(SYS_fork, 0, 0, 0, 0, 0, 0);
	if (r > 0)
		kid_pids[nkids++] = (int)r;
	if (r != 0)
		return;
	rng = splitmix(rng ^ 0xc41d);
	w_pid = sc0(SYS_getpid);
	nkids = 0;
	w_depth = MAX_DEPTH; /* no further forks below */
	if (chance(50)) {    /* a handler that may fault, and a signal for it */
		int sig = chance(50) ? pick_signal() : (int)(SIGILL + rn(8));
		do_call(SYS_rt_sigaction, sig, arg_sigaction(), 0, 8, 0, 0);
	}
	switch (rn(9)) {
	case 0: do_call(SYS_kill, w_pid, pick_signal(), 0, 0, 0, 0); break;
	case 1: __asm__ volatile("int3"); break;
	case 2: __asm__ volatile("ud2"); break;
	case 3: /* TF set by popf: a trap after the next instruction */
		__asm__ volatile("pushfq\n\torq $0x100, (%%rsp)\n\tpopfq\n\tnop\n\tnop" ::
		                     : "memory", "cc");
		break;
	case 4: { /* rt_sigreturn of garbage, or of a plausible frame */
		uint64_t *f = (uint64_t *)(uintptr_t)(ARENA + 1024);
		for (int i = 0; i < 128; i++)
			f[i] = chance(50) ? rnd() : arg_int();
		if (chance(50)) {
			/* ucontext after the 8-byte return address: gregs from word 5 */
			f[5 + 16] = (uint64_t)(uintptr_t)fuzz_exit_stub; /* rip */
			f[5 + 15] = ARENA + 3000;                        /* rsp */
			f[5 + 17] = chance(50) ? 0x202 : rnd();          /* rflags */
			f[5 + 18] = chance(70) ? 0x2b0023 : rnd();       /* cs, gs, fs, ss */
			f[5 + 20] = chance(50) ? 0 : rnd();              /* err/trapno */
			f[5 + 23] = chance(50) ? 0 : arg_ptr(512);       /* fpstate */
		}
		struct call_rec *c = &wstate.ring[wstate.progress++ % RING];
		c->nr = SYS_rt_sigreturn;
		c->a[0] = ARENA + 1024 + 8;
		if (w_verbose)
			log_call(c);
		fuzz_sigreturn_at(ARENA + 1024 + 8);
		break;
	}
	case 5: /* a fault: NULL, kernel address, non-canonical, jump to data */
		switch (rn(4)) {
		case 0: *(volatile int *)(uintptr_t)bad_ptr() = 1; break;
		case 1: (void)*(volatile int *)(uintptr_t)0xffff800000001000ULL; break;
		case 2: ((void (*)(void))(uintptr_t)ARENA)(); break;
		default: ((void (*)(void))(uintptr_t)bad_ptr())(); break;
		}
		break;
	case 6: { /* exec something, good or bad */
		prepare_exec();
		do_call(SYS_execve, fuzz_exec_path, fuzz_exec_argv, chance(80) ? 0 : bad_ptr(), 0,
		        0, 0);
		break;
	}
	case 7: { /* a fork storm */
		int n = 2 + (int)rn(5);
		for (int i = 0; i < n; i++) {
			long k = do_call(SYS_fork, 0, 0, 0, 0, 0, 0);
			if (k == 0) {
				if (chance(50)) {
					prepare_exec();
					do_call(SYS_execve, fuzz_exec_path, fuzz_exec_argv, 0, 0, 0,
					        0);
				}
				sc1(SYS_exit, i);
			}
		}
		if (chance(50))
			for (int i = 0; i < n; i++)
				do_call(SYS_wait4, -1, arg_ptr(4), chance(50) ? WNOHANG : 0, 0, 0,
				        0);
		break;
	}
	default: run_calls(1 + (int)rn(6)); break;
	}
	do_call(chance(50) ? SYS_exit : SYS_exit_group, arg_int(), 0, 0, 0, 0, 0);
	for (;;)
		;
}

static void random_call(void)
{
	uint64_t a[6];
	long nr;
	if (chance(3)) { /* unknown numbers, and numbers with high bits set */
		static const int64_t odd[] = {-1,
		                              512,
		                              513,
		                              1000,
		                              0x7fffffff,
		                              0x100000000LL,
		                              0x100000027LL /* getpid + 2^32 */,
		                              -0x7fffffffLL};
		nr = chance(50) ? (long)odd[rn(sizeof odd / sizeof odd[0])] : (long)rn(600);
		for (size_t i = 0; i < NSC; i++)
			if (sc_list[i].nr == nr && nr != SYS_getpid)
				nr = 511;
		for (int i = 0; i < 6; i++)
			a[i] = rnd();
		do_call(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
		return;
	}
	const struct sc_info *s = &sc_list[rn(NSC)];
	nr = s->nr;
	/* Generic arguments from the kinds string, then per-call shaping. */
	uint64_t pending_len = arg_len();
	size_t nk = strlen(s->kinds);
	for (size_t i = 0; i < 6; i++) {
		char k = i < nk ? s->kinds[i] : 0;
		switch (k) {
		case 0: a[i] = chance(90) ? 0 : rnd(); break;
		case 'i': a[i] = arg_int(); break;
		case 'u': a[i] = (i > 0 && s->kinds[i - 1] == 'b') ? pending_len : arg_len(); break;
		case 'x': a[i] = chance(50) ? arg_ptr(64) : arg_flags(); break;
		case 's': a[i] = arg_path(); break;
		case 'b':
			a[i] = arg_ptr(pending_len);
			if (chance(30))
				random_blob(64);
			break;
		case 'o': a[i] = open_flags(); break;
		case 'f': a[i] = (uint64_t)arg_fd(); break;
		default: a[i] = rnd(); break;
		}
	}
	switch (nr) {
	case SYS_exit:
	case SYS_exit_group:
	case SYS_rt_sigreturn:
		special_child(); /* only in a child that ends */
		return;
	case SYS_fork:
	case SYS_vfork:
	case SYS_clone: fork_call(nr); return;
	case SYS_execve: { /* in the worker itself: only calls that must fail */
		static const char *const nope[] = {
		    "/tmp", "/bin", "sys:procs", "/nonexistent", "proc:self/status", "null:", ""};
		if (chance(70))
			a[0] = (uint64_t)(uintptr_t)nope[rn(sizeof nope / sizeof nope[0])];
		else if (chance(50))
			a[0] = bad_ptr();
		else
			a[0] = (uint64_t)(uintptr_t)memcpy((char *)GUARD - 5, "/bin/", 5);
		a[1] = chance(50) ? 0 : arg_ptr(64);
		a[2] = chance(50) ? 0 : arg_ptr(64);
		break;
	}
	case SYS_open:
	case SYS_openat: {
		long fd = do_call(nr, a[0], a[1], a[2], a[3], 0, 0);
		note_fd(fd, 0);
		return;
	}
	case SYS_dup:
	case SYS_dup2:
	case SYS_dup3: {
		long fd = do_call(nr, a[0], a[1], a[2], 0, 0, 0);
		note_fd(fd, 0);
		return;
	}
	case SYS_pipe:
	case SYS_pipe2: {
		int32_t *p = (int32_t *)(uintptr_t)(ARENA + 640);
		if (chance(85))
			a[0] = (uint64_t)(uintptr_t)p;
		if (nr == SYS_pipe2 && chance(70))
			a[1] = (chance(70) ? O_NONBLOCK : 0) | (chance(30) ? O_CLOEXEC : 0);
		if (do_call(nr, a[0], a[1], 0, 0, 0, 0) == 0 && a[0] == (uint64_t)(uintptr_t)p) {
			note_fd(p[0], 0);
			note_fd(p[1], 0);
		}
		return;
	}
	case SYS_kill:
		a[0] = (uint64_t)safe_target(pick_pid());
		a[1] = (uint64_t)pick_signal();
		break;
	case SYS_prlimit64:         /* never the harness's limits (an RLIMIT_NOFILE of 0 */
	case SYS_sched_setaffinity: /* would leave the driver unable to open sys:) */
		a[0] = (uint64_t)(chance(50) ? 0 : pick_proc_pid());
		break;
	case SYS_tkill:
		a[0] = (uint64_t)safe_target(pick_pid());
		a[1] = (uint64_t)pick_signal();
		break;
	case SYS_tgkill: {
		long p = safe_target(pick_pid());
		a[0] = (uint64_t)(chance(70) ? p : safe_target(pick_pid()));
		a[1] = (uint64_t)p;
		if (p <= 0 || is_protected((long)a[0]) || (long)a[0] == -1)
			a[0] = a[1] = 0x7ffffff0;
		a[2] = (uint64_t)pick_signal();
		break;
	}
	case SYS_setpgid: {
		a[0] = (uint64_t)(chance(50) ? 0 : pick_pid());
		long g = chance(30) ? 0 : pick_pid();
		a[1] = (uint64_t)(is_protected(g) || g == 1 ? 0 : g);
		break;
	}
	case SYS_wait4:
		a[0] = (uint64_t)(chance(50) ? -1 : pick_pid());
		a[2] = chance(80) ? WNOHANG | (chance(30) ? WUNTRACED : 0) : arg_flags();
		break;
	case SYS_nanosleep: a[0] = arg_timespec(); break;
	case SYS_clock_nanosleep:
		a[0] = chance(80) ? rn(2) : arg_int();
		a[1] = chance(90) ? 0 : arg_flags(); /* TIMER_ABSTIME would sleep until then */
		a[2] = arg_timespec();
		break;
	case SYS_poll:
	case SYS_ppoll: {
		int32_t *pfd = (int32_t *)(uintptr_t)(ARENA + 700);
		int n = (int)rn(6);
		for (int i = 0; i < n; i++) {
			pfd[2 * i] = (int32_t)arg_fd();
			pfd[2 * i + 1] = (int32_t)(chance(80) ? rn(64) : rnd());
		}
		if (chance(80))
			a[0] = (uint64_t)(uintptr_t)pfd;
		a[1] = chance(90) ? (uint64_t)n : arg_len();
		if (nr == SYS_poll) {
			a[2] = chance(90) ? rn(30) : arg_int();
		} else {
			a[2] = arg_timespec();
			a[3] = chance(60) ? 0 : random_blob(8);
			a[4] = chance(85) ? 8 : arg_len();
		}
		break;
	}
	case SYS_select:
	case SYS_pselect6: {
		uint64_t *sets = (uint64_t *)(uintptr_t)(ARENA + 800);
		for (int i = 0; i < 12; i++)
			sets[i] = chance(20) ? rnd() : rn(1024) & rnd();
		a[0] = chance(80) ? rn(70) : arg_int();
		for (int i = 1; i < 4; i++)
			a[i] = chance(70) ? (uint64_t)(uintptr_t)&sets[4 * (i - 1)] : arg_ptr(128);
		if (nr == SYS_select) {
			int64_t *tv = (int64_t *)(uintptr_t)(ARENA + 900);
			tv[0] = 0;
			tv[1] = chance(90) ? (int64_t)rn(20000) : (int64_t)rnd();
			a[4] = chance(85) ? (uint64_t)(uintptr_t)tv : arg_ptr(16);
		} else {
			a[4] = arg_timespec();
			uint64_t *sm = (uint64_t *)(uintptr_t)(ARENA + 940);
			sm[0] = chance(70) ? random_blob(8) : bad_ptr();
			sm[1] = chance(80) ? 8 : arg_len();
			a[5] =
			    chance(40) ? 0 : (chance(80) ? (uint64_t)(uintptr_t)sm : arg_ptr(16));
		}
		break;
	}
	case SYS_rt_sigaction:
		a[0] = chance(80) ? (uint64_t)(1 + rn(64)) : arg_int();
		a[1] = chance(85) ? arg_sigaction() : 0;
		a[2] = chance(70) ? 0 : arg_ptr(32);
		a[3] = chance(90) ? 8 : arg_len();
		do_call(nr, a[0], a[1], a[2], a[3], 0, 0);
		restore_alarm();
		return;
	case SYS_rt_sigprocmask:
	case SYS_rt_sigsuspend: {
		uint64_t *m = (uint64_t *)(uintptr_t)(ARENA + 960);
		*m = chance(50) ? rnd() : 0;
		if (nr == SYS_rt_sigprocmask) {
			a[0] = chance(80) ? rn(3) : arg_int();
			a[1] = chance(80) ? (uint64_t)(uintptr_t)m : arg_ptr(8);
			a[2] = chance(70) ? 0 : arg_ptr(8);
			a[3] = chance(90) ? 8 : arg_len();
		} else {
			*m &= ~(1ULL << (SIGALRM - 1));
			a[0] = chance(90) ? (uint64_t)(uintptr_t)m : arg_ptr(8);
			a[1] = chance(90) ? 8 : arg_len();
		}
		do_call(nr, a[0], a[1], a[2], a[3], 0, 0);
		restore_alarm();
		return;
	}
	case SYS_mmap:
	case SYS_munmap:
	case SYS_mprotect:
	case SYS_brk: {
		static const uint64_t at[] = {ARENA,        ARENA + 4096, GUARD,
		                              GUARD - 4096, 0x20000000,   0x7ffffff00000ULL};
		if (chance(60))
			a[0] = at[rn(sizeof at / sizeof at[0])];
		else if (chance(2))
			a[0] = (uint64_t)(uintptr_t)&wstate & ~4095UL; /* our own data */
		else if (chance(90))
			a[0] = bad_ptr();
		a[1] = chance(70) ? 4096 * (1 + rn(4)) : arg_len();
		if (nr == SYS_mmap) {
			a[2] = chance(80) ? rn(8) : arg_flags();
			a[3] = chance(70)
			           ? (0x22 | (chance(50) ? 0x10 : 0) | (chance(10) ? 0x100000 : 0))
			           : arg_flags();
			a[4] = chance(80) ? (uint64_t)-1 : (uint64_t)arg_fd();
			a[5] = chance(90) ? 0 : rnd();
		} else if (nr == SYS_mprotect) {
			a[2] = chance(80) ? rn(8) : arg_flags();
		}
		do_call(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
		restore_arena();
		return;
	}
	case SYS_arch_prctl: {
		uint64_t fs;
		static const uint64_t codes[] = {0x1001, 0x1002, 0x1003, 0x1004};
		a[0] = chance(85) ? codes[rn(4)] : arg_int();
		a[1] = chance(50) ? arg_ptr(8) : bad_ptr();
		sc2(SYS_arch_prctl, 0x1003, &fs);
		do_call(nr, a[0], a[1], 0, 0, 0, 0);
		sc2(SYS_arch_prctl, 0x1002, fs);
		sc2(SYS_arch_prctl, 0x1001, 0);
		return;
	}
	case SYS_setuid:
	case SYS_setgid: {
		static const int64_t ids[] = {0, 1000, 1001, -1, 65534};
		if (chance(80))
			a[0] = (uint64_t)ids[rn(sizeof ids / sizeof ids[0])];
		break;
	}
	case SYS_readv:
	case SYS_writev: {
		int n = (int)rn(6);
		a[1] = arg_iovec(n);
		a[2] = chance(85) ? (uint64_t)n : arg_int();
		break;
	}
	case SYS_pause: break; /* the driver's SIGALRM ends it */
	case SYS_fcntl: {
		static const int64_t cmds[] = {
		    0 /* DUPFD */, 1, 2, 3, 4, 1030 /* DUPFD_CLOEXEC */, 5, 1024, -1};
		a[1] = chance(85) ? (uint64_t)cmds[rn(sizeof cmds / sizeof cmds[0])] : arg_int();
		if (a[1] == 4 && chance(70))
			a[2] = O_NONBLOCK | (chance(30) ? O_APPEND : 0);
		else if (chance(60))
			a[2] = rn(300);
		long r = do_call(nr, a[0], a[1], a[2], 0, 0, 0);
		if (a[1] == 0 || a[1] == 1030)
			note_fd(r, 0);
		return;
	}
	case SYS_close:
		if (chance(20) && nfds) { /* forget what we close */
			int i = (int)rn(nfds);
			a[0] = (uint64_t)fds[i];
			fds[i] = fds[--nfds];
		}
		break;
	case SYS_lseek: a[2] = chance(80) ? rn(5) : arg_int(); break;
	}
	do_call(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

static void run_calls(int n)
{
	for (int i = 0; i < n; i++) {
		int r = (int)rn(100);
		if (r < 30)
			proc_op();
		else if (r < 33)
			special_child();
		else
			random_call();
		if (chance(3))
			random_blob(256); /* stir the arena */
	}
}

/* Set up a worker process (after fork from the driver, or after -x exec). */
static void worker_setup(void)
{
	w_pid = sc0(SYS_getpid);
	w_ppid = sc0(SYS_getppid);
	restore_arena();
	restore_alarm();
	long null = sc2(SYS_open, "/dev/null", O_RDWR);
	for (int fd = 0; fd < 3; fd++)
		if (null != fd)
			sc2(SYS_dup2, null, fd);
	for (int fd = 3; fd < LOG_FD; fd++)
		sc1(SYS_close, fd);
	if (!w_verbose)
		sc1(SYS_close, LOG_FD);
}

/* A worker: its chunk of calls, then exit 0. */
static _Noreturn void worker(uint64_t seed, int round, int index, int calls)
{
	w_index = index;
	w_round = round;
	rng = chunk_seed(seed, round, index);
	sc2(SYS_setpgid, 0, 0);
	worker_setup();
	if (index % 4 == 3) { /* some workers lose root: permission paths */
		sc1(SYS_setgid, 1000);
		sc1(SYS_setuid, 1000);
	}
	while (wstate.progress < (uint64_t)calls)
		run_calls(1);
	sc1(SYS_exit_group, 0);
	for (;;)
		;
}

/* ------------------------------------------------------------------------ */
/* The driver.                                                              */
/* ------------------------------------------------------------------------ */

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* The driver keeps SIGALRM blocked, so a worker poked before it has
 * installed its handler (restore_alarm unblocks it) is not killed. */
static void block_alarm(void)
{
	sigset_t m;
	sigemptyset(&m);
	sigaddset(&m, SIGALRM);
	sigprocmask(SIG_BLOCK, &m, NULL);
}

static void nap_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static long sys_value(const char *name)
{
	char buf[32] = {0};
	int fd = open(name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	return n > 0 ? strtol(buf, NULL, 10) : -1;
}

struct counters {
	long frames, sessions, procs, heap;
};

static struct counters read_counters(void)
{
	return (struct counters){sys_value("sys:free_frames"), sys_value("sys:sessions"),
	                         sys_value("sys:procs"), sys_value("sys:heap_bytes")};
}

static void reap_any(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

/* Pids in proc: other than init and us. */
static int list_others(int *out, int cap)
{
	char buf[4096];
	int n = 0, fd = open("proc:", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	long got;
	while ((got = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
		for (long at = 0; at < got;) {
			unsigned short reclen = *(unsigned short *)(buf + at + 16);
			const char *name = buf + at + 19;
			int pid = atoi(name);
			if (pid > 1 && pid != getpid() && n < cap)
				out[n++] = pid;
			at += reclen;
		}
	}
	close(fd);
	return n;
}

static void print_status_of(int pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof path, "proc:%d/status", pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = 0;
	for (char *p = buf; *p; p++)
		if (*p == '\n')
			*p = ' ';
	printf("fuzz:   pid %d: %s\n", pid, buf);
}

/* Remove everything below dir (a /tmp path), then dir unless keep. */
static void remove_tree(const char *dir, int keep, int depth)
{
	char buf[2048], path[512];
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		long got;
		while ((got = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
			for (long at = 0; at < got;) {
				unsigned short reclen = *(unsigned short *)(buf + at + 16);
				unsigned char type = *(unsigned char *)(buf + at + 18);
				const char *name = buf + at + 19;
				at += reclen;
				if (!strcmp(name, ".") || !strcmp(name, ".."))
					continue;
				snprintf(path, sizeof path, "%s/%s", dir, name);
				if (type == DT_DIR && depth < 40)
					remove_tree(path, 0, depth + 1);
				else
					unlink(path);
			}
		}
		close(fd);
	}
	if (!keep)
		rmdir(dir);
}

static uint64_t seed_arg;
static int nproc_arg, verbose_arg;
static long calls_made, stuck_killed, hangs;
static long ends_completed, ends_exit, ends_sig[65]; /* how workers ended */

struct wslot {
	int pid, memfd, done, killed;
	long start, last_change, last_poke, killed_at;
	uint64_t progress;
	struct call_rec ring[RING];
	int have_ring, polls;
	uint16_t count[512], ok[512];
};
static uint64_t tot_count[512], tot_ok[512]; /* coverage over the run */

static void print_ring(const struct wslot *s, int round, int index)
{
	printf("fuzz: seed %llu round %d worker %d (pid %d): last calls, oldest first:\n",
	       (unsigned long long)seed_arg, round, index, s->pid);
	if (!s->have_ring) {
		printf("fuzz:   (its memory could not be read)\n");
		return;
	}
	for (uint64_t i = s->progress > RING ? s->progress - RING : 0; i < s->progress; i++) {
		char b[320];
		format_call(b, sizeof b, &s->ring[i % RING], 1);
		printf("fuzz:   #%llu %s\n", (unsigned long long)i, b);
	}
}

static int read_worker(struct wslot *s)
{
	if (s->memfd < 0)
		return -1;
	uint64_t st[1 + RING * sizeof(struct call_rec) / 8];
	if (pread(s->memfd, st, sizeof st, (off_t)(uintptr_t)&wstate) != (ssize_t)sizeof st)
		return -1;
	s->progress = st[0];
	memcpy(s->ring, &st[1], sizeof s->ring);
	s->have_ring = 1;
	if (s->polls++ % 10 == 0) {
		uint16_t cnt[1024];
		if (pread(s->memfd, cnt, sizeof cnt, (off_t)(uintptr_t)&wstate.count) ==
		    (ssize_t)sizeof cnt) {
			memcpy(s->count, cnt, sizeof s->count);
			memcpy(s->ok, cnt + 512, sizeof s->ok);
		}
	}
	return 0;
}

/* Kill every process but init and us; 0 if they are all gone in time. */
static int sweep(int round, long base_procs)
{
	int pids[300];
	long deadline = now_ms() + HANG_S * 1000L;
	for (;;) {
		int n = list_others(pids, 300);
		for (int i = 0; i < n; i++)
			kill(pids[i], SIGKILL);
		reap_any();
		if (n == 0 && (base_procs < 0 || sys_value("sys:procs") <= base_procs))
			return 0;
		if (now_ms() > deadline) {
			printf(
			    "fuzz: HANG: seed %llu round %d: %d processes survive SIGKILL for %d "
			    "s:\n",
			    (unsigned long long)seed_arg, round, n, HANG_S);
			for (int i = 0; i < n; i++)
				print_status_of(pids[i]);
			return -1;
		}
		nap_ms(20);
	}
}

/* One round: nproc workers, chunk calls each. Returns -1 on a hang. */
static int run_round(int round, int chunk)
{
	struct wslot ws[MAX_NPROC];
	int live = 0, rc = 0;
	for (int i = 0; i < nproc_arg; i++) {
		memset(&ws[i], 0, sizeof ws[i]);
		fflush(stdout);
		int pid = fork();
		if (pid == 0)
			worker(seed_arg, round, i, chunk);
		ws[i].pid = pid;
		ws[i].memfd = -1;
		ws[i].done = pid < 0;
		if (pid < 0) {
			printf("fuzz: fork: %s\n", strerror(errno));
			continue;
		}
		live++;
		char path[64];
		snprintf(path, sizeof path, "proc:%d/mem", pid);
		ws[i].memfd = open(path, O_RDONLY | O_CLOEXEC);
		ws[i].start = ws[i].last_change = ws[i].last_poke = now_ms();
	}
	while (live > 0) {
		nap_ms(20);
		long now = now_ms();
		for (int i = 0; i < nproc_arg; i++) {
			struct wslot *s = &ws[i];
			if (s->done)
				continue;
			int st;
			if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
				read_worker(s);
				if (WIFEXITED(st) && WEXITSTATUS(st) == 0 && !s->killed) {
					s->progress = (uint64_t)chunk;
					ends_completed++;
				} else if (WIFSIGNALED(st)) {
					ends_sig[WTERMSIG(st) & 63]++;
				} else {
					ends_exit++;
				}
				s->done = 1;
				live--;
				continue;
			}
			if (s->killed) {
				if (now - s->killed_at > HANG_S * 1000L) {
					printf("fuzz: HANG: pid %d survives SIGKILL for %d s\n",
					       s->pid, HANG_S);
					print_status_of(s->pid);
					print_ring(s, round, i);
					s->done = 1;
					live--;
					hangs++;
					rc = -1;
				}
				continue;
			}
			uint64_t before = s->progress;
			if (read_worker(s) == 0 && s->progress != before)
				s->last_change = s->last_poke = now;
			long idle = now - s->last_change;
			if (idle > POKE_MS && now - s->last_poke > POKE_MS) {
				kill(s->pid, SIGCONT);
				kill(s->pid, SIGALRM);
				s->last_poke = now;
			}
			if (idle > STUCK_MS || now - s->start > CHUNK_MAX_MS) {
				kill(s->pid, SIGKILL);
				kill(-s->pid, SIGKILL);
				s->killed = 1;
				s->killed_at = now;
				stuck_killed++;
			}
		}
	}
	for (int i = 0; i < nproc_arg; i++) {
		/* A sibling tracing a worker may have written its counters
		 * through proc:PID/mem: never trust more than a chunk. */
		if (ws[i].progress > (uint64_t)chunk)
			ws[i].progress = (uint64_t)chunk;
		calls_made += (long)ws[i].progress;
		for (int n = 0; n < 512; n++) {
			tot_count[n] += ws[i].count[n] <= chunk ? ws[i].count[n] : 0;
			tot_ok[n] += ws[i].ok[n] <= ws[i].count[n] ? ws[i].ok[n] : 0;
		}
		if (ws[i].memfd >= 0)
			close(ws[i].memfd);
	}
	return rc;
}

/* Calls and successes per syscall, as the driver last saw them in the
 * workers (calls in their forked children are not seen). */
static void print_coverage(void)
{
	char line[200];
	size_t at = 0;
	printf("fuzz: coverage, calls/succeeded per syscall (workers only, not their children):\n");
	for (size_t i = 0; i < NSC; i++) {
		int nr = sc_list[i].nr;
		at += (size_t)snprintf(line + at, sizeof line - at, " %s %llu/%llu",
		                       sc_list[i].name, (unsigned long long)tot_count[nr],
		                       (unsigned long long)tot_ok[nr]);
		if (at > 90 || i + 1 == NSC) {
			printf("fuzz: %s\n", line);
			at = 0;
		}
	}
	uint64_t unknown = 0;
	for (int nr = 0; nr < 512; nr++)
		if (!strcmp(sc_name(nr), "unknown"))
			unknown += tot_count[nr];
	printf("fuzz:  unknown numbers below 512: %llu calls\n", (unsigned long long)unknown);
}

static int failures;
static void result(int ok, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void result(int ok, const char *name, const char *fmt, ...)
{
	char why[300] = "";
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	if (ok) {
		printf("[TEST] PASS %s\n", name);
	} else {
		printf("[TEST] FAIL %s: %s\n", name, why);
		failures++;
	}
}

/* Wait (up to 5 s) until the counters are back at base. */
static struct counters settle(struct counters base)
{
	long deadline = now_ms() + 5000;
	for (;;) {
		reap_any();
		struct counters c = read_counters();
		if ((c.frames == base.frames && c.sessions == base.sessions &&
		     c.procs == base.procs && c.heap == base.heap) ||
		    now_ms() > deadline)
			return c;
		nap_ms(20);
	}
}

/* Touch the stack our deepest paths use (remove_tree of a deep /tmp tree),
 * so the driver's own memory does not grow after the baseline. */
static void __attribute__((noinline)) pretouch_stack(void)
{
	volatile char big[192 * 1024];
	for (size_t i = 0; i < sizeof big; i += 4096)
		big[i] = 0;
}

static int drive(uint64_t seed, long iter, int nproc, int verbose)
{
	pretouch_stack();
	seed_arg = seed;
	nproc_arg = nproc;
	verbose_arg = verbose;
	w_verbose = verbose;
	w_nproc = nproc;
	prot_pid[nprot++] = 1;
	prot_pid[nprot++] = getpid();
	prot_pid[nprot++] = getppid();
	setpgid(0, 0);
	block_alarm();
	if (getpgrp() != getpid())
		prot_pid[nprot++] = getpgrp();
	if (verbose)
		dup2(1, LOG_FD);
	int chunk = CHUNK;
	int rounds = (int)((iter + (long)nproc * chunk - 1) / ((long)nproc * chunk));
	if (rounds < 1)
		rounds = 1;
	printf("fuzz: seed %llu, %ld calls: rounds of %d workers x %d calls%s\n",
	       (unsigned long long)seed, iter, nproc, chunk, verbose ? ", every call logged" : "");
	mkdir("/tmp", 0777);
	remove_tree("/tmp", 1, 0);
	/* A warm-up round, so our buffers and kernel tables have grown to size
	 * before the baseline is taken; its calls are not counted. */
	seed_arg = seed ^ 0xfeedULL;
	run_round(-1, 5);
	sweep(-1, -1);
	remove_tree("/tmp", 1, 0);
	seed_arg = seed;
	calls_made = 0;
	struct counters base = read_counters();
	printf("fuzz: baseline free_frames %ld sessions %ld procs %ld heap_bytes %ld\n",
	       base.frames, base.sessions, base.procs, base.heap);
	long t0 = now_ms();
	int alive = 1;
	/* Rounds until ITER calls are made (workers often die early), at most
	 * four times the rounds that would take if none did. */
	for (int r = 0; calls_made < iter && r < 4 * rounds && alive; r++) {
		printf("fuzz: round %d (seed %llu; calls so far %ld of %ld)\n", r,
		       (unsigned long long)seed, calls_made, iter);
		fflush(stdout);
		if (run_round(r, chunk) < 0)
			alive = 0;
		if (sweep(r, base.procs) < 0) {
			alive = 0;
			hangs++;
		}
		remove_tree("/tmp", 1, 0);
	}
	struct counters c = settle(base);
	long secs = (now_ms() - t0) / 1000;
	printf("fuzz: calls %ld in %ld s; workers killed when stuck %ld; hangs %ld\n", calls_made,
	       secs, stuck_killed, hangs);
	printf("fuzz: workers completed %ld, exited early %ld, killed by signal:", ends_completed,
	       ends_exit);
	for (int i = 1; i < 65; i++)
		if (ends_sig[i])
			printf(" %d:%ld", i, ends_sig[i]);
	printf("\n");
	print_coverage();
	printf("fuzz: after: free_frames %ld sessions %ld procs %ld heap_bytes %ld\n", c.frames,
	       c.sessions, c.procs, c.heap);
	char name[64];
	snprintf(name, sizeof name, "fuzz_seed_%llu_alive", (unsigned long long)seed);
	result(alive && hangs == 0, name, "seed %llu: %ld hangs (see the HANG lines above)",
	       (unsigned long long)seed, hangs);
	result(c.frames == base.frames, "fuzz_frames_back_to_baseline",
	       "seed %llu: free_frames %ld -> %ld", (unsigned long long)seed, base.frames,
	       c.frames);
	result(c.sessions == base.sessions, "fuzz_sessions_back_to_baseline",
	       "seed %llu: sessions %ld -> %ld", (unsigned long long)seed, base.sessions,
	       c.sessions);
	result(c.procs == base.procs, "fuzz_procs_back_to_baseline", "seed %llu: procs %ld -> %ld",
	       (unsigned long long)seed, base.procs, c.procs);
	result(c.heap == base.heap, "fuzz_heap_back_to_baseline",
	       "seed %llu: heap_bytes %ld -> %ld", (unsigned long long)seed, base.heap, c.heap);
	printf("fuzz: %s\n", failures ? "FAILED" : "ok");
	return failures ? 1 : 0;
}

/* -r SEED ROUND WORKER: one chunk alone, every call printed. */
static int replay(uint64_t seed, int round, int index)
{
	prot_pid[nprot++] = 1;
	prot_pid[nprot++] = getpid();
	prot_pid[nprot++] = getppid();
	setpgid(0, 0);
	block_alarm();
	w_verbose = 1;
	w_nproc = DEFAULT_NPROC;
	dup2(1, LOG_FD);
	fflush(stdout);
	int pid = fork();
	if (pid == 0)
		worker(seed, round, index, CHUNK);
	int st = 0;
	long deadline = now_ms() + CHUNK_MAX_MS;
	while (waitpid(pid, &st, WNOHANG) != pid) {
		if (now_ms() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			break;
		}
		nap_ms(POKE_MS);
		kill(pid, SIGCONT);
		kill(pid, SIGALRM);
	}
	seed_arg = seed;
	sweep(round, -1);
	printf("fuzz: replay of seed %llu round %d worker %d ended, status %#x\n",
	       (unsigned long long)seed, round, index, st);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 2 && !strcmp(argv[1], "-x")) { /* exec'd by a worker's child */
		if (argc != 4)
			return 2;
		prot_pid[nprot++] = 1;
		prot_pid[nprot++] = atoi(argv[3]);
		w_depth = MAX_DEPTH;
		rng = splitmix(strtoull(argv[2], NULL, 10)) | 1;
		w_nproc = DEFAULT_NPROC;
		worker_setup();
		run_calls(1 + (int)rn(10));
		return 0;
	}
	if (argc == 5 && !strcmp(argv[1], "-r"))
		return replay(strtoull(argv[2], NULL, 0), atoi(argv[3]), atoi(argv[4]));
	if (!getenv("PATH")) { /* exec'd by a worker with no environment: never a driver */
		fprintf(stderr, "fuzz: no environment; not starting a driver\n");
		return 2;
	}
	uint64_t seed = argc > 1 ? strtoull(argv[1], NULL, 0) : DEFAULT_SEED;
	long iter = argc > 2 ? strtol(argv[2], NULL, 0) : DEFAULT_ITER;
	int nproc = argc > 3 ? atoi(argv[3]) : DEFAULT_NPROC;
	int verbose = argc > 4 ? atoi(argv[4]) : 0;
	if (nproc < 1 || nproc > MAX_NPROC || iter < 1) {
		fprintf(stderr, "usage: fuzz [SEED [ITER [NPROC [VERBOSE]]]] | fuzz -r SEED ROUND "
		                "WORKER\n");
		return 2;
	}
	return drive(seed, iter, nproc, verbose);
}
