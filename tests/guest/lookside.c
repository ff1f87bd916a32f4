/* lookside: in-guest regression tests for "no side effects from looking"
 * (issue 8 item 6). stat, lstat, newfstatat and access of proc:PID/trace
 * used to open a trace session and close it again: that resumed a process
 * stopped by SIGSTOP, released a child held after EVENT_CLONE, failed EBUSY
 * while a debugger traced the target (and EINVAL on the caller's own
 * trace). They now go through the scheme's stat_path and open nothing.
 * Also: stat by name gives what fstat of an open handle gives, and access(2)
 * honours its mode as Linux does. Every look is made through all four
 * calls, by their raw syscall numbers, so no libc choice hides one.
 * Usage: lookside (all), lookside NAME... (some), lookside -l (list). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "procyon/ptrace.h"
#include "testrun.h"

#pragma GCC diagnostic ignored "-Wformat-truncation"

/* Read a small file into buf (NUL-terminated); length or -errno. */
static long read_file(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	long n = read(fd, buf, cap - 1);
	int err = errno;
	close(fd);
	if (n < 0)
		return -err;
	buf[n] = 0;
	return n;
}

static long sys_number(const char *path)
{
	char buf[32];
	if (read_file(path, buf, sizeof buf) <= 0)
		FAILF("cannot read %s", path);
	return strtol(buf, NULL, 10);
}

/* The value of key in proc:PID/status, as a string in out. */
static void status_get(pid_t pid, const char *key, char *out, size_t cap)
{
	char path[64], text[512] = {0};
	snprintf(path, sizeof path, "proc:%d/status", (int)pid);
	if (read_file(path, text, sizeof text) <= 0)
		FAILF("cannot read %s", path);
	size_t klen = strlen(key);
	for (const char *l = text; *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : "") {
		if (strncmp(l, key, klen) == 0 && l[klen] == ' ') {
			const char *v = l + klen + 1;
			size_t n = strcspn(v, "\n");
			n = n < cap ? n : cap - 1;
			memcpy(out, v, n);
			out[n] = 0;
			return;
		}
	}
	FAILF("%s: no %s", path, key);
}

static char status_state(pid_t pid)
{
	char v[16];
	status_get(pid, "state", v, sizeof v);
	return v[0];
}

static long status_num(pid_t pid, const char *key)
{
	char v[32];
	status_get(pid, key, v, sizeof v);
	return strtol(v, NULL, 10);
}

/* Poll proc:PID/status until it shows state (5 s). */
static void wait_state(pid_t pid, char state)
{
	long deadline = now_ns() + 5000000000L;
	while (status_state(pid) != state) {
		if (now_ns() > deadline)
			FAILF("pid %d never reached state %c (is %c)", (int)pid, state,
			      status_state(pid));
		sleep_ms(2);
	}
}

/* stat, lstat, newfstatat and access (F_OK and R_OK) of path: each must
 * succeed, and the three stats must agree. */
static void look_at(const char *path)
{
	struct stat a, b, c;
	if (syscall(SYS_stat, path, &a) != 0)
		FAILF("stat %s: errno %d", path, errno);
	if (syscall(SYS_lstat, path, &b) != 0)
		FAILF("lstat %s: errno %d", path, errno);
	if (syscall(SYS_newfstatat, AT_FDCWD, path, &c, 0) != 0)
		FAILF("newfstatat %s: errno %d", path, errno);
	if (syscall(SYS_access, path, F_OK) != 0)
		FAILF("access %s F_OK: errno %d", path, errno);
	if (syscall(SYS_access, path, R_OK | W_OK) != 0)
		FAILF("access %s R_OK|W_OK: errno %d", path, errno);
	CHECK(a.st_mode == b.st_mode && b.st_mode == c.st_mode);
	CHECK(a.st_ino == b.st_ino && b.st_ino == c.st_ino);
	CHECK(a.st_size == b.st_size && b.st_size == c.st_size);
	CHECK(S_ISREG(a.st_mode));
}

static void look_at_trace(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof path, "proc:%d/trace", (int)pid);
	look_at(path);
	snprintf(path, sizeof path, "/scheme/proc/%d/trace", (int)pid);
	look_at(path);
}

/* A child that sleeps in pause() until killed. */
static pid_t spawn_sleeper(void)
{
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		for (;;)
			pause();
	}
	wait_state(pid, 'S');
	return pid;
}

static void kill_and_reap(pid_t pid)
{
	kill(pid, SIGKILL);
	CHECK_KILLED_BY(wait_within(pid, 5, "SIGKILL"), SIGKILL);
}

