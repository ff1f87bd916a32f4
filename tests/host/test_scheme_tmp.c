/* Host unit test for kernel/fs/scheme_tmp.c (unity build with scheme.c,
 * file.c and scheme_pipe.c): create, exclusive create, truncate, sparse
 * writes, stat, mkdir, rmdir (ENOTEMPTY), unlink, a file unlinked while
 * open staying readable until closed (ASan catches a use after free),
 * getdents, the size cap; hard links and nlink, symlinks and their
 * resolution (file_resolve: relative, absolute, loops, through a file),
 * rename's cases, modes, owners and permission checks for a non-root
 * caller, umask, timestamps, truncation, FIFO opens. */
#include "fs_host.h"
#include "../../kernel/fs/scheme.c"
#include "../../kernel/fs/file.c"
#include "../../kernel/fs/scheme_pipe.c"
#include "../../kernel/fs/scheme_tmp.c"

static struct proc me;
static struct tgroup my_group = {.leader = &me}; /* a process of one thread */
static struct proc me = {.tg = &my_group};
struct proc *current = &me;
static struct fs_cred cred; /* who the "caller" is: root, umask 0 by default */
static uint64_t fake_now = 1000;

void fs_cred_current(struct fs_cred *c) { *c = cred; }
uint64_t time_realtime_ns(void) { return fake_now += 10; }

int signal_send_thread(struct proc *p, const struct ksiginfo *info)
{
	(void)p, (void)info;
	return 0;
}

int waitq_sleep(struct waitq *q)
{
	(void)q;
	return -EINTR; /* nobody else runs: a blocking FIFO open is "interrupted" */
}

void waitq_wake(struct waitq *q) { (void)q; }

static void setup(void)
{
	if (!scheme_find("tmp", 3))
		tmp_scheme_init();
}

static struct file *op(const char *path, int flags)
{
	struct file *f = NULL;
	setup();
	int r = file_open(path, flags, 0644, &f);
	return r ? NULL : f;
}

static int op_err(const char *path, int flags)
{
	struct file *f = NULL;
	setup();
	int r = file_open(path, flags, 0644, &f);
	if (!r)
		file_put(f);
	return r;
}

static long wr(struct file *f, const char *s) { return f->ops->write(f, U(s), strlen(s), &f->off); }

static long rd(struct file *f, char *buf, size_t n)
{
	memset(buf, 0, n);
	return f->ops->read(f, U(buf), n, &f->off);
}

static const struct scheme_ops *ops(void) { return scheme_find("tmp", 3)->ops; }

TEST(create_write_read)
{
	struct file *f = op("/tmp/a", O_CREAT | O_RDWR);
	CHECK(f != NULL);
	CHECK_EQ(wr(f, "hello, "), 7);
	CHECK_EQ(wr(f, "world"), 5);
	CHECK_EQ(f->off, 12);
	f->off = 0;
	char buf[32];
	CHECK_EQ(rd(f, buf, sizeof buf), 12);
	CHECK_STR_EQ(buf, "hello, world");
	CHECK_EQ(rd(f, buf, sizeof buf), 0);
	f->off = 7;
	CHECK_EQ(rd(f, buf, 3), 3);
	CHECK_STR_EQ(buf, "wor");
	file_put(f);

	f = op("tmp:a", O_RDONLY); /* the same file by its scheme name */
	CHECK(f != NULL);
	CHECK_EQ(rd(f, buf, sizeof buf), 12);
	file_put(f);
	CHECK_EQ(ops()->unlink("a"), 0);
}

TEST(open_errors)
{
	CHECK_EQ(op_err("/tmp/nope", O_RDONLY), -ENOENT);
	CHECK_EQ(op_err("/tmp/nodir/x", O_CREAT | O_WRONLY), -ENOENT);
	CHECK_EQ(op_err("/tmp/e", O_CREAT | O_WRONLY), 0);
	CHECK_EQ(op_err("/tmp/e", O_CREAT | O_EXCL | O_WRONLY), -EEXIST);
	CHECK_EQ(op_err("/tmp/e", O_CREAT | O_WRONLY), 0);          /* O_CREAT alone reopens */
	CHECK_EQ(op_err("/tmp/e/x", O_CREAT | O_WRONLY), -ENOTDIR); /* through a file */
	CHECK_EQ(op_err("/tmp", O_WRONLY), -EISDIR);
	CHECK_EQ(op_err("/tmp", O_RDONLY | O_DIRECTORY), 0);
	CHECK_EQ(op_err("/tmp/e", O_RDONLY | O_DIRECTORY), -ENOTDIR);
	char longname[300] = "/tmp/";
	memset(longname + 5, 'n', 256);
	CHECK_EQ(op_err(longname, O_CREAT | O_WRONLY), -ENAMETOOLONG);
	longname[5 + 255] = 0; /* NAME_MAX itself is fine */
	CHECK_EQ(op_err(longname, O_CREAT | O_WRONLY), 0);
	CHECK_EQ(ops()->unlink(longname + 5), 0);
	CHECK_EQ(ops()->unlink("e"), 0);
}

