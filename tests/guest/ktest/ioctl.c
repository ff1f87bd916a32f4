/* ktest area: the ioctls every file answers, as Linux's do_vfs_ioctl
 * (FIOCLEX, FIONCLEX, FIONBIO, FIOQSIZE: the bytes allocated, FIONREAD of a
 * regular file), and
 * FIONREAD of pipes and FIFOs. They run on Linux too. */
#define _GNU_SOURCE
#include "ktest.h"
#include <sys/ioctl.h>

#ifndef FIOQSIZE
#define FIOQSIZE 0x5460
#endif

static void fioclex_fionclex_set_close_on_exec(void)
{
	int p[2];
	CHECK(pipe(p) == 0);
	CHECK(ioctl(p[0], FIOCLEX) == 0);
	CHECK(fcntl(p[0], F_GETFD) == FD_CLOEXEC);
	CHECK(ioctl(p[0], FIONCLEX) == 0);
	CHECK(fcntl(p[0], F_GETFD) == 0);
	CHECK_ERR(ioctl(99, FIOCLEX), EBADF);
}

static void fionbio_sets_and_clears_nonblocking(void)
{
	int p[2];
	CHECK(pipe(p) == 0);
	int on = 1;
	CHECK(ioctl(p[0], FIONBIO, &on) == 0);
	CHECK(fcntl(p[0], F_GETFL) & O_NONBLOCK);
	char c;
	CHECK_ERR(read(p[0], &c, 1), EAGAIN);
	on = 0;
	CHECK(ioctl(p[0], FIONBIO, &on) == 0);
	CHECK(!(fcntl(p[0], F_GETFL) & O_NONBLOCK));
	CHECK_ERR(ioctl(p[0], FIONBIO, (int *)8), EFAULT);
}

/* Regression: FIONREAD was ENOTTY on everything but the console. */
static void fionread_pipe_fifo_and_file(void)
{
	int p[2], n = -1;
	CHECK(pipe(p) == 0);
	CHECK(ioctl(p[0], FIONREAD, &n) == 0 && n == 0);
	CHECK(write(p[1], "hello", 5) == 5);
	CHECK(ioctl(p[0], FIONREAD, &n) == 0 && n == 5);
	CHECK(ioctl(p[1], FIONREAD, &n) == 0 && n == 5); /* either end */
	CHECK_ERR(ioctl(p[0], FIONREAD, (int *)8), EFAULT);

	unlink("/tmp/kt-fionread-fifo");
	CHECK(mkfifo("/tmp/kt-fionread-fifo", 0600) == 0);
	int r = open("/tmp/kt-fionread-fifo", O_RDONLY | O_NONBLOCK);
	int w = open("/tmp/kt-fionread-fifo", O_WRONLY);
	CHECK(r >= 0 && w >= 0);
	CHECK(write(w, "abc", 3) == 3);
	CHECK(ioctl(r, FIONREAD, &n) == 0 && n == 3);
	close(r);
	close(w);
	unlink("/tmp/kt-fionread-fifo");

	int fd = open("/tmp/kt-fionread", O_RDWR | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0);
	CHECK(write(fd, "0123456789", 10) == 10);
	CHECK(lseek(fd, 3, SEEK_SET) == 3);
	CHECK(ioctl(fd, FIONREAD, &n) == 0 && n == 7); /* the size less the offset */
	CHECK(lseek(fd, 20, SEEK_SET) == 20);
	CHECK(ioctl(fd, FIONREAD, &n) == 0 && n == -10); /* Linux's int, past the end */
	long long size = 0;
	struct stat st;
	(void)fsync(fd); /* ext4 allocates (and counts the bytes) at writeback */
	CHECK(fstat(fd, &st) == 0);
	CHECK(ioctl(fd, FIOQSIZE, &size) == 0 && size == (long long)st.st_blocks * 512);
	CHECK_ERR(ioctl(p[0], FIOQSIZE, &size), ENOTTY);
	CHECK_ERR(ioctl(fd, TCGETS, &n), ENOTTY);
	close(fd);
	unlink("/tmp/kt-fionread");
}

static const struct test tests[] = {
    T(fioclex_fionclex_set_close_on_exec),
    T(fionbio_sets_and_clears_nonblocking),
    T(fionread_pipe_fifo_and_file),
};

const struct test_area area_ioctl = TEST_AREA("ioctl", tests);
