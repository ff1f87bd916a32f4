/* structs: the structs strace decodes in full that the other programs do
 * not reach: rlimit (set first, so both kernels answer the same), termios
 * and winsize (written to a pipe: ENOTTY on both kernels, decoded on
 * entry), pselect6 and ppoll with their sets, timeouts and left times,
 * and getdents64's entries (a directory of one file). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
	struct rlimit set = {16, 32}, got;
	syscall(SYS_setrlimit, RLIMIT_NOFILE, &set);
	syscall(SYS_getrlimit, RLIMIT_NOFILE, &got);
	struct rlimit lower = {8, 32};
	syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, &lower, &got);
	syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, 0, &got);
	syscall(SYS_setrlimit, RLIMIT_NOFILE, &set);

	int p[2];
	syscall(SYS_pipe2, p, 0);
	struct termios t = {0};
	t.c_iflag = ICRNL | IXON;
	t.c_oflag = OPOST | ONLCR;
	t.c_cflag = B38400 | CS8 | CREAD;
	t.c_lflag = ISIG | ICANON | ECHO | ECHOE;
	t.c_cc[VINTR] = 3;
	t.c_cc[VMIN] = 1;
	syscall(SYS_ioctl, p[1], TCSETS, &t);
	syscall(SYS_ioctl, p[1], TCSETSW, &t);
	syscall(SYS_ioctl, p[1], TCGETS, &t);
	struct termios none = {0}; /* every field zero: B0, CS5, NL0.. and 0 */
	syscall(SYS_ioctl, p[1], TCSETSF, &none);
	struct termios all; /* every bit set, CIBAUD too */
	memset(&all, 0xff, sizeof all);
	syscall(SYS_ioctl, p[1], TCSETS, &all);
	struct termios odd = {0};
	odd.c_oflag = TAB3 | CR2 | NL1 | OFILL;
	odd.c_cflag = B115200 | (B9600 << 16) | CS7 | PARENB | CRTSCTS;
	odd.c_line = 5;
	syscall(SYS_ioctl, p[1], TCSETS, &odd);
	syscall(SYS_ioctl, p[1], TCSETS, 8); /* unreadable */
	struct winsize ws = {24, 80, 0, 0};
	syscall(SYS_ioctl, p[1], TIOCSWINSZ, &ws);
	syscall(SYS_ioctl, p[1], TIOCGWINSZ, &ws);
	int pg = 0;
	syscall(SYS_ioctl, p[1], TIOCGPGRP, &pg);
	int n = 0;
	syscall(SYS_ioctl, p[0], FIONREAD, &n);

	syscall(SYS_write, p[1], "x", 1);
	fd_set rs, ws_set;
	FD_ZERO(&rs);
	FD_ZERO(&ws_set);
	FD_SET(p[0], &rs);
	FD_SET(p[1], &ws_set);
	struct timespec zero = {0, 0};
	syscall(SYS_pselect6, p[1] + 1, &rs, &ws_set, 0, &zero, 0);
	FD_ZERO(&rs);
	FD_SET(p[1], &rs);
	zero = (struct timespec){0, 0};
	syscall(SYS_pselect6, p[1] + 1, &rs, 0, 0, &zero, 0);
	struct pollfd pf[2] = {{p[0], POLLIN, 0}, {p[1], POLLOUT | POLLIN, 0}};
	zero = (struct timespec){0, 0};
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR1);
	syscall(SYS_ppoll, pf, 2, &zero, &mask, 8);
	syscall(SYS_ppoll, pf, 0, &zero, 0, 8);

	syscall(SYS_mkdir, "/tmp/sc-dents", 0755);
	int f = (int)syscall(SYS_open, "/tmp/sc-dents/file", O_WRONLY | O_CREAT, 0644);
	syscall(SYS_close, f);
	int d = (int)syscall(SYS_open, "/tmp/sc-dents", O_RDONLY | O_DIRECTORY);
	char buf[512];
	syscall(SYS_getdents64, d, buf, sizeof buf);
	syscall(SYS_getdents64, d, buf, sizeof buf);
	syscall(SYS_close, d);
	syscall(SYS_unlink, "/tmp/sc-dents/file");
	syscall(SYS_rmdir, "/tmp/sc-dents");
	return 0;
}
