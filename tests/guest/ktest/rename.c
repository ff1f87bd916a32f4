/* ktest: rename, renameat and renameat2 (flags 0, RENAME_NOREPLACE and
 * RENAME_EXCHANGE):
 * the target replaced in one step, EINVAL for a directory into itself,
 * ENOTEMPTY for a non-empty target directory, EISDIR/ENOTDIR for type
 * mismatches, EXDEV only across schemes (on Procyon). */
#define _GNU_SOURCE
#include "ktest.h"

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE 1
#endif
#ifndef SYS_renameat2
#define SYS_renameat2 316
#endif
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE 2
#endif

static char path_[8][256];
static const char *at(const char *dir, const char *name)
{
	static int i;
	char *p = path_[i++ % 8];
	snprintf(p, sizeof path_[0], "%s/%s", dir, name);
	return p;
}

static void rename_replaces_target(void)
{
	const char *d = kt_dir("ren");
	char buf[32];
	struct stat st, a;
	put_file(at(d, "a"), "new contents");
	put_file(at(d, "b"), "old");
	CHECK(stat(at(d, "a"), &a) == 0);
	int old = open(at(d, "b"), O_RDONLY);
	CHECK(old >= 0);
	CHECK(rename(at(d, "a"), at(d, "b")) == 0);
	CHECK_ERR(stat(at(d, "a"), &st), ENOENT);
	CHECK(stat(at(d, "b"), &st) == 0 && st.st_ino == a.st_ino);
	CHECK(get_file(at(d, "b"), buf, sizeof buf) == 12);
	CHECK(read(old, buf, sizeof buf) == 3 && memcmp(buf, "old", 3) == 0); /* lives on */
	CHECK(fstat(old, &st) == 0 && st.st_nlink == 0);
	close(old);
	CHECK(rename(at(d, "b"), at(d, "b")) == 0); /* itself: nothing happens */
	CHECK(link(at(d, "b"), at(d, "hard")) == 0);
	CHECK(rename(at(d, "b"), at(d, "hard")) == 0); /* the same file: both names stay */
	CHECK(stat(at(d, "b"), &st) == 0 && st.st_nlink == 2);
	CHECK_ERR(rename(at(d, "none"), at(d, "x")), ENOENT);
	CHECK_ERR(rename(at(d, "b"), at(d, "nodir/x")), ENOENT);
	CHECK(renameat(AT_FDCWD, at(d, "b"), AT_FDCWD, at(d, "c")) == 0);
	put_file(at(d, "e"), "e");
	CHECK_ERR(
	    syscall(SYS_renameat2, AT_FDCWD, at(d, "c"), AT_FDCWD, at(d, "e"), RENAME_NOREPLACE),
	    EEXIST);
	CHECK(syscall(SYS_renameat2, AT_FDCWD, at(d, "c"), AT_FDCWD, at(d, "f"),
	              RENAME_NOREPLACE) == 0);
	CHECK_ERR(syscall(SYS_renameat2, AT_FDCWD, at(d, "f"), AT_FDCWD, at(d, "g"), 0x100),
	          EINVAL);
	/* a symlink is renamed, not its target */
	CHECK(symlink("f", at(d, "l")) == 0);
	CHECK(rename(at(d, "l"), at(d, "l2")) == 0);
	CHECK(lstat(at(d, "l2"), &st) == 0 && S_ISLNK(st.st_mode));
	CHECK(check_tree(d) == 4);
	rm_tree(d);
}

