/* files: the file calls strace decodes (open flags, modes in octal, stat
 * structs, lseek whence, fcntl commands, AT_* flags, getdents64, getcwd). */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	char buf[64];
	struct stat st;
	syscall(SYS_umask, 022);
	syscall(SYS_mkdir, "/tmp/sc-dir", 0755);
	int fd = (int)syscall(SYS_open, "/tmp/sc-dir/f", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	syscall(SYS_write, fd, "hello, file\n\1\2\377", 15);
	syscall(SYS_lseek, fd, 0, SEEK_SET);
	syscall(SYS_lseek, fd, 2, SEEK_CUR);
	syscall(SYS_lseek, fd, 0, SEEK_END);
	syscall(SYS_fstat, fd, &st);
	syscall(SYS_close, fd);
	fd = (int)syscall(SYS_openat, AT_FDCWD, "/tmp/sc-dir/f", O_RDONLY | O_CLOEXEC);
	syscall(SYS_read, fd, buf, sizeof buf);
	syscall(SYS_pread64, fd, buf, 5, 6);
	syscall(SYS_fcntl, fd, F_GETFD);
	syscall(SYS_fcntl, fd, F_SETFD, FD_CLOEXEC);
	syscall(SYS_fcntl, fd, F_GETFL);
	syscall(SYS_fcntl, fd, F_DUPFD, 10);
	syscall(SYS_dup, fd);
	syscall(SYS_dup2, fd, 7);
	syscall(SYS_dup3, fd, 8, O_CLOEXEC);
	syscall(SYS_close, fd);
	syscall(SYS_stat, "/tmp/sc-dir/f", &st);
	syscall(SYS_lstat, "/tmp/sc-dir", &st);
	syscall(SYS_newfstatat, AT_FDCWD, "/tmp/sc-dir/f", &st, 0);
	syscall(SYS_newfstatat, AT_FDCWD, "/tmp/sc-dir/f", &st, AT_SYMLINK_NOFOLLOW);
	syscall(SYS_access, "/tmp/sc-dir/f", R_OK | W_OK);
	syscall(SYS_access, "/tmp/sc-dir/f", F_OK);
	syscall(SYS_rename, "/tmp/sc-dir/f", "/tmp/sc-dir/g");
	syscall(SYS_chdir, "/tmp/sc-dir");
	syscall(SYS_getcwd, buf, sizeof buf);
	fd = (int)syscall(SYS_open, ".", O_RDONLY | O_DIRECTORY);
	syscall(SYS_getdents64, fd, buf, sizeof buf);
	syscall(SYS_close, fd);
	syscall(SYS_unlink, "/tmp/sc-dir/g");
	syscall(SYS_chdir, "/");
	syscall(SYS_rmdir, "/tmp/sc-dir");
	return 0;
}