TEST(truncate)
{
	struct file *f = op("/tmp/t", O_CREAT | O_WRONLY);
	CHECK_EQ(wr(f, "0123456789"), 10);
	file_put(f);
	struct kstat st;
	f = op("/tmp/t", O_RDONLY | O_TRUNC); /* read-only: no truncation */
	f->ops->stat(f, &st);
	CHECK_EQ(st.size, 10);
	file_put(f);
	f = op("/tmp/t", O_WRONLY | O_TRUNC);
	f->ops->stat(f, &st);
	CHECK_EQ(st.size, 0);
	CHECK_EQ(wr(f, "ab"), 2);
	file_put(f);
	f = op("/tmp/t", O_RDONLY);
	char buf[16];
	CHECK_EQ(rd(f, buf, sizeof buf), 2);
	CHECK_STR_EQ(buf, "ab");
	file_put(f);
	CHECK_EQ(ops()->unlink("t"), 0);
}

TEST(sparse_write_and_stat)
{
	struct file *f = op("/tmp/s", O_CREAT | O_RDWR);
	f->off = 5000;
	CHECK_EQ(wr(f, "x"), 1);
	struct kstat st;
	CHECK_EQ(f->ops->stat(f, &st), 0);
	CHECK_EQ(st.size, 5001);
	CHECK_EQ(st.mode & S_IFMT, S_IFREG);
	CHECK_EQ(st.nlink, 1);
	char buf[5001];
	f->off = 0;
	CHECK_EQ(f->ops->read(f, U(buf), sizeof buf, &f->off), 5001);
	int zeros = 1;
	for (int i = 0; i < 5000; i++)
		zeros &= buf[i] == 0;
	CHECK(zeros);
	CHECK_EQ(buf[5000], 'x');
	f->off = 0;
	CHECK_EQ(f->ops->write(f, 0x100, 4, &f->off), -EFAULT);
	CHECK_EQ(f->ops->read(f, 0x100, 4, &f->off), -EFAULT);
	CHECK_EQ(f->off, 0);

	struct file *d = op("/tmp", O_RDONLY);
	struct kstat dst;
	CHECK_EQ(d->ops->stat(d, &dst), 0);
	CHECK_EQ(dst.mode & S_IFMT, S_IFDIR);
	CHECK(dst.ino != st.ino);
	CHECK_EQ(d->ops->read(d, U(buf), 4, &d->off), -EISDIR);
	CHECK_EQ(f->ops->getdents(f, U(buf), sizeof buf, &f->off), -ENOTDIR);
	file_put(d);
	file_put(f);
	CHECK_EQ(ops()->unlink("s"), 0);
}

TEST(directories)
{
	setup();
	CHECK_EQ(ops()->mkdir("d", 0755), 0);
	CHECK_EQ(ops()->mkdir("d", 0755), -EEXIST);
	CHECK_EQ(ops()->mkdir("d/sub", 0755), 0);
	CHECK_EQ(ops()->mkdir("nope/sub", 0755), -ENOENT);
	CHECK_EQ(ops()->mkdir("", 0755), -EEXIST);
	struct file *f = op("/tmp/d/sub/f", O_CREAT | O_WRONLY);
	CHECK(f != NULL);
	file_put(f);
	CHECK_EQ(ops()->rmdir("d"), -ENOTEMPTY);
	CHECK_EQ(ops()->rmdir("d/sub"), -ENOTEMPTY);
	CHECK_EQ(ops()->rmdir("d/sub/f"), -ENOTDIR);
	CHECK_EQ(ops()->unlink("d/sub"), -EISDIR);
	CHECK_EQ(ops()->unlink(""), -EISDIR);
	CHECK_EQ(ops()->rmdir(""), -EBUSY);
	CHECK_EQ(ops()->rmdir("nope"), -ENOENT);
	CHECK_EQ(ops()->unlink("nope"), -ENOENT);
	CHECK_EQ(ops()->unlink("d/sub/f"), 0);
	CHECK_EQ(ops()->unlink("d/sub/f"), -ENOENT);
	CHECK_EQ(ops()->rmdir("d/sub"), 0);
	CHECK_EQ(ops()->rmdir("d"), 0);
	CHECK_EQ(op_err("/tmp/d", O_RDONLY), -ENOENT);
}