/* Whether fd has something to read within ms milliseconds. */
static int readable_within(int fd, int ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	return poll(&p, 1, ms) > 0;
}

/* Regression: looking at the trace of a child stopped by SIGSTOP resumed it
 * (the throwaway session's detach resumed a stopped target). */
static void stat_trace_keeps_sigstop_child_stopped(void)
{
	pid_t pid = spawn_sleeper();
	CHECK(kill(pid, SIGSTOP) == 0);
	int st;
	CHECK(waitpid(pid, &st, WUNTRACED) == pid && WIFSTOPPED(st));
	wait_state(pid, 'T');
	look_at_trace(pid);
	CHECK(status_state(pid) == 'T');
	sleep_ms(50);
	CHECK(status_state(pid) == 'T');
	CHECK(waitpid(pid, &st, WNOHANG | WCONTINUED) == 0); /* no continue to report */
	CHECK(status_num(pid, "tracer") == 0);
	kill_and_reap(pid);
}

/* Regression: while another process traced the target, looking at its
 * trace failed EBUSY; the tracer's session must be left as it was. */
static void stat_trace_while_traced_keeps_session(void)
{
	pid_t pid = spawn_sleeper();
	long sessions = sys_number("sys:sessions");
	char path[64];
	snprintf(path, sizeof path, "proc:%d/trace", (int)pid);
	int t = open(path, O_RDWR | O_TRUNC); /* the test is the tracer: stopped */
	CHECK(t >= 0);
	CHECK(sys_number("sys:sessions") == sessions + 1);
	CHECK(status_state(pid) == 'T');
	CHECK(status_num(pid, "tracer") == getpid());
	look_at_trace(pid); /* the tracer itself looks */
	pid_t looker = fork();
	CHECK(looker >= 0);
	if (looker == 0) { /* and another process */
		look_at_trace(pid);
		_exit(0);
	}
	CHECK_EXITED(wait_within(looker, 5, "the looker"), 0);
	CHECK(status_state(pid) == 'T');
	CHECK(status_num(pid, "tracer") == getpid());
	CHECK(sys_number("sys:sessions") == sessions + 1);
	/* The session still works: a write resumes the target. */
	uint64_t flags = 0;
	CHECK(write(t, &flags, sizeof flags) == 8);
	wait_state(pid, 'S');
	CHECK(status_num(pid, "tracer") == getpid());
	close(t);
	CHECK(sys_number("sys:sessions") == sessions);
	kill_and_reap(pid);
}

/* Regression: looking at the trace of a child held after EVENT_CLONE
 * released it (the throwaway session "attached" and ended). A forks B when
 * told; B reports on a pipe as soon as it runs. */
static void stat_trace_keeps_clone_held_child_held(void)
{
	int go[2], rep[2];
	CHECK(pipe(go) == 0 && pipe(rep) == 0);
	pid_t a = fork();
	CHECK(a >= 0);
	if (a == 0) {
		char c;
		close(go[1]);
		close(rep[0]);
		if (read(go[0], &c, 1) != 1)
			_exit(10);
		pid_t b = fork();
		if (b == 0) {
			if (write(rep[1], "b", 1) != 1)
				_exit(11);
			_exit(0);
		}
		int st;
		_exit(b > 0 && waitpid(b, &st, 0) == b && WIFEXITED(st) && !WEXITSTATUS(st) ? 0
		                                                                            : 12);
	}
	close(go[0]);
	close(rep[1]);
	wait_state(a, 'S');
	char path[64];
	snprintf(path, sizeof path, "proc:%d/trace", (int)a);
	int t = open(path, O_RDWR);
	CHECK(t >= 0);
	uint64_t flags = PTRACE_EVENT_CLONE;
	CHECK(write(t, &flags, sizeof flags) == 8);
	CHECK(write(go[1], "g", 1) == 1);
	CHECK(readable_within(t, 5000));
	struct ptrace_event e;
	CHECK(read(t, &e, sizeof e) == (long)sizeof e);
	CHECK(e.cause == PTRACE_EVENT_CLONE);
	pid_t b = (pid_t)e.data[0];
	CHECK(b > 0);
	CHECK(status_state(b) == 'T');
	long sessions = sys_number("sys:sessions");
	look_at_trace(b);
	CHECK(sys_number("sys:sessions") == sessions);
	CHECK(status_state(b) == 'T');
	CHECK(status_num(b, "tracer") == 0);
	CHECK(!readable_within(rep[0], 100)); /* B has not run */
	CHECK(status_state(b) == 'T');
	/* The parent's tracer writes without having attached to B: B goes. */
	flags = 0;
	CHECK(write(t, &flags, sizeof flags) == 8);
	CHECK(readable_within(rep[0], 5000));
	char c;
	CHECK(read(rep[0], &c, 1) == 1 && c == 'b');
	CHECK_EXITED(wait_within(a, 5, "A after B"), 0);
	close(t);
}

