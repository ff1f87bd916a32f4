/* ktest: clocks, sleeps, select, tkill, out of memory, and regressions. */
#define _GNU_SOURCE
#include "ktest.h"

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
	long before = sys_number("free_frames");
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
	CHECK(sys_number("free_frames") == before);
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

static const struct test tests[] = {
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

const struct test_area area_misc = TEST_AREA("misc", tests);
