/* bench: system call microbenchmarks. For each benchmark prints
 * "bench NAME iters=N tsc_per_op=T ns_per_op=S" (rdtsc and CLOCK_MONOTONIC).
 * Usage: bench [-n ITERS] [NAME...]; bench -l lists. Add a benchmark by
 * writing fn(iters, span) and adding a row to the table. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "procyon/ptrace.h"
#include "procyon/user_regs.h"
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The measured interval: a benchmark calls span_begin after its setup and
 * span_end before its teardown. */
struct span {
	uint64_t tsc0, tsc1;
	long ns0, ns1;
};

static uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	asm volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi) : : "memory");
	return (uint64_t)hi << 32 | lo;
}

static long now_ns(void)
{
	struct timespec ts;
	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

static void span_begin(struct span *s)
{
	s->ns0 = now_ns();
	s->tsc0 = rdtsc();
}

static void span_end(struct span *s)
{
	s->tsc1 = rdtsc();
	s->ns1 = now_ns();
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

/* Set by a benchmark that cannot run here (say, no threads): run_bench
 * prints "bench-skip NAME: why" instead of its line. */
static const char *bench_skip;

/* Cheapest possible round trip into the kernel. */
static void bench_null_syscall(long iters, struct span *s)
{
	span_begin(s);
	for (long i = 0; i < iters; i++)
		syscall(SYS_getppid);
	span_end(s);
}

/* Parent and child bounce one byte over two pipes; one op = one round trip. */
static void bench_pipe_roundtrip(long iters, struct span *s)
{
	int to_child[2], to_parent[2];
	char c = 'x';
	if (pipe(to_child) < 0 || pipe(to_parent) < 0)
		die("pipe");
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(to_child[1]);
		close(to_parent[0]);
		while (read(to_child[0], &c, 1) == 1)
			if (write(to_parent[1], &c, 1) != 1)
				_exit(1);
		_exit(0);
	}
	close(to_child[0]);
	close(to_parent[1]);
	span_begin(s);
	for (long i = 0; i < iters; i++)
		if (write(to_child[1], &c, 1) != 1 || read(to_parent[0], &c, 1) != 1)
			die("pipe_roundtrip");
	span_end(s);
	close(to_child[1]); /* child sees EOF and exits */
	close(to_parent[0]);
	waitpid(pid, NULL, 0);
}

/* Create a process, let it exit, reap it. */
static void bench_fork_exit_wait(long iters, struct span *s)
{
	span_begin(s);
	for (long i = 0; i < iters; i++) {
		pid_t pid = fork();
		if (pid < 0)
			die("fork");
		if (pid == 0)
			_exit(0);
		if (waitpid(pid, NULL, 0) != pid)
			die("waitpid");
	}
	span_end(s);
}

/* --- proc: tracing benchmarks ------------------------------------------- */

/* A child blocked in read(2) on a pipe, and a trace session that stopped it. */
struct traced {
	pid_t pid;
	int trace, regs, wake;
};

static int open_proc(pid_t pid, const char *file, int flags)
{
	char path[64];
	snprintf(path, sizeof path, "proc:%d/%s", (int)pid, file);
	int fd = open(path, flags);
	if (fd < 0)
		die(path);
	return fd;
}

/* Fork body() as a child that first waits for a byte on a pipe, and attach
 * to it with O_TRUNC: it is stopped when this returns. */
static struct traced start_traced(void (*body)(void))
{
	int p[2];
	if (pipe(p) < 0)
		die("pipe");
	struct traced t;
	t.pid = fork();
	if (t.pid < 0)
		die("fork");
	if (t.pid == 0) {
		char c;
		close(p[1]);
		if (read(p[0], &c, 1) != 1)
			_exit(2);
		body();
		_exit(0);
	}
	close(p[0]);
	t.wake = p[1];
	t.trace = open_proc(t.pid, "trace", O_RDWR | O_TRUNC);
	t.regs = open_proc(t.pid, "regs/int", O_RDWR);
	return t;
}

static void resume(const struct traced *t, uint64_t flags)
{
	if (write(t->trace, &flags, sizeof flags) != sizeof flags)
		die("trace write");
}

static void next_event(const struct traced *t, struct ptrace_event *e)
{
	if (read(t->trace, e, sizeof *e) != (ssize_t)sizeof *e)
		die("trace read");
}

static void finish_traced(struct traced *t)
{
	close(t->regs);
	close(t->trace); /* detaches: the child runs on */
	close(t->wake);
	kill(t->pid, SIGKILL);
	waitpid(t->pid, NULL, 0);
}

static void body_block(void) { pause(); }

/* pread of regs/int of a stopped child (Linux: PTRACE_GETREGS). */
static void bench_regs_read(long iters, struct span *s)
{
	struct traced t = start_traced(body_block);
	struct user_regs r;
	span_begin(s);
	for (long i = 0; i < iters; i++)
		if (pread(t.regs, &r, sizeof r, 0) != sizeof r)
			die("regs read");
	span_end(s);
	finish_traced(&t);
}

/* pwrite of regs/int of a stopped child (Linux: PTRACE_SETREGS). */
static void bench_regs_write(long iters, struct span *s)
{
	struct traced t = start_traced(body_block);
	struct user_regs r;
	if (pread(t.regs, &r, sizeof r, 0) != sizeof r)
		die("regs read");
	span_begin(s);
	for (long i = 0; i < iters; i++)
		if (pwrite(t.regs, &r, sizeof r, 0) != sizeof r)
			die("regs write");
	span_end(s);
	finish_traced(&t);
}

static long body_iters;

static void body_getppid_loop(void)
{
	for (long i = 0; i < body_iters; i++)
		syscall(SYS_getppid);
}

/* strace-style: entry and exit stops, the tracer reads the event and the
 * registers at each. One op = one traced getppid. */
static void bench_traced_syscall(long iters, struct span *s)
{
	body_iters = iters;
	struct traced t = start_traced(body_getppid_loop);
	const uint64_t flags = PTRACE_STOP_PRE_SYSCALL | PTRACE_STOP_POST_SYSCALL;
	struct ptrace_event e;
	struct user_regs r;
	resume(&t, flags);
	if (write(t.wake, "x", 1) != 1)
		die("wake");
	/* Skip the stops of read() finishing, up to the first getppid. */
	do {
		next_event(&t, &e);
		if (e.data[0] != SYS_getppid)
			resume(&t, flags);
	} while (e.data[0] != SYS_getppid);
	span_begin(s);
	for (long i = 0; i < 2 * iters; i++) {
		if (i)
			next_event(&t, &e);
		if (pread(t.regs, &r, sizeof r, 0) != sizeof r)
			die("regs read");
		resume(&t, flags);
	}
	span_end(s);
	finish_traced(&t);
}

/* A traced process whose sysfilter excludes getppid: what each getppid
 * costs it. The child times itself and reports through a pipe. */
static int filtered_result_fd;

static void body_timed_getppid_loop(void)
{
	struct span in;
	span_begin(&in);
	body_getppid_loop();
	span_end(&in);
	if (write(filtered_result_fd, &in, sizeof in) != sizeof in)
		_exit(3);
}

static void bench_filtered_syscall(long iters, struct span *s)
{
	int res[2];
	if (pipe(res) < 0)
		die("pipe");
	body_iters = iters;
	filtered_result_fd = res[1];
	struct traced t = start_traced(body_timed_getppid_loop);
	uint8_t filter[PTRACE_SYSFILTER_BYTES];
	memset(filter, 0xff, sizeof filter);
	filter[SYS_getppid / 8] &= (uint8_t) ~(1u << (SYS_getppid % 8));
	int sf = open_proc(t.pid, "sysfilter", O_RDWR);
	if (pwrite(sf, filter, sizeof filter, 0) != sizeof filter)
		die("sysfilter");
	close(sf);
	/* Syscall stops stay on for the whole run: every call but getppid
	 * (read, clock_gettime, write) stops, and the tracer resumes it. */
	const uint64_t flags = PTRACE_STOP_PRE_SYSCALL | PTRACE_STOP_POST_SYSCALL;
	resume(&t, flags);
	if (write(t.wake, "x", 1) != 1)
		die("wake");
	struct ptrace_event e;
	do {
		next_event(&t, &e);
		if (e.data[0] == SYS_getppid)
			die("a filtered-out syscall stopped");
		resume(&t, flags);
	} while (!(e.cause == PTRACE_STOP_POST_SYSCALL && e.data[0] == SYS_write));
	if (read(res[0], s, sizeof *s) != sizeof *s)
		die("result");
	finish_traced(&t);
	close(res[0]);
	close(res[1]);
}

extern char step_block[], step_block_end[];

static void body_step_block(void)
{
	/* 4096 nops the tracer steps through. */
	asm volatile(".globl step_block, step_block_end\n"
	             "step_block:\n"
	             ".rept 4096\n nop\n .endr\n"
	             "step_block_end:\n");
}

/* One single step: resume with SINGLESTEP, read the event. */
static void bench_single_step(long iters, struct span *s)
{
	if (iters > 4000)
		iters = 4000;
	struct traced t = start_traced(body_step_block);
	struct ptrace_event e;
	uint64_t addr = (uint64_t)step_block;
	int mem = open_proc(t.pid, "mem", O_RDWR);
	/* Run to the block: a breakpoint on its first byte. */
	uint8_t orig, cc = 0xcc;
	if (pread(mem, &orig, 1, (off_t)addr) != 1 || pwrite(mem, &cc, 1, (off_t)addr) != 1)
		die("mem");
	resume(&t, PTRACE_STOP_BREAKPOINT);
	if (write(t.wake, "x", 1) != 1)
		die("wake");
	next_event(&t, &e);
	struct user_regs r;
	if (pwrite(mem, &orig, 1, (off_t)addr) != 1 || pread(t.regs, &r, sizeof r, 0) != sizeof r)
		die("mem restore");
	r.rip = addr;
	if (pwrite(t.regs, &r, sizeof r, 0) != sizeof r)
		die("regs write");
	span_begin(s);
	for (long i = 0; i < iters; i++) {
		resume(&t, PTRACE_STOP_SINGLESTEP);
		next_event(&t, &e);
	}
	span_end(s);
	close(mem);
	finish_traced(&t);
}

static volatile long bp_counter;

__attribute__((noinline)) static void bp_target(void) { bp_counter++; }

static void body_call_loop(void)
{
	for (long i = 0; i < body_iters; i++)
		bp_target();
}

/* A breakpoint hit, handled the way a debugger does: restore the byte, back
 * rip up, step over, re-plant, continue. One op = one full cycle. */
static void bench_breakpoint_roundtrip(long iters, struct span *s)
{
	body_iters = iters + 1;
	struct traced t = start_traced(body_call_loop);
	int mem = open_proc(t.pid, "mem", O_RDWR);
	uint64_t addr = (uint64_t)bp_target;
	uint8_t orig, cc = 0xcc;
	if (pread(mem, &orig, 1, (off_t)addr) != 1 || pwrite(mem, &cc, 1, (off_t)addr) != 1)
		die("mem");
	resume(&t, PTRACE_STOP_BREAKPOINT);
	if (write(t.wake, "x", 1) != 1)
		die("wake");
	struct ptrace_event e;
	struct user_regs r;
	span_begin(s);
	for (long i = 0; i < iters; i++) {
		next_event(&t, &e); /* the hit */
		if (pwrite(mem, &orig, 1, (off_t)addr) != 1 ||
		    pread(t.regs, &r, sizeof r, 0) != sizeof r)
			die("restore");
		r.rip = addr;
		if (pwrite(t.regs, &r, sizeof r, 0) != sizeof r)
			die("regs write");
		resume(&t, PTRACE_STOP_SINGLESTEP | PTRACE_STOP_BREAKPOINT);
		next_event(&t, &e); /* stepped over the original instruction */
		if (pwrite(mem, &cc, 1, (off_t)addr) != 1)
			die("replant");
		resume(&t, PTRACE_STOP_BREAKPOINT);
	}
	span_end(s);
	close(mem);
	finish_traced(&t);
}

static volatile uint64_t watched_word __attribute__((aligned(8)));

static void body_write_loop(void)
{
	for (long i = 0; i < body_iters; i++)
		watched_word = (uint64_t)i;
}

/* A hardware write watchpoint (DR0 through proc:PID/regs/debug): the
 * tracee writes the watched word, stops, the tracer reads the event and
 * resumes. One op = one hit. (Linux: PTRACE_POKEUSER of DR0/DR7, then
 * waitpid and PTRACE_CONT per hit.) */
static void bench_watchpoint_hit(long iters, struct span *s)
{
	body_iters = iters + 1;
	struct traced t = start_traced(body_write_loop);
	int dbg = open_proc(t.pid, "regs/debug", O_RDWR);
	uint64_t dr[8] = {(uint64_t)&watched_word,      0, 0, 0, 0, 0, 0,
	                  1 | (1UL << 16) | (2UL << 18)}; /* L0, write, 8 bytes */
	if (pwrite(dbg, dr, sizeof dr, 0) != sizeof dr)
		die("regs/debug");
	resume(&t, PTRACE_STOP_BREAKPOINT);
	if (write(t.wake, "x", 1) != 1)
		die("wake");
	struct ptrace_event e;
	span_begin(s);
	for (long i = 0; i < iters; i++) {
		next_event(&t, &e);
		resume(&t, PTRACE_STOP_BREAKPOINT);
	}
	span_end(s);
	close(dbg);
	finish_traced(&t);
}

/* A MAP_SHARED|MAP_ANONYMOUS page written by a child and read by the
 * parent: fork, the child's store, its exit, the parent's wait and load.
 * One op = one round. */
static void bench_map_shared_round(long iters, struct span *s)
{
	volatile long *page =
	    mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED)
		die("mmap shared");
	span_begin(s);
	for (long i = 0; i < iters; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			page[0] = i;
			_exit(0);
		}
		if (pid < 0 || waitpid(pid, NULL, 0) != pid || page[0] != i)
			die("shared round");
	}
	span_end(s);
	munmap((void *)page, 4096);
}

