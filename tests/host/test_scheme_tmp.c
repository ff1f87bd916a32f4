/* Host unit test for kernel/fs/scheme_tmp.c (unity build with scheme.c and
 * file.c): create, exclusive create, truncate, sparse writes, stat, mkdir,
 * rmdir (ENOTEMPTY), unlink, a file unlinked while open staying readable
 * until closed (ASan catches a use after free), getdents, and the size cap. */
#include "fs_host.h"
#include "../../kernel/fs/scheme.c"
#include "../../kernel/fs/file.c"
#include "../../kernel/fs/scheme_tmp.c"

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
	CHECK_EQ(op_err("/tmp/e", O_CREAT | O_WRONLY), 0); /* O_CREAT alone reopens */
	CHECK_EQ(op_err("/tmp/e/x", O_CREAT | O_WRONLY), -ENOENT);
	CHECK_EQ(op_err("/tmp", O_WRONLY), -EISDIR);
	CHECK_EQ(op_err("/tmp", O_RDONLY | O_DIRECTORY), 0);
	CHECK_EQ(op_err("/tmp/e", O_RDONLY | O_DIRECTORY), -ENOTDIR);
	char longname[100] = "/tmp/";
	memset(longname + 5, 'n', 80);
	CHECK_EQ(op_err(longname, O_CREAT | O_WRONLY), -ENAMETOOLONG);
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
	CHECK_EQ(st.mode, S_IFREG | 0666);
	CHECK_EQ(file_stat_path("/tmp/sp-none", &st, NULL), -ENOENT);
	CHECK_EQ(op_err("/tmp/sp-none", O_RDONLY), -ENOENT);
	CHECK_EQ(file_stat_path("/tmp/sp/x", &st, NULL), -ENOENT);
	CHECK_EQ(tmp_unlink("sp"), 0);
}

int main(void) { return tap_main(); }
