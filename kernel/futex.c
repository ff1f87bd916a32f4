/* futex(2) as Linux: FUTEX_WAIT/WAKE, their _BITSET forms, REQUEUE,
 * CMP_REQUEUE and WAKE_OP, private or shared, with relative, absolute and
 * CLOCK_REALTIME timeouts; set_robust_list/get_robust_list and the robust
 * list's release at thread exit.
 * A futex is named by a key: (address space, user address) for private
 * memory, or the frame's kernel address for a MAP_SHARED page (the same
 * word seen by several processes). Waiters are records on their own
 * kernel stacks, in one FIFO list; a record is on the list exactly while
 * its thread waits and has not been woken. The word is read and written
 * only through copy_from_user/copy_to_user, so a bad address is EFAULT. */
#include "futex.h"
#include "errno.h"
#include "lib.h"
#include "mm.h"
#include "procyon/futex.h"
#include "syscall.h"
#include "time.h"
#include "uaccess.h"

#define ROBUST_LIST_LIMIT 2048 /* entries walked at exit, as Linux */

struct futex_key {
	const void *space; /* the mm (private), or NULL (a shared frame) */
	uint64_t addr;     /* user address, or the frame's kernel address */
};

struct futex_waiter {
	struct futex_waiter *next;
	struct futex_key key;
	uint32_t bitset;
	bool woken;
	struct waitq q;
};

static struct futex_waiter *waiters;

/* Threads waiting on a futex now (for leak tests). */
int futex_waiter_count(void)
{
	int n = 0;
	for (struct futex_waiter *w = waiters; w; w = w->next)
		n++;
	return n;
}

/* The key of the word at uaddr: -EINVAL unaligned, -EFAULT outside the
 * user's mapped memory. */
static int futex_key_of(uint64_t uaddr, bool private, struct futex_key *k)
{
	if (uaddr & 3)
		return -EINVAL;
	if (!user_range_ok(uaddr, 4))
		return -EFAULT;
	struct mm *mm = &current->tg->mm;
	const struct vma *v = private ? 0 : mm_vma_at(mm, uaddr);
	if (v && v->shared) {
		void *frame = mm_kaddr(mm, uaddr, MM_READ);
		if (!frame)
			return -EFAULT;
		*k = (struct futex_key){0, (uint64_t)frame};
		return 0;
	}
	*k = (struct futex_key){mm, uaddr};
	return 0;
}

static bool futex_key_eq(const struct futex_key *a, const struct futex_key *b)
{
	return a->space == b->space && a->addr == b->addr;
}

/* Wake up to n waiters on k whose bitset meets bitset; the number woken. */
static int futex_wake_key(const struct futex_key *k, int n, uint32_t bitset)
{
	int woken = 0;
	for (struct futex_waiter **pp = &waiters; *pp && woken < n;) {
		struct futex_waiter *w = *pp;
		if (futex_key_eq(&w->key, k) && (w->bitset & bitset)) {
			*pp = w->next;
			w->woken = true;
			waitq_wake(&w->q);
			woken++;
		} else {
			pp = &w->next;
		}
	}
	return woken;
}

static void futex_unlink(struct futex_waiter *me)
{
	for (struct futex_waiter **pp = &waiters; *pp; pp = &(*pp)->next)
		if (*pp == me) {
			*pp = me->next;
			return;
		}
}

/* Sleep on k while *uaddr == val, until woken, the deadline (0: none) or
 * a signal. */
static long futex_wait(uint64_t uaddr, bool private, uint32_t val, uint64_t deadline,
                       uint32_t bitset)
{
	struct futex_key k;
	uint32_t cur;
	if (!bitset)
		return -EINVAL;
	int err = futex_key_of(uaddr, private, &k);
	if (err)
		return err;
	if (copy_from_user(&cur, uaddr, sizeof cur))
		return -EFAULT;
	if (cur != val)
		return -EAGAIN;
	struct futex_waiter me = {.key = k, .bitset = bitset};
	struct futex_waiter **tail = &waiters;
	while (*tail)
		tail = &(*tail)->next;
	*tail = &me;
	int r = 0;
	while (!me.woken && r == 0)
		r = deadline ? waitq_sleep_until(&me.q, deadline) : waitq_sleep(&me.q);
	if (me.woken)
		return 0;
	futex_unlink(&me);
	return r;
}

/* FUTEX_WAKE_OP's operation on the old value, and its comparison; false
 * for an unknown one. */
