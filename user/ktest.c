/* ktest: the in-guest test suite for Procyon's Linux-compatible system calls.
 * Each test runs in its own forked child (10 s timeout); the parent prints one
 * "[TEST] PASS name" or "[TEST] FAIL name: reason" line per test. Usage:
 * ktest (all), ktest NAME... (some), ktest -l (list). Also runs on Linux. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
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
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "testrun.h"

#define PAGE 4096UL

/* ------------------------------------------------------------------------ */
/* Harness: CHECK macros, the failure-reason pipe, small helpers.           */
/* ------------------------------------------------------------------------ */

/* Write end of the pipe on which a failing test child reports its reason. */
#define reason_fd testrun_reason_fd /* lib/testrun.h */
/* The bad pointer currently being tried by an efault test (for messages). */
#define cur_bad testrun_bad_ptr /* named in failure messages (lib/testrun.h) */

#define CHECK_EFAULT(call) CHECK_ERR(call, EFAULT)

/* Two kinds of bad user pointer: unmapped low memory and the kernel half. */
static void *const bad_ptrs[] = {(void *)1, (void *)0xffff800000000000UL};

/* for (FOR_EACH_BAD(p)) { ... }: run the body once per bad pointer. */
#define FOR_EACH_BAD(p)                                                                            \
	size_t bi_ = 0;                                                                            \
	bi_ < sizeof bad_ptrs / sizeof bad_ptrs[0] && ((p) = cur_bad = bad_ptrs[bi_], 1);          \
	bi_++

/* Fork a child that runs fn and exits 0; return the child's wait status.
 * The child starts with default actions for the fault signals, so a fault
 * handler the test installed does not catch the child's deliberate fault. */
static int run_in_child(void (*fn)(void))
{
	static const int fault_sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP};
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		for (size_t i = 0; i < sizeof fault_sigs / sizeof fault_sigs[0]; i++)
			signal(fault_sigs[i], SIG_DFL);
		fn();
		_exit(0);
	}
	return wait_for(pid);
}

/* Install a handler (SA_SIGINFO form) or SIG_DFL/SIG_IGN for sig. */
static void set_handler(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO | flags;
	CHECK(sigaction(sig, &sa, NULL) == 0);
}

static void set_disposition(int sig, void (*disp)(int))
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = disp;
	CHECK(sigaction(sig, &sa, NULL) == 0);
}

/* Create (or truncate) a file under /tmp holding len bytes of data. */
static int make_tmp_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0755);
	CHECK(fd >= 0);
	if (len)
		CHECK(write(fd, data, len) == (ssize_t)len);
	return fd;
}

/* State shared between tests and their signal handlers. */
static volatile sig_atomic_t got_sig;
static volatile sig_atomic_t got_count;
static volatile uintptr_t got_addr;
static volatile int got_signo_field;
static sigjmp_buf fault_jmp;
static int g_fd = -1;

static void record_handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got_sig = sig;
	got_count++;
	got_signo_field = si->si_signo;
}

/* Record the fault and jump back to the sigsetjmp in the test. */
static void fault_jump_handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got_sig = sig;
	got_addr = (uintptr_t)si->si_addr;
	siglongjmp(fault_jmp, 1);
}

/* ------------------------------------------------------------------------ */
/* Processes and wait.                                                      */
/* ------------------------------------------------------------------------ */

static void fork_exit_status(void)
{
	pid_t self = getpid();
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(getppid() == self && getpid() != self ? 42 : 1);
	int st = wait_for(pid);
	CHECK_EXITED(st, 42);
	CHECK_ERR(wait4(-1, &st, WNOHANG, NULL), ECHILD);
}

static void wait_signal_status(void)
{
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		for (;;)
			sleep_ms(1000);
	int st;
	CHECK(wait4(pid, &st, WNOHANG, NULL) == 0);
	CHECK(kill(pid, SIGKILL) == 0);
	st = wait_for(pid);
	CHECK_KILLED_BY(st, SIGKILL);
}

static void wait_stopped_wuntraced(void)
{
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		kill(getpid(), SIGSTOP);
		_exit(7);
	}
	int st = wait_for(pid);
	CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
	CHECK(kill(pid, SIGCONT) == 0);
	st = wait_for(pid);
	CHECK_EXITED(st, 7);
}

static void sigchld_flag_handler(int sig, siginfo_t *si, void *uc) { record_handler(sig, si, uc); }

static void sigchld_to_parent(void)
{
	set_handler(SIGCHLD, sigchld_flag_handler, 0);
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(0);
	long deadline = now_ns() + 5000000000L;
	while (!got_sig && now_ns() < deadline)
		sleep_ms(5);
	CHECK(got_sig == SIGCHLD);
	CHECK(got_signo_field == SIGCHLD);
	int st = wait_for(pid);
	CHECK_EXITED(st, 0);
}

/* Fork+exit+wait many times; with sys:free_frames, no frame may leak. */
static long read_free_frames(void)
{
	char buf[64];
	int fd = open("sys:free_frames", O_RDONLY);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

static void fork_n_times(int n)
{
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();
		CHECK(pid >= 0);
		if (pid == 0)
			_exit(i & 0x7f);
		int st = wait_for(pid);
		CHECK_EXITED(st, i & 0x7f);
	}
}

static void fork_exit_1000_no_leak(void)
{
	fork_n_times(10); /* warm up kernel caches before counting */
	long before = read_free_frames();
	fork_n_times(1000);
	long after = read_free_frames();
	if (before >= 0)
		CHECK(after == before);
}

static void vfork_exec(void)
{
	char *argv[] = {"true", NULL};
	char *envp[] = {NULL};
	pid_t pid = vfork();
	CHECK(pid >= 0);
	if (pid == 0) {
		execve("/bin/true", argv, envp);
		_exit(127);
	}
	int st = wait_for(pid);
	CHECK_EXITED(st, 0);

	/* The parent stays suspended until the child exits (here after 50 ms). */
	long t0 = now_ns();
	pid = vfork();
	CHECK(pid >= 0);
	if (pid == 0) {
		sleep_ms(50);
		_exit(3);
	}
	CHECK(now_ns() - t0 >= 50 * 1000000L);
	CHECK_EXITED(wait_for(pid), 3);
}

static void clone_process_flags(void)
{
	/* clone(SIGCHLD) is fork. */
	long pid = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(5);
	int st = wait_for(pid);
	CHECK_EXITED(st, 5);

	/* The flags glibc's fork passes: the tid is stored in parent and child. */
	static volatile pid_t ptid, ctid;
	ptid = ctid = 0;
	pid = syscall(SYS_clone,
	              CLONE_PARENT_SETTID | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD, 0,
	              &ptid, &ctid, 0);
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(ctid == syscall(SYS_gettid) ? 0 : 1);
	CHECK(ptid == pid);
	st = wait_for(pid);
	CHECK_EXITED(st, 0);
}

static void kill_nonexistent_esrch(void)
{
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(0);
	CHECK(kill(pid, 0) == 0 || errno == ESRCH); /* alive or zombie */
	wait_for(pid);
	CHECK_ERR(kill(pid, 0), ESRCH);
	CHECK_ERR(kill(pid, SIGKILL), ESRCH);
	CHECK_ERR(kill(2000000000, SIGTERM), ESRCH);
	CHECK_ERR(kill(getpid(), 1000), EINVAL);
	CHECK(kill(getpid(), 0) == 0);
}

static void getuid_setuid_drop(void)
{
	if (syscall(SYS_getuid) == 0) {
		CHECK(syscall(SYS_getgid) == 0);
		CHECK(syscall(SYS_setgid, 1000) == 0);
		CHECK(syscall(SYS_getgid) == 1000 && syscall(SYS_getegid) == 1000);
		CHECK(syscall(SYS_setuid, 1000) == 0);
		CHECK(syscall(SYS_getuid) == 1000 && syscall(SYS_geteuid) == 1000);
	}
	CHECK_ERR(syscall(SYS_setuid, 0), EPERM);
	CHECK(syscall(SYS_getuid) != 0);
}

/* ------------------------------------------------------------------------ */
/* Pipes.                                                                   */
/* ------------------------------------------------------------------------ */

