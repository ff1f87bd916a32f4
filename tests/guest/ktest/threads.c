/* ktest: threads as musl's pthreads make them (clone with CLONE_THREAD):
 * create and join, mutexes and condition variables with exact totals, ids,
 * TLS, clone's rules for thread flags, CLONE_CHILD_CLEARTID, robust
 * mutexes, and the Linux /proc view of a thread group. What ends, stops,
 * execs or forks a thread group is in the tgroup area; futex(2) itself in
 * futex. */
#define _GNU_SOURCE
#include "ktest.h"

#define MS 1000000L

/* --- Create and join --------------------------------------------------- */

/* n threads, all alive at once (each waits at a barrier), each returning a
 * value made from its argument; their ids are distinct and none is the
 * process's. */
static pthread_barrier_t all_up;
static volatile int tids[101];

static void *id_and_value(void *arg)
{
	long i = (long)arg;
	tids[i] = gettid();
	pthread_barrier_wait(&all_up);
	return (void *)(i * 3 + 1);
}

static void create_join(int n)
{
	pthread_t th[100];
	CHECK(pthread_barrier_init(&all_up, NULL, (unsigned)n + 1) == 0);
	for (long i = 0; i < n; i++)
		th[i] = thread_start(id_and_value, (void *)i);
	pthread_barrier_wait(&all_up);
	for (long i = 0; i < n; i++) {
		long v = (long)thread_join(th[i]);
		if (v != i * 3 + 1)
			FAILF("thread %ld returned %ld, want %ld", i, v, i * 3 + 1);
	}
	for (int i = 0; i < n; i++) {
		if (tids[i] <= 0 || tids[i] == getpid())
			FAILF("thread %d has tid %d (pid %d)", i, tids[i], getpid());
		for (int j = 0; j < i; j++)
			if (tids[i] == tids[j])
				FAILF("threads %d and %d both have tid %d", j, i, tids[i]);
	}
	pthread_barrier_destroy(&all_up);
}

static void pthread_create_join_1(void) { create_join(1); }
static void pthread_create_join_8(void) { create_join(8); }
static void pthread_create_join_100(void) { create_join(100); }

static void *return_arg(void *arg) { return arg; }

/* Regression guard for the bad input: 1,000 create/exit cycles
 * (on Procyon they leave the free frame and process counts where they
 * were; sys: is absent on Linux). */
static void thread_create_join_1000_cycles(void)
{
	for (long i = 0; i < 10; i++) /* warm up: musl's first thread allocates */
		thread_join(thread_start(return_arg, (void *)i));
	wait_thread_count(1); /* and what counting threads takes (heap, stack) */
	long frames = sys_number("free_frames"), procs = sys_number("procs");
	for (long i = 0; i < 1000; i++)
		if ((long)thread_join(thread_start(return_arg, (void *)i)) != i)
			FAILF("cycle %ld: wrong value", i);
	wait_thread_count(1);
	if (frames >= 0 && sys_number("free_frames") != frames)
		FAILF("free frames %ld before, %ld after", frames, sys_number("free_frames"));
	if (procs >= 0 && sys_number("procs") != procs)
		FAILF("procs %ld before, %ld after", procs, sys_number("procs"));
}

/* --- Mutexes and condition variables ------------------------------------ */

#define MUTEX_THREADS 8
#define MUTEX_ROUNDS 10000
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static volatile long counter;

/* The increment is a read, sometimes a yield, and a write: without mutual
 * exclusion increments are lost. */
static void *add_under_lock(void *arg)
{
	(void)arg;
	for (int i = 0; i < MUTEX_ROUNDS; i++) {
		CHECK(pthread_mutex_lock(&lock) == 0);
		long v = counter;
		if (i % 1000 == 0)
			sched_yield();
		counter = v + 1;
		CHECK(pthread_mutex_unlock(&lock) == 0);
	}
	return NULL;
}

