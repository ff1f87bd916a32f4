/* threads: the decoders of the calls threads are made and synchronised
 * with, as strace 6.1 prints them: clone (its thread flags, and the
 * parent_tid, tls and child_tidptr it shows at exit), futex (each
 * operation's own arguments, the wake-op encoding, bitsets) and
 * get_robust_list. set_robust_list, gettid, set_tid_address, tkill and
 * tgkill are plain format strings in decode.c. */
#include "strace.h"

#define CLONE_PIDFD 0x1000u
#define CLONE_SETTLS 0x80000u
#define CLONE_PARENT_SETTID 0x100000u
#define CLONE_CHILD_CLEARTID 0x200000u
#define CLONE_CHILD_SETTID 0x1000000u
/* the flags whose pointers strace shows at exit, after the call */
#define CLONE_EXIT_ARGS                                                                            \
	(CLONE_PARENT_SETTID | CLONE_PIDFD | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID |           \
	 CLONE_SETTLS)

/* strace 6.1 names every flag but 0x400000 (CLONE_DETACHED, ignored by
 * Linux since 2.6 and musl still passes it): that bit prints in hex. */
static const struct flag clone_flags[] = {
    {0x100, "CLONE_VM"},
    {0x200, "CLONE_FS"},
    {0x400, "CLONE_FILES"},
    {0x800, "CLONE_SIGHAND"},
    {CLONE_PIDFD, "CLONE_PIDFD"},
    {0x2000, "CLONE_PTRACE"},
    {0x4000, "CLONE_VFORK"},
    {0x8000, "CLONE_PARENT"},
    {0x10000, "CLONE_THREAD"},
    {0x20000, "CLONE_NEWNS"},
    {0x40000, "CLONE_SYSVSEM"},
    {CLONE_SETTLS, "CLONE_SETTLS"},
    {CLONE_PARENT_SETTID, "CLONE_PARENT_SETTID"},
    {CLONE_CHILD_CLEARTID, "CLONE_CHILD_CLEARTID"},
    {0x800000, "CLONE_UNTRACED"},
    {CLONE_CHILD_SETTID, "CLONE_CHILD_SETTID"},
    {0x2000000, "CLONE_NEWCGROUP"},
    {0x4000000, "CLONE_NEWUTS"},
    {0x8000000, "CLONE_NEWIPC"},
    {0x10000000, "CLONE_NEWUSER"},
    {0x20000000, "CLONE_NEWPID"},
    {0x40000000, "CLONE_NEWNET"},
    {0x80000000, "CLONE_IO"},
};

/* x86_64 clone(flags, stack, parent_tid, child_tid, tls) */
int clone_has_exit_part(const struct tracee *t) { return (t->args[0] & CLONE_EXIT_ARGS) != 0; }

/* "child_stack=..., flags=A|B|SIGCHLD"; the pointers come at exit. */
void fmt_clone_entry(struct sbuf *b, struct tracee *t)
{
	uint64_t flags = t->args[0] & ~(uint64_t)0xff, sig = t->args[0] & 0xff;
	sb_puts(b, "child_stack=");
	fmt_ptr(b, t->args[1]);
	sb_puts(b, ", flags=");
	if (flags) {
		fmt_flags(b, flags, clone_flags, NF(clone_flags), "0");
		if (sig)
			sb_printf(b, "|%s", signal_name((long)sig));
	} else if (sig)
		sb_puts(b, signal_name((long)sig));
	else
		sb_puts(b, "0");
}

/* ", parent_tid=[N], tls=..., child_tidptr=..." for the flags that name
 * them; parent_tid is the id the kernel stored, or its address if the
 * call failed (nothing was stored). */
