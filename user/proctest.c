/* proctest: in-guest conformance tests for part 1 of the proc: scheme
 * (docs: shared spec proc-scheme.md): naming and listings, status, cmdline,
 * exe, maps, regs/int and regs/float (reads, write rules, sanitising), the
 * skeleton of a trace session, the access rules, handles bound to their
 * process, and bad input. Each test runs in its own forked child (10 s
 * timeout); the parent prints "[TEST] PASS name" or "[TEST] FAIL name:
 * reason" per test. Usage: proctest (all), proctest NAME... (some),
 * proctest -l (list). "proctest --block ARGS..." is a helper mode: it
 * blocks reading fd 0 and exits (used to test cmdline and exe after exec).
 *
 * Synchronisation is by pipes and by polling proc:PID/status until the
 * target is where the test needs it (e.g. "state S" and "syscall 0"), never
 * by sleeping for a guessed time. Target processes ("kids") run a small
 * assembly routine that keeps known values in rbx, r15 and xmm0 across a
 * read(2) system call and reports what it saw afterwards. */
#define _GNU_SOURCE
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

#include "testrun.h"

#define wait_bounded(pid, what) wait_within((pid), 5, (what))

#include "procyon/ptrace.h"
#include "procyon/user_regs.h"

/* Failure messages are cut to fit on purpose. */
#pragma GCC diagnostic ignored "-Wformat-truncation"

#define PAGE 4096UL
#define USER_TOP 0x0000800000000000UL

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
#define FL_TF 0x100UL
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

/* ------------------------------------------------------------------------ */
/* Harness: CHECK macros and the failure-reason pipe.                       */
/* ------------------------------------------------------------------------ */

/* Write end of the pipe on which a failing test child reports its reason.
 * Inherited by the test's own children, so their CHECKs report too. */
#define reason_fd testrun_reason_fd /* lib/testrun.h */
static int saved_argc;
static char **saved_argv;

/* Bad user pointers: NULL, unmapped low memory, the kernel half, kernel text. */
static void *const bad_ptrs[] = {NULL, (void *)1, (void *)0xffff800000000000UL,
                                 (void *)0xffffffff80000000UL};
#define NBAD (sizeof bad_ptrs / sizeof bad_ptrs[0])

/* Fork a child that runs fn(arg) and exits 0 (its CHECKs report to us);
 * return its wait status. */
static int run_sub(void (*fn)(long), long arg)
{
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	return wait_for(pid);
}

/* Become uid/gid (setgid first, while still root). */
static void drop_to(unsigned uid, unsigned gid)
{
	CHECK(syscall(SYS_setgid, gid) == 0);
	CHECK(syscall(SYS_setuid, uid) == 0);
	CHECK(syscall(SYS_geteuid) == uid && syscall(SYS_getegid) == gid);
}

/* ------------------------------------------------------------------------ */
/* proc: helpers: paths, whole-file reads, status fields.                   */
/* ------------------------------------------------------------------------ */

static const char *ppath(char *buf, size_t cap, pid_t pid, const char *file)
{
	snprintf(buf, cap, "proc:%d/%s", (int)pid, file);
	return buf;
}

static int open_proc(pid_t pid, const char *file, int flags)
{
	char path[96];
	return open(ppath(path, sizeof path, pid, file), flags);
}

/* Read a whole file by path into buf (NUL-terminated); length or -errno. */
static long read_path(const char *path, char *buf, size_t cap)
{
	buf[0] = '\0'; /* terminated on every return, errors too */
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	size_t len = 0;
	ssize_t n;
	while (len < cap - 1 && (n = read(fd, buf + len, cap - 1 - len)) > 0)
		len += (size_t)n;
	int err = n < 0 ? errno : 0;
	close(fd);
	buf[len] = '\0';
	return err ? -err : (long)len;
}

static long read_proc(pid_t pid, const char *file, char *buf, size_t cap)
{
	char path[96];
	return read_path(ppath(path, sizeof path, pid, file), buf, cap);
}

/* The value of "key" in a status text; false if the key is missing. */
static int status_field(const char *text, const char *key, char *out, size_t cap)
{
	size_t klen = strlen(key);
	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		if (strncmp(l, key, klen) == 0 && l[klen] == ' ') {
			const char *v = l + klen + 1, *e = strchr(v, '\n');
			size_t n = e ? (size_t)(e - v) : strlen(v);
			if (n >= cap)
				n = cap - 1;
			memcpy(out, v, n);
			out[n] = '\0';
			return 1;
		}
	}
	return 0;
}

static void read_status(pid_t pid, char *buf, size_t cap)
{
	long n = read_proc(pid, "status", buf, cap);
	if (n <= 0)
		FAILF("read proc:%d/status: %ld", (int)pid, n);
}

static long status_num(pid_t pid, const char *key)
{
	char text[512], v[64];
	read_status(pid, text, sizeof text);
	if (!status_field(text, key, v, sizeof v))
		FAILF("proc:%d/status has no '%s': %s", (int)pid, key, text);
	return strtol(v, NULL, 10);
}

static char status_state(pid_t pid)
{
	char text[512], v[16];
	read_status(pid, text, sizeof text);
	if (!status_field(text, "state", v, sizeof v))
		FAILF("proc:%d/status has no state", (int)pid);
	return v[0];
}

/* Poll pid's status until its state is `state` and (unless nr == -2) its
 * syscall is nr. Fails after 5 s, showing the last status. */
static void wait_until(pid_t pid, char state, long nr)
{
	char text[512], st[16], sc[32];
	long deadline = now_ns() + 5000000000L;
	for (;;) {
		read_status(pid, text, sizeof text);
		if (status_field(text, "state", st, sizeof st) && st[0] == state &&
		    (nr == -2 ||
		     (status_field(text, "syscall", sc, sizeof sc) && strtol(sc, NULL, 10) == nr)))
			return;
		if (now_ns() > deadline)
			FAILF("pid %d never reached state %c syscall %ld; status: %s", (int)pid,
			      state, nr, text);
		sleep_ms(2);
	}
}

static void wait_blocked_in_read(pid_t pid) { wait_until(pid, 'S', 0); }

/* Read a decimal number from a sys: file, -1 if unavailable. */
static long sys_number(const char *path)
{
	char buf[64];
	if (read_path(path, buf, sizeof buf) <= 0)
		return -1;
	return strtol(buf, NULL, 10);
}

/* getdents64 the whole of a directory; names joined by '\n' into out. */
static int list_dir(const char *path, char *out, size_t cap)
{
	out[0] = '\0'; /* terminated on every return, errors too */
	int fd = open(path, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return -errno;
	char buf[1024];
	size_t len = 0;
	long n;
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
		for (long pos = 0; pos < n;) {
			unsigned short reclen;
			memcpy(&reclen, buf + pos + 16, 2);
			const char *name = buf + pos + 19;
			int w = snprintf(out + len, cap - len, "%s\n", name);
			if (w > 0 && (size_t)w < cap - len)
				len += (size_t)w;
			if (reclen == 0)
				FAILF("zero d_reclen in %s", path);
			pos += reclen;
		}
	}
	int err = n < 0 ? errno : 0;
	close(fd);
	return err ? -err : 0;
}

/* Whether a '\n'-separated list holds exactly the line `name`. */
static int list_has(const char *list, const char *name)
{
	size_t n = strlen(name);
	for (const char *l = list; *l;) {
		const char *e = strchr(l, '\n');
		size_t len = e ? (size_t)(e - l) : strlen(l);
		if (len == n && memcmp(l, name, n) == 0)
			return 1;
		if (!e)
			break;
		l = e + 1;
	}
	return 0;
}

static int list_has_pid(const char *list, pid_t pid)
{
	char s[16];
	snprintf(s, sizeof s, "%d", (int)pid);
	return list_has(list, s);
}

static int count_lines(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

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

__asm__(".text\n"
        ".globl probe_read\n"
        ".globl probe_after_syscall\n"
        "probe_read:\n"
        "    push %rbx\n"
        "    push %r12\n"
        "    push %r15\n"
        "    mov %rdi, %r12\n"
        "    mov 16(%r12), %rbx\n"
        "    mov 40(%r12), %r15\n"
        "    movdqu 64(%r12), %xmm0\n"
        "1:  mov 0(%r12), %rdi\n"
        "    mov 8(%r12), %rsi\n"
        "    mov $1, %edx\n"
        "    xor %eax, %eax\n"
        "    syscall\n"
        "probe_after_syscall:\n"
        "    pushfq\n"
        "    popq 32(%r12)\n"
        "    pushq $0x202\n" /* back to clean flags (DF, AC clear) */
        "    popfq\n"
        "    cmp $-4, %rax\n"
        "    jne 2f\n"
        "    incq 24(%r12)\n"
        "    jmp 1b\n"
        "2:  mov %rax, 48(%r12)\n"
        "    mov %rbx, 16(%r12)\n"
        "    movdqu %xmm0, 64(%r12)\n"
        "    pop %r15\n"
        "    pop %r12\n"
        "    pop %rbx\n"
        "    ret\n"
        ".globl spin_forever\n"
        ".globl spin_loop\n"
        "spin_forever:\n"
        "    mov %rdi, %r12\n"
        "    mov %rdi, %r13\n"
        "spin_loop:\n"
        "    jmp spin_loop\n");

static const uint8_t xmm_a[16] = {0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
                                  0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf};
static const uint8_t xmm_b[16] = {0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7,
                                  0xb8, 0xb9, 0xba, 0xbb, 0xbc, 0xbd, 0xbe, 0xbf};
static const uint8_t xmm_c[16] = {0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7,
                                  0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf};

/* A kid loops: block in probe_read on `in`; for each byte, report the probe
 * on `out`; exit 0 at end of file. */
struct kid {
	pid_t pid;
	int in_w;  /* write a byte here to let one read finish; close for EOF */
	int out_r; /* the kid's reports */
};

/* Close every descriptor but the kid's own pipe ends and the reason pipe,
 * so that earlier kids' pipes reach end of file when the test closes them. */
static void close_other_fds(int keep1, int keep2)
{
	for (int fd = 3; fd < 256; fd++)
		if (fd != keep1 && fd != keep2 && fd != reason_fd)
			close(fd);
}

static void kid_main(int in_r, int out_w, const uint8_t *xmm)
{
	static char byte;
	close_other_fds(in_r, out_w);
	for (;;) {
		struct probe pr;
		memset(&pr, 0, sizeof pr);
		pr.fd = in_r;
		pr.buf = (uint64_t)(uintptr_t)&byte;
		pr.rbx = RBX_MAGIC;
		pr.r15 = R15_MAGIC;
		memcpy(pr.xmm, xmm, 16);
		probe_read(&pr);
		if (pr.result != 1)
			_exit(pr.result == 0 ? 0 : 3);
		if (write(out_w, &pr, sizeof pr) != (ssize_t)sizeof pr)
			_exit(4);
	}
}

/* Start a kid (xmm0 = pattern) and wait until it is blocked in read. */
static struct kid spawn_kid(const uint8_t *xmm)
{
	int in[2], out[2];
	CHECK(pipe(in) == 0 && pipe(out) == 0);
	struct kid k;
	k.pid = fork();
	CHECK(k.pid >= 0);
	if (k.pid == 0) {
		close(in[1]);
		close(out[0]);
		kid_main(in[0], out[1], xmm);
	}
	close(in[0]);
	close(out[1]);
	k.in_w = in[1];
	k.out_r = out[0];
	wait_blocked_in_read(k.pid);
	return k;
}

/* Let one read finish and collect the kid's report. */
static void kid_cycle(const struct kid *k, struct probe *pr)
{
	CHECK(write(k->in_w, "x", 1) == 1);
	size_t got = 0;
	while (got < sizeof *pr) {
		ssize_t n = read(k->out_r, (char *)pr + got, sizeof *pr - got);
		if (n <= 0)
			FAILF("kid %d gave no report (read %zd)", (int)k->pid, n);
		got += (size_t)n;
	}
}

/* One cycle that must show the kid's values intact. */
static void kid_cycle_intact(const struct kid *k, const uint8_t *xmm)
{
	struct probe pr;
	kid_cycle(k, &pr);
	if (pr.result != 1 || pr.rbx != RBX_MAGIC || memcmp(pr.xmm, xmm, 16) != 0)
		FAILF("kid %d after resume: result %ld rbx %#lx xmm0[0] %#x", (int)k->pid,
		      (long)pr.result, (unsigned long)pr.rbx, pr.xmm[0]);
}

/* EOF the kid; it must exit 0. */
static void kid_end(struct kid *k)
{
	close(k->in_w);
	CHECK_EXITED(wait_bounded(k->pid, "end of file on its input"), 0);
	close(k->out_r);
}

/* Start a kid spinning in spin_forever and wait until it is preempted there. */
static pid_t spawn_spinner(void)
{
	int p[2];
	CHECK(pipe(p) == 0);
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		write(p[1], "r", 1);
		spin_forever(SPIN_MAGIC);
	}
	close(p[1]);
	char c;
	CHECK(read(p[0], &c, 1) == 1);
	close(p[0]);
	int fd = open_proc(pid, "regs/int", O_RDONLY);
	CHECK(fd >= 0);
	struct user_regs r;
	long deadline = now_ns() + 5000000000L;
	do {
		sleep_ms(5);
		CHECK(pread(fd, &r, sizeof r, 0) == (ssize_t)sizeof r);
		if (now_ns() > deadline)
			FAILF("spinner never seen at spin_loop: rip %#lx", (unsigned long)r.rip);
	} while (r.rip != (uint64_t)(uintptr_t)spin_loop);
	close(fd);
	return pid;
}

