/* ktest: every pointer-taking system call rejects bad user pointers. */
#define _GNU_SOURCE
#include "ktest.h"

/* ------------------------------------------------------------------------ */
/* EFAULT: every pointer-taking system call rejects bad user pointers.      */
/* ------------------------------------------------------------------------ */

/* A pipe with data in it, so reads do not block. */
static void pipe_with_data(int p[2])
{
	static char data[256];
	CHECK(pipe(p) == 0);
	CHECK(write(p[1], data, sizeof data) == (ssize_t)sizeof data);
}

static void efault_read(void)
{
	int p[2];
	void *bad;
	pipe_with_data(p);
	for (FOR_EACH_BAD(bad))
		CHECK_EFAULT(syscall(SYS_read, p[0], bad, 16));
}

static void efault_write(void)
{
	int p[2];
	void *bad;
	CHECK(pipe(p) == 0);
	for (FOR_EACH_BAD(bad))
		CHECK_EFAULT(syscall(SYS_write, p[1], bad, 16));
}

static void efault_readv(void)
{
	int p[2];
	void *bad;
	pipe_with_data(p);
	for (FOR_EACH_BAD(bad)) {
		struct iovec iov = {bad, 16};
		CHECK_EFAULT(syscall(SYS_readv, p[0], bad, 1));
		CHECK_EFAULT(syscall(SYS_readv, p[0], &iov, 1));
	}
}

static void efault_writev(void)
{
	int p[2];
	void *bad;
	CHECK(pipe(p) == 0);
	for (FOR_EACH_BAD(bad)) {
		struct iovec iov = {bad, 16};
		CHECK_EFAULT(syscall(SYS_writev, p[1], bad, 1));
		CHECK_EFAULT(syscall(SYS_writev, p[1], &iov, 1));
	}
}

static void efault_pread64(void)
{
	void *bad;
	int fd = make_tmp_file("/tmp/ktest_efault", "0123456789abcdef0123456789abcdef", 32);
	for (FOR_EACH_BAD(bad))
		CHECK_EFAULT(syscall(SYS_pread64, fd, bad, 16, 0));
}

static void efault_pwrite64(void)
{
	void *bad;
	int fd = make_tmp_file("/tmp/ktest_efault", "0123456789abcdef", 16);
	for (FOR_EACH_BAD(bad))
		CHECK_EFAULT(syscall(SYS_pwrite64, fd, bad, 16, 0));
}

static void efault_open(void)
{
	void *bad;
	for (FOR_EACH_BAD(bad))
		CHECK_EFAULT(syscall(SYS_open, bad, O_RDONLY));
}

static void efault_openat(void)
{
	void *bad;
	for (FOR_EACH_BAD(bad))
		CHECK_EFAULT(syscall(SYS_openat, AT_FDCWD, bad, O_RDONLY));
}

static void efault_fstat(void)
{
	int p[2];
	void *bad;
	CHECK(pipe(p) == 0);
	int fd = open("/", O_RDONLY);
	CHECK(fd >= 0);
	for (FOR_EACH_BAD(bad)) {
		CHECK_EFAULT(syscall(SYS_fstat, p[0], bad));
		CHECK_EFAULT(syscall(SYS_fstat, fd, bad));
	}
}

static void efault_stat(void)
{
	struct stat st;
	void *bad;
	for (FOR_EACH_BAD(bad)) {
		CHECK_EFAULT(syscall(SYS_stat, bad, &st));
		CHECK_EFAULT(syscall(SYS_stat, "/", bad));
	}
}

static void efault_newfstatat(void)
{
	struct stat st;
	void *bad;
	for (FOR_EACH_BAD(bad)) {
		CHECK_EFAULT(syscall(SYS_newfstatat, AT_FDCWD, bad, &st, 0));
		CHECK_EFAULT(syscall(SYS_newfstatat, AT_FDCWD, "/", bad, 0));
	}
}

static void efault_getdents64(void)
{
	void *bad;
	int fd = open("/", O_RDONLY | O_DIRECTORY);
	CHECK(fd >= 0);
	for (FOR_EACH_BAD(bad))
		CHECK_EFAULT(syscall(SYS_getdents64, fd, bad, 4096));
}

static void efault_pipe(void)
{
	void *bad;
	for (FOR_EACH_BAD(bad))
		CHECK_EFAULT(syscall(SYS_pipe, bad));
}

static void efault_pipe2(void)
{
	void *bad;
	for (FOR_EACH_BAD(bad)) {
		CHECK_EFAULT(syscall(SYS_pipe2, bad, 0));
		CHECK_EFAULT(syscall(SYS_pipe2, bad, O_CLOEXEC));
	}
}

