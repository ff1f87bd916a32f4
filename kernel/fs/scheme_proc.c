/* The proc: scheme, the tracing interface (docs/proc-scheme.md). Its files
 * are rows of one table (procfs_files, as 9front's Dirtab): a row is a
 * name, a directory, a mode, a size, flags and its own read and write
 * handlers, so adding a file is adding a row. A handle names one row of one
 * process and is bound to that process by its serial number (and, for mem,
 * to its address space generation), so it fails with ESRCH once the process
 * exits or execs, even if the pid is reused. Access is checked once, at
 * open, against the opener's credentials; stat by name (procfs_stat_path)
 * opens nothing, checks no access and never attaches. Everything is
 * computed at read time from the live process; nothing is cached. */
#include "errno.h"
#include "file.h"
#include "heap.h"
#include "lib.h"
#include "mm.h"
#include "pmm.h"
#include "proc.h"
#include "ptrace.h"
#include "regs.h"
#include "schemes.h"
#include "uaccess.h"

/* Row indices: the handle's kind and part of st_ino. */
enum procfs_kind {
	PK_ROOT,
	PK_PID,
	PK_STATUS,
	PK_CMDLINE,
	PK_EXE,
	PK_CWD,
	PK_MAPS,
	PK_REGS,
	PK_REGS_INT,
	PK_REGS_FLOAT,
	PK_REGS_DEBUG,
	PK_MEM,
	PK_TRACE,
	PK_SYSFILTER,
	PK_SIGINFO,
	PK_FD,
	PK_FD_ENTRY, /* fd/N: one row for every N (procfs_parse_path) */
	PK_TASK,     /* task/: the thread ids; task/TID/... is TID/... */
	PK_COUNT
};

#define PF_PUBLIC 0x01   /* opened without the access check (directories, status) */
#define PF_WRITABLE 0x02 /* may be opened for writing */
#define PF_BIND_MM 0x04  /* bound to the address space it was opened on (mem) */
#define PF_OUTLIVES 0x08 /* reads go on after the process is gone (trace) */
#define PF_THREAD 0x10   /* per thread (registers, trace, sysfilter); else per process */
#define PF_SESSION 0x20  /* opening starts a trace session: read-write only */
#define PF_PROCESS 0x40  /* the process's: bound to its first thread, whichever is named */

struct proc_handle {
	enum procfs_kind kind;
	struct proc *proc; /* slots are never freed: safe to look at, check serial */
	int pid;
	uint64_t serial;
	uint64_t mm_gen;
	bool opened_zombie;
	int task_of; /* named as task/TID of this pid: TID must be its thread */
	int fd;      /* PK_FD_ENTRY: which descriptor */
	struct ptrace_session *session;
};

/* A row's read or write handler. p is the handle's live process (NULL only
 * for PF_OUTLIVES rows whose process is gone). */
typedef long (*procfs_io)(struct file *f, struct proc_handle *h, struct proc *p, uint64_t ubuf,
                          size_t n, uint64_t *off);

struct procfs_row {
	const char *name;
	uint8_t dir;   /* the row of the directory it is in */
	uint8_t dtype; /* DT_DIR or DT_REG */
	uint16_t mode; /* permission bits of its stat */
	uint8_t flags; /* PF_* */
	uint32_t size; /* st_size; 0 for streams and generated text */
	procfs_io read, write;
};

static long procfs_read_status(struct file *, struct proc_handle *, struct proc *, uint64_t, size_t,
                               uint64_t *);
static long procfs_read_cmdline(struct file *, struct proc_handle *, struct proc *, uint64_t,
                                size_t, uint64_t *);
static long procfs_read_exe(struct file *, struct proc_handle *, struct proc *, uint64_t, size_t,
                            uint64_t *);
static long procfs_read_cwd(struct file *, struct proc_handle *, struct proc *, uint64_t, size_t,
                            uint64_t *);
static long procfs_read_maps(struct file *, struct proc_handle *, struct proc *, uint64_t, size_t,
                             uint64_t *);
static long procfs_read_regs_int(struct file *, struct proc_handle *, struct proc *, uint64_t,
                                 size_t, uint64_t *);
static long procfs_write_regs_int(struct file *, struct proc_handle *, struct proc *, uint64_t,
                                  size_t, uint64_t *);
static long procfs_read_regs_float(struct file *, struct proc_handle *, struct proc *, uint64_t,
                                   size_t, uint64_t *);