static void kill_reap(pid_t pid)
{
	kill(pid, SIGKILL);
	CHECK_KILLED_BY(wait_for(pid), SIGKILL);
}

/* ------------------------------------------------------------------------ */
/* Trace-session and register helpers.                                      */
/* ------------------------------------------------------------------------ */

static int attach(pid_t pid, int flags) { return open_proc(pid, "trace", O_RDWR | flags); }

/* Attach with O_TRUNC: the kid must be stopped (state T) when open returns. */
static int attach_stopped(pid_t pid)
{
	int t = attach(pid, O_TRUNC);
	CHECK(t >= 0);
	char st = status_state(pid);
	if (st != 'T')
		FAILF("after O_TRUNC attach, pid %d state %c, want T", (int)pid, st);
	return t;
}

static void trace_resume(int t)
{
	uint64_t zero = 0;
	CHECK(write(t, &zero, 8) == 8);
}

static void get_regs(int fd, struct user_regs *r)
{
	CHECK(pread(fd, r, sizeof *r, 0) == (ssize_t)sizeof *r);
}

static void get_fpregs(int fd, struct user_fpregs *f)
{
	CHECK(pread(fd, f, sizeof *f, 0) == (ssize_t)sizeof *f);
}

static const char *const reg_names[27] = {
    "r15",    "r14", "r13", "r12",     "rbp",     "rbx", "r11",      "r10", "r9",
    "r8",     "rax", "rcx", "rdx",     "rsi",     "rdi", "orig_rax", "rip", "cs",
    "rflags", "rsp", "ss",  "fs_base", "gs_base", "ds",  "es",       "fs",  "gs"};

/* Fail naming the first register that differs. */
static void check_regs_equal(const struct user_regs *a, const struct user_regs *b, const char *what)
{
	uint64_t x[27], y[27];
	memcpy(x, a, sizeof x);
	memcpy(y, b, sizeof y);
	for (int i = 0; i < 27; i++)
		if (x[i] != y[i])
			FAILF("%s: %s %#lx != %#lx", what, reg_names[i], (unsigned long)x[i],
			      (unsigned long)y[i]);
}

/* Stop a kid, try one forbidden image (mutated from the current one by
 * mut with value v), expect EINVAL and unchanged registers, detach, and
 * check the kid still runs correctly. */
static void reject_one(const struct kid *k, void (*mut)(struct user_regs *, uint64_t), uint64_t v)
{
	int t = attach_stopped(k->pid);
	int fd = open_proc(k->pid, "regs/int", O_RDWR);
	CHECK(fd >= 0);
	struct user_regs before, bad, after;
	get_regs(fd, &before);
	bad = before;
	mut(&bad, v);
	errno = 0;
	ssize_t n = pwrite(fd, &bad, sizeof bad, 0);
	if (n != -1 || errno != EINVAL)
		FAILF("forbidden image (value %#lx) gave %zd errno %d, want EINVAL",
		      (unsigned long)v, n, errno);
	get_regs(fd, &after);
	check_regs_equal(&after, &before, "registers after a rejected write");
	close(fd);
	close(t);
	kid_cycle_intact(k, xmm_a);
}

/* Run reject_one for each value on one fresh kid. */
static void reject_all(void (*mut)(struct user_regs *, uint64_t), const uint64_t *vals, size_t n)
{
	struct kid k = spawn_kid(xmm_a);
	for (size_t i = 0; i < n; i++) {
		wait_blocked_in_read(k.pid);
		reject_one(&k, mut, vals[i]);
	}
	kid_end(&k);
}

/* Values every address register must refuse. */
static const uint64_t bad_addrs[] = {USER_TOP,
                                     0xffff800000000000UL,
                                     0x8000000000000000UL,
                                     0x00ff000000000000UL,
                                     0xffffffffffffffffUL,
                                     0xffffffff80000000UL};
#define NBAD_ADDRS (sizeof bad_addrs / sizeof bad_addrs[0])

/* ------------------------------------------------------------------------ */
/* Naming and listings.                                                     */
/* ------------------------------------------------------------------------ */

static void list_root_shows_live_pids(void)
{
	static char list[8192];
	struct kid k = spawn_kid(xmm_a);
	CHECK(list_dir("proc:", list, sizeof list) == 0);
	CHECK(list_has_pid(list, getpid()));
	CHECK(list_has_pid(list, getppid()));
	CHECK(list_has_pid(list, 1));
	CHECK(list_has_pid(list, k.pid));
	pid_t gone = k.pid;
	kid_end(&k);
	CHECK(list_dir("proc:", list, sizeof list) == 0);
	CHECK(!list_has_pid(list, gone));
	CHECK(list_has_pid(list, getpid()));
}

static void list_scheme_path_root_same(void)
{
	static char a[8192], b[8192];
	CHECK(list_dir("/scheme/proc", b, sizeof b) == 0);
	CHECK(list_dir("proc:", a, sizeof a) == 0);
	CHECK(list_has_pid(b, getpid()));
	CHECK(list_has_pid(b, 1));
	CHECK(strcmp(a, b) == 0);
}

static const char *const pid_files[] = {"status", "cmdline", "exe",   "maps",
                                        "regs",   "mem",     "trace", "sysfilter"};

static void check_pid_dir_listing(const char *path)
{
	char list[1024];
	int r = list_dir(path, list, sizeof list);
	if (r)
		FAILF("listing %s: %d", path, r);
	for (size_t i = 0; i < sizeof pid_files / sizeof pid_files[0]; i++)
		if (!list_has(list, pid_files[i]))
			FAILF("%s lacks %s: %s", path, pid_files[i], list);
	if (count_lines(list) != 8)
		FAILF("%s lists %d entries, want 8: %s", path, count_lines(list), list);
}

static void list_pid_dir_files(void)
{
	char path[64];
	struct kid k = spawn_kid(xmm_a);
	snprintf(path, sizeof path, "proc:%d", (int)k.pid);
	check_pid_dir_listing(path);
	snprintf(path, sizeof path, "/scheme/proc/%d", (int)k.pid);
	check_pid_dir_listing(path);
	snprintf(path, sizeof path, "proc:%d", (int)getpid());
	check_pid_dir_listing(path);
	kid_end(&k);
}

static void list_regs_dir_int_float(void)
{
	char list[256], path[64];
	snprintf(path, sizeof path, "proc:%d/regs", (int)getpid());
	CHECK(list_dir(path, list, sizeof list) == 0);
	CHECK(list_has(list, "int") && list_has(list, "float") && count_lines(list) == 2);
	CHECK(list_dir("proc:self/regs", list, sizeof list) == 0);
	CHECK(list_has(list, "int") && list_has(list, "float"));
}

static void self_names_caller(void)
{
	char a[512], b[512], v[32];
	check_pid_dir_listing("proc:self");
	check_pid_dir_listing("/scheme/proc/self");
	CHECK(read_path("proc:self/status", a, sizeof a) > 0);
	CHECK(status_field(a, "pid", v, sizeof v) && atoi(v) == getpid());
	CHECK(read_path("/scheme/proc/self/status", b, sizeof b) > 0);
	CHECK(status_field(b, "pid", v, sizeof v) && atoi(v) == getpid());
	/* A child's self is the child. */
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		char t[512], w[32];
		_exit(read_path("proc:self/status", t, sizeof t) > 0 &&
		              status_field(t, "pid", w, sizeof w) && atoi(w) == getpid()
		          ? 0
		          : 1);
	}
	CHECK_EXITED(wait_for(pid), 0);
}

static void scheme_path_same_status(void)
{
	char a[512], b[512], path[64];
	struct kid k = spawn_kid(xmm_a);
	CHECK(read_proc(k.pid, "status", a, sizeof a) > 0);
	snprintf(path, sizeof path, "/scheme/proc/%d/status", (int)k.pid);
	CHECK(read_path(path, b, sizeof b) > 0);
	CHECK(strcmp(a, b) == 0);
	kid_end(&k);
}

/* ------------------------------------------------------------------------ */
/* status                                                                   */
/* ------------------------------------------------------------------------ */

static void status_has_every_key(void)
{
	static const char *const keys[] = {"pid",   "ppid", "uid",    "gid",
	                                   "state", "name", "tracer", "syscall"};
	char text[512], v[64];
	read_status(getpid(), text, sizeof text);
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (!status_field(text, keys[i], v, sizeof v))
			FAILF("status lacks '%s': %s", keys[i], text);
	/* one "key value" per line, every line */
	for (const char *l = text; *l;) {
		const char *e = strchr(l, '\n');
		CHECK(e != NULL);
		const char *sp = memchr(l, ' ', (size_t)(e - l));
		CHECK(sp != NULL && sp > l && sp + 1 < e);
		l = e + 1;
	}
}

static void status_self_values(void)
{
	char text[512], v[64];
	read_status(getpid(), text, sizeof text);
	CHECK(status_field(text, "pid", v, sizeof v) && atoi(v) == getpid());
	CHECK(status_field(text, "ppid", v, sizeof v) && atoi(v) == getppid());
	CHECK(status_field(text, "uid", v, sizeof v) && atol(v) == syscall(SYS_getuid));
	CHECK(status_field(text, "gid", v, sizeof v) && atol(v) == syscall(SYS_getgid));
	CHECK(status_field(text, "state", v, sizeof v) && strcmp(v, "R") == 0);
	CHECK(status_field(text, "name", v, sizeof v) && strcmp(v, "proctest") == 0);
	CHECK(status_field(text, "tracer", v, sizeof v) && strcmp(v, "0") == 0);
}

static void status_blocked_in_read_child(void)
{
	char text[512], v[64];
	struct kid k = spawn_kid(xmm_a);
	read_status(k.pid, text, sizeof text);
	CHECK(status_field(text, "pid", v, sizeof v) && atoi(v) == k.pid);
	CHECK(status_field(text, "ppid", v, sizeof v) && atoi(v) == getpid());
	CHECK(status_field(text, "state", v, sizeof v) && strcmp(v, "S") == 0);
	CHECK(status_field(text, "syscall", v, sizeof v) && strcmp(v, "0") == 0);
	CHECK(status_field(text, "tracer", v, sizeof v) && strcmp(v, "0") == 0);
	CHECK(status_field(text, "name", v, sizeof v) && strcmp(v, "proctest") == 0);
	kid_end(&k);
}

static void status_blocked_in_nanosleep(void)
{
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		struct timespec ts = {30, 0};
		syscall(SYS_nanosleep, &ts, NULL);
		_exit(0);
	}
	wait_until(pid, 'S', SYS_nanosleep);
	kill_reap(pid);
}

static void check_parent_in_wait4(long unused)
{
	(void)unused;
	wait_until(getppid(), 'S', -2);
	CHECK(status_num(getppid(), "syscall") == SYS_wait4);
}

static void status_parent_blocked_in_wait4(void)
{
	CHECK_EXITED(run_sub(check_parent_in_wait4, 0), 0);
}

static void status_running_child_syscall_minus1(void)
{
	pid_t pid = spawn_spinner();
	char text[512], v[64];
	read_status(pid, text, sizeof text);
	CHECK(status_field(text, "state", v, sizeof v) && strcmp(v, "R") == 0);
	CHECK(status_field(text, "syscall", v, sizeof v) && strcmp(v, "-1") == 0);
	kill_reap(pid);
}

static void status_traced_stopped_T_and_tracer(void)
{
	struct kid k = spawn_kid(xmm_a);
	int t = attach_stopped(k.pid);
	CHECK(status_num(k.pid, "tracer") == getpid());
	CHECK(status_state(k.pid) == 'T');
	close(t);
	wait_blocked_in_read(k.pid);
	CHECK(status_num(k.pid, "tracer") == 0);
	kid_end(&k);
}

static void status_tracer_shown_while_running(void)
{
	struct kid k = spawn_kid(xmm_a);
	int t = attach(k.pid, 0);
	CHECK(t >= 0);
	CHECK(status_num(k.pid, "tracer") == getpid());
	CHECK(status_state(k.pid) == 'S');
	CHECK(status_num(k.pid, "syscall") == 0);
	close(t);
	CHECK(status_num(k.pid, "tracer") == 0);
	kid_end(&k);
}

static void status_sigstopped_T(void)
{
	pid_t pid = spawn_spinner();
	CHECK(kill(pid, SIGSTOP) == 0);
	int st = wait_for(pid);
	CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
	CHECK(status_state(pid) == 'T');
	CHECK(status_num(pid, "syscall") == -1);
	kill_reap(pid);
}

static void status_zombie_Z(void)
{
	struct kid k = spawn_kid(xmm_a);
	close(k.in_w); /* EOF: it exits, and stays a zombie until reaped */
	wait_until(k.pid, 'Z', -2);
	CHECK(status_num(k.pid, "ppid") == getpid());
	CHECK_EXITED(wait_for(k.pid), 0);
	close(k.out_r);
}

static void drop_and_block(long fd)
{
	drop_to(1000, 1001);
	char c;
	read((int)fd, &c, 1);
}

static void status_shows_uid_gid(void)
{
	int p[2];
	CHECK(pipe(p) == 0);
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		close(p[1]);
		drop_and_block(p[0]);
		_exit(0);
	}
	close(p[0]);
	wait_blocked_in_read(pid);
	CHECK(status_num(pid, "uid") == 1000);
	CHECK(status_num(pid, "gid") == 1001);
	close(p[1]);
	CHECK_EXITED(wait_for(pid), 0);
}

