/* Host unit test for kernel/fs/scheme.c and kernel/fs/file.c (unity build):
 * path routing and lexical normalisation in scheme_resolve, the registry,
 * the built-in /scheme directory, file_open/file_put reference counting,
 * O_DIRECTORY, and the linux_dirent64 records of dirent_emit. */
#include "fs_host.h"
#include "../../kernel/fs/scheme.c"
#include "../../kernel/fs/file.c"

/* A fake scheme: "d" and anything starting "d/" are directories. */
static int fake_opens, fake_closes;
static char fake_last_path[300];

static int fake_open(struct file *f, const char *path, int flags, int mode)
{
	(void)flags, (void)mode;
	if (strcmp(path, "missing") == 0)
		return -ENOENT;
	strlcpy(fake_last_path, path, sizeof fake_last_path);
	f->priv = (void *)(uintptr_t)(strcmp(path, "d") == 0 || strncmp(path, "d/", 2) == 0);
	fake_opens++;
	return 0;
}

static int fake_stat(struct file *f, struct kstat *st)
{
	memset(st, 0, sizeof *st);
	st->mode = f->priv ? S_IFDIR | 0755 : S_IFREG | 0644;
	return 0;
}

static void fake_close(struct file *f)
{
	(void)f;
	fake_closes++;
}

static long fake_read(struct file *f, uint64_t ubuf, size_t n, uint64_t *off)
{
	static const char text[] = "0123456789";
	return file_read_window(f, ubuf, n, off, text, sizeof text - 1);
}

static const struct scheme_ops fake_ops = {
    .open = fake_open, .stat = fake_stat, .close = fake_close, .read = fake_read};

static void setup(void)
{
	if (nschemes)
		return;
	scheme_register("file", &fake_ops);
	scheme_register("tmp", &fake_ops);
	scheme_register("proc", &fake_ops);
	scheme_register("a", &fake_ops);
}

/* Resolve path; return the scheme's name ("-" for none) and the rest. */
static const char *res(const char *path, const char **rest)
{
	setup();
	*rest = "(unset)";
	const struct scheme *s = scheme_resolve(path, rest);
	return s ? s->name : "-";
}

#define ROUTE(path, want_scheme, want_rest)                                                        \
	do {                                                                                       \
		const char *r_;                                                                    \
		CHECK_STR_EQ(res(path, &r_), want_scheme);                                         \
		CHECK_STR_EQ(r_, want_rest);                                                       \
	} while (0)
#define NOROUTE(path)                                                                              \
	do {                                                                                       \
		const char *r_;                                                                    \
		CHECK_STR_EQ(res(path, &r_), "-");                                                 \
	} while (0)

TEST(registry)
{
	setup();
	CHECK_EQ(scheme_count(), 4);
	CHECK_STR_EQ(scheme_at(2)->name, "proc");
	CHECK(scheme_at(4) == NULL);
	CHECK(scheme_at(-1) == NULL);
	CHECK(scheme_find("tmp", 3) == scheme_at(1));
	CHECK(scheme_find("tm", 2) == NULL);
	CHECK(scheme_find("tmpx", 4) == NULL);
	CHECK(scheme_find("tmp:x", 3) == scheme_at(1));
}

TEST(colon_paths)
{
	ROUTE("proc:1/mem", "proc", "1/mem");
	ROUTE("proc:", "proc", "");
	ROUTE("proc:/1//mem/", "proc", "1/mem");
	ROUTE("proc:./1/./mem/.", "proc", "1/mem");
	ROUTE("proc:1/../2", "proc", "2");
	ROUTE("proc:1/../..", "proc", "");
	ROUTE("proc:../../x", "proc", "x");
	ROUTE("a:b:c", "a", "b:c");
	ROUTE("a:..", "a", "");
	NOROUTE("nope:x");
	NOROUTE(":x");
	NOROUTE("pro:1");
}

TEST(root_filesystem_paths)
{
	ROUTE("/", "file", "");
	ROUTE("/bin/sh", "file", "bin/sh");
	ROUTE("//bin///sh/.", "file", "bin/sh");
	ROUTE("/bin/../../etc", "file", "etc");
	ROUTE("/..", "file", "");
	ROUTE("/../../..", "file", "");
	ROUTE("/./bin/./sh", "file", "bin/sh");
	ROUTE("/bin/...", "file", "bin/...");
	ROUTE("/bin/.hidden", "file", "bin/.hidden");
	ROUTE("/a/b/c/../../d", "file", "a/d");
	ROUTE("/bin/x:y", "file", "bin/x:y"); /* ':' after a '/' is a plain character */
	ROUTE("/tmpx", "file", "tmpx");
	ROUTE("/schemes", "file", "schemes");
}

