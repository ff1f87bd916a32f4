/* File descriptor tables: NOFILE slots per process, each a counted
 * reference to a struct file, plus a close-on-exec bit. */
#include "errno.h"
#include "proc.h"

/* One more than the highest descriptor p may use: RLIMIT_NOFILE, at most
 * the table's size. */
int fd_limit(const struct proc *p)
{
	return p->tg->rlim[RLIMIT_NOFILE].cur < NOFILE ? (int)p->tg->rlim[RLIMIT_NOFILE].cur
	                                               : NOFILE;
}

/* Put f in the lowest free slot >= min_fd. Takes over the caller's
 * reference on success only: on -EMFILE the caller still holds it. */
int fd_install(struct proc *p, struct file *f, int min_fd, bool cloexec)
{
	int limit = fd_limit(p);
	for (int fd = min_fd < 0 ? 0 : min_fd; fd < limit; fd++) {
		if (!p->tg->files[fd]) {
			p->tg->files[fd] = f;
			p->tg->cloexec[fd] = cloexec;
			return fd;
		}
	}
	return -EMFILE;
}

/* The current process's file for fd, or NULL. */
struct file *fd_get(int fd)
{
	if (fd < 0 || fd >= NOFILE)
		return 0;
	return current->tg->files[fd];
}

/* Close one descriptor. */
int fd_close(struct proc *p, int fd)
{
	if (fd < 0 || fd >= NOFILE || !p->tg->files[fd])
		return -EBADF;
	struct file *f = p->tg->files[fd];
	p->tg->files[fd] = 0;
	p->tg->cloexec[fd] = false;
	file_put(f);
	return 0;
}

/* Whether files[fd..fd+8) are all empty: most of a table is, and testing
 * eight at once keeps exit and fork cheap (NOFILE is a multiple of 8). */
bool fd_none_open(const struct proc *p, int fd)
{
	struct file *const *f = &p->tg->files[fd];
	return !((uintptr_t)f[0] | (uintptr_t)f[1] | (uintptr_t)f[2] | (uintptr_t)f[3] |
	         (uintptr_t)f[4] | (uintptr_t)f[5] | (uintptr_t)f[6] | (uintptr_t)f[7]);
}

/* Close everything (exit). */
void fd_close_all(struct proc *p)
{
	for (int fd = 0; fd < NOFILE; fd += 8)
		for (int i = fd; i < fd + 8 && !fd_none_open(p, fd); i++)
			if (p->tg->files[i])
				fd_close(p, i);
}
