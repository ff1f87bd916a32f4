/* ktest: directories and names: mkdir of an existing path (EEXIST, the
 * root and read-only directories included), rmdir's errnos, "." and ".."
 * in every listing, real sizes and link counts, NAME_MAX and PATH_MAX
 * (ENAMETOOLONG), sendfile, and the bad-input sequence of issue 12 leaving
 * nothing leaked and /tmp consistent. */
#define _GNU_SOURCE
#include "ktest.h"

static char path_[4][512];
static const char *at(const char *dir, const char *name)
{
	static int i;
	char *p = path_[i++ % 4];
	snprintf(p, sizeof path_[0], "%s/%s", dir, name);
	return p;
}

static void mkdir_rmdir_errnos(void)
{
	const char *d = kt_dir("mkdir");
	CHECK_ERR(mkdir("/", 0755), EEXIST);
	CHECK_ERR(mkdir("/tmp", 0755), EEXIST);
	CHECK_ERR(mkdir("/bin", 0755), EEXIST);
	CHECK_ERR(mkdir(d, 0755), EEXIST);
	CHECK(mkdir(at(d, "sub"), 0755) == 0);
	CHECK_ERR(mkdir(at(d, "sub"), 0755), EEXIST);
	put_file(at(d, "file"), "x");
	CHECK_ERR(mkdir(at(d, "file"), 0755), EEXIST);
	CHECK_ERR(mkdir(at(d, "none/x"), 0755), ENOENT);
	CHECK_ERR(rmdir(d), ENOTEMPTY);
	CHECK_ERR(rmdir(at(d, "none")), ENOENT);
	CHECK_ERR(rmdir(at(d, "file")), ENOTDIR);
	CHECK_ERR(unlink(at(d, "sub")), EISDIR);
	CHECK_ERR(unlink(at(d, "none")), ENOENT);
	CHECK(mkdir(at(d, "sub/deeper"), 0755) == 0);
	CHECK_ERR(rmdir(at(d, "sub")), ENOTEMPTY);
	CHECK(rmdir(at(d, "sub/deeper")) == 0);
	CHECK(rmdir(at(d, "sub")) == 0);
	CHECK(check_tree(d) == 1);
	rm_tree(d);
}

/* "." and ".." once each in the listing of path (if it exists here). */
static void check_dots(const char *path, int must_exist)
{
	DIR *dir = opendir(path);
	if (!dir) {
		if (must_exist)
			FAILF("opendir %s: errno %d", path, errno);
		return;
	}
	int dot = 0, dotdot = 0, n = 0;
	struct dirent *e;
	while ((e = readdir(dir))) {
		dot += strcmp(e->d_name, ".") == 0;
		dotdot += strcmp(e->d_name, "..") == 0;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			CHECK(e->d_type == DT_DIR || e->d_type == DT_UNKNOWN);
		n++;
	}
	closedir(dir);
	if (dot != 1 || dotdot != 1)
		FAILF("%s lists . %d and .. %d times (%d names)", path, dot, dotdot, n);
}

static void dots_in_every_listing(void)
{
	const char *d = kt_dir("dots");
	check_dots(d, 1);
	check_dots("/", 1);
	check_dots("/tmp", 1);
	check_dots("/bin", 1);
	int p = on_procyon();
	check_dots("proc:", p);
	check_dots("proc:self", p);
	check_dots("sys:", p);
	check_dots("/scheme", p);
	/* a small buffer gets them one at a time; rewinding lists them again */
	int fd = open(d, O_RDONLY | O_DIRECTORY);
	CHECK(fd >= 0);
	char buf[32];
	long n = syscall(SYS_getdents64, fd, buf, sizeof buf);
	CHECK(n == 24 && strcmp(buf + 19, ".") == 0);
	n = syscall(SYS_getdents64, fd, buf, sizeof buf);
	CHECK(n == 24 && strcmp(buf + 19, "..") == 0);
	CHECK(syscall(SYS_getdents64, fd, buf, sizeof buf) == 0);
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	n = syscall(SYS_getdents64, fd, buf, sizeof buf);
	CHECK(n == 24 && strcmp(buf + 19, ".") == 0);
	close(fd);
	struct stat st, dst;
	fd = open(d, O_RDONLY | O_DIRECTORY);
	char big[256];
	n = syscall(SYS_getdents64, fd, big, sizeof big);
	CHECK(n == 48);
	CHECK(stat(d, &st) == 0 && stat("/tmp", &dst) == 0);
	uint64_t ino0, ino1;
	memcpy(&ino0, big, 8);
	memcpy(&ino1, big + 24, 8);
	CHECK(ino0 == st.st_ino && ino1 == dst.st_ino);
	close(fd);
	rm_tree(d);
}

