/* gdbserver's shared state and the interfaces between its files:
 *   rsp.c      the byte device, packet framing, hex and binary escapes
 *   target.c   processes and their threads: proc: files, memory,
 *              breakpoints (int3s and debug registers), start/kill/detach
 *   regs.c     GDB's amd64-linux registers (g/G/p/P) and the target description
 *   run.c      resuming and stopping (all-stop over every thread), events
 *              (threads, fork, exec, syscalls), vCont, signals (siginfo,
 *              QPassSignals)
 *   hostio.c   vFile (GDB's host I/O: /proc/PID/... for `info proc`)
 *   main.c     packet dispatch (a table), queries, extended mode, main()
 * gdbserver itself is single-threaded: one packet at a time. The target is
 * all-stop: while GDB looks, every thread of every process is stopped. */
#ifndef GDBSERVER_H
#define GDBSERVER_H
#define _GNU_SOURCE
#include "procyon/ptrace.h"
#include "procyon/user_regs.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The largest packet we accept (advertised as PacketSize, in hex). It stays
 * below the 4 KiB receive ring of serial2: so a whole packet always fits. */
#define PKT_MAX 0xf00
#define BUF_MAX (PKT_MAX + 64)
#define MAX_BPS 64
#define MAX_PROCS 8
#define MAX_THREADS 128
#define USER_TOP 0x0000800000000000ull

/* Why a process is stopped (or that it is gone). */
enum stop_kind {
	STOP_ENTRY,
	STOP_BREAK,
	STOP_STEP,
	STOP_SIGNAL,
	STOP_INTR,
	STOP_SYSCALL,
	STOP_HELD,         /* kept stopped after an event that needed no stop */
	STOP_EXITED,       /* the process is gone */
	STOP_THREAD_EXITED /* this thread is gone (reported as w: QThreadEvents) */
};

/* Breakpoint kinds of Z/z (0 software; 1 hardware; 2-4 watchpoints). */
enum { Z_SW, Z_HW, Z_WRITE, Z_READ, Z_ACCESS, Z_KINDS };

struct bp {
	uint64_t addr;
	uint8_t saved;
	bool used;
};

/* One debug register (DR0-DR3) of a process: an aligned piece of the
 * Z1/Z2/Z4 request (type, zaddr, zlen) it was made for. */
#define HW_SLOTS 4
struct hwslot {
	bool used;
	uint8_t type; /* Z_HW, Z_WRITE or Z_ACCESS */
	uint8_t len;  /* 1, 2, 4 or 8 */
	uint64_t addr;
	uint64_t zaddr, zlen;
};

/* One debugged process (a thread group): what its threads share. */
struct proc {
	bool used;
	pid_t pid;
	int mem;
	bool ours;       /* our child: we reap it */
	bool attached;   /* attached to, not started */
	bool vfork_wait; /* a vfork child was reported: vforkdone is due */
	int exit_code;   /* exit code, or 128 + signal */
	struct bp bps[MAX_BPS];
	struct hwslot hw[HW_SLOTS]; /* what every thread's regs/debug holds */
};

/* One traced thread: a trace session of its own (proc:TID/trace), its
 * registers and its stop. A process of one thread has tid = pid. */
struct thread {
	bool used;
	pid_t tid;
	struct proc *proc;
	unsigned long seq; /* creation order: threads are listed by it */
	int trace, regs, fpregs, debug;
	bool running; /* resumed, its next event not yet read */
	bool pending; /* stop_reply is a stop GDB has not been told of */
	enum stop_kind stop;
	int stop_sig;                /* Linux signal number at a STOP_SIGNAL */
	int inject_sig;              /* signal sent by `C sig` that must pass through */
	uint64_t bp_addr;            /* the int3 of a STOP_BREAK (0: a debug register) */
	uint64_t run_flags;          /* request flags of the current resume */
	uint64_t range_lo, range_hi; /* vCont;r: step while rip is in [lo, hi) */
	char stop_reply[300];        /* the stop to report, less its "thread:ID;" */
};

