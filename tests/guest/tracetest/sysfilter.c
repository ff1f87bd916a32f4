/* tracetest: proc:PID/sysfilter, the syscall filter of a session. */
#define _GNU_SOURCE
#include "tracetest.h"

/* ------------------------------------------------------------------------ */
/* sysfilter.                                                               */
/* ------------------------------------------------------------------------ */

static void read_filter(pid_t pid, uint8_t bits[64])
{
	int fd = proc_file(pid, "sysfilter", O_RDONLY);
	CHECK(fd >= 0);
	CHECK(pread(fd, bits, 64, 0) == 64);
	close(fd);
}

static int all_ones(const uint8_t bits[64])
{
	for (int i = 0; i < 64; i++)
		if (bits[i] != 0xff)
			return 0;
	return 1;
}

static void filter_set_bit(uint8_t bits[64], int nr) { bits[nr / 8] |= (uint8_t)(1 << (nr % 8)); }

static void sysfilter_all_ones_at_session_start(void)
{
	struct kid k = spawn_kid(body_nothing, 0);
	int t = trace_attach(k.pid, 0);
	uint8_t bits[64];
	read_filter(k.pid, bits);
	CHECK(all_ones(bits));
	/* A new session starts from all ones again, whatever the last one set. */
	int fd = proc_file(k.pid, "sysfilter", O_RDWR);
	CHECK(fd >= 0);
	memset(bits, 0, sizeof bits);
	CHECK(pwrite(fd, bits, 64, 0) == 64);
	close(t);
	t = trace_attach(k.pid, 0);
	CHECK(pread(fd, bits, 64, 0) == 64);
	CHECK(all_ones(bits));
	close(fd);
	close(t);
	kid_kill(&k);
}

static void sysfilter_write_replaces_bitmap(void)
{
	struct kid k = spawn_kid(body_nothing, 0);
	int t = trace_attach(k.pid, 0);
	int fd = proc_file(k.pid, "sysfilter", O_RDWR);
	CHECK(fd >= 0);
	uint8_t want[64], got[64];
	for (int i = 0; i < 64; i++)
		want[i] = (uint8_t)(i * 37 + 5);
	CHECK(pwrite(fd, want, 64, 0) == 64);
	CHECK(pread(fd, got, 64, 0) == 64);
	CHECK(memcmp(want, got, 64) == 0);
	memset(want, 0, sizeof want);
	filter_set_bit(want, 511);
	CHECK(pwrite(fd, want, 64, 0) == 64);
	read_filter(k.pid, got);
	CHECK(memcmp(want, got, 64) == 0);
	close(fd);
	close(t);
	kid_kill(&k);
}

static void body_filter_mix(long arg, int out)
{
	(void)arg, (void)out;
	syscall(SYS_getpid);
	syscall(SYS_getppid);
	syscall(SYS_getuid);
	syscall(SYS_getppid);
	syscall(SYS_getgid);
}

static void sysfilter_only_filtered_in_syscalls_stop(void)
{
	struct kid k = spawn_kid(body_filter_mix, 0);
	int t = trace_attach(k.pid, 0);
	uint8_t bits[64] = {0};
	filter_set_bit(bits, SYS_getppid); /* 110: byte 13, bit 6 */
	CHECK(bits[13] == 0x40);
	int fd = proc_file(k.pid, "sysfilter", O_RDWR);
	CHECK(fd >= 0);
	CHECK(pwrite(fd, bits, 64, 0) == 64);
	trace_set(t, PTRACE_STOP_PRE_SYSCALL | PTRACE_STOP_POST_SYSCALL);
	kid_go(&k);
	struct ptrace_event e;
	for (int i = 0; i < 2; i++) {
		EXPECT_SYSCALL_STOP(t, PTRACE_STOP_PRE_SYSCALL, SYS_getppid, &e);
		trace_set(t, PTRACE_STOP_PRE_SYSCALL | PTRACE_STOP_POST_SYSCALL);
		EXPECT_SYSCALL_STOP(t, PTRACE_STOP_POST_SYSCALL, SYS_getppid, &e);
		CHECK_EQ(e.data[1], getpid());
		trace_set(t, PTRACE_STOP_PRE_SYSCALL | PTRACE_STOP_POST_SYSCALL);
	}
	EXPECT_EVENT(t, PTRACE_STOP_EXIT, &e); /* getgid, exit_group: filtered out */
	close(fd);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void sysfilter_empty_means_no_syscall_stops(void)
{
	struct kid k = spawn_kid(body_many_getpid, 200);
	int t = trace_attach(k.pid, 0);
	uint8_t bits[64] = {0};
	int fd = proc_file(k.pid, "sysfilter", O_RDWR);
	CHECK(fd >= 0);
	CHECK(pwrite(fd, bits, 64, 0) == 64);
	trace_set(t, PTRACE_STOP_PRE_SYSCALL | PTRACE_STOP_POST_SYSCALL);
	kid_go(&k);
	CHECK(kid_result(&k) == k.pid);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_STOP_EXIT, &e);
	close(fd);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void sysfilter_wrong_size_einval(void)
{
	struct kid k = spawn_kid(body_nothing, 0);
	int t = trace_attach(k.pid, 0);
	int fd = proc_file(k.pid, "sysfilter", O_RDWR);
	CHECK(fd >= 0);
	uint8_t bits[128] = {0};
	static const size_t sizes[] = {0, 1, 8, 63, 65, 128};
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		errno = 0;
		long n = pwrite(fd, bits, sizes[i], 0);
		if (n != -1 || errno != EINVAL)
			FAILF("write %zu bytes to sysfilter: %ld errno %d", sizes[i], n, errno);
	}
	CHECK_ERR(pwrite(fd, bits, 64, 1), EINVAL);
	CHECK_ERR(pwrite(fd, bits, 64, 64), EINVAL);
	uint8_t got[64];
	read_filter(k.pid, got);
	CHECK(all_ones(got)); /* nothing changed */
	close(fd);
	close(t);
	kid_kill(&k);
}

static void sysfilter_non_tracer_write_eperm(void)
{
	struct kid k = spawn_kid(body_nothing, 0);
	int fd = proc_file(k.pid, "sysfilter", O_RDWR);
	CHECK(fd >= 0);
	uint8_t bits[64] = {0};
	CHECK_ERR(pwrite(fd, bits, 64, 0), EPERM); /* untraced */
	int ready[2];
	CHECK(pipe(ready) == 0);
	pid_t tracer = fork();
	CHECK(tracer >= 0);
	if (tracer == 0) {
		int t = trace_attach(k.pid, 0);
		(void)t;
		write(ready[1], "r", 1);
		for (;;)
			pause();
	}
	char c;
	CHECK(read(ready[0], &c, 1) == 1);
	CHECK_ERR(pwrite(fd, bits, 64, 0), EPERM); /* traced by someone else */
	uint8_t got[64];
	read_filter(k.pid, got);
	CHECK(all_ones(got));
	kill(tracer, SIGKILL);
	wait_bounded(tracer);
	close(fd);
	kid_kill(&k);
}

static const struct test tests[] = {
    T(sysfilter_all_ones_at_session_start),
    T(sysfilter_write_replaces_bitmap),
    T(sysfilter_only_filtered_in_syscalls_stop),
    T(sysfilter_empty_means_no_syscall_stops),
    T(sysfilter_wrong_size_einval),
    T(sysfilter_non_tracer_write_eperm),
};

const struct test_area area_sysfilter = TEST_AREA("sysfilter", tests);