static long procfs_write_regs_float(struct file *, struct proc_handle *, struct proc *, uint64_t,
                                    size_t, uint64_t *);
static long procfs_read_mem(struct file *, struct proc_handle *, struct proc *, uint64_t, size_t,
                            uint64_t *);
static long procfs_write_mem(struct file *, struct proc_handle *, struct proc *, uint64_t, size_t,
                             uint64_t *);
static long procfs_read_trace(struct file *, struct proc_handle *, struct proc *, uint64_t, size_t,
                              uint64_t *);
static long procfs_write_trace(struct file *, struct proc_handle *, struct proc *, uint64_t, size_t,
                               uint64_t *);
static long procfs_read_sysfilter(struct file *, struct proc_handle *, struct proc *, uint64_t,
                                  size_t, uint64_t *);
static long procfs_write_sysfilter(struct file *, struct proc_handle *, struct proc *, uint64_t,
                                   size_t, uint64_t *);
static long procfs_read_siginfo(struct file *, struct proc_handle *, struct proc *, uint64_t,
                                size_t, uint64_t *);
static long procfs_read_regs_debug(struct file *, struct proc_handle *, struct proc *, uint64_t,
                                   size_t, uint64_t *);
static long procfs_read_fd(struct file *, struct proc_handle *, struct proc *, uint64_t, size_t,
                           uint64_t *);
static long procfs_write_regs_debug(struct file *, struct proc_handle *, struct proc *, uint64_t,
                                    size_t, uint64_t *);
static long procfs_write_siginfo(struct file *, struct proc_handle *, struct proc *, uint64_t,
                                 size_t, uint64_t *);

/* clang-format off */
static const struct procfs_row procfs_files[PK_COUNT] = {
	/* kind           name        dir     dtype   mode   flags                           size */
	[PK_ROOT]       = {"",          PK_ROOT, DT_DIR, 0555, PF_PUBLIC,                     0, 0, 0},
	[PK_PID]        = {"",          PK_ROOT, DT_DIR, 0555, PF_PUBLIC,                     0, 0, 0},
	[PK_STATUS]     = {"status",    PK_PID,  DT_REG, 0444, PF_PUBLIC,                     0,
	                   procfs_read_status, 0},
	[PK_CMDLINE]    = {"cmdline",   PK_PID,  DT_REG, 0444, PF_PROCESS,                           0,
	                   procfs_read_cmdline, 0},
	[PK_EXE]        = {"exe",       PK_PID,  DT_REG, 0444, PF_PROCESS,                           0,
	                   procfs_read_exe, 0},
	[PK_CWD]        = {"cwd",       PK_PID,  DT_REG, 0444, PF_PROCESS,                           0,
	                   procfs_read_cwd, 0},
	[PK_MAPS]       = {"maps",      PK_PID,  DT_REG, 0444, PF_PROCESS,                           0,
	                   procfs_read_maps, 0},
	[PK_REGS]       = {"regs",      PK_PID,  DT_DIR, 0555, PF_PUBLIC,                     0, 0, 0},
	[PK_REGS_INT]   = {"int",       PK_REGS, DT_REG, 0600, PF_WRITABLE | PF_THREAD,
	                   sizeof(struct user_regs), procfs_read_regs_int, procfs_write_regs_int},
	[PK_REGS_FLOAT] = {"float",     PK_REGS, DT_REG, 0600, PF_WRITABLE | PF_THREAD,
	                   sizeof(struct user_fpregs), procfs_read_regs_float, procfs_write_regs_float},
	[PK_REGS_DEBUG] = {"debug",     PK_REGS, DT_REG, 0600, PF_WRITABLE | PF_THREAD, 64,
	                   procfs_read_regs_debug, procfs_write_regs_debug},
	[PK_FD]         = {"fd",        PK_PID,  DT_DIR, 0500, PF_PROCESS,                           0, 0, 0},
	[PK_FD_ENTRY]   = {"",          PK_FD,   DT_REG, 0400, PF_PROCESS,                           0,
	                   procfs_read_fd, 0},
	[PK_MEM]        = {"mem",       PK_PID,  DT_REG, 0600, PF_WRITABLE | PF_BIND_MM | PF_PROCESS, 0,
	                   procfs_read_mem, procfs_write_mem},
	[PK_TRACE]      = {"trace",     PK_PID,  DT_REG, 0600, PF_WRITABLE | PF_OUTLIVES | PF_THREAD | PF_SESSION, 0,
	                   procfs_read_trace, procfs_write_trace},
	[PK_SYSFILTER]  = {"sysfilter", PK_PID,  DT_REG, 0600, PF_WRITABLE | PF_THREAD,
	                   PTRACE_SYSFILTER_BYTES, procfs_read_sysfilter, procfs_write_sysfilter},
	[PK_SIGINFO]    = {"siginfo",   PK_PID,  DT_REG, 0600, PF_WRITABLE | PF_THREAD, 128,
	                   procfs_read_siginfo, procfs_write_siginfo},
	[PK_TASK]       = {"task",      PK_PID,  DT_DIR, 0555, PF_PUBLIC | PF_PROCESS,        0, 0, 0},
};
/* clang-format on */

