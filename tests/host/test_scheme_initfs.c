/* Host unit test for kernel/fs/scheme_initfs.c (unity build with scheme.c,
 * file.c and initfs_format.c): module selection (a bad module is logged and
 * skipped, none gives an empty root), implied directories, getdents listing
 * each child once, reads at offsets, stat, EROFS/ENOENT, initfs_lookup. */
#include "fs_host.h"
#include "../../kernel/fs/scheme.c"
#include "../../kernel/fs/file.c"
#include "../../kernel/fs/initfs_format.c"
#include "../../kernel/fs/scheme_initfs.c"

struct boot_module boot_modules[MAX_BOOT_MODULES];
int boot_module_count;

#define NFILES 5
static const struct {
	const char *path, *data;
	uint32_t mode;
} files[NFILES] = {
    {"/bin/sh", "#!shell", 0755},
    {"/bin/ls", "ls-binary", 0755},
    {"/extra/a/b.txt", "deep\n", 0644},
    {"/etc/motd", "welcome\n", 0644},
    {"/extra/c", "", 0600},
};
static _Alignas(INITFS_ALIGN) uint8_t archive[(NFILES + 1) * INITFS_ALIGN];
static const char junk[64] = "not an archive";

static void build(void)
{
	memset(archive, 0, sizeof archive);
	struct initfs_header *h = (struct initfs_header *)archive;
	memcpy(h->magic, INITFS_MAGIC, INITFS_MAGIC_LEN);
	h->count = NFILES;
	struct initfs_entry *e = (struct initfs_entry *)(h + 1);
	for (int i = 0; i < NFILES; i++) {
		strcpy(e[i].path, files[i].path);
		e[i].offset = (uint64_t)(i + 1) * INITFS_ALIGN;
		e[i].size = strlen(files[i].data);
		e[i].mode = files[i].mode;
		memcpy(archive + e[i].offset, files[i].data, e[i].size);
	}
}

/* (Re)initialise the scheme from the given modules. */
static void boot_with(int count)
{
	image = NULL;
	nentries = 0;
	nschemes = 0;
	boot_module_count = count;
	initfs_scheme_init();
}

static void boot_good(void)
{
	build();
	boot_modules[0] = (struct boot_module){junk, sizeof junk, "junk"};
	boot_modules[1] = (struct boot_module){archive, sizeof archive, "initfs.img"};
	boot_with(2);
}

static int op(const char *path, int flags, struct file **f) { return file_open(path, flags, 0, f); }

/* Names in a directory, sorted into one comma-separated string. */
static char listing[512];
static int cmp(const void *a, const void *b) { return strcmp(*(char **)a, *(char **)b); }

static const char *ls(const char *path, size_t bufsize)
{
	struct file *f;
	listing[0] = 0;
	if (op(path, O_RDONLY | O_DIRECTORY, &f))
		return "(open failed)";
	static char names[32][64];
	char *sorted[32];
	int count = 0;
	uint8_t buf[512];
	long n;
	while ((n = f->ops->getdents(f, U(buf), bufsize, &f->off)) > 0)
		for (long pos = 0; pos < n && count < 32;) {
			uint16_t reclen;
			memcpy(&reclen, buf + pos + 16, 2);
			snprintf(names[count], 64, "%s%s", (char *)buf + pos + 19,
			         buf[pos + 18] == DT_DIR ? "/" : "");
			sorted[count] = names[count];
			count++;
			pos += reclen;
		}
	file_put(f);
	if (n < 0)
		return "(getdents failed)";
	qsort(sorted, (size_t)count, sizeof *sorted, cmp);
	for (int i = 0; i < count; i++) {
		strcat(listing, i ? "," : "");
		strcat(listing, sorted[i]);
	}
	return listing;
}

TEST(no_module_empty_root)
{
	int logs = tap_log_count;
	boot_with(0);
	CHECK_EQ(tap_log_count, logs + 1);
	CHECK(strstr(tap_last_log, "no root filesystem") != NULL);
	CHECK_STR_EQ(ls("/", 512), "scheme/,tmp/");
	struct file *f;
	CHECK_EQ(op("/bin/sh", O_RDONLY, &f), -ENOENT);
	const void *data;
	size_t size;
	CHECK_EQ(initfs_lookup("/bin/sh", &data, &size), -ENOENT);
}

TEST(bad_module_skipped)
{
	int logs = tap_log_count;
	boot_good();
	CHECK_EQ(tap_log_count, logs + 2);
	CHECK(image == archive);
	CHECK_EQ(nentries, NFILES);
	CHECK(scheme_find("file", 4) != NULL);
}

TEST(read_files)
{
	boot_good();
	struct file *f;
	CHECK_EQ(op("/bin/ls", O_RDONLY, &f), 0);
	char buf[32] = {0};
	CHECK_EQ(f->ops->read(f, U(buf), 2, &f->off), 2);
	CHECK_EQ(f->ops->read(f, U(buf + 2), sizeof buf, &f->off), 7);
	CHECK_STR_EQ(buf, "ls-binary");
	CHECK_EQ(f->ops->read(f, U(buf), sizeof buf, &f->off), 0);
	uint64_t off = 3;
	memset(buf, 0, sizeof buf);
	CHECK_EQ(f->ops->read(f, U(buf), 3, &off), 3);
	CHECK_STR_EQ(buf, "bin");
	CHECK_EQ(f->ops->read(f, 0x100, 3, &off), -EFAULT);
	CHECK_EQ(file_read_kernel(f, buf, 2, 7), 2);
	CHECK(memcmp(buf, "ry", 2) == 0);
	struct kstat st;
	CHECK_EQ(f->ops->stat(f, &st), 0);
	CHECK_EQ(st.mode, S_IFREG | 0755);
	CHECK_EQ(st.size, 9);
	file_put(f);

	CHECK_EQ(op("/extra/./a//b.txt", O_RDONLY, &f), 0);
	CHECK_EQ(f->ops->stat(f, &st), 0);
	CHECK_EQ(st.mode, S_IFREG | 0644);
	file_put(f);
	CHECK_EQ(op("/extra/c", O_RDONLY, &f), 0);
	CHECK_EQ(f->ops->read(f, U(buf), sizeof buf, &f->off), 0);
	file_put(f);
	CHECK_EQ(op("file:bin/sh", O_RDONLY, &f), 0);
	file_put(f);
}

