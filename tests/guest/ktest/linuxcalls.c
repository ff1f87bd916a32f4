/* ktest area: the small Linux calls of issue 12 (time and the wall clock,
 * sysinfo, getrandom, prctl names, the set_robust_list/rseq probes, CPU
 * affinity, resource limits with RLIMIT_NOFILE enforced, alarm and
 * setitimer, times, getrusage, groups, syslog). They run on Linux too and
 * check only what both kernels must agree on. */
#define _GNU_SOURCE
#include "ktest.h"
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/times.h>

static void wall_clock_is_the_real_date(void)
{
	time_t t = (time_t)syscall(SYS_time, NULL);
	CHECK(t > 1735689600); /* after 2025-01-01: the RTC, not 1970 or a fixed stand-in */
	struct timeval tv;
	CHECK(syscall(SYS_gettimeofday, &tv, NULL) == 0);
	struct timespec ts;
	CHECK(clock_gettime(CLOCK_REALTIME, &ts) == 0);
	CHECK(labs((long)(tv.tv_sec - t)) <= 1 && labs((long)(ts.tv_sec - t)) <= 1);
	struct timespec res;
	CHECK(clock_getres(CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0 && res.tv_nsec > 0);
}

static void settimeofday_is_roots(void)
{
	pid_t kid = fork();
	if (kid == 0) {
		CHECK(setuid(1000) == 0);
		struct timeval tv = {1800000000, 0};
		CHECK_ERR(settimeofday(&tv, NULL), EPERM);
		struct timespec ts = {1800000000, 0};
		CHECK_ERR(clock_settime(CLOCK_REALTIME, &ts), EPERM);
		_exit(0);
	}
	CHECK_EXITED(wait_for(kid), 0);
}

static void sysinfo_reports_memory_and_uptime(void)
{
	struct sysinfo si;
	CHECK(sysinfo(&si) == 0);
	CHECK(si.totalram > 0 && si.freeram > 0 && si.freeram <= si.totalram);
	CHECK(si.mem_unit >= 1 && si.procs >= 1);
	CHECK(si.uptime < 100L * 365 * 86400);
}

static void getrandom_fills_and_checks_flags(void)
{
	unsigned char a[64] = {0}, b[64] = {0};
	CHECK(syscall(SYS_getrandom, a, sizeof a, 0) == (long)sizeof a);
	CHECK(syscall(SYS_getrandom, b, sizeof b, 1 /* GRND_NONBLOCK */) == (long)sizeof b);
	CHECK(memcmp(a, b, sizeof a) != 0);
	int zeros = 0;
	for (size_t i = 0; i < sizeof a; i++)
		zeros += a[i] == 0;
	CHECK(zeros < 16);
	CHECK_ERR(syscall(SYS_getrandom, a, sizeof a, 0x100), EINVAL);
	CHECK_ERR(syscall(SYS_getrandom, (void *)0xffff800000000000UL, 8, 0), EFAULT);
}

static void prctl_sets_and_gets_the_name(void)
{
	char name[16];
	CHECK(prctl(PR_SET_NAME, "a-name-longer-than-sixteen", 0, 0, 0) == 0);
	CHECK(prctl(PR_GET_NAME, name, 0, 0, 0) == 0);
	CHECK(strcmp(name, "a-name-longer-t") == 0); /* 15 bytes and the NUL */
	CHECK_ERR(prctl(0x7fff, 0, 0, 0, 0), EINVAL);
}

static void affinity_is_one_cpu(void)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CHECK(sched_getaffinity(0, sizeof set, &set) == 0);
	CHECK(CPU_ISSET(0, &set));
	CHECK(sched_setaffinity(0, sizeof set, &set) == 0);
	CPU_ZERO(&set);
	CHECK_ERR(sched_setaffinity(0, sizeof set, &set), EINVAL);
	CHECK_ERR(sched_getaffinity(0x7ffffff0, sizeof set, &set), ESRCH);
}