TEST(unlink_while_open)
{
	long base = fs_host_allocs;
	struct file *w = op("/tmp/u", O_CREAT | O_RDWR);
	CHECK_EQ(wr(w, "still here"), 10);
	struct file *r = op("/tmp/u", O_RDONLY);
	CHECK_EQ(ops()->unlink("u"), 0);
	CHECK_EQ(op_err("/tmp/u", O_RDONLY), -ENOENT);
	char buf[32];
	CHECK_EQ(rd(r, buf, sizeof buf), 10);
	CHECK_STR_EQ(buf, "still here");
	struct kstat st;
	CHECK_EQ(r->ops->stat(r, &st), 0);
	CHECK_EQ(st.nlink, 0);
	file_put(w);
	r->off = 0;
	CHECK_EQ(rd(r, buf, sizeof buf), 10); /* one handle left: still alive */
	file_put(r);
	CHECK_EQ(fs_host_allocs, base); /* node and data freed at the last close */

	/* A new file of the same name is a different file. */
	struct file *n = op("/tmp/u", O_CREAT | O_RDWR);
	CHECK_EQ(rd(n, buf, sizeof buf), 0);
	file_put(n);
	CHECK_EQ(ops()->unlink("u"), 0);
	CHECK_EQ(fs_host_allocs, base);
}

/* List a directory with a buffer of bufsize bytes per call. */
static int list(const char *path, size_t bufsize, char names[][64], int max)
{
	struct file *f = op(path, O_RDONLY | O_DIRECTORY);
	if (!f)
		return -1;
	uint8_t buf[512];
	int count = 0;
	long n;
	while ((n = f->ops->getdents(f, U(buf), bufsize, &f->off)) > 0) {
		for (long pos = 0; pos < n;) {
			uint16_t reclen;
			memcpy(&reclen, buf + pos + 16, 2);
			if (count < max)
				strlcpy(names[count], (char *)buf + pos + 19, 64);
			count++;
			pos += reclen;
		}
	}
	file_put(f);
	return n < 0 ? (int)n : count;
}

TEST(getdents_lists_each_once)
{
	setup();
	CHECK_EQ(ops()->mkdir("g", 0755), 0);
	const char *want[] = {"one", "two", "three", "four", "five"};
	for (int i = 0; i < 5; i++) {
		char p[64];
		snprintf(p, sizeof p, "/tmp/g/%s", want[i]);
		CHECK_EQ(op_err(p, O_CREAT | O_WRONLY), 0);
	}
	CHECK_EQ(ops()->mkdir("g/dir", 0755), 0);
	char names[16][64];
	for (size_t bufsize = 32; bufsize <= 512; bufsize *= 4) {
		int n = list("/tmp/g", bufsize, names, 16);
		CHECK_EQ(n, 6);
		int seen[6] = {0};
		for (int i = 0; i < n && i < 16; i++) {
			for (int j = 0; j < 5; j++)
				seen[j] += strcmp(names[i], want[j]) == 0;
			seen[5] += strcmp(names[i], "dir") == 0;
		}
		for (int j = 0; j < 6; j++)
			CHECK_EQ(seen[j], 1);
	}
	CHECK_EQ(list("/tmp/g", 16, names, 16), -EINVAL);
	for (int i = 0; i < 5; i++) {
		char p[64];
		snprintf(p, sizeof p, "g/%s", want[i]);
		CHECK_EQ(ops()->unlink(p), 0);
	}
	CHECK_EQ(ops()->rmdir("g/dir"), 0);
	CHECK_EQ(list("/tmp/g", 512, names, 16), 0);
	CHECK_EQ(ops()->rmdir("g"), 0);
}

TEST(size_cap)
{
	long base = fs_host_allocs;
	CHECK_EQ(total_bytes, 0);
	size_t half = TMP_MAX_BYTES / 2 + 1; /* doubling would round up to the cap */
	char *big = calloc(1, TMP_MAX_BYTES);
	struct file *g = op("/tmp/small", O_CREAT | O_RDWR);
	CHECK_EQ(wr(g, "x"), 1); /* 256 bytes in use */
	struct file *f = op("/tmp/big", O_CREAT | O_RDWR);
	CHECK_EQ(f->ops->write(f, U(big), half, &f->off), (long)half);
	CHECK_EQ(total_bytes, 256 + half); /* near the cap: no doubling */
	size_t rest = TMP_MAX_BYTES - 256 - half;
	CHECK_EQ(f->ops->write(f, U(big), rest, &f->off), (long)rest);
	CHECK_EQ(total_bytes, TMP_MAX_BYTES);
	CHECK_EQ(f->ops->write(f, U(big), 1, &f->off), -ENOSPC);
	g->off = 256;
	CHECK_EQ(wr(g, "x"), -ENOSPC);
	g->off = 256;
	uint64_t off = TMP_MAX_BYTES;
	CHECK_EQ(g->ops->write(g, U(big), 1, &off), -EFBIG);
	file_put(f);
	CHECK_EQ(ops()->unlink("big"), 0);
	CHECK_EQ(wr(g, "x"), 1); /* the space came back */
	file_put(g);
	CHECK_EQ(ops()->unlink("small"), 0);
	CHECK_EQ(total_bytes, 0);
	CHECK_EQ(fs_host_allocs, base);
	free(big);
}

