/* ktest: a thread group as one process: signals aimed at one thread
 * (tgkill, tkill, faults) or at the process (kill: a thread that does not
 * block it), exit against exit_group, a leader that exits first, exec and
 * fork from a worker, group stop and continue, SIGKILL. Whatever ends or
 * stops a process does it to a forked child. */
#define _GNU_SOURCE
#include "ktest.h"

static volatile int worker_tid, sig_tid, sig_count;

static void note_tid(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)si, (void)uc;
	sig_tid = gettid();
	sig_count++;
}

static void mask_usr1(int how)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	CHECK(pthread_sigmask(how, &s, NULL) == 0);
}

static int usr1_pending(void)
{
	sigset_t s;
	CHECK(sigpending(&s) == 0);
	return sigismember(&s, SIGUSR1);
}

/* Fork a child that runs fn; its wait status within 5 s. */
static int run_bounded(void (*fn)(void), const char *what)
{
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		fn();
		_exit(0);
	}
	return wait_within(pid, 5, what);
}

/* A worker (SIGUSR1 unblocked if arg) that says its tid and waits up to
 * 3 s for the handler to have run somewhere. */
static void *await_signal(void *arg)
{
	if (arg)
		mask_usr1(SIG_UNBLOCK);
	worker_tid = gettid();
	long deadline = now_ms() + 3000;
	while (!sig_count && now_ms() < deadline)
		sched_yield();
	return NULL;
}

static pthread_t start_awaiting(int unblock)
{
	worker_tid = sig_tid = sig_count = 0;
	pthread_t t = thread_start(await_signal, (void *)(long)unblock);
	while (!worker_tid)
		sched_yield();
	return t;
}

static void expect_handled_by_worker(const char *how)
{
	if (sig_count != 1 || sig_tid != worker_tid)
		FAILF("%s: handled %d times, last in thread %d; the worker is %d, main %d", how,
		      sig_count, sig_tid, worker_tid, getpid());
}

static void tgkill_lands_in_that_thread(void)
{
	set_handler(SIGUSR1, note_tid, 0);
	pthread_t t = start_awaiting(0);
	CHECK_RAW(raw3(SYS_tgkill, getpid(), worker_tid, SIGUSR1), 0);
	thread_join(t);
	expect_handled_by_worker("tgkill");
	t = start_awaiting(0);
	CHECK_RAW(raw2(SYS_tkill, worker_tid, SIGUSR1), 0);
	thread_join(t);
	expect_handled_by_worker("tkill");
	/* A tid outside the group named; one that has exited. */
	CHECK_RAW(raw3(SYS_tgkill, getppid(), gettid(), 0), -ESRCH);
	CHECK_RAW(raw3(SYS_tgkill, getpid(), gettid(), 0), 0);
	long deadline = now_ms() + 2000;
	while (raw3(SYS_tgkill, getpid(), worker_tid, 0) == 0)
		if (now_ms() > deadline)
			FAILF("tgkill still finds thread %d 2 s after it was joined", worker_tid);
	CHECK_RAW(raw3(SYS_tgkill, getpid(), worker_tid, 0), -ESRCH);
}

/* A signal sent to a thread that blocks it is pending for that thread
 * alone, and is handled there once it unblocks it. */
static volatile int go, pending_seen;

static void *block_and_wait(void *arg)
{
	(void)arg;
	mask_usr1(SIG_BLOCK);
	worker_tid = gettid();
	while (!go)
		sched_yield();
	pending_seen = usr1_pending();
	mask_usr1(SIG_UNBLOCK);
	return NULL;
}

static void tgkill_to_blocking_thread_stays_pending(void)
{
	set_handler(SIGUSR1, note_tid, 0);
	worker_tid = sig_count = 0;
	pthread_t t = thread_start(block_and_wait, NULL);
	while (!worker_tid)
		sched_yield();
	CHECK_RAW(raw3(SYS_tgkill, getpid(), worker_tid, SIGUSR1), 0);
	CHECK(!usr1_pending()); /* not the main thread's, nor the process's */
	CHECK(sig_count == 0);
	go = 1;
	thread_join(t);
	CHECK(pending_seen);
	expect_handled_by_worker("tgkill to a blocking thread");
}