static void rlimit_nofile_is_enforced(void)
{
	struct rlimit r;
	CHECK(getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur > 8 && r.rlim_cur <= r.rlim_max);
	struct rlimit low = {8, r.rlim_max};
	CHECK(setrlimit(RLIMIT_NOFILE, &low) == 0);
	int fds[16], n = 0, fd;
	while ((fd = open("/dev/null", O_RDONLY)) >= 0 && n < 16)
		fds[n++] = fd;
	CHECK(fd < 0 && errno == EMFILE);
	for (int i = 0; i < n; i++)
		CHECK(fds[i] < 8);
	CHECK_ERR(setrlimit(RLIMIT_NOFILE, &(struct rlimit){16, 8}), EINVAL); /* cur above max */
	struct rlimit old;
	CHECK(prlimit(0, RLIMIT_NOFILE, NULL, &old) == 0 && old.rlim_cur == 8);
	CHECK_ERR(getrlimit(99, &r), EINVAL);
}

static void raising_the_hard_limit_is_roots(void)
{
	pid_t kid = fork();
	if (kid == 0) {
		struct rlimit r;
		CHECK(getrlimit(RLIMIT_CORE, &r) == 0);
		struct rlimit lower = {0, 1024};
		CHECK(setrlimit(RLIMIT_CORE, &lower) == 0);
		CHECK(setuid(1000) == 0);
		struct rlimit higher = {0, 4096};
		CHECK_ERR(setrlimit(RLIMIT_CORE, &higher), EPERM);
		_exit(0);
	}
	CHECK_EXITED(wait_for(kid), 0);
}

static volatile int alarms;
static void on_alarm(int sig) { (void)sig, alarms++; }

static void alarm_and_itimer_deliver_sigalrm(void)
{
	signal(SIGALRM, on_alarm);
	CHECK(alarm(5) == 0);
	unsigned left = alarm(0);
	CHECK(left >= 4 && left <= 5);
	struct itimerval it = {{0, 20000}, {0, 20000}}, now;
	CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
	long t0 = now_ns();
	while (alarms < 3 && now_ns() - t0 < 2000000000L)
		pause();
	CHECK(alarms >= 3);
	CHECK(getitimer(ITIMER_REAL, &now) == 0 && now.it_interval.tv_usec == 20000);
	struct itimerval off = {{0, 0}, {0, 0}};
	CHECK(setitimer(ITIMER_REAL, &off, NULL) == 0);
	CHECK(getitimer(ITIMER_REAL, &now) == 0 && now.it_value.tv_sec == 0 &&
	      now.it_value.tv_usec == 0);
	struct itimerval bad = {{0, 0}, {0, 1000000}};
	CHECK_ERR(setitimer(ITIMER_REAL, &bad, NULL), EINVAL);
}

static void times_getrusage_and_groups(void)
{
	struct tms t;
	CHECK(times(&t) != (clock_t)-1);
	struct rusage ru;
	CHECK(getrusage(RUSAGE_SELF, &ru) == 0);
	CHECK_ERR(getrusage(42, &ru), EINVAL);
	gid_t g[4] = {10, 20};
	CHECK(setgroups(2, g) == 0);
	gid_t got[8];
	CHECK(getgroups(0, NULL) == 2);
	CHECK(getgroups(8, got) == 2 && got[0] == 10 && got[1] == 20);
	CHECK_ERR(getgroups(1, got), EINVAL);
	pid_t kid = fork();
	if (kid == 0) {
		CHECK(setuid(1000) == 0);
		CHECK_ERR(setgroups(1, g), EPERM);
		_exit(0);
	}
	CHECK_EXITED(wait_for(kid), 0);
}

static void robust_list_and_rseq_probes(void)
{
	/* Procyon has neither (ENOSYS); Linux has both. Either way the call
	 * returns, and a libc that probes them at start-up goes on. */
	long r = syscall(SYS_set_robust_list, NULL, 24);
	CHECK(r == 0 || (r == -1 && errno == ENOSYS));
	r = syscall(334 /* rseq */, NULL, 0, 0, 0);
	CHECK(r == -1 && (errno == ENOSYS || errno == EINVAL));
}

static void syslog_reads_the_kernel_log(void)
{
	long size = syscall(SYS_syslog, 10 /* SIZE_BUFFER */, NULL, 0);
	CHECK(size > 0);
	static char buf[65536];
	long n = syscall(SYS_syslog, 3 /* READ_ALL */, buf, (int)sizeof buf);
	CHECK(n > 0 && n <= (long)sizeof buf);
	CHECK_ERR(syscall(SYS_syslog, 3, NULL, 10), EINVAL);
}

