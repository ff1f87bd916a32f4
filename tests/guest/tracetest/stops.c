/* tracetest: EXEC and INTERRUPT stops, breakpoints, single-stepping. */
#define _GNU_SOURCE
#include "tracetest.h"

/* ------------------------------------------------------------------------ */
/* EXEC and INTERRUPT stops.                                                */
/* ------------------------------------------------------------------------ */

static uint64_t elf_entry(const char *path)
{
	unsigned char h[64];
	int fd = open(path, O_RDONLY);
	CHECK(fd >= 0);
	CHECK(read(fd, h, sizeof h) == (long)sizeof h);
	close(fd);
	CHECK(memcmp(h, "\177ELF", 4) == 0);
	uint64_t entry;
	memcpy(&entry, h + 24, 8);
	return entry;
}

static void exec_stop_at_new_entry(void)
{
	uint64_t entry = elf_entry("/bin/true");
	struct kid k = spawn_kid(body_exec_true, 0);
	int t = trace_attach(k.pid, 0);
	trace_set(t, PTRACE_STOP_EXEC);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_STOP_EXEC, &e);
	CHECK_EQ(e.data[0], entry);
	struct user_regs r;
	get_regs(k.pid, &r);
	CHECK_EQ(r.rip, entry);
	CHECK(status_state(k.pid) == 'T');
	trace_set(t, 0);
	EXPECT_EVENT(t, PTRACE_STOP_EXIT, &e);
	CHECK_EQ(e.data[0], 0);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void interrupt_stops_busy_loop(void)
{
	struct kid k = spawn_kid(body_spin, 0);
	kid_go(&k);
	wait_spinning(k.pid, 0);
	int t = trace_attach(k.pid, 0);
	trace_set(t, PTRACE_STOP_INTERRUPT);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_STOP_INTERRUPT, &e);
	CHECK(status_state(k.pid) == 'T');
	struct user_regs r;
	get_regs(k.pid, &r);
	CHECK_EQ(r.rip, e.data[0]);
	CHECK_EQ(r.orig_rax, NO_SYSCALL);
	check_not_spinning(k.pid);
	trace_set(t, 0);
	wait_spinning(k.pid, spin_count(k.pid));
	close(t);
	kid_kill(&k);
}

static void interrupt_is_one_shot(void)
{
	struct kid k = spawn_kid(body_spin, 0);
	kid_go(&k);
	int t = trace_attach(k.pid, 0);
	trace_set(t, PTRACE_STOP_INTERRUPT);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_STOP_INTERRUPT, &e);
	trace_set(t, 0);
	unsigned long c = spin_count(k.pid);
	wait_spinning(k.pid, c);
	CHECK(!(poll_one(t, 50) & POLLIN)); /* no second stop */
	CHECK(status_state(k.pid) != 'T');
	trace_set(t, PTRACE_STOP_INTERRUPT); /* and it can be asked again */
	EXPECT_EVENT(t, PTRACE_STOP_INTERRUPT, &e);
	close(t);
	kid_kill(&k);
}

static void interrupt_stops_blocked_read_which_continues(void)
{
	struct kid k = spawn_kid(body_getpid, 0); /* blocked reading its go byte */
	int t = trace_attach(k.pid, 0);
	trace_set(t, PTRACE_STOP_INTERRUPT);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_STOP_INTERRUPT, &e);
	CHECK(status_state(k.pid) == 'T');
	struct user_regs r;
	get_regs(k.pid, &r);
	CHECK_EQ(r.rip, e.data[0]);
	trace_set(t, 0);
	wait_until(k.pid, 'S', SYS_read); /* back in the same read */
	kid_go(&k);
	CHECK(kid_result(&k) == k.pid); /* read returned the byte, not EINTR */
	CHECK_EXITED(kid_reap(&k), 0);
}

/* ------------------------------------------------------------------------ */
/* Breakpoints.                                                             */
/* ------------------------------------------------------------------------ */

