/* Processes. Each has its own address space, a kernel stack whose top
 * holds its saved user registers (struct trapframe), open files, signal
 * state and credentials. The table is a fixed array; a process's serial
 * number is unique for the life of the boot, so handles that must follow
 * one process (proc: files) compare serials, not pids. */
#ifndef PROC_H
#define PROC_H
#include "arch.h"
#include "file.h"
#include "waitq.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NPROC 256
#define PID_MAX_DEFAULT 32768
#define PID_MAX_MIN (NPROC + 44) /* sys:pid_max refuses less */
#define NOFILE 256
#define NSIG 64
#define KSTACK_SIZE 16384
#define PROC_NAME_LEN 32
#define PROC_NGROUPS 32
#define PROC_RLIMITS 16
#define PROCYON_RELEASE "0.1" /* uname -r, /proc/version */
#define RLIMIT_STACK 3
#define RLIMIT_CORE 4
#define RLIMIT_NOFILE 7
#define RLIM_INFINITY (~0ULL)

/* P_DEAD: a thread that has exited; its slot is freed as soon as the CPU
 * has left its kernel stack (sched.c). A thread group's first thread stays
 * P_ZOMBIE instead, until the group is gone and the parent has reaped it. */
enum proc_state { P_UNUSED, P_RUNNABLE, P_SLEEPING, P_STOPPED, P_ZOMBIE, P_DEAD };

struct k_sigaction {
	uint64_t handler, flags, restorer, mask;
};

/* What a signal carries (Linux's siginfo, the fields Procyon fills):
 * signal_info_to_user() lays it out as the 128-byte siginfo_t. */
struct ksiginfo {
	int32_t signo, code;
	int32_t errno_; /* si_errno: 0 from the kernel; a tracer may set it */
	int32_t pid;    /* SI_USER/SI_TKILL: the sender; SIGCHLD: the child */
	uint32_t uid;   /* the sender's (the child's) real uid */
	int32_t status; /* SIGCHLD: exit code, or the signal */
	uint64_t addr;  /* faults and traps: the address */
};
#define SI_USER 0
#define SI_KERNEL 0x80
#define SI_TKILL (-6)
#define ILL_ILLOPN 2
#define FPE_INTDIV 1
#define SEGV_MAPERR 1
#define SEGV_ACCERR 2
#define BUS_ADRALN 1
#define TRAP_BRKPT 1
#define TRAP_TRACE 2
#define TRAP_HWBKPT 4
#define CLD_EXITED 1
#define CLD_KILLED 2
#define CLD_DUMPED 3
#define CLD_STOPPED 5
#define CLD_CONTINUED 6

struct vma {
	uint64_t start, end; /* page aligned, end exclusive */
	int prot;            /* PROT_READ | PROT_WRITE | PROT_EXEC */
	bool shared;         /* MAP_SHARED|MAP_ANONYMOUS: its frames are shared with children */
	char name[48];       /* path, "[heap]", "[stack]" or "" */
};
/* The most regions a process may have (Linux's vm.max_map_count default). */
#define MM_MAX_VMAS 65530

struct mm {
	uint64_t space; /* PML4 physical address */
	uint64_t gen;   /* changes at exec; proc:mem handles bind to it */
	/* The regions: a kmalloc'd table of cap entries, nvmas in use (mm.c). */
	struct vma *vmas;
	int nvmas, cap;
	uint64_t brk_start, brk;
	/* Where exec put argv's and envp's strings ([start, end)): /proc/PID/environ. */
	uint64_t arg_start, arg_end, env_start, env_end;
};

/* A process: what the threads of one thread group share (clone with
 * CLONE_THREAD|CLONE_VM|CLONE_FILES|CLONE_FS|CLONE_SIGHAND). Every thread is
 * a struct proc pointing here; the group lives while any of them does,
 * zombie leader included (refs counts them). nthreads counts the threads
 * that have not exited; the last one to exit ends the process. */
