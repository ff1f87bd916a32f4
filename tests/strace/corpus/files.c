/* files: the file calls strace decodes (open flags, modes in octal, stat
 * structs, lseek whence, fcntl commands, AT_* flags, getcwd). Procyon's tmp:
 * keeps modes as given (no umask; so umask 0 here), has no rename across
 * directories' entries and lists no . and .. (so no rename, getdents64). */
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
	syscall(SYS_umask, 0);
	syscall(SYS_mkdir, "/tmp/sc-dir", 0777);
	int fd = (int)syscall(SYS_open, "/tmp/sc-dir/f", O_WRONLY | O_CREAT | O_TRUNC, 0666);
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
	syscall(SYS_fcntl, fd, F_DUPFD, 10);
	syscall(SYS_dup, fd);
	syscall(SYS_dup2, fd, 7);
	syscall(SYS_dup3, fd, 8, O_CLOEXEC);
	syscall(SYS_close, fd);
	syscall(SYS_stat, "/tmp/sc-dir/f", &st);
	syscall(SYS_lstat, "/tmp/sc-dir/f", &st);
	syscall(SYS_newfstatat, AT_FDCWD, "/tmp/sc-dir/f", &st, 0);
	syscall(SYS_newfstatat, AT_FDCWD, "/tmp/sc-dir/f", &st, AT_SYMLINK_NOFOLLOW);
	syscall(SYS_access, "/tmp/sc-dir/f", R_OK | W_OK);
	syscall(SYS_access, "/tmp/sc-dir/f", F_OK);
	syscall(SYS_chdir, "/tmp/sc-dir");
	syscall(SYS_getcwd, buf, sizeof buf);
	syscall(SYS_unlink, "/tmp/sc-dir/f");
	syscall(SYS_chdir, "/");
	syscall(SYS_rmdir, "/tmp/sc-dir");
	return 0;
}
