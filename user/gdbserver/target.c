/* gdbserver: the processes it debugs, through their proc: files. Memory is
 * proc:PID/mem; software breakpoints are int3 bytes planted there, kept per
 * process (a fork child inherits its parent's list with its memory, and
 * loses it before it is let go). Starting (fork + exec held on a pipe),
 * attaching, killing and detaching. */
#include "gdbserver.h"
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
		p->trace = p->regs = p->fpregs = p->mem = p->debug = -1;
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

/* regs/int, regs/float and mem of a process whose trace is open. */
bool proc_open_files(struct proc *p)
{
	p->regs = proc_open(p->pid, "regs/int", O_RDWR);
	p->fpregs = proc_open(p->pid, "regs/float", O_RDWR);
	p->debug = proc_open(p->pid, "regs/debug", O_RDWR);
	open_mem(p);
	set_stop_reply(p, "T05");
	return p->regs >= 0 && p->mem >= 0;
}

/* Close its handles: the session ends (a stopped process resumes). */
void proc_close(struct proc *p)
{
	int *fds[] = {&p->mem, &p->regs, &p->fpregs, &p->debug, &p->trace};
	for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

/* Done with it: close, reap it if it is our child, free the slot. */
void proc_forget(struct proc *p)
{
	int st;
	proc_close(p);
	if (p->ours && waitpid(p->pid, &st, 0) == p->pid)
		p->exit_code = WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
	g.exit_code = p->exit_code;
	if (g.cur == p)
		g.cur = NULL;
	p->used = false;
	for (int i = 0; i < MAX_PROCS && !g.cur; i++)
		if (g.procs[i].used)
			g.cur = &g.procs[i];
}

const char *thread_id(const struct proc *p)
{
	static char buf[2][40];
	static int which;
	char *s = buf[which ^= 1];
	if (g.multiprocess)
		snprintf(s, sizeof buf[0], "p%x.%x", (unsigned)p->pid, (unsigned)p->pid);
	else
		snprintf(s, sizeof buf[0], "%x", (unsigned)p->pid);
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
	*pid = *tid == -1 ? -1 : *tid == 0 ? 0 : *tid; /* tid = pid: one thread each */
	return true;
}

void set_stop_reply(struct proc *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->stop_reply, sizeof p->stop_reply, fmt, ap);
	va_end(ap);
}

bool write_flags(struct proc *p, uint64_t flags)
{
	return write(p->trace, &flags, sizeof flags) == (ssize_t)sizeof flags;
}

/* --- registers ------------------------------------------------------------ */

bool read_regs(struct proc *p, struct user_regs *r)
{
	return pread(p->regs, r, sizeof *r, 0) == (ssize_t)sizeof *r;
}

bool write_regs(struct proc *p, const struct user_regs *r)
{
	return pwrite(p->regs, r, sizeof *r, 0) == (ssize_t)sizeof *r;
}

bool read_fpregs(struct proc *p, struct user_fpregs *f)
{
	return pread(p->fpregs, f, sizeof *f, 0) == (ssize_t)sizeof *f;
}

bool write_fpregs(struct proc *p, const struct user_fpregs *f)
{
	return pwrite(p->fpregs, f, sizeof *f, 0) == (ssize_t)sizeof *f;
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

/* Write the whole image for p->hw (the kernel validates it whole). */
static bool hw_load(struct proc *p)
{
	uint64_t dr[8] = {0};
	for (int i = 0; i < HW_SLOTS; i++) {
		const struct hwslot *s = &p->hw[i];
		if (!s->used)
			continue;
		uint64_t rw = s->type == Z_HW ? 0 : s->type == Z_WRITE ? 1 : 3;
		dr[i] = s->addr;
		dr[7] |= 1ull << (2 * i);
		dr[7] |= (rw | (s->type == Z_HW ? 0 : dr7_len(s->len)) << 2) << (16 + 4 * i);
	}
	return p->debug >= 0 && pwrite(p->debug, dr, sizeof dr, 0) == (ssize_t)sizeof dr;
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
struct proc *spawn(char **argv, char *err, size_t errlen)
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
	struct proc *t = proc_new(pid);
	if (!t) {
		close(p[1]);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		snprintf(err, errlen, "too many processes");
		return NULL;
	}
	t->ours = true;
	t->trace = proc_open(pid, "trace", O_RDWR);
	bool ok = t->trace >= 0 && write_flags(t, START_FLAGS) && write(p[1], &c, 1) == 1;
	close(p[1]);
	if (!ok || read(t->trace, &e, sizeof e) != (ssize_t)sizeof e ||
	    e.cause != PTRACE_STOP_EXEC) {
		snprintf(err, errlen, "%s did not start", argv[0]);
		proc_forget(t);
		return NULL;
	}
	t->stop = STOP_ENTRY;
	if (!proc_open_files(t)) {
		snprintf(err, errlen, "proc:%d files: %s", pid, strerror(errno));
		kill_proc(t);
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

/* Stop a running process and debug it; NULL (errno set) if we cannot. */
struct proc *attach(pid_t pid)
{
	if (proc_find(pid) || pid == getpid()) {
		errno = EPERM;
		return NULL;
	}
	struct proc *t = proc_new(pid);
	if (!t) {
		errno = EAGAIN;
		return NULL;
	}
	t->trace = proc_open(pid, "trace", O_RDWR | O_TRUNC); /* returns once stopped */
	if (t->trace < 0 || !proc_open_files(t)) {
		int e = errno;
		proc_close(t);
		t->used = false;
		errno = e;
		return NULL;
	}
	t->stop = STOP_INTR;
	/* Linux's gdbserver reports an attach as a SIGTRAP stop. */
	set_stop_reply(t, "T05");
	t->ours = parent_of(pid) == getpid(); /* gdbserver --attach CHILD */
	g.cur = t;
	return t;
}

void kill_proc(struct proc *p)
{
	struct ptrace_event e;
	kill(p->pid, SIGKILL);
	while (p->trace >= 0 && read(p->trace, &e, sizeof e) > 0) /* drain to the session's end */
		;
	p->exit_code = 128 + SIGKILL;
	proc_forget(p);
}

/* Remove our int3s and end the session: the process runs on. Our own child
 * is reaped when gdbserver is done (server_done_if_idle). */
void detach_proc(struct proc *p)
{
	bp_remove_all(p);
	for (int i = 0; i < HW_SLOTS; i++)
		if (p->hw[i].used) {
			hw_forget_all(p);
			hw_load(p);
			break;
		}
	proc_close(p);
	if (p->ours && g.n_detached < MAX_PROCS)
		g.detached[g.n_detached++] = p->pid;
	p->ours = false;
	proc_forget(p);
}