static void sizes_and_link_counts(void)
{
	const char *d = kt_dir("sizes");
	struct stat st;
	put_file(at(d, "f"), "twelve bytes");
	CHECK(stat(at(d, "f"), &st) == 0 && st.st_size == 12 && st.st_nlink == 1);
	CHECK(st.st_blocks >= 0);
	CHECK(stat(d, &st) == 0 && st.st_nlink == 2);
	CHECK(mkdir(at(d, "a"), 0755) == 0);
	CHECK(mkdir(at(d, "b"), 0755) == 0);
	CHECK(stat(d, &st) == 0 && st.st_nlink == 4 && S_ISDIR(st.st_mode));
	CHECK(st.st_size > 0);
	CHECK(stat("/", &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 0777) == 0755);
	if (on_procyon()) { /* initfs modes: programs 0755 */
		CHECK(stat("/bin/ktest", &st) == 0 && S_ISREG(st.st_mode));
		CHECK((st.st_mode & 0777) == 0755 && st.st_size > 0);
		CHECK(stat("/bin", &st) == 0 && (st.st_mode & 0777) == 0755);
	}
	rm_tree(d);
}

static void names_too_long(void)
{
	const char *d = kt_dir("names");
	char name[300], path[6000];
	struct stat st;
	memset(name, 'n', 255);
	name[255] = 0;
	int fd = open(at(d, name), O_WRONLY | O_CREAT, 0644); /* NAME_MAX: fine */
	CHECK(fd >= 0);
	close(fd);
	CHECK(stat(at(d, name), &st) == 0);
	CHECK(symlink(name, at(d, "l")) == 0);
	CHECK(stat(at(d, "l"), &st) == 0);
	name[255] = 'n';
	name[256] = 0;
	CHECK_ERR(open(at(d, name), O_WRONLY | O_CREAT, 0644), ENAMETOOLONG);
	CHECK_ERR(mkdir(at(d, name), 0755), ENAMETOOLONG);
	CHECK_ERR(stat(at(d, name), &st), ENAMETOOLONG);
	CHECK_ERR(symlink("x", at(d, name)), ENAMETOOLONG);
	CHECK_ERR(rename(at(d, "l"), at(d, name)), ENAMETOOLONG);
	for (size_t len = 4096; len <= 5000; len += 904) {
		size_t i = (size_t)snprintf(path, sizeof path, "%s/", d);
		for (; i < len; i += 2)
			memcpy(path + i, "a/", 2);
		path[len] = 0;
		CHECK_ERR(open(path, O_RDONLY), ENAMETOOLONG);
		CHECK_ERR(stat(path, &st), ENAMETOOLONG);
		CHECK_ERR(mkdir(path, 0755), ENAMETOOLONG);
		CHECK_ERR(unlink(path), ENAMETOOLONG);
	}
	CHECK(check_tree(d) == 2);
	rm_tree(d);
}

