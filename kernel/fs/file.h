/* Open files and the calls every scheme shares: open by path, read and
 * write through the ops table, reference counting. */
#ifndef FILE_H
#define FILE_H
#include "scheme.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Linux open flags and file modes. */
#define O_RDONLY 0
#define O_WRONLY 1
#define O_RDWR 2
#define O_ACCMODE 3
#define O_CREAT 0100
#define O_EXCL 0200
#define O_NOCTTY 0400
#define O_TRUNC 01000
#define O_APPEND 02000
#define O_NONBLOCK 04000
#define O_DIRECTORY 0200000
#define O_NOFOLLOW 0400000
#define O_CLOEXEC 02000000

#define S_IFMT 0170000
#define S_IFDIR 0040000
#define S_IFCHR 0020000
#define S_IFREG 0100000
#define S_IFIFO 0010000
#define S_IFLNK 0120000
#define S_ISUID 04000
#define S_ISGID 02000
#define S_ISVTX 01000

/* Linux limits: a name component, a whole path (with its NUL), and the
 * symlinks one lookup follows. Procyon's path buffers are PATH_MAX_K
 * bytes (Linux's PATH_MAX is 4096): longer paths fail ENAMETOOLONG. */
#define NAME_MAX 255
#define PATH_MAX_K 1024
#define SYMLOOP_MAX 40

/* access(2) modes. */
#define F_OK 0
#define X_OK 1
#define W_OK 2
#define R_OK 4

#define POLLIN 0x001
#define POLLPRI 0x002
#define POLLOUT 0x004
#define POLLERR 0x008
#define POLLHUP 0x010
#define POLLNVAL 0x020

#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2

/* What stat reports; syscall code converts it to Linux struct stat. */
struct kstat {
	uint32_t mode;
	uint64_t size;
	uint64_t ino;
	uint32_t nlink; /* 0: the scheme does not count (shown as 1) unless gone */
	bool gone;      /* no name left (unlinked while open): nlink 0 */
	uint32_t uid, gid;
	uint64_t rdev;
	bool rofs;       /* on a read-only filesystem: writing it fails EROFS */
	bool no_storage; /* made on demand (/proc): st_blocks 0 whatever its size */
	uint64_t atime_ns, mtime_ns, ctime_ns; /* since the epoch; 0: unknown */
};

/* Who is asking, for permission checks and new files' owners: the
 * caller's effective ids and umask (fs_cred_current, sys_fs.c). */
struct fs_cred {
	uint32_t uid, gid, umask;
	int ngroups;            /* supplementary groups: a group class match too */
	const uint32_t *groups; /* ngroups of them (the process's own array) */
};
/* The permission decision Linux makes for one file: root reads and writes
 * anything and executes a directory or a file with any x bit; others get
 * the owner, group (primary or supplementary) or other bits, the first
 * class they belong to, and need every bit of want (R_OK/W_OK/X_OK). */
bool file_cred_may(uint32_t mode, uint32_t owner, uint32_t group, int want,
                   const struct fs_cred *c);
void fs_cred_current(struct fs_cred *c);

/* A metadata change (chmod, chown, truncate, utimensat) for the setattr
 * op: the fields named by the valid bits. Times are nanoseconds since
 * the epoch, already resolved from UTIME_NOW by the caller. uid/gid
 * (uint32_t)-1 mean "unchanged" as for chown(2). */
#define ATTR_MODE 1
#define ATTR_OWNER 2
#define ATTR_SIZE 4
#define ATTR_ATIME 8
#define ATTR_MTIME 16
#define ATTR_TIMES_NOW 32 /* both times are "now": write access suffices */
struct fs_setattr {
	int valid;
	uint32_t mode, uid, gid;
	uint64_t size, atime_ns, mtime_ns;
};

struct file {
	const struct scheme_ops *ops;
	const struct scheme *scheme;
	void *priv;   /* the scheme's own state */
	uint64_t off; /* file position */
	int flags;    /* open flags (O_ACCMODE, O_APPEND, O_NONBLOCK) */
	int refs;
	bool kernel_buf; /* read/write buffers are kernel addresses (file_read_kernel) */
	char *name;      /* the path it was opened by (kmalloc'd), NULL if none */
	uint8_t dots;    /* getdents64: how many of "." and ".." it has listed */
};

int file_open(const char *path, int flags, int mode, struct file **out);
/* What proc:PID/fd/N shows: the path it was opened by, else "SCHEME:[ino]"
 * (pipe:[7]). The length written (NUL not counted). */
size_t file_describe(struct file *f, char *buf, size_t size);
/* stat by path through the scheme's stat_path (never opens); *sch gets the
 * scheme if non-NULL. 0 or -errno. */
int file_stat_path(const char *path, struct kstat *st, const struct scheme **sch);
/* The same without following a symlink in the last component (lstat). */
int file_lstat_path(const char *path, struct kstat *st, const struct scheme **sch);
/* Resolve the symlinks of an absolute path (every one before the last
 * component; the last one too if follow): out gets a path naming the same
 * file through no symlink the scheme knows of. 0, -ELOOP after SYMLOOP_MAX
 * links, -ENAMETOOLONG, -ENOTDIR (a path through a file) or -ENOMEM. */
int file_resolve(const char *path, bool follow, char *out, size_t size);
/* access(2)'s check of mode (F_OK/R_OK/W_OK/X_OK bits) against st for a
 * caller with uid/gid: 0, -EACCES, -EROFS or -EINVAL. */
int file_may_access(const struct kstat *st, int mode, const struct fs_cred *c);
struct file *file_alloc(const struct scheme *s);
void file_get(struct file *f);
void file_put(struct file *f);
long file_read_kernel(struct file *f, void *buf, size_t n, uint64_t off);
/* Copy out/in for scheme ops: honours f->kernel_buf. 0 or -EFAULT. */
int file_copy_out(struct file *f, uint64_t ubuf, const void *src, size_t n);
int file_copy_in(struct file *f, void *dst, uint64_t ubuf, size_t n);
/* read(2) of an in-memory byte string: copy the window at *off, advance. */
long file_read_window(struct file *f, uint64_t ubuf, size_t n, uint64_t *off, const void *data,
                      size_t len);

/* getdents64 output: emit records into a user buffer until it is full. */
struct dirent_buf {
	struct file *f;
	uint64_t ubuf;
	size_t n, pos;
	long err;
	bool full; /* an entry did not fit */
};
#define DIRENT_BUF(file, buf, size) ((struct dirent_buf){(file), (buf), (size), 0, 0, false})
/* Add one linux_dirent64; false once the buffer is full or a copy failed. */
bool dirent_emit(struct dirent_buf *d, uint64_t ino, uint64_t next_off, uint8_t type,
                 const char *name);
/* The getdents result: bytes written, -EINVAL if not one record fit, -EFAULT. */
long dirent_done(const struct dirent_buf *d);
/* The largest record: 19 header bytes, a 255-byte name, its NUL, padded. */
#define DIRENT_NAME_MAX 255
#define DIRENT_RECLEN_MAX 280
#define DT_DIR 4
#define DT_REG 8
#define DT_CHR 2
#define DT_FIFO 1
#define DT_LNK 10
#endif
