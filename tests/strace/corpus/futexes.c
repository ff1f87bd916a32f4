/* futexes: every futex operation strace decodes, with results that do not
 * depend on scheduling. Traced without -f, so only the main thread's calls
 * are shown; a helper thread (untraced) wakes each wait the main thread
 * blocks in, retrying until its wake reports a waiter, so the main thread
 * always sees 0 whatever the order the two threads run in. */
#define _GNU_SOURCE
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "../../../include/procyon/futex.h" /* the operations: musl has no header */
#define PRIV FUTEX_PRIVATE_FLAG
#define REALTIME FUTEX_CLOCK_REALTIME
#define ANY FUTEX_BITSET_MATCH_ANY
#define OP(op, oparg, cmp, cmparg)                                                                 \
	((unsigned)(((op)&0xf) << 28 | ((cmp)&0xf) << 24 | ((oparg)&0xfff) << 12 |                 \
	            ((cmparg)&0xfff)))
#define OPARG_SHIFT FUTEX_OP_OPARG_SHIFT

static int w, w2, blk[8];

static long fx(void *a, int op, unsigned v, const void *ts, void *a2, unsigned v3)
{
	return syscall(SYS_futex, a, op, v, ts, a2, v3);
}

static void pause_ms(long ms)
{
	struct timespec ts = {0, ms * 1000000};
	nanosleep(&ts, 0);
}

/* Wakes the main thread out of each of its blocking waits, in order. */
static void *helper(void *arg)
{
	(void)arg;
	while (fx(&blk[0], FUTEX_WAKE | PRIV, 1, 0, 0, 0) < 1)
		pause_ms(1);
	while (fx(&blk[1], FUTEX_WAKE_BITSET | PRIV, 1, 0, 0, 0x6) < 1)
		pause_ms(1);
	while (fx(&blk[2], FUTEX_CMP_REQUEUE | PRIV, 0, (void *)1, &blk[3], 0) < 1)
		pause_ms(1);
	while (fx(&blk[3], FUTEX_WAKE | PRIV, 1, 0, 0, 0) < 1)
		pause_ms(1);
	while (fx(&blk[5], FUTEX_WAKE_OP | PRIV, 0, (void *)1, &blk[4], OP(0, 0, 0, 0)) < 1)
		pause_ms(1);
	while (fx(&blk[6], FUTEX_WAKE, 1, 0, 0, 0) < 1)
		pause_ms(1);
	for (;;)
		pause();
}

int main(void)
{
	struct timespec rel = {0, 1000000}, past = {1, 0};
	pthread_t t;
	pthread_create(&t, 0, helper, 0);
	/* the wakes: nobody waits */
	fx(&w, FUTEX_WAKE, 1, 0, 0, 0);
	fx(&w, FUTEX_WAKE | PRIV, INT_MAX, 0, 0, 0);
	fx(&w, FUTEX_WAKE_BITSET | PRIV, 1, 0, 0, ANY);
	fx(&w, FUTEX_WAKE_BITSET, 2, 0, 0, 0x30);
	/* the waits that return at once */
	fx(&w, FUTEX_WAIT, 1, 0, 0, 0);
	fx(&w, FUTEX_WAIT | PRIV, 0, &rel, 0, 0);
	fx(&w, FUTEX_WAIT | PRIV | REALTIME, 0, &rel, 0, 0);
	fx(&w, FUTEX_WAIT_BITSET | PRIV, 0, &past, 0, ANY);
	fx(&w, FUTEX_WAIT_BITSET | REALTIME, 0, &past, 0, 1);
	fx(&w, FUTEX_WAIT_BITSET | PRIV, 7, 0, 0, ANY);
	/* requeues */
	fx(&w, FUTEX_REQUEUE | PRIV, 1, (void *)INT_MAX, &w2, 0);
	fx(&w, FUTEX_REQUEUE, 0, (void *)1, &w2, 0);
	fx(&w, FUTEX_CMP_REQUEUE | PRIV, 1, (void *)1, &w2, 0);
	fx(&w, FUTEX_CMP_REQUEUE, 1, (void *)1, &w2, 5);
	/* wake-op: each operation and comparison */
	fx(&w, FUTEX_WAKE_OP | PRIV, 1, (void *)1, &w2, OP(0, 4, 0, 0));
	fx(&w, FUTEX_WAKE_OP, 1, (void *)1, &w2, OP(1, 5, 1, 4));
	fx(&w, FUTEX_WAKE_OP | PRIV, 1, 0, &w2, OP(2, 0x10, 2, 9));
	fx(&w, FUTEX_WAKE_OP | PRIV, 0, 0, &w2, OP(3, 0x8, 3, 0x19));
	fx(&w, FUTEX_WAKE_OP | PRIV, 2, (void *)3, &w2, OP(4, 0x4, 4, 0x11));
	fx(&w, FUTEX_WAKE_OP | PRIV, 1, (void *)1, &w2, OP(OPARG_SHIFT | 2, 3, 5, 0xfff));
	fx(&w, FUTEX_WAKE_OP | PRIV, 1, (void *)1, &w2, OP(OPARG_SHIFT | 0, 0, 0, 0x1d));
	fx(&w, FUTEX_WAKE_OP | PRIV, 1, (void *)1, &w2, OP(7, 1, 0, 0));
	/* errors */
	fx(0, FUTEX_WAIT, 0, 0, 0, 0);
	fx((char *)&w + 1, FUTEX_WAKE, 1, 0, 0, 0);
	fx(&w, FUTEX_WAIT | PRIV, 0, (void *)8, 0, 0);
	fx(&w, 99, 1, 0, 0, 0);
	fx(&w, 99 | PRIV | REALTIME, 1, 0, 0, 0);
	fx(&w, FUTEX_WAKE | REALTIME, 1, 0, 0, 0);
	/* the waits the helper ends: a wake, a bitset wake, a requeue then a
	 * wake, a wake-op's second address, a shared wake */
	fx(&blk[0], FUTEX_WAIT | PRIV, 0, 0, 0, 0);
	fx(&blk[1], FUTEX_WAIT_BITSET | PRIV, 0, 0, 0, 0x4);
	fx(&blk[2], FUTEX_WAIT | PRIV, 0, 0, 0, 0);
	fx(&blk[4], FUTEX_WAIT | PRIV, 0, 0, 0, 0);
	fx(&blk[6], FUTEX_WAIT, 0, 0, 0, 0);
	return 0;
}