static void mutex_contention_exact_total(void)
{
	pthread_t th[MUTEX_THREADS];
	for (int i = 0; i < MUTEX_THREADS; i++)
		th[i] = thread_start(add_under_lock, NULL);
	for (int i = 0; i < MUTEX_THREADS; i++)
		thread_join(th[i]);
	if (counter != MUTEX_THREADS * MUTEX_ROUNDS)
		FAILF("counter %ld, want %d", counter, MUTEX_THREADS * MUTEX_ROUNDS);
}

/* Two producers put 1..ITEMS each into a ring of four; two consumers take
 * them until all are taken. */
#define ITEMS 5000
#define RING 4
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER, not_empty = PTHREAD_COND_INITIALIZER;
static long ring[RING], sum;
static int head, count, taken;

static void *produce(void *arg)
{
	(void)arg;
	for (long v = 1; v <= ITEMS; v++) {
		pthread_mutex_lock(&lock);
		while (count == RING)
			pthread_cond_wait(&not_full, &lock);
		ring[(head + count++) % RING] = v;
		pthread_cond_signal(&not_empty);
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

static void *consume(void *arg)
{
	long mine = 0;
	(void)arg;
	pthread_mutex_lock(&lock);
	for (;;) {
		while (count == 0 && taken < 2 * ITEMS)
			pthread_cond_wait(&not_empty, &lock);
		if (taken == 2 * ITEMS)
			break;
		sum += ring[head];
		head = (head + 1) % RING;
		count--;
		taken++;
		mine++;
		pthread_cond_signal(&not_full);
		if (taken == 2 * ITEMS)
			pthread_cond_broadcast(&not_empty); /* the other consumer stops */
	}
	pthread_mutex_unlock(&lock);
	return (void *)mine;
}

static void condvar_producer_consumer_exact_total(void)
{
	pthread_t p[2], c[2];
	for (int i = 0; i < 2; i++) {
		c[i] = thread_start(consume, NULL);
		p[i] = thread_start(produce, NULL);
	}
	long got = 0;
	for (int i = 0; i < 2; i++) {
		thread_join(p[i]);
		got += (long)thread_join(c[i]);
	}
	CHECK(got == 2 * ITEMS && taken == 2 * ITEMS && count == 0);
	if (sum != 2L * ITEMS * (ITEMS + 1) / 2)
		FAILF("sum %ld, want %ld", sum, 2L * ITEMS * (ITEMS + 1) / 2);
}

/* --- Ids and TLS ----------------------------------------------------------- */

struct ids {
	int pid, tid, ppid;
};

static void *get_ids(void *arg)
{
	struct ids *ids = arg;
	*ids = (struct ids){getpid(), gettid(), getppid()};
	return NULL;
}

static void gettid_differs_getpid_same(void)
{
	struct ids w;
	CHECK(gettid() == getpid());
	thread_join(thread_start(get_ids, &w));
	CHECK(w.pid == getpid());
	CHECK(w.ppid == getppid());
	CHECK(w.tid != getpid() && w.tid > 0);
	CHECK_RAW(raw0(SYS_gettid), getpid()); /* the main thread's again */
}

static __thread long tls_value = 7;
static __thread char tls_bytes[64];

static void *tls_own(void *arg)
{
	long i = (long)arg;
	if (tls_value != 7 || tls_bytes[10] != 0) /* each thread starts from the image */
		return (void *)-1L;
	tls_value = 100 + i;
	memset(tls_bytes, (int)i, sizeof tls_bytes);
	pthread_barrier_wait(&all_up); /* every thread has written its own */
	if (tls_value != 100 + i || tls_bytes[63] != (char)i)
		return (void *)-2L;
	return (void *)&tls_value;
}

static void tls_differs_per_thread(void)
{
	pthread_t th[8];
	void *addr[8];
	tls_value = -1;
	CHECK(pthread_barrier_init(&all_up, NULL, 8) == 0);
	for (long i = 0; i < 8; i++)
		th[i] = thread_start(tls_own, (void *)i);
	for (int i = 0; i < 8; i++) {
		addr[i] = thread_join(th[i]);
		if ((long)addr[i] < 0)
			FAILF("thread %d: its TLS was %s", i,
			      (long)addr[i] == -1 ? "not the initial image" : "changed by another");
		CHECK(addr[i] != &tls_value);
		for (int j = 0; j < i; j++)
			CHECK(addr[i] != addr[j]);
	}
	CHECK(tls_value == -1);
}

/* --- clone's rules -------------------------------------------------------- */

static char clone_stack[16384] __attribute__((aligned(16)));
#define STACK_TOP (clone_stack + sizeof clone_stack)
#define THREAD_BASE (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD)

static void clone_thread_without_sighand_einval(void)
{
	CHECK_RAW(raw_clone(CLONE_VM | CLONE_THREAD, STACK_TOP, 0, 0, 0, 0), -EINVAL);
	CHECK_RAW(
	    raw_clone(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_THREAD, STACK_TOP, 0, 0, 0, 0),
	    -EINVAL);
	CHECK_RAW(raw_clone(CLONE_THREAD | SIGCHLD, STACK_TOP, 0, 0, 0, 0), -EINVAL);
}

static void clone_sighand_without_vm_einval(void)
{
	CHECK_RAW(raw_clone(CLONE_SIGHAND | SIGCHLD, STACK_TOP, 0, 0, 0, 0), -EINVAL);
	CHECK_RAW(raw_clone(CLONE_SIGHAND | CLONE_THREAD | CLONE_FILES, STACK_TOP, 0, 0, 0, 0),
	          -EINVAL);
	CHECK(waitpid(-1, NULL, WNOHANG | __WALL) == -1 && errno == ECHILD);
}

/* A thread's TLS base outside user space: EPERM (Linux's check of the FS
 * base in copy_thread), and no thread. */
static void clone_settls_noncanonical_eperm(void)
{
	CHECK_RAW(
	    raw_clone(THREAD_BASE | CLONE_SYSVSEM | CLONE_SETTLS, STACK_TOP, 0, 0, NONCANONICAL, 0),
	    -EPERM);
	CHECK_RAW(
	    raw_clone(THREAD_BASE | CLONE_SYSVSEM | CLONE_SETTLS, STACK_TOP, 0, 0, KERNEL_ADDR, 0),
	    -EPERM);
	wait_thread_count(1);
}

static void nap_100ms(void)
{
	struct timespec ts = {0, 100 * MS};
	raw2(SYS_nanosleep, &ts, NULL);
}

/* CLONE_PARENT_SETTID stores the new tid before clone returns; when the
 * thread exits, CLONE_CHILD_CLEARTID zeroes that word and wakes its futex
 * (what pthread_join waits on). */
static void clone_child_cleartid_clears_and_wakes(void)
{
	static volatile int ctid;
	struct timespec limit = {3, 0};
	ctid = -1;
	long tid =
	    raw_clone(THREAD_BASE | CLONE_SYSVSEM | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID,
	              STACK_TOP, (int *)&ctid, (int *)&ctid, 0, nap_100ms);
	CHECK(tid > 0);
	CHECK(ctid == tid);
	int woken = 0;
	while (ctid != 0) {
		long r = futex_call(&ctid, FUTEX_WAIT, (int)tid, &limit, NULL, 0);
		if (r == -ETIMEDOUT)
			FAILF("not woken in 3 s; the tid word is %d", ctid);
		CHECK(r == 0 || r == -EAGAIN);
		woken += r == 0;
	}
	CHECK(woken == 1); /* the thread naps first, so the wait sleeps once */
}

/* --- Robust futexes ------------------------------------------------------ */

struct robust_head {
	void *next;
	long offset;
	void *pending;
};

static void set_robust_list_accepts_head(void)
{
	static struct robust_head head = {&head, 0, NULL};
	void *got = NULL;
	size_t len = 0;
	CHECK_RAW(raw2(SYS_set_robust_list, &head, sizeof head), 0);
	CHECK_RAW(raw3(SYS_get_robust_list, 0, &got, &len), 0);
	CHECK(got == &head && len == sizeof head);
	CHECK_RAW(raw2(SYS_set_robust_list, &head, sizeof head - 1), -EINVAL);
}

static pthread_mutex_t robust;
static volatile int robust_held;

/* musl keeps a private robust mutex on its own list, which pthread_exit
 * walks; only a process-shared one is on the list it gives the kernel. */
static void robust_init(int pshared)
{
	pthread_mutexattr_t a;
	CHECK(pthread_mutexattr_init(&a) == 0);
	CHECK(pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST) == 0);
	if (pshared)
		CHECK(pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED) == 0);
	CHECK(pthread_mutex_init(&robust, &a) == 0);
	robust_held = 0;
}