static bool futex_op(uint32_t enc, uint32_t old, uint32_t *out, bool *cmp_true)
{
	unsigned op = (enc >> 28) & 7, cmp = (enc >> 24) & 15;
	int32_t oparg = (int32_t)(enc << 8) >> 20, cmparg = (int32_t)(enc << 20) >> 20;
	if (enc & (8u << 28))
		oparg = (int32_t)(1u << (oparg & 31));
	switch (op) {
	case 0: *out = (uint32_t)oparg; break;
	case 1: *out = old + (uint32_t)oparg; break;
	case 2: *out = old | (uint32_t)oparg; break;
	case 3: *out = old & ~(uint32_t)oparg; break;
	case 4: *out = old ^ (uint32_t)oparg; break;
	default: return false;
	}
	int32_t o = (int32_t)old;
	switch (cmp) {
	case 0: *cmp_true = o == cmparg; break;
	case 1: *cmp_true = o != cmparg; break;
	case 2: *cmp_true = o < cmparg; break;
	case 3: *cmp_true = o <= cmparg; break;
	case 4: *cmp_true = o > cmparg; break;
	case 5: *cmp_true = o >= cmparg; break;
	default: return false;
	}
	return true;
}

/* REQUEUE and CMP_REQUEUE: wake n on uaddr, move up to n2 more to uaddr2. */
static long futex_requeue(uint64_t uaddr, uint64_t uaddr2, bool private, int n, int n2,
                          const uint32_t *cmpval)
{
	struct futex_key k1, k2;
	if (n < 0 || n2 < 0)
		return -EINVAL;
	int err = futex_key_of(uaddr, private, &k1);
	if (!err)
		err = futex_key_of(uaddr2, private, &k2);
	if (err)
		return err;
	if (cmpval) {
		uint32_t cur;
		if (copy_from_user(&cur, uaddr, sizeof cur))
			return -EFAULT;
		if (cur != *cmpval)
			return -EAGAIN;
	}
	long done = futex_wake_key(&k1, n, FUTEX_BITSET_MATCH_ANY);
	for (struct futex_waiter *w = waiters; w && n2 > 0; w = w->next)
		if (futex_key_eq(&w->key, &k1)) {
			w->key = k2;
			n2--;
			done++;
		}
	return done;
}

static long futex_wake_op(uint64_t uaddr, uint64_t uaddr2, bool private, int n, int n2,
                          uint32_t enc)
{
	struct futex_key k1, k2;
	int err = futex_key_of(uaddr, private, &k1);
	if (!err)
		err = futex_key_of(uaddr2, private, &k2);
	if (err)
		return err;
	uint32_t old, new;
	bool cmp_true;
	if (copy_from_user(&old, uaddr2, sizeof old))
		return -EFAULT;
	if (!futex_op(enc, old, &new, &cmp_true))
		return -ENOSYS;
	if (copy_to_user(uaddr2, &new, sizeof new))
		return -EFAULT;
	long woken = futex_wake_key(&k1, n, FUTEX_BITSET_MATCH_ANY);
	if (cmp_true)
		woken += futex_wake_key(&k2, n2, FUTEX_BITSET_MATCH_ANY);
	return woken;
}

/* The timeout as a clock_ns deadline (0: none): relative for FUTEX_WAIT,
 * absolute for FUTEX_WAIT_BITSET, on CLOCK_REALTIME if asked. */
static int futex_deadline(uint64_t utime, bool absolute, bool realtime, uint64_t *deadline)
{
	uint64_t ns;
	*deadline = 0;
	if (!utime)
		return 0;
	int err = time_user_timespec_ns(utime, &ns);
	if (err)
		return err;
	if (!absolute)
		*deadline = clock_ns() + ns;
	else
		*deadline = realtime ? time_realtime_to_monotonic(ns) : ns;
	if (!*deadline)
		*deadline = 1; /* already past, not "none" */
	return 0;
}

