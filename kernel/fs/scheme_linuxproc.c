/* The Linux /proc (scheme linuxproc, mounted at /proc), for unmodified
 * programs: ps, top, free, uptime, pidof, mount, df read it. It is made
 * from the same process table as proc: (the tracing interface) and is
 * read-only. Its files are rows of one table, as proc:'s are: a name, the
 * directory it is in, a type (file, directory or symlink), a mode, whether
 * reading it needs Linux's ptrace-read access to the process, and the
 * function that writes its text. A file's text is made whole when it is
 * opened and again whenever it is read from offset 0 (so a reader that
 * seeks back sees fresh numbers), from the live process; a handle is bound
 * to its process by serial number and reads fail ESRCH once it is gone.
 * Formats are Linux 6.1's (fs/proc/array.c, meminfo.c, stat.c, ...). */
#include "arch.h"
#include "errno.h"
#include "file.h"
#include "heap.h"
#include "lib.h"
#include "mm.h"
#include "pmm.h"
#include "proc.h"
#include "ptrace.h"
#include "schemes.h"
#include "time.h"
#include "vm.h"
#include <stdarg.h>

/* A growing text buffer; oom once an allocation failed. */
struct lp_text {
	char *s;
	size_t len, cap;
	bool oom;
};

/* Room for n more bytes and a NUL; false (and oom) if there is none. */
static bool lp_reserve(struct lp_text *t, size_t n)
{
	if (t->oom)
		return false;
	if (t->s && t->len + n < t->cap)
		return true;
	size_t cap = (t->cap ? t->cap * 2 : 1024) + n;
	char *s = kmalloc(cap);
	if (!s) {
		t->oom = true;
		return false;
	}
	if (t->s) {
		memcpy(s, t->s, t->len);
		kfree(t->s);
	}
	t->s = s;
	t->cap = cap;
	return true;
}

/* Format into the text: in place, and again once the room is there. */
__attribute__((format(printf, 2, 3))) static void lp_printf(struct lp_text *t, const char *fmt, ...)
{
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		int n = kvsnprintf(t->s ? t->s + t->len : 0, t->s ? t->cap - t->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0 || t->oom)
			return;
		if (t->s && t->len + (size_t)n < t->cap) {
			t->len += (size_t)n;
			return;
		}
		if (!lp_reserve(t, (size_t)n))
			return;
	}
}

/* Append n bytes as they are (cmdline, environ, a link target). */
static void lp_bytes(struct lp_text *t, const void *data, size_t n)
{
	if (!lp_reserve(t, n))
		return;
	memcpy(t->s + t->len, data, n);
	t->len += n;
}

/* --- The rows ------------------------------------------------------------ */

enum lp_kind {
	LP_ROOT,
	LP_SELF,
	LP_MEMINFO,
	LP_UPTIME,
	LP_LOADAVG,
	LP_STAT_ALL,
	LP_CPUINFO,
	LP_VERSION,
	LP_MOUNTS,
	LP_FILESYSTEMS,
	LP_SYS,
	LP_SYS_KERNEL,
	LP_PID_MAX,
	LP_PID, /* the rows below are per process */
	LP_STAT,
	LP_STATM,
	LP_STATUS,
	LP_CMDLINE,
	LP_COMM,
	LP_ENVIRON,
	LP_EXE,
	LP_CWD,
	LP_MAPS,
	LP_MOUNTS_PID,
	LP_LOGINUID,
	LP_SESSIONID,
	LP_FD,
	LP_FD_ENTRY, /* fd/N: one row for every N */
	LP_TASK,
	LP_TASK_ENTRY, /* task/TID: that thread's rows */
	LP_COUNT
};

#define LF_DIR 1
#define LF_LINK 2
#define LF_PRIVATE 4 /* needs ptrace-read access to the process (EACCES) */

struct lp_handle {
	enum lp_kind kind;
	int pid, fd;
	int task_of; /* named as task/TID of this pid: TID must be its thread */
	struct proc *proc;
	uint64_t serial;
	struct lp_text text;
};

typedef void (*lp_gen)(struct lp_text *t, struct proc *p, const struct lp_handle *h);

struct lp_row {
	const char *name;
	uint8_t dir, flags;
	uint16_t mode;
	lp_gen gen; /* the text of a file, or a link's target */
};