static void breakpoint_event_address_and_rip(void)
{
	struct kid k = spawn_kid(body_call_bp, 1);
	int t = trace_attach(k.pid, 0);
	trace_set(t, PTRACE_STOP_BREAKPOINT);
	uint8_t orig = mem_peek(k.pid, U64(tt_bp_func));
	mem_poke(k.pid, U64(tt_bp_func), 0xcc);
	CHECK(mem_peek(k.pid, U64(tt_bp_func)) == 0xcc);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_STOP_BREAKPOINT, &e);
	CHECK_EQ(e.data[0], U64(tt_bp_func));
	struct user_regs r;
	get_regs(k.pid, &r);
	CHECK_EQ(r.rip, U64(tt_bp_func) + 1);
	mem_poke(k.pid, U64(tt_bp_func), orig);
	r.rip = U64(tt_bp_func);
	set_regs(k.pid, &r);
	trace_set(t, 0);
	CHECK(kid_result(&k) == 1);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void breakpoint_100_hits(void)
{
	struct kid k = spawn_kid(body_call_bp, 100);
	int t = trace_attach(k.pid, 0);
	uint64_t bp = U64(tt_bp_func);
	uint8_t orig = mem_peek(k.pid, bp);
	mem_poke(k.pid, bp, 0xcc);
	trace_set(t, PTRACE_STOP_BREAKPOINT);
	kid_go(&k);
	int hits = 0;
	struct ptrace_event e;
	struct user_regs r;
	for (;;) {
		next_event(t, &e);
		if (e.cause == PTRACE_STOP_EXIT)
			break;
		if (e.cause != PTRACE_STOP_BREAKPOINT || e.data[0] != bp)
			FAILF("hit %d: event %#lx data %#lx", hits, (unsigned long)e.cause,
			      (unsigned long)e.data[0]);
		get_regs(k.pid, &r);
		CHECK_EQ(r.rip, bp + 1);
		mem_poke(k.pid, bp, orig);
		r.rip = bp;
		set_regs(k.pid, &r);
		trace_set(t, PTRACE_STOP_SINGLESTEP | PTRACE_STOP_BREAKPOINT);
		EXPECT_EVENT(t, PTRACE_STOP_SINGLESTEP, &e);
		CHECK_EQ(e.data[0], U64(tt_bp_func_1));
		mem_poke(k.pid, bp, 0xcc);
		hits++;
		trace_set(t, PTRACE_STOP_BREAKPOINT);
	}
	if (hits != 100)
		FAILF("%d breakpoint hits, want 100", hits);
	CHECK_EQ(e.data[0], 0);
	CHECK(kid_result(&k) == 100);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void breakpoint_ignore_no_sigtrap(void)
{
	struct kid k = spawn_kid(body_int3, 0);
	int t = trace_attach(k.pid, 0);
	trace_set(t, PTRACE_STOP_BREAKPOINT);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_STOP_BREAKPOINT, &e);
	CHECK_EQ(e.data[0], U64(tt_int3_ret));
	trace_set(t, PTRACE_FLAG_IGNORE);
	CHECK(kid_result(&k) == 1);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void breakpoint_not_requested_sigtrap(void)
{
	struct kid k = spawn_kid(body_int3, 0);
	int t = trace_attach(k.pid, 0);
	trace_set(t, PTRACE_STOP_PRE_SYSCALL);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_STOP_EXIT, &e);
	int st = kid_reap(&k);
	CHECK_KILLED_BY(st, SIGTRAP);
	CHECK_EQ(e.data[0], st);
}

static void trapflag_not_requested_sigtrap(void)
{
	struct kid k = spawn_kid(body_set_tf, 0);
	int t = trace_attach(k.pid, 0);
	trace_set(t, PTRACE_STOP_EXIT);
	kid_go(&k);
	CHECK(kid_result(&k) == 1); /* its SIGTRAP handler ran once */
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_STOP_EXIT, &e);
	trace_set(t, 0);
	CHECK_EXITED(kid_reap(&k), 0);
}

/* ------------------------------------------------------------------------ */
/* Single-stepping.                                                         */
/* ------------------------------------------------------------------------ */

/* Start a kid whose body hits the int3 at fn; return at that stop. */
static int stop_at_int3(struct kid *k, kid_body body, char *fn)
{
	*k = spawn_kid(body, 0);
	int t = trace_attach(k->pid, 0);
	trace_set(t, PTRACE_STOP_BREAKPOINT);
	kid_go(k);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_STOP_BREAKPOINT, &e);
	CHECK_EQ(e.data[0], U64(fn));
	return t;
}

