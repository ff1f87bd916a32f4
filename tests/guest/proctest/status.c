/* proctest: proc:PID/status: its keys and values in every state. */
#define _GNU_SOURCE
#include "proctest.h"

/* ------------------------------------------------------------------------ */
/* status                                                                   */
/* ------------------------------------------------------------------------ */

static void status_has_every_key(void)
{
	static const char *const keys[] = {"pid",   "ppid", "uid",    "gid",
	                                   "state", "name", "tracer", "syscall"};
	char text[512], v[64];
	status_read(getpid(), text, sizeof text);
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
	status_read(getpid(), text, sizeof text);
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
	struct probe_kid k = spawn_probe_kid(xmm_a);
	status_read(k.pid, text, sizeof text);
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
	status_read(pid, text, sizeof text);
	CHECK(status_field(text, "state", v, sizeof v) && strcmp(v, "R") == 0);
	CHECK(status_field(text, "syscall", v, sizeof v) && strcmp(v, "-1") == 0);
	kill_reap(pid);
}

static void status_traced_stopped_T_and_tracer(void)
{
	struct probe_kid k = spawn_probe_kid(xmm_a);
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
	struct probe_kid k = spawn_probe_kid(xmm_a);
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
	struct probe_kid k = spawn_probe_kid(xmm_a);
	close(k.in_w); /* EOF: it exits, and stays a zombie until reaped */
	wait_until(k.pid, 'Z', -2);
	CHECK(status_num(k.pid, "ppid") == getpid());
	CHECK_EXITED(wait_for(k.pid), 0);
	close(k.out_r);
}

static void drop_and_block(long fd)
{
	become(1000, 1001);
	char c;
	read((int)fd, &c, 1);
}

static void status_shows_uid_gid(void)
{
	int fd;
	pid_t pid = fork_piped(&fd, 0);
	if (pid == 0) {
		drop_and_block(fd);
		_exit(0);
	}
	wait_blocked_in_read(pid);
	CHECK(status_num(pid, "uid") == 1000);
	CHECK(status_num(pid, "gid") == 1001);
	close(fd);
	CHECK_EXITED(wait_for(pid), 0);
}

static const struct test tests[] = {
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
};

const struct test_area area_status = TEST_AREA("status", tests);