#define MEM_BENCH_BYTES (1 << 20)
static uint8_t *mem_region;

/* Read 1 MiB of a stopped child's memory through proc:PID/mem. */
static void bench_mem_read_1mib(long iters, struct span *s)
{
	mem_region =
	    mmap(NULL, MEM_BENCH_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem_region == MAP_FAILED)
		die("mmap");
	memset(mem_region, 0x5a, MEM_BENCH_BYTES);
	struct traced t = start_traced(body_block);
	int mem = open_proc(t.pid, "mem", O_RDONLY);
	uint8_t *buf = malloc(MEM_BENCH_BYTES);
	memset(buf, 0, MEM_BENCH_BYTES);
	span_begin(s);
	for (long i = 0; i < iters; i++)
		if (pread(mem, buf, MEM_BENCH_BYTES, (off_t)(uintptr_t)mem_region) !=
		    MEM_BENCH_BYTES)
			die("mem read");
	span_end(s);
	if (buf[12345] != 0x5a)
		die("mem contents");
	free(buf);
	close(mem);
	finish_traced(&t);
	munmap(mem_region, MEM_BENCH_BYTES);
}

/* A getppid loop under /bin/strace -f [-e trace=write] -o /dev/null: bench
 * runs strace, which runs "bench --getppid-loop N FD"; that tracee times its
 * own loop and sends the span back on FD. */