static bool procfs_is_dir(enum procfs_kind k) { return procfs_files[k].dtype == DT_DIR; }

/* The process a handle is bound to, or NULL (-ESRCH) if it is gone. */
static struct proc *procfs_target(const struct proc_handle *h)
{
	struct proc *p = h->proc;
	if (!p || p->state == P_UNUSED || p->serial != h->serial)
		return 0;
	bool gone = p->state == P_ZOMBIE &&
	            (p->tg->nthreads == 0 || !(procfs_files[h->kind].flags & PF_PROCESS));
	if (gone && !h->opened_zombie)
		return 0;
	if ((procfs_files[h->kind].flags & PF_BIND_MM) && p->tg->mm.gen != h->mm_gen)
		return 0;
	return p;
}

/* Parse a pid component: decimal, no sign, no leading zeros, < 2^31. */
static int procfs_parse_pid(const char *s, size_t len)
{
	if (len == 4 && memcmp(s, "self", 4) == 0)
		return proc_tgid(current);
	if (len == 0 || len > 10 || (s[0] == '0'))
		return -1;
	int64_t v = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v > 0x7fffffff ? -1 : (int)v;
}

static bool procfs_is_ancestor(struct proc *a, struct proc *p)
{
	for (struct proc *q = p->parent; q; q = q->parent)
		if (q == a)
			return true;
	return false;
}

/* The access rule for everything but PF_PUBLIC rows. */
static int procfs_may_access(struct proc *p)
{
	struct proc *me = current;
	if (p->tg == me->tg)
		return 0; /* its own process */
	if (me->euid == 0)
		return p->pid == 1 ? -EPERM : 0;
	/* Every id of the target must be the caller's (a target that gained
	 * privilege is never opened), and it must be a descendant. */
	if (proc_ids_all_callers(me, p) && procfs_is_ancestor(me->tg->leader, p))
		return 0;
	return -EPERM;
}

/* The row named by the len bytes at name inside directory dir. */
static int procfs_lookup(enum procfs_kind dir, const char *name, size_t len)
{
	for (int k = PK_PID + 1; k < PK_COUNT; k++)
		if (procfs_files[k].dir == dir && strlen(procfs_files[k].name) == len &&
		    memcmp(procfs_files[k].name, name, len) == 0)
			return k;
	return -ENOENT;
}

/* Parse "", "PID", "PID/FILE", "PID/DIR/FILE"... against the table. */
static int procfs_parse_path(const char *path, struct proc_handle *h)
{
	h->kind = PK_ROOT;
	if (!*path)
		return 0;
	const char *slash = strchr(path, '/');
	size_t len = slash ? (size_t)(slash - path) : strlen(path);
	h->pid = procfs_parse_pid(path, len);
	if (h->pid < 0)
		return -ENOENT;
	h->kind = PK_PID;
	while (slash && slash[1]) {
		if (!procfs_is_dir(h->kind))
			return -ENOTDIR;
		const char *name = slash + 1;
		slash = strchr(name, '/');
		len = slash ? (size_t)(slash - name) : strlen(name);
		if (h->kind == PK_FD) { /* fd/N */
			int fd = 0;
			for (size_t i = 0; i < len; i++) {
				if (name[i] < '0' || name[i] > '9' ||
				    (i == 0 && name[i] == '0' && len > 1))
					return -ENOENT;
				fd = fd * 10 + (name[i] - '0');
				if (fd >= NOFILE)
					return -ENOENT;
			}
			if (!len || (slash && slash[1]))
				return !len ? -ENOENT : -ENOTDIR;
			h->fd = fd;
			h->kind = PK_FD_ENTRY;
			continue;
		}
		if (h->kind == PK_TASK) { /* task/TID: that thread's directory */
			h->task_of = h->pid;
			h->pid = procfs_parse_pid(name, len);
			if (h->pid < 0 || (len == 4 && memcmp(name, "self", 4) == 0))
				return -ENOENT;
			h->kind = PK_PID;
			continue;
		}
		int k = procfs_lookup(h->kind, name, len);
		if (k < 0)
			return k;
		h->kind = (enum procfs_kind)k;
	}
	return 0;
}

