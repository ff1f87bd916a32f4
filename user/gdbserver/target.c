/* gdbserver: the processes it debugs and their threads, through their
 * proc: files. Each thread has its own trace session and registers
 * (proc:TID/...); memory is the process's (proc:PID/mem). Software
 * breakpoints are int3 bytes planted there, kept per process (a fork child
 * inherits its parent's list with its memory, and loses it before it is
 * let go); hardware ones and watchpoints are kept per process too and
 * written into every thread's regs/debug. Starting (fork + exec held on a
 * pipe), attaching (every thread), killing and detaching. */
#include "gdbserver.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct proc *proc_find(pid_t pid)
{
	for (int i = 0; i < MAX_PROCS; i++)
		if (g.procs[i].used && g.procs[i].pid == pid)
			return &g.procs[i];
	return NULL;
}

struct proc *proc_new(pid_t pid)
{
	for (int i = 0; i < MAX_PROCS; i++) {
		struct proc *p = &g.procs[i];
		if (p->used)
			continue;
		memset(p, 0, sizeof *p);
		p->used = true;
		p->pid = pid;
		p->mem = -1;
		return p;
	}
	return NULL;
}

int proc_count(void)
{
	int n = 0;
	for (int i = 0; i < MAX_PROCS; i++)
		n += g.procs[i].used;
	return n;
}

int proc_open(pid_t pid, const char *file, int flags)
{
	char path[64];
	snprintf(path, sizeof path, "proc:%d/%s", (int)pid, file);
	return open(path, flags | O_CLOEXEC);
}

void open_mem(struct proc *p)
{
	if (p->mem >= 0)
		close(p->mem);
	p->mem = proc_open(p->pid, "mem", O_RDWR);
}

struct thread *thread_find(pid_t tid)
{
	for (int i = 0; i < MAX_THREADS; i++)
		if (g.threads[i].used && g.threads[i].tid == tid)
			return &g.threads[i];
	return NULL;
}

/* A slot for thread tid of p, its files not yet open; NULL when full. */
struct thread *thread_new(struct proc *p, pid_t tid)
{
	for (int i = 0; i < MAX_THREADS; i++) {
		struct thread *t = &g.threads[i];
		if (t->used)
			continue;
		memset(t, 0, sizeof *t);
		t->used = true;
		t->tid = tid;
		t->proc = p;
		t->seq = ++g.thread_seq;
		t->trace = t->regs = t->fpregs = t->debug = -1;
		return t;
	}
	return NULL;
}

/* Every thread, oldest first (the order GDB is told them in); returns the
 * count. */
int threads_in_order(struct thread **out)
{
	int n = 0;
	for (int i = 0; i < MAX_THREADS; i++) {
		struct thread *t = &g.threads[i];
		if (!t->used)
			continue;
		int j = n++;
		while (j > 0 && out[j - 1]->seq > t->seq) {
			out[j] = out[j - 1];
			j--;
		}
		out[j] = t;
	}
	return n;
}

/* p's oldest thread (its first, while that one lives). */
struct thread *thread_first(const struct proc *p)
{
	struct thread *best = NULL;
	for (int i = 0; i < MAX_THREADS; i++) {
		struct thread *t = &g.threads[i];
		if (t->used && t->proc == p && (!best || t->seq < best->seq))
			best = t;
	}
	return best;
}

int thread_count(const struct proc *p)
{
	int n = 0;
	for (int i = 0; i < MAX_THREADS; i++)
		n += g.threads[i].used && g.threads[i].proc == p;
	return n;
}

/* regs/int, regs/float and regs/debug of a thread whose trace is open (and
 * its process's mem, the first time). */
bool thread_open_files(struct thread *t)
{
	t->regs = proc_open(t->tid, "regs/int", O_RDWR);
	t->fpregs = proc_open(t->tid, "regs/float", O_RDWR);
	t->debug = proc_open(t->tid, "regs/debug", O_RDWR);
	if (t->proc->mem < 0)
		open_mem(t->proc);
	set_stop_reply(t, "T05");
	return t->regs >= 0 && t->proc->mem >= 0;
}