static void getppid_loop_child(long iters, int fd)
{
	struct span s;
	span_begin(&s);
	for (long i = 0; i < iters; i++)
		syscall(SYS_getppid);
	span_end(&s);
	if (write(fd, &s, sizeof s) != sizeof s)
		_exit(1);
	_exit(0);
}

static void under_strace(long iters, struct span *s, int filtered)
{
	int p[2];
	char n[24], fd[16];
	if (pipe(p) < 0)
		die("pipe");
	snprintf(n, sizeof n, "%ld", iters);
	snprintf(fd, sizeof fd, "%d", p[1]);
	pid_t pid = fork();
	if (pid == 0) {
		char *full[] = {"strace", "-f", "-o", "/dev/null", "/bin/bench", "--getppid-loop",
		                n,        fd,   0};
		char *filt[] = {"strace",
		                "-f",
		                "-e",
		                "trace=write",
		                "-o",
		                "/dev/null",
		                "/bin/bench",
		                "--getppid-loop",
		                n,
		                fd,
		                0};
		close(p[0]);
		execv("/bin/strace", filtered ? filt : full);
		_exit(127);
	}
	close(p[1]);
	if (read(p[0], s, sizeof *s) != sizeof *s)
		die("strace bench: no span from the tracee");
	close(p[0]);
	waitpid(pid, NULL, 0);
}