/* sys:sessions is the same after looking at the trace of a plain child, of
 * the caller itself (that open would be EINVAL) and of a zombie (ENOENT). */
static void stat_trace_leaves_session_count(void)
{
	long sessions = sys_number("sys:sessions");
	pid_t pid = spawn_sleeper();
	look_at_trace(pid);
	CHECK(status_num(pid, "tracer") == 0);
	CHECK(status_state(pid) == 'S');
	look_at("proc:self/trace");
	char path[64];
	snprintf(path, sizeof path, "proc:%d/trace", (int)getpid());
	look_at(path);
	CHECK(sys_number("sys:sessions") == sessions);
	kill(pid, SIGKILL);
	wait_state(pid, 'Z');
	look_at_trace(pid);
	CHECK(sys_number("sys:sessions") == sessions);
	CHECK_KILLED_BY(wait_within(pid, 5, "SIGKILL"), SIGKILL);
	snprintf(path, sizeof path, "proc:%d/trace", (int)pid);
	CHECK_ERR(syscall(SYS_stat, path, &(struct stat){0}), ENOENT); /* reaped */
	CHECK_ERR(syscall(SYS_access, path, F_OK), ENOENT);
}

/* stat by name agrees with fstat of an open handle (the handle-based op
 * did not change) for every scheme, and the values are what they were. */
static void stat_by_name_matches_fstat(void)
{
	int fd = open("/tmp/lookside", O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0);
	CHECK(write(fd, "hello, world", 12) == 12);
	close(fd);
	static const char *const paths[] = {"/bin/ls",
	                                    "/",
	                                    "/bin",
	                                    "/tmp",
	                                    "/tmp/lookside",
	                                    "null:",
	                                    "zero:",
	                                    "/dev/null",
	                                    "console:",
	                                    "sys:",
	                                    "sys:free_frames",
	                                    "proc:",
	                                    "proc:self",
	                                    "proc:self/status",
	                                    "proc:self/regs",
	                                    "proc:self/regs/int",
	                                    "/scheme",
	                                    "/scheme/tmp/lookside"};
	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		struct stat a, b;
		if (syscall(SYS_stat, paths[i], &a) != 0)
			FAILF("stat %s: errno %d", paths[i], errno);
		fd = open(paths[i], O_RDONLY | O_NONBLOCK);
		if (fd < 0)
			FAILF("open %s: errno %d", paths[i], errno);
		CHECK(fstat(fd, &b) == 0);
		close(fd);
		if (a.st_mode != b.st_mode || a.st_size != b.st_size || a.st_ino != b.st_ino ||
		    a.st_dev != b.st_dev || a.st_rdev != b.st_rdev)
			FAILF("%s: stat mode %o size %ld ino %lu, fstat mode %o size %ld ino %lu",
			      paths[i], a.st_mode, (long)a.st_size, (unsigned long)a.st_ino,
			      b.st_mode, (long)b.st_size, (unsigned long)b.st_ino);
	}
	struct stat st;
	CHECK(stat("/tmp/lookside", &st) == 0);
	CHECK(st.st_mode == (S_IFREG | 0644) && st.st_size == 12); /* the mode it was made with */
	CHECK(stat("/", &st) == 0 && st.st_mode == (S_IFDIR | 0755));
	CHECK(stat("/bin/ls", &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0);
	CHECK(stat("null:", &st) == 0 && S_ISCHR(st.st_mode));
	CHECK(stat("proc:self/regs/int", &st) == 0 && st.st_size == 216);
	CHECK(stat("proc:self/status", &st) == 0 && st.st_mode == (S_IFREG | 0444));
	CHECK_ERR(stat("/nonexistent", &st), ENOENT);
	CHECK_ERR(stat("/tmp/nonexistent", &st), ENOENT);
	CHECK_ERR(stat("proc:self/nonexistent", &st), ENOENT);
	CHECK_ERR(stat("proc:self/status/x", &st), ENOTDIR);
	CHECK_ERR(stat("nosuchscheme:x", &st), ENOENT);
	CHECK_ERR(stat("pipe:", &st), ENOENT);
	/* stat never creates: the name is still missing afterwards. */
	CHECK_ERR(stat("/tmp/lookside-new", &st), ENOENT);
	CHECK_ERR(open("/tmp/lookside-new", O_RDONLY), ENOENT);
	CHECK(unlink("/tmp/lookside") == 0);
}

