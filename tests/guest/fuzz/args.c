/* fuzz/args.c: argument makers: fds, pointers, lengths, flags, pids, paths, blobs, times (see
 * fuzz.h). */
#define _GNU_SOURCE
#include "fuzz.h"

/* ------------------------------------------------------------------------ */
/* Argument generators.                                                     */
/* ------------------------------------------------------------------------ */

int fds[MAX_FDS], nfds;         /* fds this worker opened */
int trace_fds[MAX_FDS], ntrace; /* ... of them, proc: trace handles */
int kid_pids[16], nkids;        /* children it forked */
char *arena = (char *)ARENA;

void note_fd(long fd, int is_trace)
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

long arg_fd(void)
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
uint64_t bad_ptr(void)
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
uint64_t arg_ptr(uint64_t len)
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

uint64_t arg_len(void)
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

uint64_t arg_int(void)
{
	static const int64_t ints[] = {0,   1,   2,   3, -1, -2, 0x7fffffff, -0x80000000LL,
	                               255, 256, 1000};
	if (chance(30))
		return rn(40);
	if (chance(10))
		return rnd();
	return (uint64_t)ints[rn(sizeof ints / sizeof ints[0])];
}

uint64_t arg_flags(void)
{
	switch (rn(5)) {
	case 0: return 0;
	case 1: return rn(16);
	case 2: return 1ULL << rn(64);
	case 3: return rnd() & 0xffffff;
	default: return rnd();
	}
}

uint64_t open_flags(void)
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
long status_ppid(long pid)
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
long driver_pid(void)
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

int is_protected(long pid)
{
	if (pid == 1 || (pid != w_pid && pid == driver_pid()))
		return 1;
	for (int i = 0; i < nprot; i++)
		if (pid == prot_pid[i])
			return 1;
	return 0;
}

/* A pid near ours: most likely a sibling worker or one of their children. */
long pick_pid(void)
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
long pick_proc_pid(void)
{
	long p = pick_pid();
	return p <= 0 || is_protected(p) ? w_pid : p;
}

/* Make a kill/tkill/tgkill target harmless to the harness: no -1, no
 * protected pid or process group, no group 0 if ours is protected. */
long safe_target(long p)
{
	if (p == -1 || is_protected(p) || (p < 0 && (p == -0x7fffffffL - 1 || is_protected(-p))))
		return 0x7ffffff0;
	if (p == 0 && is_protected(sc1(SYS_getpgid, 0)))
		return 0x7ffffff0;
	return p;
}

int pick_signal(void)
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
const char *const words[] = {
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
    "random:",
    "pipe:",
    "file:",
    "/scheme",
    "/scheme/",
    "/tmp",
    "/tmp/",
    "/proc",
    "/proc/",
    "linuxproc:",
    "environ",
    "fd",
    "task",
    "comm",
    "statm",
    "stat",
    "meminfo",
    "cwd",
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

const char *const proc_files[] = {"",          "trace",  "mem",       "regs/int", "regs/float",
                                  "sysfilter", "status", "maps",      "exe",      "cmdline",
                                  "regs",      "regs/",  "regs/nope", "trace/x",  "nope"};

const char *const fixed_paths[] = {"/tmp/fz",
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
                                   "/dev/urandom",
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
                                   "/proc",
                                   "/proc/self",
                                   "/proc/self/environ",
                                   "/proc/self/fd",
                                   "/proc/self/fd/0",
                                   "/proc/self/exe",
                                   "/proc/self/cwd",
                                   "/proc/self/stat",
                                   "/proc/self/task",
                                   "/proc/1/environ",
                                   "/proc/1/maps",
                                   "/proc/meminfo",
                                   "/proc/sys/kernel/pid_max",
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
uint64_t arg_path(void)
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
uint64_t random_blob(size_t len)
{
	if (len > ARENA_SIZE / 2)
		len = ARENA_SIZE / 2;
	uint64_t *q = (uint64_t *)(uintptr_t)(ARENA + (rn(ARENA_SIZE / 4) & ~7UL));
	for (size_t i = 0; i < (len + 7) / 8; i++)
		q[i] = chance(50) ? rnd() : (chance(50) ? arg_int() : bad_ptr());
	return (uint64_t)(uintptr_t)q;
}

/* A timespec that is usually short (calls that sleep stay bounded). */
uint64_t arg_timespec(void)
{
	if (chance(15))
		return arg_ptr(16);
	int64_t *t = (int64_t *)(uintptr_t)(ARENA + 8 * rn(64));
	t[0] = chance(5) ? (int64_t)rnd() : 0;
	t[1] = chance(10) ? (int64_t)rnd() : (int64_t)rn(20000000);
	return (uint64_t)(uintptr_t)t;
}