static void bench_strace_syscall(long iters, struct span *s) { under_strace(iters, s, 0); }
static void bench_strace_filtered_syscall(long iters, struct span *s) { under_strace(iters, s, 1); }

/* --- Threads --------------------------------------------------------------- */

static void *thread_return(void *arg) { return arg; }

/* pthread_create of a thread that returns at once, and pthread_join. */
static void bench_pthread_create_join(long iters, struct span *s)
{
	pthread_t t;
	if (pthread_create(&t, NULL, thread_return, NULL) != 0) { /* musl's first thread sets up */
		bench_skip = "pthread_create fails";
		return;
	}
	pthread_join(t, NULL);
	span_begin(s);
	for (long i = 0; i < iters; i++)
		if (pthread_create(&t, NULL, thread_return, NULL) != 0 ||
		    pthread_join(t, NULL) != 0)
			die("pthread_create_join");
	span_end(s);
}

#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129
static volatile int ball; /* 1: the partner's turn, 0: the main thread's */
static long pong_iters;

static void futex(volatile int *w, int op, int val) { syscall(SYS_futex, w, op, val, NULL, 0, 0); }

/* Wait until *w is want, sleeping in FUTEX_WAIT while it is not. */
static void await_value(volatile int *w, int want)
{
	int v;
	while ((v = __atomic_load_n(w, __ATOMIC_ACQUIRE)) != want)
		futex(w, FUTEX_WAIT_PRIVATE, v);
}