static void rename_directories(void)
{
	const char *d = kt_dir("rendir");
	struct stat st;
	CHECK(mkdir(at(d, "a"), 0755) == 0);
	CHECK(mkdir(at(d, "a/sub"), 0755) == 0);
	CHECK(mkdir(at(d, "empty"), 0755) == 0);
	CHECK(mkdir(at(d, "full"), 0755) == 0);
	put_file(at(d, "full/x"), "x");
	put_file(at(d, "file"), "f");
	CHECK_ERR(rename(at(d, "a"), at(d, "a/sub/into")), EINVAL);
	CHECK_ERR(rename(at(d, "a"), at(d, "a/into")), EINVAL);
	CHECK_ERR(rename(at(d, "a"), at(d, "full")), ENOTEMPTY);
	CHECK_ERR(rename(at(d, "a/sub"), at(d, "a")), ENOTEMPTY);
	CHECK_ERR(rename(at(d, "a"), at(d, "file")), ENOTDIR);
	CHECK_ERR(rename(at(d, "file"), at(d, "empty")), EISDIR);
	CHECK(rename(at(d, "a"), at(d, "empty")) == 0); /* an empty directory is replaced */
	CHECK(stat(at(d, "empty/sub"), &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(rename(at(d, "empty/sub"), at(d, "full/sub")) == 0);
	CHECK(stat(at(d, "empty"), &st) == 0 && st.st_nlink == 2);
	CHECK(stat(at(d, "full"), &st) == 0 && st.st_nlink == 3);
	CHECK(stat(d, &st) == 0 && st.st_nlink == 4);
	CHECK(check_tree(d) == 5);
	rm_tree(d);
}

static void rename_exdev_across_schemes(void)
{
	if (!on_procyon())
		return; /* on Linux /tmp and / may be one filesystem */
	const char *d = kt_dir("renx");
	put_file(at(d, "f"), "x");
	CHECK_ERR(rename(at(d, "f"), "/bin/kt_renamed"), EXDEV);
	CHECK_ERR(rename("/bin/none", at(d, "g")), ENOENT);
	CHECK_ERR(link(at(d, "f"), "/kt_link"), EXDEV);
	CHECK(rename(at(d, "f"), "tmp:kt_renx/g") == 0); /* the same scheme by another name */
	struct stat st;
	CHECK(stat(at(d, "g"), &st) == 0);
	rm_tree(d);
}

/* Regression: RENAME_EXCHANGE was ENOTSUP. The two names swap files (a
 * file and a directory too, the link counts following), atomically;
 * ENOENT if either is missing, EINVAL with RENAME_NOREPLACE or if a
 * directory would end up inside itself. */
static void rename_exchange_swaps(void)
{
	const char *d = kt_dir("renxch");
	char buf[32];
	put_file(at(d, "a"), "AAA");
	put_file(at(d, "b"), "BBBB");
	CHECK(syscall(SYS_renameat2, AT_FDCWD, at(d, "a"), AT_FDCWD, at(d, "b"), RENAME_EXCHANGE) ==
	      0);
	CHECK(get_file(at(d, "a"), buf, sizeof buf) == 4 && strcmp(buf, "BBBB") == 0);
	CHECK(get_file(at(d, "b"), buf, sizeof buf) == 3 && strcmp(buf, "AAA") == 0);
	CHECK(mkdir(at(d, "sub"), 0755) == 0);
	put_file(at(d, "sub/inner"), "x");
	struct stat st;
	CHECK(stat(d, &st) == 0);
	nlink_t before = st.st_nlink;
	CHECK(syscall(SYS_renameat2, AT_FDCWD, at(d, "a"), AT_FDCWD, at(d, "sub/inner"),
	              RENAME_EXCHANGE) == 0); /* a file and a file in another directory */
	CHECK(get_file(at(d, "sub/inner"), buf, sizeof buf) == 4);
	CHECK(syscall(SYS_renameat2, AT_FDCWD, at(d, "b"), AT_FDCWD, at(d, "sub"),
	              RENAME_EXCHANGE) == 0); /* a file and a directory */
	CHECK(stat(at(d, "b/inner"), &st) == 0 && S_ISREG(st.st_mode));
	CHECK(stat(at(d, "sub"), &st) == 0 && S_ISREG(st.st_mode));
	CHECK(stat(d, &st) == 0 && st.st_nlink == before);
	CHECK_ERR(
	    syscall(SYS_renameat2, AT_FDCWD, at(d, "a"), AT_FDCWD, at(d, "none"), RENAME_EXCHANGE),
	    ENOENT);
	CHECK_ERR(syscall(SYS_renameat2, AT_FDCWD, at(d, "a"), AT_FDCWD, at(d, "sub"),
	                  RENAME_EXCHANGE | RENAME_NOREPLACE),
	          EINVAL);
	CHECK_ERR(syscall(SYS_renameat2, AT_FDCWD, at(d, "b"), AT_FDCWD, at(d, "b/inner"),
	                  RENAME_EXCHANGE),
	          EINVAL); /* b would move into itself */
	rm_tree(d);
}

static const struct test tests[] = {T(rename_replaces_target), T(rename_directories),
                                    T(rename_exdev_across_schemes), T(rename_exchange_swaps)};
const struct test_area area_rename = TEST_AREA("rename", tests);
