/* The proc: scheme, the tracing interface (docs/proc-scheme.md). A handle
 * names one kind of file of one process and is bound to that process by
 * its serial number (and, for mem, to its address space generation), so
 * it fails with ESRCH once the process exits or execs, even if the pid is
 * reused. Access is checked once, at open, against the opener's
 * credentials; stat by name (proc_stat_path) opens nothing, checks no
 * access and never attaches. Everything is computed at read time from the
 * live process; nothing is cached. */
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
#include "vm.h"

enum proc_file {
	PF_ROOT,
	PF_DIR,
	PF_REGS_DIR,
	PF_STATUS,
	PF_CMDLINE,
	PF_EXE,
	PF_MAPS,
	PF_REGS_INT,
	PF_REGS_FLOAT,
	PF_MEM,
	PF_TRACE,
	PF_SYSFILTER,
};

static const struct {
	const char *name;
	enum proc_file kind;
	uint8_t dtype;
} pid_files[] = {
    {"status", PF_STATUS, DT_REG}, {"cmdline", PF_CMDLINE, DT_REG},     {"exe", PF_EXE, DT_REG},
    {"maps", PF_MAPS, DT_REG},     {"regs", PF_REGS_DIR, DT_DIR},       {"mem", PF_MEM, DT_REG},
    {"trace", PF_TRACE, DT_REG},   {"sysfilter", PF_SYSFILTER, DT_REG},
};

struct proc_handle {
	enum proc_file kind;
	struct proc *proc; /* slots are never freed: safe to look at, check serial */
	int pid;
	uint64_t serial;
	uint64_t mm_gen;
	bool opened_zombie;
	struct ptrace_session *session;
};

/* The process a handle is bound to, or NULL (-ESRCH) if it is gone. */
static struct proc *target(const struct proc_handle *h)
{
	struct proc *p = h->proc;
	if (!p || p->state == P_UNUSED || p->serial != h->serial)
		return 0;
	if (p->state == P_ZOMBIE && !h->opened_zombie)
		return 0;
	if (h->kind == PF_MEM && p->mm.gen != h->mm_gen)
		return 0;
	return p;
}

