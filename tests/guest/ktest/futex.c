/* ktest: futex(2) by raw system call: values, timeouts (relative, and
 * absolute on either clock), signals, bad addresses and arguments, and the
 * counts that FUTEX_WAKE, FUTEX_WAKE_BITSET, FUTEX_REQUEUE,
 * FUTEX_CMP_REQUEUE and FUTEX_WAKE_OP return. Waiters are threads; a test
 * wakes them only once each sleeps in the kernel (thread_wait_asleep), so
 * every count is exact. */
#define _GNU_SOURCE
#include "ktest.h"

#define MS 1000000L
#define WAIT_P (FUTEX_WAIT | FUTEX_PRIVATE_FLAG)
#define WAKE_P (FUTEX_WAKE | FUTEX_PRIVATE_FLAG)
#define ALL 0x7fffffff /* wake or requeue every waiter */

static volatile int word, word2;

/* A thread blocked in one futex call; result is what that call returned. */
struct waiter {
	pthread_t th;
	volatile int *addr;
	int op, val;
	unsigned bitset;
	volatile int tid;
	volatile long result;
};

static void *waiter_main(void *arg)
{
	struct waiter *w = arg;
	w->tid = gettid();
	w->result = futex_call(w->addr, w->op, w->val, NULL, NULL, w->bitset);
	return NULL;
}

/* Start a waiter in futex(addr, op, val) and return once it sleeps there. */
static void waiter_start(struct waiter *w, volatile int *addr, int op, int val, unsigned bitset)
{
	*w = (struct waiter){.addr = addr, .op = op, .val = val, .bitset = bitset, .result = 1};
	w->th = thread_start(waiter_main, w);
	while (!w->tid)
		sched_yield();
	thread_wait_asleep(w->tid);
}

/* Join a woken waiter: its futex call must have returned 0. */
static void waiter_join(struct waiter *w)
{
	thread_join(w->th);
	if (w->result != 0)
		FAILF("waiter %d: futex returned %ld, want 0 (woken)", w->tid, w->result);
}

static int ts_before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

static void futex_wait_value_mismatch_eagain(void)
{
	word = 1;
	CHECK_RAW(futex_call(&word, FUTEX_WAIT, 2, NULL, NULL, 0), -EAGAIN);
	CHECK_RAW(futex_call(&word, WAIT_P, 0, NULL, NULL, 0), -EAGAIN);
	CHECK_RAW(futex_call(&word, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, -1, NULL, NULL,
	                     FUTEX_BITSET_MATCH_ANY),
	          -EAGAIN);
}

/* A relative timeout: ETIMEDOUT after at least that long; 0 at once. */
static void futex_wait_relative_timeout_etimedout(void)
{
	struct timespec rel = {0, 50 * MS}, zero = {0, 0};
	word = 0;
	long t0 = now_ns();
	CHECK_RAW(futex_call(&word, WAIT_P, 0, &rel, NULL, 0), -ETIMEDOUT);
	long ms = (now_ns() - t0) / MS;
	if (ms < 50 || ms > 2000)
		FAILF("a 50 ms timeout took %ld ms", ms);
	rel.tv_nsec = 10 * MS;
	CHECK_RAW(futex_call(&word, FUTEX_WAIT, 0, &rel, NULL, 0), -ETIMEDOUT);
	CHECK_RAW(futex_call(&word, WAIT_P, 0, &zero, NULL, 0), -ETIMEDOUT);
}

static void futex_wait_bad_timeout_einval(void)
{
	struct timespec nsec = {0, 1000000000L}, neg = {-1, 0};
	word = 0;
	CHECK_RAW(futex_call(&word, WAIT_P, 0, &nsec, NULL, 0), -EINVAL);
	CHECK_RAW(futex_call(&word, WAIT_P, 0, &neg, NULL, 0), -EINVAL);
	CHECK_RAW(futex_call(&word, WAIT_P, 0, (void *)KERNEL_ADDR, NULL, 0), -EFAULT);
}

/* FUTEX_WAIT_BITSET takes an absolute deadline on clock: it returns
 * ETIMEDOUT no earlier than it (and soon after); one in the past at once. */
