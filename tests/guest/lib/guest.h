/* guest: helpers shared by the in-guest suites under tests/guest/ (beside
 * testrun.h, the runner and its CHECK macros): proc: files and status
 * fields, trace sessions and events, registers and memory of another
 * process, kernel counters from sys:, raw system calls that touch neither
 * errno nor TLS (for children whose TLS base is deliberately odd),
 * credentials, and gated children ("kids") that wait for a "go" before they
 * run, threads and futexes. Every helper CHECKs its own steps, so a test
 * reads as the scenario it is. */
#ifndef GUEST_H
#define GUEST_H
#include "procyon/ptrace.h"
#include "procyon/user_regs.h"
#include "testrun.h"
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* --- Shared constants ------------------------------------------------------ */
#define PAGE 4096UL
#define USER_TOP 0x0000800000000000UL
#define KERNEL_ADDR 0xffff800000000000UL /* the direct map: never a user address */
#define NONCANONICAL 0x0000900000000000UL
#define FL_TF 0x100UL                  /* RFLAGS trap flag */
#define EV sizeof(struct ptrace_event) /* one trace event record */
#define ANY_SYSCALL (-2L)              /* wait_until: any syscall field */
#define NO_SYSCALL ((uint64_t)-1)      /* orig_rax / syscall of "none" */
#define U64(x) ((uint64_t)(uintptr_t)(x))
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* CHECK_RAW(call, want): a raw call (result or -errno) must return want;
 * the failure says both in decimal. */
#define CHECK_RAW(call, want)                                                                      \
	do {                                                                                       \
		long r_ = (long)(call), w_ = (long)(want);                                         \
		if (r_ != w_)                                                                      \
			FAILF("%s: %ld, want %ld", #call, r_, w_);                                 \
	} while (0)

#define CHECK_EQ(a, b)                                                                             \
	do {                                                                                       \
		uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);                                   \
		if (a_ != b_)                                                                      \
			FAILF("%s == %s: %#lx != %#lx", #a, #b, (unsigned long)a_,                 \
			      (unsigned long)b_);                                                  \
	} while (0)