static void efault_poll(void)
{
	void *bad;
	for (FOR_EACH_BAD(bad))
		CHECK_EFAULT(syscall(SYS_poll, bad, 1, 0));
}

static void efault_ppoll(void)
{
	int p[2];
	void *bad;
	struct timespec zero = {0, 0};
	CHECK(pipe(p) == 0);
	struct pollfd pf = {p[0], POLLIN, 0};
	for (FOR_EACH_BAD(bad)) {
		CHECK_EFAULT(syscall(SYS_ppoll, bad, 1, &zero, NULL, 8));
		CHECK_EFAULT(syscall(SYS_ppoll, &pf, 1, bad, NULL, 8));
		CHECK_EFAULT(syscall(SYS_ppoll, &pf, 1, &zero, bad, 8));
	}
}

static void efault_wait4(void)
{
	void *bad;
	for (FOR_EACH_BAD(bad)) {
		pid_t pid = fork();
		CHECK(pid >= 0);
		if (pid == 0)
			_exit(0);
		CHECK_EFAULT(syscall(SYS_wait4, pid, bad, 0, NULL));
		wait4(pid, NULL, WNOHANG, NULL); /* reap it if EFAULT did not */
	}
}

static void efault_rt_sigaction(void)
{
	void *bad;
	for (FOR_EACH_BAD(bad)) {
		CHECK_EFAULT(syscall(SYS_rt_sigaction, SIGUSR1, bad, NULL, 8));
		CHECK_EFAULT(syscall(SYS_rt_sigaction, SIGUSR1, NULL, bad, 8));
	}
}

static void efault_rt_sigprocmask(void)
{
	void *bad;
	for (FOR_EACH_BAD(bad)) {
		CHECK_EFAULT(syscall(SYS_rt_sigprocmask, SIG_BLOCK, bad, NULL, 8));
		CHECK_EFAULT(syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, bad, 8));
	}
}

static void efault_nanosleep(void)
{
	void *bad;
	for (FOR_EACH_BAD(bad))
		CHECK_EFAULT(syscall(SYS_nanosleep, bad, NULL));
}

static void efault_clock_gettime(void)
{
	void *bad;
	for (FOR_EACH_BAD(bad)) {
		CHECK_EFAULT(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, bad));
		CHECK_EFAULT(syscall(SYS_clock_gettime, CLOCK_REALTIME, bad));
	}
}

static void efault_uname(void)
{
	void *bad;
	for (FOR_EACH_BAD(bad))
		CHECK_EFAULT(syscall(SYS_uname, bad));
}

static void efault_getcwd(void)
{
	void *bad;
	for (FOR_EACH_BAD(bad))
		CHECK_EFAULT(syscall(SYS_getcwd, bad, 256));
}

static void efault_chdir(void)
{
	void *bad;
	for (FOR_EACH_BAD(bad))
		CHECK_EFAULT(syscall(SYS_chdir, bad));
}

/* /bin/false exits 1, so an execve that wrongly succeeds fails the test. */
static void efault_execve(void)
{
	void *bad;
	char *envp[] = {NULL};
	char *argv[] = {"false", NULL};
	for (FOR_EACH_BAD(bad)) {
		char *bad_argv[] = {"false", bad, NULL};
		CHECK_EFAULT(syscall(SYS_execve, bad, argv, envp));
		CHECK_EFAULT(syscall(SYS_execve, "/bin/false", bad, envp));
		CHECK_EFAULT(syscall(SYS_execve, "/bin/false", argv, bad));
		CHECK_EFAULT(syscall(SYS_execve, "/bin/false", bad_argv, envp));
		CHECK_EFAULT(syscall(SYS_execve, "/bin/false", argv, bad_argv + 1));
	}
}

static const struct test tests[] = {
    T(efault_read),          T(efault_write),        T(efault_readv),          T(efault_writev),
    T(efault_pread64),       T(efault_pwrite64),     T(efault_open),           T(efault_openat),
    T(efault_fstat),         T(efault_stat),         T(efault_newfstatat),     T(efault_getdents64),
    T(efault_pipe),          T(efault_pipe2),        T(efault_poll),           T(efault_ppoll),
    T(efault_wait4),         T(efault_rt_sigaction), T(efault_rt_sigprocmask), T(efault_nanosleep),
    T(efault_clock_gettime), T(efault_uname),        T(efault_getcwd),         T(efault_chdir),
    T(efault_execve),
};

const struct test_area area_efault = TEST_AREA("efault", tests);
