/* unknown: calls Procyon does not have, printed by their Linux names. */
#define _GNU_SOURCE
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	syscall(SYS_alarm, 0);
	syscall(SYS_sync);
	syscall(SYS_getsid, 0);
	syscall(SYS_personality, 0xffffffff);
	syscall(SYS_flock, -1, 0);
	syscall(SYS_fsync, -1);
	syscall(SYS_ftruncate, -1, 0);
	syscall(SYS_fchdir, -1);
	syscall(SYS_inotify_rm_watch, -1, 0);
	return 0;
}