static int procfs_open(struct file *f, const char *path, int flags, int mode)
{
	(void)mode;
	struct proc_handle h = {0};
	int err = procfs_parse_path(path, &h);
	if (err)
		return err;
	const struct procfs_row *row = &procfs_files[h.kind];
	int acc = flags & O_ACCMODE;
	if (procfs_is_dir(h.kind) && acc != O_RDONLY)
		return -EISDIR;
	if ((flags & O_DIRECTORY) && !procfs_is_dir(h.kind))
		return -ENOTDIR;
	struct proc *p = 0;
	if (h.kind != PK_ROOT) {
		p = proc_find(h.pid);
		if (!p || (h.task_of && proc_tgid(p) != h.task_of))
			return -ENOENT;
		if (row->flags & PF_PROCESS)
			p = p->tg->leader;
		h.proc = p;
		h.serial = p->serial;
		/* a first thread that exited is a zombie, its process maybe not */
		h.opened_zombie =
		    p->state == P_ZOMBIE && (p->tg->nthreads == 0 || !(row->flags & PF_PROCESS));
		h.mm_gen = p->tg->mm.gen;
	}
	if (flags & O_CREAT)
		return -EACCES;
	if (!(row->flags & PF_WRITABLE) && acc != O_RDONLY)
		return -EACCES;
	if ((row->flags & PF_SESSION) && acc != O_RDWR)
		return -EACCES; /* a session reads events and writes requests */
	if (!(row->flags & PF_PUBLIC)) {
		if (!p)
			return -ENOENT; /* only the root has no process, and it is public */
		if (h.kind == PK_TRACE && p == current)
			return -EINVAL;
		if (h.kind == PK_TRACE && p->tg == current->tg)
			return -EPERM; /* its own process, as Linux's ptrace */
		if (h.opened_zombie)
			return h.kind == PK_TRACE ? -ENOENT : -ESRCH;
		err = procfs_may_access(p);
		if (err)
			return err;
	}
	if (h.kind == PK_FD_ENTRY && !p->tg->files[h.fd])
		return -ENOENT;
	struct proc_handle *ph = kmalloc(sizeof *ph);
	if (!ph)
		return -ENOMEM;
	*ph = h;
	if (row->flags & PF_SESSION) {
		err = ptrace_attach(p, flags, &ph->session);
		if (err) {
			kfree(ph);
			return err;
		}
	}
	f->priv = ph;
	return 0;
}

static void procfs_close(struct file *f)
{
	struct proc_handle *h = f->priv;
	if (h->session)
		ptrace_close(h->session);
	kfree(h);
}

/* Run the row's handler for read or write: directories are EISDIR, the
 * process must still be there (but for PF_OUTLIVES reads). */
static long procfs_io_call(struct file *f, uint64_t ubuf, size_t n, uint64_t *off, bool write)
{
	struct proc_handle *h = f->priv;
	const struct procfs_row *row = &procfs_files[h->kind];
	if (procfs_is_dir(h->kind))
		return -EISDIR;
	procfs_io io = write ? row->write : row->read;
	struct proc *p = procfs_target(h);
	if (!p && (write || !(row->flags & PF_OUTLIVES)))
		return -ESRCH;
	if (!io)
		return write ? -EBADF : -EINVAL;
	return io(f, h, p, ubuf, n, off);
}

static long procfs_read(struct file *f, uint64_t ubuf, size_t n, uint64_t *off)
{
	return procfs_io_call(f, ubuf, n, off, false);
}

static long procfs_write(struct file *f, uint64_t ubuf, size_t n, uint64_t *off)
{
	return procfs_io_call(f, ubuf, n, off, true);
}

/* --- The rows' handlers ------------------------------------------------- */

static char procfs_state_letter(struct proc *p)
{
	switch (p->state) {
	case P_RUNNABLE: return 'R';
	case P_SLEEPING: return 'S';
	case P_STOPPED: return 'T';
	case P_ZOMBIE: return 'Z';
	default: return '?';
	}
}