static void pipe_basic(void)
{
	int p[2];
	char buf[16];
	CHECK(pipe(p) == 0);
	CHECK(write(p[1], "hello", 5) == 5);
	CHECK(read(p[0], buf, sizeof buf) == 5);
	CHECK(memcmp(buf, "hello", 5) == 0);

	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		_exit(write(p[1], "from child", 10) == 10 ? 0 : 1);
	}
	CHECK(read(p[0], buf, sizeof buf) == 10);
	CHECK(memcmp(buf, "from child", 10) == 0);
	CHECK_EXITED(wait_for(pid), 0);
}

static void pipe_writer_blocks_when_full(void)
{
	enum { TOTAL = 1 << 20 };
	int p[2];
	CHECK(pipe(p) == 0);
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		static char chunk[4096];
		memset(chunk, 'z', sizeof chunk);
		close(p[0]);
		for (long done = 0; done < TOTAL;) {
			ssize_t n = write(p[1], chunk, sizeof chunk);
			if (n <= 0)
				_exit(1);
			done += n;
		}
		_exit(0);
	}
	close(p[1]);
	sleep_ms(200);
	int st;
	CHECK(wait4(pid, &st, WNOHANG, NULL) == 0); /* writer is blocked */
	static char buf[8192];
	long total = 0;
	ssize_t n;
	while ((n = read(p[0], buf, sizeof buf)) > 0) {
		for (ssize_t i = 0; i < n; i++)
			CHECK(buf[i] == 'z');
		total += n;
	}
	CHECK(n == 0);
	CHECK(total == TOTAL);
	CHECK_EXITED(wait_for(pid), 0);
}

static void write_to_g_fd(void) { write(g_fd, "x", 1); }

static void pipe_epipe_sigpipe(void)
{
	int p[2];
	CHECK(pipe(p) == 0);
	close(p[0]);
	g_fd = p[1];

	/* Default disposition: the writer dies of SIGPIPE. */
	CHECK_KILLED_BY(run_in_child(write_to_g_fd), SIGPIPE);

	/* Ignored: write fails with EPIPE. */
	set_disposition(SIGPIPE, SIG_IGN);
	CHECK_ERR(write(p[1], "x", 1), EPIPE);

	/* Handled: the handler runs and write still fails with EPIPE. */
	set_handler(SIGPIPE, record_handler, 0);
	CHECK_ERR(write(p[1], "x", 1), EPIPE);
	CHECK(got_sig == SIGPIPE);
}

static void pipe_eof_after_close(void)
{
	int p[2];
	char buf[8];
	CHECK(pipe(p) == 0);
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		write(p[1], "ab", 2);
		_exit(0);
	}
	close(p[1]);
	CHECK(read(p[0], buf, 1) == 1 && buf[0] == 'a');
	CHECK(read(p[0], buf, sizeof buf) == 1 && buf[0] == 'b');
	CHECK(read(p[0], buf, sizeof buf) == 0);
	CHECK(read(p[0], buf, sizeof buf) == 0);
	CHECK_EXITED(wait_for(pid), 0);
}

static void o_nonblock_pipe_eagain(void)
{
	int p[2];
	char buf[256];
	CHECK(pipe2(p, O_NONBLOCK) == 0);
	CHECK(fcntl(p[0], F_GETFL) & O_NONBLOCK);
	CHECK_ERR(read(p[0], buf, sizeof buf), EAGAIN);

	struct pollfd pf = {p[0], POLLIN, 0};
	CHECK(poll(&pf, 1, 0) == 0);

	memset(buf, 'q', sizeof buf);
	long total = 0;
	for (;;) {
		ssize_t n = write(p[1], buf, sizeof buf);
		if (n < 0) {
			CHECK(errno == EAGAIN);
			break;
		}
		total += n;
		CHECK(total < (64L << 20));
	}
	CHECK(total > 0);

	struct pollfd pw[2] = {{p[0], POLLIN, 0}, {p[1], POLLOUT, 0}};
	CHECK(poll(pw, 2, 0) == 1);
	CHECK(pw[0].revents & POLLIN);
	CHECK(!(pw[1].revents & POLLOUT));

	/* Clearing O_NONBLOCK makes reads of buffered data still work. */
	CHECK(fcntl(p[0], F_SETFL, 0) == 0);
	CHECK(!(fcntl(p[0], F_GETFL) & O_NONBLOCK));
	CHECK(read(p[0], buf, sizeof buf) == (ssize_t)sizeof buf);
}

/* ------------------------------------------------------------------------ */
/* Signals.                                                                 */
/* ------------------------------------------------------------------------ */

static void signal_handler_runs(void)
{
	set_handler(SIGUSR1, record_handler, 0);
	CHECK(kill(getpid(), SIGUSR1) == 0);
	CHECK(got_sig == SIGUSR1 && got_count == 1);
	CHECK(got_signo_field == SIGUSR1);
	CHECK(kill(getpid(), SIGUSR1) == 0); /* still installed */
	CHECK(got_count == 2);

	/* SA_RESETHAND: the second one takes the default action (terminate). */
	set_handler(SIGUSR2, record_handler, SA_RESETHAND);
	CHECK(kill(getpid(), SIGUSR2) == 0);
	CHECK(got_sig == SIGUSR2);
	struct sigaction old;
	CHECK(sigaction(SIGUSR2, NULL, &old) == 0);
	CHECK(old.sa_handler == SIG_DFL);
}

static void signal_mask_blocks(void)
{
	sigset_t set, old;
	set_handler(SIGUSR1, record_handler, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGKILL);
	sigaddset(&set, SIGSTOP);
	CHECK(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 8) == 0);
	CHECK(kill(getpid(), SIGUSR1) == 0);
	CHECK(got_count == 0);
	CHECK(kill(getpid(), SIGUSR1) == 0); /* standard signals do not queue */
	sleep_ms(10);
	CHECK(got_count == 0);

	CHECK(syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &old, 8) == 0);
	CHECK(sigismember(&old, SIGUSR1));
	CHECK(!sigismember(&old, SIGKILL) && !sigismember(&old, SIGSTOP));

	CHECK(syscall(SYS_rt_sigprocmask, SIG_UNBLOCK, &set, NULL, 8) == 0);
	CHECK(got_count == 1 && got_sig == SIGUSR1);

	/* SIG_SETMASK round trip. */
	CHECK(syscall(SYS_rt_sigprocmask, SIG_SETMASK, &set, &old, 8) == 0);
	CHECK(!sigismember(&old, SIGUSR1));
	CHECK(syscall(SYS_rt_sigprocmask, SIG_SETMASK, &old, NULL, 8) == 0);
	CHECK_ERR(syscall(SYS_rt_sigprocmask, 99, &set, NULL, 8), EINVAL);
}

static void kill_self_term(void)
{
	kill(getpid(), SIGTERM);
	_exit(1);
}

static void kill_self_usr2(void)
{
	kill(getpid(), SIGUSR2);
	_exit(1);
}

static void signal_default_term(void)
{
	CHECK_KILLED_BY(run_in_child(kill_self_term), SIGTERM);
	CHECK_KILLED_BY(run_in_child(kill_self_usr2), SIGUSR2);
}

static void signal_default_ignore_sigchld(void)
{
	set_disposition(SIGCHLD, SIG_DFL);
	CHECK(kill(getpid(), SIGCHLD) == 0);
	CHECK(kill(getpid(), SIGURG) == 0);
	CHECK(kill(getpid(), SIGWINCH) == 0);
	CHECK(kill(getpid(), SIGCONT) == 0);
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(0);
	sleep_ms(20);
	CHECK_EXITED(wait_for(pid), 0);
}

static void signal_stop_cont(void)
{
	int p[2];
	char buf[256];
	CHECK(pipe(p) == 0);
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		for (;;) {
			write(p[1], "t", 1);
			sleep_ms(1);
		}
	}
	close(p[1]);
	CHECK(read(p[0], buf, 1) == 1); /* it is running */
	CHECK(kill(pid, SIGSTOP) == 0);
	int st = wait_for(pid);
	CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);

	/* Stopped: after draining, nothing new arrives. */
	CHECK(fcntl(p[0], F_SETFL, O_NONBLOCK) == 0);
	while (read(p[0], buf, sizeof buf) > 0)
		;
	sleep_ms(100);
	CHECK_ERR(read(p[0], buf, sizeof buf), EAGAIN);

	/* Continued: ticks arrive again. */
	CHECK(kill(pid, SIGCONT) == 0);
	CHECK(fcntl(p[0], F_SETFL, 0) == 0);
	CHECK(read(p[0], buf, 1) == 1);
	CHECK(kill(pid, SIGKILL) == 0);
	CHECK_KILLED_BY(wait_for(pid), SIGKILL);
}