/* kill() to the process: the main thread blocks SIGUSR1, the worker does
 * not, so the worker handles it. */
static void kill_lands_in_unblocking_thread(void)
{
	set_handler(SIGUSR1, note_tid, 0);
	mask_usr1(SIG_BLOCK);
	pthread_t t = start_awaiting(1);
	CHECK(kill(getpid(), SIGUSR1) == 0);
	thread_join(t);
	expect_handled_by_worker("kill");
	CHECK(!usr1_pending());
}

/* A fault is the faulting thread's: its handler runs there. */
static sigjmp_buf worker_jmp;
static volatile uintptr_t fault_addr;
#define FAULT_AT opaque_addr(0x10)

static void fault_note(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	sig_tid = gettid();
	fault_addr = (uintptr_t)si->si_addr;
	if (sig_tid != worker_tid)
		FAILF("SIGSEGV handled by thread %d; the fault was in %d", sig_tid, worker_tid);
	siglongjmp(worker_jmp, 1);
}

static void *fault_once(void *arg)
{
	(void)arg;
	worker_tid = gettid();
	if (sigsetjmp(worker_jmp, 1) == 0)
		*FAULT_AT = 1;
	return NULL;
}

static void fault_delivered_to_faulting_thread(void)
{
	set_handler(SIGSEGV, fault_note, 0);
	worker_tid = sig_tid = 0;
	thread_join(thread_start(fault_once, NULL));
	CHECK(sig_tid == worker_tid && sig_tid != getpid());
	CHECK(fault_addr == 0x10);
}

static void *fault_unhandled(void *arg)
{
	(void)arg;
	*FAULT_AT = 1;
	return NULL;
}

static void worker_faults(void)
{
	signal(SIGSEGV, SIG_DFL);
	thread_start(fault_unhandled, NULL);
	for (;;)
		pause();
}

static void fault_in_worker_kills_process(void)
{
	CHECK_KILLED_BY(run_bounded(worker_faults, "a worker's fault"), SIGSEGV);
}

/* --- exit, exit_group and the leader ----------------------------------------- */

static void *exit_group_7(void *arg)
{
	(void)arg;
	raw1(SYS_exit_group, 7);
	return NULL;
}

static void worker_exit_groups(void)
{
	thread_start(exit_group_7, NULL);
	for (;;)
		pause();
}

static void exit_group_from_worker_ends_process(void)
{
	CHECK_EXITED(run_bounded(worker_exit_groups, "exit_group in a worker"), 7);
}

/* SYS_exit in a thread ends that thread only: the main thread sees its
 * tid word cleared and exits with its own status. */
static char stack[16384] __attribute__((aligned(16)));

static void thread_exits_then_main(void)
{
	static volatile int ctid;
	struct timespec limit = {3, 0};
	long tid = raw_clone(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
	                         CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID,
	                     stack + sizeof stack, (int *)&ctid, (int *)&ctid, 0, NULL);
	CHECK(tid > 0);
	while (ctid != 0)
		CHECK(futex_call(&ctid, FUTEX_WAIT, (int)tid, &limit, NULL, 0) != -ETIMEDOUT);
	sleep_ms(20);
	_exit(42);
}

static void sys_exit_in_worker_ends_only_it(void)
{
	CHECK_EXITED(run_bounded(thread_exits_then_main, "a thread's exit"), 42);
}

/* The leader exits first (SYS_exit): the process lives on in its worker,
 * and the parent's wait4 sees it only when that worker is gone. Both exit
 * with 5: which thread's code the group reports changed between Linux
 * versions (6.18 gives the last thread's). */
static int child_fd;

static void *nap_then_write(void *arg)
{
	(void)arg;
	sleep_ms(300);
	CHECK(write(child_fd, "w", 1) == 1);
	raw_exit(5);
}

static void leader_exits_first(void)
{
	thread_start(nap_then_write, NULL);
	CHECK(write(child_fd, "m", 1) == 1);
	raw_exit(5);
}