static long procfs_read_status(struct file *f, struct proc_handle *h, struct proc *p, uint64_t ubuf,
                               size_t n, uint64_t *off)
{
	(void)h;
	char buf[256];
	int len = ksnprintf(
	    buf, sizeof buf,
	    "pid %d\nppid %d\nuid %u\ngid %u\nstate %c\nname %s\ntracer %d\nsyscall "
	    "%d\ntgid %d\nthreads %d\n",
	    p->pid, p->parent ? p->parent->pid : 0, p->uid, p->gid, procfs_state_letter(p), p->name,
	    ptrace_tracer_pid(p), p->syscall_nr, proc_tgid(p), p->tg->nthreads);
	return file_read_window(f, ubuf, n, off, buf, MIN((size_t)len, sizeof buf - 1));
}

static long procfs_read_cmdline(struct file *f, struct proc_handle *h, struct proc *p,
                                uint64_t ubuf, size_t n, uint64_t *off)
{
	(void)h;
	return file_read_window(f, ubuf, n, off, p->cmdline, p->cmdline ? p->cmdline_len : 0);
}

static long procfs_read_exe(struct file *f, struct proc_handle *h, struct proc *p, uint64_t ubuf,
                            size_t n, uint64_t *off)
{
	(void)h;
	return file_read_window(f, ubuf, n, off, p->exe, strlen(p->exe));
}

/* cwd: the process's working directory, an absolute path without a
 * newline (what Linux's /proc/PID/cwd link points to). */
static long procfs_read_cwd(struct file *f, struct proc_handle *h, struct proc *p, uint64_t ubuf,
                            size_t n, uint64_t *off)
{
	(void)h;
	const char *cwd = p->tg->cwd[0] ? p->tg->cwd : "/";
	return file_read_window(f, ubuf, n, off, cwd, strlen(cwd));
}

/* maps: one line per region, made as it is copied, so a table of any size
 * needs no buffer of its size. Reads at any offset see the same text. */
static long procfs_read_maps(struct file *f, struct proc_handle *h, struct proc *p, uint64_t ubuf,
                             size_t n, uint64_t *off)
{
	(void)h;
	uint64_t pos = 0, at = *off;
	size_t done = 0;
	for (int i = 0; i < p->tg->mm.nvmas && done < n; i++) {
		const struct vma *v = &p->tg->mm.vmas[i];
		char line[128];
		int len =
		    ksnprintf(line, sizeof line, "%08lx-%08lx %c%c%c%c 00000000%s%s\n", v->start,
		              v->end, (v->prot & PROT_READ) ? 'r' : '-',
		              (v->prot & PROT_WRITE) ? 'w' : '-', (v->prot & PROT_EXEC) ? 'x' : '-',
		              v->shared ? 's' : 'p', v->name[0] ? " " : "", v->name);
		size_t l = MIN((size_t)len, sizeof line - 1);
		if (at < pos + l) {
			size_t from = (size_t)(at - pos), cnt = MIN(l - from, n - done);
			if (file_copy_out(f, ubuf + done, line + from, cnt))
				return done ? (long)done : -EFAULT;
			done += cnt;
			at += cnt;
		}
		pos += l;
	}
	*off = at;
	return (long)done;
}

static long procfs_read_regs_int(struct file *f, struct proc_handle *h, struct proc *p,
                                 uint64_t ubuf, size_t n, uint64_t *off)
{
	(void)h;
	struct user_regs r;
	regs_get(p, &r);
	return file_read_window(f, ubuf, n, off, &r, sizeof r);
}

/* Register writes: the whole image at offset 0, by the tracer of a
 * stopped process, validated before anything changes. */
static int procfs_regs_write_ok(struct proc *p, size_t n, uint64_t off, size_t want)
{
	if (n != want || off != 0)
		return -EINVAL;
	return ptrace_may_write_regs(p);
}

static long procfs_write_regs_int(struct file *f, struct proc_handle *h, struct proc *p,
                                  uint64_t ubuf, size_t n, uint64_t *off)
{
	(void)h;
	struct user_regs r;
	int err = procfs_regs_write_ok(p, n, *off, sizeof r);
	if (err)
		return err;
	if (file_copy_in(f, &r, ubuf, sizeof r))
		return -EFAULT;
	err = regs_set(p, &r);
	return err ? err : (long)sizeof r;
}

static long procfs_read_regs_float(struct file *f, struct proc_handle *h, struct proc *p,
                                   uint64_t ubuf, size_t n, uint64_t *off)
{
	(void)h;
	if (p == current)
		arch_fpu_save(p->fpu);
	return file_read_window(f, ubuf, n, off, p->fpu, sizeof p->fpu);
}