long sys_futex(uint64_t uaddr, int op, uint32_t val, uint64_t utime, uint64_t uaddr2, uint32_t val3)
{
	int cmd = op & FUTEX_CMD_MASK;
	bool private = (op & FUTEX_PRIVATE_FLAG) != 0, realtime = (op & FUTEX_CLOCK_REALTIME) != 0;
	if (realtime && cmd != FUTEX_WAIT_BITSET)
		return -ENOSYS; /* Linux 5.13 on: FUTEX_WAIT is on CLOCK_MONOTONIC only */
	uint64_t deadline;
	struct futex_key k;
	int err;
	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET:
		err = futex_deadline(utime, cmd == FUTEX_WAIT_BITSET, realtime, &deadline);
		if (err)
			return err;
		return futex_wait(uaddr, private, val, deadline,
		                  cmd == FUTEX_WAIT ? FUTEX_BITSET_MATCH_ANY : val3);
	case FUTEX_WAKE:
	case FUTEX_WAKE_BITSET:
		if (cmd == FUTEX_WAKE_BITSET && !val3)
			return -EINVAL;
		if ((err = futex_key_of(uaddr, private, &k)))
			return err;
		return futex_wake_key(&k, (int)MIN(val, (uint32_t)INT32_MAX),
		                      cmd == FUTEX_WAKE ? FUTEX_BITSET_MATCH_ANY : val3);
	case FUTEX_REQUEUE:
	case FUTEX_CMP_REQUEUE:
		return futex_requeue(uaddr, uaddr2, private, (int)val, (int)(uint32_t)utime,
		                     cmd == FUTEX_CMP_REQUEUE ? &val3 : 0);
	case FUTEX_WAKE_OP:
		return futex_wake_op(uaddr, uaddr2, private, (int)val, (int)(uint32_t)utime, val3);
	default: return -ENOSYS;
	}
}

/* x86_64's struct robust_list_head: the list, the offset of each lock's
 * word from its entry, and the entry being taken or released. */
struct robust_head {
	uint64_t next;
	int64_t futex_offset;
	uint64_t pending;
};

long sys_set_robust_list(uint64_t head, size_t len)
{
	if (len != sizeof(struct robust_head))
		return -EINVAL;
	current->robust_list = head;
	return 0;
}

long sys_get_robust_list(int pid, uint64_t uhead, uint64_t ulen)
{
	struct proc *p = pid ? proc_find(pid) : current;
	if (!p || !proc_alive(p))
		return -ESRCH;
	if (p != current && !proc_ids_all_callers(current, p) && current->euid != 0)
		return -EPERM;
	uint64_t len = sizeof(struct robust_head);
	if (copy_to_user(uhead, &p->robust_list, 8) || copy_to_user(ulen, &len, 8))
		return -EFAULT;
	return 0;
}

/* A lock word the exiting thread tid holds: mark its owner dead and wake
 * one waiter, so the next locker gets EOWNERDEAD. */
static void futex_release_dead_owner(uint64_t uword, int tid)
{
	uint32_t w;
	if ((uword & 3) || copy_from_user(&w, uword, sizeof w) ||
	    (w & FUTEX_TID_MASK) != (uint32_t)tid)
		return;
	uint32_t died = (w & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
	if (copy_to_user(uword, &died, sizeof died))
		return;
	struct futex_key k;
	if ((w & FUTEX_WAITERS) && futex_key_of(uword, false, &k) == 0)
		futex_wake_key(&k, 1, FUTEX_BITSET_MATCH_ANY);
}

/* A thread exits (in its own context, its memory still there): release
 * the robust locks it holds, then clear and wake its CLONE_CHILD_CLEARTID
 * word (pthread_join waits on it). Bad user pointers are ignored. */
void futex_thread_exit(struct proc *p)
{
	struct robust_head h;
	if (p->robust_list && copy_from_user(&h, p->robust_list, sizeof h) == 0) {
		uint64_t e = h.next;
		for (int n = 0; e != p->robust_list && n < ROBUST_LIST_LIMIT; n++) {
			uint64_t next;
			if (copy_from_user(&next, e & ~1ULL, 8))
				break;
			if ((e & ~1ULL) != h.pending)
				futex_release_dead_owner((e & ~1ULL) + (uint64_t)h.futex_offset,
				                         p->pid);
			e = next;
		}
		if (h.pending)
			futex_release_dead_owner((h.pending & ~1ULL) + (uint64_t)h.futex_offset,
			                         p->pid);
	}
	p->robust_list = 0;
	if (p->clear_child_tid) {
		uint32_t zero = 0;
		struct futex_key k;
		if (copy_to_user(p->clear_child_tid, &zero, sizeof zero) == 0 &&
		    futex_key_of(p->clear_child_tid, false, &k) == 0)
			futex_wake_key(&k, 1, FUTEX_BITSET_MATCH_ANY);
		p->clear_child_tid = 0;
	}
}