/* ------------------------------------------------------------------------ */
/* cmdline and exe                                                          */
/* ------------------------------------------------------------------------ */

static void cmdline_self_is_argv(void)
{
	char buf[1024], want[1024];
	size_t len = 0;
	for (int i = 0; i < saved_argc; i++) {
		size_t n = strlen(saved_argv[i]) + 1;
		CHECK(len + n < sizeof want);
		memcpy(want + len, saved_argv[i], n);
		len += n;
	}
	int fd = open("proc:self/cmdline", O_RDONLY);
	CHECK(fd >= 0);
	ssize_t n = read(fd, buf, sizeof buf);
	CHECK(n == (ssize_t)len);
	CHECK(memcmp(buf, want, len) == 0);
	close(fd);
}

/* Exec "proctest --block ..." in a child reading our pipe; argv0 is how it
 * is named to execve (path), and dir the directory to chdir to first. */
static pid_t spawn_blocker(const char *dir, const char *path, char *const argv[], int *wfd)
{
	int p[2];
	CHECK(pipe(p) == 0);
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		close(p[1]);
		dup2(p[0], 0);
		if (dir && chdir(dir) != 0)
			_exit(126);
		char *envp[] = {NULL};
		execve(path, argv, envp);
		_exit(127);
	}
	close(p[0]);
	*wfd = p[1];
	wait_until(pid, 'S', 0);
	return pid;
}

static void cmdline_exec_child_nul_separated(void)
{
	char *argv[] = {"proctest", "--block", "alpha", "", "beta gamma", NULL};
	static const char want[] = "proctest\0--block\0alpha\0\0beta gamma\0";
	int w;
	pid_t pid = spawn_blocker(NULL, "/bin/proctest", argv, &w);
	char buf[256];
	int fd = open_proc(pid, "cmdline", O_RDONLY);
	CHECK(fd >= 0);
	ssize_t n = read(fd, buf, sizeof buf);
	CHECK(n == (ssize_t)sizeof want - 1);
	CHECK(memcmp(buf, want, sizeof want - 1) == 0);
	CHECK(read(fd, buf, sizeof buf) == 0);
	/* a short buffer gets the first bytes, then the rest */
	CHECK(pread(fd, buf, 5, 0) == 5 && memcmp(buf, "proct", 5) == 0);
	CHECK(pread(fd, buf, 6, 9) == 6 && memcmp(buf, "--bloc", 6) == 0);
	close(fd);
	char text[512], v[64];
	read_status(pid, text, sizeof text);
	CHECK(status_field(text, "name", v, sizeof v) && strcmp(v, "proctest") == 0);
	close(w);
	CHECK_EXITED(wait_for(pid), 0);
}

static void exe_is_absolute_path(void)
{
	char buf[256];
	CHECK(read_path("proc:self/exe", buf, sizeof buf) > 0);
	CHECK(strcmp(buf, "/bin/proctest") == 0);
	struct kid k = spawn_kid(xmm_a);
	CHECK(read_proc(k.pid, "exe", buf, sizeof buf) > 0);
	CHECK(strcmp(buf, "/bin/proctest") == 0);
	kid_end(&k);
}

static void exe_absolute_after_relative_exec(void)
{
	char *argv[] = {"proctest", "--block", NULL};
	int w;
	pid_t pid = spawn_blocker("/bin", "./proctest", argv, &w);
	char buf[256];
	CHECK(read_proc(pid, "exe", buf, sizeof buf) > 0);
	if (strcmp(buf, "/bin/proctest") != 0)
		FAILF("exe after execve(\"./proctest\") in /bin is \"%s\"", buf);
	close(w);
	CHECK_EXITED(wait_for(pid), 0);
}

/* ------------------------------------------------------------------------ */
/* maps                                                                     */
/* ------------------------------------------------------------------------ */

struct map {
	uint64_t start, end, off;
	char perms[8];
	char path[128];
};

/* Parse proc:PID/maps (or self when pid is 0), checking every line's form
 * and that mappings are sorted and disjoint. */
static int read_maps(pid_t pid, struct map *m, int max)
{
	static char text[16384];
	long len = pid ? read_proc(pid, "maps", text, sizeof text)
	               : read_path("proc:self/maps", text, sizeof text);
	if (len <= 0)
		FAILF("reading maps: %ld", len);
	CHECK(text[len - 1] == '\n');
	int n = 0;
	for (char *l = text; *l && n < max;) {
		char *e = strchr(l, '\n');
		*e = '\0';
		struct map *x = &m[n];
		x->path[0] = '\0';
		int f = sscanf(l, "%lx-%lx %7s %lx %127[^\n]", &x->start, &x->end, x->perms,
		               &x->off, x->path);
		if (f < 4)
			FAILF("bad maps line '%s'", l);
		if (x->start >= x->end || (x->start | x->end) % PAGE || x->end > USER_TOP)
			FAILF("bad range in '%s'", l);
		if (strlen(x->perms) != 4 || !strchr("r-", x->perms[0]) ||
		    !strchr("w-", x->perms[1]) || !strchr("x-", x->perms[2]) ||
		    !strchr("ps", x->perms[3]))
			FAILF("bad perms in '%s'", l);
		if (n > 0 && x->start < m[n - 1].end)
			FAILF("maps not sorted/disjoint at '%s'", l);
		n++;
		l = e + 1;
	}
	return n;
}

static const struct map *map_at(const struct map *m, int n, uint64_t addr)
{
	for (int i = 0; i < n; i++)
		if (addr >= m[i].start && addr < m[i].end)
			return &m[i];
	return NULL;
}

/* Is [a, b) covered by maps with perms p (first three chars)? */
static int covered(const struct map *m, int n, uint64_t a, uint64_t b, const char *p)
{
	while (a < b) {
		const struct map *x = map_at(m, n, a);
		if (!x || strncmp(x->perms, p, 3) != 0)
			return 0;
		a = x->end;
	}
	return 1;
}

static struct map maps_buf[128];

static void maps_stack_and_text(void)
{
	int local = 0;
	int n = read_maps(0, maps_buf, 128);
	const struct map *s = map_at(maps_buf, n, (uint64_t)(uintptr_t)&local);
	CHECK(s != NULL);
	CHECK(strncmp(s->perms, "rw-", 3) == 0);
	CHECK(strcmp(s->path, "[stack]") == 0);
	const struct map *t = map_at(maps_buf, n, (uint64_t)(uintptr_t)&maps_stack_and_text);
	CHECK(t != NULL);
	if (strncmp(t->perms, "r-x", 3) != 0 || strcmp(t->path, "/bin/proctest") != 0)
		FAILF("text mapping: %lx-%lx %s '%s'", (unsigned long)t->start,
		      (unsigned long)t->end, t->perms, t->path);
	CHECK(map_at(maps_buf, n, (uint64_t)(uintptr_t)probe_after_syscall) != NULL);
}

static void maps_heap_after_brk(void)
{
	uint64_t cur = (uint64_t)syscall(SYS_brk, 0);
	uint64_t want = ((cur + PAGE - 1) & ~(PAGE - 1)) + 3 * PAGE;
	CHECK((uint64_t)syscall(SYS_brk, want) == want);
	memset((void *)(uintptr_t)cur, 0x5a, want - cur);
	int n = read_maps(0, maps_buf, 128);
	if (!covered(maps_buf, n, cur & ~(PAGE - 1), want, "rw-"))
		FAILF("heap %lx-%lx not covered rw-", (unsigned long)cur, (unsigned long)want);
	const struct map *h = map_at(maps_buf, n, want - 1);
	CHECK(h && strcmp(h->path, "[heap]") == 0);
	CHECK(h->end == want);
}

static void maps_mmap_region_and_split(void)
{
	char *a = mmap(NULL, 3 * PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(a != MAP_FAILED);
	uint64_t s = (uint64_t)(uintptr_t)a;
	int n = read_maps(0, maps_buf, 128);
	CHECK(covered(maps_buf, n, s, s + 3 * PAGE, "r--"));
	/* a protection change in the middle shows three mappings */
	CHECK(mprotect(a + PAGE, PAGE, PROT_READ | PROT_WRITE) == 0);
	n = read_maps(0, maps_buf, 128);
	const struct map *m0 = map_at(maps_buf, n, s), *m1 = map_at(maps_buf, n, s + PAGE),
	                 *m2 = map_at(maps_buf, n, s + 2 * PAGE);
	CHECK(m0 && m1 && m2);
	CHECK(strncmp(m0->perms, "r--", 3) == 0 && m0->end == s + PAGE);
	CHECK(strncmp(m1->perms, "rw-", 3) == 0 && m1->start == s + PAGE &&
	      m1->end == s + 2 * PAGE);
	CHECK(strncmp(m2->perms, "r--", 3) == 0 && m2->start == s + 2 * PAGE);
	/* unmapped: gone */
	CHECK(munmap(a, 3 * PAGE) == 0);
	n = read_maps(0, maps_buf, 128);
	CHECK(map_at(maps_buf, n, s) == NULL && map_at(maps_buf, n, s + 2 * PAGE) == NULL);
}

static void maps_of_other_process(void)
{
	int local = 0;
	struct kid k = spawn_kid(xmm_a);
	int n = read_maps(k.pid, maps_buf, 128);
	const struct map *t = map_at(maps_buf, n, (uint64_t)(uintptr_t)probe_after_syscall);
	CHECK(t && strncmp(t->perms, "r-x", 3) == 0 && strcmp(t->path, "/bin/proctest") == 0);
	const struct map *s = map_at(maps_buf, n, (uint64_t)(uintptr_t)&local);
	CHECK(s && strcmp(s->path, "[stack]") == 0);
	kid_end(&k);
}

/* ------------------------------------------------------------------------ */
/* regs/int and regs/float: reading                                         */
/* ------------------------------------------------------------------------ */

/* The seed scenario, with libc's read: rax == orig_rax == 0, and the two
 * bytes before rip are the syscall instruction. */
static void regs_blocked_in_read_shows_syscall(void)
{
	int p[2];
	CHECK(pipe(p) == 0);
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		char c;
		close(p[1]);
		_exit(read(p[0], &c, 1) == 1 ? 0 : 1);
	}
	close(p[0]);
	wait_blocked_in_read(pid);
	struct user_regs r;
	int fd = open_proc(pid, "regs/int", O_RDONLY);
	CHECK(fd >= 0);
	get_regs(fd, &r);
	if (r.rax != 0 || r.orig_rax != 0)
		FAILF("rax %#lx orig_rax %#lx, want 0 and 0", (unsigned long)r.rax,
		      (unsigned long)r.orig_rax);
	CHECK(r.rip > 2 && r.rip < USER_TOP);
	int mem = open_proc(pid, "mem", O_RDONLY);
	CHECK(mem >= 0);
	unsigned char ins[2];
	CHECK(pread(mem, ins, 2, (off_t)(r.rip - 2)) == 2);
	if (ins[0] != 0x0f || ins[1] != 0x05)
		FAILF("bytes before rip %#lx: %02x %02x", (unsigned long)r.rip, ins[0], ins[1]);
	close(mem);
	close(fd);
	CHECK(write(p[1], "x", 1) == 1);
	CHECK_EXITED(wait_for(pid), 0);
}

/* The same with the probe: exact rip, and the values it holds. */
static void regs_blocked_in_read_exact_values(void)
{
	struct kid k = spawn_kid(xmm_a);
	int fd = open_proc(k.pid, "regs/int", O_RDONLY);
	CHECK(fd >= 0);
	struct user_regs r;
	get_regs(fd, &r);
	CHECK(r.rip == (uint64_t)(uintptr_t)probe_after_syscall);
	CHECK(r.rax == 0 && r.orig_rax == 0);
	CHECK(r.rbx == RBX_MAGIC);
	CHECK(r.r15 == R15_MAGIC);
	CHECK(r.rdx == 1);
	CHECK(r.rsp > 0 && r.rsp < USER_TOP);
	CHECK((r.cs & 3) == 3 && (r.ss & 3) == 3);
	CHECK(r.rflags & FL_IF);
	CHECK(r.fs_base < USER_TOP && r.gs_base < USER_TOP);
	close(fd);
	kid_end(&k);
}

static void regs_preempted_busy_loop(void)
{
	pid_t pid = spawn_spinner();
	int fd = open_proc(pid, "regs/int", O_RDONLY);
	CHECK(fd >= 0);
	struct user_regs r;
	get_regs(fd, &r);
	CHECK(r.rip == (uint64_t)(uintptr_t)spin_loop);
	if (r.orig_rax != (uint64_t)-1)
		FAILF("preempted: orig_rax %#lx, want -1", (unsigned long)r.orig_rax);
	CHECK(r.r12 == SPIN_MAGIC && r.r13 == SPIN_MAGIC);
	CHECK((r.cs & 3) == 3);
	close(fd);
	kill_reap(pid);
}

static void regs_sigstopped_process(void)
{
	pid_t pid = spawn_spinner();
	CHECK(kill(pid, SIGSTOP) == 0);
	int st = wait_for(pid);
	CHECK(WIFSTOPPED(st));
	int fd = open_proc(pid, "regs/int", O_RDONLY);
	CHECK(fd >= 0);
	struct user_regs r, r2;
	get_regs(fd, &r);
	CHECK(r.rip == (uint64_t)(uintptr_t)spin_loop);
	CHECK(r.orig_rax == (uint64_t)-1);
	CHECK(r.r12 == SPIN_MAGIC && r.r13 == SPIN_MAGIC);
	get_regs(fd, &r2);
	check_regs_equal(&r2, &r, "two reads of a stopped process");
	close(fd);
	kill_reap(pid);
}

