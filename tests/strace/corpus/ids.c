/* ids: the credential calls (%creds) and process ids. */
#define _GNU_SOURCE
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	syscall(SYS_getuid);
	syscall(SYS_geteuid);
	syscall(SYS_getgid);
	syscall(SYS_getegid);
	syscall(SYS_setuid, 0);
	syscall(SYS_setgid, 0);
	syscall(SYS_getpgrp);
	syscall(SYS_sched_yield);
	return 0;
}
