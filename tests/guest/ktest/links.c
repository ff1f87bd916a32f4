/* ktest: hard links and symlinks in /tmp: link counts, readlink, lstat,
 * O_NOFOLLOW, resolution of relative, absolute and cross-scheme targets,
 * loops (ELOOP at Linux's 40 links) and paths through files (ENOTDIR). */
#define _GNU_SOURCE
#include "ktest.h"

static char p_[8][256];
/* A path below the test's directory (up to 8 live at once). */
static const char *at(const char *dir, const char *name)
{
	static int i;
	char *p = p_[i++ % 8];
	snprintf(p, sizeof p_[0], "%s/%s", dir, name);
	return p;
}

static void link_counts_names(void)
{
	const char *d = kt_dir("link");
	char buf[64];
	struct stat a, b;
	put_file(at(d, "f"), "shared");
	CHECK(link(at(d, "f"), at(d, "g")) == 0);
	CHECK(stat(at(d, "f"), &a) == 0 && stat(at(d, "g"), &b) == 0);
	CHECK(a.st_ino == b.st_ino && a.st_nlink == 2 && b.st_nlink == 2);
	CHECK_ERR(link(at(d, "f"), at(d, "g")), EEXIST);
	CHECK_ERR(link(at(d, "none"), at(d, "h")), ENOENT);
	CHECK(mkdir(at(d, "dir"), 0755) == 0);
	CHECK_ERR(link(at(d, "dir"), at(d, "dir2")), EPERM);
	CHECK(linkat(AT_FDCWD, at(d, "g"), AT_FDCWD, at(d, "h"), 0) == 0);
	CHECK(stat(at(d, "f"), &a) == 0 && a.st_nlink == 3);
	CHECK(unlink(at(d, "f")) == 0);
	CHECK(get_file(at(d, "h"), buf, sizeof buf) == 6 && strcmp(buf, "shared") == 0);
	CHECK(stat(at(d, "g"), &a) == 0 && a.st_nlink == 2);
	CHECK(check_tree(d) == 3);
	rm_tree(d);
}