TEST(tmp_paths)
{
	ROUTE("/tmp", "tmp", "");
	ROUTE("/tmp/", "tmp", "");
	ROUTE("//tmp//", "tmp", "");
	ROUTE("/tmp/a/b", "tmp", "a/b");
	ROUTE("/tmp/a/../b/.", "tmp", "b");
	ROUTE("/tmp/..", "file", "");
	ROUTE("/tmp/../bin", "file", "bin");
	ROUTE("/bin/../tmp/x", "tmp", "x");
}

TEST(scheme_directory_paths)
{
	ROUTE("/scheme", "scheme", "");
	ROUTE("/scheme/", "scheme", "");
	ROUTE("/scheme/.", "scheme", "");
	ROUTE("/scheme/proc", "proc", "");
	ROUTE("/scheme/proc/", "proc", "");
	ROUTE("/scheme/proc/1/mem", "proc", "1/mem");
	ROUTE("/scheme/proc/1//./mem", "proc", "1/mem");
	ROUTE("/scheme/proc/1/../..", "scheme", "");
	ROUTE("/scheme/tmp/x", "tmp", "x");
	ROUTE("/scheme/../bin", "file", "bin");
	NOROUTE("/scheme/nope");
	NOROUTE("/scheme/nope/x");
	NOROUTE("/scheme/pro/x");
}

TEST(relative_and_long_paths)
{
	NOROUTE("");
	NOROUTE("bin/sh");
	NOROUTE("a/b:c");
	NOROUTE(".");
	char longp[PATH_MAX_K + 100];
	memset(longp, 'x', sizeof longp - 1);
	longp[0] = '/';
	longp[sizeof longp - 1] = 0;
	NOROUTE(longp);
	/* Long but collapsing to something short is fine. */
	char shrink[600] = "/";
	for (int i = 0; i < 100; i++)
		strcat(shrink, "./");
	strcat(shrink, "bin");
	ROUTE(shrink, "file", "bin");
}

TEST(open_and_close)
{
	setup();
	struct file *f = NULL;
	int opens = fake_opens, closes = fake_closes;
	CHECK_EQ(file_open("/scheme/proc/7/regs", O_RDWR | O_NONBLOCK | O_CLOEXEC, 0, &f), 0);
	CHECK_STR_EQ(fake_last_path, "7/regs");
	CHECK(f && f->refs == 1);
	CHECK(f && f->scheme == scheme_at(2) && f->ops == &fake_ops);
	CHECK_EQ(f->flags, O_RDWR | O_NONBLOCK); /* O_CLOEXEC is the fd's, not the file's */
	CHECK_EQ(fake_opens, opens + 1);
	file_get(f);
	file_put(f);
	CHECK_EQ(fake_closes, closes);
	file_put(f);
	CHECK_EQ(fake_closes, closes + 1);

	CHECK_EQ(file_open("/missing", O_RDONLY, 0, &f), -ENOENT);
	CHECK_EQ(file_open("nope:x", O_RDONLY, 0, &f), -ENOENT);
	CHECK_EQ(file_open("relative", O_RDONLY, 0, &f), -ENOENT);
	CHECK_EQ(fake_closes, closes + 1);
}

TEST(open_directory_flag)
{
	struct file *f = NULL;
	int closes = fake_closes;
	CHECK_EQ(file_open("/file", O_RDONLY | O_DIRECTORY, 0, &f), -ENOTDIR);
	CHECK_EQ(fake_closes, closes + 1); /* the opened file was closed again */
	CHECK_EQ(file_open("/d/x", O_RDONLY | O_DIRECTORY, 0, &f), 0);
	file_put(f);
	CHECK_EQ(file_open("/scheme", O_RDONLY | O_DIRECTORY, 0, &f), 0);
	file_put(f);
	CHECK_EQ(file_open("/scheme", O_WRONLY, 0, &f), -EISDIR);
}

