/* File system calls: thin glue from the Linux ABI to the scheme ops.
 * Every user buffer is handed to the ops, which copy through uaccess. */
#include "syscall.h"
#include "errno.h"
#include "heap.h"
#include "lib.h"
#include "path.h"
#include "proc.h"
#include "pmm.h"
#include "schemes.h"
#include "uaccess.h"
#include "time.h"

#define AT_FDCWD (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_REMOVEDIR 0x200
#define AT_SYMLINK_FOLLOW 0x400
#define AT_EMPTY_PATH 0x1000
#define UTIME_NOW ((1l << 30) - 1)
#define UTIME_OMIT ((1l << 30) - 2)
#define RENAME_WHITEOUT 4
#define IOV_MAX 1024

struct linux_stat {
	uint64_t dev, ino, nlink;
	uint32_t mode, uid, gid, pad0;
	uint64_t rdev;
	int64_t size, blksize, blocks;
	uint64_t atime, atime_ns, mtime, mtime_ns, ctime, ctime_ns;
	int64_t reserved[3];
};
_Static_assert(sizeof(struct linux_stat) == 144, "Linux x86_64 struct stat");

/* The caller's identity for the file system: effective ids, umask. */
void fs_cred_current(struct fs_cred *c)
{
	c->uid = current->euid;
	c->gid = current->egid;
	c->umask = current->tg->umask;
	c->ngroups = current->ngroups;
	c->groups = current->groups;
}

/* st_blocks as tmpfs counts them: a regular file holds whole pages (8
 * blocks of 512 each), a directory, a symlink or a device none. */
static int64_t fs_blocks(const struct kstat *st)
{
	if (st->no_storage || (st->mode & S_IFMT) != S_IFREG)
		return 0;
	return (int64_t)((st->size + PAGE_SIZE - 1) / PAGE_SIZE * (PAGE_SIZE / 512));
}

struct iovec_k {
	uint64_t base, len;
};

static struct file *fs_readable(int fd, long *err)
{
	struct file *f = fd_get(fd);
	*err = !f || (f->flags & O_ACCMODE) == O_WRONLY ? -EBADF : 0;
	return *err ? 0 : f;
}

static struct file *fs_writable(int fd, long *err)
{
	struct file *f = fd_get(fd);
	*err = !f || (f->flags & O_ACCMODE) == O_RDONLY ? -EBADF : 0;
	return *err ? 0 : f;
}

/* Every buffer is checked against the user limit before the op runs (as
 * Linux's access_ok): a kernel address, a range across USER_TOP or a
 * length that wraps fails at once, never after the op has waited. */
static long fs_do_read(struct file *f, uint64_t buf, size_t n, uint64_t *off)
{
	if (!f->ops->read)
		return -EINVAL;
	if (!user_range_ok(buf, n))
		return -EFAULT;
	if (n > 0x7ffff000)
		n = 0x7ffff000;
	return f->ops->read(f, buf, n, off);
}

static long fs_do_write(struct file *f, uint64_t buf, size_t n, uint64_t *off)
{
	if (!f->ops->write)
		return -EINVAL;
	if (!user_range_ok(buf, n))
		return -EFAULT;
	if (n > 0x7ffff000)
		n = 0x7ffff000;
	return f->ops->write(f, buf, n, off);
}

long sys_read(int fd, uint64_t buf, size_t n)
{
	long err;
	struct file *f = fs_readable(fd, &err);
	return f ? fs_do_read(f, buf, n, &f->off) : err;
}

long sys_write(int fd, uint64_t buf, size_t n)
{
	long err;
	struct file *f = fs_writable(fd, &err);
	if (!f)
		return err;
	if (f->flags & O_APPEND) {
		struct kstat st;
		if (f->ops->stat && f->ops->stat(f, &st) == 0)
			f->off = st.size;
	}
	return fs_do_write(f, buf, n, &f->off);
}

long sys_pread64(int fd, uint64_t buf, size_t n, int64_t off)
{
	long err;
	struct file *f = fs_readable(fd, &err);
	if (!f)
		return err;
	if (off < 0)
		return -EINVAL;
	uint64_t o = (uint64_t)off;
	return fs_do_read(f, buf, n, &o);
}

long sys_pwrite64(int fd, uint64_t buf, size_t n, int64_t off)
{
	long err;
	struct file *f = fs_writable(fd, &err);
	if (!f)
		return err;
	if (off < 0)
		return -EINVAL;
	uint64_t o = (uint64_t)off;
	return fs_do_write(f, buf, n, &o);
}

/* readv/writev: the whole vector is copied and checked first (every
 * buffer in user space, the total not overflowing), then one op call per
 * iovec, stopping at a short transfer. */
static long fs_do_vec(int fd, uint64_t uiov, int cnt, bool write)
{
	long err;
	struct file *f = write ? fs_writable(fd, &err) : fs_readable(fd, &err);
	if (!f)
		return err;
	if (cnt < 0 || cnt > IOV_MAX)
		return -EINVAL;
	struct iovec_k *v = kmalloc((size_t)cnt * sizeof *v + 1);
	if (!v)
		return -ENOMEM;
	long total = copy_from_user(v, uiov, (size_t)cnt * sizeof *v);
	uint64_t sum = 0;
	for (int i = 0; i < cnt && !total; i++) {
		if ((int64_t)v[i].len < 0 || (sum += v[i].len) > INT64_MAX)
			total = -EINVAL;
		else if (!user_range_ok(v[i].base, v[i].len))
			total = -EFAULT;
	}
	for (int i = 0; i < cnt && total >= 0; i++) { /* total: bytes so far, or an error */
		if (!v[i].len)
			continue;
		long r = write ? fs_do_write(f, v[i].base, v[i].len, &f->off)
		               : fs_do_read(f, v[i].base, v[i].len, &f->off);
		if (r < 0) {
			total = total ? total : r;
			break;
		}
		total += r;
		if ((uint64_t)r < v[i].len)
			break;
	}
	kfree(v);
	return total;
}

long sys_readv(int fd, uint64_t iov, int cnt) { return fs_do_vec(fd, iov, cnt, false); }
long sys_writev(int fd, uint64_t iov, int cnt) { return fs_do_vec(fd, iov, cnt, true); }

#define O_TMPFILE_BIT 020000000 /* __O_TMPFILE; O_TMPFILE is it with O_DIRECTORY */
#define O_PATH_BIT 010000000

/* Open an absolute path and install it. O_TMPFILE is checked as Linux
 * does (EINVAL without O_DIRECTORY, with O_CREAT, or read-only), then its
 * directory; no scheme makes unnamed files, so it ends EOPNOTSUPP, as on a
 * Linux file system without them. */
