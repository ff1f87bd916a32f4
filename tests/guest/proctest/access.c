/* proctest: who may open the guarded files of another process. */
#define _GNU_SOURCE
#include "proctest.h"

/* ------------------------------------------------------------------------ */
/* Access rules                                                             */
/* ------------------------------------------------------------------------ */

static const char *const guarded[] = {"regs/int",  "regs/float", "mem", "trace",
                                      "sysfilter", "maps",       "exe", "cmdline"};
#define NGUARDED (sizeof guarded / sizeof guarded[0])

static int open_guarded(pid_t pid, size_t i)
{
	int flags = strcmp(guarded[i], "trace") == 0 ? O_RDWR : O_RDONLY;
	return proc_file(pid, guarded[i], flags);
}

/* Every guarded file of pid must fail with EPERM; status and the listing
 * must still work. */
static void check_all_eperm(pid_t pid)
{
	for (size_t i = 0; i < NGUARDED; i++) {
		errno = 0;
		int fd = open_guarded(pid, i);
		if (fd >= 0 || errno != EPERM)
			FAILF("uid %ld gid %ld opening proc:%d/%s: fd %d errno %d, want EPERM",
			      syscall(SYS_geteuid), syscall(SYS_getegid), (int)pid, guarded[i], fd,
			      errno);
	}
	char text[512], list[1024], path[64];
	status_read(pid, text, sizeof text);
	snprintf(path, sizeof path, "proc:%d", (int)pid);
	CHECK(list_dir(path, list, sizeof list) == 0 && list_has(list, "status"));
}

static void check_all_allowed(pid_t pid)
{
	for (size_t i = 0; i < NGUARDED; i++) {
		if (pid == getpid() && strcmp(guarded[i], "trace") == 0)
			continue; /* tracing yourself is EINVAL, tested elsewhere */
		int fd = open_guarded(pid, i);
		if (fd < 0)
			FAILF("uid %ld opening proc:%d/%s: errno %d, want success",
			      syscall(SYS_geteuid), (int)pid, guarded[i], errno);
		close(fd);
	}
}

static void dropped_opens_root_parent(long parent)
{
	become(1000, 1000);
	check_all_eperm((pid_t)parent);
	check_all_eperm(1);
	check_all_allowed(getpid()); /* its own files stay open to it */
}

static void access_other_uid_eperm_status_ok(void)
{
	CHECK_EXITED(run_sub(dropped_opens_root_parent, getpid()), 0);
}

static void dropped_opens_root_sibling(long sib)
{
	become(1000, 1000);
	check_all_eperm((pid_t)sib);
}

static void access_other_uid_sibling_eperm(void)
{
	struct probe_kid k = spawn_probe_kid(xmm_a);
	CHECK_EXITED(run_sub(dropped_opens_root_sibling, k.pid), 0);
	kid_cycle_intact(&k, xmm_a);
	kid_end(&k);
}

/* Fork a kid that becomes uid/gid and blocks in read; wait until it has. */
static struct probe_kid spawn_probe_kid_as(unsigned uid, unsigned gid)
{
	struct probe_kid k = spawn_probe_kid_ids(xmm_a, uid, gid);
	CHECK(status_num(k.pid, "uid") == uid && status_num(k.pid, "gid") == gid);
	return k;
}

static void same_ids_ancestor(long unused)
{
	(void)unused;
	become(1000, 1000);
	struct probe_kid k = spawn_probe_kid_as(1000, 1000);
	check_all_allowed(k.pid);
	/* and a real session works */
	int t = attach_stopped(k.pid);
	struct user_regs r;
	int fd = regs_open(k.pid, &r);
	CHECK(r.rbx == RBX_MAGIC);
	CHECK(pwrite(fd, &r, sizeof r, 0) == (ssize_t)sizeof r);
	close(fd);
	close(t);
	kid_cycle_intact(&k, xmm_a);
	kid_end(&k);
}

static void access_same_ids_ancestor_allowed(void)
{
	CHECK_EXITED(run_sub(same_ids_ancestor, 0), 0);
}