/* stat by path (no open) gives what stat of an open handle gives. */
static bool stat_path_matches(const char *path)
{
	struct kstat a, b;
	struct file *f = NULL;
	if (file_stat_path(path, &a, NULL) || file_open(path, O_RDONLY, 0, &f))
		return false;
	int err = f->ops->stat(f, &b);
	file_put(f);
	return !err && memcmp(&a, &b, sizeof a) == 0;
}

TEST(stat_path_matches_open_stat_and_creates_nothing)
{
	struct file *f = op("/tmp/sp", O_RDWR | O_CREAT);
	CHECK(f != NULL);
	CHECK_EQ(wr(f, "abc"), 3);
	file_put(f);
	CHECK(stat_path_matches("/tmp/sp"));
	CHECK(stat_path_matches("/tmp"));
	CHECK(stat_path_matches("tmp:sp"));
	struct kstat st;
	CHECK_EQ(file_stat_path("/tmp/sp", &st, NULL), 0);
	CHECK_EQ(st.size, 3);
	CHECK_EQ(st.mode, S_IFREG | 0644);
	CHECK_EQ(file_stat_path("/tmp/sp-none", &st, NULL), -ENOENT);
	CHECK_EQ(op_err("/tmp/sp-none", O_RDONLY), -ENOENT);
	CHECK_EQ(file_stat_path("/tmp/sp/x", &st, NULL), -ENOTDIR); /* through a file */
	CHECK_EQ(tmp_unlink("sp"), 0);
}

static int mk(const char *path)
{
	struct file *f = op(path, O_CREAT | O_WRONLY);
	if (!f)
		return -1;
	file_put(f);
	return 0;
}

static uint32_t nlink_of(const char *path)
{
	struct kstat st;
	return file_lstat_path(path, &st, NULL) ? 0 : st.nlink;
}

TEST(hard_links_count_names)
{
	long base = fs_host_allocs;
	CHECK_EQ(mk("/tmp/h1"), 0);
	CHECK_EQ(ops()->link("h1", "h2"), 0);
	CHECK_EQ(nlink_of("/tmp/h1"), 2);
	CHECK_EQ(ops()->link("h1", "h2"), -EEXIST);
	CHECK_EQ(ops()->link("nope", "h3"), -ENOENT);
	CHECK_EQ(ops()->mkdir("hd", 0755), 0);
	CHECK_EQ(ops()->link("hd", "hd2"), -EPERM); /* no links to directories */
	struct file *f = op("/tmp/h2", O_WRONLY);
	CHECK_EQ(wr(f, "shared"), 6);
	file_put(f);
	struct kstat a, b;
	CHECK_EQ(file_stat_path("/tmp/h1", &a, NULL), 0);
	CHECK_EQ(file_stat_path("/tmp/h2", &b, NULL), 0);
	CHECK_EQ(a.ino, b.ino);
	CHECK_EQ(a.size, 6);
	CHECK_EQ(ops()->unlink("h1"), 0);
	CHECK_EQ(nlink_of("/tmp/h2"), 1);
	CHECK_EQ(ops()->unlink("h2"), 0);
	/* directories: 2 + subdirectories */
	CHECK_EQ(nlink_of("/tmp/hd"), 2);
	CHECK_EQ(ops()->mkdir("hd/s1", 0755), 0);
	CHECK_EQ(ops()->mkdir("hd/s2", 0755), 0);
	CHECK_EQ(mk("/tmp/hd/file"), 0);
	CHECK_EQ(nlink_of("/tmp/hd"), 4);
	CHECK_EQ(ops()->rmdir("hd/s1"), 0);
	CHECK_EQ(nlink_of("/tmp/hd"), 3);
	CHECK_EQ(ops()->unlink("hd/file"), 0);
	CHECK_EQ(ops()->rmdir("hd/s2"), 0);
	CHECK_EQ(ops()->rmdir("hd"), 0);
	CHECK_EQ(fs_host_allocs, base);
}

static int resolve(const char *path, bool follow, char *out)
{
	return file_resolve(path, follow, out, PATH_MAX_K);
}