/* ------------------------------------------------------------------------ */
/* Faults.                                                                  */
/* ------------------------------------------------------------------------ */

/* Turn a number into a pointer the compiler cannot reason about (so it does
 * not warn about or optimise away deliberate bad accesses). */
static volatile int *addr(uintptr_t a)
{
	asm("" : "+r"(a));
	return (volatile int *)a;
}

static void touch_low(void) { *addr(8) = 1; }

static void touch_kernel(void) { (void)*addr(0xffff800000000000UL); }

static void touch_noncanonical(void) { (void)*addr(0x0000900000000000UL); }

static void sigsegv_on_bad_access(void)
{
	CHECK_KILLED_BY(run_in_child(touch_low), SIGSEGV);
	CHECK_KILLED_BY(run_in_child(touch_kernel), SIGSEGV);
	CHECK_KILLED_BY(run_in_child(touch_noncanonical), SIGSEGV);

	set_handler(SIGSEGV, fault_jump_handler, 0);
	if (sigsetjmp(fault_jmp, 1) == 0) {
		*addr(16) = 1;
		CHECK(!"store to address 16 did not fault");
	}
	CHECK(got_sig == SIGSEGV);
	CHECK(got_addr == 16);
}

static void do_ud2(void) { asm volatile("ud2"); }

/* Step over the 2-byte ud2 by editing the saved context. */
static void skip_ud2_handler(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	(void)si;
	got_sig = sig;
	uc->uc_mcontext.gregs[REG_RIP] += 2;
}

static void sigill_on_ud2(void)
{
	CHECK_KILLED_BY(run_in_child(do_ud2), SIGILL);
	set_handler(SIGILL, skip_ud2_handler, 0);
	do_ud2();
	CHECK(got_sig == SIGILL);
}

static void do_div0(void)
{
	unsigned long zero = 0, hi = 0, lo = 1;
	asm volatile("div %2" : "+a"(lo), "+d"(hi) : "r"(zero));
}

static void sigfpe_on_div0(void)
{
	CHECK_KILLED_BY(run_in_child(do_div0), SIGFPE);
	set_handler(SIGFPE, fault_jump_handler, 0);
	if (sigsetjmp(fault_jmp, 1) == 0) {
		do_div0();
		CHECK(!"div by zero did not trap");
	}
	CHECK(got_sig == SIGFPE);
}

static void do_int3(void) { asm volatile("int3"); }

static void sigtrap_on_int3(void)
{
	CHECK_KILLED_BY(run_in_child(do_int3), SIGTRAP);
	set_handler(SIGTRAP, record_handler, 0);
	do_int3(); /* the saved rip is after int3: returning resumes here */
	CHECK(got_sig == SIGTRAP && got_count == 1);
}

/* A SIGSEGV handler that itself faults (SIGSEGV is blocked inside it). */
static void faulting_handler(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)si, (void)uc;
	write(g_fd, "h", 1);
	*addr(8) = 1;
}

static void fault_with_faulting_handler(void)
{
	set_handler(SIGSEGV, faulting_handler, 0);
	touch_low();
}

static void recursive_fault_in_handler_kills(void)
{
	int p[2];
	char c = 0;
	CHECK(pipe(p) == 0);
	g_fd = p[1];
	CHECK_KILLED_BY(run_in_child(fault_with_faulting_handler), SIGSEGV);
	CHECK(read(p[0], &c, 1) == 1 && c == 'h');
}

/* ------------------------------------------------------------------------ */
/* Memory.                                                                  */
/* ------------------------------------------------------------------------ */

static unsigned char *map_anon(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED);
	CHECK(((uintptr_t)p & (PAGE - 1)) == 0);
	return p;
}

static void mmap_anon_rw(void)
{
	size_t len = 16 * PAGE;
	unsigned char *p = map_anon(len);
	for (size_t i = 0; i < len; i++)
		CHECK(p[i] == 0);
	for (size_t i = 0; i < len; i++)
		p[i] = (unsigned char)(i * 7);
	for (size_t i = 0; i < len; i++)
		CHECK(p[i] == (unsigned char)(i * 7));
	CHECK(munmap(p, len) == 0);
	CHECK_ERR(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), EINVAL);
}

