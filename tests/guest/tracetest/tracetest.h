/* tracetest: what its area files share: the assembly routines with known
 * addresses, the kid bodies (what a traced kid does once it gets its go
 * byte) and the state they report through. The kids themselves, trace,
 * register and memory helpers are tests/guest/lib/guest.h's. */
#ifndef TRACETEST_H
#define TRACETEST_H
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "guest.h"

#define wait_bounded(pid) wait_within((pid), 5, "the test")

/* Failure messages are cut to fit on purpose. */
#pragma GCC diagnostic ignored "-Wformat-truncation"

extern char **environ;

extern char tt_step_seq[], tt_step_seq_1[], tt_step_seq_2[], tt_step_seq_3[], tt_step_seq_4[],
    tt_step_seq_5[];

extern char tt_sys_step[], tt_sys_step_1[], tt_sys_step_2[], tt_sys_step_3[], tt_sys_step_4[],
    tt_sys_step_5[];

extern char tt_bp_func[], tt_bp_func_1[], tt_int3_ret[], tt_set_tf[], tt_read_rflags[];

long call_bp_func(long x);
void call_void(char *fn);
uint64_t read_rflags(void);
/* Write end of the pipe on which a failing test reports its reason;
 * inherited by the test's helper processes, so their CHECKs report too. */
#define reason_fd testrun_reason_fd /* lib/testrun.h */

/* Bodies. */
extern volatile unsigned long spin_counter;
extern volatile int got_signal;
extern int marker_fd;
void body_nothing(long arg, int out);
void body_exit_code(long code, int out);
void body_getpid(long arg, int out);
void body_spin(long arg, int out);
void body_getpid_getppid(long arg, int out);
#define ARG1 0x1111111111111111L
#define ARG2 0x2222222222222222L
#define ARG3 0x3333333333333333L
#define ARG4 0x4444444444444444L
#define ARG5 0x5555555555555555L
#define ARG6 0x6666666666666666L

void body_six_args(long arg, int out);
void body_close_bad(long arg, int out);
void body_write_hello(long arg, int out);
void body_write_marker(long arg, int out);
void usr1_handler(int sig);
/* Install disposition 0 (default), 1 (ignore) or 2 (handler) for SIGUSR1,
 * send it to ourselves, report whether the handler ran. */
void body_kill_self(long disp, int out);
/* Like body_kill_self with a handler that writes a marker on the pipe. */
void body_kill_self_marker(long arg, int out);
void body_exec_true(long arg, int out);
void body_call_bp(long times, int out);
void body_step_seq(long arg, int out);
void body_int3(long arg, int out);
void body_sys_step_then_flags(long arg, int out);
void trap_handler(int sig, siginfo_t *si, void *ucv);
void body_set_tf(long arg, int out);
void body_clone_raw(long arg, int out);
/* Fork: the child reports 1000 and exits 4; the parent reports its status. */
void body_fork_report(long arg, int out);
/* A chain of depth forks; each level exits with its child's status + 1. */
int fork_chain(int depth);
void body_fork_chain(long depth, int out);
/* The spinning kid's counter, read through mem. */
unsigned long spin_count(pid_t pid);
/* Wait (5 s) until the spinning kid's counter moves past `from`. */
void wait_spinning(pid_t pid, unsigned long from);
/* Check that the spinning kid does not run for a while. */
void check_not_spinning(pid_t pid);
void body_many_getpid(long n, int out);
extern unsigned char mem_area[3 * PAGE];
#endif
