/* The one list of system calls, shared by kernel and user space. Each entry:
 * X(Linux x86_64 number, name, argument kinds, properties, (parameters)).
 * The kernel expands it into its dispatch table, a prototype for every
 * handler (so a handler whose signature differs from its row fails to
 * build) and its per-call properties; strace into the names and argument
 * formats it prints; user programs into SYS_<name> numbers.
 * Argument kinds, one letter per argument: i signed int, u unsigned,
 * x hex (pointers, flags), s string, b buffer (length in the next
 * argument), o open flags, f fd. Properties, one letter each: r restarts
 * transparently after a handler with SA_RESTART (-ERESTARTSYS). Parameters:
 * the handler's C parameter list, in the ABI's argument order. */
#ifndef PROCYON_SYSCALLS_H
#define PROCYON_SYSCALLS_H
#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>
#endif

#define PROCYON_SYSCALLS(X)                                                                        \
	X(36, getitimer, "ix", "", (int which, uint64_t uval))                                     \
	X(37, alarm, "u", "", (unsigned seconds))                                                  \
	X(38, setitimer, "ixx", "", (int which, uint64_t unew, uint64_t uold))                     \
	X(96, gettimeofday, "xx", "", (uint64_t utv, uint64_t utz))                                \
	X(97, getrlimit, "ux", "", (unsigned res, uint64_t ulim))                                  \
	X(98, getrusage, "ix", "", (int who, uint64_t uru))                                        \
	X(99, sysinfo, "x", "", (uint64_t uinfo))                                                  \
	X(100, times, "x", "", (uint64_t ubuf))                                                    \
	X(103, syslog, "ixi", "", (int type, uint64_t ubuf, int len))                              \
	X(115, getgroups, "ix", "", (int size, uint64_t ulist))                                    \
	X(116, setgroups, "ux", "", (size_t size, uint64_t ulist))                                 \
	X(157, prctl, "ixxxx", "",                                                                 \
	  (int option, uint64_t arg2, uint64_t arg3, uint64_t arg4, uint64_t arg5))                \
	X(160, setrlimit, "ux", "", (unsigned res, uint64_t ulim))                                 \
	X(164, settimeofday, "xx", "", (uint64_t utv, uint64_t utz))                               \
	X(162, sync, "", "", (void))                                                               \
	X(201, time, "x", "", (uint64_t ut))                                                       \
	X(203, sched_setaffinity, "iux", "", (int pid, size_t len, uint64_t umask))                \
	X(204, sched_getaffinity, "iux", "", (int pid, size_t len, uint64_t umask))                \
	X(227, clock_settime, "ix", "", (int clk, uint64_t uts))                                   \
	X(229, clock_getres, "ix", "", (int clk, uint64_t uts))                                    \
	X(273, set_robust_list, "xu", "", (uint64_t head, size_t len))                             \
	X(274, get_robust_list, "ixx", "", (int pid, uint64_t uhead, uint64_t ulen))               \
	X(131, sigaltstack, "xx", "", (uint64_t uss, uint64_t uoss))                               \
	X(127, rt_sigpending, "xu", "", (uint64_t uset, size_t setsize))                           \
	X(202, futex, "xiuxxu", "r",                                                               \
	  (uint64_t uaddr, int op, uint32_t val, uint64_t utime, uint64_t uaddr2, uint32_t val3))  \
	X(302, prlimit64, "iuxx", "", (int pid, unsigned res, uint64_t unew, uint64_t uold))       \
	X(306, syncfs, "f", "", (int fd))                                                          \
	X(318, getrandom, "bux", "", (uint64_t ubuf, size_t n, unsigned flags))                    \
	X(334, rseq, "xuix", "", (uint64_t rseq, uint32_t len, int flags, uint32_t sig))           \
	X(26, msync, "xui", "", (uint64_t addr, uint64_t len, int flags))                          \
	X(0, read, "fbu", "r", (int fd, uint64_t buf, size_t n))                                   \
	X(1, write, "fbu", "r", (int fd, uint64_t buf, size_t n))                                  \
	X(2, open, "sox", "r", (uint64_t upath, int flags, int mode))                              \
	X(3, close, "f", "", (int fd))                                                             \
	X(4, stat, "sx", "", (uint64_t upath, uint64_t ubuf))                                      \
	X(5, fstat, "fx", "", (int fd, uint64_t ubuf))                                             \
	X(6, lstat, "sx", "", (uint64_t upath, uint64_t ubuf))                                     \
	X(7, poll, "xui", "", (uint64_t ufds, uint64_t nfds, int timeout_ms))                      \
	X(8, lseek, "fii", "", (int fd, int64_t off, int whence))                                  \
	X(9, mmap, "xuxxfx", "",                                                                   \
	  (uint64_t addr, uint64_t len, int prot, int flags, int fd, int64_t off))                 \
	X(10, mprotect, "xux", "", (uint64_t addr, uint64_t len, int prot))                        \
	X(11, munmap, "xu", "", (uint64_t addr, uint64_t len))                                     \
	X(12, brk, "x", "", (uint64_t addr))                                                       \
	X(13, rt_sigaction, "ixxu", "", (int sig, uint64_t uact, uint64_t uold, size_t setsize))   \
	X(14, rt_sigprocmask, "ixxu", "", (int how, uint64_t uset, uint64_t uold, size_t setsize)) \
	X(15, rt_sigreturn, "", "", (void))                                                        \
	X(16, ioctl, "fxx", "r", (int fd, uint64_t req, uint64_t arg))                             \
	X(17, pread64, "fbui", "r", (int fd, uint64_t buf, size_t n, int64_t off))                 \
	X(18, pwrite64, "fbui", "r", (int fd, uint64_t buf, size_t n, int64_t off))                \
	X(19, readv, "fxi", "r", (int fd, uint64_t iov, int cnt))                                  \
	X(20, writev, "fxi", "r", (int fd, uint64_t iov, int cnt))                                 \
	X(21, access, "sx", "", (uint64_t upath, int mode))                                        \
	X(22, pipe, "x", "", (uint64_t ufds))                                                      \
	X(23, select, "ixxxx", "",                                                                 \
	  (int nfds, uint64_t ur, uint64_t uw, uint64_t ue, uint64_t utv))                         \
	X(24, sched_yield, "", "", (void))                                                         \
	X(32, dup, "f", "", (int fd))                                                              \
	X(33, dup2, "ff", "", (int oldfd, int newfd))                                              \
	X(34, pause, "", "", (void))                                                               \
	X(35, nanosleep, "xx", "", (uint64_t ureq, uint64_t urem))                                 \
	X(40, sendfile, "ffxu", "", (int out_fd, int in_fd, uint64_t uoff, size_t count))          \
	X(39, getpid, "", "", (void))                                                              \
	X(56, clone, "xxxxx", "",                                                                  \
	  (uint64_t flags, uint64_t newsp, uint64_t uptid, uint64_t uctid, uint64_t tls))          \
	X(57, fork, "", "", (void))                                                                \
	X(58, vfork, "", "", (void))                                                               \
	X(59, execve, "sxx", "", (uint64_t upath, uint64_t uargv, uint64_t uenvp))                 \
	X(60, exit, "i", "", (int status))                                                         \
	X(61, wait4, "ixxx", "r", (int pid, uint64_t ustatus, int options, uint64_t urusage))      \
	X(62, kill, "ii", "", (int pid, int sig))                                                  \
	X(63, uname, "x", "", (uint64_t ubuf))                                                     \
	X(72, fcntl, "fix", "", (int fd, int cmd, uint64_t arg))                                   \
	X(76, truncate, "si", "", (uint64_t upath, int64_t length))                                \
	X(77, ftruncate, "fi", "", (int fd, int64_t length))                                       \
	X(74, fsync, "f", "", (int fd))                                                            \
	X(75, fdatasync, "f", "", (int fd))                                                        \
	X(79, getcwd, "xu", "", (uint64_t ubuf, size_t size))                                      \
	X(80, chdir, "s", "", (uint64_t upath))                                                    \
	X(82, rename, "ss", "", (uint64_t a, uint64_t b))                                          \
	X(83, mkdir, "sx", "", (uint64_t upath, int mode))                                         \
	X(84, rmdir, "s", "", (uint64_t upath))                                                    \
	X(86, link, "ss", "", (uint64_t uold, uint64_t unew))                                      \
	X(87, unlink, "s", "", (uint64_t upath))                                                   \
	X(88, symlink, "ss", "", (uint64_t utarget, uint64_t upath))                               \
	X(89, readlink, "sxi", "", (uint64_t upath, uint64_t ubuf, int size))                      \
	X(90, chmod, "sx", "", (uint64_t upath, int mode))                                         \
	X(91, fchmod, "fx", "", (int fd, int mode))                                                \
	X(92, chown, "sii", "", (uint64_t upath, uint32_t uid, uint32_t gid))                      \
	X(93, fchown, "fii", "", (int fd, uint32_t uid, uint32_t gid))                             \
	X(94, lchown, "sii", "", (uint64_t upath, uint32_t uid, uint32_t gid))                     \
	X(95, umask, "x", "", (int mask))                                                          \
	X(102, getuid, "", "", (void))                                                             \
	X(104, getgid, "", "", (void))                                                             \
	X(105, setuid, "i", "", (uint32_t uid))                                                    \
	X(106, setgid, "i", "", (uint32_t gid))                                                    \
	X(107, geteuid, "", "", (void))                                                            \
	X(108, getegid, "", "", (void))                                                            \
	X(109, setpgid, "ii", "", (int pid, int pgid))                                             \
	X(110, getppid, "", "", (void))                                                            \
	X(111, getpgrp, "", "", (void))                                                            \
	X(112, setsid, "", "", (void))                                                             \
	X(130, rt_sigsuspend, "xu", "", (uint64_t umask, size_t setsize))                          \
	X(133, mknod, "sxx", "", (uint64_t upath, int mode, uint64_t dev))                         \
	X(137, statfs, "sx", "", (uint64_t upath, uint64_t ubuf))                                  \
	X(138, fstatfs, "fx", "", (int fd, uint64_t ubuf))                                         \
	X(121, getpgid, "i", "", (int pid))                                                        \
	X(124, getsid, "i", "", (int pid))                                                         \
	X(158, arch_prctl, "ix", "", (int code, uint64_t addr))                                    \
	X(186, gettid, "", "", (void))                                                             \
	X(200, tkill, "ii", "", (int tid, int sig))                                                \
	X(217, getdents64, "fxu", "", (int fd, uint64_t ubuf, size_t n))                           \
	X(219, restart_syscall, "", "", (void))                                                    \
	X(218, set_tid_address, "x", "", (uint64_t uaddr))                                         \
	X(228, clock_gettime, "ix", "", (int clk, uint64_t uts))                                   \
	X(230, clock_nanosleep, "iixx", "", (int clk, int flags, uint64_t ureq, uint64_t urem))    \
	X(231, exit_group, "i", "", (int status))                                                  \
	X(234, tgkill, "iii", "", (int tgid, int tid, int sig))                                    \
	X(257, openat, "fsox", "r", (int dirfd, uint64_t upath, int flags, int mode))              \
	X(258, mkdirat, "fsx", "", (int dirfd, uint64_t upath, int mode))                          \
	X(259, mknodat, "fsxx", "", (int dirfd, uint64_t upath, int mode, uint64_t dev))           \
	X(260, fchownat, "fsiix", "",                                                              \
	  (int dirfd, uint64_t upath, uint32_t uid, uint32_t gid, int flags))                      \
	X(262, newfstatat, "fsxx", "", (int dirfd, uint64_t upath, uint64_t ubuf, int flags))      \
	X(263, unlinkat, "fsx", "", (int dirfd, uint64_t upath, int flags))                        \
	X(264, renameat, "fsfs", "", (int olddirfd, uint64_t uold, int newdirfd, uint64_t unew))   \
	X(265, linkat, "fsfsx", "",                                                                \
	  (int olddirfd, uint64_t uold, int newdirfd, uint64_t unew, int flags))                   \
	X(266, symlinkat, "sfs", "", (uint64_t utarget, int dirfd, uint64_t upath))                \
	X(267, readlinkat, "fsxi", "", (int dirfd, uint64_t upath, uint64_t ubuf, int size))       \
	X(268, fchmodat, "fsx", "", (int dirfd, uint64_t upath, int mode))                         \
	X(269, faccessat, "fsx", "", (int dirfd, uint64_t upath, int mode))                        \
	X(270, pselect6, "ixxxxx", "",                                                             \
	  (int nfds, uint64_t ur, uint64_t uw, uint64_t ue, uint64_t uts, uint64_t usig))          \
	X(271, ppoll, "xuxxu", "",                                                                 \
	  (uint64_t ufds, uint64_t nfds, uint64_t uts, uint64_t usigmask, size_t sigsetsize))      \
	X(280, utimensat, "fsxx", "", (int dirfd, uint64_t upath, uint64_t utimes, int flags))     \
	X(285, fallocate, "fxii", "", (int fd, int mode, int64_t offset, int64_t len))             \
	X(292, dup3, "ffx", "", (int oldfd, int newfd, int flags))                                 \
	X(293, pipe2, "xx", "", (uint64_t ufds, int flags))                                        \
	X(316, renameat2, "fsfsx", "",                                                             \
	  (int olddirfd, uint64_t uold, int newdirfd, uint64_t unew, unsigned flags))              \
	X(439, faccessat2, "fsxx", "", (int dirfd, uint64_t upath, int mode, int flags))

#define PROCYON_SYSCALL_MAX 512 /* numbers are below this; sysfilter covers them all */

#ifndef __ASSEMBLER__ /* the kernel's syscall entry includes this for the limit */
#define PROCYON_SYSCALL_NUMBER(num, name, kinds, props, params) SYS_##name = num,
#ifndef __NR_read /* user programs built against musl already have SYS_* */
enum { PROCYON_SYSCALLS(PROCYON_SYSCALL_NUMBER) };
#endif
#endif

#endif