static void mmap_fixed(void)
{
	unsigned char *base = map_anon(4 * PAGE);
	memset(base, 0xaa, 4 * PAGE);
	void *p = mmap(base + PAGE, PAGE, PROT_READ | PROT_WRITE,
	               MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	CHECK(p == base + PAGE);
	for (size_t i = 0; i < PAGE; i++)
		CHECK(base[PAGE + i] == 0);
	CHECK(base[0] == 0xaa && base[PAGE - 1] == 0xaa && base[2 * PAGE] == 0xaa);

	/* MAP_FIXED into a hole we just made. */
	CHECK(munmap(base, 4 * PAGE) == 0);
	p = mmap(base, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
	         -1, 0);
	CHECK(p == base);
	base[2 * PAGE - 1] = 1;
	CHECK_ERR(mmap(base + 1, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0),
	          EINVAL);
}

static unsigned char *g_page;

static void touch_g_page(void) { *(volatile unsigned char *)g_page = 1; }

static void read_g_page(void) { (void)*(volatile unsigned char *)g_page; }

static void munmap_then_segv(void)
{
	unsigned char *p = map_anon(3 * PAGE);
	memset(p, 5, 3 * PAGE);
	CHECK(munmap(p + PAGE, PAGE) == 0);
	g_page = p + PAGE;
	CHECK_KILLED_BY(run_in_child(read_g_page), SIGSEGV);
	CHECK(p[0] == 5 && p[2 * PAGE] == 5);
	CHECK(munmap(p, 3 * PAGE) == 0);
	g_page = p;
	CHECK_KILLED_BY(run_in_child(touch_g_page), SIGSEGV);
}

static void mprotect_readonly_segv(void)
{
	unsigned char *p = map_anon(2 * PAGE);
	p[0] = 0x5a;
	CHECK(mprotect(p, PAGE, PROT_READ) == 0);
	CHECK(p[0] == 0x5a);
	g_page = p;
	CHECK_KILLED_BY(run_in_child(touch_g_page), SIGSEGV);
	p[PAGE] = 1; /* the second page is still writable */

	set_handler(SIGSEGV, fault_jump_handler, 0);
	if (sigsetjmp(fault_jmp, 1) == 0) {
		*(volatile unsigned char *)p = 2;
		CHECK(!"store to read-only page did not fault");
	}
	CHECK(got_sig == SIGSEGV && got_addr == (uintptr_t)p);

	CHECK(mprotect(p, PAGE, PROT_NONE) == 0);
	CHECK_KILLED_BY(run_in_child(read_g_page), SIGSEGV);
	CHECK(mprotect(p, PAGE, PROT_READ | PROT_WRITE) == 0);
	p[0] = 0x77;
	CHECK(p[0] == 0x77);
}

static void brk_grow_shrink(void)
{
	uintptr_t cur = (uintptr_t)syscall(SYS_brk, 0);
	CHECK(cur != 0);
	uintptr_t want = cur + 64 * 1024;
	CHECK((uintptr_t)syscall(SYS_brk, want) == want);
	memset((void *)cur, 0x11, want - cur);
	CHECK(((unsigned char *)cur)[want - cur - 1] == 0x11);
	CHECK((uintptr_t)syscall(SYS_brk, cur) == cur);
	g_page = (unsigned char *)(((cur + PAGE - 1) & ~(PAGE - 1)) + 8 * PAGE);
	CHECK_KILLED_BY(run_in_child(touch_g_page), SIGSEGV);
	/* An impossible break leaves it unchanged. */
	CHECK((uintptr_t)syscall(SYS_brk, 0xffff800000000000UL) == cur);
	CHECK((uintptr_t)syscall(SYS_brk, 0) == cur);
	/* Growing again yields zeroed memory. */
	CHECK((uintptr_t)syscall(SYS_brk, want) == want);
	CHECK(((unsigned char *)cur)[want - cur - 1] == 0);
}

/* ------------------------------------------------------------------------ */
/* SSE state.                                                               */
/* ------------------------------------------------------------------------ */

struct sse_regs {
	uint8_t x[16][16];
	uint32_t mxcsr;
};

#define SSE_LOAD(i) "movdqu " #i "*16(%[in]), %%xmm" #i "\n\t"
#define SSE_STORE(i) "movdqu %%xmm" #i ", " #i "*16(%[out])\n\t"
#define SSE_ALL(m)                                                                                 \
	m(0) m(1) m(2) m(3) m(4) m(5) m(6) m(7) m(8) m(9) m(10) m(11) m(12) m(13) m(14) m(15)
#define SSE_CLOBBERS                                                                               \
	"xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10",   \
	    "xmm11", "xmm12", "xmm13", "xmm14", "xmm15"

static void sse_fill(struct sse_regs *r, unsigned seed, uint32_t mxcsr)
{
	for (int i = 0; i < 16; i++)
		for (int j = 0; j < 16; j++)
			r->x[i][j] = (uint8_t)(seed * 31 + i * 17 + j * 3 + 1);
	r->mxcsr = mxcsr;
}

static void mxcsr_reset(void)
{
	uint32_t dflt = 0x1f80;
	asm volatile("ldmxcsr %0" : : "m"(dflt));
}

/* Load all xmm registers and MXCSR from in, make `yields` sched_yield calls
 * with a busy spin after each, then store them to out. One asm block, so the
 * compiler cannot use the registers in between. */
static void sse_hold_across_yields(const struct sse_regs *in, struct sse_regs *out, long yields,
                                   long spin)
{
	asm volatile("ldmxcsr %c[mx](%[in])\n\t" SSE_ALL(
	                 SSE_LOAD) "1:\n\t"
	                           "mov $24, %%eax\n\t"
	                           "syscall\n\t"
	                           "mov %[spin], %%rcx\n\t"
	                           "2: dec %%rcx\n\t"
	                           "jnz 2b\n\t"
	                           "dec %[n]\n\t"
	                           "jnz 1b\n\t" SSE_ALL(SSE_STORE) "stmxcsr %c[mx](%[out])\n\t"
	             : [n] "+r"(yields)
	             : [in] "r"(in), [out] "r"(out), [spin] "r"(spin),
	               [mx] "i"(offsetof(struct sse_regs, mxcsr))
	             : "rax", "rcx", "r11", "memory", SSE_CLOBBERS);
	mxcsr_reset();
}

/* Run a few rounds of sse_hold_across_yields; 1 if every value survived. */
static int sse_rounds(unsigned seed, uint32_t mxcsr)
{
	struct sse_regs in, out;
	for (unsigned round = 0; round < 3; round++) {
		sse_fill(&in, seed + round, mxcsr);
		memset(&out, 0, sizeof out);
		sse_hold_across_yields(&in, &out, 1000, 20000);
		if (memcmp(&in, &out, sizeof in) != 0)
			return 0;
	}
	return 1;
}

static void sse_state_isolated(void)
{
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(sse_rounds(100, 0x5f80) ? 0 : 1); /* round up */
	int ok = sse_rounds(7, 0x3f80);                 /* round down */
	CHECK(ok);
	CHECK_EXITED(wait_for(pid), 0);
}

/* Trash every xmm register and MXCSR; the kernel must restore them. */
static void sse_clobber_handler(int sig, siginfo_t *si, void *uc)
{
	(void)si, (void)uc;
	uint32_t mx = 0x7f80 | (3 << 13);
	asm volatile("ldmxcsr %0\n\t"
	             "pcmpeqd %%xmm0, %%xmm0\n\t"
	             "pcmpeqd %%xmm1, %%xmm1\n\t"
	             "pcmpeqd %%xmm2, %%xmm2\n\t"
	             "pcmpeqd %%xmm3, %%xmm3\n\t"
	             "pcmpeqd %%xmm4, %%xmm4\n\t"
	             "pcmpeqd %%xmm5, %%xmm5\n\t"
	             "pcmpeqd %%xmm6, %%xmm6\n\t"
	             "pcmpeqd %%xmm7, %%xmm7\n\t"
	             "pxor %%xmm8, %%xmm8\n\t"
	             "pxor %%xmm9, %%xmm9\n\t"
	             "pxor %%xmm10, %%xmm10\n\t"
	             "pxor %%xmm11, %%xmm11\n\t"
	             "pxor %%xmm12, %%xmm12\n\t"
	             "pxor %%xmm13, %%xmm13\n\t"
	             "pxor %%xmm14, %%xmm14\n\t"
	             "pxor %%xmm15, %%xmm15\n\t"
	             :
	             : "m"(mx)
	             : SSE_CLOBBERS);
	got_sig = sig;
}

static void sse_signal_handler_preserves(void)
{
	struct sse_regs in, out;
	set_handler(SIGUSR1, sse_clobber_handler, 0);
	sse_fill(&in, 55, 0x3f80);
	memset(&out, 0, sizeof out);
	long pid = getpid();
	asm volatile("ldmxcsr %c[mx](%[in])\n\t" SSE_ALL(
	                 SSE_LOAD) "mov $62, %%eax\n\t"
	                           "syscall\n\t" SSE_ALL(SSE_STORE) "stmxcsr %c[mx](%[out])\n\t"
	             :
	             : [in] "r"(&in), [out] "r"(&out), "D"(pid),
	               "S"((long)SIGUSR1), [mx] "i"(offsetof(struct sse_regs, mxcsr))
	             : "rax", "rcx", "r11", "memory", SSE_CLOBBERS);
	mxcsr_reset();
	CHECK(got_sig == SIGUSR1);
	CHECK(memcmp(in.x, out.x, sizeof in.x) == 0);
	CHECK(in.mxcsr == out.mxcsr);
}

/* ------------------------------------------------------------------------ */
/* EFAULT: every pointer-taking system call rejects bad user pointers.      */
/* ------------------------------------------------------------------------ */

/* A pipe with data in it, so reads do not block. */
static void pipe_with_data(int p[2])
{
	static char data[256];
	CHECK(pipe(p) == 0);
	CHECK(write(p[1], data, sizeof data) == (ssize_t)sizeof data);
}

static void efault_read(void)
{
	int p[2];
	void *bad;
	pipe_with_data(p);
	for (FOR_EACH_BAD(bad))
		CHECK_EFAULT(syscall(SYS_read, p[0], bad, 16));
}

static void efault_write(void)
{
	int p[2];
	void *bad;
	CHECK(pipe(p) == 0);
	for (FOR_EACH_BAD(bad))
		CHECK_EFAULT(syscall(SYS_write, p[1], bad, 16));
}

static void efault_readv(void)
{
	int p[2];
	void *bad;
	pipe_with_data(p);
	for (FOR_EACH_BAD(bad)) {
		struct iovec iov = {bad, 16};
		CHECK_EFAULT(syscall(SYS_readv, p[0], bad, 1));
		CHECK_EFAULT(syscall(SYS_readv, p[0], &iov, 1));
	}
}

static void efault_writev(void)
{
	int p[2];
	void *bad;
	CHECK(pipe(p) == 0);
	for (FOR_EACH_BAD(bad)) {
		struct iovec iov = {bad, 16};
		CHECK_EFAULT(syscall(SYS_writev, p[1], bad, 1));
		CHECK_EFAULT(syscall(SYS_writev, p[1], &iov, 1));
	}
}

static void efault_pread64(void)
{
	void *bad;
	int fd = make_tmp_file("/tmp/ktest_efault", "0123456789abcdef0123456789abcdef", 32);
	for (FOR_EACH_BAD(bad))
		CHECK_EFAULT(syscall(SYS_pread64, fd, bad, 16, 0));
}

static void efault_pwrite64(void)
{
	void *bad;
	int fd = make_tmp_file("/tmp/ktest_efault", "0123456789abcdef", 16);
	for (FOR_EACH_BAD(bad))
		CHECK_EFAULT(syscall(SYS_pwrite64, fd, bad, 16, 0));
}

static void efault_open(void)
{
	void *bad;
	for (FOR_EACH_BAD(bad))
		CHECK_EFAULT(syscall(SYS_open, bad, O_RDONLY));
}

static void efault_openat(void)
{
	void *bad;
	for (FOR_EACH_BAD(bad))
		CHECK_EFAULT(syscall(SYS_openat, AT_FDCWD, bad, O_RDONLY));
}

static void efault_fstat(void)
{
	int p[2];
	void *bad;
	CHECK(pipe(p) == 0);
	int fd = open("/", O_RDONLY);
	CHECK(fd >= 0);
	for (FOR_EACH_BAD(bad)) {
		CHECK_EFAULT(syscall(SYS_fstat, p[0], bad));
		CHECK_EFAULT(syscall(SYS_fstat, fd, bad));
	}
}

static void efault_stat(void)
{
	struct stat st;
	void *bad;
	for (FOR_EACH_BAD(bad)) {
		CHECK_EFAULT(syscall(SYS_stat, bad, &st));
		CHECK_EFAULT(syscall(SYS_stat, "/", bad));
	}
}

static void efault_newfstatat(void)
{
	struct stat st;
	void *bad;
	for (FOR_EACH_BAD(bad)) {
		CHECK_EFAULT(syscall(SYS_newfstatat, AT_FDCWD, bad, &st, 0));
		CHECK_EFAULT(syscall(SYS_newfstatat, AT_FDCWD, "/", bad, 0));
	}
}

static void efault_getdents64(void)
{
	void *bad;
	int fd = open("/", O_RDONLY | O_DIRECTORY);
	CHECK(fd >= 0);
	for (FOR_EACH_BAD(bad))
		CHECK_EFAULT(syscall(SYS_getdents64, fd, bad, 4096));
}

static void efault_pipe(void)
{
	void *bad;
	for (FOR_EACH_BAD(bad))
		CHECK_EFAULT(syscall(SYS_pipe, bad));
}

static void efault_pipe2(void)
{
	void *bad;
	for (FOR_EACH_BAD(bad)) {
		CHECK_EFAULT(syscall(SYS_pipe2, bad, 0));
		CHECK_EFAULT(syscall(SYS_pipe2, bad, O_CLOEXEC));
	}
}

static void efault_poll(void)
{
	void *bad;
	for (FOR_EACH_BAD(bad))
		CHECK_EFAULT(syscall(SYS_poll, bad, 1, 0));
}

static void efault_ppoll(void)
{
	int p[2];
	void *bad;
	struct timespec zero = {0, 0};
	CHECK(pipe(p) == 0);
	struct pollfd pf = {p[0], POLLIN, 0};
	for (FOR_EACH_BAD(bad)) {
		CHECK_EFAULT(syscall(SYS_ppoll, bad, 1, &zero, NULL, 8));
		CHECK_EFAULT(syscall(SYS_ppoll, &pf, 1, bad, NULL, 8));
		CHECK_EFAULT(syscall(SYS_ppoll, &pf, 1, &zero, bad, 8));
	}
}

static void efault_wait4(void)
{
	void *bad;
	for (FOR_EACH_BAD(bad)) {
		pid_t pid = fork();
		CHECK(pid >= 0);
		if (pid == 0)
			_exit(0);
		CHECK_EFAULT(syscall(SYS_wait4, pid, bad, 0, NULL));
		wait4(pid, NULL, WNOHANG, NULL); /* reap it if EFAULT did not */
	}
}

static void efault_rt_sigaction(void)
{
	void *bad;
	for (FOR_EACH_BAD(bad)) {
		CHECK_EFAULT(syscall(SYS_rt_sigaction, SIGUSR1, bad, NULL, 8));
		CHECK_EFAULT(syscall(SYS_rt_sigaction, SIGUSR1, NULL, bad, 8));
	}
}

static void efault_rt_sigprocmask(void)
{
	void *bad;
	for (FOR_EACH_BAD(bad)) {
		CHECK_EFAULT(syscall(SYS_rt_sigprocmask, SIG_BLOCK, bad, NULL, 8));
		CHECK_EFAULT(syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, bad, 8));
	}
}