static void wait_until_deadline(clockid_t clock, int flags)
{
	struct timespec deadline = ts_after(clock, 50 * MS), now, past = {0, 0};
	long t0 = now_ns();
	word = 0;
	CHECK_RAW(futex_call(&word, FUTEX_WAIT_BITSET | flags, 0, &deadline, NULL,
	                     FUTEX_BITSET_MATCH_ANY),
	          -ETIMEDOUT);
	CHECK(clock_gettime(clock, &now) == 0);
	if (ts_before(&now, &deadline))
		FAILF("returned at %ld.%09ld, before the deadline %ld.%09ld", (long)now.tv_sec,
		      now.tv_nsec, (long)deadline.tv_sec, deadline.tv_nsec);
	long ms = (now_ns() - t0) / MS;
	if (ms > 2000)
		FAILF("a deadline 50 ms ahead took %ld ms", ms);
	t0 = now_ns();
	CHECK_RAW(
	    futex_call(&word, FUTEX_WAIT_BITSET | flags, 0, &past, NULL, FUTEX_BITSET_MATCH_ANY),
	    -ETIMEDOUT);
	if ((now_ns() - t0) / MS > 1000)
		FAILF("a deadline in the past took %ld ms", (now_ns() - t0) / MS);
}

static void futex_wait_bitset_absolute_monotonic(void)
{
	wait_until_deadline(CLOCK_MONOTONIC, FUTEX_PRIVATE_FLAG);
	wait_until_deadline(CLOCK_MONOTONIC, 0);
}

