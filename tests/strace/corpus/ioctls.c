/* ioctls: every terminal ('T') request strace 6.1 names, and some it
 * does not, on a pipe with a NULL argument (the names, and ENOTTY but for
 * the generic FIO* ones), then arguments that decode: ints, modem bits, a
 * character, TCXONC/TCFLSH values, a bad pointer, FIONREAD of a pipe and a
 * file, FIONBIO and FIOQSIZE. (Not FIOASYNC: Procyon sends no SIGIO, so it
 * is ENOTTY as for a file without fasync.) */
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

static const unsigned long codes[] = {
    0x5401,     0x5402,     0x5403,     0x5404,     0x5405,     0x5406,     0x5407,
    0x5408,     0x5409,     0x540a,     0x540b,     0x540c,     0x540d,     0x540e,
    0x540f,     0x5410,     0x5411,     0x5412,     0x5413,     0x5414,     0x5415,
    0x5416,     0x5417,     0x5418,     0x5419,     0x541a,     0x541c,     0x541d,
    0x541e,     0x541f,     0x5420,     0x5422,     0x5423,     0x5424,     0x5425,
    0x5426,     0x5427,     0x5428,     0x5429,     0x542a,     0x542e,     0x542f,
    0x5432,     0x5433,     0x5434,     0x5435,     0x5436,     0x5437,     0x5441,
    0x5453,     0x5454,     0x5455,     0x5456,     0x5457,     0x5458,     0x5459,
    0x545a,     0x545b,     0x545c,     0x545d,     0x545e,     0x80045430, 0x40045431,
    0x80045432, 0x40045436, 0x80045438, 0x80045439, 0x80045440, 0x802c542a, 0x402c542b,
    0x402c542c, 0x402c542d, 0x8020542e, 0xc020542f, 0xc0045499, 0x40085499, 0x12345678,
    0xabcd};

int main(void)
{
	int p[2];
	syscall(SYS_pipe2, p, 0);
	for (unsigned i = 0; i < sizeof codes / sizeof codes[0]; i++)
		syscall(SYS_ioctl, p[1], codes[i], 0);
	int v = 5;
	syscall(SYS_ioctl, p[1], 0x5416, &v); /* TIOCMBIS [TIOCM_LE|TIOCM_RTS] */
	syscall(SYS_ioctl, p[1], 0x5415, &v); /* TIOCMGET */
	v = 0;
	syscall(SYS_ioctl, p[1], 0x5418, &v); /* TIOCMSET [0] */
	v = 0x10000;
	syscall(SYS_ioctl, p[1], 0x5418, &v); /* an unnamed bit */
	syscall(SYS_ioctl, p[1], 0x5412, "q"); /* TIOCSTI */
	syscall(SYS_ioctl, p[1], 0x540a, 7);   /* TCXONC, unknown */
	syscall(SYS_ioctl, p[1], 0x540b, 2);   /* TCFLSH TCIOFLUSH */
	syscall(SYS_ioctl, p[1], 0x5409, -1);  /* TCSBRK -1 */
	syscall(SYS_ioctl, p[1], 0x540f, 8);   /* TIOCGPGRP, a bad pointer */
	syscall(SYS_ioctl, p[1], 0x5421, 1);   /* FIONBIO, a bad pointer: EFAULT */
	v = 1;
	syscall(SYS_ioctl, p[1], 0x5421, &v); /* FIONBIO [1] */
	v = 0;
	syscall(SYS_ioctl, p[1], 0x5421, &v);
	syscall(SYS_write, p[1], "abc", 3);
	syscall(SYS_ioctl, p[0], 0x541b, &v); /* FIONREAD [3] */
	syscall(SYS_ioctl, p[0], 0x5451, 0);  /* FIOCLEX */
	syscall(SYS_ioctl, p[0], 0x5450, 0);  /* FIONCLEX */
	int fd = (int)syscall(SYS_open, "/tmp/sc-ioctl", O_RDWR | O_CREAT | O_TRUNC, 0600);
	syscall(SYS_write, fd, "hello", 5);
	syscall(SYS_lseek, fd, 1, SEEK_SET);
	syscall(SYS_ioctl, fd, 0x541b, &v); /* FIONREAD [4] */
	long long size = 0;
	syscall(SYS_ioctl, fd, 0x5460, &size); /* FIOQSIZE */
	syscall(SYS_ioctl, p[0], 0x5460, &size); /* FIOQSIZE of a pipe: ENOTTY */
	syscall(SYS_close, fd);
	syscall(SYS_unlink, "/tmp/sc-ioctl");
	return 0;
}