/* The next locker after the owner died: EOWNERDEAD, then usable again once
 * marked consistent. */
static void robust_take_over(void)
{
	struct timespec deadline = ts_after(CLOCK_REALTIME, 3000 * MS);
	int err = pthread_mutex_timedlock(&robust, &deadline);
	if (err != EOWNERDEAD)
		FAILF("lock after the owner died: %s, want EOWNERDEAD", strerror(err));
	CHECK(pthread_mutex_consistent(&robust) == 0);
	CHECK(pthread_mutex_unlock(&robust) == 0);
	CHECK(pthread_mutex_lock(&robust) == 0);
	CHECK(pthread_mutex_unlock(&robust) == 0);
}

static void *lock_and_return(void *arg)
{
	(void)arg;
	CHECK(pthread_mutex_lock(&robust) == 0);
	return NULL;
}

static void robust_mutex_owner_exit_eownerdead(void)
{
	robust_init(0);
	thread_join(thread_start(lock_and_return, NULL));
	robust_take_over();
}

/* The owner of a process-shared robust mutex leaves by SYS_exit, past
 * musl's pthread_exit: only the kernel's walk of the robust list it was
 * given (set_robust_list) can release the lock, and the waiter is asleep
 * on it by then. In a child: musl's thread list is left stale. */