static void lp_meminfo(struct lp_text *, struct proc *, const struct lp_handle *);
static void lp_uptime(struct lp_text *, struct proc *, const struct lp_handle *);
static void lp_loadavg(struct lp_text *, struct proc *, const struct lp_handle *);
static void lp_stat_all(struct lp_text *, struct proc *, const struct lp_handle *);
static void lp_cpuinfo(struct lp_text *, struct proc *, const struct lp_handle *);
static void lp_version(struct lp_text *, struct proc *, const struct lp_handle *);
static void lp_mounts(struct lp_text *, struct proc *, const struct lp_handle *);
static void lp_filesystems(struct lp_text *, struct proc *, const struct lp_handle *);
static void lp_pid_max(struct lp_text *, struct proc *, const struct lp_handle *);
static void lp_self(struct lp_text *, struct proc *, const struct lp_handle *);
static void lp_stat(struct lp_text *, struct proc *, const struct lp_handle *);
static void lp_statm(struct lp_text *, struct proc *, const struct lp_handle *);
static void lp_status(struct lp_text *, struct proc *, const struct lp_handle *);
static void lp_cmdline(struct lp_text *, struct proc *, const struct lp_handle *);
static void lp_comm(struct lp_text *, struct proc *, const struct lp_handle *);
static void lp_environ(struct lp_text *, struct proc *, const struct lp_handle *);
static void lp_exe(struct lp_text *, struct proc *, const struct lp_handle *);
static void lp_cwd(struct lp_text *, struct proc *, const struct lp_handle *);
static void lp_maps(struct lp_text *, struct proc *, const struct lp_handle *);
static void lp_fd_target(struct lp_text *, struct proc *, const struct lp_handle *);
static void lp_unset_id(struct lp_text *, struct proc *, const struct lp_handle *);

/* clang-format off */
static const struct lp_row lp_rows[LP_COUNT] = {
	[LP_ROOT]        = {"",            LP_ROOT,       LF_DIR,  0555, 0},
	[LP_SELF]        = {"self",        LP_ROOT,       LF_LINK, 0777, lp_self},
	[LP_MEMINFO]     = {"meminfo",     LP_ROOT,       0,       0444, lp_meminfo},
	[LP_UPTIME]      = {"uptime",      LP_ROOT,       0,       0444, lp_uptime},
	[LP_LOADAVG]     = {"loadavg",     LP_ROOT,       0,       0444, lp_loadavg},
	[LP_STAT_ALL]    = {"stat",        LP_ROOT,       0,       0444, lp_stat_all},
	[LP_CPUINFO]     = {"cpuinfo",     LP_ROOT,       0,       0444, lp_cpuinfo},
	[LP_VERSION]     = {"version",     LP_ROOT,       0,       0444, lp_version},
	[LP_MOUNTS]      = {"mounts",      LP_ROOT,       0,       0444, lp_mounts},
	[LP_FILESYSTEMS] = {"filesystems", LP_ROOT,       0,       0444, lp_filesystems},
	[LP_SYS]         = {"sys",         LP_ROOT,       LF_DIR,  0555, 0},
	[LP_SYS_KERNEL]  = {"kernel",      LP_SYS,        LF_DIR,  0555, 0},
	[LP_PID_MAX]     = {"pid_max",     LP_SYS_KERNEL, 0,       0444, lp_pid_max},
	[LP_PID]         = {"",            LP_ROOT,       LF_DIR,  0555, 0},
	[LP_STAT]        = {"stat",        LP_PID,        0,       0444, lp_stat},
	[LP_STATM]       = {"statm",       LP_PID,        0,       0444, lp_statm},
	[LP_STATUS]      = {"status",      LP_PID,        0,       0444, lp_status},
	[LP_CMDLINE]     = {"cmdline",     LP_PID,        0,       0444, lp_cmdline},
	[LP_COMM]        = {"comm",        LP_PID,        0,       0644, lp_comm},
	[LP_ENVIRON]     = {"environ",     LP_PID,        LF_PRIVATE, 0400, lp_environ},
	[LP_EXE]         = {"exe",         LP_PID,        LF_LINK | LF_PRIVATE, 0777, lp_exe},
	[LP_CWD]         = {"cwd",         LP_PID,        LF_LINK | LF_PRIVATE, 0777, lp_cwd},
	[LP_MAPS]        = {"maps",        LP_PID,        LF_PRIVATE, 0444, lp_maps},
	[LP_MOUNTS_PID]  = {"mounts",      LP_PID,        0,       0444, lp_mounts},
	[LP_LOGINUID]    = {"loginuid",    LP_PID,        0,       0444, lp_unset_id},
	[LP_SESSIONID]   = {"sessionid",   LP_PID,        0,       0444, lp_unset_id},
	[LP_FD]          = {"fd",          LP_PID,        LF_DIR | LF_PRIVATE, 0500, 0},
	[LP_FD_ENTRY]    = {"",            LP_FD,         LF_LINK | LF_PRIVATE, 0700, lp_fd_target},
	[LP_TASK]        = {"task",        LP_PID,        LF_DIR,  0555, 0},
	[LP_TASK_ENTRY]  = {"",            LP_TASK,       LF_DIR,  0555, 0},
};
/* clang-format on */

/* What a task/TID/NAME row is: the same file of the process. */
static bool lp_per_process(enum lp_kind k) { return k >= LP_PID; }

/* --- Paths, access ------------------------------------------------------- */

/* A decimal number with no sign or leading zero, below limit; else -1. */
static int lp_number(const char *s, size_t len, int limit)
{
	if (len == 0 || len > 10 || (s[0] == '0' && len > 1))
		return -1;
	int64_t v = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v < limit ? (int)v : -1;
}

