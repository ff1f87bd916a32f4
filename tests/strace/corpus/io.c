/* io: iovecs, poll and select on a pipe, pipe2 flags, ioctl on a file. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <termios.h>
#include <unistd.h>

int main(void)
{
	int p[2];
	char a[4], b[8];
	syscall(SYS_pipe2, p, O_CLOEXEC);
	struct pollfd pf = {p[0], POLLIN, 0};
	syscall(SYS_poll, &pf, 1, 0);
	syscall(SYS_write, p[1], "ping", 4);
	syscall(SYS_poll, &pf, 1, 0);
	fd_set rs;
	FD_ZERO(&rs);
	FD_SET(p[0], &rs);
	syscall(SYS_select, p[0] + 1, &rs, 0, 0, 0);
	int fd = (int)syscall(SYS_open, "/tmp/sc-iofile", O_RDWR | O_CREAT | O_TRUNC, 0600);
	struct iovec w[2] = {{"abc", 3}, {"defgh", 5}};
	syscall(SYS_writev, fd, w, 2);
	syscall(SYS_lseek, fd, 0, SEEK_SET);
	struct iovec r[2] = {{a, sizeof a}, {b, sizeof b}};
	syscall(SYS_readv, fd, r, 2);
	struct termios t;
	syscall(SYS_ioctl, fd, TCGETS, &t);
	syscall(SYS_pwrite64, fd, "xyz", 3, 100);
	syscall(SYS_close, fd);
	syscall(SYS_unlink, "/tmp/sc-iofile");
	syscall(SYS_close, p[0]);
	syscall(SYS_close, p[1]);
	return 0;
}