struct tgroup {
	int refs;            /* struct procs pointing here; 0: the slot is free */
	int nthreads;        /* threads not yet exited */
	struct proc *leader; /* the first thread: its pid is the process's */
	struct mm mm;
	struct file *files[NOFILE];
	bool cloexec[NOFILE];
	char cwd[PATH_MAX_K];
	uint32_t umask; /* file mode creation mask, inherited by fork */
	struct k_sigaction sigactions[NSIG];
	int pgid;
	int sid; /* session id (setsid), inherited by fork */
	struct {
		uint64_t cur, max;
	} rlim[PROC_RLIMITS]; /* getrlimit/setrlimit; RLIMIT_NOFILE is enforced */
	uint64_t itimer_deadline, itimer_interval; /* ITIMER_REAL (alarm), clock_ns */
	/* Process-directed signals every thread blocks, until one unblocks. */
	uint64_t sig_pending;
	struct ksiginfo siginfo[NSIG];
	int stop_sig;             /* the group is stopped by this signal (wait4), else 0 */
	bool stop_reported;       /* WUNTRACED has reported the stop */
	bool cont_reported;       /* WCONTINUED pending */
	bool exiting;             /* exit_group or a fatal signal: every thread ends */
	int exit_code;            /* ... with this wait status */
	struct proc *execing;     /* a thread in execve, waiting for the others to end */
	struct waitq child_exit;  /* wait4 sleeps here (any thread of the group) */
	struct waitq thread_exit; /* execve waits here for the other threads */
};

struct proc {
	/* Read by the syscall fast path in syscall_entry.S: these stay first,
	 * at the offsets pinned by the asserts after the struct. */
	uint64_t sig_pending;
	int syscall_nr; /* syscall in progress, -1 if none */
	/* Work owed on the return to user mode: one byte per reason, so the
	 * fast path tests the whole word at once and a nonzero word sends it
	 * to C (syscall_finish). Pending signals and the scheduler's request
	 * are tested beside it. */
	union {
		uint32_t return_work;
		struct {
			bool force_iret;      /* leave through iretq: registers changed */
			bool trace_interrupt; /* stop at the next chance (INTERRUPT, O_TRUNC) */
			bool step_tf;         /* TF is set by tracing, not by the program */
			bool pad0;
		};
	};
	/* The tracer's sysfilter while it wants syscall stops, else NULL. */
	const uint8_t *syscall_stop_filter;
	struct ptrace_session *tracee_session; /* session tracing this process */

	int pid; /* the thread id; the process's is tg->leader->pid */
	uint64_t serial;
	struct tgroup *tg; /* the process this thread belongs to */
	enum proc_state state;
	struct proc *parent;
	uint64_t start_ns;  /* clock_ns when it was made (/proc/PID/stat starttime) */
	uint64_t cpu_ticks; /* timer ticks it was running at (utime in /proc) */
	char name[PROC_NAME_LEN];
	char exe[PATH_MAX_K];
	char *cmdline; /* argv, NUL-separated, kmalloc'd */
	size_t cmdline_len;
	uint32_t uid, gid, euid, egid;
	uint32_t suid, sgid;           /* saved set-user/group-ID (kill permission, setuid) */
	uint32_t groups[PROC_NGROUPS]; /* supplementary groups (setgroups) */
	int ngroups;

	uint8_t *kstack; /* KSTACK_SIZE bytes; trapframe at the top */
	struct context *ctx;
	uint8_t fpu[512] __attribute__((aligned(16)));
	uint64_t fs_base, gs_base;
	uint64_t clear_child_tid;
	uint64_t robust_list; /* set_robust_list: the head, in user memory */
	/* Debug registers as proc:PID/regs/debug shows them (DR0-DR7; [4], [5]
	 * are 0, [6] the status of the last hit), loaded while it runs. */
	uint64_t debugreg[8];
	uint64_t debug_hit; /* DR6 bits of a hit the kernel took for it, to report */

