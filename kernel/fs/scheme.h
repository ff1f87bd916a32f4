/* The scheme namespace. A path "name:rest" (or "/scheme/name/rest") names
 * file "rest" in scheme "name"; any other absolute path goes to the root
 * filesystem scheme ("file"). Each scheme is one table of operations. Open
 * files are struct file, reference counted and shared between fds (dup) and
 * processes (fork).
 *
 * Buffers: read/write/getdents take USER addresses and copy with
 * copy_to_user/copy_from_user themselves (one copy, no bounce buffer);
 * they return bytes moved or a negative errno (-EFAULT on a bad buffer). A
 * kernel caller that needs to read a file into kernel memory uses
 * file_read_kernel() (file.c), which lets the ops see a kernel buffer.
 *
 * Locking: none; the kernel is single-CPU and runs syscalls with interrupts
 * disabled, so an op runs atomically except where it sleeps on a waitq. */
#ifndef SCHEME_H
#define SCHEME_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct file;
struct kstat;
struct fs_setattr;

struct scheme_ops {
	/* path is the part after "name:" with no leading '/', "" for the root.
	 * Fill f->priv (and anything else); return 0 or -errno. */
	int (*open)(struct file *f, const char *path, int flags, int mode);
	long (*read)(struct file *f, uint64_t ubuf, size_t n, uint64_t *off);
	long (*write)(struct file *f, uint64_t ubuf, size_t n, uint64_t *off);
	/* Fill *st (size, mode with S_IFDIR/S_IFREG/S_IFCHR/S_IFIFO bits). */
	int (*stat)(struct file *f, struct kstat *st);
	/* The same for the file at path (as open gets it), without opening it:
	 * looking at metadata never has an open's side effects (a trace
	 * session, a created file). Every scheme has one; 0 or -errno. */
	int (*stat_path)(const char *path, struct kstat *st);
	/* Linux struct linux_dirent64 records into ubuf; advances *off. */
	long (*getdents)(struct file *f, uint64_t ubuf, size_t n, uint64_t *off);
	/* Return the ready subset of events (POLLIN, POLLOUT, POLLHUP, ...). */
	int (*poll)(struct file *f, int events);
	void (*close)(struct file *f);
	/* Optional path operations (may be NULL: -EROFS / -EPERM). */
	int (*unlink)(const char *path);
	int (*mkdir)(const char *path, int mode);
	int (*rmdir)(const char *path);
	/* Optional: lseek override (e.g. proc:mem allows any 64-bit offset). */
	long (*seek)(struct file *f, int64_t off, int whence);
	/* Optional: the scheme's ioctls (the console's terminal ones, FIONREAD
	 * of pipes); the generic FIO* ones are sys_ioctl's. */
	long (*ioctl)(struct file *f, uint64_t req, uint64_t arg);
	/* Optional, for schemes with symlinks: walk path; at the first symlink
	 * that is not the last component (or is, with follow), copy its target
	 * (NUL-terminated) into target, set *consumed to the bytes of path up
	 * to the end of its component, and return 1. 0 when no symlink is on
	 * the way (or the walk ends at a missing name: the op that follows
	 * reports it); -ENOTDIR when the path goes through a file. */
	int (*walk_link)(const char *path, bool follow, char *target, size_t size,
	                 size_t *consumed);
	/* Optional link and metadata operations (NULL: -EPERM / -EROFS). Paths
	 * are resolved (file_resolve) before these see them. */
	long (*readlink)(const char *path, char *buf, size_t size); /* bytes, no NUL */
	int (*symlink)(const char *target, const char *path);
	int (*link)(const char *oldpath, const char *newpath);
	/* Within this scheme; flags 0, RENAME_NOREPLACE or RENAME_EXCHANGE. */
	int (*rename)(const char *oldpath, const char *newpath, int flags);
	/* By open file (f non-NULL) or by path. */
	int (*setattr)(struct file *f, const char *path, const struct fs_setattr *a);
	int (*mknod)(const char *path, int mode, uint64_t dev);
};
#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE 2

struct scheme {
	const char *name;
	const struct scheme_ops *ops;
};

/* A scheme registers itself from its init function (called in main.c). */
void scheme_register(const char *name, const struct scheme_ops *ops);
const struct scheme *scheme_find(const char *name, size_t len);
int scheme_count(void);
const struct scheme *scheme_at(int i);

/* Split a (cwd-resolved, absolute or name:) path into scheme and rest.
 * Returns the scheme or NULL (-ENOENT). *rest points into path. */
const struct scheme *scheme_resolve(const char *path, const char **rest);
/* How absolute paths into s begin: "/" (file), "/tmp/" (tmp), "name:". */
const char *scheme_prefix(const struct scheme *s, char *buf, size_t size);
/* The root directory a scheme is mounted on ("tmp", "proc"), or NULL. */
const char *scheme_mount_dir(const struct scheme *s);
#endif
