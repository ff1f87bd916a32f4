/* Host unit test for kernel/fs/file.c (unity build with scheme.c): the
 * getdents record writer at the longest name (dirent_emit once copied 280
 * bytes out of a 275-byte stack struct: ASan flags any such over-read), the
 * access(2) decision file_may_access, and stat by path reaching the
 * scheme's stat_path without an open. */
#include "fs_host.h"
#include "../../kernel/fs/scheme.c"
#include "../../kernel/fs/file.c"

#define GUARD 64

static struct file ufile; /* user-buffer copies (kernel_buf false) */

/* A 255-byte name makes the largest record, 280 bytes; nothing is written
 * past it and the padding after the name's NUL is zero. */
TEST(dirent_emit_longest_name_stays_in_its_record)
{
	uint8_t buf[DIRENT_RECLEN_MAX + GUARD];
	memset(buf, 0xaa, sizeof buf);
	char name[300];
	memset(name, 'n', 255);
	name[255] = 0;
	struct dirent_buf d = DIRENT_BUF(&ufile, U(buf), sizeof buf);
	CHECK(dirent_emit(&d, 7, 1, DT_REG, name));
	CHECK_EQ(dirent_done(&d), 280);
	uint16_t reclen;
	memcpy(&reclen, buf + 16, 2);
	CHECK_EQ(reclen, 280);
	CHECK_EQ(buf[18], DT_REG);
	CHECK(memcmp(buf + 19, name, 255) == 0);
	for (size_t i = 19 + 255; i < 280; i++)
		CHECK_EQ(buf[i], 0);
	for (size_t i = 280; i < sizeof buf; i++)
		CHECK_EQ(buf[i], 0xaa);
}

/* A longer name is cut at 255 bytes, in the same 280-byte record. */
TEST(dirent_emit_cuts_names_at_255)
{
	uint8_t buf[DIRENT_RECLEN_MAX + GUARD];
	memset(buf, 0xaa, sizeof buf);
	char name[300];
	memset(name, 'm', 299);
	name[299] = 0;
	struct dirent_buf d = DIRENT_BUF(&ufile, U(buf), sizeof buf);
	CHECK(dirent_emit(&d, 7, 1, DT_REG, name));
	CHECK_EQ(dirent_done(&d), 280);
	CHECK_EQ(buf[19 + 254], 'm');
	CHECK_EQ(buf[19 + 255], 0);
	CHECK_EQ(buf[280], 0xaa);
}

/* The record must fit whole: a 279-byte buffer takes nothing. */
TEST(dirent_emit_longest_name_needs_280_bytes)
{
	uint8_t buf[DIRENT_RECLEN_MAX];
	memset(buf, 0xaa, sizeof buf);
	char name[256];
	memset(name, 'n', 255);
	name[255] = 0;
	struct dirent_buf d = DIRENT_BUF(&ufile, U(buf), sizeof buf - 1);
	CHECK(!dirent_emit(&d, 7, 1, DT_REG, name));
	CHECK_EQ(dirent_done(&d), -EINVAL);
	CHECK_EQ(buf[0], 0xaa);
}

/* file_may_access for a caller with these ids and no supplementary groups. */
static int may(const struct kstat *st, int mode, uint32_t uid, uint32_t gid)
{
	struct fs_cred c = {uid, gid, 0, 0, 0};
	return file_may_access(st, mode, &c);
}

TEST(access_bad_mode_bits_are_einval)
{
	struct kstat st = {.mode = S_IFREG | 0777};
	CHECK_EQ(may(&st, 8, 0, 0), -EINVAL);
	CHECK_EQ(may(&st, -1, 1000, 1000), -EINVAL);
}

/* Linux checks a read-only filesystem first: EROFS even for root and even
 * where the mode bits would deny. */
TEST(access_write_on_read_only_fs_is_erofs)
{
	struct kstat st = {.mode = S_IFREG | 0555, .rofs = true};
	CHECK_EQ(may(&st, W_OK, 0, 0), -EROFS);
	CHECK_EQ(may(&st, W_OK, 1000, 1000), -EROFS);
	CHECK_EQ(may(&st, R_OK | X_OK, 1000, 1000), 0);
	CHECK_EQ(may(&st, F_OK, 1000, 1000), 0);
}