static int lp_lookup(enum lp_kind dir, const char *name, size_t len)
{
	for (int k = 1; k < LP_COUNT; k++)
		if (lp_rows[k].dir == dir && lp_rows[k].name[0] && strlen(lp_rows[k].name) == len &&
		    memcmp(lp_rows[k].name, name, len) == 0)
			return k;
	return -ENOENT;
}

/* Parse path into h (kind, pid, fd); *end is where the parse stopped when
 * it met a symlink that is not the last component (for walk_link), else
 * the end of path. Names are not checked against live processes here. */
static int lp_parse(const char *path, struct lp_handle *h, size_t *end)
{
	h->kind = LP_ROOT;
	h->pid = 0;
	const char *at = path;
	while (*at) {
		const char *slash = strchr(at, '/');
		size_t len = slash ? (size_t)(slash - at) : strlen(at);
		const struct lp_row *row = &lp_rows[h->kind];
		if (row->flags & LF_LINK) {
			*end = (size_t)(at - path) - 1; /* at the '/' after the link */
			return 1;
		}
		if (!(row->flags & LF_DIR))
			return -ENOTDIR;
		int n;
		if (h->kind == LP_ROOT && (n = lp_number(at, len, 0x7fffffff)) > 0) {
			h->pid = n;
			h->kind = LP_PID;
		} else if (h->kind == LP_FD && (n = lp_number(at, len, NOFILE)) >= 0) {
			h->fd = n;
			h->kind = LP_FD_ENTRY;
		} else if (h->kind == LP_TASK && (n = lp_number(at, len, 0x7fffffff)) > 0) {
			h->task_of = h->pid;
			h->pid = n;
			h->kind = LP_TASK_ENTRY;
		} else {
			enum lp_kind in = h->kind == LP_TASK_ENTRY ? LP_PID : h->kind;
			int k = lp_lookup(in, at, len);
			if (k < 0)
				return k;
			h->kind = (enum lp_kind)k;
		}
		at += len;
		while (*at == '/')
			at++;
	}
	*end = (size_t)(at - path);
	return 0;
}

/* The live process of a per-process handle (zombies too), or NULL. */
static struct proc *lp_target(const struct lp_handle *h)
{
	struct proc *p = h->proc;
	if (!p || p->state == P_UNUSED || p->serial != h->serial)
		return 0;
	return p;
}

/* Linux's PTRACE_MODE_READ_FSCREDS: root, or every id of the target is the
 * caller's (a process that changed ids is private): proc:'s id rule,
 * without its descendants-only rule, which is for tracing. */
static bool lp_may_read(const struct proc *p)
{
	const struct proc *me = current;
	return me->tg == p->tg || me->euid == 0 || proc_ids_all_callers(me, p);
}

/* Resolve path to a handle on a live process (for per-process rows),
 * checking the row's access rule. */
static int lp_resolve(const char *path, struct lp_handle *h)
{
	size_t end;
	int r = lp_parse(path, h, &end);
	if (r)
		return r > 0 ? -ENOENT : r; /* a link on the way: file_resolve walks it first */
	if (lp_per_process(h->kind)) {
		struct proc *p = proc_find(h->pid);
		if (!p || p->state == P_DEAD || (h->task_of && proc_tgid(p) != h->task_of))
			return -ENOENT;
		h->proc = p;
		h->serial = p->serial;
		if ((lp_rows[h->kind].flags & LF_PRIVATE) && !lp_may_read(p))
			return -EACCES;
		if (h->kind == LP_FD_ENTRY && !p->tg->files[h->fd])
			return -ENOENT;
	}
	return 0;
}

/* --- Process facts, shared by stat, statm and status --------------------- */

static char lp_state(const struct proc *p)
{
	switch (p->state) {
	case P_RUNNABLE: return 'R';
	case P_SLEEPING: return 'S';
	case P_STOPPED: return p->trace_stopped ? 't' : 'T';
	case P_ZOMBIE: return 'Z';
	default: return 'X';
	}
}

static const char *lp_state_name(char c)
{
	switch (c) {
	case 'R': return "R (running)";
	case 'S': return "S (sleeping)";
	case 'T': return "T (stopped)";
	case 't': return "t (tracing stop)";
	case 'Z': return "Z (zombie)";
	default: return "X (dead)";
	}
}

struct lp_mem {
	uint64_t vsize, rss_pages, text_pages, data_pages, stack_pages;
	uint64_t start_code, end_code, start_stack;
};

static void lp_count_pte(uint64_t va, uint64_t *pte, void *arg)
{
	(void)va, (void)pte;
	(*(uint64_t *)arg)++;
}