static long fs_open_path(const char *path, int flags, int mode)
{
	struct file *f;
	if (flags & O_PATH_BIT) /* open(2) keeps only these with O_PATH, as Linux */
		flags &= O_PATH_BIT | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	if (flags & O_TMPFILE_BIT) {
		if ((flags & (O_TMPFILE_BIT | O_DIRECTORY | O_CREAT)) !=
		        (O_TMPFILE_BIT | O_DIRECTORY) ||
		    (flags & O_ACCMODE) == O_RDONLY)
			return -EINVAL;
		int err = file_open(path, O_RDONLY | O_DIRECTORY, 0, &f);
		if (err)
			return err;
		file_put(f);
		return -EOPNOTSUPP;
	}
	int err = file_open(path, flags, mode, &f);
	if (err)
		return err;
	int fd = fd_install(current, f, 0, flags & O_CLOEXEC);
	if (fd < 0)
		file_put(f);
	return fd;
}

long sys_open(uint64_t upath, int flags, int mode)
{
	char path[PATH_MAX_K];
	int err = path_from_user(upath, path, sizeof path);
	return err ? err : fs_open_path(path, flags, mode);
}

/* Make a user path absolute: against the cwd (AT_FDCWD) or the directory
 * dirfd was opened as (its open path). */
static int fs_at_path(int dirfd, uint64_t upath, char *out, size_t size)
{
	char tmp[PATH_MAX_K];
	int err = path_copy_from_user(upath, tmp, sizeof tmp);
	if (err)
		return err;
	if (tmp[0] != '/' && dirfd != AT_FDCWD && !strchr(tmp, ':')) {
		struct file *d = fd_get(dirfd);
		struct kstat st = {0};
		if (!d)
			return -EBADF;
		if (!d->ops->stat || d->ops->stat(d, &st) || (st.mode & S_IFMT) != S_IFDIR)
			return -ENOTDIR;
		if (!d->name)
			return -ENOTSUP;
		return path_absolute(d->name, tmp, out, size);
	}
	return path_absolute(current->tg->cwd[0] ? current->tg->cwd : "/", tmp, out, size);
}

/* Where a user path (relative to dirfd) leads: its symlinks resolved (the
 * last one too if follow) into buf (PATH_MAX_K bytes), its scheme into *s
 * and the path inside the scheme into *rest (valid until the next
 * scheme_resolve). 0 or -errno. */
static int fs_lookup(int dirfd, uint64_t upath, bool follow, char *buf, const struct scheme **s,
                     const char **rest)
{
	char abs[PATH_MAX_K];
	int err = fs_at_path(dirfd, upath, abs, sizeof abs);
	if (!err)
		err = file_resolve(abs, follow, buf, PATH_MAX_K);
	if (err)
		return err;
	*s = scheme_resolve(buf, rest);
	return *s ? 0 : -ENOENT;
}

long sys_openat(int dirfd, uint64_t upath, int flags, int mode)
{
	char path[PATH_MAX_K];
	int err = fs_at_path(dirfd, upath, path, sizeof path);
	return err ? err : fs_open_path(path, flags, mode);
}

long sys_close(int fd) { return fd_close(current, fd); }

long sys_lseek(int fd, int64_t off, int whence)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	if (f->ops->seek) {
		long r = f->ops->seek(f, off, whence);
		if (r == 0)
			f->dots = 0; /* rewinddir lists "." and ".." again */
		return r;
	}
	struct kstat st = {0};
	if (f->ops->stat)
		f->ops->stat(f, &st);
	if ((st.mode & S_IFMT) == S_IFIFO || (st.mode & S_IFMT) == S_IFCHR)
		return -ESPIPE;
	int64_t base;
	switch (whence) {
	case SEEK_SET: base = 0; break;
	case SEEK_CUR: base = (int64_t)f->off; break;
	case SEEK_END: base = (int64_t)st.size; break;
	default: return -EINVAL;
	}
	if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
		return -EINVAL;
	f->off = (uint64_t)(base + off);
	if (!f->off)
		f->dots = 0;
	return (long)f->off;
}

static long fs_stat_copy_out(const struct scheme *s, struct kstat st, uint64_t ubuf)
{
	struct linux_stat ls = {0};
	ls.dev = ((uint64_t)(uintptr_t)s >> 4) & 0xffff;
	ls.ino = st.ino;
	ls.nlink = st.gone ? 0 : st.nlink ? st.nlink : 1;
	ls.mode = st.mode;
	ls.uid = st.uid;
	ls.gid = st.gid;
	ls.rdev = st.rdev;
	ls.size = (int64_t)st.size;
	ls.blksize = 4096;
	ls.blocks = fs_blocks(&st);
	ls.atime = st.atime_ns / 1000000000;
	ls.atime_ns = st.atime_ns % 1000000000;
	ls.mtime = st.mtime_ns / 1000000000;
	ls.mtime_ns = st.mtime_ns % 1000000000;
	ls.ctime = st.ctime_ns / 1000000000;
	ls.ctime_ns = st.ctime_ns % 1000000000;
	return copy_to_user(ubuf, &ls, sizeof ls);
}

static long fs_stat_out(struct file *f, uint64_t ubuf)
{
	struct kstat st = {0};
	int err = f->ops->stat ? f->ops->stat(f, &st) : -EINVAL;
	return err ? err : fs_stat_copy_out(f->scheme, st, ubuf);
}

long sys_fstat(int fd, uint64_t ubuf)
{
	struct file *f = fd_get(fd);
	return f ? fs_stat_out(f, ubuf) : -EBADF;
}

/* stat by name: the scheme's fs_stat_path, never an open (no side effects). */
static long fs_stat_path(const char *path, uint64_t ubuf)
{
	struct kstat st;
	const struct scheme *s;
	int err = file_stat_path(path, &st, &s);
	return err ? err : fs_stat_copy_out(s, st, ubuf);
}

long sys_stat(uint64_t upath, uint64_t ubuf)
{
	char path[PATH_MAX_K];
	int err = path_from_user(upath, path, sizeof path);
	return err ? err : fs_stat_path(path, ubuf);
}

long sys_lstat(uint64_t upath, uint64_t ubuf)
{
	char path[PATH_MAX_K];
	struct kstat st;
	const struct scheme *s;
	int err = path_from_user(upath, path, sizeof path);
	if (!err)
		err = file_lstat_path(path, &st, &s);
	return err ? err : fs_stat_copy_out(s, st, ubuf);
}

