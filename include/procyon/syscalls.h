/* The one list of system calls, shared by kernel and user space. Each entry:
 * X(Linux x86_64 number, name, argument kinds). The kernel expands it into
 * its dispatch table, strace into the names and argument formats it prints,
 * and user programs into SYS_<name> numbers. Argument kinds, one letter per
 * argument: i signed int, u unsigned, x hex (pointers, flags), s string,
 * b buffer (length in the next argument), o open flags, f fd. */
#ifndef PROCYON_SYSCALLS_H
#define PROCYON_SYSCALLS_H

#define PROCYON_SYSCALLS(X)                                                                        \
	X(0, read, "fbu")                                                                          \
	X(1, write, "fbu")                                                                         \
	X(2, open, "sox")                                                                          \
	X(3, close, "f")                                                                           \
	X(4, stat, "sx")                                                                           \
	X(5, fstat, "fx")                                                                          \
	X(6, lstat, "sx")                                                                          \
	X(7, poll, "xui")                                                                          \
	X(8, lseek, "fii")                                                                         \
	X(9, mmap, "xuxxfx")                                                                       \
	X(10, mprotect, "xux")                                                                     \
	X(11, munmap, "xu")                                                                        \
	X(12, brk, "x")                                                                            \
	X(13, rt_sigaction, "ixxu")                                                                \
	X(14, rt_sigprocmask, "ixxu")                                                              \
	X(15, rt_sigreturn, "")                                                                    \
	X(16, ioctl, "fxx")                                                                        \
	X(17, pread64, "fbui")                                                                     \
	X(18, pwrite64, "fbui")                                                                    \
	X(19, readv, "fxi")                                                                        \
	X(20, writev, "fxi")                                                                       \
	X(21, access, "sx")                                                                        \
	X(22, pipe, "x")                                                                           \
	X(23, select, "ixxxx")                                                                     \
	X(24, sched_yield, "")                                                                     \
	X(32, dup, "f")                                                                            \
	X(33, dup2, "ff")                                                                          \
	X(34, pause, "")                                                                           \
	X(35, nanosleep, "xx")                                                                     \
	X(39, getpid, "")                                                                          \
	X(56, clone, "xxxxx")                                                                      \
	X(57, fork, "")                                                                            \
	X(58, vfork, "")                                                                           \
	X(59, execve, "sxx")                                                                       \
	X(60, exit, "i")                                                                           \
	X(61, wait4, "ixxx")                                                                       \
	X(62, kill, "ii")                                                                          \
	X(63, uname, "x")                                                                          \
	X(72, fcntl, "fix")                                                                        \
	X(79, getcwd, "xu")                                                                        \
	X(80, chdir, "s")                                                                          \
	X(82, rename, "ss")                                                                        \
	X(83, mkdir, "sx")                                                                         \
	X(84, rmdir, "s")                                                                          \
	X(87, unlink, "s")                                                                         \
	X(95, umask, "x")                                                                          \
	X(102, getuid, "")                                                                         \
	X(104, getgid, "")                                                                         \
	X(105, setuid, "i")                                                                        \
	X(106, setgid, "i")                                                                        \
	X(107, geteuid, "")                                                                        \
	X(108, getegid, "")                                                                        \
	X(109, setpgid, "ii")                                                                      \
	X(110, getppid, "")                                                                        \
	X(111, getpgrp, "")                                                                        \
	X(112, setsid, "")                                                                         \
	X(130, rt_sigsuspend, "xu")                                                                \
	X(121, getpgid, "i")                                                                       \
	X(158, arch_prctl, "ix")                                                                   \
	X(186, gettid, "")                                                                         \
	X(200, tkill, "ii")                                                                        \
	X(217, getdents64, "fxu")                                                                  \
	X(218, set_tid_address, "x")                                                               \
	X(228, clock_gettime, "ix")                                                                \
	X(230, clock_nanosleep, "iixx")                                                            \
	X(231, exit_group, "i")                                                                    \
	X(234, tgkill, "iii")                                                                      \
	X(257, openat, "fsox")                                                                     \
	X(262, newfstatat, "fsxx")                                                                 \
	X(270, pselect6, "ixxxxx")                                                                 \
	X(271, ppoll, "xuxxu")                                                                     \
	X(292, dup3, "ffx")                                                                        \
	X(293, pipe2, "xx")

#define PROCYON_SYSCALL_MAX 512 /* numbers are below this; sysfilter covers them all */

#define PROCYON_SYSCALL_NUMBER(num, name, kinds) SYS_##name = num,
#ifndef __NR_read /* user programs built against musl already have SYS_* */
enum { PROCYON_SYSCALLS(PROCYON_SYSCALL_NUMBER) };
#endif

#endif
