/* Open files: creation by path through the scheme's open op, reference
 * counting shared by dup and fork, and the copy helpers every scheme uses
 * so that one op serves user buffers and kernel buffers alike. Looking at a
 * path's metadata (file_stat_path) goes through the scheme's stat_path and
 * never opens: an open can have side effects (proc:PID/trace attaches). */
#include "file.h"
#include "errno.h"
#include "heap.h"
#include "lib.h"
#include "uaccess.h"

/* A new file of scheme s with one reference. */
struct file *file_alloc(const struct scheme *s)
{
	struct file *f = kzalloc(sizeof *f);
	if (f) {
		f->scheme = s;
		f->ops = s ? s->ops : 0;
		f->refs = 1;
	}
	return f;
}

void file_get(struct file *f) { f->refs++; }

/* Drop a reference; the last one closes the file. */
void file_put(struct file *f)
{
	if (--f->refs > 0)
		return;
	if (f->ops && f->ops->close)
		f->ops->close(f);
	kfree(f->name);
	kfree(f);
}

/* Open a path whose symlinks are resolved. */
static int file_open_resolved(const char *path, int flags, int mode, struct file **out)
{
	const char *rest;
	const struct scheme *s = scheme_resolve(path, &rest);
	if (!s)
		return -ENOENT;
	struct file *f = file_alloc(s);
	if (!f)
		return -ENOMEM;
	f->flags = flags & (O_ACCMODE | O_APPEND | O_NONBLOCK);
	int err = s->ops->open ? s->ops->open(f, rest, flags, mode) : -ENOENT;
	if (err) {
		kfree(f);
		return err;
	}
	if (flags & O_DIRECTORY) {
		struct kstat st = {0};
		if (!f->ops->stat || f->ops->stat(f, &st) || (st.mode & S_IFMT) != S_IFDIR) {
			file_put(f);
			return -ENOTDIR;
		}
	}
	size_t len = strlen(path);
	f->name = kmalloc(len + 1);
	if (f->name)
		memcpy(f->name, path, len + 1);
	*out = f;
	return 0;
}

/* Open an absolute path (or name:path): its symlinks resolved first (the
 * last one too unless O_NOFOLLOW, or O_CREAT|O_EXCL, which never follow). */
/* Whether path ends in "/" or "/." (after a name): then it names a
 * directory, and Linux says ENOTDIR for anything else ("file/"). */
static bool file_wants_dir(const char *path)
{
	size_t n = strlen(path);
	bool dot = false;
	while (n > 2 && path[n - 1] == '.' && path[n - 2] == '/') {
		n -= 2;
		dot = true;
	}
	while (n > 1 && path[n - 1] == '/') {
		n--;
		dot = true;
	}
	if (!dot || n == 0 || path[n - 1] == ':' || path[n - 1] == '/')
		return false;
	/* "/scheme/NAME/" is how a scheme's root is spelt, whatever it is */
	size_t slash = n;
	while (slash > 0 && path[slash - 1] != '/')
		slash--;
	return !(slash == 8 && strncmp(path, "/scheme/", 8) == 0);
}

/* The ENOTDIR of a "name/" that is not a directory, else err. */
static int file_dir_check(const char *path, const struct kstat *st, int err)
{
	return !err && file_wants_dir(path) && (st->mode & S_IFMT) != S_IFDIR ? -ENOTDIR : err;
}

int file_open(const char *path, int flags, int mode, struct file **out)
{
	bool follow = !(flags & O_NOFOLLOW) && (flags & (O_CREAT | O_EXCL)) != (O_CREAT | O_EXCL);
	if (file_wants_dir(path)) {
		if (flags & O_CREAT)
			return -EISDIR; /* Linux: creating "name/" */
		flags |= O_DIRECTORY;
		follow = true;
	}
	char *real = kmalloc(PATH_MAX_K);
	if (!real)
		return -ENOMEM;
	int err = file_resolve(path, follow, real, PATH_MAX_K);
	if (!err)
		err = file_open_resolved(real, flags, mode, out);
	kfree(real);
	return err;
}

size_t file_describe(struct file *f, char *buf, size_t size)
{
	if (f->name)
		return MIN(strlcpy(buf, f->name, size), size - 1);
	struct kstat st = {0};
	if (f->ops && f->ops->stat)
		f->ops->stat(f, &st);
	int n = ksnprintf(buf, size, "%s:[%lu]", f->scheme ? f->scheme->name : "anon", st.ino);
	return MIN((size_t)n, size - 1);
}

