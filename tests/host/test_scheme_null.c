/* Host unit test for kernel/fs/scheme_null.c (unity build with scheme.c and
 * file.c): null: reads end at once, zero: reads fill any length with zeros,
 * both swallow writes, random: reads give the generator's bytes, and none
 * has files below its root. */
#include "fs_host.h"
#include "../../kernel/fs/scheme.c"
#include "../../kernel/fs/file.c"
#include "../../kernel/fs/scheme_null.c"

/* random:'s generator and yield, as the kernel's (a counter will do). */
void misc_random_bytes(void *buf, size_t n)
{
	static uint8_t next = 1;
	for (size_t i = 0; i < n; i++)
		((uint8_t *)buf)[i] = next++;
}
void sched_cond_resched(void) {}

static struct file *op(const char *path)
{
	struct file *f = NULL;
	if (!scheme_find("null", 4))
		null_scheme_init();
	return file_open(path, O_RDWR, 0, &f) ? NULL : f;
}

TEST(null_reads_eof_and_swallows)
{
	struct file *f = op("null:");
	CHECK(f != NULL);
	char buf[8] = "xxxxxxx";
	CHECK_EQ(f->ops->read(f, U(buf), sizeof buf, &f->off), 0);
	CHECK_EQ(buf[0], 'x');
	CHECK_EQ(f->ops->write(f, U("abc"), 3, &f->off), 3);
	CHECK_EQ(f->ops->write(f, 0x100, 1u << 30, &f->off), 1 << 30); /* never touched */
	struct kstat st;
	CHECK_EQ(f->ops->stat(f, &st), 0);
	CHECK_EQ(st.mode & S_IFMT, S_IFCHR);
	CHECK_EQ(f->ops->poll(f, POLLIN | POLLOUT), POLLIN | POLLOUT);
	file_put(f);
	CHECK(op("null:x") == NULL);
	CHECK(op("/scheme/null/x") == NULL);
	f = op("/scheme/null");
	CHECK(f != NULL);
	if (f)
		file_put(f);
}

TEST(zero_reads_zeros)
{
	struct file *f = op("zero:");
	CHECK(f != NULL);
	static uint8_t buf[5000];
	memset(buf, 0xff, sizeof buf);
	CHECK_EQ(f->ops->read(f, U(buf), 4099, &f->off), 4099);
	int zeros = 1;
	for (int i = 0; i < 4099; i++)
		zeros &= buf[i] == 0;
	CHECK(zeros);
	CHECK_EQ(buf[4099], 0xff);
	CHECK_EQ(f->ops->read(f, 0x100, 10, &f->off), -EFAULT);
	CHECK_EQ(f->ops->write(f, U(buf), 7, &f->off), 7);
	struct kstat a, b;
	struct file *n = op("null:");
	f->ops->stat(f, &a);
	n->ops->stat(n, &b);
	CHECK(a.rdev != b.rdev);
	file_put(n);
	file_put(f);
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

TEST(stat_path_matches_open_stat)
{
	struct file *f = op("null:");
	CHECK(f != NULL);
	file_put(f);
	CHECK(stat_path_matches("null:"));
	CHECK(stat_path_matches("zero:"));
	CHECK(stat_path_matches("/dev/null"));
	struct kstat st;
	CHECK_EQ(file_stat_path("zero:", &st, NULL), 0);
	CHECK_EQ(st.rdev, 0x105);
	CHECK_EQ(st.mode, S_IFCHR | 0666);
	CHECK_EQ(file_stat_path("null:x", &st, NULL), -ENOENT);
}

TEST(random_reads_the_generator)
{
	struct file *f = op("random:");
	CHECK(f != NULL);
	uint8_t buf[600] = {0};
	CHECK_EQ(f->ops->read(f, U(buf), sizeof buf, &f->off), (long)sizeof buf);
	CHECK_EQ(buf[0], 1);
	CHECK_EQ(buf[599], (uint8_t)(600 % 256)); /* every byte from it, across chunks */
	CHECK_EQ(f->ops->write(f, U("abc"), 3, &f->off), 3);
	struct kstat st;
	CHECK_EQ(f->ops->stat(f, &st), 0);
	CHECK_EQ(st.rdev, 0x109);
	file_put(f);
}

int main(void) { return tap_main(); }