void fmt_clone_exit(struct sbuf *b, struct tracee *t, int64_t ret)
{
	uint64_t flags = t->args[0];
	int failed = ret < 0 && ret >= -4095;
	if (flags & (CLONE_PARENT_SETTID | CLONE_PIDFD)) {
		int32_t v;
		sb_puts(b, ", parent_tid=");
		if (!failed && peek_all(t, t->args[2], &v, sizeof v))
			sb_printf(b, (flags & CLONE_PARENT_SETTID) ? "[%u]" : "[%d]", v);
		else
			fmt_ptr(b, t->args[2]);
	}
	if (flags & CLONE_SETTLS) {
		sb_puts(b, ", tls=");
		fmt_ptr(b, t->args[4]);
	}
	if (flags & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID)) {
		sb_puts(b, ", child_tidptr=");
		fmt_ptr(b, t->args[3]);
	}
}

/* ------------------------------------------------------------------------ */
/* futex(uaddr, op, val, timeout or val2, uaddr2, val3)                     */
/* ------------------------------------------------------------------------ */

enum {
	F_WAIT,
	F_WAKE,
	F_FD,
	F_REQUEUE,
	F_CMP_REQUEUE,
	F_WAKE_OP,
	F_LOCK_PI,
	F_UNLOCK_PI,
	F_TRYLOCK_PI,
	F_WAIT_BITSET,
	F_WAKE_BITSET,
	F_WAIT_REQUEUE_PI,
	F_CMP_REQUEUE_PI,
	F_LOCK_PI2,
	F_NCMDS
};
#define F_PRIVATE 128u
#define F_REALTIME 256u

static const char *const futex_cmds[F_NCMDS] = {
    "FUTEX_WAIT",           "FUTEX_WAKE",        "FUTEX_FD",          "FUTEX_REQUEUE",
    "FUTEX_CMP_REQUEUE",    "FUTEX_WAKE_OP",     "FUTEX_LOCK_PI",     "FUTEX_UNLOCK_PI",
    "FUTEX_TRYLOCK_PI",     "FUTEX_WAIT_BITSET", "FUTEX_WAKE_BITSET", "FUTEX_WAIT_REQUEUE_PI",
    "FUTEX_CMP_REQUEUE_PI", "FUTEX_LOCK_PI2",
};

/* strace names the operation as one value from a list: every command
 * with and without _PRIVATE (FUTEX_FD's private form is spelt
 * FUTEX_FD|FUTEX_PRIVATE_FLAG), and |FUTEX_CLOCK_REALTIME only on the
 * waits that take an absolute clock (WAIT, WAIT_BITSET, WAIT_REQUEUE_PI).
 * Anything else is hex with a FUTEX_??? comment. */
static void fmt_futex_op(struct sbuf *b, uint32_t op)
{
	uint32_t cmd = op & ~(F_PRIVATE | F_REALTIME);
	int rt_ok = cmd == F_WAIT || cmd == F_WAIT_BITSET || cmd == F_WAIT_REQUEUE_PI;
	if (cmd >= F_NCMDS || ((op & F_REALTIME) && !rt_ok)) {
		sb_printf(b, "%#x /* FUTEX_??? */", op);
		return;
	}
	sb_puts(b, futex_cmds[cmd]);
	if (op & F_PRIVATE)
		sb_puts(b, cmd == F_FD ? "|FUTEX_PRIVATE_FLAG" : "_PRIVATE");
	if (op & F_REALTIME)
		sb_puts(b, "|FUTEX_CLOCK_REALTIME");
}

static void fmt_bitset(struct sbuf *b, uint32_t v)
{
	if (v == 0xffffffffu)
		sb_puts(b, "FUTEX_BITSET_MATCH_ANY");
	else
		sb_printf(b, "%#x", v);
}

/* FUTEX_WAKE_OP's val3: the operation on *uaddr2 and the comparison of
 * its old value, as the shifted fields of FUTEX_OP(op, oparg, cmp, cmparg). */
