/* guest: helpers shared by the in-guest suites under tests/guest/ (beside
 * user/lib/testrun.h, the runner and its CHECK macros): proc: files and
 * status fields, trace sessions and events, kernel counters from sys:,
 * raw system calls that touch neither errno nor TLS (for children whose
 * TLS base is deliberately odd), credentials, and gated children that wait
 * for a "go" before they run. Every helper CHECKs its own steps, so a test
 * reads as the scenario it is. */
#ifndef GUEST_H
#define GUEST_H
#include "procyon/ptrace.h"
#include "testrun.h"
#include <stddef.h>
#include <stdint.h>

#define PAGE 4096UL
#define USER_TOP 0x0000800000000000UL
#define KERNEL_ADDR 0xffff800000000000UL /* the direct map: never a user address */
#define NONCANONICAL 0x0000900000000000UL

#define CHECK_EQ(a, b)                                                                             \
	do {                                                                                       \
		uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);                                   \
		if (a_ != b_)                                                                      \
			FAILF("%s == %s: %#lx != %#lx", #a, #b, (unsigned long)a_,                 \
			      (unsigned long)b_);                                                  \
	} while (0)

/* --- proc: and sys: ------------------------------------------------------ */
/* open("proc:PID/name", flags); -1 with errno on failure. */
int proc_file(int pid, const char *name, int flags);
/* A numeric field of proc:PID/status ("ppid", "uid", "tracer", ...); -1 if
 * the process or the field is missing. */
long proc_status_num(int pid, const char *key);
/* The state letter of proc:PID/status (R, S, T, Z), or 0 if gone. */
char proc_state(int pid);
/* Wait up to ms for pid's state letter to become want; CHECKs it did. */
void proc_wait_state(int pid, char want, int ms);
/* A decimal value of sys:NAME (free_frames, sessions, procs, ...). */
long sys_value(const char *name);

/* --- Trace sessions -------------------------------------------------------- */
/* Open proc:PID/trace (O_RDWR | extra); CHECKs it succeeded. */
int trace_attach(int pid, int extra);
/* Write the request flags; CHECKs the write. */
void trace_set(int t, uint64_t flags);
/* Read the next event within ms; CHECKs its cause. */
void trace_expect(int t, uint64_t cause, struct ptrace_event *e, int ms);

/* --- Processes ---------------------------------------------------------------- */
/* A child that waits for a byte on a pipe before it runs fn(arg) and exits
 * 0: the test can attach or look at it first. */
struct gated {
	int pid;
	int go; /* write end of the gate */
};
struct gated gated_spawn(void (*fn)(long), long arg);
void gated_go(struct gated *g);
/* Drop root for good: setgid(gid) then setuid(uid); CHECKs both. */
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

/* Milliseconds of the monotonic clock. */
long now_ms(void);
#endif