static long procfs_write_regs_float(struct file *f, struct proc_handle *h, struct proc *p,
                                    uint64_t ubuf, size_t n, uint64_t *off)
{
	(void)h;
	struct user_fpregs r;
	int err = procfs_regs_write_ok(p, n, *off, sizeof r);
	if (err)
		return err;
	if (file_copy_in(f, &r, ubuf, sizeof r))
		return -EFAULT;
	err = regs_validate_fpu(&r);
	if (err)
		return err;
	memcpy(p->fpu, &r, sizeof r);
	if (p == current)
		arch_fpu_restore(p->fpu);
	return (long)sizeof r;
}

/* mem: move bytes between the tracee's pages and the caller's buffer, a
 * page at a time, through mm_kaddr (one copy, and the one checked way into
 * another address space). Stops at the first page the tracee has no user
 * access to; EIO if that is the first. Long transfers yield between pages,
 * and then check that the handle's process is still there. */
static long procfs_mem_transfer(struct file *f, struct proc_handle *h, uint64_t ubuf, size_t n,
                                uint64_t *off, bool write)
{
	uint64_t addr = *off;
	size_t done = 0;
	unsigned pages = 0;
	if (n > 0x7ffff000)
		n = 0x7ffff000;
	while (done < n) {
		struct proc *p = procfs_target(h);
		uint64_t va = addr + done;
		if (!p || va < addr)
			break;
		void *k = mm_kaddr(&p->tg->mm, va, write ? MM_FORCE : MM_READ);
		if (!k)
			break;
		size_t chunk = MIN(n - done, PAGE_SIZE - (va & (PAGE_SIZE - 1)));
		/* Every user frame belongs to this space alone (mm.c), so a write
		 * to read-only text already lands in the tracee's private copy. */
		int err = write ? file_copy_in(f, k, ubuf + done, chunk)
		                : file_copy_out(f, ubuf + done, k, chunk);
		if (err)
			return done ? (long)done : -EFAULT;
		done += chunk;
		if (++pages % 64 == 0)
			sched_cond_resched();
	}
	if (!done && n)
		return procfs_target(h) ? -EIO : -ESRCH;
	*off += done;
	return (long)done;
}

static long procfs_read_mem(struct file *f, struct proc_handle *h, struct proc *p, uint64_t ubuf,
                            size_t n, uint64_t *off)
{
	(void)p;
	return procfs_mem_transfer(f, h, ubuf, n, off, false);
}

static long procfs_write_mem(struct file *f, struct proc_handle *h, struct proc *p, uint64_t ubuf,
                             size_t n, uint64_t *off)
{
	if (!ptrace_is_tracer(p, current))
		return -EPERM;
	return procfs_mem_transfer(f, h, ubuf, n, off, true);
}

/* trace: drains the queue, then 0, even once the tracee is gone. */
static long procfs_read_trace(struct file *f, struct proc_handle *h, struct proc *p, uint64_t ubuf,
                              size_t n, uint64_t *off)
{
	(void)p, (void)off;
	return ptrace_read_events(h->session, f, ubuf, n);
}

static long procfs_write_trace(struct file *f, struct proc_handle *h, struct proc *p, uint64_t ubuf,
                               size_t n, uint64_t *off)
{
	(void)p, (void)off;
	uint64_t flags;
	if (n != 8)
		return -EINVAL;
	if (file_copy_in(f, &flags, ubuf, 8))
		return -EFAULT;
	return ptrace_write_flags(h->session, flags);
}

static long procfs_read_sysfilter(struct file *f, struct proc_handle *h, struct proc *p,
                                  uint64_t ubuf, size_t n, uint64_t *off)
{
	(void)h;
	uint8_t bits[PTRACE_SYSFILTER_BYTES];
	ptrace_sysfilter_get(p, bits);
	return file_read_window(f, ubuf, n, off, bits, sizeof bits);
}

static long procfs_write_sysfilter(struct file *f, struct proc_handle *h, struct proc *p,
                                   uint64_t ubuf, size_t n, uint64_t *off)
{
	(void)h;
	uint8_t bits[PTRACE_SYSFILTER_BYTES];
	if (n != sizeof bits || *off != 0)
		return -EINVAL;
	if (file_copy_in(f, bits, ubuf, sizeof bits))
		return -EFAULT;
	int err = ptrace_sysfilter_set(p, bits);
	return err ? err : (long)sizeof bits;
}