	uint64_t sig_blocked;
	/* sigaltstack: handlers with SA_ONSTACK run on [sp, sp + size); size 0:
	 * none (SS_DISABLE). autodisarm: SS_AUTODISARM, cleared on use. */
	struct {
		uint64_t sp, size;
		bool autodisarm;
	} altstack;
	uint64_t saved_sigmask; /* rt_sigsuspend: the mask to restore after the handler */
	bool restore_sigmask;
	int stop_sig;                  /* parked in a job-control stop by this signal, else 0 */
	int exit_status;               /* wait status once a zombie */
	struct proc *vfork_parent;     /* suspended in vfork until we exec or exit */
	struct ksiginfo siginfo[NSIG]; /* of each pending signal (first one wins) */

	/* Scheduling and sleeping. */
	struct proc *run_next;
	struct waitq *sleeping_on;
	struct proc *wait_next;
	uint64_t wake_at_ns; /* timed sleep deadline, 0 if none */
	/* An interrupted nanosleep, for restart_syscall: when it ends and where
	 * the time left goes (as Linux's restart_block). deadline 0: none. */
	struct {
		uint64_t deadline, urem;
	} restart;
	bool timed_out;

	/* Tracing (ptrace.c). */
	bool trace_stopped;         /* parked in a ptrace stop */
	bool clone_held;            /* reported by EVENT_CLONE, waiting for a tracer */
	struct proc *clone_creator; /* while held: whose tracer's resume frees it */
	uint64_t resume_flags;      /* request flags the tracer resumed it with */
	uint64_t stop_cause;        /* the PTRACE_STOP_* of the current or last stop */
	struct ksiginfo stop_info;  /* what proc:PID/siginfo shows at that stop */
};
/* The syscall fast path reads these (layout.h). */
_Static_assert(offsetof(struct proc, sig_pending) == PROC_SIG_PENDING, "PROC_SIG_PENDING");
_Static_assert(offsetof(struct proc, syscall_nr) == PROC_SYSCALL_NR, "PROC_SYSCALL_NR");
_Static_assert(offsetof(struct proc, return_work) == PROC_RETURN_WORK, "PROC_RETURN_WORK");
_Static_assert(sizeof(((struct proc *)0)->return_work) == 4, "PROC_RETURN_WORK is a 32-bit word");
_Static_assert(offsetof(struct proc, syscall_stop_filter) == PROC_SYSCALL_FILTER,
               "PROC_SYSCALL_FILTER");

extern struct proc *current;
extern struct proc proc_table[NPROC];
extern struct tgroup tgroup_table[NPROC];
extern int proc_pid_max;
/* Slots [1, proc_slots_top) are all that may be in use: proc_alloc takes
 * the lowest free slot and raises it, so table scans stop there. */
extern int proc_slots_top;

