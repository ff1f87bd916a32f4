/* ktest: timestamps (atime/mtime/ctime kept by writes, truncation and
 * metadata changes; utimensat with explicit times, UTIME_NOW, UTIME_OMIT
 * and NULL, and its permission rules), truncate and ftruncate. */
#define _GNU_SOURCE
#include "ktest.h"

static char path_[4][256];
static const char *at(const char *dir, const char *name)
{
	static int i;
	char *p = path_[i++ % 4];
	snprintf(p, sizeof path_[0], "%s/%s", dir, name);
	return p;
}

static long long ns_of(struct timespec t) { return t.tv_sec * 1000000000LL + t.tv_nsec; }

static struct stat st_of(const char *path)
{
	struct stat st;
	CHECK(stat(path, &st) == 0);
	return st;
}

static void writes_move_mtime_ctime(void)
{
	const char *d = kt_dir("mtime");
	struct timespec now;
	CHECK(clock_gettime(CLOCK_REALTIME, &now) == 0);
	put_file(at(d, "f"), "one");
	struct stat a = st_of(at(d, "f"));
	CHECK(a.st_mtim.tv_sec >= now.tv_sec - 1 && a.st_mtim.tv_sec <= now.tv_sec + 5);
	CHECK(ns_of(a.st_ctim) == ns_of(a.st_mtim));
	sleep_ms(30);
	int fd = open(at(d, "f"), O_WRONLY | O_APPEND);
	CHECK(write(fd, "two", 3) == 3);
	close(fd);
	struct stat b = st_of(at(d, "f"));
	CHECK(ns_of(b.st_mtim) > ns_of(a.st_mtim) && ns_of(b.st_ctim) > ns_of(a.st_ctim));
	CHECK(b.st_size == 6);
	sleep_ms(30);
	CHECK(chmod(at(d, "f"), 0600) == 0); /* metadata: ctime only */
	struct stat c = st_of(at(d, "f"));
	CHECK(ns_of(c.st_ctim) > ns_of(b.st_ctim) && ns_of(c.st_mtim) == ns_of(b.st_mtim));
	sleep_ms(30);
	struct stat dir0 = st_of(d);
	put_file(at(d, "g"), "");
	struct stat dir1 = st_of(d);
	CHECK(ns_of(dir1.st_mtim) > ns_of(dir0.st_mtim)); /* a new name: the directory changed */
	rm_tree(d);
}

static void utimensat_now_omit_null(void)
{
	const char *d = kt_dir("utime");
	put_file(at(d, "f"), "x");
	struct timespec t[2] = {{1000, 500}, {2000, 600}};
	CHECK(utimensat(AT_FDCWD, at(d, "f"), t, 0) == 0);
	struct stat a = st_of(at(d, "f"));
	CHECK(a.st_atim.tv_sec == 1000 && a.st_atim.tv_nsec == 500);
	CHECK(a.st_mtim.tv_sec == 2000 && a.st_mtim.tv_nsec == 600);
	struct timespec omit_now[2] = {{0, UTIME_OMIT}, {0, UTIME_NOW}};
	CHECK(utimensat(AT_FDCWD, at(d, "f"), omit_now, 0) == 0);
	struct stat b = st_of(at(d, "f"));
	CHECK(b.st_atim.tv_sec == 1000 && b.st_atim.tv_nsec == 500);
	CHECK(b.st_mtim.tv_sec > 2000);
	CHECK(ns_of(b.st_ctim) >= ns_of(a.st_ctim));
	CHECK(utimensat(AT_FDCWD, at(d, "f"), t, 0) == 0);
	CHECK(utimensat(AT_FDCWD, at(d, "f"), NULL, 0) == 0); /* both now */
	struct stat c = st_of(at(d, "f"));
	CHECK(c.st_atim.tv_sec > 1000 && c.st_mtim.tv_sec > 2000);
	int fd = open(at(d, "f"), O_RDONLY);
	CHECK(futimens(fd, t) == 0);
	close(fd);
	CHECK(st_of(at(d, "f")).st_mtim.tv_sec == 2000);
	struct timespec bad[2] = {{0, 1000000000}, {0, 0}};
	CHECK_ERR(utimensat(AT_FDCWD, at(d, "f"), bad, 0), EINVAL);
	CHECK_ERR(utimensat(AT_FDCWD, at(d, "none"), t, 0), ENOENT);
	CHECK_ERR(utimensat(AT_FDCWD, at(d, "f"), t, 0x8000), EINVAL);
	/* a link's own times with AT_SYMLINK_NOFOLLOW */
	CHECK(symlink("f", at(d, "l")) == 0);
	CHECK(utimensat(AT_FDCWD, at(d, "l"), t, AT_SYMLINK_NOFOLLOW) == 0);
	struct stat l;
	CHECK(lstat(at(d, "l"), &l) == 0 && l.st_mtim.tv_sec == 2000);
	rm_tree(d);
}