TEST(read_kernel_and_window)
{
	struct file *f = NULL;
	char buf[16] = {0};
	CHECK_EQ(file_open("/f", O_RDONLY, 0, &f), 0);
	/* A kernel buffer below FS_HOST_BAD_TOP would fault as a user address:
	 * file_read_kernel must use memcpy. Here check the flag is restored. */
	CHECK_EQ(file_read_kernel(f, buf, 4, 3), 4);
	CHECK(memcmp(buf, "3456", 4) == 0);
	CHECK(!f->kernel_buf);
	uint64_t off = 8;
	CHECK_EQ(f->ops->read(f, U(buf), 16, &off), 2);
	CHECK_EQ(off, 10);
	CHECK_EQ(f->ops->read(f, U(buf), 16, &off), 0);
	off = 0;
	CHECK_EQ(f->ops->read(f, 0x100, 4, &off), -EFAULT);
	CHECK_EQ(off, 0);
	file_put(f);
}

struct dirent_view {
	uint64_t ino;
	int64_t off;
	uint16_t reclen;
	uint8_t type;
	const char *name;
};

static struct dirent_view dirent_at(const uint8_t *p)
{
	struct dirent_view d;
	memcpy(&d.ino, p, 8);
	memcpy(&d.off, p + 8, 8);
	memcpy(&d.reclen, p + 16, 2);
	d.type = p[18];
	d.name = (const char *)p + 19;
	return d;
}

TEST(scheme_directory_listing)
{
	setup();
	struct file *f = NULL;
	CHECK_EQ(file_open("/scheme/", O_RDONLY | O_DIRECTORY, 0, &f), 0);
	uint8_t buf[512];
	memset(buf, 0xaa, sizeof buf);
	uint64_t off = 0;
	long n = f->ops->getdents(f, U(buf), sizeof buf, &off);
	CHECK(n > 0);
	int count = 0;
	for (long pos = 0; pos < n; count++) {
		struct dirent_view d = dirent_at(buf + pos);
		CHECK_EQ(d.reclen % 8, 0);
		CHECK(d.reclen >= 19 + strlen(d.name) + 1);
		CHECK_EQ(d.type, DT_DIR);
		CHECK(d.ino != 0);
		CHECK_EQ(d.off, count + 1);
		CHECK_STR_EQ(d.name, scheme_at(count)->name);
		pos += d.reclen;
	}
	CHECK_EQ(count, scheme_count());
	CHECK_EQ(off, (uint64_t)scheme_count());
	CHECK_EQ(f->ops->getdents(f, U(buf), sizeof buf, &off), 0);

	/* A buffer too small for one record: -EINVAL; room for one: one. */
	off = 0;
	CHECK_EQ(f->ops->getdents(f, U(buf), 20, &off), -EINVAL);
	CHECK_EQ(off, 0);
	CHECK_EQ(f->ops->getdents(f, U(buf), 24, &off), 24); /* "file": 19+5 = 24 */
	CHECK_EQ(off, 1);
	CHECK_STR_EQ(dirent_at(buf).name, "file");
	CHECK_EQ(f->ops->getdents(f, U(buf), 40, &off), 24); /* "tmp" fits, "proc" not */
	CHECK_STR_EQ(dirent_at(buf).name, "tmp");
	CHECK_EQ(off, 2);
	CHECK_EQ(f->ops->getdents(f, 0x100, 40, &off), -EFAULT);
	CHECK_EQ(off, 2);
	file_put(f);
}

TEST(dirent_record_layout)
{
	uint8_t buf[64];
	memset(buf, 0xaa, sizeof buf);
	struct file fk = {.kernel_buf = true};
	struct dirent_buf d = DIRENT_BUF(&fk, U(buf), sizeof buf);
	CHECK(dirent_emit(&d, 0, 5, DT_REG, "abcdef")); /* 19 + 7 = 26 -> 32 */
	CHECK(!dirent_emit(&d, 9, 6, DT_REG, "0123456789abcdef"));
	CHECK(d.full);
	CHECK_EQ(dirent_done(&d), 32);
	struct dirent_view v = dirent_at(buf);
	CHECK_EQ(v.ino, 1); /* ino 0 would hide the entry from readdir */
	CHECK_EQ(v.off, 5);
	CHECK_EQ(v.reclen, 32);
	CHECK_EQ(v.type, DT_REG);
	CHECK_STR_EQ(v.name, "abcdef");
	for (int i = 26; i < 32; i++)
		CHECK_EQ(buf[i], 0); /* padding is zeroed, not leaked */
	CHECK_EQ(buf[32], 0xaa);
}

int main(void)
{
	int r = tap_main();
	return r;
}