struct trapframe *proc_frame(struct proc *p);
struct proc *proc_find(int pid);
struct proc *proc_group_thread(const struct tgroup *g, int i);
struct proc *proc_next_thread(const struct tgroup *g, struct proc *t);
bool proc_ids_all_callers(const struct proc *me, const struct proc *p);
struct proc *proc_alloc(void);
void proc_free(struct proc *p);
/* clone flags (Linux values) and what fork/vfork/clone ask of proc_fork. */
#define CLONE_VM 0x100
#define CLONE_FS 0x200
#define CLONE_FILES 0x400
#define CLONE_SIGHAND 0x800
#define CLONE_VFORK 0x4000
#define CLONE_PARENT 0x8000
#define CLONE_THREAD 0x10000
#define CLONE_SETTLS 0x80000
#define CLONE_PARENT_SETTID 0x100000
#define CLONE_CHILD_CLEARTID 0x200000
#define CLONE_CHILD_SETTID 0x1000000
struct fork_args {
	uint64_t flags;      /* CLONE_* */
	uint64_t stack;      /* the child's rsp, 0 for the parent's */
	uint64_t tls;        /* CLONE_SETTLS: the child's fs_base */
	uint64_t parent_tid; /* CLONE_PARENT_SETTID: where the parent gets the pid */
	uint64_t child_tid;  /* CLONE_CHILD_SETTID/CLEARTID: in the child's memory */
};
long proc_fork(struct trapframe *tf, const struct fork_args *a);
_Noreturn void proc_exit(int wait_status);
_Noreturn void proc_exit_thread(int wait_status);
int proc_end_other_threads(void);
void proc_exec_takeover(void);
extern int proc_dead_threads;
void sched_reap_dead(void);
/* The process id (thread group id) of thread p. */
static inline int proc_tgid(const struct proc *p) { return p->tg->leader->pid; }
static inline bool proc_is_leader(const struct proc *p) { return p->tg->leader == p; }
/* Whether p is a thread that has not exited (it can run or be woken). */
static inline bool proc_alive(const struct proc *p)
{
	return p->state != P_UNUSED && p->state != P_ZOMBIE && p->state != P_DEAD;
}
void proc_vfork_release(struct proc *p);
void proc_set_cmdline(struct proc *p, const char *argv_flat, size_t len);
int proc_count(void);

/* File descriptors (fd.c). */
int fd_limit(const struct proc *p);
int fd_install(struct proc *p, struct file *f, int min_fd, bool cloexec);
struct file *fd_get(int fd);
int fd_close(struct proc *p, int fd);
void fd_close_all(struct proc *p);
bool fd_none_open(const struct proc *p, int fd);
_Static_assert(NOFILE % 8 == 0, "fd_none_open tests eight at a time");

/* Scheduler (sched.c). */
void sched_init(void);
void sched_ready(struct proc *p);
extern uint64_t sched_idle_ticks; /* ticks that found the CPU idle (/proc/stat) */
void sched_yield(void);
void sched_block(void);
void sched_tick(void);
void sched_preempt_point(void);
void sched_cond_resched(void);
void misc_itimer_tick(uint64_t now);
void proc_init_limits(struct proc *p);
extern bool sched_need_resched;
_Noreturn void sched_idle_loop(void);

/* Signals (signal.c). */
#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGWINCH 28
#define SIGSYS 31
#define SIGBIT(s) (1ULL << ((s)-1))
#define SIG_DFL 0
#define SIG_IGN 1
#define SA_NOCLDSTOP 0x1
#define SA_SIGINFO 0x4
#define SA_RESTORER 0x04000000
#define SA_ONSTACK 0x08000000
#define SA_RESTART 0x10000000
#define SA_NODEFER 0x40000000
#define SA_RESETHAND 0x80000000
#define UNBLOCKABLE (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))

int signal_send(struct proc *p, int sig);
int signal_send_info(struct proc *p, const struct ksiginfo *info);
int signal_send_thread(struct proc *t, const struct ksiginfo *info);
void signal_set_blocked(uint64_t mask);
void signal_child_event(struct proc *child, int code, int status);
void signal_info_to_user(const struct ksiginfo *k, uint8_t out[128]);
void signal_info_from_user(const uint8_t in[128], struct ksiginfo *k);
bool signal_info_is_fault(const struct ksiginfo *k);
int signal_send_pgrp(int pgid, int sig);
bool signal_pending(struct proc *p);
void signal_mask_begin(uint64_t mask);
long signal_mask_end(long r);
bool proc_should_wake(struct proc *p);
void signal_deliver(struct trapframe *tf);
void signal_fault(int sig, int code, uint64_t addr);
/* The architecture's signal frame (arch/.../sigframe.c): build sig's
 * handler frame on the user stack and point the registers at the handler;
 * false if it cannot be done (the process then dies of SIGSEGV). */
bool signal_on_altstack(const struct proc *p, uint64_t sp);
bool arch_signal_frame(struct trapframe *tf, int sig, const struct k_sigaction *sa,
                       const struct ksiginfo *info);
#endif