static const char *g_dir;

static void utime_as_user(long arg)
{
	(void)arg;
	struct timespec t[2] = {{1, 0}, {2, 0}};
	become(1000, 1000);
	CHECK_ERR(utimensat(AT_FDCWD, at(g_dir, "root644"), t, 0), EPERM);
	CHECK_ERR(utimensat(AT_FDCWD, at(g_dir, "root644"), NULL, 0), EACCES);
	CHECK(utimensat(AT_FDCWD, at(g_dir, "root666"), NULL, 0) == 0); /* writable: now is fine */
	CHECK_ERR(utimensat(AT_FDCWD, at(g_dir, "root666"), t, 0), EPERM);
	CHECK_ERR(truncate(at(g_dir, "root644"), 0), EACCES);
}

static void utimensat_permissions(void)
{
	g_dir = kt_dir("utimeperm");
	put_file(at(g_dir, "root644"), "x");
	put_file(at(g_dir, "root666"), "x");
	CHECK(chmod(at(g_dir, "root666"), 0666) == 0);
	CHECK_EXITED(run_sub(utime_as_user, 0), 0);
	rm_tree(g_dir);
}

static void truncate_grows_and_shrinks(void)
{
	const char *d = kt_dir("trunc");
	char buf[64];
	put_file(at(d, "f"), "0123456789");
	struct stat a = st_of(at(d, "f"));
	sleep_ms(30);
	CHECK(truncate(at(d, "f"), 4) == 0);
	struct stat b = st_of(at(d, "f"));
	CHECK(b.st_size == 4 && ns_of(b.st_mtim) > ns_of(a.st_mtim));
	CHECK(get_file(at(d, "f"), buf, sizeof buf) == 4 && strcmp(buf, "0123") == 0);
	int fd = open(at(d, "f"), O_RDWR);
	CHECK(ftruncate(fd, 20) == 0);
	CHECK(read(fd, buf, sizeof buf) == 20);
	CHECK(memcmp(buf, "0123\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 20) == 0);
	CHECK(ftruncate(fd, 0) == 0);
	struct stat c;
	CHECK(fstat(fd, &c) == 0 && c.st_size == 0);
	CHECK(lseek(fd, 0, SEEK_CUR) == 20); /* the offset stays */
	CHECK(write(fd, "z", 1) == 1);
	CHECK(fstat(fd, &c) == 0 && c.st_size == 21);
	CHECK_ERR(ftruncate(fd, -1), EINVAL);
	close(fd);
	fd = open(at(d, "f"), O_RDONLY);
	CHECK_ERR(ftruncate(fd, 0), EINVAL); /* not open for writing */
	close(fd);
	CHECK_ERR(truncate(at(d, "f"), -1), EINVAL);
	CHECK_ERR(truncate(at(d, "none"), 0), ENOENT);
	CHECK_ERR(truncate(d, 0), EISDIR);
	int p[2];
	CHECK(pipe(p) == 0);
	CHECK_ERR(ftruncate(p[1], 0), EINVAL);
	CHECK_ERR(ftruncate(12345, 0), EBADF);
	rm_tree(d);
}

static const struct test tests[] = {T(writes_move_mtime_ctime), T(utimensat_now_omit_null),
                                    T(utimensat_permissions), T(truncate_grows_and_shrinks)};
const struct test_area area_times = TEST_AREA("times", tests);