/* The grandchild: an ancestor, not only the parent, qualifies. */
static void same_ids_grandparent(long unused)
{
	(void)unused;
	become(1000, 1000);
	int p[2], q[2];
	CHECK(pipe(p) == 0 && pipe(q) == 0);
	pid_t mid = fork();
	CHECK(mid >= 0);
	if (mid == 0) {
		close(p[0]);
		close(q[1]);
		pid_t g = fork();
		if (g == 0) {
			char c;
			read(q[0], &c, 1);
			_exit(0);
		}
		write(p[1], &g, sizeof g);
		int st;
		waitpid(g, &st, 0);
		_exit(0);
	}
	close(p[1]);
	close(q[0]);
	pid_t g;
	CHECK(read(p[0], &g, sizeof g) == sizeof g);
	wait_blocked_in_read(g);
	check_all_allowed(g);
	close(q[1]);
	CHECK_EXITED(wait_for(mid), 0);
}

static void access_same_ids_grandchild_allowed(void)
{
	CHECK_EXITED(run_sub(same_ids_grandparent, 0), 0);
}

static void uid_match_gid_mismatch(long unused)
{
	(void)unused;
	struct probe_kid k = spawn_probe_kid_as(1000, 2000); /* forked while still root */
	become(1000, 1000);
	check_all_eperm(k.pid);
	kid_end(&k);
}

static void access_uid_match_gid_mismatch_eperm(void)
{
	CHECK_EXITED(run_sub(uid_match_gid_mismatch, 0), 0);
}

static void gid_match_uid_mismatch(long unused)
{
	(void)unused;
	struct probe_kid k = spawn_probe_kid_as(2000, 1000);
	become(1000, 1000);
	check_all_eperm(k.pid);
	kid_end(&k);
}

static void access_gid_match_uid_mismatch_eperm(void)
{
	CHECK_EXITED(run_sub(gid_match_uid_mismatch, 0), 0);
}

static void sibling_opens(long sib)
{
	become(1000, 1000);
	check_all_eperm((pid_t)sib);
}

static void access_same_ids_non_ancestor_eperm(void)
{
	struct probe_kid b = spawn_probe_kid_as(1000, 1000);
	CHECK_EXITED(run_sub(sibling_opens, b.pid), 0);
	kid_cycle_intact(&b, xmm_a);
	kid_end(&b);
}

static void child_opens_parent(long unused)
{
	(void)unused;
	check_all_eperm(getppid());
}

static void parent_of_dropped_child(long unused)
{
	(void)unused;
	become(1000, 1000);
	CHECK_EXITED(run_sub(child_opens_parent, 0), 0);
}

static void access_same_ids_descendant_cannot_open_parent(void)
{
	CHECK_EXITED(run_sub(parent_of_dropped_child, 0), 0);
}

static void access_root_opens_any_but_pid1(void)
{
	struct probe_kid k = spawn_probe_kid_as(1000, 1000);
	check_all_allowed(k.pid);
	for (size_t i = 0; i < NGUARDED; i++) {
		errno = 0;
		int fd = open_guarded(1, i);
		if (fd >= 0 || errno != EPERM)
			FAILF("root opening proc:1/%s: fd %d errno %d, want EPERM", guarded[i], fd,
			      errno);
	}
	char text[512];
	status_read(1, text, sizeof text);
	kid_end(&k);
}

static const struct test tests[] = {
    T(access_other_uid_eperm_status_ok),    T(access_other_uid_sibling_eperm),
    T(access_same_ids_ancestor_allowed),    T(access_same_ids_grandchild_allowed),
    T(access_uid_match_gid_mismatch_eperm), T(access_gid_match_uid_mismatch_eperm),
    T(access_same_ids_non_ancestor_eperm),  T(access_same_ids_descendant_cannot_open_parent),
    T(access_root_opens_any_but_pid1),
};

const struct test_area area_access = TEST_AREA("access", tests);