static void efault_nanosleep(void)
{
	void *bad;
	for (FOR_EACH_BAD(bad))
		CHECK_EFAULT(syscall(SYS_nanosleep, bad, NULL));
}

static void efault_clock_gettime(void)
{
	void *bad;
	for (FOR_EACH_BAD(bad)) {
		CHECK_EFAULT(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, bad));
		CHECK_EFAULT(syscall(SYS_clock_gettime, CLOCK_REALTIME, bad));
	}
}

static void efault_uname(void)
{
	void *bad;
	for (FOR_EACH_BAD(bad))
		CHECK_EFAULT(syscall(SYS_uname, bad));
}

static void efault_getcwd(void)
{
	void *bad;
	for (FOR_EACH_BAD(bad))
		CHECK_EFAULT(syscall(SYS_getcwd, bad, 256));
}

static void efault_chdir(void)
{
	void *bad;
	for (FOR_EACH_BAD(bad))
		CHECK_EFAULT(syscall(SYS_chdir, bad));
}

/* /bin/false exits 1, so an execve that wrongly succeeds fails the test. */
static void efault_execve(void)
{
	void *bad;
	char *envp[] = {NULL};
	char *argv[] = {"false", NULL};
	for (FOR_EACH_BAD(bad)) {
		char *bad_argv[] = {"false", bad, NULL};
		CHECK_EFAULT(syscall(SYS_execve, bad, argv, envp));
		CHECK_EFAULT(syscall(SYS_execve, "/bin/false", bad, envp));
		CHECK_EFAULT(syscall(SYS_execve, "/bin/false", argv, bad));
		CHECK_EFAULT(syscall(SYS_execve, "/bin/false", bad_argv, envp));
		CHECK_EFAULT(syscall(SYS_execve, "/bin/false", argv, bad_argv + 1));
	}
}

/* ------------------------------------------------------------------------ */
/* File descriptors and files.                                              */
/* ------------------------------------------------------------------------ */

static void fd_exhaustion_emfile(void)
{
	int p[2];
	CHECK(pipe(p) == 0);
	int last = -1, count = 0;
	for (;;) {
		int fd = dup(p[0]);
		if (fd < 0) {
			CHECK(errno == EMFILE);
			break;
		}
		last = fd;
		CHECK(++count < (1 << 22));
	}
	CHECK(count > 0);
	CHECK_ERR(dup(p[0]), EMFILE);
	CHECK_ERR(pipe(p), EMFILE);
	CHECK(close(last) == 0);
	CHECK(dup(p[1]) == last);
	CHECK_ERR(dup(p[1]), EMFILE);
}

static void bad_fd_ebadf(void)
{
	char buf[8];
	struct stat st;
	int p[2];
	CHECK_ERR(syscall(SYS_read, -1, buf, 1), EBADF);
	CHECK_ERR(syscall(SYS_write, 9999, buf, 1), EBADF);
	CHECK_ERR(syscall(SYS_close, 12345), EBADF);
	CHECK_ERR(syscall(SYS_close, -1), EBADF);
	CHECK_ERR(syscall(SYS_fstat, -1, &st), EBADF);
	CHECK_ERR(syscall(SYS_dup, -5), EBADF);
	CHECK_ERR(syscall(SYS_dup2, 9999, 5), EBADF);
	CHECK_ERR(syscall(SYS_lseek, 9999, 0, SEEK_SET), EBADF);
	CHECK_ERR(syscall(SYS_fcntl, 9999, F_GETFD), EBADF);
	CHECK_ERR(syscall(SYS_getdents64, -1, buf, sizeof buf), EBADF);
	CHECK(pipe(p) == 0);
	CHECK_ERR(syscall(SYS_read, p[1], buf, 1), EBADF);
	CHECK_ERR(syscall(SYS_write, p[0], "x", 1), EBADF);
	CHECK(close(p[0]) == 0);
	CHECK_ERR(syscall(SYS_read, p[0], buf, 1), EBADF);
	CHECK_ERR(syscall(SYS_close, p[0]), EBADF);
}

