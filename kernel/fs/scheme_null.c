/* null: (reads end at once, writes vanish), zero: (reads give zeros) and
 * random: (/dev/urandom and /dev/random: reads give getrandom's bytes,
 * writes vanish as Linux mixes them in). */
#include "errno.h"
#include "file.h"
#include "kernel.h"
#include "lib.h"
#include "schemes.h"

static int null_open(struct file *f, const char *path, int flags, int mode)
{
	(void)f, (void)flags, (void)mode;
	return *path ? -ENOENT : 0;
}

static long null_read(struct file *f, uint64_t ubuf, size_t n, uint64_t *off)
{
	(void)f, (void)ubuf, (void)n, (void)off;
	return 0;
}

static long null_zero_read(struct file *f, uint64_t ubuf, size_t n, uint64_t *off)
{
	static const uint8_t zeros[512];
	size_t done = 0;
	while (done < n) {
		size_t c = MIN(n - done, sizeof zeros);
		if (file_copy_out(f, ubuf + done, zeros, c))
			return done ? (long)done : -EFAULT;
		done += c;
	}
	*off += done;
	return (long)done;
}

static long null_random_read(struct file *f, uint64_t ubuf, size_t n, uint64_t *off)
{
	uint8_t bytes[256];
	size_t done = 0;
	n = MIN(n, (size_t)33554431); /* Linux's cap per read */
	while (done < n) {
		size_t c = MIN(n - done, sizeof bytes);
		misc_random_bytes(bytes, c);
		if (file_copy_out(f, ubuf + done, bytes, c))
			return done ? (long)done : -EFAULT;
		done += c;
		if (done < n && (done & 0xffff) == 0)
			sched_cond_resched(); /* a big read yields, as fork's copy does */
	}
	*off += done;
	return (long)done;
}

static long null_write(struct file *f, uint64_t ubuf, size_t n, uint64_t *off)
{
	(void)f, (void)ubuf, (void)off;
	return (long)n;
}

/* Character devices; rdev is 1:3 (null), 1:5 (zero) or 1:9 (urandom). */
static int null_fill(const char *path, struct kstat *st, uint64_t rdev)
{
	if (*path)
		return -ENOENT;
	memset(st, 0, sizeof *st);
	st->mode = S_IFCHR | 0666;
	st->rdev = rdev;
	return 0;
}

static int null_stat(struct file *f, struct kstat *st)
{
	return null_fill("", st,
	                 f->ops->read == null_zero_read     ? 0x105
	                 : f->ops->read == null_random_read ? 0x109
	                                                    : 0x103);
}

static int null_stat_path(const char *path, struct kstat *st) { return null_fill(path, st, 0x103); }
static int null_zero_stat_path(const char *path, struct kstat *st)
{
	return null_fill(path, st, 0x105);
}

static int null_random_stat_path(const char *path, struct kstat *st)
{
	return null_fill(path, st, 0x109);
}

static int null_poll(struct file *f, int events)
{
	(void)f, (void)events;
	return POLLIN | POLLOUT;
}

static const struct scheme_ops null_ops = {.open = null_open,
                                           .read = null_read,
                                           .write = null_write,
                                           .stat = null_stat,
                                           .stat_path = null_stat_path,
                                           .poll = null_poll};
static const struct scheme_ops zero_ops = {.open = null_open,
                                           .read = null_zero_read,
                                           .write = null_write,
                                           .stat = null_stat,
                                           .stat_path = null_zero_stat_path,
                                           .poll = null_poll};

static const struct scheme_ops random_ops = {.open = null_open,
                                             .read = null_random_read,
                                             .write = null_write,
                                             .stat = null_stat,
                                             .stat_path = null_random_stat_path,
                                             .poll = null_poll};

/* Register null:, zero: and random:. */
void null_scheme_init(void)
{
	scheme_register("null", &null_ops);
	scheme_register("zero", &zero_ops);
	scheme_register("random", &random_ops);
}
