/* proctest: what its area files share: the probe routine and the kids
 * that run it (known values in rbx, r15 and xmm0 across a read(2)), the
 * spinner, directory listings, register-image checks and the bad values
 * every address register must refuse. proc: files, status fields and trace
 * sessions are tests/guest/lib/guest.h's. */
#ifndef PROCTEST_H
#define PROCTEST_H
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"

#define wait_bounded(pid, what) wait_within((pid), 5, (what))

/* Failure messages are cut to fit on purpose. */
#pragma GCC diagnostic ignored "-Wformat-truncation"

#define RBX_MAGIC 0x1122334455667788UL
#define R15_MAGIC 0x0f0e0d0c0b0a0908UL
#define SPIN_MAGIC 0x5151515151515151UL

/* RFLAGS bits. */
#define FL_CF 0x1UL
#define FL_RESERVED1 0x2UL
#define FL_PF 0x4UL
#define FL_RESERVED3 0x8UL
#define FL_AF 0x10UL
#define FL_RESERVED5 0x20UL
#define FL_ZF 0x40UL
#define FL_SF 0x80UL
#define FL_IF 0x200UL
#define FL_DF 0x400UL
#define FL_OF 0x800UL
#define FL_IOPL 0x3000UL
#define FL_NT 0x4000UL
#define FL_RESERVED15 0x8000UL
#define FL_RF 0x10000UL
#define FL_VM 0x20000UL
#define FL_AC 0x40000UL
#define FL_VIF 0x80000UL
#define FL_VIP 0x100000UL
#define FL_ID 0x200000UL

/* Write end of the pipe on which a failing test child reports its reason.
 * Inherited by the test's own children, so their CHECKs report too. */
#define reason_fd testrun_reason_fd /* lib/testrun.h */

extern int saved_argc;
extern char **saved_argv;
/* Bad user pointers: NULL, unmapped low memory, the kernel half, kernel text. */
extern void *const bad_ptrs[4];
#define NBAD (sizeof bad_ptrs / sizeof bad_ptrs[0])

void wait_blocked_in_read(pid_t pid);
/* getdents64 the whole of a directory; names joined by '\n' into out. */
int list_dir(const char *path, char *out, size_t cap);
/* Whether a '\n'-separated list holds exactly the line `name`. */
int list_has(const char *list, const char *name);
int list_has_pid(const char *list, pid_t pid);
int count_lines(const char *s);
/* ------------------------------------------------------------------------ */
/* Target processes: the probe routine and the kids that run it.            */
/* ------------------------------------------------------------------------ */
/* probe_read(p): with rbx = p->rbx, r15 = p->r15 and xmm0 = p->xmm, call
 * read(p->fd, p->buf, 1) with a raw syscall (retrying, and counting, if it
 * returns -EINTR); then store the read's result, rflags as the syscall
 * returned them, and rbx and xmm0 as they are afterwards. The instruction
 * after the syscall is labelled probe_after_syscall. */
struct probe {
	int64_t fd;      /* 0 */
	uint64_t buf;    /* 8 */
	uint64_t rbx;    /* 16: in, then out */
	uint64_t eintr;  /* 24: -EINTR results seen */
	uint64_t rflags; /* 32: right after the syscall */
	uint64_t r15;    /* 40: in */
	int64_t result;  /* 48: the read's result */
	uint64_t pad;    /* 56 */
	uint8_t xmm[16]; /* 64: in, then out */
};

_Static_assert(offsetof(struct probe, xmm) == 64, "probe layout matches the asm");

void probe_read(struct probe *p);

extern const char probe_after_syscall[];

/* spin_forever(v): r12 = r13 = v, then loop at spin_loop forever. */
void spin_forever(uint64_t v) __attribute__((noreturn));

extern const char spin_loop[];

extern const uint8_t xmm_a[16];
extern const uint8_t xmm_b[16];
extern const uint8_t xmm_c[16];
/* A kid loops: block in probe_read on `in`; for each byte, report the probe
 * on `out`; exit 0 at end of file. */
struct probe_kid {
	pid_t pid;
	int in_w;  /* write a byte here to let one read finish; close for EOF */
	int out_r; /* the kid's reports */
};

/* Close every descriptor but the kid's own pipe ends and the reason pipe,
 * so that earlier kids' pipes reach end of file when the test closes them. */
void close_other_fds(int keep1, int keep2);
void kid_main(int in_r, int out_w, const uint8_t *xmm);
/* Start a kid (xmm0 = pattern) and wait until it is blocked in read. */
struct probe_kid spawn_probe_kid(const uint8_t *xmm);
/* The same, becoming uid/gid first (unless uid < 0). */
struct probe_kid spawn_probe_kid_ids(const uint8_t *xmm, long uid, long gid);
/* Let one read finish and collect the kid's report. */
void kid_cycle(const struct probe_kid *k, struct probe *pr);
/* One cycle that must show the kid's values intact. */
void kid_cycle_intact(const struct probe_kid *k, const uint8_t *xmm);
/* EOF the kid; it must exit 0. */
void kid_end(struct probe_kid *k);
/* Start a kid spinning in spin_forever and wait until it is preempted there. */
pid_t spawn_spinner(void);
void kill_reap(pid_t pid);
/* ------------------------------------------------------------------------ */
/* Trace-session and register helpers.                                      */
/* ------------------------------------------------------------------------ */
extern const char *const reg_names[27];
/* Fail naming the first register that differs. */
void check_regs_equal(const struct user_regs *a, const struct user_regs *b, const char *what);
/* Stop a kid, try one forbidden image (mutated from the current one by
 * mut with value v), expect EINVAL and unchanged registers, detach, and
 * check the kid still runs correctly. */
void reject_one(const struct probe_kid *k, void (*mut)(struct user_regs *, uint64_t), uint64_t v);
/* Run reject_one for each value on one fresh kid. */
void reject_all(void (*mut)(struct user_regs *, uint64_t), const uint64_t *vals, size_t n);
/* Values every address register must refuse. */
extern const uint64_t bad_addrs[6];
#define NBAD_ADDRS (sizeof bad_addrs / sizeof bad_addrs[0])

#endif