static void regs_self_shows_current_syscall(void)
{
	int fd = open("proc:self/regs/int", O_RDONLY);
	CHECK(fd >= 0);
	struct user_regs r;
	CHECK(syscall(SYS_pread64, fd, &r, sizeof r, 0) == (long)sizeof r);
	if (r.orig_rax != SYS_pread64 || r.rax != SYS_pread64)
		FAILF("own regs inside pread64: rax %#lx orig_rax %#lx", (unsigned long)r.rax,
		      (unsigned long)r.orig_rax);
	close(fd);
}

static void regs_pread_216_returns_216(void)
{
	struct kid k = spawn_kid(xmm_a);
	int fd = open_proc(k.pid, "regs/int", O_RDONLY);
	CHECK(fd >= 0);
	char buf[400];
	CHECK(pread(fd, buf, 216, 0) == 216);
	CHECK(pread(fd, buf, sizeof buf, 0) == 216); /* never more than the struct */
	struct stat st;
	CHECK(fstat(fd, &st) == 0 && st.st_size == 216);
	close(fd);
	kid_end(&k);
}

static void regs_short_read_gets_first_bytes(void)
{
	struct kid k = spawn_kid(xmm_a);
	int fd = open_proc(k.pid, "regs/int", O_RDONLY);
	CHECK(fd >= 0);
	uint64_t r15 = 0;
	CHECK(pread(fd, &r15, 8, 0) == 8);
	CHECK(r15 == R15_MAGIC);
	unsigned char one;
	CHECK(pread(fd, &one, 1, 0) == 1 && one == (R15_MAGIC & 0xff));
	/* rbx is the sixth register: an 8-byte window at 40 */
	uint64_t rbx = 0;
	CHECK(pread(fd, &rbx, 8, 40) == 8 && rbx == RBX_MAGIC);
	close(fd);
	kid_end(&k);
}

static void regs_read_past_end_returns_0(void)
{
	struct kid k = spawn_kid(xmm_a);
	int fd = open_proc(k.pid, "regs/int", O_RDONLY);
	CHECK(fd >= 0);
	char buf[300];
	CHECK(pread(fd, buf, sizeof buf, 216) == 0);
	CHECK(pread(fd, buf, sizeof buf, 4096) == 0);
	CHECK(pread(fd, buf, sizeof buf, 200) == 16);
	close(fd);
	kid_end(&k);
}

static void regs_sequential_reads_concatenate(void)
{
	struct kid k = spawn_kid(xmm_a);
	int fd = open_proc(k.pid, "regs/int", O_RDONLY);
	CHECK(fd >= 0);
	struct user_regs whole;
	char parts[216];
	get_regs(fd, &whole);
	CHECK(read(fd, parts, 100) == 100);
	CHECK(read(fd, parts + 100, 100) == 100);
	CHECK(read(fd, parts + 200, 100) == 16);
	CHECK(read(fd, parts, 100) == 0);
	CHECK(memcmp(parts, &whole, 216) == 0);
	close(fd);
	kid_end(&k);
}

static void fpregs_read_512_shows_xmm0(void)
{
	struct kid k = spawn_kid(xmm_b);
	int fd = open_proc(k.pid, "regs/float", O_RDONLY);
	CHECK(fd >= 0);
	struct user_fpregs f;
	char big[700];
	CHECK(pread(fd, big, sizeof big, 0) == 512);
	get_fpregs(fd, &f);
	if (memcmp(f.xmm_space, xmm_b, 16) != 0)
		FAILF("xmm0 in regs/float: %08x%08x%08x%08x", f.xmm_space[3], f.xmm_space[2],
		      f.xmm_space[1], f.xmm_space[0]);
	CHECK((f.mxcsr & 0xffff) == 0x1f80); /* the default control word */
	CHECK(pread(fd, big, 16, 160) == 16 && memcmp(big, xmm_b, 16) == 0);
	CHECK(pread(fd, big, sizeof big, 512) == 0);
	CHECK(pread(fd, big, sizeof big, 500) == 12);
	struct stat st;
	CHECK(fstat(fd, &st) == 0 && st.st_size == 512);
	close(fd);
	kid_end(&k);
}

static void fpregs_two_processes_distinct(void)
{
	struct kid a = spawn_kid(xmm_a), b = spawn_kid(xmm_b);
	struct user_fpregs fa, fb;
	int da = open_proc(a.pid, "regs/float", O_RDONLY),
	    db = open_proc(b.pid, "regs/float", O_RDONLY);
	CHECK(da >= 0 && db >= 0);
	get_fpregs(da, &fa);
	get_fpregs(db, &fb);
	CHECK(memcmp(fa.xmm_space, xmm_a, 16) == 0);
	CHECK(memcmp(fb.xmm_space, xmm_b, 16) == 0);
	close(da);
	close(db);
	kid_cycle_intact(&a, xmm_a);
	kid_cycle_intact(&b, xmm_b);
	kid_end(&a);
	kid_end(&b);
}

/* ------------------------------------------------------------------------ */
/* regs/int: who may write, and round trips                                 */
/* ------------------------------------------------------------------------ */

static void regs_write_non_tracer_eperm(void)
{
	struct kid k = spawn_kid(xmm_a);
	int fd = open_proc(k.pid, "regs/int", O_RDWR);
	CHECK(fd >= 0);
	struct user_regs r;
	get_regs(fd, &r);
	CHECK_ERR(pwrite(fd, &r, sizeof r, 0), EPERM);
	int ff = open_proc(k.pid, "regs/float", O_RDWR);
	CHECK(ff >= 0);
	struct user_fpregs f;
	get_fpregs(ff, &f);
	CHECK_ERR(pwrite(ff, &f, sizeof f, 0), EPERM);
	close(ff);
	close(fd);
	kid_cycle_intact(&k, xmm_a);
	kid_end(&k);
}

static void regs_write_other_tracers_target_eperm(void)
{
	struct kid k = spawn_kid(xmm_a);
	int ctl[2];
	CHECK(pipe(ctl) == 0);
	pid_t h = fork();
	CHECK(h >= 0);
	if (h == 0) {
		/* another process's session does not make us the tracer */
		close(ctl[1]);
		int t = attach(k.pid, O_TRUNC);
		CHECK(t >= 0);
		char c;
		read(ctl[0], &c, 1);
		close(t);
		_exit(0);
	}
	close(ctl[0]);
	wait_until(k.pid, 'T', -2);
	CHECK(status_num(k.pid, "tracer") == h);
	int fd = open_proc(k.pid, "regs/int", O_RDWR);
	CHECK(fd >= 0);
	struct user_regs r;
	get_regs(fd, &r);
	CHECK_ERR(pwrite(fd, &r, sizeof r, 0), EPERM);
	close(fd);
	close(ctl[1]);
	CHECK_EXITED(wait_for(h), 0);
	kid_cycle_intact(&k, xmm_a);
	kid_end(&k);
}

static void regs_write_tracer_not_stopped_ebusy(void)
{
	struct kid k = spawn_kid(xmm_a);
	int t = attach(k.pid, 0); /* blocked in read is not a ptrace stop */
	CHECK(t >= 0);
	CHECK(status_state(k.pid) == 'S');
	int fd = open_proc(k.pid, "regs/int", O_RDWR);
	int ff = open_proc(k.pid, "regs/float", O_RDWR);
	CHECK(fd >= 0 && ff >= 0);
	struct user_regs r;
	struct user_fpregs f;
	get_regs(fd, &r);
	get_fpregs(ff, &f);
	CHECK_ERR(pwrite(fd, &r, sizeof r, 0), EBUSY);
	CHECK_ERR(pwrite(ff, &f, sizeof f, 0), EBUSY);
	close(fd);
	close(ff);
	close(t);
	kid_cycle_intact(&k, xmm_a);
	kid_end(&k);
}

static void regs_write_ebusy_after_resume(void)
{
	struct kid k = spawn_kid(xmm_a);
	int t = attach_stopped(k.pid);
	int fd = open_proc(k.pid, "regs/int", O_RDWR);
	CHECK(fd >= 0);
	struct user_regs r;
	get_regs(fd, &r);
	CHECK(pwrite(fd, &r, sizeof r, 0) == (ssize_t)sizeof r);
	trace_resume(t);
	wait_blocked_in_read(k.pid);
	get_regs(fd, &r);
	CHECK_ERR(pwrite(fd, &r, sizeof r, 0), EBUSY);
	close(fd);
	close(t);
	kid_cycle_intact(&k, xmm_a);
	kid_end(&k);
}

static void regs_write_roundtrip_identity(void)
{
	struct kid k = spawn_kid(xmm_a);
	int t = attach_stopped(k.pid);
	int fd = open_proc(k.pid, "regs/int", O_RDWR);
	CHECK(fd >= 0);
	struct user_regs a, b;
	get_regs(fd, &a);
	CHECK(a.rbx == RBX_MAGIC && a.r15 == R15_MAGIC);
	CHECK(pwrite(fd, &a, sizeof a, 0) == (ssize_t)sizeof a);
	get_regs(fd, &b);
	check_regs_equal(&b, &a, "read, write back, read");
	CHECK(pwrite(fd, &b, sizeof b, 0) == (ssize_t)sizeof b);
	get_regs(fd, &a);
	check_regs_equal(&a, &b, "second round trip");
	close(fd);
	trace_resume(t);
	kid_cycle_intact(&k, xmm_a);
	close(t);
	kid_end(&k);
}

static void regs_write_changed_rbx_seen_by_child(void)
{
	const uint64_t newval = 0x0123456789abcdefUL;
	struct kid k = spawn_kid(xmm_a);
	int t = attach_stopped(k.pid);
	int fd = open_proc(k.pid, "regs/int", O_RDWR);
	CHECK(fd >= 0);
	struct user_regs r;
	get_regs(fd, &r);
	CHECK(r.rbx == RBX_MAGIC);
	r.rbx = newval;
	CHECK(pwrite(fd, &r, sizeof r, 0) == (ssize_t)sizeof r);
	struct user_regs back;
	get_regs(fd, &back);
	check_regs_equal(&back, &r, "read after write");
	close(fd);
	trace_resume(t);
	struct probe pr;
	kid_cycle(&k, &pr);
	if (pr.rbx != newval || pr.result != 1)
		FAILF("child saw rbx %#lx (result %ld), want %#lx", (unsigned long)pr.rbx,
		      (long)pr.result, (unsigned long)newval);
	close(t);
	kid_cycle_intact(&k, xmm_a); /* the next round is back to the magic */
	kid_end(&k);
}

static void regs_write_repeated_stop_write_resume(void)
{
	/* several stop/write/resume rounds in one session, via O_TRUNC reopen */
	struct kid k = spawn_kid(xmm_a);
	for (int i = 0; i < 5; i++) {
		int t = attach_stopped(k.pid);
		int fd = open_proc(k.pid, "regs/int", O_RDWR);
		CHECK(fd >= 0);
		struct user_regs r;
		get_regs(fd, &r);
		r.rbx = 1000 + (uint64_t)i;
		CHECK(pwrite(fd, &r, sizeof r, 0) == (ssize_t)sizeof r);
		close(fd);
		close(t); /* detach resumes */
		struct probe pr;
		kid_cycle(&k, &pr);
		CHECK(pr.rbx == 1000 + (uint64_t)i);
		wait_blocked_in_read(k.pid);
	}
	kid_end(&k);
}

static void regs_write_wrong_size_or_offset_einval(void)
{
	struct kid k = spawn_kid(xmm_a);
	int t = attach_stopped(k.pid);
	int fd = open_proc(k.pid, "regs/int", O_RDWR);
	CHECK(fd >= 0);
	struct user_regs before, after;
	char buf[300];
	get_regs(fd, &before);
	memcpy(buf, &before, sizeof before);
	memset(buf + 216, 0, sizeof buf - 216);
	((struct user_regs *)buf)->rbx = 77; /* a change that must not land */
	CHECK_ERR(pwrite(fd, buf, 215, 0), EINVAL);
	CHECK_ERR(pwrite(fd, buf, 217, 0), EINVAL);
	CHECK_ERR(pwrite(fd, buf, 8, 0), EINVAL);
	CHECK_ERR(pwrite(fd, buf, 216, 8), EINVAL);
	CHECK_ERR(pwrite(fd, buf, 208, 8), EINVAL);
	CHECK(lseek(fd, 8, SEEK_SET) == 8);
	CHECK_ERR(write(fd, buf, 216), EINVAL);
	get_regs(fd, &after);
	check_regs_equal(&after, &before, "after bad-size writes");
	close(fd);
	close(t);
	kid_cycle_intact(&k, xmm_a);
	kid_end(&k);
}

/* Forbidden register values: one mutator per field group. */
static void mut_cs(struct user_regs *r, uint64_t v) { r->cs = v; }
static void mut_ss(struct user_regs *r, uint64_t v) { r->ss = v; }
static void mut_ds(struct user_regs *r, uint64_t v) { r->ds = v; }
static void mut_es(struct user_regs *r, uint64_t v) { r->es = v; }
static void mut_fs(struct user_regs *r, uint64_t v) { r->fs = v; }
static void mut_gs(struct user_regs *r, uint64_t v) { r->gs = v; }
static void mut_flag_flip(struct user_regs *r, uint64_t v) { r->rflags ^= v; }
static void mut_rip(struct user_regs *r, uint64_t v) { r->rip = v; }
static void mut_rsp(struct user_regs *r, uint64_t v) { r->rsp = v; }
static void mut_fs_base(struct user_regs *r, uint64_t v) { r->fs_base = v; }
static void mut_gs_base(struct user_regs *r, uint64_t v) { r->gs_base = v; }
/* A valid-looking change plus one forbidden one: nothing may land. */
static void mut_rbx_and_cs(struct user_regs *r, uint64_t v)
{
	r->rbx = 42;
	r->rax = 43;
	r->cs = v;
}

