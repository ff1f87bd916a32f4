/* Pipes: a ring buffer shared by a read end and a write end (two struct
 * files of scheme "pipe"). Readers sleep while it is empty and writers
 * remain; writers sleep while it is full and readers remain. Writes of up
 * to PIPE_BUF bytes are atomic. Writing with no reader raises SIGPIPE and
 * fails with EPIPE. Data moves directly between the ring and user buffers.
 * A FIFO (a named pipe, e.g. in tmp) owns a struct pipe with no ends of
 * its own: its opens attach to it (pipe_attach, with Linux's blocking
 * rules) and its reads and writes come here (pipe_file_*); its ring is
 * allocated while it has ends and its data dropped when the last closes. */
#include "errno.h"
#include "file.h"
#include "heap.h"
#include "lib.h"
#include "proc.h"
#include "schemes.h"

#define PIPE_SIZE 65536
#define PIPE_BUF 4096

struct pipe {
	uint8_t *buf;
	size_t head, len; /* data is buf[head .. head+len) modulo PIPE_SIZE */
	int readers, writers;
	struct waitq wait;         /* both directions: a change wakes everyone */
	uint64_t ino;              /* st_ino, and the N of its name pipe:[N] */
	uint64_t r_opens, w_opens; /* FIFO opens so far: a waiting open sees one come */
};

static uint64_t pipe_next_ino = 1;

struct pipe_end {
	struct pipe *pipe;
	bool write;
};

static const struct scheme_ops pipe_ops;
static const struct scheme pipe_scheme = {"pipe", &pipe_ops};

/* Read from p through f (its O_NONBLOCK and buffer kind). */
long pipe_file_read(struct pipe *p, struct file *f, uint64_t ubuf, size_t n)
{
	while (p->len == 0) {
		if (p->writers == 0 || n == 0)
			return 0;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (waitq_sleep(&p->wait))
			return -EINTR;
	}
	size_t done = 0;
	while (done < n && p->len) {
		size_t chunk = MIN(MIN(n - done, p->len), PIPE_SIZE - p->head);
		if (file_copy_out(f, ubuf + done, p->buf + p->head, chunk))
			return done ? (long)done : -EFAULT;
		p->head = (p->head + chunk) % PIPE_SIZE;
		p->len -= chunk;
		done += chunk;
	}
	waitq_wake(&p->wait);
	return (long)done;
}

long pipe_file_write(struct pipe *p, struct file *f, uint64_t ubuf, size_t n)
{
	size_t done = 0;
	while (done < n) {
		if (p->readers == 0) {
			struct ksiginfo info = {.signo = SIGPIPE,
			                        .code = SI_USER,
			                        .pid = proc_tgid(current),
			                        .uid = current->uid};
			signal_send_thread(current, &info); /* as Linux's send_sig */
			return done ? (long)done : -EPIPE;
		}
		size_t space = PIPE_SIZE - p->len;
		size_t need = n - done <= PIPE_BUF ? n - done : 1; /* small writes go whole */
		if (space < need) {
			if (f->flags & O_NONBLOCK)
				return done ? (long)done : -EAGAIN;
			if (waitq_sleep(&p->wait))
				return done ? (long)done : -EINTR;
			continue;
		}
		size_t tail = (p->head + p->len) % PIPE_SIZE;
		size_t chunk = MIN(MIN(n - done, space), PIPE_SIZE - tail);
		if (file_copy_in(f, p->buf + tail, ubuf + done, chunk))
			return done ? (long)done : -EFAULT;
		p->len += chunk;
		done += chunk;
		waitq_wake(&p->wait);
	}
	return (long)done;
}

static long pipe_read(struct file *f, uint64_t ubuf, size_t n, uint64_t *off)
{
	(void)off;
	struct pipe_end *e = f->priv;
	return e->write ? -EBADF : pipe_file_read(e->pipe, f, ubuf, n);
}

static long pipe_write(struct file *f, uint64_t ubuf, size_t n, uint64_t *off)
{
	(void)off;
	struct pipe_end *e = f->priv;
	return e->write ? pipe_file_write(e->pipe, f, ubuf, n) : -EBADF;
}

static int pipe_stat(struct file *f, struct kstat *st)
{
	memset(st, 0, sizeof *st);
	st->mode = S_IFIFO | 0600;
	st->ino = ((struct pipe_end *)f->priv)->pipe->ino;
	return 0;
}

static int pipe_poll_end(struct pipe *p, bool write)
{
	if (!write)
		return (p->len ? POLLIN : 0) | (p->writers ? 0 : POLLHUP);
	return p->readers ? (PIPE_SIZE - p->len >= PIPE_BUF ? POLLOUT : 0) : POLLERR;
}

static int pipe_poll(struct file *f, int events)
{
	(void)events;
	struct pipe_end *e = f->priv;
	return pipe_poll_end(e->pipe, e->write);
}

/* A FIFO's poll: the read side's bits if f reads, the write side's if it
 * writes (O_RDWR: both; it is its own writer, so never POLLHUP). */
int pipe_file_poll(struct pipe *p, struct file *f)
{
	int acc = f->flags & O_ACCMODE, r = 0;
	if (acc != O_WRONLY)
		r |= pipe_poll_end(p, false);
	if (acc != O_RDONLY)
		r |= pipe_poll_end(p, true);
	return r;
}