static void leader_exit_waits_for_last_thread(void)
{
	int fd, st;
	char c = 0;
	int pid = fork_piped(&fd, 1);
	if (pid == 0) {
		child_fd = fd;
		leader_exits_first();
	}
	CHECK(read(fd, &c, 1) == 1 && c == 'm');
	long t0 = now_ms();
	sleep_ms(50);
	CHECK(kill(pid, 0) == 0);
	if (waitpid(pid, &st, WNOHANG) != 0)
		FAILF("wait4 saw the process while its worker still ran (status %#x)", st);
	st = wait_within(pid, 5, "the last thread's exit");
	long ms = now_ms() - t0;
	CHECK(fcntl(fd, F_SETFL, O_NONBLOCK) == 0);
	if (read(fd, &c, 1) != 1 || c != 'w')
		FAILF("wait4 returned after %ld ms, before the worker had written", ms);
	CHECK_EXITED(st, 5);
}

/* --- exec and fork from a worker ---------------------------------------------- */

static char self_exe[256];

/* The worker execs "ktest --report-ids FD" while the main thread sleeps. */
static void *exec_report(void *arg)
{
	(void)arg;
	char fd[16];
	snprintf(fd, sizeof fd, "%d", child_fd);
	char *argv[] = {"ktest", "--report-ids", fd, NULL};
	execv(self_exe, argv);
	_exit(127);
}

static void *read_forever(void *arg)
{
	char c;
	read((int)(long)arg, &c, 1);
	return NULL;
}

