/* ktest: pipes, file descriptors, files and the scheme paths. */
#define _GNU_SOURCE
#include "ktest.h"
#include <sys/uio.h>

/* ------------------------------------------------------------------------ */
/* Pipes.                                                                   */
/* ------------------------------------------------------------------------ */

static void pipe_basic(void)
{
	int p[2];
	char buf[16];
	CHECK(pipe(p) == 0);
	CHECK(write(p[1], "hello", 5) == 5);
	CHECK(read(p[0], buf, sizeof buf) == 5);
	CHECK(memcmp(buf, "hello", 5) == 0);

	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		_exit(write(p[1], "from child", 10) == 10 ? 0 : 1);
	}
	CHECK(read(p[0], buf, sizeof buf) == 10);
	CHECK(memcmp(buf, "from child", 10) == 0);
	CHECK_EXITED(wait_for(pid), 0);
}

static void pipe_writer_blocks_when_full(void)
{
	enum { TOTAL = 1 << 20 };
	int p[2];
	CHECK(pipe(p) == 0);
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		static char chunk[4096];
		memset(chunk, 'z', sizeof chunk);
		close(p[0]);
		for (long done = 0; done < TOTAL;) {
			ssize_t n = write(p[1], chunk, sizeof chunk);
			if (n <= 0)
				_exit(1);
			done += n;
		}
		_exit(0);
	}
	close(p[1]);
	sleep_ms(200);
	int st;
	CHECK(wait4(pid, &st, WNOHANG, NULL) == 0); /* writer is blocked */
	static char buf[8192];
	long total = 0;
	ssize_t n;
	while ((n = read(p[0], buf, sizeof buf)) > 0) {
		for (ssize_t i = 0; i < n; i++)
			CHECK(buf[i] == 'z');
		total += n;
	}
	CHECK(n == 0);
	CHECK(total == TOTAL);
	CHECK_EXITED(wait_for(pid), 0);
}

static void write_to_g_fd(void) { write(g_fd, "x", 1); }

static void pipe_epipe_sigpipe(void)
{
	int p[2];
	CHECK(pipe(p) == 0);
	close(p[0]);
	g_fd = p[1];

	/* Default disposition: the writer dies of SIGPIPE. */
	CHECK_KILLED_BY(run_in_child(write_to_g_fd), SIGPIPE);

	/* Ignored: write fails with EPIPE. */
	set_disposition(SIGPIPE, SIG_IGN);
	CHECK_ERR(write(p[1], "x", 1), EPIPE);

	/* Handled: the handler runs and write still fails with EPIPE. */
	set_handler(SIGPIPE, record_handler, 0);
	CHECK_ERR(write(p[1], "x", 1), EPIPE);
	CHECK(got_sig == SIGPIPE);
}

static void pipe_eof_after_close(void)
{
	int p[2];
	char buf[8];
	CHECK(pipe(p) == 0);
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		write(p[1], "ab", 2);
		_exit(0);
	}
	close(p[1]);
	CHECK(read(p[0], buf, 1) == 1 && buf[0] == 'a');
	CHECK(read(p[0], buf, sizeof buf) == 1 && buf[0] == 'b');
	CHECK(read(p[0], buf, sizeof buf) == 0);
	CHECK(read(p[0], buf, sizeof buf) == 0);
	CHECK_EXITED(wait_for(pid), 0);
}

static void o_nonblock_pipe_eagain(void)
{
	int p[2];
	char buf[256];
	CHECK(pipe2(p, O_NONBLOCK) == 0);
	CHECK(fcntl(p[0], F_GETFL) & O_NONBLOCK);
	CHECK_ERR(read(p[0], buf, sizeof buf), EAGAIN);

	struct pollfd pf = {p[0], POLLIN, 0};
	CHECK(poll(&pf, 1, 0) == 0);

	memset(buf, 'q', sizeof buf);
	long total = 0;
	for (;;) {
		ssize_t n = write(p[1], buf, sizeof buf);
		if (n < 0) {
			CHECK(errno == EAGAIN);
			break;
		}
		total += n;
		CHECK(total < (64L << 20));
	}
	CHECK(total > 0);

	struct pollfd pw[2] = {{p[0], POLLIN, 0}, {p[1], POLLOUT, 0}};
	CHECK(poll(pw, 2, 0) == 1);
	CHECK(pw[0].revents & POLLIN);
	CHECK(!(pw[1].revents & POLLOUT));

	/* Clearing O_NONBLOCK makes reads of buffered data still work. */
	CHECK(fcntl(p[0], F_SETFL, 0) == 0);
	CHECK(!(fcntl(p[0], F_GETFL) & O_NONBLOCK));
	CHECK(read(p[0], buf, sizeof buf) == (ssize_t)sizeof buf);
}

