/* ktest: modes and owners that stick in /tmp: umask (per process,
 * inherited by fork), chmod/fchmod/fchmodat, chown/fchown/lchown/fchownat
 * (only root gives a file away), permission checks on open for a user
 * (root passes read/write checks), EPERM for a non-owner's chmod/chown. */
#define _GNU_SOURCE
#include "ktest.h"
#include <grp.h>

static char path_[4][256];
static const char *at(const char *dir, const char *name)
{
	static int i;
	char *p = path_[i++ % 4];
	snprintf(p, sizeof path_[0], "%s/%s", dir, name);
	return p;
}

static unsigned mode_of(const char *path)
{
	struct stat st;
	CHECK(lstat(path, &st) == 0);
	return st.st_mode & 07777;
}

static void umask_applied_and_inherited(void)
{
	const char *d = kt_dir("umask");
	mode_t old = umask(077);
	CHECK(umask(077) == 077);
	int fd = open(at(d, "f"), O_WRONLY | O_CREAT, 0666);
	CHECK(fd >= 0);
	close(fd);
	CHECK(mode_of(at(d, "f")) == 0600);
	CHECK(mkdir(at(d, "dir"), 0777) == 0);
	CHECK(mode_of(at(d, "dir")) == 0700);
	CHECK(mkfifo(at(d, "fifo"), 0666) == 0);
	CHECK(mode_of(at(d, "fifo")) == 0600);
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(umask(0) == 077 ? 0 : 1);
	CHECK_EXITED(wait_for(pid), 0);
	CHECK(umask(022) == 077); /* the child's change stayed in the child */
	fd = open(at(d, "g"), O_WRONLY | O_CREAT, 0777);
	close(fd);
	CHECK(mode_of(at(d, "g")) == 0755);
	umask(old);
	rm_tree(d);
}

static void chmod_sticks(void)
{
	const char *d = kt_dir("chmod");
	put_file(at(d, "f"), "x");
	CHECK(chmod(at(d, "f"), 0640) == 0);
	CHECK(mode_of(at(d, "f")) == 0640);
	int fd = open(at(d, "f"), O_RDONLY);
	CHECK(fchmod(fd, 0604) == 0);
	CHECK(mode_of(at(d, "f")) == 0604);
	close(fd);
	CHECK(fchmodat(AT_FDCWD, at(d, "f"), 04755, 0) == 0);
	CHECK(mode_of(at(d, "f")) == 04755);
	CHECK(symlink("f", at(d, "l")) == 0);
	CHECK(chmod(at(d, "l"), 0600) == 0); /* follows the link */
	CHECK(mode_of(at(d, "f")) == 0600);
	CHECK(mode_of(at(d, "l")) == 0777);
	CHECK_ERR(chmod(at(d, "none"), 0600), ENOENT);
	CHECK(mkdir(at(d, "dir"), 0755) == 0);
	CHECK(chmod(at(d, "dir"), 01777) == 0);
	CHECK(mode_of(at(d, "dir")) == 01777);
	rm_tree(d);
}

static void chown_sticks(void)
{
	const char *d = kt_dir("chown");
	struct stat st;
	put_file(at(d, "f"), "x");
	CHECK(symlink("f", at(d, "l")) == 0);
	CHECK(chown(at(d, "f"), 1000, 1001) == 0);
	CHECK(stat(at(d, "f"), &st) == 0 && st.st_uid == 1000 && st.st_gid == 1001);
	CHECK(lchown(at(d, "l"), 1002, 1003) == 0); /* the link, not its target */
	CHECK(lstat(at(d, "l"), &st) == 0 && st.st_uid == 1002 && st.st_gid == 1003);
	CHECK(stat(at(d, "f"), &st) == 0 && st.st_uid == 1000);
	CHECK(chown(at(d, "l"), 7, -1) == 0); /* follows; -1 keeps the group */
	CHECK(stat(at(d, "f"), &st) == 0 && st.st_uid == 7 && st.st_gid == 1001);
	int fd = open(at(d, "f"), O_RDONLY);
	CHECK(fchown(fd, 0, 0) == 0);
	close(fd);
	CHECK(fchownat(AT_FDCWD, at(d, "l"), 5, 5, AT_SYMLINK_NOFOLLOW) == 0);
	CHECK(lstat(at(d, "l"), &st) == 0 && st.st_uid == 5);
	CHECK(stat(at(d, "f"), &st) == 0 && st.st_uid == 0 && st.st_gid == 0);
	/* chown drops set-user-ID */
	CHECK(chmod(at(d, "f"), 04755) == 0);
	CHECK(chown(at(d, "f"), 1, 1) == 0);
	CHECK(mode_of(at(d, "f")) == 0755);
	CHECK_ERR(chown(at(d, "none"), 1, 1), ENOENT);
	rm_tree(d);
}

static const char *g_dir;