static struct lp_mem lp_mem_of(const struct proc *p)
{
	struct lp_mem m = {0};
	if (p->state == P_ZOMBIE)
		return m;
	for (int i = 0; i < p->tg->mm.nvmas; i++) {
		const struct vma *v = &p->tg->mm.vmas[i];
		uint64_t pages = (v->end - v->start) / PAGE_SIZE;
		m.vsize += v->end - v->start;
		if (v->prot & PROT_EXEC) {
			m.text_pages += pages;
			if (!m.start_code) {
				m.start_code = v->start;
				m.end_code = v->end;
			}
		} else if (strcmp(v->name, "[stack]") == 0) {
			m.stack_pages += pages;
			m.start_stack = v->end;
		} else if (v->prot & PROT_WRITE) {
			m.data_pages += pages;
		}
	}
	if (p->tg->mm.space && p->tg->mm.nvmas) /* resident: the pages really there */
		vm_each_pte(p->tg->mm.space, p->tg->mm.vmas[0].start,
		            p->tg->mm.vmas[p->tg->mm.nvmas - 1].end, lp_count_pte, &m.rss_pages);
	return m;
}

/* Signals by disposition: ignored (SIG_IGN) and caught (a handler). */
static void lp_sig_dispositions(const struct proc *p, uint64_t *ign, uint64_t *cgt)
{
	*ign = *cgt = 0;
	for (int s = 1; s < NSIG; s++) {
		uint64_t h = p->tg->sigactions[s].handler;
		if (h == SIG_IGN)
			*ign |= SIGBIT(s);
		else if (h != SIG_DFL)
			*cgt |= SIGBIT(s);
	}
}

#define LP_TTY_NR 1024 /* the console: major 4, minor 0 (its st_rdev) */

/* --- The files ------------------------------------------------------------ */

static void lp_self(struct lp_text *t, struct proc *p, const struct lp_handle *h)
{
	(void)p, (void)h;
	lp_printf(t, "%d", current->pid);
}

static void lp_stat(struct lp_text *t, struct proc *p, const struct lp_handle *h)
{
	(void)h;
	struct lp_mem m = lp_mem_of(p);
	uint64_t ign, cgt;
	lp_sig_dispositions(p, &ign, &cgt);
	char st = lp_state(p);
	const struct mm *mm = &p->tg->mm;
	lp_printf(t, "%d (%s) %c %d %d %d %d %d %u ", p->pid, p->name, st,
	          p->parent ? p->parent->pid : 0, p->tg->pgid, p->tg->sid, LP_TTY_NR,
	          console_fg_pgrp(), 0x400000u /* PF_RANDOMIZE-free: just "user" */);
	lp_printf(t, "0 0 0 0 %lu 0 0 0 20 0 %d 0 %lu %lu %lu %lu ", (unsigned long)p->cpu_ticks,
	          p->tg->nthreads, (unsigned long)(p->start_ns / 10000000), (unsigned long)m.vsize,
	          (unsigned long)m.rss_pages, (unsigned long)p->tg->rlim[5].cur /* RLIMIT_RSS */);
	lp_printf(t, "%lu %lu %lu 0 0 %lu %lu %lu %lu 0 0 0 17 0 0 0 0 0 0 ",
	          (unsigned long)m.start_code, (unsigned long)m.end_code,
	          (unsigned long)m.start_stack, (unsigned long)(p->sig_pending & 0x7fffffff),
	          (unsigned long)(p->sig_blocked & 0x7fffffff), (unsigned long)(ign & 0x7fffffff),
	          (unsigned long)(cgt & 0x7fffffff));
	lp_printf(t, "0 0 %lu %lu %lu %lu %lu %d\n", (unsigned long)mm->brk_start,
	          (unsigned long)mm->arg_start, (unsigned long)mm->arg_end,
	          (unsigned long)mm->env_start, (unsigned long)mm->env_end,
	          p->state == P_ZOMBIE ? p->exit_status : 0);
}

static void lp_statm(struct lp_text *t, struct proc *p, const struct lp_handle *h)
{
	(void)h;
	struct lp_mem m = lp_mem_of(p);
	lp_printf(t, "%lu %lu 0 %lu 0 %lu 0\n", (unsigned long)(m.vsize / PAGE_SIZE),
	          (unsigned long)m.rss_pages, (unsigned long)m.text_pages,
	          (unsigned long)(m.data_pages + m.stack_pages));
}