static void symlink_readlink_lstat(void)
{
	const char *d = kt_dir("sym");
	char buf[64];
	struct stat st;
	put_file(at(d, "target"), "via link");
	CHECK(symlink("target", at(d, "l")) == 0);
	CHECK_ERR(symlink("x", at(d, "l")), EEXIST);
	CHECK_ERR(symlink("x", at(d, "target")), EEXIST);
	memset(buf, 'z', sizeof buf);
	CHECK(readlink(at(d, "l"), buf, sizeof buf) == 6);
	CHECK(memcmp(buf, "target", 6) == 0 && buf[6] == 'z'); /* no NUL added */
	CHECK(readlink(at(d, "l"), buf, 3) == 3);
	CHECK(readlinkat(AT_FDCWD, at(d, "l"), buf, sizeof buf) == 6);
	CHECK_ERR(readlink(at(d, "target"), buf, sizeof buf), EINVAL);
	CHECK_ERR(readlink(at(d, "none"), buf, sizeof buf), ENOENT);
	CHECK_ERR(syscall(SYS_readlink, at(d, "l"), buf, 0), EINVAL);
	CHECK(lstat(at(d, "l"), &st) == 0 && S_ISLNK(st.st_mode) && st.st_size == 6);
	CHECK(stat(at(d, "l"), &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 8);
	CHECK(fstatat(AT_FDCWD, at(d, "l"), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode));
	CHECK(get_file(at(d, "l"), buf, sizeof buf) == 8 && strcmp(buf, "via link") == 0);
	CHECK_ERR(open(at(d, "l"), O_RDONLY | O_NOFOLLOW), ELOOP);
	int fd = open(at(d, "target"), O_RDONLY | O_NOFOLLOW);
	CHECK(fd >= 0);
	close(fd);
	/* a dangling link: open fails, O_CREAT makes its target, O_EXCL does not follow */
	CHECK(symlink("made", at(d, "dangling")) == 0);
	CHECK_ERR(open(at(d, "dangling"), O_RDONLY), ENOENT);
	CHECK_ERR(open(at(d, "dangling"), O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST);
	fd = open(at(d, "dangling"), O_WRONLY | O_CREAT, 0644);
	CHECK(fd >= 0);
	close(fd);
	CHECK(lstat(at(d, "made"), &st) == 0 && S_ISREG(st.st_mode));
	/* unlink removes the link, not its target */
	CHECK(unlink(at(d, "l")) == 0);
	CHECK(stat(at(d, "target"), &st) == 0);
	CHECK(check_tree(d) == 3);
	rm_tree(d);
}

static void symlink_targets_resolve(void)
{
	const char *d = kt_dir("symres");
	char buf[64], abs[200];
	struct stat st;
	CHECK(mkdir(at(d, "sub"), 0755) == 0);
	put_file(at(d, "sub/file"), "deep");
	snprintf(abs, sizeof abs, "%s/sub", d);
	CHECK(symlink(abs, at(d, "abs")) == 0);   /* absolute, to a directory */
	CHECK(symlink("sub", at(d, "rel")) == 0); /* relative */
	CHECK(symlink("../sub/file", at(d, "sub/up")) == 0);
	CHECK(symlink("/dev/null", at(d, "null")) == 0); /* into another scheme */
	CHECK(symlink("/", at(d, "root")) == 0);
	CHECK(get_file(at(d, "abs/file"), buf, sizeof buf) == 4 && strcmp(buf, "deep") == 0);
	CHECK(get_file(at(d, "rel/file"), buf, sizeof buf) == 4);
	CHECK(get_file(at(d, "rel/up"), buf, sizeof buf) == 4 && strcmp(buf, "deep") == 0);
	CHECK(get_file(at(d, "abs/up"), buf, sizeof buf) == 4);
	CHECK(stat(at(d, "rel"), &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(stat(at(d, "root"), &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(stat(at(d, "root/tmp"), &st) == 0 && S_ISDIR(st.st_mode));
	int fd = open(at(d, "null"), O_WRONLY);
	CHECK(fd >= 0);
	CHECK(write(fd, "gone", 4) == 4);
	close(fd);
	/* a file created through a directory link lands in the directory */
	put_file(at(d, "rel/new"), "n");
	CHECK(lstat(at(d, "sub/new"), &st) == 0 && st.st_size == 1);
	CHECK(chdir(at(d, "rel")) == 0);
	CHECK(get_file("file", buf, sizeof buf) == 4);
	CHECK(chdir("/") == 0);
	CHECK(check_tree(d) == 8);
	rm_tree(d);
}

static void symlink_loops_eloop(void)
{
	const char *d = kt_dir("loop");
	char name[32], next[32];
	struct stat st;
	CHECK(symlink("b", at(d, "a")) == 0);
	CHECK(symlink("a", at(d, "b")) == 0);
	CHECK(symlink("self", at(d, "self")) == 0);
	CHECK_ERR(open(at(d, "a"), O_RDONLY), ELOOP);
	CHECK_ERR(stat(at(d, "a"), &st), ELOOP);
	CHECK(lstat(at(d, "a"), &st) == 0 && S_ISLNK(st.st_mode));
	CHECK_ERR(stat(at(d, "self/x"), &st), ELOOP);
	CHECK_ERR(open(at(d, "self/x"), O_WRONLY | O_CREAT, 0644), ELOOP);
	CHECK_ERR(mkdir(at(d, "a/x"), 0755), ELOOP);
	CHECK_ERR(chdir(at(d, "a")), ELOOP);
	CHECK_ERR(access(at(d, "a"), F_OK), ELOOP);
	/* a chain: 40 links resolve, 41 are a loop */
	put_file(at(d, "end"), "end");
	for (int i = 0; i <= 40; i++) {
		snprintf(name, sizeof name, "c%d", i);
		snprintf(next, sizeof next, "c%d", i + 1);
		CHECK(symlink(i == 40 ? "end" : next, at(d, name)) == 0);
	}
	CHECK(stat(at(d, "c1"), &st) == 0 && S_ISREG(st.st_mode));
	CHECK_ERR(stat(at(d, "c0"), &st), ELOOP);
	CHECK(check_tree(d) == 45);
	rm_tree(d);
}

static void path_through_file_enotdir(void)
{
	const char *d = kt_dir("notdir");
	struct stat st;
	put_file(at(d, "f"), "x");
	CHECK(symlink("f", at(d, "lf")) == 0);
	CHECK_ERR(open(at(d, "f/x"), O_RDONLY), ENOTDIR);
	CHECK_ERR(open(at(d, "f/x"), O_WRONLY | O_CREAT, 0644), ENOTDIR);
	CHECK_ERR(stat(at(d, "f/x"), &st), ENOTDIR);
	CHECK_ERR(lstat(at(d, "f/x/y"), &st), ENOTDIR);
	CHECK_ERR(mkdir(at(d, "f/d"), 0755), ENOTDIR);
	CHECK_ERR(unlink(at(d, "f/x")), ENOTDIR);
	CHECK_ERR(stat(at(d, "lf/x"), &st), ENOTDIR);
	CHECK_ERR(symlink("t", at(d, "f/s")), ENOTDIR);
	CHECK_ERR(chdir(at(d, "f")), ENOTDIR);
	CHECK_ERR(open(at(d, "f"), O_RDONLY | O_DIRECTORY), ENOTDIR);
	CHECK(check_tree(d) == 2);
	rm_tree(d);
}

static const struct test tests[] = {T(link_counts_names), T(symlink_readlink_lstat),
                                    T(symlink_targets_resolve), T(symlink_loops_eloop),
                                    T(path_through_file_enotdir)};
const struct test_area area_links = TEST_AREA("links", tests);