long sys_newfstatat(int dirfd, uint64_t upath, uint64_t ubuf, int flags)
{
	char c;
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | 0x800 /* AT_NO_AUTOMOUNT */))
		return -EINVAL;
	if ((flags & AT_EMPTY_PATH) && copy_from_user(&c, upath, 1) == 0 && c == 0)
		return sys_fstat(dirfd, ubuf);
	char path[PATH_MAX_K];
	struct kstat st;
	const struct scheme *s;
	int err = fs_at_path(dirfd, upath, path, sizeof path);
	if (!err)
		err = (flags & AT_SYMLINK_NOFOLLOW) ? file_lstat_path(path, &st, &s)
		                                    : file_stat_path(path, &st, &s);
	return err ? err : fs_stat_copy_out(s, st, ubuf);
}

#define AT_EACCESS 0x200

/* access, faccessat, faccessat2: the mode is checked against the file's
 * stat with the real ids (the effective ones with AT_EACCESS), as Linux
 * does (file_may_access); nothing is opened. */
long sys_faccessat2(int dirfd, uint64_t upath, int mode, int flags)
{
	if ((mode & ~(R_OK | W_OK | X_OK)) ||
	    (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)))
		return -EINVAL;
	char path[PATH_MAX_K], c;
	struct kstat st;
	int err;
	if ((flags & AT_EMPTY_PATH) && copy_from_user(&c, upath, 1) == 0 && c == 0) {
		struct file *f = fd_get(dirfd);
		err = !f ? -EBADF : f->ops->stat ? f->ops->stat(f, &st) : -EINVAL;
	} else {
		err = fs_at_path(dirfd, upath, path, sizeof path);
		if (!err)
			err = (flags & AT_SYMLINK_NOFOLLOW) ? file_lstat_path(path, &st, 0)
			                                    : file_stat_path(path, &st, 0);
	}
	struct fs_cred who;
	fs_cred_current(&who); /* effective ids and the groups */
	if (!(flags & AT_EACCESS)) {
		who.uid = current->uid;
		who.gid = current->gid;
	}
	return err ? err : file_may_access(&st, mode, &who);
}

long sys_faccessat(int dirfd, uint64_t upath, int mode)
{
	return sys_faccessat2(dirfd, upath, mode, 0);
}

long sys_access(uint64_t upath, int mode) { return sys_faccessat2(AT_FDCWD, upath, mode, 0); }

/* fsync, fdatasync: every scheme keeps its files in memory, so a file is
 * always on its "disk"; Linux's EINVAL for what cannot be synced (pipes,
 * terminals, /proc). sync and syncfs: nothing to write back. */
long sys_fsync(int fd)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	struct kstat st;
	if (!f->ops->stat || f->ops->stat(f, &st) || st.no_storage ||
	    ((st.mode & S_IFMT) != S_IFREG && (st.mode & S_IFMT) != S_IFDIR))
		return -EINVAL;
	return 0;
}

long sys_fdatasync(int fd) { return sys_fsync(fd); }
long sys_sync(void) { return 0; }
long sys_syncfs(int fd) { return fd_get(fd) ? 0 : -EBADF; }

/* fallocate: mode 0 makes the file at least offset + len long (tmp's files
 * are in memory: the bytes are allocated as they are written anyway);
 * FALLOC_FL_KEEP_SIZE changes nothing; punching holes and the rest are
 * EOPNOTSUPP, as on a file system without them. */
long sys_fallocate(int fd, int mode, int64_t offset, int64_t len)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	if (offset < 0 || len <= 0 || offset > INT64_MAX - len)
		return -EINVAL;
	if ((f->flags & O_ACCMODE) == O_RDONLY)
		return -EBADF;
	struct kstat st;
	if (!f->ops->stat || f->ops->stat(f, &st))
		return -ENODEV;
	if ((st.mode & S_IFMT) == S_IFIFO)
		return -ESPIPE;
	if ((st.mode & S_IFMT) == S_IFDIR)
		return -EISDIR;
	if ((st.mode & S_IFMT) != S_IFREG || !f->ops->setattr)
		return -ENODEV;
	if (mode & ~1)
		return -EOPNOTSUPP;
	if ((mode & 1) || (uint64_t)(offset + len) <= st.size)
		return 0;
	struct fs_setattr a = {.valid = ATTR_SIZE, .size = (uint64_t)(offset + len)};
	return f->ops->setattr(f, 0, &a);
}

/* A directory's listing starts with "." and ".." in every scheme. Each is
 * a 24-byte record; they go in front of the scheme's own entries, which
 * are asked for first (so a listing that fails, such as that of a process
 * gone, fails whole). ".."'s inode is that of the open path's parent. */
#define DOT_RECLEN 24
static long fs_getdents_dots(struct file *f, const struct kstat *st, uint64_t ubuf, size_t n)
{
	size_t want = (size_t)(2 - f->dots) * DOT_RECLEN;
	size_t reserve = MIN(want, n / DOT_RECLEN * DOT_RECLEN);
	long r = 0;
	if (reserve == want) {
		r = f->ops->getdents(f, ubuf + reserve, n - reserve, &f->off);
		if (r == -EINVAL && reserve)
			r = 0; /* no room for a scheme entry after the dots: next call */
		if (r < 0)
			return r;
	}
	if (!reserve)
		return -EINVAL;
	struct dirent_buf d = DIRENT_BUF(f, ubuf, reserve);
	while (f->dots < 2 && d.pos < reserve) {
		uint64_t ino = st->ino;
		if (f->dots == 1 && f->name) {
			char parent[PATH_MAX_K];
			struct kstat pst;
			if (ksnprintf(parent, sizeof parent, "%s/..", f->name) <
			        (int)sizeof parent &&
			    file_stat_path(parent, &pst, 0) == 0)
				ino = pst.ino;
		}
		if (!dirent_emit(&d, ino, f->dots + 1u, DT_DIR, f->dots ? ".." : "."))
			return dirent_done(&d);
		f->dots++;
	}
	return (long)reserve + r;
}

long sys_getdents64(int fd, uint64_t ubuf, size_t n)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	if (!user_range_ok(ubuf, n))
		return -EFAULT;
	if (!f->ops->getdents)
		return -ENOTDIR;
	struct kstat st = {0};
	bool dir = f->ops->stat && f->ops->stat(f, &st) == 0 && (st.mode & S_IFMT) == S_IFDIR;
	if (!dir || f->dots >= 2)
		return f->ops->getdents(f, ubuf, n, &f->off);
	return fs_getdents_dots(f, &st, ubuf, n);
}