static void lp_status(struct lp_text *t, struct proc *p, const struct lp_handle *h)
{
	(void)h;
	struct lp_mem m = lp_mem_of(p);
	uint64_t ign, cgt;
	lp_sig_dispositions(p, &ign, &cgt);
	int ppid = p->parent ? p->parent->pid : 0;
	lp_printf(t, "Name:\t%s\nUmask:\t%04o\nState:\t%s\nTgid:\t%d\nNgid:\t0\nPid:\t%d\n",
	          p->name, p->tg->umask, lp_state_name(lp_state(p)), proc_tgid(p), p->pid);
	lp_printf(t, "PPid:\t%d\nTracerPid:\t%d\n", ppid, ptrace_tracer_pid(p));
	lp_printf(t, "Uid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\nFDSize:\t%d\nGroups:\t", p->uid,
	          p->euid, p->suid, p->euid, p->gid, p->egid, p->sgid, p->egid, NOFILE);
	for (int i = 0; i < p->ngroups; i++)
		lp_printf(t, "%u ", p->groups[i]);
	lp_printf(t, "\nNStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\n", proc_tgid(p), p->pid,
	          p->tg->pgid, p->tg->sid);
	if (p->state != P_ZOMBIE) {
		unsigned long kb = PAGE_SIZE / 1024;
		lp_printf(t,
		          "VmPeak:\t%8lu kB\nVmSize:\t%8lu kB\nVmLck:\t       0 kB\nVmPin:\t       "
		          "0 kB\n",
		          (unsigned long)(m.vsize / 1024), (unsigned long)(m.vsize / 1024));
		lp_printf(t, "VmHWM:\t%8lu kB\nVmRSS:\t%8lu kB\n", (unsigned long)m.rss_pages * kb,
		          (unsigned long)m.rss_pages * kb);
		lp_printf(
		    t, "VmData:\t%8lu kB\nVmStk:\t%8lu kB\nVmExe:\t%8lu kB\nVmLib:\t       0 kB\n",
		    (unsigned long)m.data_pages * kb, (unsigned long)m.stack_pages * kb,
		    (unsigned long)m.text_pages * kb);
		lp_printf(t, "VmPTE:\t       0 kB\nVmSwap:\t       0 kB\n");
	}
	lp_printf(t, "Threads:\t%d\nSigQ:\t0/%lu\nSigPnd:\t%016lx\nShdPnd:\t%016lx\n",
	          p->tg->nthreads, (unsigned long)p->tg->rlim[11].cur /* RLIMIT_SIGPENDING */,
	          (unsigned long)p->sig_pending, (unsigned long)p->tg->sig_pending);
	lp_printf(t, "SigBlk:\t%016lx\nSigIgn:\t%016lx\nSigCgt:\t%016lx\n",
	          (unsigned long)p->sig_blocked, (unsigned long)ign, (unsigned long)cgt);
	uint64_t caps = p->euid == 0 ? 0x1ffffffffffULL : 0;
	lp_printf(t, "CapInh:\t%016lx\nCapPrm:\t%016lx\nCapEff:\t%016lx\nCapBnd:\t%016lx\n", 0UL,
	          (unsigned long)caps, (unsigned long)caps, 0x1ffffffffffUL);
	lp_printf(t, "CapAmb:\t%016lx\nNoNewPrivs:\t0\nSeccomp:\t0\n", 0UL);
	lp_printf(t, "voluntary_ctxt_switches:\t0\nnonvoluntary_ctxt_switches:\t0\n");
}

static void lp_cmdline(struct lp_text *t, struct proc *p, const struct lp_handle *h)
{
	(void)h;
	if (p->state != P_ZOMBIE && p->cmdline)
		lp_bytes(t, p->cmdline, p->cmdline_len);
}

static void lp_comm(struct lp_text *t, struct proc *p, const struct lp_handle *h)
{
	(void)h;
	lp_printf(t, "%s\n", p->name);
}

/* environ: the strings exec put on the stack, read through the checked
 * path (mm_kaddr, as proc:PID/mem); what the process wrote over them since
 * shows, as on Linux. A page it unmapped ends the text. */
static void lp_environ(struct lp_text *t, struct proc *p, const struct lp_handle *h)
{
	(void)h;
	if (p->state == P_ZOMBIE)
		return;
	for (uint64_t va = p->tg->mm.env_start; va < p->tg->mm.env_end;) {
		const char *k = mm_kaddr(&p->tg->mm, va, MM_READ);
		if (!k)
			return;
		size_t n = MIN(p->tg->mm.env_end - va, PAGE_SIZE - (va & (PAGE_SIZE - 1)));
		lp_bytes(t, k, n);
		va += n;
	}
}

static void lp_exe(struct lp_text *t, struct proc *p, const struct lp_handle *h)
{
	(void)h;
	lp_printf(t, "%s", p->exe);
}

static void lp_cwd(struct lp_text *t, struct proc *p, const struct lp_handle *h)
{
	(void)h;
	lp_printf(t, "%s", p->tg->cwd[0] ? p->tg->cwd : "/");
}

/* maps: Linux's layout, the name padded to column 73. */
static void lp_maps(struct lp_text *t, struct proc *p, const struct lp_handle *h)
{
	(void)h;
	if (p->state == P_ZOMBIE)
		return;
	for (int i = 0; i < p->tg->mm.nvmas; i++) {
		const struct vma *v = &p->tg->mm.vmas[i];
		char line[80];
		int n = ksnprintf(line, sizeof line, "%08lx-%08lx %c%c%c%c 00000000 00:00 0 ",
		                  v->start, v->end, (v->prot & PROT_READ) ? 'r' : '-',
		                  (v->prot & PROT_WRITE) ? 'w' : '-',
		                  (v->prot & PROT_EXEC) ? 'x' : '-', v->shared ? 's' : 'p');
		if (!v->name[0]) {
			line[n - 1] = 0;
			lp_printf(t, "%s\n", line);
		} else {
			lp_printf(t, "%-73s%s\n", line, v->name);
		}
	}
}

static void lp_fd_target(struct lp_text *t, struct proc *p, const struct lp_handle *h)
{
	struct file *f = p->tg->files[h->fd];
	if (!f)
		return;
	char name[PATH_MAX_K + 32];
	size_t len = file_describe(f, name, sizeof name);
	lp_bytes(t, name, len);
}