/* An ELF64 file header and program header, for tests that write programs. */
struct elf_hdr {
	unsigned char ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct elf_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

/* --- Files, proc: and sys: -------------------------------------------------- */
/* Read a whole (small) file into buf, NUL-terminated on every return;
 * its length or -errno. */
long read_path(const char *path, char *buf, size_t cap);
/* open("proc:PID/name", flags); -1 with errno on failure. */
int proc_file(int pid, const char *name, int flags);
/* read_path of proc:PID/name. */
long read_proc(int pid, const char *name, char *buf, size_t cap);
/* The value of "key" in a status text, copied to out; 0 if missing. */
int status_field(const char *text, const char *key, char *out, size_t cap);
/* The text of proc:PID/status; FAILs if unreadable. */
void status_read(int pid, char *text, size_t cap);
/* A numeric field / the state letter of proc:PID/status; FAIL if missing. */
long status_num(int pid, const char *key);
char status_state(int pid);
/* The same, but -1 (or 0 for the state) if the process or field is missing. */
long proc_status_num(int pid, const char *key);
char proc_state(int pid);
/* Poll (5 s) until pid is in state and, unless nr is ANY_SYSCALL, in
 * syscall nr; FAILs with the last status text otherwise. */
void wait_until(int pid, char state, long nr);
/* Wait up to ms for pid's state letter to become want; CHECKs it did. */
void proc_wait_state(int pid, char want, int ms);
/* A decimal value of sys:NAME (free_frames, sessions, procs, ...): -1 if
 * unreadable (as on Linux) / FAILing then. */
long sys_number(const char *name);
long sys_value(const char *name);

/* --- Trace sessions -------------------------------------------------------- */
/* open("proc:PID/trace", O_RDWR | extra): -1 with errno on failure. */
int attach(int pid, int extra);
/* The same; FAILs if it did not open. */
int trace_attach(int pid, int extra);
/* Attach with O_TRUNC: the target must be stopped (state T) on return. */
int attach_stopped(int pid);
/* Write the request flags: the write's result / CHECKing it. */
long write_flags(int t, uint64_t flags);
void trace_set(int t, uint64_t flags);
/* Write no flags: resume a stopped target, and stop nowhere. */
void trace_resume(int t);
/* Read one event (blocking); FAILs on anything but one whole record. */
void next_event(int t, struct ptrace_event *e);
/* The next event must have this cause (failures name the caller's line). */
void expect_event_at(const char *file, int line, int t, uint64_t cause, struct ptrace_event *e);
#define EXPECT_EVENT(t, cause, e) expect_event_at(__FILE__, __LINE__, t, cause, e)
/* A syscall stop of the given kind for syscall nr. */
#define EXPECT_SYSCALL_STOP(t, cause, nr, e)                                                       \
	do {                                                                                       \
		EXPECT_EVENT(t, cause, e);                                                         \
		if ((e)->data[0] != (uint64_t)(nr))                                                \
			FAILF("syscall stop for %ld, want %ld", (long)(e)->data[0], (long)(nr));   \
	} while (0)
/* poll fd for POLLIN up to ms: its revents, 0 on timeout; CHECKs poll. */
short poll_one(int fd, int ms);
/* Read the next event within ms; CHECKs its cause. */
void trace_expect(int t, uint64_t cause, struct ptrace_event *e, int ms);

/* --- Registers and memory of another process ----------------------------- */
/* proc:PID/regs/int read and written whole. */
void get_regs(int pid, struct user_regs *r);
void set_regs(int pid, const struct user_regs *r);
/* Open proc:PID/regs/int read-write and read its image into r: the fd. */
int regs_open(int pid, struct user_regs *r);
/* pread the whole register image from an open regs/int or regs/float. */
void pread_regs(int fd, struct user_regs *r);
void pread_fpregs(int fd, struct user_fpregs *f);
/* pread of proc:PID/mem at addr (errno kept); one byte of it; poke one
 * byte (the caller must be the tracer). */
long mem_read(int pid, uint64_t addr, void *buf, size_t n);
uint8_t mem_peek(int pid, uint64_t addr);
void mem_poke(int pid, uint64_t addr, uint8_t b);

/* --- Processes ---------------------------------------------------------------- */
/* fork with a pipe to the child: in the child *fd is its end (the write
 * end if child_writes, else the read end), in the parent the other one;
 * the unused ends are closed. Returns fork's result; CHECKs pipe and fork. */
int fork_piped(int *fd, int child_writes);
/* Fork a helper that runs fn(arg) and exits 0; its pid. */
int fork_helper(void (*fn)(long), long arg);
/* The same, and wait for it: its wait status. */
int run_sub(void (*fn)(long), long arg);

/* Kids: children that block reading a "go" byte, then run body(arg, out)
 * and exit 0 (100 if the go pipe closed first). spawn_kid returns once the
 * kid is blocked in that read, so none of its set-up is ever traced; the
 * body reports longs on out. */
struct kid {
	int pid;
	int go;  /* write end: one byte starts the body */
	int out; /* read end of the kid's report pipe */
};
typedef void (*kid_body)(long arg, int out);
struct kid spawn_kid(kid_body body, long arg);
void kid_go(const struct kid *k);
void report(int out, long v);
/* The next value the kid reported (FAILs if it reported nothing). */
long kid_result(const struct kid *k);
/* True if the kid writes nothing on its report pipe within ms. */
int kid_silent_for(const struct kid *k, int ms);
/* Wait (5 s) for the kid; its status. kid_kill: SIGKILL, then reap. */
int kid_reap(struct kid *k);
void kid_kill(struct kid *k);

/* A child that waits for a byte on a pipe before it runs fn(arg) and exits
 * 0: the test can attach or look at it first (it may not be blocked yet). */
struct gated {
	int pid;
	int go; /* write end of the gate */
};
struct gated gated_spawn(void (*fn)(long), long arg);
void gated_go(struct gated *g);

/* Drop root for good: setgid(gid) then setuid(uid); CHECKs all four ids. */
void become(unsigned uid, unsigned gid);
/* A child that becomes uid/gid and pauses until killed; returns its pid. */
int spawn_sleeper_as(unsigned uid, unsigned gid);

/* --- Raw system calls -------------------------------------------------------- */
/* syscall(2) without errno: the result or -errno. Safe with any TLS base. */
long raw6(long nr, long a, long b, long c, long d, long e, long f);
#define raw0(nr) raw6((nr), 0, 0, 0, 0, 0, 0)
#define raw1(nr, a) raw6((nr), (long)(a), 0, 0, 0, 0, 0)
#define raw2(nr, a, b) raw6((nr), (long)(a), (long)(b), 0, 0, 0, 0)
#define raw3(nr, a, b, c) raw6((nr), (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define raw4(nr, a, b, c, d) raw6((nr), (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define raw5(nr, a, b, c, d, e) raw6((nr), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), 0)
/* _exit through the raw call: for children that must not touch TLS. */
_Noreturn void raw_exit(int code);

/* --- Threads and futexes ---------------------------------------------------- */
#include "procyon/futex.h" /* futex(2) operations and flags */
/* The val3 of FUTEX_WAKE_OP: *uaddr2 = *uaddr2 OP oparg, then the waiters
 * of uaddr2 are woken too if old CMP cmparg. */
#define FUTEX_OP_VAL(op, oparg, cmp, cmparg)                                                       \
	(((unsigned)(op)&0xfu) << 28 | ((unsigned)(cmp)&0xfu) << 24 |                              \
	 ((unsigned)(oparg)&0xfffu) << 12 | ((unsigned)(cmparg)&0xfffu))
/* futex(2) by raw6: the result or -errno; val2 is what Linux reads from
 * the timeout argument for REQUEUE, CMP_REQUEUE and WAKE_OP. */
long futex_call(volatile int *uaddr, int op, int val, const void *timeout, volatile int *uaddr2,
                unsigned val3);
#define FUTEX_VAL2(n) ((const void *)(long)(n))
/* clone(2) by hand: the child runs fn (if not NULL) on stack_top, then
 * SYS_exit(0)s; fn must not return into anything else. Clone's result or
 * -errno (ctid is clone's fourth argument, tls its fifth). */
long raw_clone(unsigned long flags, void *stack_top, int *ptid, int *ctid, unsigned long tls,
               void (*fn)(void));
/* The flags musl's pthread_create passes to clone. */
#define THREAD_CLONE_FLAGS                                                                         \
	(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |        \
	 CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_DETACHED)
/* pthread_create / pthread_join, CHECKed; join returns the thread's value. */
pthread_t thread_start(void *(*fn)(void *), void *arg);
void *thread_join(pthread_t t);
/* Wait (2 s) until thread tid of this process sleeps in the kernel (state S
 * in /proc/self/task/TID/stat); where that file cannot be read, 100 ms. */
void thread_wait_asleep(int tid);
/* The number of entries of /proc/self/task (-1 if it cannot be listed) and
 * the Threads: field of /proc/self/status (-1 if missing). */
int task_count(void);
long status_threads(void);
/* Poll (2 s) until task_count() and status_threads() are both n; FAILs
 * saying what they were. */
void wait_thread_count(int n);

/* Milliseconds of the monotonic clock. */
long now_ms(void);
/* The time on clock ns from now (for absolute deadlines). */
struct timespec ts_after(clockid_t clock, long ns);
#endif