TEST(symlinks_resolve)
{
	long base = fs_host_allocs;
	char out[PATH_MAX_K], buf[64];
	CHECK_EQ(ops()->mkdir("sd", 0755), 0);
	CHECK_EQ(mk("/tmp/sd/target"), 0);
	CHECK_EQ(ops()->symlink("target", "sd/rel"), 0);
	CHECK_EQ(ops()->symlink("/tmp/sd", "abs"), 0);
	CHECK_EQ(ops()->symlink("../sd/target", "sd/up"), 0);
	CHECK_EQ(ops()->symlink("/bin/sh", "sd/other"), 0);
	CHECK_EQ(ops()->symlink("x", "sd/rel"), -EEXIST);
	CHECK_EQ(resolve("/tmp/sd/rel", true, out), 0);
	CHECK_STR_EQ(out, "/tmp/sd/target");
	CHECK_EQ(resolve("/tmp/sd/rel", false, out), 0);
	CHECK_STR_EQ(out, "/tmp/sd/rel");
	CHECK_EQ(resolve("/tmp/abs/rel", true, out), 0);
	CHECK_STR_EQ(out, "/tmp/sd/target");
	CHECK_EQ(resolve("tmp:abs/up", true, out), 0);
	CHECK_STR_EQ(out, "/tmp/sd/../sd/target");
	CHECK_EQ(resolve("/tmp/sd/other", true, out), 0);
	CHECK_STR_EQ(out, "/bin/sh");
	CHECK_EQ(ops()->readlink("sd/rel", buf, sizeof buf), 6);
	CHECK(memcmp(buf, "target", 6) == 0);
	CHECK_EQ(ops()->readlink("sd/rel", buf, 3), 3); /* cut, no NUL */
	CHECK_EQ(ops()->readlink("sd/target", buf, sizeof buf), -EINVAL);
	struct kstat st;
	CHECK_EQ(file_lstat_path("/tmp/sd/rel", &st, NULL), 0);
	CHECK_EQ(st.mode, S_IFLNK | 0777);
	CHECK_EQ(st.size, 6);
	CHECK_EQ(file_stat_path("/tmp/abs/up", &st, NULL), 0);
	CHECK_EQ(st.mode & S_IFMT, S_IFREG);
	/* open follows, O_NOFOLLOW refuses, O_CREAT through a dangling link creates */
	struct file *f = op("/tmp/sd/rel", O_RDONLY);
	CHECK(f != NULL);
	file_put(f);
	CHECK_EQ(op_err("/tmp/sd/rel", O_RDONLY | O_NOFOLLOW), -ELOOP);
	CHECK_EQ(ops()->symlink("made", "sd/dangling"), 0);
	CHECK_EQ(op_err("/tmp/sd/dangling", O_RDONLY), -ENOENT);
	CHECK_EQ(op_err("/tmp/sd/dangling", O_CREAT | O_EXCL | O_WRONLY), -EEXIST);
	CHECK_EQ(op_err("/tmp/sd/dangling", O_CREAT | O_WRONLY), 0);
	CHECK_EQ(file_lstat_path("/tmp/sd/made", &st, NULL), 0);
	/* loops and paths through files */
	CHECK_EQ(ops()->symlink("loop2", "sd/loop1"), 0);
	CHECK_EQ(ops()->symlink("loop1", "sd/loop2"), 0);
	CHECK_EQ(resolve("/tmp/sd/loop1", true, out), -ELOOP);
	CHECK_EQ(op_err("/tmp/sd/loop1", O_RDONLY), -ELOOP);
	CHECK_EQ(resolve("/tmp/sd/loop1", false, out), 0);
	CHECK_EQ(ops()->symlink("self", "sd/self"), 0);
	CHECK_EQ(file_stat_path("/tmp/sd/self/x", &st, NULL), -ELOOP);
	CHECK_EQ(resolve("/tmp/sd/target/x", true, out), -ENOTDIR);
	CHECK_EQ(op_err("/tmp/sd/target/x", O_CREAT | O_WRONLY), -ENOTDIR);
	/* 40 links in a chain resolve; 41 do not */
	char name[16], next[16];
	for (int i = 0; i < 41; i++) {
		snprintf(name, sizeof name, "sd/c%d", i);
		snprintf(next, sizeof next, "c%d", i + 1);
		CHECK_EQ(ops()->symlink(i == 40 ? "target" : next, name), 0);
	}
	CHECK_EQ(resolve("/tmp/sd/c1", true, out), 0);
	CHECK_STR_EQ(out, "/tmp/sd/target");
	CHECK_EQ(resolve("/tmp/sd/c0", true, out), -ELOOP);
	for (int i = 0; i < 41; i++) {
		snprintf(name, sizeof name, "sd/c%d", i);
		CHECK_EQ(ops()->unlink(name), 0);
	}
	const char *gone[] = {"sd/rel",   "sd/up",    "sd/other", "sd/dangling", "sd/made",
	                      "sd/loop1", "sd/loop2", "sd/self",  "sd/target",   "abs"};
	for (size_t i = 0; i < sizeof gone / sizeof gone[0]; i++)
		CHECK_EQ(ops()->unlink(gone[i]), 0);
	CHECK_EQ(ops()->rmdir("sd"), 0);
	CHECK_EQ(fs_host_allocs, base);
}

