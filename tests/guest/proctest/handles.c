/* proctest: handles bound to their process (ESRCH after exit and pid reuse). */
#define _GNU_SOURCE
#include "proctest.h"

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
		fds[i] = proc_file(pid, bound_files[i], O_RDONLY);
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
	struct probe_kid k = spawn_probe_kid(xmm_a);
	int fds[NBOUND];
	open_bound(k.pid, fds);
	int dir = proc_file(k.pid, "", O_RDONLY | O_DIRECTORY);
	CHECK(dir >= 0);
	pid_t pid = k.pid;
	kid_end(&k);
	check_bound_esrch(fds, "after reap");
	char buf[512];
	CHECK_ERR(syscall(SYS_getdents64, dir, buf, sizeof buf), ESRCH);
	for (size_t i = 0; i < NBOUND; i++)
		CHECK(close(fds[i]) == 0); /* close still works */
	CHECK(close(dir) == 0);
	CHECK_ERR(proc_file(pid, "status", O_RDONLY), ENOENT);
	CHECK_ERR(proc_file(pid, "regs/int", O_RDONLY), ENOENT);
	CHECK_ERR(proc_file(pid, "", O_RDONLY | O_DIRECTORY), ENOENT);
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
	struct probe_kid k = spawn_probe_kid(xmm_a);
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
			int st = proc_file(pid, "status", O_RDONLY);
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
	struct probe_kid k = spawn_probe_kid(xmm_a);
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
	struct probe_kid k = spawn_probe_kid(xmm_a);
	int t = attach_stopped(k.pid);
	struct user_regs r;
	int fd = regs_open(k.pid, &r);
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

static const struct test tests[] = {
    T(handle_esrch_after_exit_and_reap),
    T(handle_esrch_after_pid_reuse),
    T(handle_esrch_while_zombie),
    T(handle_regs_write_esrch_after_exit),
};

const struct test_area area_handles = TEST_AREA("handles", tests);
