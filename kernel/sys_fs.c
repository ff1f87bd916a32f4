/* File system calls: thin glue from the Linux ABI to the scheme ops.
 * Every user buffer is handed to the ops, which copy through uaccess. */
#include "syscall.h"
#include "errno.h"
#include "heap.h"
#include "lib.h"
#include "path.h"
#include "proc.h"
#include "path.h"
#include "schemes.h"
#include "uaccess.h"

#define AT_FDCWD (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_EMPTY_PATH 0x1000
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

/* Open an absolute path and install it. */
static long fs_open_path(const char *path, int flags, int mode)
{
	struct file *f;
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

/* Resolve a dirfd-relative path (only AT_FDCWD and absolute paths). */
static int fs_at_path(int dirfd, uint64_t upath, char *out, size_t size)
{
	char tmp[PATH_MAX_K];
	int err = path_copy_from_user(upath, tmp, sizeof tmp);
	if (err)
		return err;
	if (tmp[0] != '/' && dirfd != AT_FDCWD && !strchr(tmp, ':'))
		return fd_get(dirfd) ? -ENOTSUP : -EBADF;
	return path_absolute(current->cwd[0] ? current->cwd : "/", tmp, out, size);
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
	if (f->ops->seek)
		return f->ops->seek(f, off, whence);
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
	return (long)f->off;
}

static long fs_stat_copy_out(const struct scheme *s, struct kstat st, uint64_t ubuf)
{
	struct linux_stat ls = {0};
	ls.dev = ((uint64_t)(uintptr_t)s >> 4) & 0xffff;
	ls.ino = st.ino;
	ls.nlink = st.nlink ? st.nlink : 1;
	ls.mode = st.mode;
	ls.uid = st.uid;
	ls.gid = st.gid;
	ls.rdev = st.rdev;
	ls.size = (int64_t)st.size;
	ls.blksize = 4096;
	ls.blocks = (int64_t)((st.size + 511) / 512);
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

long sys_lstat(uint64_t upath, uint64_t ubuf) { return sys_stat(upath, ubuf); }

long sys_newfstatat(int dirfd, uint64_t upath, uint64_t ubuf, int flags)
{
	char c;
	if ((flags & AT_EMPTY_PATH) && copy_from_user(&c, upath, 1) == 0 && c == 0)
		return sys_fstat(dirfd, ubuf);
	char path[PATH_MAX_K];
	int err = fs_at_path(dirfd, upath, path, sizeof path);
	return err ? err : fs_stat_path(path, ubuf);
}

/* access: the mode is checked against the file's stat with the real ids,
 * as Linux does (file_may_access); nothing is opened. */
long sys_access(uint64_t upath, int mode)
{
	if (mode & ~(R_OK | W_OK | X_OK))
		return -EINVAL;
	char path[PATH_MAX_K];
	int err = path_from_user(upath, path, sizeof path);
	if (err)
		return err;
	struct kstat st;
	err = file_stat_path(path, &st, 0);
	return err ? err : file_may_access(&st, mode, current->uid, current->gid);
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
	return f->ops->getdents(f, ubuf, n, &f->off);
}

static long fs_dup_to(int oldfd, int newfd, bool cloexec)
{
	struct file *f = fd_get(oldfd);
	if (!f || newfd < 0 || newfd >= NOFILE)
		return -EBADF;
	if (oldfd == newfd)
		return newfd;
	file_get(f);
	if (current->files[newfd])
		fd_close(current, newfd);
	return fd_install(current, f, newfd, cloexec);
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
		if (arg >= NOFILE)
			return -EINVAL;
		file_get(f);
		int r = fd_install(current, f, (int)arg, cmd == F_DUPFD_CLOEXEC);
		if (r < 0)
			file_put(f);
		return r;
	}
	case F_GETFD: return current->cloexec[fd];
	case F_SETFD: current->cloexec[fd] = arg & 1; return 0;
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

long sys_ioctl(int fd, uint64_t req, uint64_t arg)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
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
	return fs_do_select(nfds, ur, uw, ue, ns ? clock_ns() + ns : 0, ns == 0);
}

long sys_pselect6(int nfds, uint64_t ur, uint64_t uw, uint64_t ue, uint64_t uts, uint64_t usig)
{
	(void)usig; /* the signal mask is not applied */
	struct {
		int64_t sec, nsec;
	} ts;
	if (!uts)
		return fs_do_select(nfds, ur, uw, ue, 0, false);
	if (copy_from_user(&ts, uts, sizeof ts))
		return -EFAULT;
	if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1000000000)
		return -EINVAL;
	uint64_t ns = (uint64_t)ts.sec * 1000000000 + (uint64_t)ts.nsec;
	return fs_do_select(nfds, ur, uw, ue, ns ? clock_ns() + ns : 0, ns == 0);
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
	} ts;
	if (!uts)
		return fs_do_poll(ufds, nfds, 0, false);
	if (copy_from_user(&ts, uts, sizeof ts))
		return -EFAULT;
	if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1000000000)
		return -EINVAL;
	if (ts.sec == 0 && ts.nsec == 0)
		return fs_do_poll(ufds, nfds, 0, true);
	return fs_do_poll(ufds, nfds,
	                  clock_ns() + (uint64_t)ts.sec * 1000000000 + (uint64_t)ts.nsec, false);
}

long sys_getcwd(uint64_t ubuf, size_t size)
{
	const char *cwd = current->cwd[0] ? current->cwd : "/";
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
	struct kstat st;
	err = file_stat_path(path, &st, 0);
	if (!err && (st.mode & S_IFMT) != S_IFDIR)
		err = -ENOTDIR;
	if (err)
		return err;
	return scheme_canonical(path, current->cwd, sizeof current->cwd);
}

/* mkdir/rmdir/unlink: the scheme's path operation, if it has one. */
static long fs_path_op(uint64_t upath, int op, int mode)
{
	char path[PATH_MAX_K];
	int err = path_from_user(upath, path, sizeof path);
	if (err)
		return err;
	const char *rest;
	const struct scheme *s = scheme_resolve(path, &rest);
	if (!s)
		return -ENOENT;
	if (op == 0)
		return s->ops->mkdir ? s->ops->mkdir(rest, mode) : -EROFS;
	if (op == 1)
		return s->ops->rmdir ? s->ops->rmdir(rest) : -EROFS;
	return s->ops->unlink ? s->ops->unlink(rest) : -EROFS;
}

long sys_mkdir(uint64_t upath, int mode) { return fs_path_op(upath, 0, mode); }
long sys_rmdir(uint64_t upath) { return fs_path_op(upath, 1, 0); }
long sys_unlink(uint64_t upath) { return fs_path_op(upath, 2, 0); }
long sys_rename(uint64_t a, uint64_t b)
{
	(void)a;
	(void)b;
	return -EXDEV;
}