static void as_user_checks(long arg)
{
	(void)arg;
	const char *d = g_dir;
	become(1000, 1000);
	char buf[16];
	CHECK_ERR(open(at(d, "secret"), O_RDONLY), EACCES); /* 0600 root */
	CHECK_ERR(open(at(d, "public"), O_WRONLY), EACCES); /* 0644 root */
	CHECK_ERR(open(at(d, "public"), O_RDWR), EACCES);
	CHECK_ERR(open(at(d, "public"), O_RDONLY | O_TRUNC), EACCES);
	CHECK(get_file(at(d, "public"), buf, sizeof buf) == 3);
	CHECK_ERR(open(at(d, "closed/inside"), O_RDONLY), EACCES);       /* 0700 dir: no search */
	CHECK_ERR(open(at(d, "new"), O_WRONLY | O_CREAT, 0644), EACCES); /* 0755 root dir */
	CHECK_ERR(mkdir(at(d, "newdir"), 0755), EACCES);
	CHECK_ERR(unlink(at(d, "public")), EACCES);
	CHECK_ERR(chmod(at(d, "public"), 0666), EPERM);
	CHECK_ERR(chown(at(d, "public"), 1000, 1000), EPERM);
	CHECK_ERR(chown(at(d, "mine"), 0, -1), EPERM); /* not even one's own file */
	CHECK_ERR(chown(at(d, "mine"), -1, 0), EPERM); /* nor to a group one is not in */
	CHECK(chown(at(d, "mine"), 1000, 1000) == 0);  /* no change: allowed */
	CHECK(chmod(at(d, "mine"), 0600) == 0);
	CHECK(get_file(at(d, "mine"), buf, sizeof buf) == 4);
	CHECK(chmod(at(d, "mine"), 0) == 0);
	CHECK_ERR(open(at(d, "mine"), O_RDONLY), EACCES); /* the owner too */
	CHECK_ERR(access(at(d, "mine"), R_OK), EACCES);
	int fd = open(at(d, "open/f"), O_WRONLY | O_CREAT, 0640);
	CHECK(fd >= 0);
	close(fd);
	struct stat st;
	CHECK(stat(at(d, "open/f"), &st) == 0 && st.st_uid == 1000 && st.st_gid == 1000);
}

static void open_permission_checks(void)
{
	const char *d = g_dir = kt_dir("perm");
	put_file(at(d, "secret"), "top");
	CHECK(chmod(at(d, "secret"), 0600) == 0);
	put_file(at(d, "public"), "pub");
	CHECK(mkdir(at(d, "closed"), 0700) == 0);
	put_file(at(d, "closed/inside"), "in");
	CHECK(mkdir(at(d, "open"), 0777) == 0);
	CHECK(chmod(at(d, "open"), 0777) == 0);
	put_file(at(d, "mine"), "mine");
	CHECK(chown(at(d, "mine"), 1000, 1000) == 0);
	CHECK_EXITED(run_sub(as_user_checks, 0), 0);
	/* root reads and writes whatever the mode */
	CHECK(chmod(at(d, "secret"), 0) == 0);
	char buf[16];
	CHECK(get_file(at(d, "secret"), buf, sizeof buf) == 3);
	int fd = open(at(d, "secret"), O_RDWR);
	CHECK(fd >= 0);
	close(fd);
	CHECK(check_tree(d) == 7);
	rm_tree(d);
}

/* execve path in a child as uid (-1: as root): 0 if it ran (ktest -l
 * lists its tests and exits 0), else the errno. */
static int exec_as(const char *path, int uid)
{
	pid_t kid = fork();
	if (kid == 0) {
		if (uid >= 0)
			become((unsigned)uid, (unsigned)uid);
		char *argv[] = {"ktest", "-l", NULL};
		int fd = open("/dev/null", O_WRONLY);
		dup2(fd, 1);
		execve(path, argv, environ);
		_exit(100 + errno);
	}
	int st = wait_within(kid, 10, "the exec");
	return WIFEXITED(st) && WEXITSTATUS(st) >= 100 ? WEXITSTATUS(st) - 100 : 0;
}

/* Regression: exec ignored the mode bits. Linux needs execute permission
 * for the caller's class, and for root any x bit. */
static void exec_needs_execute_permission(void)
{
	char self[256];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	CHECK(n > 0);
	self[n < 0 ? 0 : n] = 0;
	static char image[1 << 20];
	ssize_t len = get_file(self, image, sizeof image);
	CHECK(len > 0 && len < (ssize_t)sizeof image - 1);
	const char *path = "/tmp/kt-exec-mode";
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0 && write(fd, image, (size_t)len) == len);
	close(fd);
	CHECK(exec_as(path, -1) == EACCES); /* root too: no x bit at all */
	CHECK(chmod(path, 0744) == 0);
	CHECK(exec_as(path, -1) == 0);        /* root: an x bit anywhere */
	CHECK(exec_as(path, 1000) == EACCES); /* the other class has none */
	CHECK(chmod(path, 0755) == 0);
	CHECK(exec_as(path, 1000) == 0);
	unlink(path);
}

/* Regression: only the primary group counted; a supplementary group that
 * owns the file gives the group class, as Linux's in_group_p. */
static void supplementary_group_gives_group_access(void)
{
	const char *path = "/tmp/kt-supp-group";
	put_file(path, "secret\n");
	CHECK(chown(path, 0, 4242) == 0 && chmod(path, 0640) == 0);
	for (int with = 0; with < 2; with++) {
		pid_t kid = fork();
		if (kid == 0) {
			gid_t g = 4242;
			CHECK(setgroups(with ? 1 : 0, &g) == 0);
			become(1000, 1000);
			if (with) {
				int f = open(path, O_RDONLY);
				CHECK(f >= 0);
				close(f);
				CHECK(access(path, R_OK) == 0);
			} else {
				CHECK_ERR(open(path, O_RDONLY), EACCES);
			}
			CHECK_ERR(open(path, O_WRONLY), EACCES);
			_exit(0);
		}
		CHECK_EXITED(wait_within(kid, 5, "the group member"), 0);
	}
	unlink(path);
}

static const struct test tests[] = {T(umask_applied_and_inherited),
                                    T(chmod_sticks),
                                    T(chown_sticks),
                                    T(open_permission_checks),
                                    T(exec_needs_execute_permission),
                                    T(supplementary_group_gives_group_access)};
const struct test_area area_modes = TEST_AREA("modes", tests);