/* loginuid, sessionid: Procyon has no login sessions (audit), so both are
 * Linux's "unset" (uint32 -1): glibc's getlogin then fails as on Linux. */
static void lp_unset_id(struct lp_text *t, struct proc *p, const struct lp_handle *h)
{
	(void)p, (void)h;
	lp_printf(t, "4294967295");
}

static void lp_meminfo(struct lp_text *t, struct proc *p, const struct lp_handle *h)
{
	(void)p, (void)h;
	unsigned long total = pmm_total_count() * (PAGE_SIZE / 1024);
	unsigned long free = pmm_free_count() * (PAGE_SIZE / 1024);
	static const char *const zero[] = {
	    "Buffers:",   "Cached:",   "SwapCached:",   "Active:",    "Inactive:",
	    "SwapTotal:", "SwapFree:", "Dirty:",        "Writeback:", "Mapped:",
	    "Shmem:",     "Slab:",     "SReclaimable:", "SUnreclaim:"};
	lp_printf(t, "MemTotal:       %8lu kB\nMemFree:        %8lu kB\nMemAvailable:   %8lu kB\n",
	          total, free, free);
	for (size_t i = 0; i < ARRAY_SIZE(zero); i++)
		lp_printf(t, "%-16s%8lu kB\n", zero[i], 0UL);
}

static void lp_uptime(struct lp_text *t, struct proc *p, const struct lp_handle *h)
{
	(void)p, (void)h;
	uint64_t cs = clock_ns() / 10000000, idle = sched_idle_ticks; /* hundredths: ticks */
	lp_printf(t, "%lu.%02lu %lu.%02lu\n", (unsigned long)(cs / 100), (unsigned long)(cs % 100),
	          (unsigned long)(idle / 100), (unsigned long)(idle % 100));
}

static void lp_loadavg(struct lp_text *t, struct proc *p, const struct lp_handle *h)
{
	(void)p, (void)h;
	int running = 0, last = 0;
	for (int i = 1; i < proc_slots_top; i++) {
		const struct proc *q = &proc_table[i];
		if (q->state == P_RUNNABLE)
			running++;
		if (q->state != P_UNUSED && q->pid > last)
			last = q->pid;
	}
	lp_printf(t, "0.00 0.00 0.00 %d/%d %d\n", running, proc_count(), last);
}

static void lp_stat_all(struct lp_text *t, struct proc *p, const struct lp_handle *h)
{
	(void)p, (void)h;
	uint64_t busy = 0;
	int running = 0;
	for (int i = 1; i < proc_slots_top; i++) {
		busy += proc_table[i].cpu_ticks;
		running += proc_table[i].state == P_RUNNABLE;
	}
	unsigned long b = (unsigned long)busy, idle = (unsigned long)sched_idle_ticks;
	for (int cpu = -1; cpu < 1; cpu++)
		lp_printf(t,
		          cpu < 0 ? "cpu  %lu 0 0 %lu 0 0 0 0 0 0\n"
		                  : "cpu0 %lu 0 0 %lu 0 0 0 0 0 0\n",
		          b, idle);
	lp_printf(t, "intr 0\nctxt 0\nbtime %lu\nprocesses %d\nprocs_running %d\nprocs_blocked 0\n",
	          (unsigned long)(time_realtime_ns() / 1000000000 - clock_ns() / 1000000000),
	          proc_count(), running);
	lp_printf(t, "softirq 0 0 0 0 0 0 0 0 0 0 0\n");
}

static void lp_cpuinfo(struct lp_text *t, struct proc *p, const struct lp_handle *h)
{
	(void)p, (void)h;
	char vendor[13], model[49];
	arch_cpu_names(vendor, model);
	lp_printf(t, "processor\t: 0\nvendor_id\t: %s\nmodel name\t: %s\n", vendor, model);
	lp_printf(t, "cpu cores\t: 1\nsiblings\t: 1\n\n");
}

static void lp_version(struct lp_text *t, struct proc *p, const struct lp_handle *h)
{
	(void)p, (void)h;
	lp_printf(t, "Procyon version %s (procyon@procyon) (gcc) #1 SMP PREEMPT\n",
	          PROCYON_RELEASE);
}

/* The mounts, as Linux's mounts file: device, directory, type, options. */
static void lp_mounts(struct lp_text *t, struct proc *p, const struct lp_handle *h)
{
	(void)p, (void)h;
	lp_printf(t, "initfs / initfs ro 0 0\ntmp /tmp tmpfs rw,nosuid,nodev 0 0\n"
	             "proc /proc proc ro,nosuid,nodev,noexec 0 0\n");
}

static void lp_filesystems(struct lp_text *t, struct proc *p, const struct lp_handle *h)
{
	(void)p, (void)h;
	lp_printf(t, "nodev\tproc\nnodev\ttmpfs\n\tinitfs\n");
}

static void lp_pid_max(struct lp_text *t, struct proc *p, const struct lp_handle *h)
{
	(void)p, (void)h;
	lp_printf(t, "%d\n", proc_pid_max);
}