static const uint64_t seg_vals[] = {0, 0x08, 0x10, 0x18, 0x1b, 0x20, 0x23, 0x2b, 0x33, 0xffff};

/* Segment values that differ from the current one. */
static void reject_segment(void (*mut)(struct user_regs *, uint64_t), size_t field)
{
	struct kid k = spawn_kid(xmm_a);
	int fd = open_proc(k.pid, "regs/int", O_RDONLY);
	CHECK(fd >= 0);
	struct user_regs r;
	get_regs(fd, &r);
	close(fd);
	uint64_t all[27];
	memcpy(all, &r, sizeof all);
	uint64_t cur = all[field];
	for (size_t i = 0; i < sizeof seg_vals / sizeof seg_vals[0]; i++) {
		if (seg_vals[i] == cur)
			continue;
		wait_blocked_in_read(k.pid);
		reject_one(&k, mut, seg_vals[i]);
	}
	kid_end(&k);
}

#define FIELD(f) (offsetof(struct user_regs, f) / 8)

static void regs_write_rejects_cs(void) { reject_segment(mut_cs, FIELD(cs)); }
static void regs_write_rejects_ss(void) { reject_segment(mut_ss, FIELD(ss)); }
static void regs_write_rejects_ds(void) { reject_segment(mut_ds, FIELD(ds)); }
static void regs_write_rejects_es(void) { reject_segment(mut_es, FIELD(es)); }
static void regs_write_rejects_fs(void) { reject_segment(mut_fs, FIELD(fs)); }
static void regs_write_rejects_gs(void) { reject_segment(mut_gs, FIELD(gs)); }

static void regs_write_rejects_rflags_iopl(void)
{
	static const uint64_t v[] = {0x1000, 0x2000, 0x3000};
	reject_all(mut_flag_flip, v, 3);
}

static void regs_write_rejects_rflags_if(void)
{
	static const uint64_t v[] = {FL_IF};
	reject_all(mut_flag_flip, v, 1);
}

static void regs_write_rejects_rflags_nt_vm_rf(void)
{
	static const uint64_t v[] = {FL_NT, FL_VM, FL_RF};
	reject_all(mut_flag_flip, v, 3);
}

static void regs_write_rejects_rflags_vif_vip_id(void)
{
	static const uint64_t v[] = {FL_VIF, FL_VIP, FL_ID};
	reject_all(mut_flag_flip, v, 3);
}

static void regs_write_rejects_rflags_reserved(void)
{
	static const uint64_t v[] = {FL_RESERVED1, FL_RESERVED3, FL_RESERVED5, FL_RESERVED15,
	                             1UL << 22,    1UL << 31,    1UL << 32,    1UL << 63};
	reject_all(mut_flag_flip, v, sizeof v / sizeof v[0]);
}

static void regs_write_rejects_bad_rip(void) { reject_all(mut_rip, bad_addrs, NBAD_ADDRS); }
static void regs_write_rejects_bad_rsp(void) { reject_all(mut_rsp, bad_addrs, NBAD_ADDRS); }
static void regs_write_rejects_bad_fs_base(void) { reject_all(mut_fs_base, bad_addrs, NBAD_ADDRS); }
static void regs_write_rejects_bad_gs_base(void) { reject_all(mut_gs_base, bad_addrs, NBAD_ADDRS); }

static void regs_write_rejected_is_all_or_nothing(void)
{
	static const uint64_t v[] = {0x08, 0x2b};
	reject_all(mut_rbx_and_cs, v, 2);
}

/* The allowed flags: set (and read back) each, and the child sees them. */
static void regs_write_accepts_user_rflags(void)
{
	static const uint64_t bits[] = {FL_CF, FL_PF, FL_AF, FL_ZF, FL_SF, FL_DF, FL_OF, FL_AC};
	struct kid k = spawn_kid(xmm_a);
	for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++) {
		wait_blocked_in_read(k.pid);
		int t = attach_stopped(k.pid);
		int fd = open_proc(k.pid, "regs/int", O_RDWR);
		CHECK(fd >= 0);
		struct user_regs r, back;
		get_regs(fd, &r);
		r.rflags |= bits[i];
		if (pwrite(fd, &r, sizeof r, 0) != (ssize_t)sizeof r)
			FAILF("setting rflags bit %#lx rejected (errno %d)", (unsigned long)bits[i],
			      errno);
		get_regs(fd, &back);
		CHECK(back.rflags == r.rflags);
		close(fd);
		close(t);
		struct probe pr;
		kid_cycle(&k, &pr);
		CHECK(pr.result == 1 && pr.rbx == RBX_MAGIC);
		if (!(pr.rflags & bits[i]))
			FAILF("child's rflags %#lx lack %#lx", (unsigned long)pr.rflags,
			      (unsigned long)bits[i]);
	}
	kid_end(&k);
}

/* Changing rip, rsp and fs_base to other user addresses is allowed. */
static void regs_write_accepts_user_addresses(void)
{
	struct kid k = spawn_kid(xmm_a);
	int t = attach_stopped(k.pid);
	int fd = open_proc(k.pid, "regs/int", O_RDWR);
	CHECK(fd >= 0);
	struct user_regs r, w, back;
	get_regs(fd, &r);
	w = r;
	w.rsp = r.rsp - 64;
	w.gs_base = 0x7ffff000UL;
	w.fs_base = 0x1000;
	w.rip = USER_TOP - 1;
	CHECK(pwrite(fd, &w, sizeof w, 0) == (ssize_t)sizeof w);
	get_regs(fd, &back);
	check_regs_equal(&back, &w, "user-half addresses");
	CHECK(pwrite(fd, &r, sizeof r, 0) == (ssize_t)sizeof r); /* put them back */
	get_regs(fd, &back);
	check_regs_equal(&back, &r, "restored");
	close(fd);
	close(t);
	kid_cycle_intact(&k, xmm_a);
	kid_end(&k);
}

/* ------------------------------------------------------------------------ */
/* regs/float writes                                                        */
/* ------------------------------------------------------------------------ */

static void fpregs_write_rejects_reserved_mxcsr(void)
{
	struct kid k = spawn_kid(xmm_a);
	int t = attach_stopped(k.pid);
	int fd = open_proc(k.pid, "regs/float", O_RDWR);
	CHECK(fd >= 0);
	struct user_fpregs f, bad, after;
	get_fpregs(fd, &f);
	uint32_t mask = f.mxcsr_mask ? f.mxcsr_mask : 0xffbf;
	uint32_t vals[3] = {0xffff0000u | 0x1f80u, 0x1f80u | 0x80000000u,
	                    0x1f80u | (~mask & 0xffffu)};
	for (int i = 0; i < 3; i++) {
		if ((vals[i] & ~mask) == 0)
			continue;
		bad = f;
		bad.mxcsr = vals[i];
		memcpy(bad.xmm_space, xmm_c, 16); /* must not land either */
		errno = 0;
		ssize_t n = pwrite(fd, &bad, sizeof bad, 0);
		if (n != -1 || errno != EINVAL)
			FAILF("mxcsr %#x: pwrite gave %zd errno %d, want EINVAL", vals[i], n,
			      errno);
		get_fpregs(fd, &after);
		CHECK(memcmp(&after, &f, sizeof f) == 0);
	}
	char buf[600];
	memcpy(buf, &f, sizeof f);
	CHECK_ERR(pwrite(fd, buf, 511, 0), EINVAL);
	CHECK_ERR(pwrite(fd, buf, 513, 0), EINVAL);
	CHECK_ERR(pwrite(fd, buf, 512, 16), EINVAL);
	close(fd);
	close(t);
	kid_cycle_intact(&k, xmm_a);
	kid_end(&k);
}

static void fpregs_write_xmm0_seen_by_child(void)
{
	struct kid k = spawn_kid(xmm_a);
	int t = attach_stopped(k.pid);
	int fd = open_proc(k.pid, "regs/float", O_RDWR);
	CHECK(fd >= 0);
	struct user_fpregs f, back;
	get_fpregs(fd, &f);
	CHECK(memcmp(f.xmm_space, xmm_a, 16) == 0);
	/* identity round trip first */
	CHECK(pwrite(fd, &f, sizeof f, 0) == (ssize_t)sizeof f);
	get_fpregs(fd, &back);
	CHECK(memcmp(&back, &f, sizeof f) == 0);
	memcpy(f.xmm_space, xmm_c, 16);
	CHECK(pwrite(fd, &f, sizeof f, 0) == (ssize_t)sizeof f);
	get_fpregs(fd, &back);
	CHECK(memcmp(back.xmm_space, xmm_c, 16) == 0);
	CHECK(back.mxcsr == f.mxcsr);
	close(fd);
	trace_resume(t);
	struct probe pr;
	kid_cycle(&k, &pr);
	if (memcmp(pr.xmm, xmm_c, 16) != 0)
		FAILF("child's xmm0 after resume starts %02x, want c0", pr.xmm[0]);
	close(t);
	kid_cycle_intact(&k, xmm_a);
	kid_end(&k);
}

static void fpregs_write_not_seen_by_other_process(void)
{
	struct kid a = spawn_kid(xmm_a), b = spawn_kid(xmm_b);
	int t = attach_stopped(a.pid);
	int fa = open_proc(a.pid, "regs/float", O_RDWR),
	    fb = open_proc(b.pid, "regs/float", O_RDONLY);
	CHECK(fa >= 0 && fb >= 0);
	struct user_fpregs f, g;
	get_fpregs(fa, &f);
	memcpy(f.xmm_space, xmm_c, 16);
	CHECK(pwrite(fa, &f, sizeof f, 0) == (ssize_t)sizeof f);
	get_fpregs(fb, &g);
	CHECK(memcmp(g.xmm_space, xmm_b, 16) == 0);
	close(fa);
	close(t);
	struct probe pr;
	kid_cycle(&b, &pr);
	CHECK(memcmp(pr.xmm, xmm_b, 16) == 0);
	kid_cycle(&a, &pr);
	CHECK(memcmp(pr.xmm, xmm_c, 16) == 0);
	wait_blocked_in_read(b.pid);
	get_fpregs(fb, &g);
	CHECK(memcmp(g.xmm_space, xmm_b, 16) == 0);
	close(fb);
	kid_end(&a);
	kid_end(&b);
}

/* ------------------------------------------------------------------------ */
/* The trace session skeleton                                               */
/* ------------------------------------------------------------------------ */

static void try_attach_exit_errno(long pid)
{
	int t = attach((pid_t)pid, 0);
	_exit(t >= 0 ? 0 : errno);
}

static void trace_second_tracer_ebusy(void)
{
	struct kid k = spawn_kid(xmm_a);
	int t = attach(k.pid, 0);
	CHECK(t >= 0);
	CHECK_ERR(attach(k.pid, 0), EBUSY); /* the same process again */
	CHECK_ERR(attach(k.pid, O_TRUNC), EBUSY);
	int st = run_sub(try_attach_exit_errno, k.pid); /* another process */
	CHECK_EXITED(st, EBUSY);
	close(t);
	st = run_sub(try_attach_exit_errno, k.pid); /* free again once closed */
	CHECK_EXITED(st, 0);
	wait_until(k.pid, 'S', 0);
	CHECK(status_num(k.pid, "tracer") == 0);
	kid_cycle_intact(&k, xmm_a);
	kid_end(&k);
}

static void trace_self_einval(void)
{
	CHECK_ERR(open("proc:self/trace", O_RDWR), EINVAL);
	CHECK_ERR(open_proc(getpid(), "trace", O_RDWR), EINVAL);
	CHECK_ERR(open_proc(getpid(), "trace", O_RDWR | O_TRUNC), EINVAL);
	CHECK_ERR(open("/scheme/proc/self/trace", O_RDWR), EINVAL);
	CHECK(status_num(getpid(), "tracer") == 0);
}

/* A pid that existed and has been reaped. */
static pid_t dead_pid(void)
{
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(0);
	CHECK_EXITED(wait_for(pid), 0);
	return pid;
}

static void trace_no_such_pid_enoent(void)
{
	pid_t pid = dead_pid();
	CHECK_ERR(attach(pid, 0), ENOENT);
	CHECK_ERR(open("proc:99999999999/trace", O_RDWR), ENOENT);
	CHECK_ERR(open("proc:0/trace", O_RDWR), ENOENT);
}

static void trace_pid1_eperm_even_as_root(void)
{
	CHECK(syscall(SYS_geteuid) == 0);
	CHECK_ERR(open("proc:1/trace", O_RDWR), EPERM);
	CHECK_ERR(open("proc:1/trace", O_RDWR | O_TRUNC), EPERM);
	CHECK_ERR(open("proc:1/regs/int", O_RDONLY), EPERM);
	CHECK_ERR(open("proc:1/mem", O_RDONLY), EPERM);
	CHECK(status_num(1, "tracer") == 0);
	CHECK(status_num(1, "pid") == 1);
}

