/* File descriptor tables: NOFILE slots per process, each a counted
 * reference to a struct file, plus a close-on-exec bit. */
#include "errno.h"
#include "proc.h"

/* One more than the highest descriptor p may use: RLIMIT_NOFILE, at most
 * the table's size. */
int fd_limit(const struct proc *p)
{
	return p->rlim[RLIMIT_NOFILE].cur < NOFILE ? (int)p->rlim[RLIMIT_NOFILE].cur : NOFILE;
}

/* Put f in the lowest free slot >= min_fd. Takes over the caller's
 * reference on success only: on -EMFILE the caller still holds it. */
int fd_install(struct proc *p, struct file *f, int min_fd, bool cloexec)
{
	int limit = fd_limit(p);
	for (int fd = min_fd < 0 ? 0 : min_fd; fd < limit; fd++) {
		if (!p->files[fd]) {
			p->files[fd] = f;
			p->cloexec[fd] = cloexec;
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
	return current->files[fd];
}

/* Close one descriptor. */
int fd_close(struct proc *p, int fd)
{
	if (fd < 0 || fd >= NOFILE || !p->files[fd])
		return -EBADF;
	struct file *f = p->files[fd];
	p->files[fd] = 0;
	p->cloexec[fd] = false;
	file_put(f);
	return 0;
}

/* Close everything (exit). */
void fd_close_all(struct proc *p)
{
	for (int fd = 0; fd < NOFILE; fd++)
		if (p->files[fd])
			fd_close(p, fd);
}