/* ------------------------------------------------------------------------ */
/* File descriptors and files.                                              */
/* ------------------------------------------------------------------------ */

static void fd_exhaustion_emfile(void)
{
	int p[2];
	CHECK(pipe(p) == 0);
	int last = -1, count = 0;
	for (;;) {
		int fd = dup(p[0]);
		if (fd < 0) {
			CHECK(errno == EMFILE);
			break;
		}
		last = fd;
		CHECK(++count < (1 << 22));
	}
	CHECK(count > 0);
	CHECK_ERR(dup(p[0]), EMFILE);
	CHECK_ERR(pipe(p), EMFILE);
	CHECK(close(last) == 0);
	CHECK(dup(p[1]) == last);
	CHECK_ERR(dup(p[1]), EMFILE);
}

static void bad_fd_ebadf(void)
{
	char buf[8];
	struct stat st;
	int p[2];
	CHECK_ERR(syscall(SYS_read, -1, buf, 1), EBADF);
	CHECK_ERR(syscall(SYS_write, 9999, buf, 1), EBADF);
	CHECK_ERR(syscall(SYS_close, 12345), EBADF);
	CHECK_ERR(syscall(SYS_close, -1), EBADF);
	CHECK_ERR(syscall(SYS_fstat, -1, &st), EBADF);
	CHECK_ERR(syscall(SYS_dup, -5), EBADF);
	CHECK_ERR(syscall(SYS_dup2, 9999, 5), EBADF);
	CHECK_ERR(syscall(SYS_lseek, 9999, 0, SEEK_SET), EBADF);
	CHECK_ERR(syscall(SYS_fcntl, 9999, F_GETFD), EBADF);
	CHECK_ERR(syscall(SYS_getdents64, -1, buf, sizeof buf), EBADF);
	CHECK(pipe(p) == 0);
	CHECK_ERR(syscall(SYS_read, p[1], buf, 1), EBADF);
	CHECK_ERR(syscall(SYS_write, p[0], "x", 1), EBADF);
	CHECK(close(p[0]) == 0);
	CHECK_ERR(syscall(SYS_read, p[0], buf, 1), EBADF);
	CHECK_ERR(syscall(SYS_close, p[0]), EBADF);
}

static void dup2_dup3_fcntl(void)
{
	int p[2];
	char buf[8];
	CHECK(pipe(p) == 0);
	CHECK(dup2(p[1], 50) == 50);
	CHECK(write(50, "d", 1) == 1);
	CHECK(read(p[0], buf, 1) == 1 && buf[0] == 'd');
	CHECK(syscall(SYS_dup2, p[1], p[1]) == p[1]);
	CHECK_ERR(syscall(SYS_dup3, p[1], p[1], 0), EINVAL);
	CHECK_ERR(syscall(SYS_dup3, p[1], 52, 12345), EINVAL);

	CHECK(syscall(SYS_dup3, p[1], 51, O_CLOEXEC) == 51);
	CHECK(fcntl(51, F_GETFD) == FD_CLOEXEC);
	CHECK(fcntl(50, F_GETFD) == 0);
	CHECK(fcntl(50, F_SETFD, FD_CLOEXEC) == 0);
	CHECK(fcntl(50, F_GETFD) == FD_CLOEXEC);

	/* dup2 over an open descriptor closes the old file silently. */
	CHECK(dup2(p[0], 51) == 51);
	CHECK(fcntl(51, F_GETFD) == 0);
	CHECK(write(50, "e", 1) == 1);
	CHECK(read(51, buf, 1) == 1 && buf[0] == 'e');

	int fd = fcntl(p[0], F_DUPFD, 60);
	CHECK(fd >= 60);
	CHECK(fcntl(fd, F_GETFD) == 0);
	fd = fcntl(p[0], F_DUPFD_CLOEXEC, 70);
	CHECK(fd >= 70);
	CHECK(fcntl(fd, F_GETFD) == FD_CLOEXEC);

	/* Status flags are shared between duplicates. */
	CHECK(fcntl(p[0], F_SETFL, O_NONBLOCK) == 0);
	CHECK(fcntl(51, F_GETFL) & O_NONBLOCK);
	CHECK((fcntl(51, F_GETFL) & O_ACCMODE) == O_RDONLY);
	CHECK((fcntl(50, F_GETFL) & O_ACCMODE) == O_WRONLY);
	CHECK_ERR(read(51, buf, 1), EAGAIN);
}