static void dup2_dup3_fcntl(void)
{
	int p[2];
	char buf[8];
	CHECK(pipe(p) == 0);
	CHECK(dup2(p[1], 50) == 50);
	CHECK(write(50, "d", 1) == 1);
	CHECK(read(p[0], buf, 1) == 1 && buf[0] == 'd');
	CHECK(syscall(SYS_dup2, p[1], p[1]) == p[1]);
	CHECK_ERR(syscall(SYS_dup3, p[1], p[1], 0), EINVAL);
	CHECK_ERR(syscall(SYS_dup3, p[1], 52, 12345), EINVAL);

	CHECK(syscall(SYS_dup3, p[1], 51, O_CLOEXEC) == 51);
	CHECK(fcntl(51, F_GETFD) == FD_CLOEXEC);
	CHECK(fcntl(50, F_GETFD) == 0);
	CHECK(fcntl(50, F_SETFD, FD_CLOEXEC) == 0);
	CHECK(fcntl(50, F_GETFD) == FD_CLOEXEC);

	/* dup2 over an open descriptor closes the old file silently. */
	CHECK(dup2(p[0], 51) == 51);
	CHECK(fcntl(51, F_GETFD) == 0);
	CHECK(write(50, "e", 1) == 1);
	CHECK(read(51, buf, 1) == 1 && buf[0] == 'e');

	int fd = fcntl(p[0], F_DUPFD, 60);
	CHECK(fd >= 60);
	CHECK(fcntl(fd, F_GETFD) == 0);
	fd = fcntl(p[0], F_DUPFD_CLOEXEC, 70);
	CHECK(fd >= 70);
	CHECK(fcntl(fd, F_GETFD) == FD_CLOEXEC);

	/* Status flags are shared between duplicates. */
	CHECK(fcntl(p[0], F_SETFL, O_NONBLOCK) == 0);
	CHECK(fcntl(51, F_GETFL) & O_NONBLOCK);
	CHECK((fcntl(51, F_GETFL) & O_ACCMODE) == O_RDONLY);
	CHECK((fcntl(50, F_GETFL) & O_ACCMODE) == O_WRONLY);
	CHECK_ERR(read(51, buf, 1), EAGAIN);
}

static void lseek_tmpfile(void)
{
	char data[100], buf[16];
	struct stat st;
	for (int i = 0; i < 100; i++)
		data[i] = (char)('A' + i % 26);
	int fd = make_tmp_file("/tmp/ktest_lseek", data, sizeof data);
	CHECK(lseek(fd, 0, SEEK_CUR) == 100);
	CHECK(lseek(fd, 10, SEEK_SET) == 10);
	CHECK(read(fd, buf, 5) == 5 && memcmp(buf, data + 10, 5) == 0);
	CHECK(lseek(fd, 5, SEEK_CUR) == 20);
	CHECK(read(fd, buf, 1) == 1 && buf[0] == data[20]);
	CHECK(lseek(fd, -4, SEEK_END) == 96);
	CHECK(read(fd, buf, sizeof buf) == 4 && memcmp(buf, data + 96, 4) == 0);
	CHECK(read(fd, buf, sizeof buf) == 0);
	CHECK_ERR(lseek(fd, -1, SEEK_SET), EINVAL);
	CHECK_ERR(lseek(fd, 0, 42), EINVAL);

	/* Writing past the end leaves a zero-filled gap. */
	CHECK(lseek(fd, 200, SEEK_SET) == 200);
	CHECK(write(fd, "!", 1) == 1);
	CHECK(fstat(fd, &st) == 0 && st.st_size == 201);
	CHECK(pread(fd, buf, 4, 150) == 4 && memcmp(buf, "\0\0\0\0", 4) == 0);
	CHECK(pread(fd, buf, 4, 199) == 2 && buf[0] == 0 && buf[1] == '!');
	CHECK(lseek(fd, 0, SEEK_CUR) == 201); /* pread does not move it */

	int p[2];
	CHECK(pipe(p) == 0);
	CHECK_ERR(lseek(p[0], 0, SEEK_SET), ESPIPE);
}

static void tmpfs_create_write_read(void)
{
	const char *path = "/tmp/ktest_tmpfs";
	char buf[64];
	struct stat st;
	int fd = make_tmp_file(path, "hello tmpfs", 11);
	CHECK(close(fd) == 0);
	CHECK_ERR(open(path, O_RDWR | O_CREAT | O_EXCL, 0644), EEXIST);
	CHECK_ERR(open("/tmp/ktest_no_such_file", O_RDONLY), ENOENT);

	fd = open(path, O_RDONLY);
	CHECK(fd >= 0);
	CHECK(read(fd, buf, sizeof buf) == 11 && memcmp(buf, "hello tmpfs", 11) == 0);
	CHECK(fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 11);
	CHECK_ERR(write(fd, "x", 1), EBADF);
	CHECK(close(fd) == 0);
	CHECK(stat(path, &st) == 0 && st.st_size == 11);

	fd = open(path, O_WRONLY | O_TRUNC);
	CHECK(fd >= 0);
	CHECK(fstat(fd, &st) == 0 && st.st_size == 0);
	CHECK(write(fd, "again", 5) == 5);
	CHECK(close(fd) == 0);
	fd = open(path, O_RDONLY);
	CHECK(read(fd, buf, sizeof buf) == 5 && memcmp(buf, "again", 5) == 0);
	CHECK(close(fd) == 0);
}

struct dirent64_raw {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static void getdents_root_lists_bin(void)
{
	static char buf[8192];
	int fd = open("/", O_RDONLY | O_DIRECTORY);
	CHECK(fd >= 0);
	int found = 0;
	long n;
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
		for (long off = 0; off < n;) {
			struct dirent64_raw *d = (struct dirent64_raw *)(buf + off);
			CHECK(d->d_reclen > 0 && off + d->d_reclen <= n);
			if (strcmp(d->d_name, "bin") == 0) {
				found = 1;
				CHECK(d->d_type == DT_DIR || d->d_type == DT_UNKNOWN ||
				      d->d_type == DT_LNK);
			}
			off += d->d_reclen;
		}
	}
	CHECK(n == 0);
	CHECK(found);
	CHECK(syscall(SYS_getdents64, fd, buf, sizeof buf) == 0);
	close(fd);

	/* A buffer too small for even one entry. */
	fd = open("/", O_RDONLY | O_DIRECTORY);
	CHECK(fd >= 0);
	CHECK_ERR(syscall(SYS_getdents64, fd, buf, 1), EINVAL);
}

/* Read a whole (small) file by path into buf; returns its length. */
static ssize_t slurp(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY);
	CHECK(fd >= 0);
	ssize_t n = read(fd, buf, cap);
	CHECK(n >= 0);
	close(fd);
	return n;
}

/* The scheme spellings "/scheme/S/path" and "S:path" name the same file. */
static void scheme_path_same_file(void)
{
	const char *nulls[] = {"/scheme/null/", "null:"};
	char buf[64];
	for (int i = 0; i < 2; i++) {
		int fd = open(nulls[i], O_RDWR);
		CHECK(fd >= 0);
		CHECK(write(fd, "gone", 4) == 4);
		CHECK(read(fd, buf, sizeof buf) == 0);
		close(fd);
	}
	int fd = make_tmp_file("/tmp/ktest_scheme", "same file", 9);
	close(fd);
	CHECK(slurp("/scheme/tmp/ktest_scheme", buf, sizeof buf) == 9);
	CHECK(memcmp(buf, "same file", 9) == 0);
	CHECK(slurp("tmp:ktest_scheme", buf, sizeof buf) == 9);
	CHECK(memcmp(buf, "same file", 9) == 0);

	fd = open("tmp:ktest_scheme", O_WRONLY | O_TRUNC);
	CHECK(fd >= 0);
	CHECK(write(fd, "via scheme", 10) == 10);
	close(fd);
	CHECK(slurp("/tmp/ktest_scheme", buf, sizeof buf) == 10);
	CHECK(memcmp(buf, "via scheme", 10) == 0);
}

/* ------------------------------------------------------------------------ */
/* execve failures.                                                         */
/* ------------------------------------------------------------------------ */