static void sendfile_copies(void)
{
	const char *d = kt_dir("sendfile");
	char buf[64];
	put_file(at(d, "src"), "0123456789abcdef");
	int in = open(at(d, "src"), O_RDONLY);
	int out = open(at(d, "dst"), O_WRONLY | O_CREAT, 0644);
	CHECK(in >= 0 && out >= 0);
	off_t off = 4;
	CHECK(sendfile(out, in, &off, 6) == 6);
	CHECK(off == 10 && lseek(in, 0, SEEK_CUR) == 0); /* the pointer moves, not the fd */
	CHECK(sendfile(out, in, NULL, 3) == 3);
	CHECK(lseek(in, 0, SEEK_CUR) == 3);
	off = 14;
	CHECK(sendfile(out, in, &off, 100) == 2); /* up to the end */
	CHECK(sendfile(out, in, &off, 100) == 0);
	close(out);
	CHECK(get_file(at(d, "dst"), buf, sizeof buf) == 11 && strcmp(buf, "456789012ef") == 0);
	int p[2];
	CHECK(pipe(p) == 0);
	CHECK(sendfile(p[1], in, NULL, 5) == 5);
	CHECK(read(p[0], buf, sizeof buf) == 5 && memcmp(buf, "34567", 5) == 0);
	CHECK_ERR(sendfile(in, p[0], NULL, 5), EBADF);   /* in is read-only */
	CHECK_ERR(sendfile(p[1], p[1], NULL, 5), EBADF); /* write end is not readable */
	off = -1;
	CHECK_ERR(sendfile(p[1], in, &off, 5), EINVAL);
	close(in);
	rm_tree(d);
}

/* The bad input, in one directory: loops, paths through files,
 * long names, a directory into itself, a non-empty rmdir, non-owner
 * chmod/chown, a FIFO with no writer. */
static void bad_input_round(const char *d)
{
	char name[300];
	struct stat st;
	CHECK(mkdir(at(d, "dir"), 0755) == 0);
	put_file(at(d, "dir/file"), "x");
	CHECK(symlink("loop", at(d, "loop")) == 0);
	CHECK_ERR(open(at(d, "loop"), O_RDONLY), ELOOP);
	CHECK_ERR(stat(at(d, "dir/file/x"), &st), ENOTDIR);
	memset(name, 'q', 256);
	name[256] = 0;
	CHECK_ERR(open(at(d, name), O_CREAT | O_WRONLY, 0644), ENAMETOOLONG);
	CHECK_ERR(rename(at(d, "dir"), at(d, "dir/in")), EINVAL);
	CHECK_ERR(rmdir(at(d, "dir")), ENOTEMPTY);
	CHECK(mkfifo(at(d, "fifo"), 0644) == 0);
	int r = open(at(d, "fifo"), O_RDONLY | O_NONBLOCK);
	CHECK(r >= 0);
	CHECK(close(r) == 0);
	CHECK_ERR(open(at(d, "fifo"), O_WRONLY | O_NONBLOCK), ENXIO);
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		become(1000, 1000);
		CHECK_ERR(chmod(at(d, "dir/file"), 0777), EPERM);
		CHECK_ERR(chown(at(d, "dir/file"), 1000, 1000), EPERM);
		_exit(0);
	}
	CHECK_EXITED(wait_for(pid), 0);
	CHECK(check_tree(d) == 4);
	CHECK(unlink(at(d, "dir/file")) == 0);
	CHECK(rmdir(at(d, "dir")) == 0);
	CHECK(unlink(at(d, "loop")) == 0);
	CHECK(unlink(at(d, "fifo")) == 0);
	CHECK(check_tree(d) == 0);
}

static void bad_input_leaks_nothing(void)
{
	const char *d = kt_dir("badinput");
	bad_input_round(d); /* the first round warms caches and slabs */
	long frames = sys_number("free_frames"), heap = sys_number("heap_bytes");
	bad_input_round(d);
	bad_input_round(d);
	if (heap >= 0 && sys_number("heap_bytes") != heap)
		FAILF("heap_bytes %ld -> %ld", heap, sys_number("heap_bytes"));
	if (frames >= 0 && sys_number("free_frames") < frames)
		FAILF("free_frames %ld -> %ld", frames, sys_number("free_frames"));
	rm_tree(d);
	check_tree("/tmp");
}

static const struct test tests[] = {T(mkdir_rmdir_errnos),    T(dots_in_every_listing),
                                    T(sizes_and_link_counts), T(names_too_long),
                                    T(sendfile_copies),       T(bad_input_leaks_nothing)};
const struct test_area area_dirs = TEST_AREA("dirs", tests);
