/* tracetest: threads (the contract's Threads section). A trace session
 * traces one thread: EVENT_CLONE reports a new thread (its tid, the
 * CLONE_THREAD flags) and holds it stopped; stops, registers and EXIT are
 * per thread; stopping one thread never stops the others; proc:PID/task/
 * lists the group; exec from a worker ends the traced threads (EXIT);
 * a dying tracer or SIGKILL lets go of or ends every thread; 1,000 thread
 * lifetimes leave frames, sessions and processes where they were. */
#define _GNU_SOURCE
#include "tracetest.h"
#include <dirent.h>
#include <pthread.h>

#define CLONE_THREAD_FLAG 0x10000

static int worker_out = -1; /* the kid's report pipe, for its worker */

static long tid_self(void) { return syscall(SYS_gettid); }

/* Worker: reports its tid, then makes getppid calls forever. */
static void *worker_getppid_forever(void *arg)
{
	(void)arg;
	report(worker_out, tid_self());
	for (;;)
		syscall(SYS_getppid);
	return 0;
}

/* Kid: one worker that calls getppid forever; the main thread reports
 * a count every 20 ms, arg times, then the whole process exits 7. */
static void body_worker_and_ticker(long arg, int out)
{
	worker_out = out;
	pthread_t t;
	CHECK(pthread_create(&t, 0, worker_getppid_forever, 0) == 0);
	for (long i = 1; i <= arg; i++) {
		sleep_ms(20);
		report(out, 1000 + i);
	}
	syscall(SYS_exit_group, 7);
}

/* Worker: reports its tid and returns arg (its exit code, via pthread_exit). */
static void *worker_report_and_end(void *arg)
{
	report(worker_out, tid_self());
	return arg;
}

/* Kid: one worker that reports its tid and ends; the main thread joins it
 * and reports 1000. */
static void body_one_thread(long arg, int out)
{
	(void)arg;
	worker_out = out;
	pthread_t t;
	CHECK(pthread_create(&t, 0, worker_report_and_end, 0) == 0);
	CHECK(pthread_join(t, 0) == 0);
	report(out, 1000);
}

/* The worker's tid, from the first EVENT_CLONE of t (the kid's main thread). */
static pid_t expect_thread_clone(int t, int pid)
{
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_EVENT_CLONE, &e);
	pid_t tid = (pid_t)e.data[0];
	CHECK(tid > 0 && tid != pid);
	CHECK(e.data[1] & CLONE_THREAD_FLAG);
	CHECK_EQ(status_num(tid, "tgid"), pid);
	return tid;
}