TEST(rename_cases)
{
	long base = fs_host_allocs;
	struct kstat st;
	CHECK_EQ(mk("/tmp/ra"), 0);
	CHECK_EQ(mk("/tmp/rb"), 0);
	CHECK_EQ(file_stat_path("/tmp/ra", &st, NULL), 0);
	uint64_t ino = st.ino;
	CHECK_EQ(ops()->rename("ra", "rb", RENAME_NOREPLACE), -EEXIST);
	CHECK_EQ(ops()->rename("ra", "rb", 0), 0); /* replaces rb */
	CHECK_EQ(file_stat_path("/tmp/ra", &st, NULL), -ENOENT);
	CHECK_EQ(file_stat_path("/tmp/rb", &st, NULL), 0);
	CHECK_EQ(st.ino, ino);
	CHECK_EQ(ops()->rename("rb", "rb", 0), 0);
	CHECK_EQ(ops()->rename("nope", "x", 0), -ENOENT);
	CHECK_EQ(ops()->mkdir("rd", 0755), 0);
	CHECK_EQ(ops()->mkdir("rd/sub", 0755), 0);
	CHECK_EQ(ops()->mkdir("re", 0755), 0);
	CHECK_EQ(ops()->rename("rd", "rd/sub/x", 0), -EINVAL);
	CHECK_EQ(ops()->rename("rd", "rd/x", 0), -EINVAL);
	CHECK_EQ(ops()->rename("rb", "rd", 0), -EISDIR);
	CHECK_EQ(ops()->rename("re", "rb", 0), -ENOTDIR);
	CHECK_EQ(ops()->rename("re", "rd", 0), -ENOTEMPTY);
	CHECK_EQ(ops()->rename("rd/sub", "rd", 0), -ENOTEMPTY);
	CHECK_EQ(ops()->rename("rb", "nodir/x", 0), -ENOENT);
	CHECK_EQ(ops()->rename("", "x", 0), -EBUSY);
	/* a directory moves, with its nlink bookkeeping */
	CHECK_EQ(ops()->rename("rd/sub", "re/moved", 0), 0);
	CHECK_EQ(nlink_of("/tmp/rd"), 2);
	CHECK_EQ(nlink_of("/tmp/re"), 3);
	CHECK_EQ(mk("/tmp/re/moved/inside"), 0);
	CHECK_EQ(ops()->rename("rd", "re/moved", 0), -ENOTEMPTY);
	CHECK_EQ(ops()->unlink("re/moved/inside"), 0);
	CHECK_EQ(ops()->rename("rd", "re/moved", 0), 0); /* replaces an empty dir */
	CHECK_EQ(nlink_of("/tmp/re"), 3);
	CHECK_EQ(file_stat_path("/tmp/rd", &st, NULL), -ENOENT);
	/* the open file of a replaced name lives on until closed */
	CHECK_EQ(mk("/tmp/rc"), 0);
	struct file *f = op("/tmp/rb", O_RDWR);
	CHECK_EQ(wr(f, "old"), 3);
	CHECK_EQ(ops()->rename("rc", "rb", 0), 0);
	f->ops->stat(f, &st);
	CHECK_EQ(st.nlink, 0);
	file_put(f);
	CHECK_EQ(ops()->unlink("rb"), 0);
	CHECK_EQ(ops()->rmdir("re/moved"), 0);
	CHECK_EQ(ops()->rmdir("re"), 0);
	CHECK_EQ(fs_host_allocs, base);
}