static void trace_otrunc_stops_before_open_returns(void)
{
	struct kid k = spawn_kid(xmm_a);
	int t = attach(k.pid, O_TRUNC);
	CHECK(t >= 0);
	/* no polling: the stop must already hold */
	char text[512], v[32];
	read_status(k.pid, text, sizeof text);
	CHECK(status_field(text, "state", v, sizeof v) && strcmp(v, "T") == 0);
	CHECK(status_field(text, "tracer", v, sizeof v) && atoi(v) == getpid());
	close(t);
	kid_cycle_intact(&k, xmm_a);
	kid_end(&k);
}

static void trace_otrunc_stops_running_process(void)
{
	pid_t pid = spawn_spinner();
	int t = attach(pid, O_TRUNC);
	CHECK(t >= 0);
	CHECK(status_state(pid) == 'T');
	int fd = open_proc(pid, "regs/int", O_RDWR);
	CHECK(fd >= 0);
	struct user_regs r;
	get_regs(fd, &r);
	CHECK(r.rip == (uint64_t)(uintptr_t)spin_loop && r.r12 == SPIN_MAGIC);
	CHECK(pwrite(fd, &r, sizeof r, 0) == (ssize_t)sizeof r); /* stopped: writable */
	close(fd);
	trace_resume(t);
	wait_until(pid, 'R', -1);
	close(t);
	kill_reap(pid);
}

static void trace_otrunc_blocked_read_continues(void)
{
	struct kid k = spawn_kid(xmm_a);
	int t = attach_stopped(k.pid);
	trace_resume(t);
	struct probe pr;
	kid_cycle(&k, &pr);
	CHECK(pr.result == 1);
	if (pr.eintr != 0)
		FAILF("the stopped read returned -EINTR to the program %lu times",
		      (unsigned long)pr.eintr);
	close(t);
	kid_end(&k);
}

static void trace_write_zero_resumes(void)
{
	struct kid k = spawn_kid(xmm_a);
	int t = attach_stopped(k.pid);
	uint64_t zero = 0;
	CHECK(write(t, &zero, 8) == 8);
	wait_blocked_in_read(k.pid); /* back in its read, still traced */
	CHECK(status_num(k.pid, "tracer") == getpid());
	kid_cycle_intact(&k, xmm_a); /* and it runs */
	kid_cycle_intact(&k, xmm_a);
	close(t);
	kid_end(&k);
}

static void trace_write_bad_size_or_bits_einval(void)
{
	struct kid k = spawn_kid(xmm_a);
	int t = attach(k.pid, 0);
	CHECK(t >= 0);
	uint64_t v[2] = {0, 0};
	CHECK_ERR(write(t, v, 4), EINVAL);
	CHECK_ERR(write(t, v, 16), EINVAL);
	CHECK_ERR(write(t, v, 0), EINVAL);
	v[0] = 0x10000;
	CHECK_ERR(write(t, v, 8), EINVAL);
	v[0] = 0x0200; /* an event bit nobody defined */
	CHECK_ERR(write(t, v, 8), EINVAL);
	v[0] = 1UL << 63;
	CHECK_ERR(write(t, v, 8), EINVAL);
	close(t);
	kid_cycle_intact(&k, xmm_a);
	kid_end(&k);
}

static void trace_read_small_buffer_or_empty_queue(void)
{
	struct kid k = spawn_kid(xmm_a);
	int t = attach(k.pid, O_NONBLOCK);
	CHECK(t >= 0);
	char buf[128];
	CHECK_ERR(read(t, buf, 63), EINVAL);
	CHECK_ERR(read(t, buf, 1), EINVAL);
	CHECK_ERR(read(t, buf, 64), EAGAIN); /* nothing queued yet */
	CHECK_ERR(read(t, buf, 128), EAGAIN);
	close(t);
	kid_cycle_intact(&k, xmm_a);
	kid_end(&k);
}

static void trace_close_detaches_and_resumes(void)
{
	struct kid k = spawn_kid(xmm_a);
	int t = attach_stopped(k.pid);
	close(t);
	wait_blocked_in_read(k.pid);
	CHECK(status_num(k.pid, "tracer") == 0);
	kid_cycle_intact(&k, xmm_a);
	/* and a new session can start */
	t = attach(k.pid, 0);
	CHECK(t >= 0);
	close(t);
	kid_end(&k);
}

static void attach_then_exit(long pid)
{
	CHECK(attach((pid_t)pid, O_TRUNC) >= 0);
	_exit(0); /* the session ends with us */
}

static void trace_tracer_exit_detaches(void)
{
	struct kid k = spawn_kid(xmm_a);
	CHECK_EXITED(run_sub(attach_then_exit, k.pid), 0);
	wait_blocked_in_read(k.pid);
	CHECK(status_num(k.pid, "tracer") == 0);
	kid_cycle_intact(&k, xmm_a);
	kid_end(&k);
}

static void trace_oexcl_kills_on_close(void)
{
	struct kid k = spawn_kid(xmm_a);
	int t = attach(k.pid, O_EXCL);
	CHECK(t >= 0);
	kid_cycle_intact(&k, xmm_a); /* it still runs while traced */
	wait_blocked_in_read(k.pid);
	close(t);
	CHECK_KILLED_BY(wait_bounded(k.pid, "closing its O_EXCL trace handle"), SIGKILL);
	close(k.in_w);
	close(k.out_r);
}

static void trace_oexcl_kills_stopped_target_on_close(void)
{
	struct kid k = spawn_kid(xmm_a);
	int t = attach(k.pid, O_EXCL | O_TRUNC);
	CHECK(t >= 0);
	CHECK(status_state(k.pid) == 'T');
	close(t);
	CHECK_KILLED_BY(wait_bounded(k.pid, "closing its O_EXCL trace handle"), SIGKILL);
	close(k.in_w);
	close(k.out_r);
}

static void attach_excl_then_exit(long pid)
{
	CHECK(attach((pid_t)pid, O_EXCL) >= 0);
	_exit(0);
}

static void trace_oexcl_kills_when_tracer_exits(void)
{
	struct kid k = spawn_kid(xmm_a);
	CHECK_EXITED(run_sub(attach_excl_then_exit, k.pid), 0);
	CHECK_KILLED_BY(wait_bounded(k.pid, "its O_EXCL tracer exited"), SIGKILL);
	close(k.in_w);
	close(k.out_r);
}

static void trace_sessions_not_leaked(void)
{
	struct kid k = spawn_kid(xmm_a);
	long before = sys_number("sys:sessions");
	CHECK(before >= 0);
	for (int i = 0; i < 20; i++) {
		int t = attach(k.pid, (i & 1) ? O_TRUNC : 0);
		CHECK(t >= 0);
		CHECK(sys_number("sys:sessions") == before + 1);
		close(t);
		CHECK(sys_number("sys:sessions") == before);
		CHECK_ERR(attach(getpid(), 0), EINVAL);
		CHECK(sys_number("sys:sessions") == before);
	}
	wait_blocked_in_read(k.pid);
	kid_cycle_intact(&k, xmm_a);
	kid_end(&k);
	CHECK(sys_number("sys:sessions") == before);
}

/* ------------------------------------------------------------------------ */
/* Access rules                                                             */
/* ------------------------------------------------------------------------ */

static const char *const guarded[] = {"regs/int",  "regs/float", "mem", "trace",
                                      "sysfilter", "maps",       "exe", "cmdline"};
#define NGUARDED (sizeof guarded / sizeof guarded[0])

static int open_guarded(pid_t pid, size_t i)
{
	int flags = strcmp(guarded[i], "trace") == 0 ? O_RDWR : O_RDONLY;
	return open_proc(pid, guarded[i], flags);
}

/* Every guarded file of pid must fail with EPERM; status and the listing
 * must still work. */
static void check_all_eperm(pid_t pid)
{
	for (size_t i = 0; i < NGUARDED; i++) {
		errno = 0;
		int fd = open_guarded(pid, i);
		if (fd >= 0 || errno != EPERM)
			FAILF("uid %ld gid %ld opening proc:%d/%s: fd %d errno %d, want EPERM",
			      syscall(SYS_geteuid), syscall(SYS_getegid), (int)pid, guarded[i], fd,
			      errno);
	}
	char text[512], list[1024], path[64];
	read_status(pid, text, sizeof text);
	snprintf(path, sizeof path, "proc:%d", (int)pid);
	CHECK(list_dir(path, list, sizeof list) == 0 && list_has(list, "status"));
}

static void check_all_allowed(pid_t pid)
{
	for (size_t i = 0; i < NGUARDED; i++) {
		if (pid == getpid() && strcmp(guarded[i], "trace") == 0)
			continue; /* tracing yourself is EINVAL, tested elsewhere */
		int fd = open_guarded(pid, i);
		if (fd < 0)
			FAILF("uid %ld opening proc:%d/%s: errno %d, want success",
			      syscall(SYS_geteuid), (int)pid, guarded[i], errno);
		close(fd);
	}
}

static void dropped_opens_root_parent(long parent)
{
	drop_to(1000, 1000);
	check_all_eperm((pid_t)parent);
	check_all_eperm(1);
	check_all_allowed(getpid()); /* its own files stay open to it */
}

static void access_other_uid_eperm_status_ok(void)
{
	CHECK_EXITED(run_sub(dropped_opens_root_parent, getpid()), 0);
}

static void dropped_opens_root_sibling(long sib)
{
	drop_to(1000, 1000);
	check_all_eperm((pid_t)sib);
}

static void access_other_uid_sibling_eperm(void)
{
	struct kid k = spawn_kid(xmm_a);
	CHECK_EXITED(run_sub(dropped_opens_root_sibling, k.pid), 0);
	kid_cycle_intact(&k, xmm_a);
	kid_end(&k);
}

/* Fork a kid that becomes uid/gid and blocks in read; wait until it has. */
static struct kid spawn_kid_as(unsigned uid, unsigned gid)
{
	int in[2], out[2];
	CHECK(pipe(in) == 0 && pipe(out) == 0);
	struct kid k;
	k.pid = fork();
	CHECK(k.pid >= 0);
	if (k.pid == 0) {
		close(in[1]);
		close(out[0]);
		if (syscall(SYS_geteuid) == 0 || syscall(SYS_getuid) != uid ||
		    syscall(SYS_getgid) != gid)
			drop_to(uid, gid);
		kid_main(in[0], out[1], xmm_a);
	}
	close(in[0]);
	close(out[1]);
	k.in_w = in[1];
	k.out_r = out[0];
	wait_blocked_in_read(k.pid);
	CHECK(status_num(k.pid, "uid") == uid && status_num(k.pid, "gid") == gid);
	return k;
}

static void same_ids_ancestor(long unused)
{
	(void)unused;
	drop_to(1000, 1000);
	struct kid k = spawn_kid_as(1000, 1000);
	check_all_allowed(k.pid);
	/* and a real session works */
	int t = attach_stopped(k.pid);
	int fd = open_proc(k.pid, "regs/int", O_RDWR);
	CHECK(fd >= 0);
	struct user_regs r;
	get_regs(fd, &r);
	CHECK(r.rbx == RBX_MAGIC);
	CHECK(pwrite(fd, &r, sizeof r, 0) == (ssize_t)sizeof r);
	close(fd);
	close(t);
	kid_cycle_intact(&k, xmm_a);
	kid_end(&k);
}

static void access_same_ids_ancestor_allowed(void)
{
	CHECK_EXITED(run_sub(same_ids_ancestor, 0), 0);
}

/* The grandchild: an ancestor, not only the parent, qualifies. */
static void same_ids_grandparent(long unused)
{
	(void)unused;
	drop_to(1000, 1000);
	int p[2], q[2];
	CHECK(pipe(p) == 0 && pipe(q) == 0);
	pid_t mid = fork();
	CHECK(mid >= 0);
	if (mid == 0) {
		close(p[0]);
		close(q[1]);
		pid_t g = fork();
		if (g == 0) {
			char c;
			read(q[0], &c, 1);
			_exit(0);
		}
		write(p[1], &g, sizeof g);
		int st;
		waitpid(g, &st, 0);
		_exit(0);
	}
	close(p[1]);
	close(q[0]);
	pid_t g;
	CHECK(read(p[0], &g, sizeof g) == sizeof g);
	wait_blocked_in_read(g);
	check_all_allowed(g);
	close(q[1]);
	CHECK_EXITED(wait_for(mid), 0);
}

static void access_same_ids_grandchild_allowed(void)
{
	CHECK_EXITED(run_sub(same_ids_grandparent, 0), 0);
}

static void uid_match_gid_mismatch(long unused)
{
	(void)unused;
	struct kid k = spawn_kid_as(1000, 2000); /* forked while still root */
	drop_to(1000, 1000);
	check_all_eperm(k.pid);
	kid_end(&k);
}

static void access_uid_match_gid_mismatch_eperm(void)
{
	CHECK_EXITED(run_sub(uid_match_gid_mismatch, 0), 0);
}

static void gid_match_uid_mismatch(long unused)
{
	(void)unused;
	struct kid k = spawn_kid_as(2000, 1000);
	drop_to(1000, 1000);
	check_all_eperm(k.pid);
	kid_end(&k);
}

static void access_gid_match_uid_mismatch_eperm(void)
{
	CHECK_EXITED(run_sub(gid_match_uid_mismatch, 0), 0);
}

static void sibling_opens(long sib)
{
	drop_to(1000, 1000);
	check_all_eperm((pid_t)sib);
}

