/* guest: the helpers every tests/guest suite shares (see guest.h). */
#define _GNU_SOURCE
#include "guest.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

long now_ms(void) { return now_ns() / 1000000; }

int proc_file(int pid, const char *name, int flags)
{
	char path[64];
	snprintf(path, sizeof path, "proc:%d/%s", pid, name);
	return open(path, flags);
}

/* The text of proc:PID/status, NUL-terminated; false if unreadable. */
static int read_status(int pid, char *buf, size_t size)
{
	int fd = proc_file(pid, "status", O_RDONLY);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	return 1;
}

/* The value after "key " on its own line of the status text, or NULL. */
static const char *status_field(const char *text, const char *key)
{
	size_t klen = strlen(key);
	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : 0)
		if (strncmp(l, key, klen) == 0 && l[klen] == ' ')
			return l + klen + 1;
	return 0;
}

long proc_status_num(int pid, const char *key)
{
	char text[512];
	const char *v = read_status(pid, text, sizeof text) ? status_field(text, key) : 0;
	return v ? strtol(v, NULL, 10) : -1;
}

char proc_state(int pid)
{
	char text[512];
	const char *v = read_status(pid, text, sizeof text) ? status_field(text, "state") : 0;
	return v ? v[0] : 0;
}

void proc_wait_state(int pid, char want, int ms)
{
	long deadline = now_ms() + ms;
	char got;
	while ((got = proc_state(pid)) != want) {
		if (now_ms() > deadline)
			FAILF("pid %d in state '%c', not '%c', after %d ms", pid, got ? got : '-',
			      want, ms);
		sleep_ms(1);
	}
}

long sys_value(const char *name)
{
	char path[64], buf[32];
	snprintf(path, sizeof path, "sys:%s", name);
	int fd = open(path, O_RDONLY);
	CHECK(fd >= 0);
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	CHECK(n > 0);
	buf[n] = 0;
	return strtol(buf, NULL, 10);
}

int trace_attach(int pid, int extra)
{
	int t = proc_file(pid, "trace", O_RDWR | extra);
	if (t < 0)
		FAILF("open proc:%d/trace", pid);
	return t;
}

void trace_set(int t, uint64_t flags) { CHECK(write(t, &flags, sizeof flags) == sizeof flags); }

void trace_expect(int t, uint64_t cause, struct ptrace_event *e, int ms)
{
	struct pollfd p = {t, POLLIN, 0};
	if (poll(&p, 1, ms) != 1)
		FAILF("no trace event %#lx within %d ms", (unsigned long)cause, ms);
	CHECK(read(t, e, sizeof *e) == sizeof *e);
	if (e->cause != cause)
		FAILF("trace event %#lx, wanted %#lx", (unsigned long)e->cause,
		      (unsigned long)cause);
}

struct gated gated_spawn(void (*fn)(long), long arg)
{
	int p[2];
	CHECK(pipe(p) == 0);
	int pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		char c;
		close(p[1]);
		while (read(p[0], &c, 1) < 0 && errno == EINTR)
			;
		close(p[0]);
		fn(arg);
		_exit(0);
	}
	close(p[0]);
	return (struct gated){pid, p[1]};
}

void gated_go(struct gated *g)
{
	CHECK(write(g->go, "g", 1) == 1);
	close(g->go);
	g->go = -1;
}

void become(unsigned uid, unsigned gid)
{
	CHECK(setgid(gid) == 0);
	CHECK(setuid(uid) == 0);
	CHECK(getuid() == uid && geteuid() == uid);
}

int spawn_sleeper_as(unsigned uid, unsigned gid)
{
	int p[2];
	CHECK(pipe(p) == 0);
	int pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		become(uid, gid);
		CHECK(write(p[1], "r", 1) == 1);
		for (;;)
			pause();
	}
	close(p[1]);
	char c;
	CHECK(read(p[0], &c, 1) == 1);
	close(p[0]);
	return pid;
}

long raw6(long nr, long a, long b, long c, long d, long e, long f)
{
	long ret;
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	__asm__ volatile("syscall"
	                 : "=a"(ret)
	                 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
	                 : "rcx", "r11", "memory");
	return ret;
}

_Noreturn void raw_exit(int code)
{
	for (;;)
		raw1(SYS_exit, code);
}