TEST(modes_owners_permissions)
{
	long base = fs_host_allocs;
	struct kstat st;
	cred = (struct fs_cred){0, 0, 022, 0, 0};
	struct file *f = NULL;
	CHECK_EQ(file_open("/tmp/pm", O_CREAT | O_WRONLY, 0666, &f), 0);
	file_put(f);
	CHECK_EQ(file_stat_path("/tmp/pm", &st, NULL), 0);
	CHECK_EQ(st.mode, S_IFREG | 0644); /* umask applied */
	CHECK_EQ(ops()->mkdir("pd", 0777), 0);
	CHECK_EQ(file_stat_path("/tmp/pd", &st, NULL), 0);
	CHECK_EQ(st.mode, S_IFDIR | 0755);
	/* a user: may not read root's 0600 file, nor chmod/chown it */
	struct fs_setattr mode600 = {.valid = ATTR_MODE, .mode = 0600};
	CHECK_EQ(ops()->setattr(0, "pm", &mode600), 0);
	cred = (struct fs_cred){1000, 1000, 022, 0, 0};
	CHECK_EQ(op_err("/tmp/pm", O_RDONLY), -EACCES);
	CHECK_EQ(op_err("/tmp/pm", O_WRONLY), -EACCES);
	struct fs_setattr mode777 = {.valid = ATTR_MODE, .mode = 0777};
	CHECK_EQ(ops()->setattr(0, "pm", &mode777), -EPERM);
	struct fs_setattr own = {.valid = ATTR_OWNER, .uid = 1000, .gid = (uint32_t)-1};
	CHECK_EQ(ops()->setattr(0, "pm", &own), -EPERM);
	CHECK_EQ(op_err("/tmp/pd/new", O_CREAT | O_WRONLY), -EACCES); /* 0755 root dir */
	CHECK_EQ(ops()->mkdir("pd/new", 0755), -EACCES);
	CHECK_EQ(ops()->unlink("pm"), -EPERM); /* sticky /tmp: not the owner */
	/* the user's own file */
	CHECK_EQ(mk("/tmp/mine"), 0);
	CHECK_EQ(file_stat_path("/tmp/mine", &st, NULL), 0);
	CHECK_EQ(st.uid, 1000);
	CHECK_EQ(st.gid, 1000);
	CHECK_EQ(ops()->setattr(0, "mine", &mode600), 0);
	struct fs_setattr give = {.valid = ATTR_OWNER, .uid = 0, .gid = (uint32_t)-1};
	CHECK_EQ(ops()->setattr(0, "mine", &give), -EPERM); /* only root gives files away */
	struct fs_setattr same = {.valid = ATTR_OWNER, .uid = 1000, .gid = 1000};
	CHECK_EQ(ops()->setattr(0, "mine", &same), 0);
	struct fs_setattr r000 = {.valid = ATTR_MODE, .mode = 0};
	CHECK_EQ(ops()->setattr(0, "mine", &r000), 0);
	CHECK_EQ(op_err("/tmp/mine", O_RDONLY), -EACCES); /* even the owner */
	cred = (struct fs_cred){0, 0, 0, 0, 0};
	CHECK_EQ(op_err("/tmp/mine", O_RDWR), 0); /* root is not checked */
	CHECK_EQ(ops()->setattr(0, "mine", &own), 0);
	struct fs_setattr suid = {.valid = ATTR_MODE, .mode = 04755};
	CHECK_EQ(ops()->setattr(0, "mine", &suid), 0);
	CHECK_EQ(ops()->setattr(0, "mine", &give), 0); /* chown drops set-user-ID */
	CHECK_EQ(file_stat_path("/tmp/mine", &st, NULL), 0);
	CHECK_EQ(st.mode, S_IFREG | 0755);
	CHECK_EQ(st.uid, 0);
	CHECK_EQ(ops()->unlink("mine"), 0);
	CHECK_EQ(ops()->unlink("pm"), 0);
	CHECK_EQ(ops()->rmdir("pd"), 0);
	CHECK_EQ(fs_host_allocs, base);
}

