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
	uint32_t nlink;
	uint32_t uid, gid;
	uint64_t rdev;
};

struct file {
	const struct scheme_ops *ops;
	const struct scheme *scheme;
	void *priv;        /* the scheme's own state */
	uint64_t off;      /* file position */
	int flags;         /* open flags (O_ACCMODE, O_APPEND, O_NONBLOCK) */
	int refs;
	bool kernel_buf;   /* read/write buffers are kernel addresses (file_read_kernel) */
};

int file_open(const char *path, int flags, int mode, struct file **out);
struct file *file_alloc(const struct scheme *s);
void file_get(struct file *f);
void file_put(struct file *f);
long file_read_kernel(struct file *f, void *buf, size_t n, uint64_t off);
/* Copy out/in for scheme ops: honours f->kernel_buf. 0 or -EFAULT. */
int file_copy_out(struct file *f, uint64_t ubuf, const void *src, size_t n);
int file_copy_in(struct file *f, void *dst, uint64_t ubuf, size_t n);
/* Emit one linux_dirent64 record at ubuf+pos if it fits in n; returns its
 * length, 0 if it does not fit, or -EFAULT. */
long file_put_dirent(struct file *f, uint64_t ubuf, size_t pos, size_t n, uint64_t ino,
		     uint64_t next_off, uint8_t type, const char *name);
#define DT_DIR 4
#define DT_REG 8
#define DT_CHR 2
#define DT_FIFO 1
#endif