/* dup2/dup3: newfd at or above RLIMIT_NOFILE is EBADF, as on Linux (once
 * fd_install's EMFILE leaked the reference taken for it, and with it a
 * trace session: fuzzer seed 14). */
static long fs_dup_to(int oldfd, int newfd, bool cloexec)
{
	struct file *f = fd_get(oldfd);
	if (!f || newfd < 0 || newfd >= fd_limit(current))
		return -EBADF;
	if (oldfd == newfd)
		return newfd;
	file_get(f);
	if (current->tg->files[newfd])
		fd_close(current, newfd);
	int r = fd_install(current, f, newfd, cloexec);
	if (r < 0)
		file_put(f);
	return r;
}

long sys_dup(int fd)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	file_get(f);
	int r = fd_install(current, f, 0, false);
	if (r < 0)
		file_put(f);
	return r;
}

long sys_dup2(int oldfd, int newfd)
{
	if (oldfd == newfd)
		return fd_get(oldfd) ? newfd : -EBADF;
	return fs_dup_to(oldfd, newfd, false);
}

long sys_dup3(int oldfd, int newfd, int flags)
{
	if (oldfd == newfd || (flags & ~O_CLOEXEC))
		return -EINVAL;
	return fs_dup_to(oldfd, newfd, flags & O_CLOEXEC);
}

#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define F_DUPFD_CLOEXEC 1030

long sys_fcntl(int fd, int cmd, uint64_t arg)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC: {
		if (arg >= (uint64_t)fd_limit(current))
			return -EINVAL;
		file_get(f);
		int r = fd_install(current, f, (int)arg, cmd == F_DUPFD_CLOEXEC);
		if (r < 0)
			file_put(f);
		return r;
	}
	case F_GETFD: return current->tg->cloexec[fd];
	case F_SETFD: current->tg->cloexec[fd] = arg & 1; return 0;
	case F_GETFL: return f->flags;
	case F_SETFL:
		f->flags =
		    (f->flags & ~(O_APPEND | O_NONBLOCK)) | ((int)arg & (O_APPEND | O_NONBLOCK));
		return 0;
	default: return -EINVAL;
	}
}

