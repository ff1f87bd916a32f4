/* tracetest: syscall stops: events, registers, sysemu, rewriting. */
#define _GNU_SOURCE
#include "tracetest.h"

/* ------------------------------------------------------------------------ */
/* Syscall stops: events, registers, rewriting.                             */
/* ------------------------------------------------------------------------ */

static void pre_syscall_event_number_and_args(void)
{
	struct kid k = spawn_kid(body_six_args, 0);
	int t = trace_attach(k.pid, 0);
	trace_set(t, PTRACE_STOP_PRE_SYSCALL);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_SYSCALL_STOP(t, PTRACE_STOP_PRE_SYSCALL, SYS_getpid, &e);
	static const uint64_t want[6] = {ARG1, ARG2, ARG3, ARG4, ARG5, ARG6};
	for (int i = 0; i < 6; i++)
		if (e.data[i + 1] != want[i])
			FAILF("arg %d: %#lx want %#lx", i + 1, (unsigned long)e.data[i + 1],
			      (unsigned long)want[i]);
	struct user_regs r;
	get_regs(k.pid, &r);
	CHECK_EQ(r.orig_rax, SYS_getpid);
	CHECK_EQ(r.rax, SYS_getpid);
	CHECK(r.rdi == want[0] && r.rsi == want[1] && r.rdx == want[2]);
	CHECK(r.r10 == want[3] && r.r8 == want[4] && r.r9 == want[5]);
	trace_set(t, 0);
	CHECK(kid_result(&k) == k.pid);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void post_syscall_event_return_value(void)
{
	struct kid k = spawn_kid(body_getpid, 0);
	int t = trace_attach(k.pid, 0);
	trace_set(t, PTRACE_STOP_POST_SYSCALL);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_SYSCALL_STOP(t, PTRACE_STOP_POST_SYSCALL, SYS_getpid, &e);
	CHECK_EQ(e.data[1], k.pid);
	struct user_regs r;
	get_regs(k.pid, &r);
	CHECK_EQ(r.rax, k.pid);
	CHECK_EQ(r.orig_rax, SYS_getpid);
	trace_set(t, 0);
	CHECK(kid_result(&k) == k.pid);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void post_syscall_negative_errno(void)
{
	struct kid k = spawn_kid(body_close_bad, 0);
	int t = trace_attach(k.pid, 0);
	trace_set(t, PTRACE_STOP_PRE_SYSCALL | PTRACE_STOP_POST_SYSCALL);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_SYSCALL_STOP(t, PTRACE_STOP_PRE_SYSCALL, SYS_close, &e);
	CHECK_EQ(e.data[1], (uint64_t)-1);
	trace_set(t, PTRACE_STOP_PRE_SYSCALL | PTRACE_STOP_POST_SYSCALL);
	EXPECT_SYSCALL_STOP(t, PTRACE_STOP_POST_SYSCALL, SYS_close, &e);
	CHECK_EQ(e.data[1], (uint64_t)-EBADF);
	struct user_regs r;
	get_regs(k.pid, &r);
	CHECK_EQ(r.rax, (uint64_t)-EBADF);
	trace_set(t, 0);
	CHECK(kid_result(&k) == -EBADF);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void change_orig_rax_changes_syscall(void)
{
	struct kid k = spawn_kid(body_getpid, 0);
	int t = trace_attach(k.pid, 0);
	trace_set(t, PTRACE_STOP_PRE_SYSCALL | PTRACE_STOP_POST_SYSCALL);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_SYSCALL_STOP(t, PTRACE_STOP_PRE_SYSCALL, SYS_getpid, &e);
	struct user_regs r;
	get_regs(k.pid, &r);
	r.orig_rax = SYS_getppid;
	set_regs(k.pid, &r);
	trace_set(t, PTRACE_STOP_POST_SYSCALL);
	EXPECT_SYSCALL_STOP(t, PTRACE_STOP_POST_SYSCALL, SYS_getppid, &e);
	CHECK_EQ(e.data[1], getpid());
	trace_set(t, 0);
	CHECK(kid_result(&k) == getpid()); /* getppid ran instead of getpid */
	CHECK_EXITED(kid_reap(&k), 0);
}

static void change_rax_at_exit_changes_result(void)
{
	struct kid k = spawn_kid(body_getpid, 0);
	int t = trace_attach(k.pid, 0);
	trace_set(t, PTRACE_STOP_POST_SYSCALL);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_SYSCALL_STOP(t, PTRACE_STOP_POST_SYSCALL, SYS_getpid, &e);
	struct user_regs r;
	get_regs(k.pid, &r);
	r.rax = 777;
	set_regs(k.pid, &r);
	trace_set(t, 0);
	CHECK(kid_result(&k) == 777);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void sysemu_getpid_orig_rax_minus1(void)
{
	struct kid k = spawn_kid(body_getpid, 0);
	int t = trace_attach(k.pid, 0);
	trace_set(t, PTRACE_STOP_PRE_SYSCALL);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_SYSCALL_STOP(t, PTRACE_STOP_PRE_SYSCALL, SYS_getpid, &e);
	struct user_regs r;
	get_regs(k.pid, &r);
	r.orig_rax = NO_SYSCALL;
	r.rax = 4242;
	set_regs(k.pid, &r);
	trace_set(t, 0);
	CHECK(kid_result(&k) == 4242);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void sysemu_getpid_ignore_flag(void)
{
	struct kid k = spawn_kid(body_getpid, 0);
	int t = trace_attach(k.pid, 0);
	trace_set(t, PTRACE_STOP_PRE_SYSCALL);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_SYSCALL_STOP(t, PTRACE_STOP_PRE_SYSCALL, SYS_getpid, &e);
	struct user_regs r;
	get_regs(k.pid, &r);
	r.rax = 4242;
	set_regs(k.pid, &r);
	trace_set(t, PTRACE_FLAG_IGNORE);
	CHECK(kid_result(&k) == 4242);
	CHECK_EXITED(kid_reap(&k), 0);
}

/* sysemu of write(out, "X", 1): it reports 1 but the byte never arrives. */
static void sysemu_skips_side_effect(void)
{
	struct kid k = spawn_kid(body_write_marker, 0);
	int t = trace_attach(k.pid, 0);
	trace_set(t, PTRACE_STOP_PRE_SYSCALL);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_SYSCALL_STOP(t, PTRACE_STOP_PRE_SYSCALL, SYS_write, &e);
	CHECK_EQ(e.data[3], 1);
	struct user_regs r;
	get_regs(k.pid, &r);
	r.rax = 1;
	set_regs(k.pid, &r);
	trace_set(t, PTRACE_FLAG_IGNORE);
	CHECK(kid_result(&k) == 1); /* an 'X' first would garble this */
	CHECK_EXITED(kid_reap(&k), 0);
}

static void redirect_write_stdout_to_stderr(void)
{
	int p1[2], p2[2];
	CHECK(pipe(p1) == 0 && pipe(p2) == 0);
	int save1 = dup(1), save2 = dup(2);
	CHECK(save1 >= 0 && save2 >= 0);
	CHECK(dup2(p1[1], 1) == 1 && dup2(p2[1], 2) == 2);
	struct kid k = spawn_kid(body_write_hello, 0);
	CHECK(dup2(save1, 1) == 1 && dup2(save2, 2) == 2);
	close(p1[1]);
	close(p2[1]);
	int t = trace_attach(k.pid, 0);
	trace_set(t, PTRACE_STOP_PRE_SYSCALL);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_SYSCALL_STOP(t, PTRACE_STOP_PRE_SYSCALL, SYS_write, &e);
	CHECK_EQ(e.data[1], 1);
	struct user_regs r;
	get_regs(k.pid, &r);
	CHECK_EQ(r.rdi, 1);
	r.rdi = 2;
	set_regs(k.pid, &r);
	trace_set(t, 0);
	CHECK(kid_result(&k) == 5);
	CHECK_EXITED(kid_reap(&k), 0);
	char buf[16] = {0};
	CHECK(read(p2[0], buf, sizeof buf) == 5 && memcmp(buf, "hello", 5) == 0);
	CHECK(read(p1[0], buf, sizeof buf) == 0); /* nothing went to fd 1 */
}

static const struct test tests[] = {
    T(pre_syscall_event_number_and_args), T(post_syscall_event_return_value),
    T(post_syscall_negative_errno),       T(change_orig_rax_changes_syscall),
    T(change_rax_at_exit_changes_result), T(sysemu_getpid_orig_rax_minus1),
    T(sysemu_getpid_ignore_flag),         T(sysemu_skips_side_effect),
    T(redirect_write_stdout_to_stderr),
};

const struct test_area area_syscalls = TEST_AREA("syscalls", tests);