/* Close its handles: the session ends (a stopped thread resumes). */
void thread_close(struct thread *t)
{
	int *fds[] = {&t->regs, &t->fpregs, &t->debug, &t->trace};
	for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

/* The current thread, when it goes: another of its process, else any. */
static void pick_current(const struct proc *p)
{
	g.cur = NULL;
	struct thread *t = p ? thread_first(p) : NULL;
	for (int i = 0; i < MAX_THREADS && !t; i++)
		if (g.threads[i].used)
			t = &g.threads[i];
	g.cur = t;
}

/* Done with one thread (its process lives on): close, free the slot. */
void thread_forget(struct thread *t)
{
	thread_close(t);
	t->used = false;
	t->running = false;
	if (g.cont == t)
		g.cont = NULL;
	if (g.cur == t)
		pick_current(t->proc);
}

/* Done with a process: close its threads and mem, reap it if it is our
 * child, free the slots. */
void proc_forget(struct proc *p)
{
	int st;
	for (int i = 0; i < MAX_THREADS; i++)
		if (g.threads[i].used && g.threads[i].proc == p) {
			thread_close(&g.threads[i]);
			g.threads[i].used = false;
			if (g.cont == &g.threads[i])
				g.cont = NULL;
		}
	if (p->mem >= 0)
		close(p->mem);
	p->mem = -1;
	if (p->ours && waitpid(p->pid, &st, 0) == p->pid)
		p->exit_code = WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
	g.exit_code = p->exit_code;
	p->used = false;
	if (!g.cur || !g.cur->used)
		pick_current(NULL);
}

const char *thread_id(const struct thread *t)
{
	static char buf[2][40];
	static int which;
	char *s = buf[which ^= 1];
	if (g.multiprocess)
		snprintf(s, sizeof buf[0], "p%x.%x", (unsigned)t->proc->pid, (unsigned)t->tid);
	else
		snprintf(s, sizeof buf[0], "%x", (unsigned)t->tid);
	return s;
}

/* One hex number or -1; false on anything else. */
static bool parse_id(const char **s, long *v)
{
	uint64_t x;
	if ((*s)[0] == '-' && (*s)[1] == '1') {
		*s += 2;
		*v = -1;
		return true;
	}
	if (!parse_hex(s, &x) || x > 0x7fffffff)
		return false;
	*v = (long)x;
	return true;
}

/* pPID.TID, pPID (all its threads), TID; -1 all, 0 any. */
bool parse_thread_id(const char **s, long *pid, long *tid)
{
	if (**s == 'p') {
		++*s;
		if (!parse_id(s, pid))
			return false;
		*tid = -1;
		if (**s == '.') {
			++*s;
			return parse_id(s, tid);
		}
		return true;
	}
	if (!parse_id(s, tid))
		return false;
	*pid = *tid == 0 ? 0 : -1; /* a bare thread id: of any process */
	return true;
}

/* The thread a (pid, tid) pair names: tid -1 or 0 is any thread of pid
 * (the current one if it is of pid), pid -1 or 0 any process. */
struct thread *thread_named(long pid, long tid)
{
	if (tid > 0) {
		struct thread *t = thread_find((pid_t)tid);
		return t && (pid <= 0 || t->proc->pid == pid) ? t : NULL;
	}
	if (pid <= 0)
		return g.cur;
	struct proc *p = proc_find((pid_t)pid);
	if (!p)
		return NULL;
	return g.cur && g.cur->proc == p ? g.cur : thread_first(p);
}

void set_stop_reply(struct thread *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(t->stop_reply, sizeof t->stop_reply, fmt, ap);
	va_end(ap);
}

bool write_flags(struct thread *t, uint64_t flags)
{
	return write(t->trace, &flags, sizeof flags) == (ssize_t)sizeof flags;
}

/* --- registers ------------------------------------------------------------ */

bool read_regs(struct thread *t, struct user_regs *r)
{
	return pread(t->regs, r, sizeof *r, 0) == (ssize_t)sizeof *r;
}

bool write_regs(struct thread *t, const struct user_regs *r)
{
	return pwrite(t->regs, r, sizeof *r, 0) == (ssize_t)sizeof *r;
}

bool read_fpregs(struct thread *t, struct user_fpregs *f)
{
	return pread(t->fpregs, f, sizeof *f, 0) == (ssize_t)sizeof *f;
}

bool write_fpregs(struct thread *t, const struct user_fpregs *f)
{
	return pwrite(t->fpregs, f, sizeof *f, 0) == (ssize_t)sizeof *f;
}

/* --- memory and breakpoints ---------------------------------------------- */

/* Raw memory transfer; a handle made stale by an exec is reopened once.
 * Returns the bytes moved or -1. */
static ssize_t mem_xfer(struct proc *p, bool wr, uint64_t addr, void *buf, size_t len)
{
	if (addr >= USER_TOP)
		return -1;
	if (len > USER_TOP - addr)
		len = USER_TOP - addr;
	for (int tries = 0; tries < 2; tries++) {
		ssize_t n = wr ? pwrite(p->mem, buf, len, (off_t)addr)
		               : pread(p->mem, buf, len, (off_t)addr);
		if (n >= 0 || (errno != ESRCH && errno != EBADF))
			return n;
		open_mem(p);
	}
	return -1;
}

struct bp *bp_find(struct proc *p, uint64_t addr)
{
	for (int i = 0; i < MAX_BPS; i++)
		if (p->bps[i].used && p->bps[i].addr == addr)
			return &p->bps[i];
	return NULL;
}

bool bp_insert(struct proc *p, uint64_t addr)
{
	if (bp_find(p, addr))
		return true;
	for (int i = 0; i < MAX_BPS; i++) {
		struct bp *b = &p->bps[i];
		uint8_t cc = 0xcc;
		if (b->used)
			continue;
		if (mem_xfer(p, false, addr, &b->saved, 1) != 1 ||
		    mem_xfer(p, true, addr, &cc, 1) != 1)
			return false;
		b->addr = addr;
		b->used = true;
		return true;
	}
	return false;
}

bool bp_remove(struct proc *p, uint64_t addr)
{
	struct bp *b = bp_find(p, addr);
	if (!b)
		return true;
	b->used = false;
	return mem_xfer(p, true, addr, &b->saved, 1) == 1;
}

void bp_remove_all(struct proc *p)
{
	for (int i = 0; i < MAX_BPS; i++)
		if (p->bps[i].used)
			bp_remove(p, p->bps[i].addr);
}

/* After an exec the int3s went with the old image. */
void bp_forget_all(struct proc *p)
{
	for (int i = 0; i < MAX_BPS; i++)
		p->bps[i].used = false;
}

/* Memory as GDB should see it: planted int3s show the saved bytes. */
ssize_t mem_read(struct proc *p, uint64_t addr, uint8_t *buf, size_t len)
{
	ssize_t n = mem_xfer(p, false, addr, buf, len);
	for (int i = 0; n > 0 && i < MAX_BPS; i++) {
		struct bp *b = &p->bps[i];
		if (b->used && b->addr >= addr && b->addr < addr + (uint64_t)n)
			buf[b->addr - addr] = b->saved;
	}
	return n;
}

/* A write over a planted int3 updates the saved byte and keeps the int3. */
ssize_t mem_write(struct proc *p, uint64_t addr, const uint8_t *buf, size_t len)
{
	ssize_t n = mem_xfer(p, true, addr, (void *)buf, len);
	for (int i = 0; n > 0 && i < MAX_BPS; i++) {
		struct bp *b = &p->bps[i];
		uint8_t cc = 0xcc;
		if (b->used && b->addr >= addr && b->addr < addr + (uint64_t)n) {
			b->saved = buf[b->addr - addr];
			mem_xfer(p, true, b->addr, &cc, 1);
		}
	}
	return n;
}

/* --- hardware breakpoints and watchpoints: regs/debug -------------------- */

/* DR7's LEN field for a length of 1, 2, 4 or 8 bytes. */
static uint64_t dr7_len(unsigned len) { return len == 1 ? 0 : len == 2 ? 1 : len == 8 ? 2 : 3; }

/* The DR0-DR7 image for p->hw. */
static void hw_image(const struct proc *p, uint64_t dr[8])
{
	memset(dr, 0, 8 * sizeof dr[0]);
	for (int i = 0; i < HW_SLOTS; i++) {
		const struct hwslot *s = &p->hw[i];
		if (!s->used)
			continue;
		uint64_t rw = s->type == Z_HW ? 0 : s->type == Z_WRITE ? 1 : 3;
		dr[i] = s->addr;
		dr[7] |= 1ull << (2 * i);
		dr[7] |= (rw | (s->type == Z_HW ? 0 : dr7_len(s->len)) << 2) << (16 + 4 * i);
	}
}

/* Give one thread its process's debug registers (they are per thread: a
 * new thread starts with none). */
bool hw_load_thread(struct thread *t)
{
	uint64_t dr[8];
	hw_image(t->proc, dr);
	return t->debug >= 0 && pwrite(t->debug, dr, sizeof dr, 0) == (ssize_t)sizeof dr;
}

/* Write the whole image for p->hw into every thread of p (the kernel
 * validates it whole). False when the kernel refuses it; a thread that is
 * going away (ESRCH) does not count. */
static bool hw_load(struct proc *p)
{
	bool ok = true, any = false;
	for (int i = 0; i < MAX_THREADS; i++) {
		struct thread *t = &g.threads[i];
		if (!t->used || t->proc != p)
			continue;
		any = true;
		if (!hw_load_thread(t) && (t->debug < 0 || errno != ESRCH))
			ok = false;
	}
	return ok && any;
}

/* The largest aligned piece (8, 4, 2 or 1 bytes) that starts a region. */
static unsigned piece(uint64_t addr, uint64_t len)
{
	unsigned n = 8;
	while (n > 1 && (addr % n || len < n))
		n /= 2;
	return n;
}

/* Z1 (kind 1), Z2, Z4: as many registers as aligned pieces of the range
 * (as Linux's x86 code splits it); false, nothing changed, when they do
 * not fit in the free ones or the kernel refuses the image. */
bool hw_insert(struct proc *p, int type, uint64_t addr, uint64_t len)
{
	struct hwslot old[HW_SLOTS];
	if (len == 0 || len > 32 || addr >= USER_TOP || len > USER_TOP - addr ||
	    (type == Z_HW && len != 1))
		return false;
	memcpy(old, p->hw, sizeof old);
	for (uint64_t a = addr, left = len; left;) {
		unsigned n = type == Z_HW ? 1 : piece(a, left);
		int i = 0;
		while (i < HW_SLOTS && p->hw[i].used)
			i++;
		if (i == HW_SLOTS) {
			memcpy(p->hw, old, sizeof old);
			return false;
		}
		p->hw[i] = (struct hwslot){true, (uint8_t)type, (uint8_t)n, a, addr, len};
		a += n;
		left -= n;
	}
	if (!hw_load(p)) {
		memcpy(p->hw, old, sizeof old);
		hw_load(p);
		return false;
	}
	return true;
}

/* Removing what is not there is fine (as for z0). */
bool hw_remove(struct proc *p, int type, uint64_t addr, uint64_t len)
{
	bool found = false;
	for (int i = 0; i < HW_SLOTS; i++) {
		struct hwslot *s = &p->hw[i];
		if (s->used && s->type == type && s->zaddr == addr && s->zlen == len) {
			s->used = false;
			found = true;
		}
	}
	return !found || hw_load(p);
}

/* After an exec (the kernel cleared them) or before a detach. */
void hw_forget_all(struct proc *p) { memset(p->hw, 0, sizeof p->hw); }

/* The register a hit's DR6 bits B0-B3 name, or NULL. */
const struct hwslot *hw_hit(const struct proc *p, uint64_t dr6_bits)
{
	for (int i = 0; i < HW_SLOTS; i++)
		if ((dr6_bits >> i) & 1 && p->hw[i].used)
			return &p->hw[i];
	return NULL;
}

/* --- starting, attaching, ending ------------------------------------------ */

#define START_FLAGS                                                                                \
	(PTRACE_STOP_EXEC | PTRACE_STOP_BREAKPOINT | PTRACE_STOP_SIGNAL | PTRACE_STOP_EXIT)

/* Fork argv[0] held on a pipe, trace it, let it exec and stop at its entry.
 * NULL (with a reason in err) when it could not be started. */
struct thread *spawn(char **argv, char *err, size_t errlen)
{
	int p[2];
	struct ptrace_event e;
	char c = 'x';
	if (access(argv[0], X_OK) < 0) {
		snprintf(err, errlen, "%s: %s", argv[0], strerror(errno));
		return NULL;
	}
	if (pipe(p) < 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return NULL;
	}
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return NULL;
	}
	if (pid == 0) {
		close(p[1]);
		if (read(p[0], &c, 1) != 1)
			_exit(127);
		close(p[0]);
		close(g.dev);
		execv(argv[0], argv);
		fprintf(stderr, "gdbserver: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(p[0]);
	struct proc *pr = proc_new(pid);
	struct thread *t = pr ? thread_new(pr, pid) : NULL;
	if (!t) {
		if (pr)
			pr->used = false;
		close(p[1]);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		snprintf(err, errlen, "too many processes");
		return NULL;
	}
	pr->ours = true;
	t->trace = proc_open(pid, "trace", O_RDWR);
	bool ok = t->trace >= 0 && write_flags(t, START_FLAGS) && write(p[1], &c, 1) == 1;
	close(p[1]);
	if (!ok || read(t->trace, &e, sizeof e) != (ssize_t)sizeof e ||
	    e.cause != PTRACE_STOP_EXEC) {
		snprintf(err, errlen, "%s did not start", argv[0]);
		proc_forget(pr);
		return NULL;
	}
	t->stop = STOP_ENTRY;
	if (!thread_open_files(t)) {
		snprintf(err, errlen, "proc:%d files: %s", pid, strerror(errno));
		kill_proc(pr);
		return NULL;
	}
	g.cur = t;
	return t;
}

/* The ppid line of proc:PID/status, or -1. */
static pid_t parent_of(pid_t pid)
{
	char buf[512];
	int fd = proc_open(pid, "status", O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	const char *l = strstr(buf, "ppid ");
	return l ? (pid_t)atoi(l + 5) : -1;
}

/* The thread ids of pid, first thread first, from proc:PID/task/ (a
 * kernel without it: just pid). Returns the count. */
static int task_list(pid_t pid, pid_t *tids, int cap)
{
	char path[64];
	int n = 0;
	snprintf(path, sizeof path, "proc:%d/task", (int)pid);
	DIR *d = opendir(path);
	if (!d) {
		tids[0] = pid;
		return 1;
	}
	for (struct dirent *de; (de = readdir(d)) && n < cap;) {
		char *end;
		long tid = strtol(de->d_name, &end, 10);
		if (tid > 0 && !*end)
			tids[n++] = (pid_t)tid;
	}
	closedir(d);
	return n;
}

/* Stop thread tid of p (open its trace with O_TRUNC) and debug it; false
 * (errno set) if we cannot. */
static bool attach_thread(struct proc *p, pid_t tid)
{
	struct thread *t = thread_new(p, tid);
	if (!t) {
		errno = EAGAIN;
		return false;
	}
	t->trace = proc_open(tid, "trace", O_RDWR | O_TRUNC); /* returns once stopped */
	if (t->trace < 0 || !thread_open_files(t)) {
		int e = errno;
		thread_close(t);
		t->used = false;
		errno = e;
		return false;
	}
	t->stop = STOP_INTR;
	/* Linux's gdbserver reports an attach as a SIGTRAP stop. */
	set_stop_reply(t, "T05");
	return true;
}

/* Stop a running process, every thread of it, and debug it; NULL (errno
 * set) if we cannot. Threads made while we attach are found by listing the
 * task directory again until it has nothing new. */
struct thread *attach(pid_t pid)
{
	pid_t tids[MAX_THREADS];
	if (proc_find(pid) || pid == getpid()) {
		errno = EPERM;
		return NULL;
	}
	struct proc *p = proc_new(pid);
	if (!p) {
		errno = EAGAIN;
		return NULL;
	}
	if (!attach_thread(p, pid)) {
		int e = errno;
		proc_forget(p);
		errno = e;
		return NULL;
	}
	struct thread *first = thread_first(p);
	for (bool more = true; more;) {
		more = false;
		int n = task_list(pid, tids, MAX_THREADS);
		for (int i = 0; i < n; i++)
			if (!thread_find(tids[i]) && attach_thread(p, tids[i]))
				more = true;
	}
	p->ours = parent_of(pid) == getpid(); /* gdbserver --attach CHILD */
	g.cur = first;
	return first;
}

void kill_proc(struct proc *p)
{
	struct ptrace_event e;
	kill(p->pid, SIGKILL);
	for (int i = 0; i < MAX_THREADS; i++) {
		struct thread *t = &g.threads[i];
		if (!t->used || t->proc != p)
			continue;
		while (t->trace >= 0 && read(t->trace, &e, sizeof e) > 0) /* drain to the end */
			;
	}
	p->exit_code = 128 + SIGKILL;
	proc_forget(p);
}

/* Remove our int3s and debug registers and end every session: the process
 * runs on. Our own child is reaped when gdbserver is done
 * (server_done_if_idle). */
void detach_proc(struct proc *p)
{
	bp_remove_all(p);
	for (int i = 0; i < HW_SLOTS; i++)
		if (p->hw[i].used) {
			hw_forget_all(p);
			hw_load(p);
			break;
		}
	for (int i = 0; i < MAX_THREADS; i++)
		if (g.threads[i].used && g.threads[i].proc == p)
			thread_close(&g.threads[i]);
	if (p->ours && g.n_detached < MAX_PROCS)
		g.detached[g.n_detached++] = p->pid;
	p->ours = false;
	proc_forget(p);
}