long sys_pipe2(uint64_t ufds, int flags)
{
	if (flags & ~(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	struct file *r, *w;
	int err = pipe_create(&r, &w);
	if (err)
		return err;
	r->flags |= flags & O_NONBLOCK;
	w->flags |= flags & O_NONBLOCK;
	int fds[2];
	fds[0] = fd_install(current, r, 0, flags & O_CLOEXEC);
	fds[1] = fds[0] < 0 ? -EMFILE : fd_install(current, w, 0, flags & O_CLOEXEC);
	if (fds[1] < 0) {
		if (fds[0] >= 0)
			fd_close(current, fds[0]);
		else
			file_put(r);
		file_put(w);
		return -EMFILE;
	}
	if (copy_to_user(ufds, fds, sizeof fds)) {
		fd_close(current, fds[0]);
		fd_close(current, fds[1]);
		return -EFAULT;
	}
	return 0;
}

long sys_pipe(uint64_t ufds) { return sys_pipe2(ufds, 0); }

#define FIONREAD 0x541b
#define FIONBIO 0x5421
#define FIONCLEX 0x5450
#define FIOCLEX 0x5451
#define FIOQSIZE 0x5460

/* The requests every file answers, as Linux's do_vfs_ioctl does; the rest
 * go to the scheme. The request is an unsigned int, as on Linux. */
long sys_ioctl(int fd, uint64_t req, uint64_t arg)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	struct kstat st;
	bool sized = f->ops->stat && f->ops->stat(f, &st) == 0 &&
	             ((st.mode & S_IFMT) == S_IFREG || (st.mode & S_IFMT) == S_IFDIR ||
	              (st.mode & S_IFMT) == S_IFLNK);
	int on;
	switch ((uint32_t)req) {
	case FIOCLEX:
	case FIONCLEX: current->tg->cloexec[fd] = (uint32_t)req == FIOCLEX; return 0;
	case FIONBIO:
		if (copy_from_user(&on, arg, sizeof on))
			return -EFAULT;
		f->flags = on ? f->flags | O_NONBLOCK : f->flags & ~O_NONBLOCK;
		return 0;
	case FIOQSIZE: { /* Linux's inode_get_bytes: the space allocated, st_blocks * 512 */
		if (!sized)
			return -ENOTTY;
		int64_t bytes = fs_blocks(&st) * 512;
		return copy_to_user(arg, &bytes, sizeof bytes) ? -EFAULT : 0;
	}
	case FIONREAD:
		if (sized &&
		    (st.mode & S_IFMT) == S_IFREG) { /* Linux's int: the size less the offset */
			on = (int)((int64_t)st.size - (int64_t)f->off);
			return copy_to_user(arg, &on, sizeof on) ? -EFAULT : 0;
		}
		break;
	default: break;
	}
	return f->ops->ioctl ? f->ops->ioctl(f, req, arg) : -ENOTTY;
}

struct pollfd_k {
	int fd;
	short events, revents;
};

/* poll/ppoll: scan, then sleep on the pollers queue until something is
 * ready, the deadline passes (deadline 0 = forever), or a signal. */
static long fs_poll_kernel(struct pollfd_k *fds, uint64_t nfds, uint64_t deadline, bool nowait)
{
	long ready = 0;
	for (;;) {
		for (uint64_t i = 0; i < nfds; i++) {
			struct file *f = fds[i].fd < 0 ? 0 : fd_get(fds[i].fd);
			int ev = fds[i].events | POLLHUP | POLLERR;
			if (fds[i].fd < 0)
				fds[i].revents = 0;
			else if (!f)
				fds[i].revents = POLLNVAL;
			else
				fds[i].revents = (short)((f->ops->poll ? f->ops->poll(f, ev)
				                                       : (POLLIN | POLLOUT)) &
				                         ev);
			ready += fds[i].revents != 0;
		}
		if (ready || nowait)
			break;
		int r = deadline ? waitq_sleep_until(waitq_pollers(), deadline)
		                 : waitq_sleep(waitq_pollers());
		if (r == -ETIMEDOUT)
			break;
		if (r == -EINTR)
			return -EINTR;
	}
	return ready;
}

/* poll/ppoll on a user array of struct pollfd. */
static long fs_do_poll(uint64_t ufds, uint64_t nfds, uint64_t deadline, bool nowait)
{
	if (nfds > 4096)
		return -EINVAL;
	struct pollfd_k *fds = kmalloc(nfds * sizeof *fds + 1);
	if (!fds)
		return -ENOMEM;
	long ready = copy_from_user(fds, ufds, nfds * sizeof *fds);
	if (!ready)
		ready = fs_poll_kernel(fds, nfds, deadline, nowait);
	if (ready >= 0 && copy_to_user(ufds, fds, nfds * sizeof *fds))
		ready = -EFAULT;
	kfree(fds);
	return ready;
}

#define FD_SETSIZE 1024

/* select/pselect6: the fd sets become a pollfd array for fs_poll_kernel, and
 * its results become the sets again. */
static long fs_do_select(int nfds, uint64_t ur, uint64_t uw, uint64_t ue, uint64_t deadline,
                         bool nowait)
{
	if (nfds < 0 || nfds > FD_SETSIZE)
		return -EINVAL;
	uint64_t sets[3][FD_SETSIZE / 64] = {{0}}, user[3] = {ur, uw, ue};
	size_t bytes = ((size_t)nfds + 63) / 64 * 8;
	for (int k = 0; k < 3; k++)
		if (user[k] && copy_from_user(sets[k], user[k], bytes))
			return -EFAULT;
	struct pollfd_k *fds = kmalloc((size_t)nfds * sizeof *fds + 1);
	if (!fds)
		return -ENOMEM;
	int n = 0;
	for (int fd = 0; fd < nfds; fd++) {
		uint64_t bit = 1ULL << (fd % 64);
		short ev = (short)(((sets[0][fd / 64] & bit) ? POLLIN : 0) |
		                   ((sets[1][fd / 64] & bit) ? POLLOUT : 0) |
		                   ((sets[2][fd / 64] & bit) ? POLLPRI : 0));
		if (!ev)
			continue;
		if (!fd_get(fd)) {
			kfree(fds);
			return -EBADF;
		}
		fds[n++] = (struct pollfd_k){fd, ev, 0};
	}
	long r = fs_poll_kernel(fds, (uint64_t)n, deadline, nowait);
	if (r >= 0) {
		memset(sets, 0, sizeof sets);
		r = 0;
		for (int i = 0; i < n; i++) {
			int fd = fds[i].fd, re = fds[i].revents;
			uint64_t bit = 1ULL << (fd % 64);
			bool out[3] = {(fds[i].events & POLLIN) &&
			                   (re & (POLLIN | POLLHUP | POLLERR)),
			               (fds[i].events & POLLOUT) && (re & (POLLOUT | POLLERR)),
			               (fds[i].events & POLLPRI) && (re & POLLPRI)};
			for (int k = 0; k < 3; k++)
				if (out[k]) {
					sets[k][fd / 64] |= bit;
					r++;
				}
		}
		for (int k = 0; k < 3 && r >= 0; k++)
			if (user[k] && copy_to_user(user[k], sets[k], bytes))
				r = -EFAULT;
	}
	kfree(fds);
	return r;
}

/* select, pselect6, ppoll: a non-zero timeout is written back with the
 * time left, as Linux does (a zero one is left alone); a timeout in memory
 * the caller cannot write is not an error then. unit: 1000 for a timeval's
 * microseconds, 1 for a timespec's nanoseconds. */
static long fs_timeout_left(long r, uint64_t utime, uint64_t deadline, uint64_t unit)
{
	if (!deadline)
		return r;
	uint64_t now = clock_ns(), left = deadline > now ? deadline - now : 0;
	int64_t t[2] = {(int64_t)(left / 1000000000), (int64_t)(left % 1000000000 / unit)};
	(void)copy_to_user(utime, t, sizeof t);
	return r;
}

long sys_select(int nfds, uint64_t ur, uint64_t uw, uint64_t ue, uint64_t utv)
{
	struct {
		int64_t sec, usec;
	} tv;
	if (!utv)
		return fs_do_select(nfds, ur, uw, ue, 0, false);
	if (copy_from_user(&tv, utv, sizeof tv))
		return -EFAULT;
	if (tv.sec < 0 || tv.usec < 0 || tv.usec >= 1000000)
		return -EINVAL;
	uint64_t ns = (uint64_t)tv.sec * 1000000000 + (uint64_t)tv.usec * 1000;
	uint64_t deadline = ns ? clock_ns() + ns : 0;
	return fs_timeout_left(fs_do_select(nfds, ur, uw, ue, deadline, ns == 0), utv, deadline,
	                       1000);
}

long sys_pselect6(int nfds, uint64_t ur, uint64_t uw, uint64_t ue, uint64_t uts, uint64_t usig)
{
	struct {
		int64_t sec, nsec;
	} ts = {0, 0};
	struct {
		uint64_t set, size;
	} sig = {0, 0};
	uint64_t mask = 0;
	if (uts && copy_from_user(&ts, uts, sizeof ts))
		return -EFAULT;
	if (uts && (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1000000000))
		return -EINVAL;
	if (usig && copy_from_user(&sig, usig, sizeof sig))
		return -EFAULT;
	if (sig.set && sig.size != 8)
		return -EINVAL;
	if (sig.set && copy_from_user(&mask, sig.set, sizeof mask))
		return -EFAULT;
	uint64_t ns = (uint64_t)ts.sec * 1000000000 + (uint64_t)ts.nsec;
	uint64_t deadline = ns ? clock_ns() + ns : 0;
	if (sig.set)
		signal_mask_begin(mask);
	long r = fs_do_select(nfds, ur, uw, ue, deadline, uts && ns == 0);
	return fs_timeout_left(signal_mask_end(r), uts, deadline, 1);
}

long sys_poll(uint64_t ufds, uint64_t nfds, int timeout_ms)
{
	uint64_t deadline = timeout_ms > 0 ? clock_ns() + (uint64_t)timeout_ms * 1000000 : 0;
	return fs_do_poll(ufds, nfds, deadline, timeout_ms == 0);
}

long sys_ppoll(uint64_t ufds, uint64_t nfds, uint64_t uts, uint64_t usigmask, size_t sigsetsize)
{
	uint64_t mask;
	if (usigmask && (sigsetsize != 8 || copy_from_user(&mask, usigmask, sizeof mask)))
		return sigsetsize != 8 ? -EINVAL : -EFAULT;
	struct {
		int64_t sec, nsec;
	} ts = {0, 0};
	if (uts && copy_from_user(&ts, uts, sizeof ts))
		return -EFAULT;
	if (uts && (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1000000000))
		return -EINVAL;
	uint64_t ns = (uint64_t)ts.sec * 1000000000 + (uint64_t)ts.nsec;
	uint64_t deadline = ns ? clock_ns() + ns : 0;
	if (usigmask)
		signal_mask_begin(mask);
	long r = fs_do_poll(ufds, nfds, deadline, uts && ns == 0);
	return fs_timeout_left(signal_mask_end(r), uts, deadline, 1);
}

long sys_getcwd(uint64_t ubuf, size_t size)
{
	const char *cwd = current->tg->cwd[0] ? current->tg->cwd : "/";
	size_t len = strlen(cwd) + 1;
	if (size < len)
		return -ERANGE;
	return copy_to_user(ubuf, cwd, len) ? -EFAULT : (long)len;
}

long sys_chdir(uint64_t upath)
{
	char path[PATH_MAX_K];
	int err = path_from_user(upath, path, sizeof path);
	if (err)
		return err;
	char real[PATH_MAX_K];
	struct kstat st;
	err = file_resolve(path, true, real, sizeof real);
	if (!err)
		err = file_stat_path(real, &st, 0);
	if (!err && (st.mode & S_IFMT) != S_IFDIR)
		err = -ENOTDIR;
	if (err)
		return err;
	return scheme_canonical(real, current->tg->cwd, sizeof current->tg->cwd);
}

/* ------------------------------------------------------------------------ */
/* Path operations. Each resolves its path(s) (symlinks before the last   */
/* component always, the last one as the call says), then calls the      */
/* scheme's op; a scheme without it answers as a read-only filesystem     */
/* does on Linux: EEXIST/ENOENT/ENOTDIR/EISDIR first, then EROFS.         */
/* ------------------------------------------------------------------------ */

/* The stat of a scheme path, without following a last symlink. */
static int fs_rest_stat(const struct scheme *s, const char *rest, struct kstat *st)
{
	memset(st, 0, sizeof *st);
	return s->ops->stat_path ? s->ops->stat_path(rest, st) : -ENOENT;
}

/* A new name where the scheme cannot make one: EEXIST if it exists,
 * ENOENT if its directory does not, else EROFS. */
static int fs_no_create(const struct scheme *s, const char *rest)
{
	struct kstat st;
	if (fs_rest_stat(s, rest, &st) == 0)
		return -EEXIST;
	char parent[PATH_MAX_K];
	strlcpy(parent, rest, sizeof parent);
	char *slash = strrchr(parent, '/');
	if (slash) {
		*slash = 0;
		int err = fs_rest_stat(s, parent, &st);
		if (err)
			return err;
		if ((st.mode & S_IFMT) != S_IFDIR)
			return -ENOTDIR;
	}
	return -EROFS;
}

static long fs_mkdirat(int dirfd, uint64_t upath, int mode)
{
	char buf[PATH_MAX_K];
	const struct scheme *s;
	const char *rest;
	int err = fs_lookup(dirfd, upath, false, buf, &s, &rest);
	if (err)
		return err;
	return s->ops->mkdir ? s->ops->mkdir(rest, mode) : fs_no_create(s, rest);
}

/* unlink (dir false) and rmdir (dir true). */
static long fs_removeat(int dirfd, uint64_t upath, bool dir)
{
	char buf[PATH_MAX_K];
	const struct scheme *s;
	const char *rest;
	int err = fs_lookup(dirfd, upath, false, buf, &s, &rest);
	if (err)
		return err;
	if (dir && s->ops->rmdir)
		return s->ops->rmdir(rest);
	if (!dir && s->ops->unlink)
		return s->ops->unlink(rest);
	struct kstat st;
	err = fs_rest_stat(s, rest, &st);
	if (err)
		return err;
	bool is_dir = (st.mode & S_IFMT) == S_IFDIR;
	if (dir && !is_dir)
		return -ENOTDIR;
	if (dir && !*rest)
		return -EBUSY;
	return !dir && is_dir ? -EISDIR : -EROFS;
}

long sys_mkdir(uint64_t upath, int mode) { return fs_mkdirat(AT_FDCWD, upath, mode); }
long sys_mkdirat(int dirfd, uint64_t upath, int mode) { return fs_mkdirat(dirfd, upath, mode); }
long sys_rmdir(uint64_t upath) { return fs_removeat(AT_FDCWD, upath, true); }
long sys_unlink(uint64_t upath) { return fs_removeat(AT_FDCWD, upath, false); }

long sys_unlinkat(int dirfd, uint64_t upath, int flags)
{
	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	return fs_removeat(dirfd, upath, flags & AT_REMOVEDIR);
}

long sys_mknodat(int dirfd, uint64_t upath, int mode, uint64_t dev)
{
	int type = mode & S_IFMT;
	if (type == S_IFDIR)
		return -EPERM;
	if (type != 0 && type != S_IFREG && type != S_IFIFO && type != S_IFCHR &&
	    type != 0060000 /* S_IFBLK */ && type != 0140000 /* S_IFSOCK */)
		return -EINVAL;
	char buf[PATH_MAX_K];
	const struct scheme *s;
	const char *rest;
	int err = fs_lookup(dirfd, upath, false, buf, &s, &rest);
	if (err)
		return err;
	return s->ops->mknod ? s->ops->mknod(rest, mode, dev) : fs_no_create(s, rest);
}

long sys_mknod(uint64_t upath, int mode, uint64_t dev)
{
	return sys_mknodat(AT_FDCWD, upath, mode, dev);
}

long sys_symlinkat(uint64_t utarget, int dirfd, uint64_t upath)
{
	char *target = kmalloc(PATH_MAX_K);
	if (!target)
		return -ENOMEM;
	char buf[PATH_MAX_K];
	const struct scheme *s;
	const char *rest;
	int err = path_copy_from_user(utarget, target, PATH_MAX_K);
	if (!err)
		err = fs_lookup(dirfd, upath, false, buf, &s, &rest);
	if (!err)
		err = s->ops->symlink ? s->ops->symlink(target, rest) : fs_no_create(s, rest);
	kfree(target);
	return err;
}

long sys_symlink(uint64_t utarget, uint64_t upath)
{
	return sys_symlinkat(utarget, AT_FDCWD, upath);
}

long sys_readlinkat(int dirfd, uint64_t upath, uint64_t ubuf, int size)
{
	if (size <= 0)
		return -EINVAL;
	char path[PATH_MAX_K];
	const struct scheme *s;
	const char *rest;
	int err = fs_lookup(dirfd, upath, false, path, &s, &rest);
	if (err)
		return err;
	struct kstat st;
	err = fs_rest_stat(s, rest, &st);
	if (err)
		return err;
	if (!s->ops->readlink)
		return -EINVAL;
	size_t n = MIN((size_t)size, PATH_MAX_K);
	char *buf = kmalloc(n);
	if (!buf)
		return -ENOMEM;
	long r = s->ops->readlink(rest, buf, n);
	if (r > 0 && copy_to_user(ubuf, buf, (size_t)r))
		r = -EFAULT;
	kfree(buf);
	return r;
}

long sys_readlink(uint64_t upath, uint64_t ubuf, int size)
{
	return sys_readlinkat(AT_FDCWD, upath, ubuf, size);
}

/* Two paths for link and rename: each resolved (last symlinks not
 * followed unless follow_old), the scheme paths copied to kmalloc'd
 * memory (*mem, freed by the caller). Fails EXDEV across schemes once the
 * old path is known to exist. */
static int fs_two_paths(int olddirfd, uint64_t uold, int newdirfd, uint64_t unew, bool follow_old,
                        const struct scheme **sch, char **oldrest, char **newrest, char **mem)
{
	char buf[PATH_MAX_K];
	const struct scheme *s, *t;
	const char *rest;
	*mem = kmalloc(2 * PATH_MAX_K);
	if (!*mem)
		return -ENOMEM;
	*oldrest = *mem;
	*newrest = *mem + PATH_MAX_K;
	int err = fs_lookup(olddirfd, uold, follow_old, buf, &s, &rest);
	if (err)
		return err;
	strlcpy(*oldrest, rest, PATH_MAX_K);
	struct kstat st;
	err = fs_rest_stat(s, *oldrest, &st);
	if (err)
		return err;
	err = fs_lookup(newdirfd, unew, false, buf, &t, &rest);
	if (err)
		return err;
	strlcpy(*newrest, rest, PATH_MAX_K);
	*sch = s;
	return s == t ? 0 : -EXDEV;
}

long sys_linkat(int olddirfd, uint64_t uold, int newdirfd, uint64_t unew, int flags)
{
	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	const struct scheme *s;
	char *o, *n, *mem;
	int err = fs_two_paths(olddirfd, uold, newdirfd, unew, flags & AT_SYMLINK_FOLLOW, &s, &o,
	                       &n, &mem);
	if (!err)
		err = s->ops->link ? s->ops->link(o, n) : fs_no_create(s, n);
	kfree(mem);
	return err;
}

long sys_link(uint64_t uold, uint64_t unew)
{
	return sys_linkat(AT_FDCWD, uold, AT_FDCWD, unew, 0);
}

long sys_renameat2(int olddirfd, uint64_t uold, int newdirfd, uint64_t unew, unsigned flags)
{
	if (flags & ~(unsigned)(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT))
		return -EINVAL;
	if ((flags & RENAME_EXCHANGE) && (flags & (RENAME_NOREPLACE | RENAME_WHITEOUT)))
		return -EINVAL;
	if (flags & RENAME_WHITEOUT)
		return -ENOTSUP; /* no scheme makes whiteouts */
	const struct scheme *s;
	char *o, *n, *mem;
	int err = fs_two_paths(olddirfd, uold, newdirfd, unew, false, &s, &o, &n, &mem);
	if (!err)
		err = s->ops->rename ? s->ops->rename(o, n, (int)flags) : -EROFS;
	kfree(mem);
	return err;
}

long sys_renameat(int olddirfd, uint64_t uold, int newdirfd, uint64_t unew)
{
	return sys_renameat2(olddirfd, uold, newdirfd, unew, 0);
}

long sys_rename(uint64_t a, uint64_t b) { return sys_renameat2(AT_FDCWD, a, AT_FDCWD, b, 0); }

/* A metadata change by path (relative to dirfd; AT_EMPTY_PATH with an
 * empty path, or upath 0 for utimensat: dirfd itself). */
static long fs_setattr_at(int dirfd, uint64_t upath, bool follow, bool empty_ok,
                          const struct fs_setattr *a)
{
	char c = 1;
	if (!upath || (empty_ok && copy_from_user(&c, upath, 1) == 0 && c == 0)) {
		struct file *f = fd_get(dirfd);
		if (!f)
			return -EBADF;
		return f->ops->setattr ? f->ops->setattr(f, 0, a) : -EPERM;
	}
	char buf[PATH_MAX_K];
	const struct scheme *s;
	const char *rest;
	int err = fs_lookup(dirfd, upath, follow, buf, &s, &rest);
	if (err)
		return err;
	if (s->ops->setattr)
		return s->ops->setattr(0, rest, a);
	struct kstat st;
	err = fs_rest_stat(s, rest, &st);
	return err ? err : -EROFS;
}

static long fs_fsetattr(int fd, const struct fs_setattr *a)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	return f->ops->setattr ? f->ops->setattr(f, 0, a) : -EPERM;
}