static void exec_from_worker_keeps_pid(void)
{
	int fd, p[2];
	ssize_t n = readlink("/proc/self/exe", self_exe, sizeof self_exe - 1);
	CHECK(n > 0);
	self_exe[n] = 0;
	int pid = fork_piped(&fd, 1);
	if (pid == 0) {
		child_fd = fd;
		CHECK(pipe(p) == 0);
		thread_start(read_forever, (void *)(long)p[0]); /* one more, blocked */
		thread_start(exec_report, NULL);
		for (;;)
			pause();
	}
	char buf[64] = "";
	size_t len = 0;
	while (len < sizeof buf - 1 && (n = read(fd, buf + len, sizeof buf - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = 0;
	int st = wait_within(pid, 5, "the exec'd program");
	CHECK_EXITED(st, 0);
	int rpid = 0, rtid = 0, threads = 0;
	if (sscanf(buf, "%d %d %d", &rpid, &rtid, &threads) != 3)
		FAILF("the exec'd program reported \"%s\"", buf);
	if (rpid != pid || rtid != pid || threads != 1)
		FAILF("after exec: pid %d tid %d threads %d; the process was %d", rpid, rtid,
		      threads, pid);
}

static volatile int stop_spinning, parent_pid;
static volatile long spins;

static void *spin(void *arg)
{
	(void)arg;
	while (!stop_spinning)
		spins++;
	return NULL;
}

static void *return_arg(void *arg) { return arg; }

/* The child of a fork in a worker has that one thread: no other runs in
 * its copy of the memory, its parent is the process (not the worker), and
 * it can make and join threads of its own. */
static void *fork_and_check(void *arg)
{
	(void)arg;
	pid_t pid = fork();
	if (pid == 0) {
		CHECK(gettid() == getpid());
		CHECK(getppid() == parent_pid);
		CHECK(task_count() == 1);
		CHECK(status_threads() == 1);
		long before = spins;
		sleep_ms(50);
		if (spins != before)
			FAILF("a thread of the parent runs in the child");
		CHECK(thread_join(thread_start(return_arg, (void *)7L)) == (void *)7L);
		exit(0);
	}
	CHECK(pid > 0);
	return (void *)(long)wait_within(pid, 5, "the child of a worker's fork");
}

static void fork_from_worker_has_one_thread(void)
{
	parent_pid = getpid();
	stop_spinning = 0;
	pthread_t s = thread_start(spin, NULL);
	while (!spins)
		sched_yield();
	int st = (int)(long)thread_join(thread_start(fork_and_check, NULL));
	stop_spinning = 1;
	thread_join(s);
	CHECK_EXITED(st, 0);
}

/* --- Stop, continue, SIGKILL ------------------------------------------------ */

#define COUNTERS 4
static volatile long *progress; /* MAP_SHARED: one counter per thread of the child */

static void *count_forever(void *arg)
{
	long i = (long)arg;
	for (;;)
		progress[i]++;
	return NULL;
}

static void count_in_threads(void)
{
	for (long i = 1; i < COUNTERS; i++)
		thread_start(count_forever, (void *)i);
	count_forever(0);
}

/* Every counter moves past snap within 3 s. */
static void wait_progress(const long *snap, const char *when)
{
	long deadline = now_ms() + 3000;
	for (int i = 0; i < COUNTERS; i++)
		while (progress[i] == snap[i])
			if (now_ms() > deadline)
				FAILF("thread %d made no progress %s", i, when);
			else
				sleep_ms(5);
}

static void stop_cont_multithreaded_child(void)
{
	long snap[COUNTERS] = {0}, later[COUNTERS];
	progress = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(progress != MAP_FAILED);
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		count_in_threads();
	wait_progress(snap, "at the start");
	static const int stops[] = {SIGSTOP, SIGTSTP};
	for (int k = 0; k < 2; k++) {
		int st;
		CHECK(kill(pid, stops[k]) == 0);
		st = wait_for(pid);
		if (!WIFSTOPPED(st) || WSTOPSIG(st) != stops[k])
			FAILF("after signal %d: status %#x, want stopped", stops[k], st);
		memcpy(snap, (const void *)progress, sizeof snap);
		sleep_ms(100);
		memcpy(later, (const void *)progress, sizeof later);
		for (int i = 0; i < COUNTERS; i++)
			if (later[i] != snap[i])
				FAILF("thread %d ran while the process was stopped", i);
		CHECK(waitpid(pid, &st, WNOHANG | WUNTRACED) == 0); /* the stop is told once */
		CHECK(kill(pid, SIGCONT) == 0);
		CHECK(waitpid(pid, &st, WCONTINUED) == pid && WIFCONTINUED(st));
		wait_progress(snap, "after SIGCONT");
	}
	CHECK(kill(pid, SIGKILL) == 0);
	CHECK_KILLED_BY(wait_within(pid, 5, "SIGKILL"), SIGKILL);
	munmap((void *)progress, PAGE);
}

/* Threads spinning, in a futex wait, in read and in nanosleep: SIGKILL
 * ends them all. */
static volatile int never;

static void *futex_forever(void *arg)
{
	(void)arg;
	futex_call(&never, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, 0);
	return NULL;
}

static void *sleep_forever(void *arg)
{
	(void)arg;
	sleep_ms(60000);
	return NULL;
}

static void sigkill_multithreaded_child(void)
{
	int fd, p[2];
	char c;
	int pid = fork_piped(&fd, 1);
	if (pid == 0) {
		CHECK(pipe(p) == 0);
		thread_start(spin, NULL);
		thread_start(futex_forever, NULL);
		thread_start(read_forever, (void *)(long)p[0]);
		thread_start(sleep_forever, NULL);
		CHECK(write(fd, "r", 1) == 1);
		for (;;)
			pause();
	}
	CHECK(read(fd, &c, 1) == 1);
	sleep_ms(50);
	CHECK(kill(pid, SIGKILL) == 0);
	CHECK_KILLED_BY(wait_within(pid, 5, "SIGKILL"), SIGKILL);
}

static const struct test tests[] = {
    T(tgkill_lands_in_that_thread),     T(tgkill_to_blocking_thread_stays_pending),
    T(kill_lands_in_unblocking_thread), T(fault_delivered_to_faulting_thread),
    T(fault_in_worker_kills_process),   T(exit_group_from_worker_ends_process),
    T(sys_exit_in_worker_ends_only_it), T(leader_exit_waits_for_last_thread),
    T(exec_from_worker_keeps_pid),      T(fork_from_worker_has_one_thread),
    T(stop_cont_multithreaded_child),   T(sigkill_multithreaded_child),
};

const struct test_area area_tgroup = TEST_AREA("tgroup", tests);
