/* errors: failing calls, shown as "-1 ENAME (text)" with strace's texts. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

int main(void)
{
	char buf[8];
	syscall(SYS_open, "/tmp/nonexistent/file", O_RDONLY);
	syscall(SYS_close, -1);
	syscall(SYS_read, 99, buf, sizeof buf);
	syscall(SYS_mkdir, "/tmp", 0700);
	syscall(SYS_rmdir, "/tmp/nonexistent");
	syscall(SYS_chdir, "/tmp/nonexistent");
	syscall(SYS_lseek, -5, 0, SEEK_SET);
	syscall(SYS_kill, 999999, 0);
	syscall(SYS_wait4, -1, 0, WNOHANG, 0);
	int fd = (int)syscall(SYS_open, "/tmp/sc-err", O_RDWR | O_CREAT | O_EXCL, 0600);
	struct termios t;
	syscall(SYS_ioctl, fd, TCGETS, &t);
	syscall(SYS_open, "/tmp/sc-err", O_RDWR | O_CREAT | O_EXCL, 0600);
	syscall(SYS_close, fd);
	syscall(SYS_unlink, "/tmp/sc-err");
	syscall(SYS_exit_group, 3);
	return 0;
}