static void thread_clone_event_tid_flags_and_held(void)
{
	struct kid k = spawn_kid(body_one_thread, 0);
	int t = trace_attach(k.pid, 0);
	trace_set(t, PTRACE_EVENT_CLONE);
	kid_go(&k);
	pid_t tid = expect_thread_clone(t, k.pid);
	CHECK(status_state(tid) == 'T'); /* held, as a child would be */
	CHECK_EQ(status_num(tid, "pid"), tid);
	CHECK_EQ(status_num(k.pid, "threads"), 2);
	CHECK(kid_silent_for(&k, 50));
	trace_set(t, 0); /* the creator's tracer resumes it: the thread goes too */
	CHECK_EQ(kid_result(&k), tid);
	CHECK_EQ(kid_result(&k), 1000);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void thread_session_reports_its_exit(void)
{
	struct kid k = spawn_kid(body_one_thread, 0);
	int t = trace_attach(k.pid, 0);
	trace_set(t, PTRACE_EVENT_CLONE);
	kid_go(&k);
	pid_t tid = expect_thread_clone(t, k.pid);
	int tt = trace_attach(tid, 0);
	trace_set(tt, PTRACE_STOP_EXIT);
	trace_set(t, 0);
	CHECK_EQ(kid_result(&k), tid);
	struct ptrace_event e;
	EXPECT_EVENT(tt, PTRACE_STOP_EXIT, &e); /* the thread's own exit, status 0 */
	CHECK_EQ(e.data[0], 0);
	CHECK(status_state(k.pid) != 'Z'); /* the process goes on */
	trace_set(tt, 0);
	CHECK_EQ(kid_result(&k), 1000);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void thread_stopped_alone_others_progress(void)
{
	struct kid k = spawn_kid(body_worker_and_ticker, 6);
	int t = trace_attach(k.pid, 0);
	trace_set(t, PTRACE_EVENT_CLONE);
	kid_go(&k);
	pid_t tid = expect_thread_clone(t, k.pid);
	int tt = trace_attach(tid, 0);
	trace_set(tt, PTRACE_STOP_PRE_SYSCALL);
	trace_set(t, 0);
	struct ptrace_event e;
	/* Its start (the thread library's calls, its report), to its loop. */
	for (int i = 0;; i++) {
		EXPECT_EVENT(tt, PTRACE_STOP_PRE_SYSCALL, &e);
		if (e.data[0] == SYS_getppid)
			break;
		CHECK(i < 20);
		trace_set(tt, PTRACE_STOP_PRE_SYSCALL);
	}
	CHECK_EQ(kid_result(&k), tid);
	/* The worker is stopped; the main thread keeps reporting. */
	CHECK(status_state(tid) == 'T');
	CHECK_EQ(kid_result(&k), 1001);
	CHECK_EQ(kid_result(&k), 1002);
	CHECK(status_state(tid) == 'T');
	CHECK(status_state(k.pid) != 'T');
	struct user_regs r;
	get_regs(tid, &r); /* per-thread registers: the worker's syscall */
	CHECK_EQ(r.orig_rax, SYS_getppid);
	get_regs(k.pid, &r);
	CHECK(r.orig_rax != SYS_getppid);
	trace_set(tt, 0);
	for (long i = 3; i <= 6; i++)
		CHECK_EQ(kid_result(&k), 1000 + i);
	EXPECT_EVENT(tt, PTRACE_STOP_EXIT, &e); /* exit_group ends it: EXIT with 7 */
	CHECK_EQ(e.data[0], 7 << 8);
	CHECK_EXITED(kid_reap(&k), 7);
}

static void thread_interrupt_stops_one_thread(void)
{
	struct kid k = spawn_kid(body_worker_and_ticker, 5);
	kid_go(&k);
	pid_t tid = (pid_t)kid_result(&k);
	int tt = trace_attach(tid, O_TRUNC); /* stopped now */
	CHECK(status_state(tid) == 'T');
	CHECK_EQ(kid_result(&k), 1001);
	CHECK_EQ(kid_result(&k), 1002);
	CHECK(status_state(k.pid) != 'T');
	close(tt); /* detach: it runs on */
	CHECK_EQ(kid_result(&k), 1003);
	CHECK_EXITED(kid_reap(&k), 7);
}

static void thread_task_dir_lists_group_first_thread_first(void)
{
	struct kid k = spawn_kid(body_worker_and_ticker, 3);
	kid_go(&k);
	pid_t tid = (pid_t)kid_result(&k);
	char path[64];
	snprintf(path, sizeof path, "proc:%d/task", k.pid);
	DIR *d = opendir(path);
	CHECK(d != 0);
	long seen[4];
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < 4)
		if (e->d_name[0] >= '1' && e->d_name[0] <= '9')
			seen[n++] = atol(e->d_name);
	closedir(d);
	CHECK_EQ(n, 2);
	CHECK_EQ(seen[0], k.pid);
	CHECK_EQ(seen[1], tid);
	/* proc: lists thread group ids only. */
	d = opendir("proc:");
	CHECK(d != 0);
	int listed_tid = 0;
	while ((e = readdir(d)))
		listed_tid |= atol(e->d_name) == tid;
	closedir(d);
	CHECK(!listed_tid);
	CHECK_EQ(status_num(tid, "threads"), 2);
	/* proc:PID/task/TID/ is TID's directory; a tid of another process is not. */
	char text[512], want[32];
	snprintf(path, sizeof path, "proc:%d/task/%d/status", k.pid, tid);
	CHECK(read_path(path, text, sizeof text) > 0);
	snprintf(want, sizeof want, "pid %d\n", tid);
	CHECK(strncmp(text, want, strlen(want)) == 0);
	snprintf(path, sizeof path, "proc:%d/task/%d/status", getpid(), tid);
	CHECK_ERR(open(path, O_RDONLY), ENOENT);
	/* So is Linux's /proc/PID/task/TID/. */
	snprintf(path, sizeof path, "/proc/%d/task/%d/status", k.pid, tid);
	CHECK(read_path(path, text, sizeof text) > 0);
	snprintf(want, sizeof want, "\nPid:\t%d\n", tid);
	CHECK(strstr(text, want) != 0);
	snprintf(want, sizeof want, "\nTgid:\t%d\n", k.pid);
	CHECK(strstr(text, want) != 0);
	CHECK(strstr(text, "\nThreads:\t2\n") != 0);
	/* mem is the group's: the same bytes through either id. */
	uint8_t a = mem_peek(k.pid, U64(&spin_counter)), b = mem_peek(tid, U64(&spin_counter));
	CHECK_EQ(a, b);
	kid_kill(&k);
}

/* Kid: a worker execs /bin/true-like "tracetest -l" is too chatty; it
 * execs /bin/true while the main thread sleeps. */
static void *worker_exec(void *arg)
{
	(void)arg;
	sleep_ms(30);
	char *argv[] = {"/bin/true", 0};
	execve("/bin/true", argv, environ);
	report(worker_out, -1);
	return 0;
}

static void body_exec_from_worker(long arg, int out)
{
	(void)arg;
	worker_out = out;
	pthread_t t;
	CHECK(pthread_create(&t, 0, worker_exec, 0) == 0);
	for (;;)
		pause();
}

static void thread_exec_from_worker_ends_traced_main(void)
{
	struct kid k = spawn_kid(body_exec_from_worker, 0);
	int t = trace_attach(k.pid, 0);
	trace_set(t, PTRACE_EVENT_CLONE);
	kid_go(&k);
	pid_t tid = expect_thread_clone(t, k.pid);
	int tt = trace_attach(tid, 0);
	trace_set(tt, PTRACE_STOP_EXEC);
	trace_set(t, PTRACE_STOP_EXIT);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_STOP_EXIT, &e); /* the main thread is ended by the exec */
	CHECK_EQ(e.data[0] & 0x7f, SIGKILL);
	EXPECT_EVENT(tt, PTRACE_STOP_EXEC, &e); /* the worker carries on, as the process */
	CHECK_EQ(status_num(k.pid, "pid"), k.pid);
	CHECK_EQ(status_num(k.pid, "threads"), 1);
	CHECK(proc_file(tid, "status", O_RDONLY) < 0); /* its old id is gone */
	trace_set(tt, 0);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void thread_tracer_death_releases_stopped_threads(void)
{
	struct kid k = spawn_kid(body_worker_and_ticker, 4);
	kid_go(&k);
	pid_t tid = (pid_t)kid_result(&k);
	int pipefd[2];
	CHECK(pipe(pipefd) == 0);
	pid_t tracer = fork();
	if (tracer == 0) { /* stops both threads, says so, and dies */
		int a = trace_attach(tid, O_TRUNC), b = trace_attach(k.pid, O_TRUNC);
		(void)a, (void)b;
		CHECK(write(pipefd[1], "s", 1) == 1);
		pause();
		_exit(0);
	}
	char c;
	CHECK(read(pipefd[0], &c, 1) == 1);
	CHECK(status_state(tid) == 'T' && status_state(k.pid) == 'T');
	kill(tracer, SIGKILL);
	CHECK(waitpid(tracer, 0, 0) == tracer);
	for (long i = 1; i <= 4; i++) /* both run again: the ticks come, then exit */
		CHECK(kid_result(&k) > 1000);
	CHECK_EXITED(kid_reap(&k), 7);
}

static void thread_sigkill_of_traced_threads(void)
{
	struct kid k = spawn_kid(body_worker_and_ticker, 100);
	kid_go(&k);
	pid_t tid = (pid_t)kid_result(&k);
	int a = trace_attach(tid, O_TRUNC), b = trace_attach(k.pid, O_TRUNC);
	kill(k.pid, SIGKILL);
	struct ptrace_event e;
	EXPECT_EVENT(a, PTRACE_STOP_EXIT, &e);
	CHECK_EQ(e.data[0] & 0x7f, SIGKILL);
	EXPECT_EVENT(b, PTRACE_STOP_EXIT, &e);
	CHECK_EQ(e.data[0] & 0x7f, SIGKILL);
	int st = kid_reap(&k);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
}

/* Workers for the group-exit case: two report their tid and pause; one
 * reports its tid, sleeps, and calls exit(5) (exit_group) for everyone. */
static void *worker_pause(void *arg)
{
	(void)arg;
	report(worker_out, tid_self());
	for (;;)
		pause();
	return 0;
}

static void *worker_exit5(void *arg)
{
	(void)arg;
	report(worker_out, tid_self());
	sleep_ms(100);
	exit(5);
}

static void body_group_exit_by_worker(long arg, int out)
{
	(void)arg;
	worker_out = out;
	pthread_t t[3];
	CHECK(pthread_create(&t[0], 0, worker_pause, 0) == 0);
	CHECK(pthread_create(&t[1], 0, worker_pause, 0) == 0);
	CHECK(pthread_create(&t[2], 0, worker_exit5, 0) == 0);
	pthread_join(t[2], 0);
}

static void on_alarm(int sig) { (void)sig; }

/* Regression: the thread calling exit_group stopped at its EXIT stop
 * while the others ended; the count of threads was read before the stop,
 * so when its tracer closed the session nobody was the last thread and
 * the parent's wait4 never returned (found by the gdbserver thread tests). */
static void thread_group_exit_stop_then_close_reaps(void)
{
	long frames = sys_value("free_frames");
	struct kid k = spawn_kid(body_group_exit_by_worker, 0);
	kid_go(&k);
	int t[4];
	t[0] = trace_attach(k.pid, 0);
	for (int i = 1; i < 4; i++)
		t[i] = trace_attach((int)kid_result(&k), 0);
	for (int i = 0; i < 4; i++)
		trace_set(t[i], PTRACE_STOP_EXIT | PTRACE_STOP_SIGNAL);
	/* Every thread reports EXIT with the process's status; each session
	 * is closed as soon as it does, the exit_group caller's at its stop. */
	for (int left = 4; left > 0;) {
		struct pollfd pf[4];
		for (int i = 0; i < 4; i++)
			pf[i] = (struct pollfd){t[i], POLLIN, 0};
		CHECK(poll(pf, 4, 5000) > 0);
		for (int i = 0; i < 4; i++) {
			if (t[i] < 0 || !(pf[i].revents & POLLIN))
				continue;
			struct ptrace_event e;
			next_event(t[i], &e);
			CHECK_EQ(e.cause, PTRACE_STOP_EXIT);
			CHECK_EQ(e.data[0], 5 << 8);
			close(t[i]);
			t[i] = -1;
			left--;
		}
	}
	/* A blocking wait4: the parent must be told (woken), not just find a
	 * zombie when it looks. */
	struct sigaction sa = {.sa_handler = on_alarm};
	CHECK(sigaction(SIGALRM, &sa, 0) == 0);
	alarm(5);
	int st;
	pid_t w = waitpid(k.pid, &st, 0);
	alarm(0);
	if (w != k.pid)
		FAILF("wait4 of the process: %d (errno %d): never told it ended", w, errno);
	CHECK_EXITED(st, 5);
	close(k.go);
	close(k.out);
	/* ... and its memory and descriptors were released (the last thread's work). */
	long deadline = now_ms() + 5000;
	while (sys_value("free_frames") < frames && now_ms() < deadline)
		sleep_ms(10);
	if (sys_value("free_frames") < frames)
		FAILF("free frames %ld -> %ld: the process's memory was never released", frames,
		      sys_value("free_frames"));
}

static void *worker_nothing(void *arg) { return arg; }

/* Kid: arg threads made and joined, one at a time. */
static void body_thread_cycles(long arg, int out)
{
	for (long i = 0; i < arg; i++) {
		pthread_t t;
		CHECK(pthread_create(&t, 0, worker_nothing, 0) == 0);
		CHECK(pthread_join(t, 0) == 0);
	}
	report(out, arg);
}

static void thread_1000_lifetimes_leave_no_trace(void)
{
	struct kid warm = spawn_kid(body_thread_cycles, 10);
	kid_go(&warm);
	CHECK_EQ(kid_result(&warm), 10);
	CHECK_EXITED(kid_reap(&warm), 0);
	long frames = sys_value("free_frames"), sessions = sys_value("sessions"),
	     procs = sys_value("procs");
	struct kid k = spawn_kid(body_thread_cycles, 1000);
	kid_go(&k);
	CHECK_EQ(kid_result(&k), 1000);
	CHECK_EXITED(kid_reap(&k), 0);
	long deadline = now_ms() + 5000;
	while (sys_value("free_frames") != frames && now_ms() < deadline)
		sleep_ms(10);
	CHECK_EQ(sys_value("free_frames"), frames);
	CHECK_EQ(sys_value("sessions"), sessions);
	CHECK_EQ(sys_value("procs"), procs);
}

static const struct test tests[] = {
    T(thread_clone_event_tid_flags_and_held),
    T(thread_session_reports_its_exit),
    T(thread_stopped_alone_others_progress),
    T(thread_interrupt_stops_one_thread),
    T(thread_task_dir_lists_group_first_thread_first),
    T(thread_exec_from_worker_ends_traced_main),
    T(thread_tracer_death_releases_stopped_threads),
    T(thread_sigkill_of_traced_threads),
    T(thread_group_exit_stop_then_close_reaps),
    T_SLOW(thread_1000_lifetimes_leave_no_trace, 60),
};

const struct test_area area_threads = TEST_AREA("threads", tests);
