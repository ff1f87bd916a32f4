/* hardening: signals need permission (kill, tkill, tgkill of other uids, groups,
 * kill(-1) and init). */
#define _GNU_SOURCE
#include "hardening.h"

/* ------------------------------------------------------------------------ */
/* Signals need permission.                                                 */
/* ------------------------------------------------------------------------ */

static int victim;

static void try_kill_other_uid(void)
{
	become(1000, 1000);
	CHECK_ERR(kill(victim, SIGTERM), EPERM);
	CHECK_ERR(kill(victim, 0), EPERM);
	CHECK_ERR(syscall(SYS_tkill, victim, SIGTERM), EPERM);
	CHECK_ERR(syscall(SYS_tgkill, victim, victim, SIGTERM), EPERM);
	CHECK_ERR(kill(1, SIGTERM), EPERM); /* init is root's */
}

/* Before: any process could signal any other (kill a root daemon, stop a
 * debugger). Linux's rule: real or effective uid = target's real or saved. */
static void kill_other_uid_eperm(void)
{
	victim = spawn_sleeper_as(2000, 2000);
	CHECK_EXITED(in_child(try_kill_other_uid), 0);
	CHECK(proc_state(victim) == 'S');
	CHECK(waitpid(victim, NULL, WNOHANG) == 0);
	kill(victim, SIGKILL);
	CHECK_KILLED_BY(wait_for(victim), SIGKILL);
}

static void try_kill_same_uid(void)
{
	become(2000, 2000);
	CHECK(kill(victim, 0) == 0);
	CHECK(syscall(SYS_tgkill, victim, victim, SIGTERM) == 0);
}

static void kill_same_uid_allowed(void)
{
	victim = spawn_sleeper_as(2000, 2000);
	CHECK_EXITED(in_child(try_kill_same_uid), 0);
	CHECK_KILLED_BY(wait_for(victim), SIGTERM);
}

static int group_a, group_b;

static void try_kill_groups(void)
{
	become(1000, 1000);
	CHECK(kill(-group_a, SIGTERM) == 0);       /* one of two may be signalled */
	CHECK_ERR(kill(-group_b, SIGTERM), EPERM); /* none may */
}

/* kill of a process group signals the members the sender may signal and
 * skips the rest; EPERM when it may signal none of them. */
static void kill_group_skips_other_uids(void)
{
	int own = spawn_sleeper_as(1000, 1000), other = spawn_sleeper_as(2000, 2000);
	int lone = spawn_sleeper_as(2000, 2000);
	CHECK(setpgid(own, own) == 0 && setpgid(other, own) == 0 && setpgid(lone, lone) == 0);
	group_a = own;
	group_b = lone;
	CHECK_EXITED(in_child(try_kill_groups), 0);
	CHECK_KILLED_BY(wait_for(own), SIGTERM);
	CHECK(waitpid(other, NULL, WNOHANG) == 0 && waitpid(lone, NULL, WNOHANG) == 0);
	kill(other, SIGKILL);
	kill(lone, SIGKILL);
	wait_for(other);
	wait_for(lone);
}

static void try_kill_all_as_3000(void)
{
	become(3000, 3000);
	CHECK(kill(-1, SIGTERM) == 0);
}

static void try_kill_all_as_4000(void)
{
	become(4000, 4000);
	CHECK_ERR(kill(-1, SIGTERM), EPERM);
}

/* kill(-1) from a non-root process reaches only what it may signal. */
static void kill_minus_one_nonroot(void)
{
	int own = spawn_sleeper_as(3000, 3000), other = spawn_sleeper_as(2000, 2000);
	CHECK_EXITED(in_child(try_kill_all_as_3000), 0);
	CHECK_KILLED_BY(wait_for(own), SIGTERM);
	CHECK(waitpid(other, NULL, WNOHANG) == 0);
	CHECK_EXITED(in_child(try_kill_all_as_4000), 0);
	CHECK(waitpid(other, NULL, WNOHANG) == 0);
	kill(other, SIGKILL);
	wait_for(other);
}

/* pid 1 gets only the signals it has handlers for, even from root. */
static void kill_init_only_handled_signals(void)
{
	CHECK(kill(1, SIGTERM) == 0);
	CHECK(kill(1, SIGKILL) == 0);
	CHECK(kill(1, SIGSTOP) == 0);
	sleep_ms(20);
	CHECK(kill(1, 0) == 0);
	char st = proc_state(1);
	CHECK(st == 'R' || st == 'S');
}

static const struct test tests[] = {
    T(kill_other_uid_eperm),   T(kill_same_uid_allowed),          T(kill_group_skips_other_uids),
    T(kill_minus_one_nonroot), T(kill_init_only_handled_signals),
};

const struct test_area area_signals = TEST_AREA("signals", tests);