/* --- Scheme operations ------------------------------------------------------ */

/* Make h's text afresh; -ESRCH if its process is gone. */
static int lp_generate(struct lp_handle *h)
{
	const struct lp_row *row = &lp_rows[h->kind];
	struct proc *p = lp_per_process(h->kind) ? lp_target(h) : 0;
	if (lp_per_process(h->kind) && !p)
		return -ESRCH;
	kfree(h->text.s);
	h->text = (struct lp_text){0};
	if (row->gen)
		row->gen(&h->text, p, h);
	return h->text.oom ? -ENOMEM : 0;
}

static int lp_open(struct file *f, const char *path, int flags, int mode)
{
	(void)mode;
	if (flags & O_CREAT)
		return -EACCES;
	struct lp_handle h = {0};
	int err = lp_resolve(path, &h);
	if (err)
		return err;
	const struct lp_row *row = &lp_rows[h.kind];
	if ((row->flags & LF_DIR) && (flags & O_ACCMODE) != O_RDONLY)
		return -EISDIR;
	if ((flags & O_DIRECTORY) && !(row->flags & LF_DIR))
		return -ENOTDIR;
	if ((flags & O_ACCMODE) != O_RDONLY)
		return -EACCES; /* read-only: even comm, which Linux lets the owner write */
	struct lp_handle *ph = kzalloc(sizeof *ph);
	if (!ph)
		return -ENOMEM;
	*ph = h;
	if (!(row->flags & LF_DIR) && (err = lp_generate(ph))) {
		kfree(ph->text.s);
		kfree(ph);
		return err;
	}
	f->priv = ph;
	return 0;
}

static void lp_close(struct file *f)
{
	struct lp_handle *h = f->priv;
	kfree(h->text.s);
	kfree(h);
}

static long lp_read(struct file *f, uint64_t ubuf, size_t n, uint64_t *off)
{
	struct lp_handle *h = f->priv;
	if (lp_rows[h->kind].flags & LF_DIR)
		return -EISDIR;
	if (*off == 0) {
		int err = lp_generate(h);
		if (err)
			return err;
	}
	return file_read_window(f, ubuf, n, off, h->text.s, h->text.len);
}

static void lp_row_stat(const struct lp_handle *h, const struct proc *p, struct kstat *st)
{
	const struct lp_row *row = &lp_rows[h->kind];
	memset(st, 0, sizeof *st);
	st->mode = ((row->flags & LF_DIR)    ? S_IFDIR
	            : (row->flags & LF_LINK) ? S_IFLNK
	                                     : S_IFREG) |
	           row->mode;
	st->ino = ((uint64_t)h->pid << 16) | ((uint64_t)h->kind << 10) | (uint64_t)h->fd;
	st->nlink = (row->flags & LF_DIR) ? 2 : 1;
	st->rofs = true;
	st->no_storage = true;
	if (p && h->kind == LP_FD_ENTRY && p->tg->files[h->fd]) { /* its open mode, as Linux */
		int acc = p->tg->files[h->fd]->flags & O_ACCMODE;
		st->mode = S_IFLNK | (acc != O_WRONLY ? 0500 : 0) | (acc != O_RDONLY ? 0300 : 0);
		st->size = 64;
	}
	if (p) { /* Linux: the process's effective ids */
		st->uid = p->euid;
		st->gid = p->egid;
		uint64_t t = time_realtime_ns() - clock_ns() + p->start_ns;
		st->atime_ns = st->mtime_ns = st->ctime_ns = t;
	}
}

static int lp_fstat(struct file *f, struct kstat *st)
{
	struct lp_handle *h = f->priv;
	struct proc *p = lp_per_process(h->kind) ? lp_target(h) : 0;
	if (lp_per_process(h->kind) && !p)
		return -ESRCH;
	lp_row_stat(h, p, st);
	st->size = h->text.len;
	return 0;
}

/* stat by name: no access check (Linux lets anyone stat), no text made. */
static int lp_stat_path(const char *path, struct kstat *st)
{
	struct lp_handle h = {0};
	size_t end;
	int r = lp_parse(path, &h, &end);
	if (r)
		return r > 0 ? -ENOENT : r;
	struct proc *p = lp_per_process(h.kind) ? proc_find(h.pid) : 0;
	if (lp_per_process(h.kind) && (!p || (h.kind == LP_FD_ENTRY && !p->tg->files[h.fd])))
		return -ENOENT;
	lp_row_stat(&h, p, st);
	return 0;
}

/* Symlinks: self, exe, cwd and fd/N. A link on the way (or at the end,
 * with follow) gives its target; exe, cwd and fd/N need access. */