/* A minimal ELF64 x86_64 executable header with one PT_LOAD segment. */
struct tiny_elf {
	unsigned char ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
	struct {
		uint32_t type, flags;
		uint64_t offset, vaddr, paddr, filesz, memsz, align;
	} ph;
};

static void tiny_elf_init(struct tiny_elf *e, uint64_t vaddr)
{
	memset(e, 0, sizeof *e);
	memcpy(e->ident, "\177ELF\2\1\1", 7);
	e->type = 2;     /* ET_EXEC */
	e->machine = 62; /* EM_X86_64 */
	e->version = 1;
	e->entry = vaddr + offsetof(struct tiny_elf, ph);
	e->phoff = offsetof(struct tiny_elf, ph);
	e->ehsize = 64;
	e->phentsize = sizeof e->ph;
	e->phnum = 1;
	e->ph.type = 1;  /* PT_LOAD */
	e->ph.flags = 5; /* R+X */
	e->ph.vaddr = e->ph.paddr = vaddr;
	e->ph.filesz = e->ph.memsz = sizeof *e;
	e->ph.align = PAGE;
}

/* Write the file and execve it; the call must fail with one of errs. */
static int exec_bytes_errno(const char *path, const void *data, size_t len)
{
	char *argv[] = {(char *)path, NULL};
	char *envp[] = {NULL};
	close(make_tmp_file(path, data, len));
	errno = 0;
	long r = syscall(SYS_execve, path, argv, envp);
	CHECK(r == -1);
	return errno;
}

static void execve_bad_elf_enoexec(void)
{
	struct tiny_elf e;
	int err;
	err = exec_bytes_errno("/tmp/ktest_badmagic", "this is not an executable\n", 26);
	CHECK(err == ENOEXEC);

	tiny_elf_init(&e, 0x400000);
	err = exec_bytes_errno("/tmp/ktest_trunc_hdr", &e, 20);
	CHECK(err == ENOEXEC || err == EINVAL || err == EIO);
	err = exec_bytes_errno("/tmp/ktest_trunc_ph", &e, 64); /* program headers missing */
	CHECK(err == ENOEXEC || err == EINVAL || err == EIO);

	e.machine = 3; /* EM_386 */
	err = exec_bytes_errno("/tmp/ktest_wrong_arch", &e, sizeof e);
	CHECK(err == ENOEXEC || err == EINVAL);
}

/* Linux checks segment addresses after the point of no return (the process
 * dies of SIGSEGV); Procyon must validate them first and fail the execve. */
static void execve_elf_kernel_segment(void)
{
	struct tiny_elf e;
	tiny_elf_init(&e, 0xffff800000000000UL);
	int err = exec_bytes_errno("/tmp/ktest_kseg", &e, sizeof e);
	CHECK(err == ENOEXEC || err == EINVAL || err == EFAULT || err == ENOMEM);

	tiny_elf_init(&e, 0x400000);
	e.ph.memsz = 0xffff800000000000UL; /* segment runs into the kernel half */
	err = exec_bytes_errno("/tmp/ktest_kseg2", &e, sizeof e);
	CHECK(err == ENOEXEC || err == EINVAL || err == EFAULT || err == ENOMEM);
}

static void execve_huge_argv_e2big(void)
{
	enum { NSTR = 4096, STRLEN = 4096, HUGE = 256 * 1024 };
	static char str[STRLEN], huge[HUGE];
	static char *argv[NSTR + 2];
	char *envp[] = {NULL};
	memset(str, 'a', STRLEN - 1);
	memset(huge, 'b', HUGE - 1);

	/* 16 MiB of arguments in total. */
	argv[0] = "false";
	for (int i = 1; i <= NSTR; i++)
		argv[i] = str;
	argv[NSTR + 1] = NULL;
	CHECK_ERR(syscall(SYS_execve, "/bin/false", argv, envp), E2BIG);

	/* One 256 KiB argument. */
	argv[1] = huge;
	argv[2] = NULL;
	CHECK_ERR(syscall(SYS_execve, "/bin/false", argv, envp), E2BIG);
}

/* ------------------------------------------------------------------------ */
/* Miscellaneous system calls.                                              */
/* ------------------------------------------------------------------------ */

static void unknown_syscall_enosys(void)
{
	CHECK_ERR(syscall(400), ENOSYS);
	CHECK_ERR(syscall(100000), ENOSYS);
	CHECK_ERR(syscall(-1L), ENOSYS);
	CHECK(syscall(SYS_getpid) == getpid());
}

static void nanosleep_sleeps(void)
{
	struct timespec req = {0, 50 * 1000000L};
	long t0 = now_ns();
	CHECK(syscall(SYS_nanosleep, &req, NULL) == 0);
	long dt = now_ns() - t0;
	CHECK(dt >= 50 * 1000000L);
	CHECK(dt < 2000 * 1000000L);

	struct timespec bad = {0, 1000000000L};
	CHECK_ERR(syscall(SYS_nanosleep, &bad, NULL), EINVAL);
	bad.tv_sec = -1;
	bad.tv_nsec = 0;
	CHECK_ERR(syscall(SYS_nanosleep, &bad, NULL), EINVAL);
}

static void clock_monotonic_advances(void)
{
	struct timespec a, b;
	CHECK(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &a) == 0);
	CHECK(a.tv_nsec >= 0 && a.tv_nsec < 1000000000L);
	long prev = now_ns();
	for (int i = 0; i < 1000; i++) {
		long t = now_ns();
		CHECK(t >= prev);
		prev = t;
	}
	sleep_ms(20);
	CHECK(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &b) == 0);
	long dt = (b.tv_sec - a.tv_sec) * 1000000000L + (b.tv_nsec - a.tv_nsec);
	CHECK(dt >= 20 * 1000000L);
	CHECK(syscall(SYS_clock_gettime, CLOCK_REALTIME, &a) == 0);
	CHECK(a.tv_nsec >= 0 && a.tv_nsec < 1000000000L);
	CHECK_ERR(syscall(SYS_clock_gettime, 12345, &a), EINVAL);
}

/* Running out of memory is the process's problem, not the kernel's: a child
 * that touches more anonymous memory than the machine has dies of SIGSEGV
 * (the page it touched could not be backed), the kernel stays up, and every
 * frame comes back when it is reaped. */
static void out_of_memory_kills_only_the_process(void)
{
	long before = read_free_frames();
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		size_t len = 1UL << 29; /* 512 MiB */
		volatile char *p =
		    mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			_exit(2);
		for (size_t off = 0; off < len; off += PAGE)
			p[off] = 1;
		_exit(3); /* more memory than a 256 MiB machine has: not reached */
	}
	int st = wait_for(pid);
	if (before < 0 || before * 4096L > (1L << 29))
		return; /* not Procyon, or a machine with more than 512 MiB free */
	CHECK_KILLED_BY(st, SIGSEGV);
	CHECK(read_free_frames() == before);
}

/* rt_sigsuspend: waits with a temporary mask, returns EINTR after the
 * handler, and gives back the old mask (busybox's `wait` builtin uses it;
 * without it, `wait` spun on ENOSYS forever). */
static volatile sig_atomic_t suspend_seen;

static void suspend_handler(int sig) { suspend_seen = sig; }

static void sigsuspend_waits_for_handler(void)
{
	signal(SIGUSR1, suspend_handler);
	sigset_t block, old, now, empty;
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	CHECK(sigprocmask(SIG_BLOCK, &block, &old) == 0);
	pid_t parent = getpid();
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		sleep_ms(20);
		kill(parent, SIGUSR1);
		_exit(0);
	}
	sigemptyset(&empty);
	errno = 0;
	CHECK(sigsuspend(&empty) == -1 && errno == EINTR);
	CHECK(suspend_seen == SIGUSR1);
	CHECK(sigprocmask(SIG_SETMASK, NULL, &now) == 0);
	CHECK(sigismember(&now, SIGUSR1)); /* the mask from before came back */
	CHECK_EXITED(wait_for(pid), 0);
	CHECK(sigprocmask(SIG_SETMASK, &old, NULL) == 0);
}