/* regs/debug: DR0-DR7 (struct user_debugregs), read like regs/int; a
 * write is validated whole (regs_validate_debug) and loaded when the
 * process next runs. */
static long procfs_read_regs_debug(struct file *f, struct proc_handle *h, struct proc *p,
                                   uint64_t ubuf, size_t n, uint64_t *off)
{
	(void)h;
	return file_read_window(f, ubuf, n, off, p->debugreg, sizeof p->debugreg);
}

static long procfs_write_regs_debug(struct file *f, struct proc_handle *h, struct proc *p,
                                    uint64_t ubuf, size_t n, uint64_t *off)
{
	(void)h;
	uint64_t dr[8];
	int err = procfs_regs_write_ok(p, n, *off, sizeof dr);
	if (err)
		return err;
	if (file_copy_in(f, dr, ubuf, sizeof dr))
		return -EFAULT;
	err = regs_validate_debug(dr);
	if (err)
		return err;
	memcpy(p->debugreg, dr, sizeof dr);
	return (long)sizeof dr;
}

/* fd/N: the name descriptor N was opened with (file_describe), as text
 * without a newline; ENOENT once it is closed. */
static long procfs_read_fd(struct file *f, struct proc_handle *h, struct proc *p, uint64_t ubuf,
                           size_t n, uint64_t *off)
{
	struct file *of = p->tg->files[h->fd];
	if (!of)
		return -ENOENT;
	char name[PATH_MAX_K + 32];
	size_t len = file_describe(of, name, sizeof name);
	return file_read_window(f, ubuf, n, off, name, len);
}

/* siginfo: the 128-byte siginfo_t of the current ptrace stop (EBUSY when
 * not stopped); the tracer may replace it at a SIGNAL stop to change the
 * signal acted on (signo 0 discards it). */
static long procfs_read_siginfo(struct file *f, struct proc_handle *h, struct proc *p,
                                uint64_t ubuf, size_t n, uint64_t *off)
{
	(void)h;
	struct ksiginfo k;
	int err = ptrace_siginfo_get(p, &k);
	if (err)
		return err;
	uint8_t bytes[128];
	signal_info_to_user(&k, bytes);
	return file_read_window(f, ubuf, n, off, bytes, sizeof bytes);
}

static long procfs_write_siginfo(struct file *f, struct proc_handle *h, struct proc *p,
                                 uint64_t ubuf, size_t n, uint64_t *off)
{
	(void)h;
	uint8_t bytes[128];
	if (n != sizeof bytes || *off != 0)
		return -EINVAL;
	if (file_copy_in(f, bytes, ubuf, sizeof bytes))
		return -EFAULT;
	struct ksiginfo k;
	signal_info_from_user(bytes, &k);
	int err = ptrace_siginfo_set(p, &k);
	return err ? err : (long)sizeof bytes;
}

/* --- Metadata, listings, poll, seek --------------------------------------- */

/* The stat of row kind of process p (NULL for the root), from the table. */
static void procfs_row_stat(enum procfs_kind kind, int pid, const struct proc *p, struct kstat *st)
{
	const struct procfs_row *row = &procfs_files[kind];
	memset(st, 0, sizeof *st);
	st->mode = (row->dtype == DT_DIR ? S_IFDIR : S_IFREG) | row->mode;
	st->ino = ((uint64_t)pid << 8) | kind;
	st->size = row->size;
	if (p) {
		st->uid = p->uid;
		st->gid = p->gid;
	}
}

static int procfs_stat(struct file *f, struct kstat *st)
{
	struct proc_handle *h = f->priv;
	struct proc *p = h->kind == PK_ROOT ? 0 : procfs_target(h);
	if (h->kind != PK_ROOT && !p)
		return -ESRCH;
	procfs_row_stat(h->kind, h->pid, p, st);
	return 0;
}

/* stat by name, for anyone and without opening: stat of trace never
 * attaches. Every file of a process in the table (zombies included, as
 * the listing shows them) can be looked at. */
static int procfs_stat_path(const char *path, struct kstat *st)
{
	struct proc_handle h = {0};
	int err = procfs_parse_path(path, &h);
	if (err)
		return err;
	struct proc *p = h.kind == PK_ROOT ? 0 : proc_find(h.pid);
	if ((h.kind != PK_ROOT && !p) || (h.kind == PK_FD_ENTRY && !p->tg->files[h.fd]))
		return -ENOENT;
	procfs_row_stat(h.kind, h.pid, p, st);
	return 0;
}