TEST(directories_are_implied)
{
	boot_good();
	struct file *f;
	struct kstat st;
	const char *dirs[] = {"/", "/bin", "/bin/", "/extra", "/extra/a", "/etc"};
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		CHECK_EQ(op(dirs[i], O_RDONLY | O_DIRECTORY, &f), 0);
		CHECK_EQ(f->ops->stat(f, &st), 0);
		CHECK_EQ(st.mode, S_IFDIR | 0755);
		char c;
		CHECK_EQ(f->ops->read(f, U(&c), 1, &f->off), -EISDIR);
		file_put(f);
	}
	CHECK_EQ(op("/bi", O_RDONLY, &f), -ENOENT); /* a prefix is not a directory */
	CHECK_EQ(op("/extra/a/b", O_RDONLY, &f), -ENOENT);
	CHECK_EQ(op("/bin/sh", O_RDONLY | O_DIRECTORY, &f), -ENOTDIR);
	CHECK_EQ(op("/bin/sh/x", O_RDONLY, &f), -ENOENT);
}

TEST(listings)
{
	boot_good();
	for (size_t bufsize = 32; bufsize <= 512; bufsize *= 2) { /* 32: one record */
		CHECK_STR_EQ(ls("/", bufsize), "bin/,etc/,extra/,scheme/,tmp/");
		CHECK_STR_EQ(ls("/bin", bufsize), "ls,sh");
		CHECK_STR_EQ(ls("/extra", bufsize), "a/,c");
		CHECK_STR_EQ(ls("/extra/a", bufsize), "b.txt");
	}
	CHECK_STR_EQ(ls("/", 24), "(getdents failed)"); /* "extra" needs 32: -EINVAL */
	struct file *f;
	CHECK_EQ(op("/bin/sh", O_RDONLY, &f), 0);
	uint8_t buf[64];
	CHECK_EQ(f->ops->getdents(f, U(buf), sizeof buf, &f->off), -ENOTDIR);
	file_put(f);
}

TEST(read_only)
{
	boot_good();
	struct file *f;
	CHECK_EQ(op("/bin/sh", O_WRONLY, &f), -EROFS);
	CHECK_EQ(op("/bin/sh", O_RDWR, &f), -EROFS);
	CHECK_EQ(op("/bin/sh", O_RDONLY | O_TRUNC, &f), -EROFS);
	CHECK_EQ(op("/bin/new", O_CREAT | O_WRONLY, &f), -EROFS);
	CHECK_EQ(op("/bin/new", O_RDONLY, &f), -ENOENT);
	CHECK_EQ(op("/bin", O_WRONLY, &f), -EISDIR);
	CHECK_EQ(op("/bin/sh", O_RDONLY, &f), 0);
	char c = 'x';
	CHECK_EQ(f->ops->write(f, U(&c), 1, &f->off), -EROFS);
	CHECK(f->ops->unlink == NULL && f->ops->mkdir == NULL);
	file_put(f);
}

TEST(lookup_for_exec)
{
	boot_good();
	const void *data = NULL;
	size_t size = 0;
	CHECK_EQ(initfs_lookup("/bin/sh", &data, &size), 0);
	CHECK_EQ(size, 7);
	CHECK(data && memcmp(data, "#!shell", 7) == 0);
	CHECK_EQ((uintptr_t)data % INITFS_ALIGN, 0);
	CHECK_EQ(initfs_lookup("/bin", &data, &size), -ENOENT);
	CHECK_EQ(initfs_lookup("bin/sh", &data, &size), -ENOENT);
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

TEST(stat_path_matches_open_stat_and_marks_read_only)
{
	boot_good();
	CHECK(stat_path_matches("/bin/sh"));
	CHECK(stat_path_matches("/extra/c"));
	CHECK(stat_path_matches("/extra/a"));
	CHECK(stat_path_matches("/"));
	struct kstat st;
	CHECK_EQ(file_stat_path("/etc/motd", &st, NULL), 0);
	CHECK_EQ(st.mode, S_IFREG | 0644);
	CHECK_EQ(st.size, 8);
	CHECK(st.rofs);
	CHECK_EQ(file_stat_path("/extra", &st, NULL), 0);
	CHECK_EQ(st.mode, S_IFDIR | 0755);
	struct fs_cred root = {0, 0, 0, 0, 0};
	CHECK_EQ(file_may_access(&st, W_OK, &root), -EROFS); /* read-only fs, even for root */
	CHECK_EQ(file_stat_path("/nope", &st, NULL), -ENOENT);
	CHECK_EQ(file_stat_path("/bin/sh/x", &st, NULL), -ENOENT);
}

int main(void) { return tap_main(); }