static void *pong(void *arg)
{
	for (long i = 0; i < pong_iters; i++) {
		await_value(&ball, 1);
		__atomic_store_n(&ball, 0, __ATOMIC_RELEASE);
		futex(&ball, FUTEX_WAKE_PRIVATE, 1);
	}
	return arg;
}

/* Two threads hand a word back and forth through FUTEX_WAIT and
 * FUTEX_WAKE; one op = one round trip. */
static void bench_futex_pingpong(long iters, struct span *s)
{
	pthread_t t;
	ball = 0;
	pong_iters = iters;
	if (pthread_create(&t, NULL, pong, NULL) != 0) {
		bench_skip = "pthread_create fails";
		return;
	}
	span_begin(s);
	for (long i = 0; i < iters; i++) {
		__atomic_store_n(&ball, 1, __ATOMIC_RELEASE);
		futex(&ball, FUTEX_WAKE_PRIVATE, 1);
		await_value(&ball, 0);
	}
	span_end(s);
	pthread_join(t, NULL);
}

struct bench {
	const char *name;
	void (*fn)(long iters, struct span *s);
	long default_iters;
};

static const struct bench benches[] = {
    {"null_syscall", bench_null_syscall, 100000},
    {"pipe_roundtrip", bench_pipe_roundtrip, 2000},
    {"fork_exit_wait", bench_fork_exit_wait, 200},
    {"regs_read", bench_regs_read, 5000},
    {"regs_write", bench_regs_write, 5000},
    {"traced_syscall", bench_traced_syscall, 2000},
    {"filtered_syscall", bench_filtered_syscall, 100000},
    {"single_step", bench_single_step, 2000},
    {"breakpoint_roundtrip", bench_breakpoint_roundtrip, 1000},
    {"mem_read_1mib", bench_mem_read_1mib, 20},
    {"watchpoint_hit", bench_watchpoint_hit, 2000},
    {"map_shared_round", bench_map_shared_round, 200},
    {"strace_syscall", bench_strace_syscall, 2000},
    {"strace_filtered_syscall", bench_strace_filtered_syscall, 100000},
    {"pthread_create_join", bench_pthread_create_join, 500},
    {"futex_pingpong", bench_futex_pingpong, 2000},
};

#define NBENCH (sizeof benches / sizeof benches[0])

/* Run one benchmark and print its line. */
static void run_bench(const struct bench *b, long iters)
{
	struct span s;
	if (iters <= 0)
		iters = b->default_iters;
	fflush(stdout); /* nothing buffered may be duplicated by fork */
	bench_skip = NULL;
	b->fn(iters, &s);
	if (bench_skip) {
		printf("bench-skip %s: %s\n", b->name, bench_skip);
		fflush(stdout);
		return;
	}
	printf("bench %s iters=%ld tsc_per_op=%llu ns_per_op=%ld\n", b->name, iters,
	       (unsigned long long)((s.tsc1 - s.tsc0) / (uint64_t)iters), (s.ns1 - s.ns0) / iters);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	long iters = 0;
	int i = 1, ran = 0;
	if (argc == 4 && strcmp(argv[1], "--getppid-loop") == 0)
		getppid_loop_child(strtol(argv[2], NULL, 10), (int)strtol(argv[3], NULL, 10));
	if (argc == 2 && strcmp(argv[1], "-l") == 0) {
		for (size_t j = 0; j < NBENCH; j++)
			printf("%s %ld\n", benches[j].name, benches[j].default_iters);
		return 0;
	}
	if (i + 1 < argc && strcmp(argv[i], "-n") == 0) {
		iters = strtol(argv[i + 1], NULL, 10);
		i += 2;
	}
	if (i == argc) {
		for (size_t j = 0; j < NBENCH; j++)
			run_bench(&benches[j], iters);
		return 0;
	}
	for (; i < argc; i++) {
		size_t j;
		for (j = 0; j < NBENCH && strcmp(benches[j].name, argv[i]) != 0; j++)
			;
		if (j == NBENCH) {
			fprintf(stderr, "bench: no such benchmark: %s\n", argv[i]);
			return 1;
		}
		run_bench(&benches[j], iters);
		ran++;
	}
	return ran ? 0 : 1;
}
