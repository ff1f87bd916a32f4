/* tracetest area: interrupted sleeps go on through restart_syscall (issue
 * 11, item 4). A nanosleep or clock_nanosleep interrupted by an attach, a
 * tracer's INTERRUPT, or a stop and continue resumes for the time that was
 * left, as on Linux, instead of sleeping the whole time again; a handler
 * still makes it EINTR with the remainder; the tracer sees the restarted
 * call as restart_syscall (219). Also proc:PID/fd/. */
#include "tracetest.h"
#include <sys/stat.h>

#define NR_RESTART_SYSCALL 219

static void body_sleep_ms(long ms, int out)
{
	long t0 = now_ms();
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	long r = syscall(SYS_nanosleep, &ts, NULL);
	report(out, r);
	report(out, now_ms() - t0);
}

static void body_clock_sleep_ms(long ms, int out)
{
	long t0 = now_ms();
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	long r = syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &ts, NULL);
	report(out, r);
	report(out, now_ms() - t0);
}

/* The kid sleeps 800 ms; 300 ms in, the tracer attaches with O_TRUNC and
 * holds it 400 ms. It wakes near 800 ms, not near 300+400+800. */
static void sleep_resumes_after_attach(kid_body body)
{
	struct kid k = spawn_kid(body, 800);
	kid_go(&k);
	sleep_ms(300);
	int t = attach_stopped(k.pid);
	sleep_ms(400);
	trace_set(t, PTRACE_STOP_PRE_SYSCALL);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_STOP_PRE_SYSCALL, &e);
	CHECK_EQ(e.data[0], NR_RESTART_SYSCALL); /* what strace shows as resuming */
	trace_set(t, 0);
	CHECK(kid_result(&k) == 0);
	long ms = kid_result(&k);
	if (ms < 780 || ms > 1300)
		FAILF("slept %ld ms in all, want about 800", ms);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void nanosleep_resumes_after_attach(void) { sleep_resumes_after_attach(body_sleep_ms); }
static void clock_nanosleep_resumes_after_attach(void)
{
	sleep_resumes_after_attach(body_clock_sleep_ms);
}

/* SIGSTOP then SIGCONT (no handler) do not restart the sleep from zero. */
static void nanosleep_resumes_after_stop_and_continue(void)
{
	struct kid k = spawn_kid(body_sleep_ms, 800);
	kid_go(&k);
	sleep_ms(300);
	kill(k.pid, SIGSTOP);
	wait_until(k.pid, 'T', ANY_SYSCALL);
	sleep_ms(300);
	kill(k.pid, SIGCONT);
	CHECK(kid_result(&k) == 0);
	long ms = kid_result(&k);
	if (ms < 780 || ms > 1300)
		FAILF("slept %ld ms in all, want about 800", ms);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void on_usr1(int sig) { (void)sig; }

static void body_sleep_with_handler(long ms, int out)
{
	signal(SIGUSR1, on_usr1);
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L}, rem = {0, 0};
	report(out, 0);
	long r = syscall(SYS_nanosleep, &ts, &rem);
	report(out, r < 0 ? -errno : r);
	report(out, rem.tv_sec * 1000 + rem.tv_nsec / 1000000);
}

/* A handler that runs ends the sleep: EINTR, and the remainder in rem. */
static void nanosleep_handler_still_eintr_with_remainder(void)
{
	struct kid k = spawn_kid(body_sleep_with_handler, 2000);
	kid_go(&k);
	CHECK(kid_result(&k) == 0);
	sleep_ms(300);
	kill(k.pid, SIGUSR1);
	CHECK(kid_result(&k) == -EINTR);
	long left = kid_result(&k);
	if (left < 1000 || left > 1800)
		FAILF("remainder %ld ms, want about 1700", left);
	CHECK_EXITED(kid_reap(&k), 0);
}

/* restart_syscall with nothing to restart is EINTR (Linux's answer). */
static void restart_syscall_without_a_sleep_eintr(void)
{
	CHECK_ERR(syscall(NR_RESTART_SYSCALL), EINTR);
}

static void read_fd_name(int pid, int fd, char *buf, size_t cap)
{
	char name[32];
	snprintf(name, sizeof name, "fd/%d", fd);
	long n = read_proc(pid, name, buf, cap);
	if (n < 0)
		FAILF("proc:%d/%s: errno %ld", pid, name, -n);
	buf[n] = 0;
}