/* Regression: readv and writev moved only the first iovec (the transfer
 * loop stopped as soon as a byte had moved). */
static void readv_writev_all_iovecs(void)
{
	char a[4], b[8];
	int p[2];
	struct iovec w[2] = {{"abc", 3}, {"defgh", 5}}, r[2] = {{a, sizeof a}, {b, sizeof b}};
	CHECK(pipe(p) == 0);
	CHECK(writev(p[1], w, 2) == 8);
	CHECK(readv(p[0], r, 2) == 8 && memcmp(a, "abcd", 4) == 0 && memcmp(b, "efgh", 4) == 0);
	close(p[0]);
	close(p[1]);
}

static void lseek_tmpfile(void)
{
	char data[100], buf[16];
	struct stat st;
	for (int i = 0; i < 100; i++)
		data[i] = (char)('A' + i % 26);
	int fd = make_tmp_file("/tmp/ktest_lseek", data, sizeof data);
	CHECK(lseek(fd, 0, SEEK_CUR) == 100);
	CHECK(lseek(fd, 10, SEEK_SET) == 10);
	CHECK(read(fd, buf, 5) == 5 && memcmp(buf, data + 10, 5) == 0);
	CHECK(lseek(fd, 5, SEEK_CUR) == 20);
	CHECK(read(fd, buf, 1) == 1 && buf[0] == data[20]);
	CHECK(lseek(fd, -4, SEEK_END) == 96);
	CHECK(read(fd, buf, sizeof buf) == 4 && memcmp(buf, data + 96, 4) == 0);
	CHECK(read(fd, buf, sizeof buf) == 0);
	CHECK_ERR(lseek(fd, -1, SEEK_SET), EINVAL);
	CHECK_ERR(lseek(fd, 0, 42), EINVAL);

	/* Writing past the end leaves a zero-filled gap. */
	CHECK(lseek(fd, 200, SEEK_SET) == 200);
	CHECK(write(fd, "!", 1) == 1);
	CHECK(fstat(fd, &st) == 0 && st.st_size == 201);
	CHECK(pread(fd, buf, 4, 150) == 4 && memcmp(buf, "\0\0\0\0", 4) == 0);
	CHECK(pread(fd, buf, 4, 199) == 2 && buf[0] == 0 && buf[1] == '!');
	CHECK(lseek(fd, 0, SEEK_CUR) == 201); /* pread does not move it */

	int p[2];
	CHECK(pipe(p) == 0);
	CHECK_ERR(lseek(p[0], 0, SEEK_SET), ESPIPE);
}