/* /etc/passwd and /etc/group name root (and, in Procyon, one ordinary
 * user), and /etc/hostname exists, so whoami, id and ls -l name owners. */
static void etc_files_name_the_users(void)
{
	char buf[4096];
	CHECK(read_path("/etc/passwd", buf, sizeof buf) > 0);
	CHECK(strncmp(buf, "root:x:0:0:", 11) == 0 || strstr(buf, "\nroot:x:0:0:"));
	CHECK(read_path("/etc/group", buf, sizeof buf) > 0 && strstr(buf, "root:x:0:"));
	CHECK(read_path("/etc/hostname", buf, sizeof buf) > 0);
}

/* Regressions found by the busybox comparison: "file/" named a file;
 * fsync, fallocate, faccessat2 and /dev/urandom were missing. */
static void trailing_slash_needs_a_directory(void)
{
	put_file("/tmp/kt-slash", "x");
	struct stat st;
	CHECK_ERR(stat("/tmp/kt-slash/", &st), ENOTDIR);
	CHECK_ERR(stat("/tmp/kt-slash/.", &st), ENOTDIR);
	CHECK_ERR(open("/tmp/kt-slash/", O_RDONLY), ENOTDIR);
	CHECK_ERR(open("/tmp/kt-slash-new/", O_WRONLY | O_CREAT, 0600), EISDIR);
	CHECK(stat("/tmp/", &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(stat("/tmp/.", &st) == 0);
	unlink("/tmp/kt-slash");
}

static void fsync_fallocate_faccessat2(void)
{
	int fd = open("/tmp/kt-falloc", O_RDWR | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0);
	CHECK(fsync(fd) == 0 && fdatasync(fd) == 0 && syscall(SYS_syncfs, fd) == 0);
	sync();
	CHECK(syscall(SYS_fallocate, fd, 0, 0L, 4096L) == 0);
	struct stat st;
	CHECK(fstat(fd, &st) == 0 && st.st_size == 4096);
	CHECK(syscall(SYS_fallocate, fd, 1 /* KEEP_SIZE */, 0L, 8192L) == 0);
	CHECK(fstat(fd, &st) == 0 && st.st_size == 4096);
	CHECK_ERR(syscall(SYS_fallocate, fd, 0, -1L, 10L), EINVAL);
	CHECK_ERR(syscall(SYS_fallocate, fd, 0, 0L, 0L), EINVAL);
	int p[2];
	CHECK(pipe(p) == 0);
	CHECK_ERR(fsync(p[0]), EINVAL);
	CHECK_ERR(syscall(SYS_fallocate, p[1], 0, 0L, 1L), ESPIPE);
	CHECK(syscall(SYS_faccessat2, AT_FDCWD, "/tmp/kt-falloc", R_OK | W_OK, 0x200) == 0);
	CHECK_ERR(syscall(SYS_faccessat2, AT_FDCWD, "/tmp/kt-falloc", R_OK, 0x8), EINVAL);
	CHECK_ERR(syscall(SYS_faccessat, AT_FDCWD, "/tmp/kt-falloc/", F_OK), ENOTDIR);
	close(fd);
	unlink("/tmp/kt-falloc");
	unsigned char a[64], b[64];
	int r = open("/dev/urandom", O_RDONLY);
	CHECK(r >= 0);
	CHECK(read(r, a, sizeof a) == 64 && read(r, b, sizeof b) == 64 && memcmp(a, b, 64) != 0);
	close(r);
	CHECK(stat("/dev/urandom", &st) == 0 && S_ISCHR(st.st_mode));
}

static const struct test tests[] = {
    T(trailing_slash_needs_a_directory),  T(fsync_fallocate_faccessat2),
    T(wall_clock_is_the_real_date),       T(settimeofday_is_roots),
    T(sysinfo_reports_memory_and_uptime), T(getrandom_fills_and_checks_flags),
    T(prctl_sets_and_gets_the_name),      T(affinity_is_one_cpu),
    T(rlimit_nofile_is_enforced),         T(raising_the_hard_limit_is_roots),
    T(alarm_and_itimer_deliver_sigalrm),  T(times_getrusage_and_groups),
    T(robust_list_and_rseq_probes),       T(syslog_reads_the_kernel_log),
    T(etc_files_name_the_users),
};
const struct test_area area_linuxcalls = TEST_AREA("linuxcalls", tests);