static void *lock_nap_and_vanish(void *arg)
{
	(void)arg;
	CHECK(pthread_mutex_lock(&robust) == 0);
	robust_held = 1;
	nap_100ms();
	raw_exit(0);
}

static void robust_released_by_kernel(void)
{
	robust_init(1);
	thread_start(lock_nap_and_vanish, NULL);
	while (!robust_held)
		sched_yield();
	robust_take_over();
}

static void robust_mutex_released_by_kernel_at_exit(void)
{
	CHECK_EXITED(run_in_child(robust_released_by_kernel), 0);
}

/* Bad robust lists: the kernel walks them at the thread's exit with the
 * user-copy paths and a bound, so a cycle, words at kernel or unmapped
 * addresses and a head outside user space end in nothing worse than the
 * locks not being released; the process goes on. */
static uint64_t evil_a[3], evil_b[3];

static void *vanish_with_robust_list(void *arg)
{
	uint64_t *head = arg;
	syscall(SYS_set_robust_list, head, 24L);
	raw_exit(0);
}

static void robust_lists_of_garbage(void)
{
	/* A cycle of two entries that never comes back to the head, each lock
	 * word at a kernel address, pending non-canonical. */
	static uint64_t head[3];
	head[0] = (uint64_t)(uintptr_t)evil_a;
	head[1] = 0xffff800000000000ULL - (uint64_t)(uintptr_t)evil_a;
	head[2] = 0x0000900000000000ULL;
	evil_a[0] = (uint64_t)(uintptr_t)evil_b;
	evil_b[0] = (uint64_t)(uintptr_t)evil_a;
	static uint64_t unmapped_next[3] = {0x10, 0, 0}; /* next is unmapped */
	void *lists[] = {head, unmapped_next, (void *)0xffff800000001000ULL, (void *)8};
	for (int i = 0; i < 4; i++) {
		thread_start(vanish_with_robust_list, lists[i]);
		wait_thread_count(1);
	}
}