/* Parse a pid component: decimal, no sign, no leading zeros, < 2^31. */
static int parse_pid(const char *s, size_t len)
{
	if (len == 4 && memcmp(s, "self", 4) == 0)
		return current->pid;
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

static bool is_ancestor(struct proc *a, struct proc *p)
{
	for (struct proc *q = p->parent; q; q = q->parent)
		if (q == a)
			return true;
	return false;
}

/* The access rule for everything but status and listings. */
static int may_access(struct proc *p)
{
	struct proc *me = current;
	if (p == me)
		return 0;
	if (me->euid == 0)
		return p->pid == 1 ? -EPERM : 0;
	if (me->euid == p->uid && me->egid == p->gid && is_ancestor(me, p))
		return 0;
	return -EPERM;
}

static int lookup_file(const char *name, size_t len, enum proc_file *kind)
{
	for (size_t i = 0; i < ARRAY_SIZE(pid_files); i++)
		if (strlen(pid_files[i].name) == len && memcmp(pid_files[i].name, name, len) == 0) {
			*kind = pid_files[i].kind;
			return 0;
		}
	return -ENOENT;
}

/* Parse "", "PID", "PID/FILE", "PID/regs/int|float". */
static int parse_path(const char *path, struct proc_handle *h)
{
	if (!*path) {
		h->kind = PF_ROOT;
		return 0;
	}
	const char *slash = strchr(path, '/');
	size_t len = slash ? (size_t)(slash - path) : strlen(path);
	h->pid = parse_pid(path, len);
	if (h->pid < 0)
		return -ENOENT;
	if (!slash || !slash[1]) {
		h->kind = PF_DIR;
		return 0;
	}
	const char *name = slash + 1;
	slash = strchr(name, '/');
	len = slash ? (size_t)(slash - name) : strlen(name);
	if (lookup_file(name, len, &h->kind))
		return -ENOENT;
	if (h->kind != PF_REGS_DIR)
		return slash && slash[1] ? -ENOTDIR : 0;
	if (!slash || !slash[1])
		return 0;
	name = slash + 1;
	if (strcmp(name, "int") == 0)
		h->kind = PF_REGS_INT;
	else if (strcmp(name, "float") == 0)
		h->kind = PF_REGS_FLOAT;
	else
		return -ENOENT;
	return 0;
}

static bool is_dir(enum proc_file k) { return k == PF_ROOT || k == PF_DIR || k == PF_REGS_DIR; }

static int proc_open(struct file *f, const char *path, int flags, int mode)
{
	(void)mode;
	struct proc_handle h = {0};
	int err = parse_path(path, &h);
	if (err)
		return err;
	int acc = flags & O_ACCMODE;
	if (is_dir(h.kind) && acc != O_RDONLY)
		return -EISDIR;
	if ((flags & O_DIRECTORY) && !is_dir(h.kind))
		return -ENOTDIR;
	if (flags & O_CREAT)
		return -EACCES;
	struct proc *p = 0;
	if (h.kind != PF_ROOT) {
		p = proc_find(h.pid);
		if (!p)
			return -ENOENT;
		h.proc = p;
		h.serial = p->serial;
		h.opened_zombie = p->state == P_ZOMBIE;
		h.mm_gen = p->mm.gen;
	}
	bool readonly_file =
	    h.kind == PF_STATUS || h.kind == PF_CMDLINE || h.kind == PF_EXE || h.kind == PF_MAPS;
	if (readonly_file && acc != O_RDONLY)
		return -EACCES;
	if (h.kind != PF_ROOT && h.kind != PF_DIR && h.kind != PF_REGS_DIR && h.kind != PF_STATUS) {
		if (h.opened_zombie && h.kind != PF_TRACE)
			return -ESRCH;
		if (h.kind == PF_TRACE && p == current)
			return -EINVAL;
		if (h.kind == PF_TRACE && h.opened_zombie)
			return -ENOENT;
		err = may_access(p);
		if (err)
			return err;
	}
	struct proc_handle *ph = kmalloc(sizeof *ph);
	if (!ph)
		return -ENOMEM;
	*ph = h;
	if (h.kind == PF_TRACE) {
		err = ptrace_attach(p, flags, &ph->session);
		if (err) {
			kfree(ph);
			return err;
		}
	}
	f->priv = ph;
	return 0;
}

static void proc_close(struct file *f)
{
	struct proc_handle *h = f->priv;
	if (h->session)
		ptrace_close(h->session);
	kfree(h);
}

static char state_letter(struct proc *p)
{
	switch (p->state) {
	case P_RUNNABLE: return 'R';
	case P_SLEEPING: return 'S';
	case P_STOPPED: return 'T';
	case P_ZOMBIE: return 'Z';
	default: return '?';
	}
}

static size_t format_status(struct proc *p, char *buf, size_t size)
{
	int n =
	    ksnprintf(buf, size,
	              "pid %d\nppid %d\nuid %u\ngid %u\nstate %c\nname %s\ntracer %d\nsyscall %d\n",
	              p->pid, p->parent ? p->parent->pid : 0, p->uid, p->gid, state_letter(p),
	              p->name, ptrace_tracer_pid(p), p->syscall_nr);
	return MIN((size_t)n, size - 1);
}

/* maps: one line per region, made as it is copied, so a table of any size
 * needs no buffer of its size. Reads at any offset see the same text. */
static long read_maps(struct file *f, struct proc *p, uint64_t ubuf, size_t n, uint64_t *off)
{
	uint64_t pos = 0, at = *off;
	size_t done = 0;
	for (int i = 0; i < p->mm.nvmas && done < n; i++) {
		const struct vma *v = &p->mm.vmas[i];
		char line[128];
		int len = ksnprintf(
		    line, sizeof line, "%08lx-%08lx %c%c%cp 00000000%s%s\n", v->start, v->end,
		    (v->prot & PROT_READ) ? 'r' : '-', (v->prot & PROT_WRITE) ? 'w' : '-',
		    (v->prot & PROT_EXEC) ? 'x' : '-', v->name[0] ? " " : "", v->name);
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

/* mem: move bytes between the tracee's pages and the caller's buffer, a
 * page at a time, through mm_kaddr (one copy, and the one checked way into
 * another address space). Stops at the first page the tracee has no user
 * access to; EIO if that is the first. Long transfers yield between pages,
 * and then check that the handle's process is still there. */
static long mem_transfer(struct file *f, struct proc_handle *h, uint64_t ubuf, size_t n,
                         uint64_t *off, bool write)
{
	uint64_t addr = *off;
	size_t done = 0;
	unsigned pages = 0;
	if (n > 0x7ffff000)
		n = 0x7ffff000;
	while (done < n) {
		struct proc *p = target(h);
		uint64_t va = addr + done;
		if (!p || va < addr)
			break;
		void *k = mm_kaddr(&p->mm, va, write ? MM_FORCE : MM_READ);
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
		return target(h) ? -EIO : -ESRCH;
	*off += done;
	return (long)done;
}

static long proc_read(struct file *f, uint64_t ubuf, size_t n, uint64_t *off)
{
	struct proc_handle *h = f->priv;
	if (is_dir(h->kind))
		return -EISDIR;
	if (h->kind == PF_TRACE) /* drains the queue, then 0, even once the tracee is gone */
		return ptrace_read_events(h->session, f, ubuf, n);
	struct proc *p = target(h);
	if (!p)
		return -ESRCH;
	switch (h->kind) {
	case PF_STATUS: {
		char buf[256];
		return file_read_window(f, ubuf, n, off, buf, format_status(p, buf, sizeof buf));
	}
	case PF_CMDLINE:
		return file_read_window(f, ubuf, n, off, p->cmdline,
		                        p->cmdline ? p->cmdline_len : 0);
	case PF_EXE: return file_read_window(f, ubuf, n, off, p->exe, strlen(p->exe));
	case PF_MAPS: return read_maps(f, p, ubuf, n, off);
	case PF_REGS_INT: {
		struct user_regs r;
		regs_get(p, &r);
		return file_read_window(f, ubuf, n, off, &r, sizeof r);
	}
	case PF_REGS_FLOAT:
		if (p == current)
			fpu_save(p->fpu);
		return file_read_window(f, ubuf, n, off, p->fpu, sizeof p->fpu);
	case PF_MEM: return mem_transfer(f, h, ubuf, n, off, false);
	case PF_SYSFILTER: {
		uint8_t bits[PTRACE_SYSFILTER_BYTES];
		ptrace_sysfilter_get(p, bits);
		return file_read_window(f, ubuf, n, off, bits, sizeof bits);
	}
	default: return -EINVAL;
	}
}

static long write_regs_int(struct file *f, struct proc *p, uint64_t ubuf)
{
	struct user_regs r;
	if (file_copy_in(f, &r, ubuf, sizeof r))
		return -EFAULT;
	int err = regs_set(p, &r);
	return err ? err : (long)sizeof r;
}

static long write_regs_float(struct file *f, struct proc *p, uint64_t ubuf)
{
	struct user_fpregs r;
	if (file_copy_in(f, &r, ubuf, sizeof r))
		return -EFAULT;
	int err = regs_validate_fpu(&r);
	if (err)
		return err;
	memcpy(p->fpu, &r, sizeof r);
	if (p == current)
		fpu_restore(p->fpu);
	return (long)sizeof r;
}

static long proc_write(struct file *f, uint64_t ubuf, size_t n, uint64_t *off)
{
	struct proc_handle *h = f->priv;
	if (is_dir(h->kind))
		return -EISDIR;
	struct proc *p = target(h);
	if (!p)
		return -ESRCH;
	switch (h->kind) {
	case PF_REGS_INT:
	case PF_REGS_FLOAT: {
		size_t want =
		    h->kind == PF_REGS_INT ? sizeof(struct user_regs) : sizeof(struct user_fpregs);
		if (n != want || *off != 0)
			return -EINVAL;
		int err = ptrace_may_write_regs(p);
		if (err)
			return err;
		return h->kind == PF_REGS_INT ? write_regs_int(f, p, ubuf)
		                              : write_regs_float(f, p, ubuf);
	}
	case PF_MEM:
		if (!ptrace_is_tracer(p, current))
			return -EPERM;
		return mem_transfer(f, h, ubuf, n, off, true);
	case PF_TRACE: {
		uint64_t flags;
		if (n != 8)
			return -EINVAL;
		if (file_copy_in(f, &flags, ubuf, 8))
			return -EFAULT;
		return ptrace_write_flags(h->session, flags);
	}
	case PF_SYSFILTER: {
		uint8_t bits[PTRACE_SYSFILTER_BYTES];
		if (n != sizeof bits || *off != 0)
			return -EINVAL;
		if (file_copy_in(f, bits, ubuf, sizeof bits))
			return -EFAULT;
		int err = ptrace_sysfilter_set(p, bits);
		return err ? err : (long)sizeof bits;
	}
	default: return -EBADF;
	}
}

/* The stat of file kind of process p (NULL for the root): read-only text
 * files are 0444 (status is readable by anyone; the access rules guard
 * opening the others), files that a tracer writes 0600. */
static void kind_stat(enum proc_file kind, int pid, const struct proc *p, struct kstat *st)
{
	memset(st, 0, sizeof *st);
	bool text = kind == PF_STATUS || kind == PF_CMDLINE || kind == PF_EXE || kind == PF_MAPS;
	st->mode = is_dir(kind) ? (S_IFDIR | 0555) : text ? (S_IFREG | 0444) : (S_IFREG | 0600);
	st->ino = ((uint64_t)pid << 8) | kind;
	if (p) {
		st->uid = p->uid;
		st->gid = p->gid;
	}
	if (kind == PF_REGS_INT)
		st->size = sizeof(struct user_regs);
	else if (kind == PF_REGS_FLOAT)
		st->size = sizeof(struct user_fpregs);
	else if (kind == PF_SYSFILTER)
		st->size = PTRACE_SYSFILTER_BYTES;
}

static int proc_stat(struct file *f, struct kstat *st)
{
	struct proc_handle *h = f->priv;
	struct proc *p = h->kind == PF_ROOT ? 0 : target(h);
	if (h->kind != PF_ROOT && !p)
		return -ESRCH;
	kind_stat(h->kind, h->pid, p, st);
	return 0;
}

/* stat by name, for anyone and without opening: stat of trace never
 * attaches. Every file of a process in the table (zombies included, as
 * the listing shows them) can be looked at. */
static int proc_stat_path(const char *path, struct kstat *st)
{
	struct proc_handle h = {0};
	int err = parse_path(path, &h);
	if (err)
		return err;
	struct proc *p = h.kind == PF_ROOT ? 0 : proc_find(h.pid);
	if (h.kind != PF_ROOT && !p)
		return -ENOENT;
	kind_stat(h.kind, h.pid, p, st);
	return 0;
}

/* Listings: the root lists live pids; a pid directory its files. */
static long proc_getdents(struct file *f, uint64_t ubuf, size_t n, uint64_t *off)
{
	struct proc_handle *h = f->priv;
	struct dirent_buf d = DIRENT_BUF(f, ubuf, n);
	if (h->kind == PF_ROOT) {
		for (int i = *off < NPROC ? (int)*off : NPROC; i < NPROC; i++) {
			struct proc *p = &proc_table[i];
			if (i == 0 || p->state == P_UNUSED)
				continue;
			char name[16];
			ksnprintf(name, sizeof name, "%d", p->pid);
			if (!dirent_emit(&d, (uint64_t)p->pid << 8, (uint64_t)i + 1, DT_DIR, name))
				return dirent_done(&d);
			*off = (uint64_t)i + 1;
		}
		*off = NPROC;
		return dirent_done(&d);
	}
	if (!is_dir(h->kind))
		return -ENOTDIR;
	if (!target(h))
		return -ESRCH;
	static const char *const regs_files[] = {"int", "float"};
	size_t count = h->kind == PF_DIR ? ARRAY_SIZE(pid_files) : 2;
	for (size_t i = MIN(*off, count); i < count; i++) {
		const char *name = h->kind == PF_DIR ? pid_files[i].name : regs_files[i];
		uint8_t type = h->kind == PF_DIR ? pid_files[i].dtype : DT_REG;
		if (!dirent_emit(&d, i + 1, i + 1, type, name))
			break;
		*off = i + 1;
	}
	return dirent_done(&d);
}

static int proc_poll(struct file *f, int events)
{
	struct proc_handle *h = f->priv;
	(void)events;
	if (h->kind == PF_TRACE)
		return ptrace_poll(h->session);
	return target(h) ? (POLLIN | POLLOUT) : POLLERR;
}

/* mem takes any offset below 2^63 (an address); others are ordinary. */
static long proc_seek(struct file *f, int64_t off, int whence)
{
	struct proc_handle *h = f->priv;
	int64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? (int64_t)f->off : -1;
	if (whence == SEEK_END) {
		struct kstat st;
		if (proc_stat(f, &st))
			return -ESRCH;
		base = (int64_t)st.size;
	}
	if (base < 0 || (off > 0 && base > INT64_MAX - off) || base + off < 0)
		return -EINVAL;
	(void)h;
	f->off = (uint64_t)(base + off);
	return (long)f->off;
}

static const struct scheme_ops proc_ops = {
    .open = proc_open,
    .read = proc_read,
    .write = proc_write,
    .stat = proc_stat,
    .stat_path = proc_stat_path,
    .getdents = proc_getdents,
    .poll = proc_poll,
    .close = proc_close,
    .seek = proc_seek,
};

/* Register proc:. */
void proc_scheme_init(void) { scheme_register("proc", &proc_ops); }