/* fd/ lists the open descriptors; fd/N reads as the name it was opened
 * with (a pipe as pipe:[ino], ino its fstat st_ino); closed is ENOENT. */
static void fd_directory_names_descriptors(void)
{
	int f = open("/tmp/tt_fd_name", O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(f >= 0);
	int p[2];
	CHECK(pipe(p) == 0);
	char buf[128], want[64];
	read_fd_name(getpid(), f, buf, sizeof buf);
	CHECK(strcmp(buf, "/tmp/tt_fd_name") == 0);
	struct stat st;
	CHECK(fstat(p[0], &st) == 0);
	snprintf(want, sizeof want, "pipe:[%lu]", (unsigned long)st.st_ino);
	read_fd_name(getpid(), p[0], buf, sizeof buf);
	if (strcmp(buf, want))
		FAILF("fd/%d reads \"%s\", want \"%s\"", p[0], buf, want);
	char list[1024];
	CHECK(read_path("proc:self/fd", list, sizeof list) == -EISDIR);
	int d = open("proc:self/fd", O_RDONLY | O_DIRECTORY);
	CHECK(d >= 0);
	char dents[2048];
	long n = syscall(SYS_getdents64, d, dents, sizeof dents);
	CHECK(n > 0);
	int found = 0;
	for (long off = 0; off < n;) {
		struct {
			uint64_t ino;
			int64_t off;
			uint16_t reclen;
			uint8_t type;
			char name[];
		} *e = (void *)(dents + off);
		found += atoi(e->name) == f || atoi(e->name) == p[1];
		off += e->reclen;
	}
	close(d);
	CHECK(found == 2);
	close(f);
	char name[32];
	snprintf(name, sizeof name, "fd/%d", f);
	CHECK(read_proc(getpid(), name, buf, sizeof buf) == -ENOENT);
	CHECK_ERR(proc_file(getpid(), "fd/01", O_RDONLY), ENOENT);
	CHECK_ERR(proc_file(getpid(), "fd/99999", O_RDONLY), ENOENT);
	unlink("/tmp/tt_fd_name");
}

static void body_fork_wait(long arg, int out)
{
	(void)arg;
	int pid = fork();
	if (pid == 0) {
		sleep_ms(50); /* the parent is asleep in wait4 when it exits */
		_exit(7);
	}
	int st = 0;
	long r = wait4(pid, &st, 0, NULL);
	report(out, r == pid && WIFEXITED(st) && WEXITSTATUS(st) == 7);
}

/* Regression (issue 12): a traced parent's wait4 was interrupted
 * (ERESTARTSYS) by the SIGCHLD of the very child it waited for, because
 * the signal is kept pending for the tracer; Linux reports the child. */
static void wait4_not_interrupted_by_its_childs_sigchld(void)
{
	struct kid k = spawn_kid(body_fork_wait, 0);
	int t = trace_attach(k.pid, 0);
	trace_set(t, PTRACE_STOP_POST_SYSCALL | PTRACE_STOP_SIGNAL);
	kid_go(&k);
	for (;;) {
		struct ptrace_event e;
		next_event(t, &e);
		if (e.cause == PTRACE_STOP_POST_SYSCALL && e.data[0] == SYS_wait4) {
			if ((int64_t)e.data[1] <= 0)
				FAILF("wait4 returned %ld", (long)e.data[1]);
			break;
		}
		CHECK(e.cause == PTRACE_STOP_POST_SYSCALL || e.cause == PTRACE_STOP_SIGNAL);
		trace_set(t, PTRACE_STOP_POST_SYSCALL | PTRACE_STOP_SIGNAL);
	}
	trace_set(t, 0);
	CHECK(kid_result(&k) == 1);
	CHECK_EXITED(kid_reap(&k), 0);
}

static const struct test tests[] = {
    T(nanosleep_resumes_after_attach),
    T(clock_nanosleep_resumes_after_attach),
    T(nanosleep_resumes_after_stop_and_continue),
    T(nanosleep_handler_still_eintr_with_remainder),
    T(restart_syscall_without_a_sleep_eintr),
    T(fd_directory_names_descriptors),
    T(wait4_not_interrupted_by_its_childs_sigchld),
};
const struct test_area area_restart = TEST_AREA("restart", tests);
