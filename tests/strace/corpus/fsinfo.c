/* fsinfo: statfs and fstatfs where both kernels agree (a missing path, a
 * bad descriptor, a bad buffer; a real file system's numbers are the
 * machine's), and getsid of the caller and of nobody. */
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	char buf[120];
	syscall(SYS_statfs, "/nonexistent", buf);
	syscall(SYS_fstatfs, 99, buf);
	syscall(SYS_statfs, "/", (void *)8);
	syscall(SYS_fstatfs, 0, (void *)8);
	syscall(SYS_getsid, 0);
	syscall(SYS_getsid, 999999);
	return 0;
}
