/* Host unit test for kernel/fs/initfs_format.c (unity build): builds
 * initfs archives in memory and checks validation and lookup on good,
 * truncated, bad-magic, overflowing, unterminated and misaligned input. */
#include <stdio.h>
#include <string.h>
#include "../../kernel/fs/initfs_format.c"

#define ARCHIVE_SIZE (3 * INITFS_ALIGN)

static _Alignas(INITFS_ALIGN) unsigned char archive[ARCHIVE_SIZE];
static int test_count, fail_count;

static void check(int cond, const char *name)
{
	test_count++;
	if (!cond)
		fail_count++;
	printf("%sok %d - %s\n", cond ? "" : "not ", test_count, name);
}

static struct initfs_header *header(void) { return (struct initfs_header *)archive; }

static struct initfs_entry *entry(int i)
{
	return (struct initfs_entry *)(archive + sizeof(struct initfs_header)) + i;
}

/* Two files: /bin/sh (5 bytes at 4096) and /etc/motd (3 bytes at 8192). */
static void build_good(void)
{
	memset(archive, 0, sizeof(archive));
	memcpy(header()->magic, INITFS_MAGIC, INITFS_MAGIC_LEN);
	header()->count = 2;
	strcpy(entry(0)->path, "/bin/sh");
	entry(0)->offset = INITFS_ALIGN;
	entry(0)->size = 5;
	entry(0)->mode = 0755;
	memcpy(archive + INITFS_ALIGN, "hello", 5);
	strcpy(entry(1)->path, "/etc/motd");
	entry(1)->offset = 2 * INITFS_ALIGN;
	entry(1)->size = 3;
	entry(1)->mode = 0644;
	memcpy(archive + 2 * INITFS_ALIGN, "hi\n", 3);
}

static void test_good(void)
{
	build_good();
	check(initfs_validate(archive, sizeof(archive)) == 2, "good archive has 2 entries");
	const struct initfs_entry *e = initfs_find(archive, "/bin/sh");
	check(e == entry(0), "find /bin/sh");
	check(e && e->size == 5 && memcmp(archive + e->offset, "hello", 5) == 0, "/bin/sh data");
	check(e && e->mode == 0755, "/bin/sh mode");
	check(initfs_find(archive, "/etc/motd") == entry(1), "find /etc/motd");
	check(initfs_find(archive, "/bin/s") == NULL, "prefix does not match");
	check(initfs_find(archive, "/bin/shx") == NULL, "longer path does not match");
	check(initfs_find(archive, "/nope") == NULL, "missing path");
	check(initfs_entry_at(archive, 1) == entry(1), "entry_at 1");
	check(initfs_entry_at(archive, 2) == NULL, "entry_at out of range");
	check(initfs_validate(archive, 2 * INITFS_ALIGN + 3) == 2, "exact length accepted");
}

static void test_empty(void)
{
	build_good();
	header()->count = 0;
	check(initfs_validate(archive, sizeof(struct initfs_header)) == 0, "empty archive");
	check(initfs_find(archive, "/bin/sh") == NULL, "empty archive finds nothing");
}

static void test_truncated(void)
{
	build_good();
	check(initfs_validate(archive, 0) == -EINVAL, "zero length");
	check(initfs_validate(archive, 15) == -EINVAL, "truncated header");
	check(initfs_validate(archive, 16 + 128 + 64) == -EINVAL, "truncated entry table");
	check(initfs_validate(archive, 2 * INITFS_ALIGN + 2) == -EINVAL, "truncated file data");
	check(initfs_validate(NULL, 100) == -EINVAL, "NULL base");
	header()->count = 0x10000000;
	check(initfs_validate(archive, sizeof(archive)) == -EINVAL, "huge count");
}

static void test_bad_magic(void)
{
	build_good();
	header()->magic[7] = '2';
	check(initfs_validate(archive, sizeof(archive)) == -EINVAL, "bad magic");
}

static void test_overflow(void)
{
	build_good();
	entry(1)->size = UINT64_MAX - INITFS_ALIGN + 1;
	check(initfs_validate(archive, sizeof(archive)) == -EINVAL, "offset+size overflows");
	build_good();
	entry(1)->offset = UINT64_MAX & ~(uint64_t)(INITFS_ALIGN - 1);
	check(initfs_validate(archive, sizeof(archive)) == -EINVAL, "offset past end");
	build_good();
	entry(0)->offset = 0;
	check(initfs_validate(archive, sizeof(archive)) == -EINVAL, "data overlaps table");
}

static void test_bad_paths(void)
{
	build_good();
	memset(entry(1)->path, 'a', INITFS_PATH_MAX);
	entry(1)->path[0] = '/';
	check(initfs_validate(archive, sizeof(archive)) == -EINVAL, "unterminated path");
	build_good();
	strcpy(entry(0)->path, "bin/sh");
	check(initfs_validate(archive, sizeof(archive)) == -EINVAL, "relative path");
	build_good();
	entry(0)->path[0] = '\0';
	check(initfs_validate(archive, sizeof(archive)) == -EINVAL, "empty path");
}

static void test_misaligned(void)
{
	build_good();
	entry(1)->offset = INITFS_ALIGN + 8;
	check(initfs_validate(archive, sizeof(archive)) == -EINVAL, "misaligned offset");
}

int main(void)
{
	test_good();
	test_empty();
	test_truncated();
	test_bad_magic();
	test_overflow();
	test_bad_paths();
	test_misaligned();
	printf("1..%d\n", test_count);
	return fail_count != 0;
}