long sys_fchmodat(int dirfd, uint64_t upath, int mode)
{
	struct fs_setattr a = {.valid = ATTR_MODE, .mode = (uint32_t)mode};
	return fs_setattr_at(dirfd, upath, true, false, &a);
}

long sys_chmod(uint64_t upath, int mode) { return sys_fchmodat(AT_FDCWD, upath, mode); }

long sys_fchmod(int fd, int mode)
{
	struct fs_setattr a = {.valid = ATTR_MODE, .mode = (uint32_t)mode};
	return fs_fsetattr(fd, &a);
}

long sys_fchownat(int dirfd, uint64_t upath, uint32_t uid, uint32_t gid, int flags)
{
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	struct fs_setattr a = {.valid = ATTR_OWNER, .uid = uid, .gid = gid};
	return fs_setattr_at(dirfd, upath, !(flags & AT_SYMLINK_NOFOLLOW), flags & AT_EMPTY_PATH,
	                     &a);
}

long sys_chown(uint64_t upath, uint32_t uid, uint32_t gid)
{
	return sys_fchownat(AT_FDCWD, upath, uid, gid, 0);
}

long sys_lchown(uint64_t upath, uint32_t uid, uint32_t gid)
{
	return sys_fchownat(AT_FDCWD, upath, uid, gid, AT_SYMLINK_NOFOLLOW);
}