static int lp_walk_link(const char *path, bool follow, char *target, size_t size, size_t *consumed)
{
	struct lp_handle h = {0};
	size_t end;
	int r = lp_parse(path, &h, &end);
	if (r < 0)
		return r == -ENOTDIR ? r : 0;
	if (!(lp_rows[h.kind].flags & LF_LINK) || (r == 0 && !follow))
		return 0;
	struct proc *p = 0;
	if (lp_per_process(h.kind)) {
		p = proc_find(h.pid);
		if (!p || (h.kind == LP_FD_ENTRY && !p->tg->files[h.fd]))
			return 0; /* the open that follows says ENOENT */
		if (!lp_may_read(p))
			return -EACCES;
	}
	struct lp_text t = {0};
	lp_rows[h.kind].gen(&t, p, &h);
	if (t.oom || t.len >= size) {
		kfree(t.s);
		return t.oom ? -ENOMEM : -ENAMETOOLONG;
	}
	memcpy(target, t.s, t.len);
	target[t.len] = 0;
	kfree(t.s);
	*consumed = end;
	return 1;
}

static long lp_readlink(const char *path, char *buf, size_t size)
{
	struct lp_handle h = {0};
	int err = lp_resolve(path, &h);
	if (err)
		return err;
	if (!(lp_rows[h.kind].flags & LF_LINK))
		return -EINVAL;
	struct lp_text t = {0};
	lp_rows[h.kind].gen(&t, lp_per_process(h.kind) ? h.proc : 0, &h);
	if (t.oom) {
		kfree(t.s);
		return -ENOMEM;
	}
	size_t n = MIN(t.len, size);
	memcpy(buf, t.s, n);
	kfree(t.s);
	return (long)n;
}

/* Listings: the root's files and one directory per process; a process
 * directory its rows; fd/ its descriptors; task/ its threads, the first
 * one first. */
static long lp_getdents(struct file *f, uint64_t ubuf, size_t n, uint64_t *off)
{
	struct lp_handle *h = f->priv;
	struct dirent_buf d = DIRENT_BUF(f, ubuf, n);
	enum lp_kind dir = h->kind == LP_TASK_ENTRY ? LP_PID : h->kind;
	if (!(lp_rows[dir].flags & LF_DIR))
		return -ENOTDIR;
	struct proc *p = lp_per_process(dir) ? lp_target(h) : 0;
	if (lp_per_process(dir) && !p)
		return -ESRCH;
	/* *off: rows first (1..LP_COUNT), then processes or fds (1000 + i). */
	uint64_t at = *off;
	for (int k = (int)MIN(at, (uint64_t)LP_COUNT); k < LP_COUNT; k++) {
		const struct lp_row *row = &lp_rows[k];
		if (row->dir != dir || !row->name[0])
			continue;
		uint8_t type = (row->flags & LF_DIR)    ? DT_DIR
		               : (row->flags & LF_LINK) ? DT_LNK
		                                        : DT_REG;
		struct lp_handle e = {.kind = (enum lp_kind)k, .pid = h->pid};
		struct kstat st;
		lp_row_stat(&e, 0, &st);
		if (!dirent_emit(&d, st.ino, (uint64_t)k + 1, type, row->name))
			return dirent_done(&d);
		*off = at = (uint64_t)k + 1;
	}
	at = MAX(at, 1000);
	int limit = dir == LP_ROOT ? NPROC : dir == LP_FD ? NOFILE : dir == LP_TASK ? NPROC : 0;
	for (int i = (int)(at - 1000); i < limit; i++) {
		char name[16];
		struct lp_handle e = {.pid = h->pid};
		uint8_t type = DT_DIR;
		if (dir == LP_ROOT) {
			const struct proc *q = &proc_table[i];
			if (i == 0 || q->state == P_UNUSED || q->state == P_DEAD ||
			    !proc_is_leader(q))
				continue; /* processes only, as Linux lists them */
			e.pid = q->pid;
			e.kind = LP_PID;
		} else if (dir == LP_FD) {
			if (!p->tg->files[i])
				continue;
			e.fd = i;
			e.kind = LP_FD_ENTRY;
			type = DT_LNK;
		} else { /* task/: the group's threads */
			const struct proc *q = proc_group_thread(p->tg, i);
			if (!q)
				continue;
			e.pid = q->pid;
			e.kind = LP_TASK_ENTRY;
		}
		ksnprintf(name, sizeof name, "%d", dir == LP_FD ? i : e.pid);
		struct kstat st;
		lp_row_stat(&e, 0, &st);
		if (!dirent_emit(&d, st.ino, 1000 + (uint64_t)i + 1, type, name))
			return dirent_done(&d);
		*off = 1000 + (uint64_t)i + 1;
	}
	*off = 1000 + (uint64_t)limit;
	return dirent_done(&d);
}

static int lp_poll(struct file *f, int events)
{
	(void)f, (void)events;
	return POLLIN;
}

static const struct scheme_ops lp_ops = {
    .open = lp_open,
    .read = lp_read,
    .stat = lp_fstat,
    .stat_path = lp_stat_path,
    .getdents = lp_getdents,
    .poll = lp_poll,
    .close = lp_close,
    .walk_link = lp_walk_link,
    .readlink = lp_readlink,
};

/* Register linuxproc: (mounted at /proc by scheme.c). */
void linuxproc_scheme_init(void) { scheme_register("linuxproc", &lp_ops); }