static void robust_lists_of_garbage_harmless(void)
{
	CHECK_EXITED(run_in_child(robust_lists_of_garbage), 0);
}

/* --- /proc ------------------------------------------------------------------ */

/* Workers that sleep until released; their tids. */
static volatile int release;
static volatile int parked_tid[4];

static void *park(void *arg)
{
	long i = (long)arg;
	parked_tid[i] = gettid();
	while (!release)
		futex_call(&release, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, 0);
	return NULL;
}

static void park_start(pthread_t *th, int n)
{
	release = 0;
	for (long i = 0; i < n; i++) {
		parked_tid[i] = 0;
		th[i] = thread_start(park, (void *)i);
	}
	for (int i = 0; i < n; i++)
		while (!parked_tid[i])
			sched_yield();
}

static void park_end(pthread_t *th, int n)
{
	release = 1;
	futex_call(&release, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, n, NULL, NULL, 0);
	for (int i = 0; i < n; i++)
		thread_join(th[i]);
}

static void proc_task_lists_threads(void)
{
	pthread_t th[4];
	park_start(th, 4);
	int want[5] = {getpid(), parked_tid[0], parked_tid[1], parked_tid[2], parked_tid[3]};
	int seen[5] = {0}, n = 0;
	DIR *d = opendir("/proc/self/task");
	CHECK(d != NULL);
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		int tid = atoi(e->d_name), k = 0;
		while (k < 5 && want[k] != tid)
			k++;
		if (k == 5)
			FAILF("/proc/self/task lists %s, not a thread of %d", e->d_name, getpid());
		seen[k]++;
		n++;
	}
	closedir(d);
	for (int k = 0; k < 5; k++)
		if (seen[k] != 1)
			FAILF("/proc/self/task lists thread %d %d times", want[k], seen[k]);
	CHECK(n == 5);
	/* A thread's own directory: its status names it, and its group. */
	char path[64], text[4096];
	snprintf(path, sizeof path, "/proc/self/task/%d/status", parked_tid[2]);
	CHECK(read_path(path, text, sizeof text) > 0);
	char pid_line[32], tgid_line[32];
	snprintf(pid_line, sizeof pid_line, "\nPid:\t%d\n", parked_tid[2]);
	snprintf(tgid_line, sizeof tgid_line, "\nTgid:\t%d\n", getpid());
	if (!strstr(text, pid_line) || !strstr(text, tgid_line))
		FAILF("%s lacks Pid %d or Tgid %d", path, parked_tid[2], getpid());
	park_end(th, 4);
	wait_thread_count(1);
}

static void proc_status_threads_count(void)
{
	pthread_t th[4];
	CHECK(status_threads() == 1);
	park_start(th, 4);
	wait_thread_count(5);
	park_end(th, 4);
	wait_thread_count(1);
}

static const struct test tests[] = {
    T(pthread_create_join_1),
    T(pthread_create_join_8),
    T(pthread_create_join_100),
    T_SLOW(thread_create_join_1000_cycles, 60),
    T(mutex_contention_exact_total),
    T(condvar_producer_consumer_exact_total),
    T(gettid_differs_getpid_same),
    T(tls_differs_per_thread),
    T(clone_thread_without_sighand_einval),
    T(clone_sighand_without_vm_einval),
    T(clone_settls_noncanonical_eperm),
    T(clone_child_cleartid_clears_and_wakes),
    T(set_robust_list_accepts_head),
    T(robust_mutex_owner_exit_eownerdead),
    T(robust_mutex_released_by_kernel_at_exit),
    T(robust_lists_of_garbage_harmless),
    T(proc_task_lists_threads),
    T(proc_status_threads_count),
};

const struct test_area area_threads = TEST_AREA("threads", tests);