TEST(times_and_truncation)
{
	long base = fs_host_allocs;
	struct kstat a, b;
	CHECK_EQ(mk("/tmp/tt"), 0);
	CHECK_EQ(file_stat_path("/tmp/tt", &a, NULL), 0);
	CHECK(a.mtime_ns && a.mtime_ns == a.ctime_ns && a.atime_ns == a.mtime_ns);
	struct file *f = op("/tmp/tt", O_RDWR);
	CHECK_EQ(wr(f, "12345"), 5);
	f->ops->stat(f, &b);
	CHECK(b.mtime_ns > a.mtime_ns && b.ctime_ns > a.ctime_ns);
	CHECK_EQ(b.atime_ns, a.atime_ns);
	struct fs_setattr grow = {.valid = ATTR_SIZE, .size = 100};
	CHECK_EQ(f->ops->setattr(f, 0, &grow), 0);
	f->ops->stat(f, &a);
	CHECK_EQ(a.size, 100);
	CHECK(a.mtime_ns > b.mtime_ns);
	char buf[100];
	f->off = 0;
	CHECK_EQ(rd(f, buf, sizeof buf), 100);
	CHECK(memcmp(buf, "12345\0\0\0", 8) == 0 && buf[99] == 0);
	struct fs_setattr shrink = {.valid = ATTR_SIZE, .size = 2};
	CHECK_EQ(ops()->setattr(0, "tt", &shrink), 0);
	f->off = 0;
	CHECK_EQ(rd(f, buf, sizeof buf), 2);
	struct fs_setattr huge = {.valid = ATTR_SIZE, .size = TMP_MAX_BYTES + 1ull};
	CHECK_EQ(ops()->setattr(0, "tt", &huge), -EFBIG);
	struct fs_setattr t = {.valid = ATTR_ATIME | ATTR_MTIME, .atime_ns = 5, .mtime_ns = 7};
	CHECK_EQ(ops()->setattr(0, "tt", &t), 0);
	f->ops->stat(f, &a);
	CHECK_EQ(a.atime_ns, 5);
	CHECK_EQ(a.mtime_ns, 7);
	CHECK(a.ctime_ns > 7);
	struct fs_setattr only_m = {.valid = ATTR_MTIME, .mtime_ns = 9};
	CHECK_EQ(ops()->setattr(0, "tt", &only_m), 0);
	f->ops->stat(f, &a);
	CHECK_EQ(a.atime_ns, 5); /* omitted: unchanged */
	CHECK_EQ(a.mtime_ns, 9);
	cred = (struct fs_cred){1000, 1000, 0, 0, 0};
	CHECK_EQ(ops()->setattr(0, "tt", &t), -EPERM); /* explicit times: owner only */
	struct fs_setattr now = {.valid = ATTR_ATIME | ATTR_MTIME | ATTR_TIMES_NOW};
	CHECK_EQ(ops()->setattr(0, "tt", &now), -EACCES); /* 0644: no write access */
	cred = (struct fs_cred){0, 0, 0, 0, 0};
	CHECK_EQ(ops()->setattr(0, "tt", &now), 0);
	file_put(f);
	CHECK_EQ(ops()->mkdir("td", 0755), 0);
	CHECK_EQ(ops()->setattr(0, "td", &grow), -EISDIR);
	CHECK_EQ(file_stat_path("/tmp/td", &a, NULL), 0);
	CHECK_EQ(mk("/tmp/td/x"), 0);
	CHECK_EQ(file_stat_path("/tmp/td", &b, NULL), 0);
	CHECK(b.mtime_ns > a.mtime_ns); /* a new name changes its directory */
	CHECK_EQ(b.size, a.size + 20);
	CHECK_EQ(ops()->unlink("td/x"), 0);
	CHECK_EQ(ops()->rmdir("td"), 0);
	CHECK_EQ(ops()->unlink("tt"), 0);
	CHECK_EQ(fs_host_allocs, base);
}

TEST(fifo_opens)
{
	long base = fs_host_allocs;
	struct kstat st;
	CHECK_EQ(ops()->mknod("ff", S_IFIFO | 0644, 0), 0);
	CHECK_EQ(ops()->mknod("ff", S_IFIFO | 0644, 0), -EEXIST);
	CHECK_EQ(ops()->mknod("fc", S_IFCHR | 0644, 0), -EPERM);
	CHECK_EQ(file_stat_path("/tmp/ff", &st, NULL), 0);
	CHECK_EQ(st.mode, S_IFIFO | 0644);
	CHECK_EQ(op_err("/tmp/ff", O_WRONLY | O_NONBLOCK), -ENXIO); /* no reader */
	CHECK_EQ(op_err("/tmp/ff", O_RDONLY), -ERESTARTSYS);        /* waits: interrupted */
	struct file *r = op("/tmp/ff", O_RDONLY | O_NONBLOCK);
	CHECK(r != NULL);
	char buf[16];
	CHECK_EQ(rd(r, buf, sizeof buf), 0); /* no writer: end of file */
	struct file *w = op("/tmp/ff", O_WRONLY | O_NONBLOCK);
	CHECK(w != NULL);
	CHECK_EQ(wr(w, "fifo"), 4);
	CHECK_EQ(r->ops->poll(r, POLLIN) & POLLIN, POLLIN);
	CHECK_EQ(rd(r, buf, sizeof buf), 4);
	CHECK_STR_EQ(buf, "fifo");
	CHECK_EQ(rd(r, buf, sizeof buf), -EAGAIN);
	struct file *rw = op("/tmp/ff", O_RDWR); /* never waits */
	CHECK(rw != NULL);
	file_put(w);
	file_put(r);
	CHECK_EQ(ops()->unlink("ff"), 0); /* open: lives on */
	CHECK_EQ(wr(rw, "x"), 1);
	file_put(rw);
	CHECK_EQ(fs_host_allocs, base);
}

int main(void) { return tap_main(); }