static void tmpfs_create_write_read(void)
{
	const char *path = "/tmp/ktest_tmpfs";
	char buf[64];
	struct stat st;
	int fd = make_tmp_file(path, "hello tmpfs", 11);
	CHECK(close(fd) == 0);
	CHECK_ERR(open(path, O_RDWR | O_CREAT | O_EXCL, 0644), EEXIST);
	CHECK_ERR(open("/tmp/ktest_no_such_file", O_RDONLY), ENOENT);

	fd = open(path, O_RDONLY);
	CHECK(fd >= 0);
	CHECK(read(fd, buf, sizeof buf) == 11 && memcmp(buf, "hello tmpfs", 11) == 0);
	CHECK(fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 11);
	CHECK_ERR(write(fd, "x", 1), EBADF);
	CHECK(close(fd) == 0);
	CHECK(stat(path, &st) == 0 && st.st_size == 11);

	fd = open(path, O_WRONLY | O_TRUNC);
	CHECK(fd >= 0);
	CHECK(fstat(fd, &st) == 0 && st.st_size == 0);
	CHECK(write(fd, "again", 5) == 5);
	CHECK(close(fd) == 0);
	fd = open(path, O_RDONLY);
	CHECK(read(fd, buf, sizeof buf) == 5 && memcmp(buf, "again", 5) == 0);
	CHECK(close(fd) == 0);
}

struct dirent64_raw {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static void getdents_root_lists_bin(void)
{
	static char buf[8192];
	int fd = open("/", O_RDONLY | O_DIRECTORY);
	CHECK(fd >= 0);
	int found = 0;
	long n;
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
		for (long off = 0; off < n;) {
			struct dirent64_raw *d = (struct dirent64_raw *)(buf + off);
			CHECK(d->d_reclen > 0 && off + d->d_reclen <= n);
			if (strcmp(d->d_name, "bin") == 0) {
				found = 1;
				CHECK(d->d_type == DT_DIR || d->d_type == DT_UNKNOWN ||
				      d->d_type == DT_LNK);
			}
			off += d->d_reclen;
		}
	}
	CHECK(n == 0);
	CHECK(found);
	CHECK(syscall(SYS_getdents64, fd, buf, sizeof buf) == 0);
	close(fd);

	/* A buffer too small for even one entry. */
	fd = open("/", O_RDONLY | O_DIRECTORY);
	CHECK(fd >= 0);
	CHECK_ERR(syscall(SYS_getdents64, fd, buf, 1), EINVAL);
}

/* Read a whole (small) file by path into buf; returns its length. */
static ssize_t slurp(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY);
	CHECK(fd >= 0);
	ssize_t n = read(fd, buf, cap);
	CHECK(n >= 0);
	close(fd);
	return n;
}

/* The scheme spellings "/scheme/S/path" and "S:path" name the same file. */
static void scheme_path_same_file(void)
{
	const char *nulls[] = {"/scheme/null/", "null:"};
	char buf[64];
	for (int i = 0; i < 2; i++) {
		int fd = open(nulls[i], O_RDWR);
		CHECK(fd >= 0);
		CHECK(write(fd, "gone", 4) == 4);
		CHECK(read(fd, buf, sizeof buf) == 0);
		close(fd);
	}
	int fd = make_tmp_file("/tmp/ktest_scheme", "same file", 9);
	close(fd);
	CHECK(slurp("/scheme/tmp/ktest_scheme", buf, sizeof buf) == 9);
	CHECK(memcmp(buf, "same file", 9) == 0);
	CHECK(slurp("tmp:ktest_scheme", buf, sizeof buf) == 9);
	CHECK(memcmp(buf, "same file", 9) == 0);

	fd = open("tmp:ktest_scheme", O_WRONLY | O_TRUNC);
	CHECK(fd >= 0);
	CHECK(write(fd, "via scheme", 10) == 10);
	close(fd);
	CHECK(slurp("/tmp/ktest_scheme", buf, sizeof buf) == 10);
	CHECK(memcmp(buf, "via scheme", 10) == 0);
}

static const struct test tests[] = {
    T(pipe_basic),
    T(pipe_writer_blocks_when_full),
    T(pipe_epipe_sigpipe),
    T(pipe_eof_after_close),
    T(o_nonblock_pipe_eagain),
    T(fd_exhaustion_emfile),
    T(bad_fd_ebadf),
    T(dup2_dup3_fcntl),
    T(lseek_tmpfile),
    T(readv_writev_all_iovecs),
    T(tmpfs_create_write_read),
    T(getdents_root_lists_bin),
    T(scheme_path_same_file),
};

const struct test_area area_fs = TEST_AREA("fs", tests);