long sys_fchown(int fd, uint32_t uid, uint32_t gid)
{
	struct fs_setattr a = {.valid = ATTR_OWNER, .uid = uid, .gid = gid};
	return fs_fsetattr(fd, &a);
}

long sys_truncate(uint64_t upath, int64_t length)
{
	if (length < 0)
		return -EINVAL;
	struct fs_setattr a = {.valid = ATTR_SIZE, .size = (uint64_t)length};
	return fs_setattr_at(AT_FDCWD, upath, true, false, &a);
}

long sys_ftruncate(int fd, int64_t length)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	if (length < 0 || (f->flags & O_ACCMODE) == O_RDONLY || !f->ops->setattr)
		return -EINVAL;
	struct fs_setattr a = {.valid = ATTR_SIZE, .size = (uint64_t)length};
	return f->ops->setattr(f, 0, &a);
}

long sys_utimensat(int dirfd, uint64_t upath, uint64_t utimes, int flags)
{
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	struct {
		int64_t sec, nsec;
	} ts[2] = {{0, UTIME_NOW}, {0, UTIME_NOW}};
	if (utimes && copy_from_user(ts, utimes, sizeof ts))
		return -EFAULT;
	struct fs_setattr a = {0};
	uint64_t now = time_realtime_ns();
	for (int i = 0; i < 2; i++) {
		if (ts[i].nsec == UTIME_OMIT)
			continue;
		if (ts[i].nsec != UTIME_NOW && (ts[i].nsec < 0 || ts[i].nsec >= 1000000000))
			return -EINVAL;
		uint64_t ns = ts[i].nsec == UTIME_NOW
		                  ? now
		                  : (uint64_t)ts[i].sec * 1000000000ull + (uint64_t)ts[i].nsec;
		a.valid |= i ? ATTR_MTIME : ATTR_ATIME;
		*(i ? &a.mtime_ns : &a.atime_ns) = ns;
	}
	if (ts[0].nsec == UTIME_NOW && ts[1].nsec == UTIME_NOW)
		a.valid |= ATTR_TIMES_NOW;
	if (!upath && dirfd == AT_FDCWD)
		return -EFAULT;
	if (!a.valid && upath)
		return 0; /* both omitted: nothing to change */
	return fs_setattr_at(dirfd, upath, !(flags & AT_SYMLINK_NOFOLLOW), flags & AT_EMPTY_PATH,
	                     &a);
}