/* One step; the stop must be at want (0: anywhere); returns the rip. */
static uint64_t step_once(int t, pid_t pid, uint64_t want, struct user_regs *r)
{
	trace_set(t, PTRACE_STOP_SINGLESTEP | PTRACE_STOP_BREAKPOINT);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_STOP_SINGLESTEP, &e);
	get_regs(pid, r);
	if (r->rip != e.data[0])
		FAILF("step event rip %#lx, regs rip %#lx", (unsigned long)e.data[0],
		      (unsigned long)r->rip);
	if (want && e.data[0] != want)
		FAILF("stepped to %#lx, want %#lx", (unsigned long)e.data[0], (unsigned long)want);
	CHECK(r->rflags & 0x200); /* IF */
	return e.data[0];
}

static void singlestep_known_sequence(void)
{
	struct kid k;
	int t = stop_at_int3(&k, body_step_seq, tt_step_seq);
	struct user_regs r;
	get_regs(k.pid, &r);
	CHECK_EQ(r.rip, U64(tt_step_seq_1));
	step_once(t, k.pid, U64(tt_step_seq_2), &r);
	step_once(t, k.pid, U64(tt_step_seq_3), &r);
	CHECK_EQ(r.rcx & 0xffffffff, 7);
	step_once(t, k.pid, U64(tt_step_seq_4), &r);
	CHECK_EQ(r.rcx & 0xffffffff, 14);
	step_once(t, k.pid, U64(tt_step_seq_5), &r);
	CHECK_EQ(r.rdx & 0xffffffff, 0);
	uint64_t ret = 0;
	CHECK(mem_read(k.pid, r.rsp, &ret, 8) == 8);
	step_once(t, k.pid, ret, &r); /* the ret lands in the caller */
	trace_set(t, 0);
	CHECK(kid_result(&k) == 1);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void body_sys_step(long arg, int out) { (void)arg, call_void(tt_sys_step), report(out, 1); }

static void singlestep_over_syscall_stops_once_after_it(void)
{
	struct kid k;
	int t = stop_at_int3(&k, body_sys_step, tt_sys_step);
	struct user_regs r;
	step_once(t, k.pid, U64(tt_sys_step_2), &r);
	step_once(t, k.pid, U64(tt_sys_step_3), &r);
	step_once(t, k.pid, U64(tt_sys_step_4), &r); /* over the syscall */
	CHECK_EQ(r.rax, k.pid);
	step_once(t, k.pid, U64(tt_sys_step_5), &r); /* not a second stop at _4 */
	trace_set(t, 0);
	CHECK(kid_result(&k) == 1);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void singlestep_tf_never_leaks(void)
{
	struct kid k;
	int t = stop_at_int3(&k, body_sys_step_then_flags, tt_sys_step);
	struct user_regs r;
	step_once(t, k.pid, U64(tt_sys_step_2), &r);
	step_once(t, k.pid, U64(tt_sys_step_3), &r);
	trace_set(t, PTRACE_STOP_BREAKPOINT); /* stepping off */
	long fl = kid_result(&k);
	if (fl & (long)FL_TF)
		FAILF("TF set in the kid after stepping ended: rflags %#lx", (unsigned long)fl);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_STOP_EXIT, &e); /* no further step stop */
	CHECK_EQ(e.data[0], 0);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void singlestep_ignore_no_sigtrap(void)
{
	struct kid k;
	int t = stop_at_int3(&k, body_step_seq, tt_step_seq);
	struct user_regs r;
	step_once(t, k.pid, U64(tt_step_seq_2), &r);
	trace_set(t, PTRACE_FLAG_IGNORE);
	CHECK(kid_result(&k) == 1);
	CHECK_EXITED(kid_reap(&k), 0);
}

static const struct test tests[] = {
    T(exec_stop_at_new_entry),
    T(interrupt_stops_busy_loop),
    T(interrupt_is_one_shot),
    T(interrupt_stops_blocked_read_which_continues),
    T(breakpoint_event_address_and_rip),
    T_SLOW(breakpoint_100_hits, 30),
    T(breakpoint_ignore_no_sigtrap),
    T(breakpoint_not_requested_sigtrap),
    T(trapflag_not_requested_sigtrap),
    T(singlestep_known_sequence),
    T(singlestep_over_syscall_stops_once_after_it),
    T(singlestep_tf_never_leaks),
    T(singlestep_ignore_no_sigtrap),
};

const struct test_area area_stops = TEST_AREA("stops", tests);