/* A FIFO's pipe with no ends and no ring yet; NULL without memory. */
struct pipe *pipe_alloc(void)
{
	struct pipe *p = kzalloc(sizeof *p);
	if (p)
		p->ino = pipe_next_ino++;
	return p;
}

/* Free a FIFO's pipe; it has no ends (its node is gone, unopened). */
void pipe_free(struct pipe *p)
{
	kfree(p->buf);
	kfree(p);
}

/* f closes its FIFO end; the last end drops the data and the ring. */
void pipe_detach(struct pipe *p, struct file *f)
{
	int acc = f->flags & O_ACCMODE;
	if (acc != O_WRONLY)
		p->readers--;
	if (acc != O_RDONLY)
		p->writers--;
	waitq_wake(&p->wait);
	if (!p->readers && !p->writers) {
		kfree(p->buf);
		p->buf = 0;
		p->head = p->len = 0;
	}
}

/* Open a FIFO as Linux does: O_RDWR never waits; O_RDONLY waits for a
 * writer (not with O_NONBLOCK); O_WRONLY waits for a reader, or with
 * O_NONBLOCK fails ENXIO when there is none. 0, -ENXIO, -ENOMEM or
 * -ERESTARTSYS (a signal while waiting: nothing left attached). */
int pipe_attach(struct pipe *p, struct file *f)
{
	int acc = f->flags & O_ACCMODE;
	bool nonblock = f->flags & O_NONBLOCK;
	if (acc == O_WRONLY && nonblock && !p->readers)
		return -ENXIO;
	if (!p->buf && !(p->buf = kmalloc(PIPE_SIZE)))
		return -ENOMEM;
	if (acc != O_WRONLY) {
		p->readers++;
		p->r_opens++;
	}
	if (acc != O_RDONLY) {
		p->writers++;
		p->w_opens++;
	}
	waitq_wake(&p->wait);
	uint64_t w0 = p->w_opens, r0 = p->r_opens;
	while (!nonblock && ((acc == O_RDONLY && !p->writers && p->w_opens == w0) ||
	                     (acc == O_WRONLY && !p->readers && p->r_opens == r0)))
		if (waitq_sleep(&p->wait)) {
			pipe_detach(p, f);
			return -ERESTARTSYS;
		}
	return 0;
}

static void pipe_close(struct file *f)
{
	struct pipe_end *e = f->priv;
	struct pipe *p = e->pipe;
	if (e->write)
		p->writers--;
	else
		p->readers--;
	waitq_wake(&p->wait);
	if (!p->readers && !p->writers) {
		kfree(p->buf);
		kfree(p);
	}
	kfree(e);
}

static int pipe_open(struct file *f, const char *path, int flags, int mode)
{
	(void)f, (void)path, (void)flags, (void)mode;
	return -ENOENT; /* pipes are made by pipe(2), not by name */
}

static int pipe_stat_path(const char *path, struct kstat *st)
{
	(void)path, (void)st;
	return -ENOENT; /* as pipe_open: no pipe has a name */
}

#define FIONREAD 0x541b

long pipe_file_ioctl(struct pipe *p, struct file *f, uint64_t req, uint64_t arg)
{
	int waiting = (int)p->len;
	if ((uint32_t)req != FIONREAD)
		return -ENOTTY;
	return file_copy_out(f, arg, &waiting, sizeof waiting) ? -EFAULT : 0;
}

static long pipe_ioctl(struct file *f, uint64_t req, uint64_t arg)
{
	return pipe_file_ioctl(((struct pipe_end *)f->priv)->pipe, f, req, arg);
}

static const struct scheme_ops pipe_ops = {
    .ioctl = pipe_ioctl,
    .open = pipe_open,
    .read = pipe_read,
    .write = pipe_write,
    .stat = pipe_stat,
    .stat_path = pipe_stat_path,
    .poll = pipe_poll,
    .close = pipe_close,
};

static struct file *pipe_make_end(struct pipe *p, bool write)
{
	struct pipe_end *e = kmalloc(sizeof *e);
	struct file *f = e ? file_alloc(&pipe_scheme) : 0;
	if (!f) {
		kfree(e);
		return 0;
	}
	e->pipe = p;
	e->write = write;
	f->priv = e;
	f->flags = write ? O_WRONLY : O_RDONLY;
	if (write)
		p->writers++;
	else
		p->readers++;
	return f;
}

/* A new pipe: its read and write ends. */
int pipe_create(struct file **rd, struct file **wr)
{
	struct pipe *p = kzalloc(sizeof *p);
	if (!p)
		return -ENFILE;
	p->buf = kmalloc(PIPE_SIZE);
	p->ino = pipe_next_ino++;
	*rd = p->buf ? pipe_make_end(p, false) : 0;
	*wr = *rd ? pipe_make_end(p, true) : 0;
	if (!*wr) {
		if (*rd)
			file_put(*rd); /* frees p once both counts are 0 */
		else {
			kfree(p->buf);
			kfree(p);
		}
		return -ENFILE;
	}
	return 0;
}

/* pipe: is registered so that `ls /scheme` shows it. */
void pipe_scheme_init(void) { scheme_register("pipe", &pipe_ops); }
