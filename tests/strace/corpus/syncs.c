/* syncs: fsync, fdatasync, syncfs, sync, fallocate (mode 0, KEEP_SIZE, an
 * unsupported mode, a pipe), faccessat2 flags and faccessat of "file/". */
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>
int main(void){ int fd=open("/tmp/sc-fa",O_RDWR|O_CREAT|O_TRUNC,0600); syscall(SYS_fallocate,fd,0,0L,4096L); syscall(SYS_fallocate,fd,1,0L,8192L); syscall(SYS_fallocate,fd,0x40,0L,10L);syscall(SYS_fsync,fd); syscall(SYS_fdatasync,fd); syscall(SYS_syncfs,fd); syscall(SYS_sync);
syscall(SYS_faccessat2,AT_FDCWD,"/tmp/sc-fa",4,0x200); syscall(SYS_faccessat2,AT_FDCWD,"/tmp/sc-fa",6,0x1100); syscall(SYS_faccessat2,AT_FDCWD,"/tmp/sc-fa",1,0x8); syscall(SYS_faccessat,AT_FDCWD,"/tmp/sc-fa/",0); int p[2]; pipe(p); syscall(SYS_fsync,p[0]); syscall(SYS_fallocate,p[1],0,0L,1L); close(fd); unlink("/tmp/sc-fa"); return 0;}