static void fmt_wake_op(struct sbuf *b, uint32_t v)
{
	static const char *const ops[] = {"SET", "ADD", "OR", "ANDN", "XOR"};
	static const char *const cmps[] = {"EQ", "NE", "LT", "LE", "GT", "GE"};
	uint32_t op = v >> 28, cmp = (v >> 24) & 0xf;
	if (op & 8)
		sb_puts(b, "FUTEX_OP_OPARG_SHIFT<<28|");
	op &= 7;
	if (op < NF(ops))
		sb_printf(b, "FUTEX_OP_%s<<28", ops[op]);
	else
		sb_printf(b, "%#x<<28 /* FUTEX_OP_??? */", op);
	sb_printf(b, "|%#x<<12|", (v >> 12) & 0xfff);
	if (cmp < NF(cmps))
		sb_printf(b, "FUTEX_OP_CMP_%s<<24", cmps[cmp]);
	else
		sb_printf(b, "%#x<<24 /* FUTEX_OP_CMP_??? */", cmp);
	sb_printf(b, "|%#x", v & 0xfff);
}

/* The whole argument list at entry: a futex call shows nothing at exit.
 * The command (without the flag bits) chooses which arguments are shown. */
void fmt_futex(struct sbuf *b, struct tracee *t)
{
	uint32_t op = (uint32_t)t->args[1], val = (uint32_t)t->args[2];
	uint32_t val2 = (uint32_t)t->args[3], val3 = (uint32_t)t->args[5];
	uint64_t timeout = t->args[3], uaddr2 = t->args[4];
	fmt_ptr(b, t->args[0]);
	sb_puts(b, ", ");
	fmt_futex_op(b, op);
	switch (op & 0x7f) {
	case F_WAIT:
		sb_printf(b, ", %u, ", val);
		fmt_timespec(b, t, timeout);
		break;
	case F_WAKE:
	case F_FD: sb_printf(b, ", %u", val); break;
	case F_REQUEUE:
		sb_printf(b, ", %u, %u, ", val, val2);
		fmt_ptr(b, uaddr2);
		break;
	case F_CMP_REQUEUE:
	case F_CMP_REQUEUE_PI:
		sb_printf(b, ", %u, %u, ", val, val2);
		fmt_ptr(b, uaddr2);
		sb_printf(b, ", %u", val3);
		break;
	case F_WAKE_OP:
		sb_printf(b, ", %u, %u, ", val, val2);
		fmt_ptr(b, uaddr2);
		sb_puts(b, ", ");
		fmt_wake_op(b, val3);
		break;
	case F_LOCK_PI:
	case F_LOCK_PI2:
		sb_puts(b, ", ");
		fmt_timespec(b, t, timeout);
		break;
	case F_UNLOCK_PI:
	case F_TRYLOCK_PI: break;
	case F_WAIT_BITSET:
		sb_printf(b, ", %u, ", val);
		fmt_timespec(b, t, timeout);
		sb_puts(b, ", ");
		fmt_bitset(b, val3);
		break;
	case F_WAKE_BITSET:
		sb_printf(b, ", %u, ", val);
		fmt_bitset(b, val3);
		break;
	case F_WAIT_REQUEUE_PI:
		sb_printf(b, ", %u, ", val);
		fmt_timespec(b, t, timeout);
		sb_puts(b, ", ");
		fmt_ptr(b, uaddr2);
		break;
	default: /* unknown: everything, the timeout as an address */
		sb_printf(b, ", %u, ", val);
		fmt_ptr(b, timeout);
		sb_puts(b, ", ");
		fmt_ptr(b, uaddr2);
		sb_printf(b, ", %#x", val3);
	}
}

/* get_robust_list(pid, [head], [len]): both filled in by the call. */
void fmt_get_robust_list_exit(struct sbuf *b, struct tracee *t, int64_t ret)
{
	int failed = ret < 0 && ret >= -4095;
	uint64_t head, len;
	if (!failed && peek_all(t, t->args[1], &head, sizeof head)) {
		sb_puts(b, "[");
		fmt_ptr(b, head);
		sb_puts(b, "]");
	} else
		fmt_ptr(b, t->args[1]);
	sb_puts(b, ", ");
	if (!failed && peek_all(t, t->args[2], &len, sizeof len))
		sb_printf(b, "[%lu]", (unsigned long)len);
	else
		fmt_ptr(b, t->args[2]);
}
