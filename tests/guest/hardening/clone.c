/* hardening: clone's stores into another process's memory (the tid
 * stores), and the TLS base and stack it takes, for vfork and plain
 * children. */
#define _GNU_SOURCE
#include "hardening.h"
#include <sched.h> /* the CLONE_ flags */

#define ARCH_GET_FS 0x1003

/* ------------------------------------------------------------------------ */
/* Stores into another process's memory (clone's tid stores).               */
/* ------------------------------------------------------------------------ */

static volatile int32_t ctid_var;

/* The reported hole: after a CLONE_VFORK child exited, clone's
 * CLONE_CHILD_SETTID store walked the dead child's (freed) page tables; with
 * user pages sprayed with page-table-shaped words, the walk could reach any
 * physical address and store a pid there (the attack set euid to 0). Now the
 * store is made before the child runs, into the child's own copy only. */
static void clone_vfork_child_settid_after_child_exit(void)
{
	become(1000, 1000);
	size_t spray = 4 << 20;
	uint64_t *m = mmap(NULL, spray, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED);
	for (size_t i = 0; i < spray / 8; i++)
		m[i] = ((i % 4096) << 12) | 0x67; /* present, writable, user */
	for (int round = 0; round < 100; round++) {
		ctid_var = 0;
		long pid =
		    raw5(SYS_clone, CLONE_VFORK | CLONE_CHILD_SETTID | SIGCHLD, 0, 0, &ctid_var, 0);
		if (pid == 0)
			raw_exit(ctid_var == (int32_t)raw0(SYS_getpid) ? 0 : 9);
		CHECK(pid > 0);
		CHECK_EQ(ctid_var, 0); /* the parent's copy is not the child's */
		CHECK_EXITED(wait_for((int)pid), 0);
		CHECK(geteuid() == 1000 && getuid() == 1000);
	}
}

/* CLONE_CHILD_SETTID into a page the child may not write: ignored, as on
 * Linux, and nothing is written through the kernel's own mappings. */
static void clone_child_settid_readonly_page_ignored(void)
{
	int32_t *ro = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(ro != MAP_FAILED);
	*ro = 77;
	CHECK(mprotect(ro, PAGE, PROT_READ) == 0);
	long pid = raw5(SYS_clone, CLONE_CHILD_SETTID | SIGCHLD, 0, 0, ro, 0);
	if (pid == 0)
		raw_exit(*ro == 77 ? 0 : 9);
	CHECK(pid > 0);
	CHECK_EXITED(wait_for((int)pid), 0);
	pid = raw5(SYS_clone, CLONE_CHILD_SETTID | CLONE_VFORK | SIGCHLD, 0, 0, KERNEL_ADDR, 0);
	if (pid == 0)
		raw_exit(0);
	CHECK(pid > 0);
	CHECK_EXITED(wait_for((int)pid), 0);
}

/* A TLS base outside user space is refused (EPERM, as Linux), no child. */
static void clone_settls_kernel_address_eperm(void)
{
	long procs = sys_value("procs");
	CHECK_EQ(raw5(SYS_clone, CLONE_SETTLS | SIGCHLD, 0, 0, 0, KERNEL_ADDR), -EPERM);
	CHECK_EQ(raw5(SYS_clone, CLONE_SETTLS | SIGCHLD, 0, 0, 0, NONCANONICAL), -EPERM);
	CHECK_EQ(raw5(SYS_clone, CLONE_SETTLS | CLONE_VFORK | SIGCHLD, 0, 0, 0, USER_TOP), -EPERM);
	CHECK(sys_value("procs") == procs);
	CHECK(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD);
}

/* CLONE_SETTLS takes effect in the child before it runs. */
static void clone_settls_sets_child_fs_base(void)
{
	uint64_t want = 0x12345000;
	long pid = raw5(SYS_clone, CLONE_SETTLS | SIGCHLD, 0, 0, 0, want);
	if (pid == 0) {
		uint64_t fs = 0;
		raw2(SYS_arch_prctl, ARCH_GET_FS, &fs);
		raw_exit(fs == want ? 0 : 9);
	}
	CHECK(pid > 0);
	CHECK_EXITED(wait_for((int)pid), 0);
}

/* A bad CLONE_PARENT_SETTID pointer does not fail the clone (Linux ignores
 * the store's failure), and a good one gets the pid. */
static void clone_parent_settid_stores(void)
{
	int32_t ptid = 0;
	long pid = raw5(SYS_clone, CLONE_PARENT_SETTID | SIGCHLD, 0, &ptid, 0, 0);
	if (pid == 0)
		raw_exit(0);
	CHECK(pid > 0 && ptid == pid);
	CHECK_EXITED(wait_for((int)pid), 0);
	pid = raw5(SYS_clone, CLONE_PARENT_SETTID | SIGCHLD, 0, KERNEL_ADDR, 0, 0);
	if (pid == 0)
		raw_exit(0);
	CHECK(pid > 0);
	CHECK_EXITED(wait_for((int)pid), 0);
}

/* A child stack outside user space: EINVAL, no child (a stack pointer the
 * return to user mode would have to load is a user-chosen register). */
static void clone_kernel_stack_einval(void)
{
	CHECK_EQ(raw5(SYS_clone, SIGCHLD, KERNEL_ADDR, 0, 0, 0), -EINVAL);
	CHECK_EQ(raw5(SYS_clone, SIGCHLD, NONCANONICAL, 0, 0, 0), -EINVAL);
	CHECK(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD);
}

/* The same stores for a vfork child that execs at once: they happened
 * before it ran, so nothing reaches the new image; the parent returns. */
static void clone_vfork_tls_cleartid_child_execs(void)
{
	static int32_t tid;
	char *argv[] = {"/bin/true", NULL}, *envp[] = {NULL};
	for (int i = 0; i < 20; i++) {
		long pid = raw5(SYS_clone,
		                CLONE_VFORK | CLONE_SETTLS | CLONE_CHILD_SETTID |
		                    CLONE_CHILD_CLEARTID | SIGCHLD,
		                0, 0, &tid, 0x10000);
		if (pid == 0) {
			raw3(SYS_execve, argv[0], argv, envp);
			raw_exit(99);
		}
		CHECK(pid > 0);
		CHECK_EXITED(wait_for((int)pid), 0);
	}
}

static const struct test tests[] = {
    T(clone_vfork_child_settid_after_child_exit),
    T(clone_child_settid_readonly_page_ignored),
    T(clone_settls_kernel_address_eperm),
    T(clone_settls_sets_child_fs_base),
    T(clone_parent_settid_stores),
    T(clone_kernel_stack_einval),
    T(clone_vfork_tls_cleartid_child_execs),
};

const struct test_area area_clone = TEST_AREA("clone", tests);