/* task/: the group's threads (proc_group_thread); *off is the next index. */
static long procfs_list_task(const struct proc *p, struct dirent_buf *d, uint64_t *off)
{
	for (uint64_t i = *off; i < NPROC; i++) {
		const struct proc *t = proc_group_thread(p->tg, (int)i);
		if (!t)
			continue;
		char name[16];
		ksnprintf(name, sizeof name, "%d", t->pid);
		if (!dirent_emit(d, ((uint64_t)t->pid << 8) | PK_PID, i + 1, DT_DIR, name))
			return dirent_done(d);
		*off = i + 1;
	}
	*off = NPROC;
	return dirent_done(d);
}

/* Listings: the root lists live pids; a directory the rows it holds. */
static long procfs_getdents(struct file *f, uint64_t ubuf, size_t n, uint64_t *off)
{
	struct proc_handle *h = f->priv;
	struct dirent_buf d = DIRENT_BUF(f, ubuf, n);
	if (h->kind == PK_ROOT) {
		for (int i = *off < NPROC ? (int)*off : NPROC; i < NPROC; i++) {
			struct proc *p = &proc_table[i];
			if (i == 0 || p->state == P_UNUSED || p->state == P_DEAD ||
			    !proc_is_leader(p))
				continue; /* thread group ids only */
			char name[16];
			ksnprintf(name, sizeof name, "%d", p->pid);
			uint64_t ino = ((uint64_t)p->pid << 8) | PK_PID; /* as its stat says */
			if (!dirent_emit(&d, ino, (uint64_t)i + 1, DT_DIR, name))
				return dirent_done(&d);
			*off = (uint64_t)i + 1;
		}
		*off = NPROC;
		return dirent_done(&d);
	}
	if (!procfs_is_dir(h->kind))
		return -ENOTDIR;
	if (!procfs_target(h))
		return -ESRCH;
	if (h->kind == PK_FD) { /* one entry per open descriptor, *off the next fd */
		struct proc *p = procfs_target(h);
		for (int fd = (int)MIN(*off, (uint64_t)NOFILE); fd < NOFILE; fd++) {
			if (!p->tg->files[fd])
				continue;
			char name[16];
			ksnprintf(name, sizeof name, "%d", fd);
			uint64_t ino = ((uint64_t)h->pid << 8) | PK_FD_ENTRY;
			if (!dirent_emit(&d, ino, (uint64_t)fd + 1, DT_REG, name))
				return dirent_done(&d);
			*off = (uint64_t)fd + 1;
		}
		*off = NOFILE;
		return dirent_done(&d);
	}
	if (h->kind == PK_TASK) /* the group's threads, the first one first */
		return procfs_list_task(procfs_target(h), &d, off);
	/* *off counts the entries of this directory already returned. */
	uint64_t seen = 0;
	for (int k = PK_PID + 1; k < PK_COUNT; k++) {
		if (procfs_files[k].dir != h->kind)
			continue;
		if (seen++ < *off)
			continue;
		uint64_t ino = ((uint64_t)h->pid << 8) | (uint64_t)k;
		if (!dirent_emit(&d, ino, seen, procfs_files[k].dtype, procfs_files[k].name))
			break;
		*off = seen;
	}
	return dirent_done(&d);
}

static int procfs_poll(struct file *f, int events)
{
	struct proc_handle *h = f->priv;
	(void)events;
	if (h->kind == PK_TRACE)
		return ptrace_poll(h->session);
	return procfs_target(h) ? (POLLIN | POLLOUT) : POLLERR;
}

/* mem takes any offset below 2^63 (an address); others are ordinary. */
static long procfs_seek(struct file *f, int64_t off, int whence)
{
	int64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? (int64_t)f->off : -1;
	if (whence == SEEK_END) {
		struct kstat st;
		if (procfs_stat(f, &st))
			return -ESRCH;
		base = (int64_t)st.size;
	}
	if (base < 0 || (off > 0 && base > INT64_MAX - off) || base + off < 0)
		return -EINVAL;
	f->off = (uint64_t)(base + off);
	return (long)f->off;
}

static const struct scheme_ops procfs_ops = {
    .open = procfs_open,
    .read = procfs_read,
    .write = procfs_write,
    .stat = procfs_stat,
    .stat_path = procfs_stat_path,
    .getdents = procfs_getdents,
    .poll = procfs_poll,
    .close = procfs_close,
    .seek = procfs_seek,
};

/* Register proc:. */
void proc_scheme_init(void) { scheme_register("proc", &procfs_ops); }
