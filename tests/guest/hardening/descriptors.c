/* hardening: descriptor references the fuzzer saw leak. Every failing
 * path that took a reference to a file gives it back, so the file (and a
 * trace session it owns) is freed when its last descriptor closes. */
#define _GNU_SOURCE
#include <sys/resource.h>

#include "hardening.h"

#define LIMIT 16 /* RLIMIT_NOFILE for these tests: fd 20 is beyond it */

static void lower_nofile(void)
{
	struct rlimit rl = {LIMIT, LIMIT};
	CHECK(setrlimit(RLIMIT_NOFILE, &rl) == 0);
}

/* Regression (fuzzer seed 14): dup2/dup3 to a descriptor at or above
 * RLIMIT_NOFILE took a reference, failed EMFILE and kept it, so the file
 * never closed. Linux says EBADF (F_DUPFD: EINVAL) and takes nothing. The
 * pipe shows it: with the write end's only descriptor closed, the reader
 * sees end of file at once. */
static void dup2_above_nofile_limit_ebadf_no_leak(void)
{
	lower_nofile();
	int p[2];
	CHECK(pipe(p) == 0);
	CHECK_ERR(dup2(p[1], 20), EBADF);
	CHECK_ERR(dup3(p[1], 20, 0), EBADF);
	CHECK_ERR(dup3(p[1], 20, O_CLOEXEC), EBADF);
	CHECK_ERR(fcntl(p[1], F_DUPFD, 20), EINVAL);
	CHECK_ERR(fcntl(p[1], F_DUPFD_CLOEXEC, LIMIT), EINVAL);
	CHECK(dup2(p[1], LIMIT - 1) == LIMIT - 1); /* just inside is fine */
	CHECK(close(LIMIT - 1) == 0);
	CHECK(close(p[1]) == 0);
	char c;
	CHECK(poll_one(p[0], 1000) & POLLHUP);
	CHECK(read(p[0], &c, 1) == 0);
}

/* The same for the file the fuzzer leaked: a trace handle duplicated past
 * the limit, then closed, ends its session (sys:sessions is back) and the
 * target runs free. */
static void dup2_trace_above_limit_session_ends(void)
{
	int pid = spawn_sleeper_as(0, 0);
	long sessions = sys_value("sessions");
	lower_nofile();
	int t = attach_stopped(pid);
	CHECK(sys_value("sessions") == sessions + 1);
	CHECK_ERR(dup2(t, 20), EBADF);
	CHECK_ERR(dup3(t, 40, 0), EBADF);
	CHECK_ERR(fcntl(t, F_DUPFD, 30), EINVAL);
	CHECK(close(t) == 0);
	CHECK(sys_value("sessions") == sessions);
	proc_wait_state(pid, 'S', 2000); /* detached: back in pause() */
	kill(pid, SIGKILL);
	CHECK_KILLED_BY(wait_within(pid, 5, "SIGKILL"), SIGKILL);
}

static const struct test tests[] = {
    T(dup2_above_nofile_limit_ebadf_no_leak),
    T(dup2_trace_above_limit_session_ends),
};

const struct test_area area_descriptors = TEST_AREA("descriptors", tests);