struct server {
	int dev;
	bool noack, extended, multiprocess;
	bool fork_events, vfork_events, exec_events; /* GDB asked for them */
	bool hwbreak;                                /* GDB takes hwbreak stop replies */
	bool thread_events;                          /* QThreadEvents: report create and exit */
	bool ctrl_c;                                 /* ^C came: an INTERRUPT stop is wanted */
	bool pass_sig[256]; /* QPassSignals: GDB signals delivered without a stop */
	struct proc procs[MAX_PROCS];
	struct thread threads[MAX_THREADS];
	unsigned long thread_seq;
	struct thread *cur;        /* Hg: registers and memory go here */
	struct thread *cont;       /* Hc: what c and s resume (NULL: the current) */
	int exit_code;             /* gdbserver's own exit status */
	pid_t detached[MAX_PROCS]; /* our children, detached: reaped at the end */
	int n_detached;
	char last_prog[256]; /* what vRun with an empty name runs */
	char **argv;         /* the command line's program and arguments */
	/* QCatchSyscalls: on, any (no list), and the list as a sysfilter. */
	bool catch_syscalls, catch_any;
	uint8_t catch_filter[PTRACE_SYSFILTER_BYTES];
	uint8_t rx[BUF_MAX];
	size_t rx_pos, rx_len;
	char out[2 * BUF_MAX + 8];
	size_t out_len;
};
extern struct server g;

/* rsp.c */
void fatal(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
int hexval(int c);
bool parse_hex(const char **p, uint64_t *v);
bool hex_decode(const char *s, uint8_t *out, size_t len);
char *hex_encode(char *dst, const uint8_t *src, size_t len);
size_t escape_bin(char *dst, size_t cap, const uint8_t *src, size_t len, size_t *used);
bool dev_fill(void);
void send_bin(const char *body, size_t len);
void send_str(const char *s);
void send_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void send_err(int code);
int recv_packet(char *buf);
int sig_to_gdb(int sig);
int sig_from_gdb(int gsig);

/* target.c */
struct proc *proc_find(pid_t pid);
struct proc *proc_new(pid_t pid);
int proc_open(pid_t pid, const char *file, int flags);
void proc_forget(struct proc *p);
int proc_count(void);
struct thread *thread_find(pid_t tid);
struct thread *thread_new(struct proc *p, pid_t tid);
struct thread *thread_first(const struct proc *p);
int thread_count(const struct proc *p);
int threads_in_order(struct thread **out);
bool thread_open_files(struct thread *t);
void thread_close(struct thread *t);
void thread_forget(struct thread *t);
struct thread *thread_named(long pid, long tid);
void open_mem(struct proc *p);
ssize_t mem_read(struct proc *p, uint64_t addr, uint8_t *buf, size_t len);
ssize_t mem_write(struct proc *p, uint64_t addr, const uint8_t *buf, size_t len);
struct bp *bp_find(struct proc *p, uint64_t addr);
bool bp_insert(struct proc *p, uint64_t addr);
bool bp_remove(struct proc *p, uint64_t addr);
void bp_remove_all(struct proc *p);
void bp_forget_all(struct proc *p);
bool hw_insert(struct proc *p, int type, uint64_t addr, uint64_t len);
bool hw_remove(struct proc *p, int type, uint64_t addr, uint64_t len);
void hw_forget_all(struct proc *p);
bool hw_load_thread(struct thread *t);
const struct hwslot *hw_hit(const struct proc *p, uint64_t dr6_bits);
bool read_regs(struct thread *t, struct user_regs *r);
bool write_regs(struct thread *t, const struct user_regs *r);
bool read_fpregs(struct thread *t, struct user_fpregs *f);
bool write_fpregs(struct thread *t, const struct user_fpregs *f);
bool write_flags(struct thread *t, uint64_t flags);
struct thread *spawn(char **argv, char *err, size_t errlen);
struct thread *attach(pid_t pid);
void kill_proc(struct proc *p);
void detach_proc(struct proc *p);
void set_stop_reply(struct thread *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *thread_id(const struct thread *t);
bool parse_thread_id(const char **s, long *pid, long *tid);

/* regs.c */
void cmd_read_regs(const char *args, size_t len);
void cmd_write_regs(const char *args, size_t len);
void cmd_read_reg(const char *args, size_t len);
void cmd_write_reg(const char *args, size_t len);
void qxfer_features(const char *annex, const char *args);

/* run.c */
void cmd_resume(const char *args, size_t len);
void cmd_vcont(const char *args, size_t len);
void cmd_catch_syscalls(const char *args, size_t len);
void cmd_pass_signals(const char *args, size_t len);
void qxfer_siginfo(bool write, const char *args, size_t len);
struct thread *handle_event(struct thread *t, const struct ptrace_event *e);
void send_stop(struct thread *t);

/* hostio.c */
void cmd_vfile(const char *args, size_t len);
void qxfer_exec_file(const char *annex, const char *args);

/* main.c */
void send_qxfer(const char *data, size_t total, const char *args);
void server_done_if_idle(void);
#endif