/* stat of a resolved path without opening it. */
static int file_stat_resolved(const char *path, struct kstat *st, const struct scheme **sch)
{
	const char *rest;
	const struct scheme *s = scheme_resolve(path, &rest);
	if (!s || !s->ops->stat_path)
		return -ENOENT;
	if (sch)
		*sch = s;
	memset(st, 0, sizeof *st);
	return s->ops->stat_path(rest, st);
}

static int file_stat_follow(const char *path, bool follow, struct kstat *st,
                            const struct scheme **sch)
{
	char *real = kmalloc(PATH_MAX_K);
	if (!real)
		return -ENOMEM;
	int err = file_resolve(path, follow || file_wants_dir(path), real, PATH_MAX_K);
	if (!err)
		err = file_stat_resolved(real, st, sch);
	kfree(real);
	return file_dir_check(path, st, err);
}

/* stat of a path without opening it, following symlinks. */
int file_stat_path(const char *path, struct kstat *st, const struct scheme **sch)
{
	return file_stat_follow(path, true, st, sch);
}

int file_lstat_path(const char *path, struct kstat *st, const struct scheme **sch)
{
	return file_stat_follow(path, false, st, sch);
}

/* Whether a link target is "name:rest", a path in a scheme (absolute, as
 * open takes it: /proc/PID/fd/N's "console:"). */
static bool file_names_scheme(const char *target)
{
	for (const char *c = target; *c && *c != '/'; c++)
		if (*c == ':')
			return c != target;
	return false;
}

/* Symlink resolution across schemes: ask the path's scheme for the first
 * link on the way; splice its target in (an absolute target replaces the
 * path so far, a relative one replaces the link's name, in the scheme's
 * own spelling; a "name:" target is absolute) and start again, at most
 * SYMLOOP_MAX times. ".." is then
 * taken lexically by scheme_resolve, in the spliced path. */
int file_resolve(const char *path, bool follow, char *out, size_t size)
{
	char *buf = kmalloc(3 * PATH_MAX_K);
	if (!buf)
		return -ENOMEM;
	char *cur = buf, *rest_copy = buf + PATH_MAX_K, *target = buf + 2 * PATH_MAX_K;
	int err = strlen(path) < PATH_MAX_K ? 0 : -ENAMETOOLONG;
	if (!err)
		strlcpy(cur, path, PATH_MAX_K);
	for (int links = 0; !err; links++) {
		const char *rest;
		const struct scheme *s = scheme_resolve(cur, &rest);
		size_t consumed = 0;
		int r = s && s->ops->walk_link
		            ? s->ops->walk_link(rest, follow, target, PATH_MAX_K, &consumed)
		            : 0;
		if (r <= 0) {
			err = r;
			break;
		}
		if (links == SYMLOOP_MAX) {
			err = -ELOOP;
			break;
		}
		strlcpy(rest_copy, rest, PATH_MAX_K);
		size_t start = consumed;
		while (start > 0 && rest_copy[start - 1] != '/')
			start--;
		char pre[40];
		bool absolute = target[0] == '/' || file_names_scheme(target);
		const char *head = absolute ? "" : scheme_prefix(s, pre, sizeof pre);
		size_t keep = absolute ? 0 : start, hl = strlen(head), tl = strlen(target);
		size_t total = hl + keep + tl + strlen(rest_copy + consumed);
		if (total >= PATH_MAX_K) {
			err = -ENAMETOOLONG;
			break;
		}
		memcpy(cur, head, hl);
		memcpy(cur + hl, rest_copy, keep);
		memcpy(cur + hl + keep, target, tl);
		strlcpy(cur + hl + keep + tl, rest_copy + consumed, PATH_MAX_K - hl - keep - tl);
	}
	if (!err && strlcpy(out, cur, size) >= size)
		err = -ENAMETOOLONG;
	kfree(buf);
	return err;
}

/* access(2) as Linux decides it: a write to a read-only filesystem is EROFS
 * before any permission check; then file_cred_may decides. */
