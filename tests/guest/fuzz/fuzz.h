/* fuzz.h: what the files of Procyon's own system call fuzzer share
 * (tests/guest/fuzz/: gen.c the list, generator and call ring; args.c the
 * argument makers; call.c making a call, handlers, proc: operations;
 * worker.c a worker's calls and storms; main.c the driver and main).
 *
 * fuzz: Procyon's own system call fuzzer (issue 8, item 9).
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
#ifndef FUZZ_H
#define FUZZ_H
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
extern uint64_t fuzz_exec_path, fuzz_exec_argv;

/* One row of the syscall list (include/procyon/syscalls.h). */
struct sc_info {
	int nr;
	const char *name, *kinds;
};
#define NSC nsc

/* A call as the ring of last calls keeps it. */
struct call_rec {
	int64_t nr;
	uint64_t a[6];
	int64_t ret;
};

/* What the driver reads from a worker through proc:PID/mem. */
struct worker_state {
	uint64_t progress; /* calls started */
	struct call_rec ring[RING];
	uint16_t count[512], ok[512]; /* calls and successes per number (coverage) */
};

/* Shared between the files of the fuzzer (each file's own comment says
 * what it holds). */
extern struct worker_state wstate;
extern const struct sc_info sc_list[];
extern const size_t nsc; /* entries of sc_list */
extern uint64_t rng;
extern int w_index, w_round, w_depth, w_verbose, w_nproc;
extern long w_pid, w_ppid;
extern long prot_pid[4];
extern int nprot;
extern int fds[MAX_FDS], nfds;
extern int trace_fds[MAX_FDS], ntrace;
extern int kid_pids[16], nkids;
extern char *arena;
extern const char *const words[];
extern const char *const proc_files[];
extern const char *const fixed_paths[];
extern uint64_t seed_arg;
extern int nproc_arg, verbose_arg;
extern long calls_made, stuck_killed, hangs;
extern long ends_completed, ends_exit, ends_sig[65];
extern uint64_t tot_count[512], tot_ok[512];
extern int failures;

const char *sc_name(long nr);
uint64_t splitmix(uint64_t x);
uint64_t rnd(void);
uint64_t rn(uint64_t n);
int chance(int pct);
uint64_t chunk_seed(uint64_t seed, int round, int worker);
size_t put_s(char *b, size_t at, size_t cap, const char *s);
size_t put_x(char *b, size_t at, size_t cap, uint64_t v);
size_t put_d(char *b, size_t at, size_t cap, int64_t v);
size_t format_call(char *b, size_t cap, const struct call_rec *c, int with_ret);
void note_fd(long fd, int is_trace);
long arg_fd(void);
uint64_t bad_ptr(void);
uint64_t arg_ptr(uint64_t len);
uint64_t arg_len(void);
uint64_t arg_int(void);
uint64_t arg_flags(void);
uint64_t open_flags(void);
long status_ppid(long pid);
long driver_pid(void);
int is_protected(long pid);
long pick_pid(void);
long pick_proc_pid(void);
long safe_target(long p);
int pick_signal(void);
uint64_t arg_path(void);
uint64_t random_blob(size_t len);
uint64_t arg_timespec(void);
void log_call(const struct call_rec *c);
long do_call(long nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5);
void h_alarm(int sig);
void restore_alarm(void);
void restore_arena(void);
void h_ret(int sig);
void h_fault(int sig);
void h_ud2(int sig);
void h_int3(int sig);
void h_fixup(int sig, siginfo_t *si, void *ucp);
void h_recurse(int sig);
void h_sigreturn(int sig);
uint64_t pick_handler(void);
uint64_t arg_sigaction(void);
uint64_t arg_iovec(int n);
void proc_op(void);
void run_calls(int n);
_Noreturn void child_body(void);
void prepare_exec(void);
void fork_call(long nr);
void special_child(void);
void random_call(void);
void worker_setup(void);
_Noreturn void worker(uint64_t seed, int round, int index, int calls);
long fuzz_now_ms(void);
void block_alarm(void);
void nap_ms(long ms);
long fuzz_sys_value(const char *name);
void reap_any(void);
int list_others(int *out, int cap);
void print_status_of(int pid);
void remove_tree(const char *dir, int keep, int depth);
int sweep(int round, long base_procs);
int run_round(int round, int chunk);
void print_coverage(void);
void result(int ok, const char *name, const char *fmt, ...);
void __attribute__((noinline)) pretouch_stack(void);
int drive(uint64_t seed, long iter, int nproc, int verbose);
int replay(uint64_t seed, int round, int index);
#endif