static void access_same_ids_non_ancestor_eperm(void)
{
	struct kid b = spawn_kid_as(1000, 1000);
	CHECK_EXITED(run_sub(sibling_opens, b.pid), 0);
	kid_cycle_intact(&b, xmm_a);
	kid_end(&b);
}

static void child_opens_parent(long unused)
{
	(void)unused;
	check_all_eperm(getppid());
}

static void parent_of_dropped_child(long unused)
{
	(void)unused;
	drop_to(1000, 1000);
	CHECK_EXITED(run_sub(child_opens_parent, 0), 0);
}

static void access_same_ids_descendant_cannot_open_parent(void)
{
	CHECK_EXITED(run_sub(parent_of_dropped_child, 0), 0);
}

static void access_root_opens_any_but_pid1(void)
{
	struct kid k = spawn_kid_as(1000, 1000);
	check_all_allowed(k.pid);
	for (size_t i = 0; i < NGUARDED; i++) {
		errno = 0;
		int fd = open_guarded(1, i);
		if (fd >= 0 || errno != EPERM)
			FAILF("root opening proc:1/%s: fd %d errno %d, want EPERM", guarded[i], fd,
			      errno);
	}
	char text[512];
	read_status(1, text, sizeof text);
	kid_end(&k);
}

/* ------------------------------------------------------------------------ */
/* Handles bound to their process                                           */
/* ------------------------------------------------------------------------ */

static const char *const bound_files[] = {"status",   "cmdline",    "exe", "maps",
                                          "regs/int", "regs/float", "mem", "sysfilter"};
#define NBOUND (sizeof bound_files / sizeof bound_files[0])

static void open_bound(pid_t pid, int *fds)
{
	char buf[64];
	for (size_t i = 0; i < NBOUND; i++) {
		fds[i] = open_proc(pid, bound_files[i], O_RDONLY);
		if (fds[i] < 0)
			FAILF("open %s: errno %d", bound_files[i], errno);
		if (strcmp(bound_files[i], "mem") != 0)
			CHECK(pread(fds[i], buf, sizeof buf, 0) > 0);
	}
}

static void check_bound_esrch(const int *fds, const char *when)
{
	char buf[64];
	for (size_t i = 0; i < NBOUND; i++) {
		uint64_t off = strcmp(bound_files[i], "mem") == 0 ? (uint64_t)(uintptr_t)&xmm_a : 0;
		errno = 0;
		ssize_t n = pread(fds[i], buf, sizeof buf, (off_t)off);
		if (n != -1 || errno != ESRCH)
			FAILF("%s: read of %s gave %zd errno %d, want ESRCH", when, bound_files[i],
			      n, errno);
	}
}

static void handle_esrch_after_exit_and_reap(void)
{
	struct kid k = spawn_kid(xmm_a);
	int fds[NBOUND];
	open_bound(k.pid, fds);
	int dir = open_proc(k.pid, "", O_RDONLY | O_DIRECTORY);
	CHECK(dir >= 0);
	pid_t pid = k.pid;
	kid_end(&k);
	check_bound_esrch(fds, "after reap");
	char buf[512];
	CHECK_ERR(syscall(SYS_getdents64, dir, buf, sizeof buf), ESRCH);
	for (size_t i = 0; i < NBOUND; i++)
		CHECK(close(fds[i]) == 0); /* close still works */
	CHECK(close(dir) == 0);
	CHECK_ERR(open_proc(pid, "status", O_RDONLY), ENOENT);
	CHECK_ERR(open_proc(pid, "regs/int", O_RDONLY), ENOENT);
	CHECK_ERR(open_proc(pid, "", O_RDONLY | O_DIRECTORY), ENOENT);
}

/* Set sys:pid_max (the pid where numbering wraps). */
static int set_pid_max(long v)
{
	char text[32];
	int n = snprintf(text, sizeof text, "%ld", v);
	int fd = open("sys:pid_max", O_WRONLY);
	if (fd < 0)
		return -1;
	int r = write(fd, text, (size_t)n) == n ? 0 : -1;
	close(fd);
	return r;
}

/* A handle bound to a process stays bound to it: once the pid belongs to a
 * new process, the old handles fail with ESRCH while a fresh open sees the
 * new one. Lowering sys:pid_max makes pids wrap after a few hundred forks. */
static void handle_esrch_after_pid_reuse(void)
{
	struct kid k = spawn_kid(xmm_a);
	int fds[NBOUND];
	open_bound(k.pid, fds);
	pid_t pid = k.pid;
	kid_end(&k);
	CHECK(set_pid_max(pid + 320) == 0);
	pid_t again = -1;
	for (int i = 0; i < 2000 && again < 0; i++) {
		int p[2];
		CHECK(pipe(p) == 0);
		pid_t c = fork();
		CHECK(c >= 0);
		if (c == 0) {
			char ch;
			close(p[1]);
			read(p[0], &ch, 1); /* waits until the parent closes the pipe */
			_exit(0);
		}
		close(p[0]);
		if (c == pid) {
			again = c;
			check_bound_esrch(fds, "after the pid was reused");
			int st = open_proc(pid, "status", O_RDONLY);
			CHECK(st >= 0); /* the pid names the new process now */
			char text[512];
			ssize_t n = read(st, text, sizeof text - 1);
			CHECK(n > 0);
			close(st);
		}
		close(p[1]);
		CHECK(waitpid(c, NULL, 0) == c);
	}
	CHECK(set_pid_max(32768) == 0);
	CHECK(again == pid);
	for (size_t i = 0; i < NBOUND; i++)
		close(fds[i]);
}

static void handle_esrch_while_zombie(void)
{
	struct kid k = spawn_kid(xmm_a);
	int fds[NBOUND];
	open_bound(k.pid, fds);
	close(k.in_w);
	wait_until(k.pid, 'Z', -2);
	check_bound_esrch(fds, "zombie");
	CHECK_EXITED(wait_for(k.pid), 0);
	close(k.out_r);
	for (size_t i = 0; i < NBOUND; i++)
		close(fds[i]);
}

static void handle_regs_write_esrch_after_exit(void)
{
	struct kid k = spawn_kid(xmm_a);
	int t = attach_stopped(k.pid);
	int fd = open_proc(k.pid, "regs/int", O_RDWR);
	CHECK(fd >= 0);
	struct user_regs r;
	get_regs(fd, &r);
	kill(k.pid, SIGKILL);
	CHECK_KILLED_BY(wait_for(k.pid), SIGKILL);
	CHECK_ERR(pwrite(fd, &r, sizeof r, 0), ESRCH);
	uint64_t zero = 0;
	errno = 0;
	CHECK(write(t, &zero, 8) == -1); /* the session is over */
	close(fd);
	close(t);
	close(k.in_w);
	close(k.out_r);
}

/* ------------------------------------------------------------------------ */
/* Bad input                                                                */
/* ------------------------------------------------------------------------ */

static void bad_unknown_files_enoent(void)
{
	static const char *const paths[] = {"proc:self/foo",       "proc:self/regs/foo",
	                                    "proc:self/regs/",     "proc:self/Status",
	                                    "proc:self/statusx",   "proc:1/nope",
	                                    "proc:self/regs/intx", "proc:self/regs/int/x"};
	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		errno = 0;
		int fd = open(paths[i], O_RDONLY);
		if (i == 2 && fd >= 0) { /* "regs/" may name the regs directory */
			close(fd);
			continue;
		}
		if (fd >= 0 || (errno != ENOENT && errno != ENOTDIR))
			FAILF("open %s: fd %d errno %d, want ENOENT", paths[i], fd, errno);
	}
}

static void bad_pid_names_enoent(void)
{
	static const char *const pids[] = {"abc", "-1",    "99999999999", "4294967297",
	                                   "0",   "01",    "1x",          " 1",
	                                   "+1",  "self1", "2147483648",  "0x1"};
	char path[64];
	for (size_t i = 0; i < sizeof pids / sizeof pids[0]; i++) {
		snprintf(path, sizeof path, "proc:%s/status", pids[i]);
		errno = 0;
		int fd = open(path, O_RDONLY);
		if (fd >= 0 || errno != ENOENT)
			FAILF("open %s: fd %d errno %d, want ENOENT", path, fd, errno);
		snprintf(path, sizeof path, "proc:%s", pids[i]);
		errno = 0;
		fd = open(path, O_RDONLY | O_DIRECTORY);
		if (fd >= 0 || errno != ENOENT)
			FAILF("open %s: fd %d errno %d, want ENOENT", path, fd, errno);
	}
}

/* ".." never leaves proc:. A path that climbs above the root either fails
 * (ENOENT/ENOTDIR) or stays at the proc: root, as "/.." stays at "/". */
static void check_dotdot_at_root(const char *path)
{
	errno = 0;
	int fd = open(path, O_RDONLY);
	if (fd < 0) {
		if (errno != ENOENT && errno != ENOTDIR)
			FAILF("open %s: errno %d, want ENOENT or ENOTDIR", path, errno);
		return;
	}
	char buf[64], list[8192];
	CHECK_ERR(read(fd, buf, sizeof buf), EISDIR); /* not some other file */
	close(fd);
	CHECK(list_dir(path, list, sizeof list) == 0);
	if (!list_has_pid(list, getpid()))
		FAILF("%s opened something that is not the proc: root", path);
}

static void bad_dotdot_paths(void)
{
	static const char *const fail[] = {"proc:1/../../x",     "proc:1/status/x",
	                                   "proc:self/status/x", "proc:self/regs/int/x",
	                                   "proc:../x",          "proc:../../bin/proctest"};
	check_dotdot_at_root("proc:../");
	check_dotdot_at_root("proc:..");
	check_dotdot_at_root("proc:../..");
	for (size_t i = 0; i < sizeof fail / sizeof fail[0]; i++) {
		errno = 0;
		int fd = open(fail[i], O_RDONLY);
		if (fd >= 0 || (errno != ENOENT && errno != ENOTDIR))
			FAILF("open %s: fd %d errno %d, want ENOENT or ENOTDIR", fail[i], fd,
			      errno);
	}
	/* ".." inside proc: resolves textually, to the same file as without it */
	char a[512], b[512], v[32];
	CHECK(read_path("proc:self/regs/../status", a, sizeof a) > 0);
	CHECK(status_field(a, "pid", v, sizeof v) && atoi(v) == getpid());
	CHECK(read_path("proc:1/../self/status", b, sizeof b) > 0);
	CHECK(status_field(b, "pid", v, sizeof v) && atoi(v) == getpid());
}

static void bad_offsets_past_end_return_0(void)
{
	static const char *const files[] = {"status",   "cmdline",    "exe",      "maps",
	                                    "regs/int", "regs/float", "sysfilter"};
	struct kid k = spawn_kid(xmm_a);
	char buf[64];
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		int fd = open_proc(k.pid, files[i], O_RDONLY);
		CHECK(fd >= 0);
		static const int64_t offs[] = {65536, 1L << 40, INT64_MAX - 8, INT64_MAX};
		for (size_t j = 0; j < sizeof offs / sizeof offs[0]; j++) {
			errno = 0;
			ssize_t n = pread(fd, buf, sizeof buf, offs[j]);
			if (!(n == 0 || (n == -1 && errno == EINVAL)))
				FAILF("pread %s at %#lx: %zd errno %d", files[i],
				      (unsigned long)offs[j], n, errno);
		}
		CHECK_ERR(pread(fd, buf, sizeof buf, -1), EINVAL);
		CHECK_ERR(pread(fd, buf, sizeof buf, INT64_MIN), EINVAL);
		/* lseek beyond the end, then read: 0 */
		CHECK(lseek(fd, 100000, SEEK_SET) == 100000);
		CHECK(read(fd, buf, sizeof buf) == 0);
		close(fd);
	}
	kid_end(&k);
}

static void bad_negative_lseek_einval(void)
{
	static const char *const files[] = {"status", "regs/int", "regs/float", "maps"};
	struct kid k = spawn_kid(xmm_a);
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		int fd = open_proc(k.pid, files[i], O_RDONLY);
		CHECK(fd >= 0);
		CHECK_ERR(lseek(fd, -1, SEEK_SET), EINVAL);
		CHECK_ERR(lseek(fd, INT64_MIN, SEEK_SET), EINVAL);
		CHECK(lseek(fd, 10, SEEK_SET) == 10);
		CHECK_ERR(lseek(fd, -11, SEEK_CUR), EINVAL);
		CHECK(lseek(fd, 0, SEEK_CUR) == 10); /* unchanged by the failure */
		CHECK_ERR(lseek(fd, -100000, SEEK_END), EINVAL);
		CHECK_ERR(lseek(fd, 0, 77), EINVAL);
		CHECK_ERR(lseek(fd, INT64_MAX, SEEK_CUR), EINVAL);
		close(fd);
	}
	int fd = open_proc(k.pid, "regs/int", O_RDONLY);
	CHECK(lseek(fd, 0, SEEK_END) == 216);
	CHECK(lseek(fd, -16, SEEK_END) == 200);
	close(fd);
	kid_end(&k);
}