bool file_cred_may(uint32_t mode, uint32_t owner, uint32_t group, int want, const struct fs_cred *c)
{
	if (c->uid == 0)
		return !(want & X_OK) || (mode & S_IFMT) == S_IFDIR || (mode & 0111);
	bool in_group = c->gid == group;
	for (int i = 0; i < c->ngroups && !in_group; i++)
		in_group = c->groups[i] == group;
	uint32_t bits = mode;
	if (c->uid == owner)
		bits >>= 6;
	else if (in_group)
		bits >>= 3;
	return !((uint32_t)want & ~bits & 7);
}

int file_may_access(const struct kstat *st, int mode, const struct fs_cred *c)
{
	if (mode & ~(R_OK | W_OK | X_OK))
		return -EINVAL;
	if ((mode & W_OK) && st->rofs)
		return -EROFS;
	if (mode == F_OK)
		return 0;
	return file_cred_may(st->mode, st->uid, st->gid, mode, c) ? 0 : -EACCES;
}

/* Read from a file into kernel memory (the ELF loader). */
long file_read_kernel(struct file *f, void *buf, size_t n, uint64_t off)
{
	if (!f->ops->read)
		return -EINVAL;
	bool was = f->kernel_buf;
	f->kernel_buf = true;
	long r = f->ops->read(f, (uint64_t)buf, n, &off);
	f->kernel_buf = was;
	return r;
}

/* Copy to the caller's buffer: user memory, or kernel memory for
 * file_read_kernel. 0 or -EFAULT. */
int file_copy_out(struct file *f, uint64_t ubuf, const void *src, size_t n)
{
	if (f->kernel_buf) {
		memcpy((void *)ubuf, src, n);
		return 0;
	}
	return copy_to_user(ubuf, src, n);
}

/* Copy from the caller's buffer. 0 or -EFAULT. */
int file_copy_in(struct file *f, void *dst, uint64_t ubuf, size_t n)
{
	if (f->kernel_buf) {
		memcpy(dst, (const void *)ubuf, n);
		return 0;
	}
	return copy_from_user(dst, ubuf, n);
}

/* Copy the part of data[0..len) at *off to the caller and advance *off. */
long file_read_window(struct file *f, uint64_t ubuf, size_t n, uint64_t *off, const void *data,
                      size_t len)
{
	if (*off >= len)
		return 0;
	size_t cnt = MIN(n, len - *off);
	if (file_copy_out(f, ubuf, (const uint8_t *)data + *off, cnt))
		return -EFAULT;
	*off += cnt;
	return (long)cnt;
}

/* One struct linux_dirent64 at the end of the buffer, if it fits. Names are
 * cut at DIRENT_NAME_MAX bytes; the record buffer holds the longest one with
 * its padding, so the copy never reads past it. */
bool dirent_emit(struct dirent_buf *b, uint64_t ino, uint64_t next_off, uint8_t type,
                 const char *name)
{
	struct file *f = b->f;
	uint64_t ubuf = b->ubuf;
	size_t pos = b->pos, n = b->n;
	struct {
		uint64_t ino;
		int64_t off;
		uint16_t reclen;
		uint8_t type;
		char name[DIRENT_RECLEN_MAX - 19];
	} __attribute__((packed)) d;
	_Static_assert(sizeof d == DIRENT_RECLEN_MAX, "the longest record fits");
	_Static_assert(ALIGN_UP(19 + DIRENT_NAME_MAX + 1, 8) == DIRENT_RECLEN_MAX, "max reclen");
	size_t namelen = strnlen(name, DIRENT_NAME_MAX);
	size_t reclen = ALIGN_UP(19 + namelen + 1, 8);
	if (b->err)
		return false;
	if (pos + reclen > n) {
		b->full = true;
		return false;
	}
	memset(&d, 0, sizeof d);
	d.ino = ino ? ino : 1;
	d.off = (int64_t)next_off;
	d.reclen = (uint16_t)reclen;
	d.type = type;
	memcpy(d.name, name, namelen);
	if (file_copy_out(f, ubuf + pos, &d, reclen)) {
		b->err = -EFAULT;
		return false;
	}
	b->pos += reclen;
	return true;
}

long dirent_done(const struct dirent_buf *b)
{
	if (b->err)
		return b->pos ? (long)b->pos : b->err;
	return !b->pos && b->full ? -EINVAL : (long)b->pos;
}