static void futex_wait_bitset_absolute_realtime(void)
{
	wait_until_deadline(CLOCK_REALTIME, FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
}

/* A handler without SA_RESTART interrupts a wait, timed or not: EINTR.
 * A child sends SIGUSR1 every 10 ms until it is killed. */
static void futex_wait_interrupted_eintr(void)
{
	struct timespec rel = {5, 0};
	int me = getpid();
	set_handler(SIGUSR1, record_handler, 0);
	pid_t pinger = fork();
	CHECK(pinger >= 0);
	if (pinger == 0) {
		for (int i = 0; i < 500 && kill(me, SIGUSR1) == 0; i++)
			sleep_ms(10);
		_exit(0);
	}
	word = 0;
	CHECK_RAW(futex_call(&word, WAIT_P, 0, &rel, NULL, 0), -EINTR);
	CHECK(got_count >= 1 && got_sig == SIGUSR1);
	int before = got_count;
	CHECK_RAW(futex_call(&word, WAIT_P, 0, NULL, NULL, 0), -EINTR);
	CHECK(got_count > before);
	kill(pinger, SIGKILL);
	wait_for(pinger);
}

static void futex_bad_address_efault(void)
{
	struct timespec zero = {0, 0};
	int *gone = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(gone != MAP_FAILED);
	CHECK(munmap(gone, PAGE) == 0);
	volatile int *kern = (volatile int *)KERNEL_ADDR;
	CHECK_RAW(futex_call(gone, FUTEX_WAIT, 0, NULL, NULL, 0), -EFAULT);
	CHECK_RAW(futex_call(gone, WAIT_P, 0, &zero, NULL, 0), -EFAULT);
	CHECK_RAW(futex_call(gone, FUTEX_WAIT_BITSET, 0, NULL, NULL, 1), -EFAULT);
	CHECK_RAW(futex_call(kern, FUTEX_WAIT, 0, NULL, NULL, 0), -EFAULT);
	CHECK_RAW(futex_call(kern, WAIT_P, 0, NULL, NULL, 0), -EFAULT);
	CHECK_RAW(futex_call(kern, FUTEX_WAKE, 1, NULL, NULL, 0), -EFAULT);
	CHECK_RAW(futex_call(kern, WAKE_P, 1, NULL, NULL, 0), -EFAULT);
	word = 0;
	CHECK_RAW(futex_call(&word, FUTEX_CMP_REQUEUE, 1, FUTEX_VAL2(1), kern, 0), -EFAULT);
	CHECK_RAW(futex_call(&word, FUTEX_WAKE_OP, 1, FUTEX_VAL2(1), kern,
	                     FUTEX_OP_VAL(FUTEX_OP_SET, 1, FUTEX_OP_CMP_EQ, 0)),
	          -EFAULT);
	CHECK_RAW(futex_call(&word, FUTEX_WAKE_OP, 1, FUTEX_VAL2(1), gone,
	                     FUTEX_OP_VAL(FUTEX_OP_SET, 1, FUTEX_OP_CMP_EQ, 0)),
	          -EFAULT);
}

static void futex_unaligned_einval(void)
{
	static volatile int pair[2];
	volatile int *odd = (volatile int *)((volatile char *)pair + 1);
	CHECK_RAW(futex_call(odd, FUTEX_WAIT, 0, NULL, NULL, 0), -EINVAL);
	CHECK_RAW(futex_call(odd, WAIT_P, 0, NULL, NULL, 0), -EINVAL);
	CHECK_RAW(futex_call(odd, WAKE_P, 1, NULL, NULL, 0), -EINVAL);
	CHECK_RAW(
	    futex_call((volatile int *)((volatile char *)pair + 2), FUTEX_WAKE, 1, NULL, NULL, 0),
	    -EINVAL);
}

static void futex_bitset_zero_einval(void)
{
	word = 0;
	CHECK_RAW(futex_call(&word, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, 0),
	          -EINVAL);
	CHECK_RAW(futex_call(&word, FUTEX_WAKE_BITSET | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 0),
	          -EINVAL);
}

static void futex_unknown_op_enosys(void)
{
	word = 0;
	CHECK_RAW(futex_call(&word, 99, 0, NULL, NULL, 0), -ENOSYS);
	CHECK_RAW(futex_call(&word, 99 | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, 0), -ENOSYS);
}

/* FUTEX_WAKE returns how many it woke: never more than asked, none when
 * nobody waits. */
static void futex_wake_returns_count(void)
{
	struct waiter w[3];
	word = 0;
	CHECK_RAW(futex_call(&word, WAKE_P, ALL, NULL, NULL, 0), 0);
	for (int i = 0; i < 3; i++)
		waiter_start(&w[i], &word, WAIT_P, 0, 0);
	CHECK_RAW(futex_call(&word, WAKE_P, 2, NULL, NULL, 0), 2);
	CHECK_RAW(futex_call(&word, WAKE_P, ALL, NULL, NULL, 0), 1);
	CHECK_RAW(futex_call(&word, WAKE_P, ALL, NULL, NULL, 0), 0);
	for (int i = 0; i < 3; i++)
		waiter_join(&w[i]);
	/* Shared (not private) waits and wakes meet too. */
	waiter_start(&w[0], &word, FUTEX_WAIT, 0, 0);
	CHECK_RAW(futex_call(&word, FUTEX_WAKE, 5, NULL, NULL, 0), 1);
	waiter_join(&w[0]);
}

/* FUTEX_WAKE_BITSET wakes only waiters whose bitset meets its own. */
static void futex_wake_bitset_selects_waiters(void)
{
	struct waiter a, b;
	word = 0;
	waiter_start(&a, &word, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, 0, 0x1);
	waiter_start(&b, &word, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, 0, 0x6);
	CHECK_RAW(futex_call(&word, FUTEX_WAKE_BITSET | FUTEX_PRIVATE_FLAG, ALL, NULL, NULL, 0x8),
	          0);
	CHECK_RAW(futex_call(&word, FUTEX_WAKE_BITSET | FUTEX_PRIVATE_FLAG, ALL, NULL, NULL, 0x2),
	          1);
	waiter_join(&b);
	CHECK(a.result == 1);                                        /* still waiting */
	CHECK_RAW(futex_call(&word, WAKE_P, ALL, NULL, NULL, 0), 1); /* plain wake: any bitset */
	waiter_join(&a);
}

/* FUTEX_REQUEUE wakes nr_wake and moves up to val2 of the rest to uaddr2:
 * it returns both together. */
static void futex_requeue_moves_waiters(void)
{
	struct waiter w[3];
	word = word2 = 0;
	for (int i = 0; i < 3; i++)
		waiter_start(&w[i], &word, WAIT_P, 0, 0);
	CHECK_RAW(
	    futex_call(&word, FUTEX_REQUEUE | FUTEX_PRIVATE_FLAG, 1, FUTEX_VAL2(1), &word2, 0), 2);
	CHECK_RAW(futex_call(&word2, WAKE_P, ALL, NULL, NULL, 0), 1); /* the one moved */
	CHECK_RAW(futex_call(&word, WAKE_P, ALL, NULL, NULL, 0), 1);  /* the one left */
	for (int i = 0; i < 3; i++)
		waiter_join(&w[i]);
}

/* FUTEX_CMP_REQUEUE: EAGAIN (and nothing moved) unless *uaddr == val3. */
static void futex_cmp_requeue_checks_value(void)
{
	struct waiter w[3];
	word = word2 = 0;
	for (int i = 0; i < 3; i++)
		waiter_start(&w[i], &word, WAIT_P, 0, 0);
	CHECK_RAW(futex_call(&word, FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG, 1, FUTEX_VAL2(ALL),
	                     &word2, 1),
	          -EAGAIN);
	CHECK_RAW(futex_call(&word2, WAKE_P, ALL, NULL, NULL, 0), 0);
	CHECK_RAW(futex_call(&word, FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG, 1, FUTEX_VAL2(ALL),
	                     &word2, 0),
	          3);
	CHECK_RAW(futex_call(&word, WAKE_P, ALL, NULL, NULL, 0), 0);
	CHECK_RAW(futex_call(&word2, WAKE_P, ALL, NULL, NULL, 0), 2);
	for (int i = 0; i < 3; i++)
		waiter_join(&w[i]);
}

/* FUTEX_WAKE_OP: changes *uaddr2, wakes on uaddr, and on uaddr2 too when
 * the old value of *uaddr2 passes the comparison; returns all it woke. */
static void futex_wake_op(void)
{
	struct waiter a, b;
	word = word2 = 0;
	waiter_start(&a, &word, WAIT_P, 0, 0);
	waiter_start(&b, &word2, WAIT_P, 0, 0);
	CHECK_RAW(futex_call(&word, FUTEX_WAKE_OP | FUTEX_PRIVATE_FLAG, 1, FUTEX_VAL2(1), &word2,
	                     FUTEX_OP_VAL(FUTEX_OP_SET, 5, FUTEX_OP_CMP_EQ, 0)),
	          2);
	CHECK(word2 == 5);
	waiter_join(&a);
	waiter_join(&b);
	CHECK_RAW(futex_call(&word, FUTEX_WAKE_OP | FUTEX_PRIVATE_FLAG, 1, FUTEX_VAL2(1), &word2,
	                     FUTEX_OP_VAL(FUTEX_OP_ADD, 3, FUTEX_OP_CMP_GT, 100)),
	          0);
	CHECK(word2 == 8);
	/* The comparison fails (old 8 is not 0): the waiter on uaddr2 sleeps on. */
	waiter_start(&b, &word2, WAIT_P, 8, 0);
	CHECK_RAW(
	    futex_call(&word, FUTEX_WAKE_OP | FUTEX_PRIVATE_FLAG, 1, FUTEX_VAL2(1), &word2,
	               FUTEX_OP_VAL(FUTEX_OP_OR | FUTEX_OP_OPARG_SHIFT, 4, FUTEX_OP_CMP_EQ, 0)),
	    0);
	CHECK(word2 == (8 | 1 << 4));
	CHECK(b.result == 1);
	CHECK_RAW(futex_call(&word2, WAKE_P, 1, NULL, NULL, 0), 1);
	waiter_join(&b);
}

static const struct test tests[] = {
    T(futex_wait_value_mismatch_eagain),
    T(futex_wait_relative_timeout_etimedout),
    T(futex_wait_bad_timeout_einval),
    T(futex_wait_bitset_absolute_monotonic),
    T(futex_wait_bitset_absolute_realtime),
    T(futex_wait_interrupted_eintr),
    T(futex_bad_address_efault),
    T(futex_unaligned_einval),
    T(futex_bitset_zero_einval),
    T(futex_unknown_op_enosys),
    T(futex_wake_returns_count),
    T(futex_wake_bitset_selects_waiters),
    T(futex_requeue_moves_waiters),
    T(futex_cmp_requeue_checks_value),
    T(futex_wake_op),
};

const struct test_area area_futex = TEST_AREA("futex", tests);