/* sendfile: read from in_fd and write to out_fd through a kernel buffer,
 * at *uoff (which is then updated; in_fd's offset untouched) or at in_fd's
 * offset. Stops at EOF or a short write. */
long sys_sendfile(int out_fd, int in_fd, uint64_t uoff, size_t count)
{
	long err;
	struct file *in = fs_readable(in_fd, &err), *out = in ? fs_writable(out_fd, &err) : 0;
	if (!out)
		return err;
	if (!in->ops->read || !out->ops->write)
		return -EINVAL;
	int64_t off = 0;
	if (uoff) {
		if (copy_from_user(&off, uoff, sizeof off))
			return -EFAULT;
		if (off < 0)
			return -EINVAL;
	}
	uint64_t pos = uoff ? (uint64_t)off : in->off;
	count = MIN(count, (size_t)0x7ffff000);
	enum { CHUNK = 16384 };
	uint8_t *buf = count ? kmalloc(CHUNK) : 0;
	if (count && !buf)
		return -ENOMEM;
	size_t done = 0;
	long r = 0;
	file_get(in);
	file_get(out);
	while (done < count) {
		if (done && signal_pending(current))
			break; /* a long copy stops for a signal with what it moved */
		sched_cond_resched();
		r = file_read_kernel(in, buf, MIN((size_t)CHUNK, count - done), pos);
		if (r <= 0)
			break;
		if (out->flags & O_APPEND) {
			struct kstat st;
			if (out->ops->stat && out->ops->stat(out, &st) == 0)
				out->off = st.size;
		}
		bool was = out->kernel_buf;
		out->kernel_buf = true;
		long w = out->ops->write(out, (uint64_t)(uintptr_t)buf, (size_t)r, &out->off);
		out->kernel_buf = was;
		if (w <= 0) {
			r = w;
			break;
		}
		pos += (uint64_t)w;
		done += (size_t)w;
		if (w < r)
			break;
	}
	kfree(buf);
	file_put(out);
	file_put(in);
	if (uoff) {
		off = (int64_t)pos;
		if (copy_to_user(uoff, &off, sizeof off))
			return -EFAULT;
	} else {
		in->off = pos;
	}
	return done ? (long)done : r;
}

/* --- statfs ---------------------------------------------------------------- */

/* Linux's struct statfs for the scheme s: its file system type (as the
 * magic Linux's nearest file system reports) and sizes in 4 KiB blocks;
 * the root archive is read-only and full, tmp has the machine's free
 * memory, the rest report no blocks (df leaves them out, as it leaves out
 * Linux's proc and pipefs). */
static long fs_statfs_of(const struct scheme *s, uint64_t ubuf)
{
	struct {
		int64_t type, bsize;
		uint64_t blocks, bfree, bavail, files, ffree;
		int32_t fsid[2];
		int64_t namelen, frsize, flags, spare[4];
	} sf = {0};
	sf.bsize = sf.frsize = PAGE_SIZE;
	sf.namelen = NAME_MAX;
	if (!s) {
		sf.type = 0x50495045; /* PIPEFS_MAGIC: a file of no scheme */
	} else if (strcmp(s->name, "file") == 0) {
		sf.type = 0x858458f6; /* RAMFS_MAGIC: an in-memory archive */
		sf.blocks = (initfs_image_size() + PAGE_SIZE - 1) / PAGE_SIZE;
		sf.flags = 1; /* ST_RDONLY (and ST_VALID, below) */
	} else if (strcmp(s->name, "tmp") == 0) {
		sf.type = 0x01021994; /* TMPFS_MAGIC */
		sf.blocks = pmm_total_count();
		sf.bfree = sf.bavail = pmm_free_count();
		sf.files = sf.ffree = (uint64_t)1 << 20;
		sf.flags = 2 | 4; /* ST_NOSUID | ST_NODEV, as /proc/mounts says */
	} else if (strcmp(s->name, "linuxproc") == 0 || strcmp(s->name, "proc") == 0) {
		sf.type = 0x9fa0;         /* PROC_SUPER_MAGIC */
		sf.flags = 1 | 2 | 4 | 8; /* ro, nosuid, nodev, noexec */
	} else {
		sf.type = 0x01021994;
	}
	sf.flags |= 32; /* ST_VALID: Linux sets it always */
	return copy_to_user(ubuf, &sf, sizeof sf) ? -EFAULT : 0;
}

long sys_statfs(uint64_t upath, uint64_t ubuf)
{
	char buf[PATH_MAX_K];
	const struct scheme *s;
	const char *rest;
	int err = fs_lookup(AT_FDCWD, upath, true, buf, &s, &rest);
	if (err)
		return err;
	struct kstat st;
	if (!s->ops->stat_path || (err = s->ops->stat_path(rest, &st)))
		return err ? err : -ENOENT;
	return fs_statfs_of(s, ubuf);
}

long sys_fstatfs(int fd, uint64_t ubuf)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	return fs_statfs_of(f->scheme, ubuf);
}