/* access(2)'s mode. Linux decides W_OK on a read-only filesystem (the
 * initfs root) with EROFS, before and regardless of the permission bits,
 * for root and everyone else, so that is what Procyon returns. Otherwise
 * root reads and writes anything and executes what has an x bit; others
 * get the owner/group/other bits of their class; bad bits are EINVAL. */
static void access_honours_mode(void)
{
	int fd = open("/tmp/lookside-acc", O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0);
	close(fd);
	CHECK(getuid() == 0);
	CHECK(access("/bin/ls", F_OK) == 0);
	CHECK(access("/bin/ls", R_OK | X_OK) == 0);
	CHECK_ERR(access("/bin/ls", W_OK), EROFS);
	CHECK_ERR(access("/bin", W_OK), EROFS);
	CHECK(access("/bin", X_OK) == 0);
	CHECK(access("/tmp/lookside-acc", R_OK | W_OK) == 0);
	CHECK_ERR(access("/tmp/lookside-acc", X_OK), EACCES); /* 0644: no x bit, even for root */
	CHECK(access("/tmp", R_OK | W_OK | X_OK) == 0);
	CHECK(access("sys:poweroff", W_OK) == 0);
	CHECK_ERR(access("/bin/ls", 8), EINVAL);
	CHECK_ERR(access("/bin/ls", -1), EINVAL);
	CHECK_ERR(access("/nonexistent", F_OK), ENOENT);
	CHECK_ERR(access("/nonexistent", 8), EINVAL); /* the mode is checked first */
	pid_t kid = fork();
	CHECK(kid >= 0);
	if (kid == 0) {
		CHECK(setgid(1000) == 0 && setuid(1000) == 0);
		CHECK(getuid() == 1000);
		CHECK(access("/bin/ls", R_OK | X_OK) == 0);
		CHECK_ERR(access("/bin/ls", W_OK), EROFS); /* read-only fs: EROFS, as Linux */
		CHECK_ERR(access("/bin/ls", R_OK | W_OK), EROFS);
		CHECK(access("/tmp/lookside-acc", R_OK) == 0); /* 0644, owned by root */
		CHECK_ERR(access("/tmp/lookside-acc", R_OK | W_OK), EACCES);
		CHECK_ERR(access("/tmp/lookside-acc", X_OK), EACCES);
		CHECK_ERR(access("sys:poweroff", W_OK), EACCES); /* 0644, owned by root */
		CHECK(access("sys:poweroff", R_OK) == 0);
		CHECK(access("proc:1/status", R_OK) == 0);     /* status: readable by anyone */
		CHECK_ERR(access("proc:1/mem", R_OK), EACCES); /* 0600, owned by root */
		CHECK(access("proc:1/mem", F_OK) == 0);
		_exit(0);
	}
	CHECK_EXITED(wait_within(kid, 5, "the non-root child"), 0);
	CHECK(unlink("/tmp/lookside-acc") == 0);
}

/* chdir checks for a directory by stat, not by opening. */
static void chdir_checks_by_stat(void)
{
	CHECK_ERR(chdir("/bin/ls"), ENOTDIR);
	CHECK_ERR(chdir("/nonexistent"), ENOENT);
	CHECK_ERR(chdir("proc:self/status"), ENOTDIR);
	pid_t pid = spawn_sleeper();
	char path[64];
	snprintf(path, sizeof path, "proc:%d/trace", (int)pid);
	long sessions = sys_number("sys:sessions");
	CHECK_ERR(chdir(path), ENOTDIR);
	CHECK(sys_number("sys:sessions") == sessions);
	CHECK(chdir("/tmp") == 0);
	char cwd[64];
	CHECK(getcwd(cwd, sizeof cwd) && strcmp(cwd, "/tmp") == 0);
	CHECK(chdir("/") == 0);
	kill_and_reap(pid);
}

static const struct test tests[] = {
    T(stat_trace_keeps_sigstop_child_stopped),
    T(stat_trace_while_traced_keeps_session),
    T(stat_trace_keeps_clone_held_child_held),
    T(stat_trace_leaves_session_count),
    T(stat_by_name_matches_fstat),
    T(access_honours_mode),
    T(chdir_checks_by_stat),
};

int main(int argc, char **argv)
{
	return testrun_main(argc, argv, "lookside", tests, sizeof tests / sizeof tests[0]);
}