TEST(access_root_reads_writes_and_needs_an_x_bit)
{
	struct kstat none = {.mode = S_IFREG | 0000}, x = {.mode = S_IFREG | 0001},
	             dir = {.mode = S_IFDIR | 0000};
	CHECK_EQ(may(&none, R_OK | W_OK, 0, 0), 0);
	CHECK_EQ(may(&none, X_OK, 0, 0), -EACCES);
	CHECK_EQ(may(&x, X_OK, 0, 0), 0);
	CHECK_EQ(may(&dir, X_OK, 0, 0), 0);
}

/* Owner, else group, else other bits: the first class that matches decides. */
TEST(access_owner_group_other_classes)
{
	struct kstat st = {.mode = S_IFREG | 0640, .uid = 10, .gid = 20};
	CHECK_EQ(may(&st, R_OK | W_OK, 10, 99), 0);
	CHECK_EQ(may(&st, X_OK, 10, 99), -EACCES);
	CHECK_EQ(may(&st, R_OK, 11, 20), 0);
	CHECK_EQ(may(&st, W_OK, 11, 20), -EACCES);
	CHECK_EQ(may(&st, R_OK, 11, 21), -EACCES);
	CHECK_EQ(may(&st, F_OK, 11, 21), 0);
	struct kstat owner_none = {.mode = S_IFREG | 0077, .uid = 10, .gid = 20};
	CHECK_EQ(may(&owner_none, R_OK, 10, 20), -EACCES);
}

/* Regression: a supplementary group (setgroups) did not count as the
 * file's group; Linux's in_group_p looks at all of them. */
TEST(access_supplementary_group_is_the_group_class)
{
	struct kstat st = {.mode = S_IFREG | 0640, .uid = 10, .gid = 20};
	const uint32_t groups[] = {5, 20};
	struct fs_cred c = {11, 99, 0, 2, groups};
	CHECK_EQ(file_may_access(&st, R_OK, &c), 0);
	CHECK_EQ(file_may_access(&st, W_OK, &c), -EACCES);
	c.ngroups = 1; /* 20 no longer among them: the other class */
	CHECK_EQ(file_may_access(&st, R_OK, &c), -EACCES);
}

/* A scheme whose open would fail the test: stat by path must not call it. */
static int opens;
static int fake_open(struct file *f, const char *path, int flags, int mode)
{
	(void)f, (void)path, (void)flags, (void)mode;
	opens++;
	return -EIO;
}
static int fake_stat_path(const char *path, struct kstat *st)
{
	if (strcmp(path, "a/b") != 0)
		return -ENOENT;
	st->mode = S_IFREG | 0644;
	st->size = 42;
	return 0;
}
static const struct scheme_ops fake_ops = {.open = fake_open, .stat_path = fake_stat_path};
static const struct scheme_ops nostat_ops = {.open = fake_open};

TEST(stat_path_uses_the_scheme_op_and_never_opens)
{
	if (!scheme_find("fake", 4)) {
		scheme_register("fake", &fake_ops);
		scheme_register("nostat", &nostat_ops);
	}
	struct kstat st;
	const struct scheme *s = NULL;
	CHECK_EQ(file_stat_path("fake:a//b", &st, &s), 0);
	CHECK(s == scheme_find("fake", 4));
	CHECK_EQ(file_stat_path("fake:a//b/", &st, NULL), -ENOTDIR); /* a file named as a dir */
	CHECK_EQ(file_stat_path("fake:a/b/.", &st, NULL), -ENOTDIR);
	CHECK_EQ(st.size, 42);
	CHECK_EQ(st.mode, S_IFREG | 0644);
	CHECK_EQ(file_stat_path("/scheme/fake/a/./b", &st, NULL), 0);
	CHECK_EQ(file_stat_path("fake:a/c", &st, NULL), -ENOENT);
	CHECK_EQ(file_stat_path("nostat:", &st, NULL), -ENOENT);
	CHECK_EQ(file_stat_path("nosuch:x", &st, NULL), -ENOENT);
	CHECK_EQ(file_stat_path("/scheme", &st, NULL), 0);
	CHECK_EQ(st.mode, S_IFDIR | 0555);
	CHECK_EQ(opens, 0);
}

int main(void) { return tap_main(); }