/* clock_nanosleep, relative and absolute (glibc's sleep uses it). */
static void clock_nanosleep_relative_and_absolute(void)
{
	struct timespec rel = {0, 20 * 1000000L}, abs;
	long t0 = now_ns();
	CHECK(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &rel, NULL) == 0);
	CHECK(now_ns() - t0 >= 20 * 1000000L);
	CHECK(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &abs) == 0);
	abs.tv_nsec += 30 * 1000000L;
	if (abs.tv_nsec >= 1000000000L) {
		abs.tv_sec++;
		abs.tv_nsec -= 1000000000L;
	}
	t0 = now_ns();
	CHECK(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL) == 0);
	CHECK(now_ns() - t0 >= 20 * 1000000L);
	CHECK(syscall(SYS_clock_gettime, CLOCK_REALTIME, &abs) == 0);
	abs.tv_nsec = 0; /* a realtime deadline already past: returns at once */
	CHECK(syscall(SYS_clock_nanosleep, CLOCK_REALTIME, TIMER_ABSTIME, &abs, NULL) == 0);
	rel.tv_nsec = 2000000000L;
	CHECK_ERR(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &rel, NULL), EINVAL);
	CHECK_ERR(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, (void *)1, NULL), EFAULT);
}

/* tkill and tgkill (musl's raise() uses tkill). */
static volatile sig_atomic_t raised;

static void raise_handler(int sig) { raised = sig; }

static void tkill_tgkill_raise(void)
{
	signal(SIGUSR2, raise_handler);
	CHECK(raise(SIGUSR2) == 0);
	CHECK(raised == SIGUSR2);
	raised = 0;
	CHECK(syscall(SYS_tgkill, getpid(), getpid(), SIGUSR2) == 0);
	CHECK(raised == SIGUSR2);
	CHECK_ERR(syscall(SYS_tgkill, getpid(), getpid() + 100000, SIGUSR2), ESRCH);
	CHECK_ERR(syscall(SYS_tkill, -1, SIGUSR2), EINVAL);
	CHECK_ERR(syscall(SYS_tkill, getpid(), 1000), EINVAL);
}

/* select: readiness of both pipe ends, a zero timeout, EBADF for a closed fd,
 * and a timeout that expires. */
static void select_pipe_readiness(void)
{
	int p[2];
	CHECK(pipe(p) == 0);
	fd_set r, w;
	struct timeval zero = {0, 0};
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(p[0], &r);
	FD_SET(p[1], &w);
	CHECK(select(p[1] + 1, &r, &w, NULL, &zero) == 1); /* only writable */
	CHECK(!FD_ISSET(p[0], &r) && FD_ISSET(p[1], &w));
	CHECK(write(p[1], "x", 1) == 1);
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	CHECK(select(p[0] + 1, &r, NULL, NULL, NULL) == 1);
	CHECK(FD_ISSET(p[0], &r));
	char c;
	CHECK(read(p[0], &c, 1) == 1);
	struct timeval tv = {0, 30000};
	long t0 = now_ns();
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	CHECK(select(p[0] + 1, &r, NULL, NULL, &tv) == 0);
	CHECK(now_ns() - t0 >= 20 * 1000000L);
	close(p[1]);
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	CHECK(select(p[0] + 1, &r, NULL, NULL, &zero) == 1); /* EOF is readable */
	close(p[0]);
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	CHECK_ERR(select(p[0] + 1, &r, NULL, NULL, &zero), EBADF);
	CHECK_ERR(syscall(SYS_select, -1, NULL, NULL, NULL, NULL), EINVAL);
}

/* Regression: a vfork parent with a signal pending spun in the kernel
 * (its sleep returned EINTR at once) and starved the child: a hang. */
static volatile sig_atomic_t vfork_usr1_seen;

static void vfork_usr1_handler(int sig)
{
	(void)sig;
	vfork_usr1_seen = 1;
}

static void vfork_parent_signalled_while_waiting(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = vfork_usr1_handler;
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
	pid_t parent = getpid();
	pid_t pid = vfork();
	CHECK(pid >= 0);
	if (pid == 0) {
		syscall(SYS_kill, parent, SIGUSR1);
		struct timespec ts = {0, 30 * 1000000L};
		syscall(SYS_nanosleep, &ts, NULL);
		_exit(5);
	}
	int st;
	CHECK(waitpid(pid, &st, 0) == pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 5);
	CHECK(vfork_usr1_seen == 1);
}

/* Regression: TCGETS wrote the C library's 60-byte termios, overrunning
 * glibc's 36-byte kernel termios (busybox died of "stack smashing"). The
 * console must write exactly the kernel's struct termios. */
static void tcgets_writes_kernel_termios_only(void)
{
	int fd = open("console:", O_RDWR);
	CHECK(fd >= 0);
	unsigned char buf[64];
	memset(buf, 0xAA, sizeof buf);
	CHECK(syscall(SYS_ioctl, fd, 0x5401 /* TCGETS */, buf) == 0);
	for (size_t i = 36; i < sizeof buf; i++)
		CHECK(buf[i] == 0xAA);
	CHECK(buf[17] == 3); /* c_cc[VINTR] is ^C */
	close(fd);
}

static void uname_sysname(void)
{
	struct utsname u;
	CHECK(syscall(SYS_uname, &u) == 0);
	CHECK(strcmp(u.machine, "x86_64") == 0);
	CHECK(strcmp(u.sysname, "Procyon") == 0);
}

/* ------------------------------------------------------------------------ */
/* The table and the runner.                                                */
/* ------------------------------------------------------------------------ */

static const struct test tests[] = {
    T(fork_exit_status),
    T(wait_signal_status),
    T(wait_stopped_wuntraced),
    T(sigchld_to_parent),
    T_SLOW(fork_exit_1000_no_leak, 120),
    T(vfork_exec),
    T(clone_process_flags),
    T(kill_nonexistent_esrch),
    T(getuid_setuid_drop),
    T(pipe_basic),
    T(pipe_writer_blocks_when_full),
    T(pipe_epipe_sigpipe),
    T(pipe_eof_after_close),
    T(o_nonblock_pipe_eagain),
    T(signal_handler_runs),
    T(signal_mask_blocks),
    T(signal_default_term),
    T(signal_default_ignore_sigchld),
    T(signal_stop_cont),
    T(sigsegv_on_bad_access),
    T(sigill_on_ud2),
    T(sigfpe_on_div0),
    T(sigtrap_on_int3),
    T(recursive_fault_in_handler_kills),
    T(mmap_anon_rw),
    T(mmap_fixed),
    T(munmap_then_segv),
    T(mprotect_readonly_segv),
    T(brk_grow_shrink),
    T_SLOW(sse_state_isolated, 60),
    T(sse_signal_handler_preserves),
    T(efault_read),
    T(efault_write),
    T(efault_readv),
    T(efault_writev),
    T(efault_pread64),
    T(efault_pwrite64),
    T(efault_open),
    T(efault_openat),
    T(efault_fstat),
    T(efault_stat),
    T(efault_newfstatat),
    T(efault_getdents64),
    T(efault_pipe),
    T(efault_pipe2),
    T(efault_poll),
    T(efault_ppoll),
    T(efault_wait4),
    T(efault_rt_sigaction),
    T(efault_rt_sigprocmask),
    T(efault_nanosleep),
    T(efault_clock_gettime),
    T(efault_uname),
    T(efault_getcwd),
    T(efault_chdir),
    T(efault_execve),
    T(fd_exhaustion_emfile),
    T(bad_fd_ebadf),
    T(dup2_dup3_fcntl),
    T(lseek_tmpfile),
    T(tmpfs_create_write_read),
    T(getdents_root_lists_bin),
    T(scheme_path_same_file),
    T(execve_bad_elf_enoexec),
    T(execve_elf_kernel_segment),
    T(execve_huge_argv_e2big),
    T(unknown_syscall_enosys),
    T(nanosleep_sleeps),
    T(clock_monotonic_advances),
    T_SLOW(out_of_memory_kills_only_the_process, 120),
    T(sigsuspend_waits_for_handler),
    T(clock_nanosleep_relative_and_absolute),
    T(tkill_tgkill_raise),
    T(select_pipe_readiness),
    T(vfork_parent_signalled_while_waiting),
    T(tcgets_writes_kernel_termios_only),
    T(uname_sysname),
};

#define NTESTS (sizeof tests / sizeof tests[0])

int main(int argc, char **argv) { return testrun_main(argc, argv, "ktest", tests, NTESTS); }
