/* ktest: what its area files share: bad pointers, running a child with
 * default fault actions, signal handlers and the state they record. */
#ifndef KTEST_H
#define KTEST_H
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/sendfile.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "guest.h"

/* ------------------------------------------------------------------------ */
/* Harness: CHECK macros, the failure-reason pipe, small helpers.           */
/* ------------------------------------------------------------------------ */
/* Write end of the pipe on which a failing test child reports its reason. */
#define reason_fd testrun_reason_fd /* lib/testrun.h */

/* The bad pointer currently being tried by an efault test (for messages). */
#define cur_bad testrun_bad_ptr /* named in failure messages (lib/testrun.h) */
#define CHECK_EFAULT(call) CHECK_ERR(call, EFAULT)

/* Two kinds of bad user pointer: unmapped low memory and the kernel half. */
extern void *const bad_ptrs[2];
/* for (FOR_EACH_BAD(p)) { ... }: run the body once per bad pointer. */
#define FOR_EACH_BAD(p)                                                                            \
	size_t bi_ = 0;                                                                            \
	bi_ < sizeof bad_ptrs / sizeof bad_ptrs[0] && ((p) = cur_bad = bad_ptrs[bi_], 1);          \
	bi_++

/* Fork a child that runs fn and exits 0; return the child's wait status.
 * The child starts with default actions for the fault signals, so a fault
 * handler the test installed does not catch the child's deliberate fault. */
int run_in_child(void (*fn)(void));
/* Install a handler (SA_SIGINFO form) or SIG_DFL/SIG_IGN for sig. */
void set_handler(int sig, void (*fn)(int, siginfo_t *, void *), int flags);
void set_disposition(int sig, void (*disp)(int));
/* Create (or truncate) a file under /tmp holding len bytes of data. */
int make_tmp_file(const char *path, const void *data, size_t len);
/* State shared between tests and their signal handlers. */
extern volatile sig_atomic_t got_sig;
extern volatile sig_atomic_t got_count;
extern volatile uintptr_t got_addr;
extern volatile int got_signo_field;
extern sigjmp_buf fault_jmp;
extern int g_fd;
void record_handler(int sig, siginfo_t *si, void *uc);

/* File-system areas (links, modes, times, fifo, rename, dirs). */
/* Running on Procyon (uname's sysname), not on the host's Linux. */
int on_procyon(void);
/* A fresh empty directory /tmp/kt_NAME (what was there removed): its path. */
const char *kt_dir(const char *name);
/* Remove path and, if a directory, everything below it (no symlink followed). */
void rm_tree(const char *path);
/* Walk the tree at dir and CHECK that it is consistent: every name lstats,
 * each directory lists "." and ".." once and has nlink 2 + subdirectories.
 * Returns the number of names below dir. */
int check_tree(const char *dir);
/* Write a whole file (created 0644 or truncated) / read it into buf (NUL
 * terminated): the byte count. */
void put_file(const char *path, const char *text);
ssize_t get_file(const char *path, char *buf, size_t cap);
/* Turn a number into a pointer the compiler cannot reason about (so it does
 * not warn about or optimise away deliberate bad accesses). */
volatile int *opaque_addr(uintptr_t a);
/* Record the fault and jump back to the sigsetjmp in the test. */
void fault_jump_handler(int sig, siginfo_t *si, void *uc);
#endif
