/* bench: system call microbenchmarks. For each benchmark prints
 * "bench NAME iters=N tsc_per_op=T ns_per_op=S" (rdtsc and CLOCK_MONOTONIC).
 * Usage: bench [-n ITERS] [NAME...]; bench -l lists. Add a benchmark by
 * writing fn(iters, span) and adding a row to the table. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

struct bench {
    const char *name;
    void (*fn)(long iters, struct span *s);
    long default_iters;
};

static const struct bench benches[] = {
    {"null_syscall", bench_null_syscall, 100000},
    {"pipe_roundtrip", bench_pipe_roundtrip, 2000},
    {"fork_exit_wait", bench_fork_exit_wait, 200},
};

#define NBENCH (sizeof benches / sizeof benches[0])

/* Run one benchmark and print its line. */
static void run_bench(const struct bench *b, long iters)
{
    struct span s;
    if (iters <= 0)
        iters = b->default_iters;
    fflush(stdout); /* nothing buffered may be duplicated by fork */
    b->fn(iters, &s);
    printf("bench %s iters=%ld tsc_per_op=%llu ns_per_op=%ld\n", b->name, iters,
           (unsigned long long)((s.tsc1 - s.tsc0) / (uint64_t)iters), (s.ns1 - s.ns0) / iters);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    long iters = 0;
    int i = 1, ran = 0;
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