static void bad_read_buffers_efault(void)
{
	static const char *const files[] = {"status",   "cmdline",    "exe",       "maps",
	                                    "regs/int", "regs/float", "sysfilter", "mem"};
	struct kid k = spawn_kid(xmm_a);
	pid_t pids[2] = {k.pid, getpid()};
	for (int p = 0; p < 2; p++)
		for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
			int fd = open_proc(pids[p], files[i], O_RDONLY);
			CHECK(fd >= 0);
			off_t off = strcmp(files[i], "mem") == 0 ? (off_t)(uintptr_t)xmm_a : 0;
			for (size_t b = 0; b < NBAD; b++) {
				errno = 0;
				ssize_t n = pread(fd, bad_ptrs[b], 16, off);
				if (n != -1 || errno != EFAULT)
					FAILF("pread proc:%d/%s into %p: %zd errno %d, want EFAULT",
					      (int)pids[p], files[i], bad_ptrs[b], n, errno);
				CHECK(lseek(fd, off, SEEK_SET) == off);
				errno = 0;
				n = read(fd, bad_ptrs[b], 8);
				if (n != -1 || errno != EFAULT)
					FAILF("read proc:%d/%s into %p: %zd errno %d, want EFAULT",
					      (int)pids[p], files[i], bad_ptrs[b], n, errno);
			}
			close(fd);
		}
	kid_end(&k);
}

static void bad_write_buffers_efault(void)
{
	struct kid k = spawn_kid(xmm_a);
	int t = attach_stopped(k.pid);
	static const struct {
		const char *file;
		size_t len;
	} w[] = {{"regs/int", 216}, {"regs/float", 512}, {"sysfilter", 64}, {"mem", 8}};
	struct user_regs before, after;
	int rfd = open_proc(k.pid, "regs/int", O_RDWR);
	CHECK(rfd >= 0);
	get_regs(rfd, &before);
	for (size_t i = 0; i < sizeof w / sizeof w[0]; i++) {
		int fd = open_proc(k.pid, w[i].file, O_RDWR);
		CHECK(fd >= 0);
		off_t off = strcmp(w[i].file, "mem") == 0 ? (off_t)(uintptr_t)&kid_main : 0;
		for (size_t b = 0; b < NBAD; b++) {
			errno = 0;
			ssize_t n = pwrite(fd, bad_ptrs[b], w[i].len, off);
			if (n != -1 || errno != EFAULT)
				FAILF("pwrite %s from %p: %zd errno %d, want EFAULT", w[i].file,
				      bad_ptrs[b], n, errno);
		}
		close(fd);
	}
	for (size_t b = 0; b < NBAD; b++)
		CHECK_ERR(write(t, bad_ptrs[b], 8), EFAULT);
	get_regs(rfd, &after);
	check_regs_equal(&after, &before, "after EFAULT writes");
	close(rfd);
	close(t);
	kid_cycle_intact(&k, xmm_a);
	kid_end(&k);
}

static void bad_getdents_buffers(void)
{
	static const char *const dirs[] = {"proc:", "proc:self", "proc:self/regs", "/scheme/proc"};
	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		int fd = open(dirs[i], O_RDONLY | O_DIRECTORY);
		CHECK(fd >= 0);
		char buf[512];
		CHECK_ERR(syscall(SYS_getdents64, fd, buf, 1), EINVAL);
		CHECK_ERR(syscall(SYS_getdents64, fd, buf, 8), EINVAL);
		CHECK_ERR(syscall(SYS_getdents64, fd, buf, 19), EINVAL);
		for (size_t b = 0; b < NBAD; b++)
			CHECK_ERR(syscall(SYS_getdents64, fd, bad_ptrs[b], sizeof buf), EFAULT);
		CHECK(syscall(SYS_getdents64, fd, buf, sizeof buf) > 0); /* still readable after */
		close(fd);
	}
	int fd = open("proc:self/status", O_RDONLY);
	CHECK(fd >= 0);
	char buf[256];
	CHECK_ERR(syscall(SYS_getdents64, fd, buf, sizeof buf), ENOTDIR);
	close(fd);
	CHECK_ERR(open("proc:self/status", O_RDONLY | O_DIRECTORY), ENOTDIR);
}

static void bad_directory_read_write_eisdir(void)
{
	static const char *const dirs[] = {"proc:", "proc:self", "proc:self/regs",
	                                   "/scheme/proc/self"};
	char buf[64];
	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		int fd = open(dirs[i], O_RDONLY | O_DIRECTORY);
		CHECK(fd >= 0);
		CHECK_ERR(read(fd, buf, sizeof buf), EISDIR);
		CHECK_ERR(pread(fd, buf, sizeof buf, 0), EISDIR);
		CHECK_ERR2(write(fd, buf, 8), EBADF, EISDIR);
		close(fd);
		CHECK_ERR(open(dirs[i], O_RDWR), EISDIR);
		CHECK_ERR(open(dirs[i], O_WRONLY), EISDIR);
	}
}

static void bad_write_readonly_files(void)
{
	static const char *const files[] = {"status", "cmdline", "exe", "maps"};
	struct kid k = spawn_kid(xmm_a);
	char buf[64] = "x";
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		CHECK_ERR2(open_proc(k.pid, files[i], O_WRONLY), EACCES, EBADF);
		CHECK_ERR2(open_proc(k.pid, files[i], O_RDWR), EACCES, EBADF);
		int fd = open_proc(k.pid, files[i], O_RDONLY);
		CHECK(fd >= 0);
		CHECK_ERR(write(fd, buf, 1), EBADF);
		CHECK_ERR(pwrite(fd, buf, 1, 0), EBADF);
		close(fd);
	}
	/* a read-only handle on a writable file cannot write either */
	int t = attach_stopped(k.pid);
	int fd = open_proc(k.pid, "regs/int", O_RDONLY);
	struct user_regs r;
	get_regs(fd, &r);
	CHECK_ERR(pwrite(fd, &r, sizeof r, 0), EBADF);
	close(fd);
	close(t);
	kid_cycle_intact(&k, xmm_a);
	kid_end(&k);
}

/* A buffer whose next page is unmapped: at most one page is writable. */
static char *guarded_page(void)
{
	char *a = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(a != MAP_FAILED);
	CHECK(munmap(a + PAGE, PAGE) == 0);
	return a;
}

static void bad_size_max_lengths(void)
{
	static const char *const files[] = {"status",   "cmdline",    "exe",       "maps",
	                                    "regs/int", "regs/float", "sysfilter", "mem"};
	struct kid k = spawn_kid(xmm_a);
	char *page = guarded_page();
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		int fd = open_proc(k.pid, files[i], O_RDONLY);
		CHECK(fd >= 0);
		off_t off = strcmp(files[i], "mem") == 0 ? (off_t)(uintptr_t)&kid_main : 0;
		errno = 0;
		ssize_t n = pread(fd, page, SIZE_MAX, off);
		/* an error, or no more than fits before the unmapped page */
		if (!((n == -1 && (errno == EFAULT || errno == EINVAL)) ||
		      (n >= 0 && (size_t)n <= PAGE)))
			FAILF("pread %s len SIZE_MAX: %zd errno %d", files[i], n, errno);
		errno = 0;
		n = pread(fd, page + PAGE - 8, SIZE_MAX, off); /* 8 bytes, then unmapped */
		CHECK(n == -1 && (errno == EFAULT || errno == EINVAL));
		close(fd);
	}
	int t = attach_stopped(k.pid);
	static const char *const wfiles[] = {"regs/int", "regs/float", "sysfilter"};
	for (size_t i = 0; i < 3; i++) {
		int fd = open_proc(k.pid, wfiles[i], O_RDWR);
		CHECK(fd >= 0);
		CHECK_ERR2(pwrite(fd, page, SIZE_MAX, 0), EINVAL, EFAULT);
		CHECK_ERR2(pwrite(fd, page, (size_t)1 << 32, 0), EINVAL, EFAULT);
		close(fd);
	}
	uint64_t flags = 0;
	CHECK_ERR2(write(t, &flags, SIZE_MAX), EINVAL, EFAULT);
	close(t);
	kid_cycle_intact(&k, xmm_a);
	kid_end(&k);
}

static void bad_input_kernel_still_alive(void)
{
	/* After everything above, the kernel still answers. */
	char buf[512];
	CHECK(read_path("proc:self/status", buf, sizeof buf) > 0);
	CHECK(sys_number("sys:procs") > 0);
	struct kid k = spawn_kid(xmm_a);
	kid_cycle_intact(&k, xmm_a);
	kid_end(&k);
}

/* ------------------------------------------------------------------------ */
/* The table and the runner.                                                */
/* ------------------------------------------------------------------------ */

static const struct test tests[] = {
    T(list_root_shows_live_pids),
    T(list_scheme_path_root_same),
    T(list_pid_dir_files),
    T(list_regs_dir_int_float),
    T(self_names_caller),
    T(scheme_path_same_status),
    T(status_has_every_key),
    T(status_self_values),
    T(status_blocked_in_read_child),
    T(status_blocked_in_nanosleep),
    T(status_parent_blocked_in_wait4),
    T(status_running_child_syscall_minus1),
    T(status_traced_stopped_T_and_tracer),
    T(status_tracer_shown_while_running),
    T(status_sigstopped_T),
    T(status_zombie_Z),
    T(status_shows_uid_gid),
    T(cmdline_self_is_argv),
    T(cmdline_exec_child_nul_separated),
    T(exe_is_absolute_path),
    T(exe_absolute_after_relative_exec),
    T(maps_stack_and_text),
    T(maps_heap_after_brk),
    T(maps_mmap_region_and_split),
    T(maps_of_other_process),
    T(regs_blocked_in_read_shows_syscall),
    T(regs_blocked_in_read_exact_values),
    T(regs_preempted_busy_loop),
    T(regs_sigstopped_process),
    T(regs_self_shows_current_syscall),
    T(regs_pread_216_returns_216),
    T(regs_short_read_gets_first_bytes),
    T(regs_read_past_end_returns_0),
    T(regs_sequential_reads_concatenate),
    T(fpregs_read_512_shows_xmm0),
    T(fpregs_two_processes_distinct),
    T(regs_write_non_tracer_eperm),
    T(regs_write_other_tracers_target_eperm),
    T(regs_write_tracer_not_stopped_ebusy),
    T(regs_write_ebusy_after_resume),
    T(regs_write_roundtrip_identity),
    T(regs_write_changed_rbx_seen_by_child),
    T(regs_write_repeated_stop_write_resume),
    T(regs_write_wrong_size_or_offset_einval),
    T(regs_write_rejects_cs),
    T(regs_write_rejects_ss),
    T(regs_write_rejects_ds),
    T(regs_write_rejects_es),
    T(regs_write_rejects_fs),
    T(regs_write_rejects_gs),
    T(regs_write_rejects_rflags_iopl),
    T(regs_write_rejects_rflags_if),
    T(regs_write_rejects_rflags_nt_vm_rf),
    T(regs_write_rejects_rflags_vif_vip_id),
    T(regs_write_rejects_rflags_reserved),
    T(regs_write_rejects_bad_rip),
    T(regs_write_rejects_bad_rsp),
    T(regs_write_rejects_bad_fs_base),
    T(regs_write_rejects_bad_gs_base),
    T(regs_write_rejected_is_all_or_nothing),
    T(regs_write_accepts_user_rflags),
    T(regs_write_accepts_user_addresses),
    T(fpregs_write_rejects_reserved_mxcsr),
    T(fpregs_write_xmm0_seen_by_child),
    T(fpregs_write_not_seen_by_other_process),
    T(trace_second_tracer_ebusy),
    T(trace_self_einval),
    T(trace_no_such_pid_enoent),
    T(trace_pid1_eperm_even_as_root),
    T(trace_otrunc_stops_before_open_returns),
    T(trace_otrunc_stops_running_process),
    T(trace_otrunc_blocked_read_continues),
    T(trace_write_zero_resumes),
    T(trace_write_bad_size_or_bits_einval),
    T(trace_read_small_buffer_or_empty_queue),
    T(trace_close_detaches_and_resumes),
    T(trace_tracer_exit_detaches),
    T(trace_oexcl_kills_on_close),
    T(trace_oexcl_kills_stopped_target_on_close),
    T(trace_oexcl_kills_when_tracer_exits),
    T(trace_sessions_not_leaked),
    T(access_other_uid_eperm_status_ok),
    T(access_other_uid_sibling_eperm),
    T(access_same_ids_ancestor_allowed),
    T(access_same_ids_grandchild_allowed),
    T(access_uid_match_gid_mismatch_eperm),
    T(access_gid_match_uid_mismatch_eperm),
    T(access_same_ids_non_ancestor_eperm),
    T(access_same_ids_descendant_cannot_open_parent),
    T(access_root_opens_any_but_pid1),
    T(handle_esrch_after_exit_and_reap),
    T(handle_esrch_after_pid_reuse),
    T(handle_esrch_while_zombie),
    T(handle_regs_write_esrch_after_exit),
    T(bad_unknown_files_enoent),
    T(bad_pid_names_enoent),
    T(bad_dotdot_paths),
    T(bad_offsets_past_end_return_0),
    T(bad_negative_lseek_einval),
    T(bad_read_buffers_efault),
    T(bad_write_buffers_efault),
    T(bad_getdents_buffers),
    T(bad_directory_read_write_eisdir),
    T(bad_write_readonly_files),
    T(bad_size_max_lengths),
    T(bad_input_kernel_still_alive),
};

#define NTESTS (sizeof tests / sizeof tests[0])

/* Helper mode for the exec tests: block reading fd 0, then exit 0. */
static int block_mode(void)
{
	char c;
	while (read(0, &c, 1) > 0)
		;
	return 0;
}

int main(int argc, char **argv)
{
	saved_argc = argc;
	saved_argv = argv;
	if (argc >= 2 && strcmp(argv[1], "--block") == 0)
		return block_mode();
	return testrun_main(argc, argv, "proctest", tests, NTESTS);
}
