/* Process lifetime: the table, creation by fork/clone, exit, and the first
 * process. A process's kernel stack is KSTACK_SIZE bytes; its top holds the
 * trapframe, and a new process's first context sits right below it so that
 * its first switch lands in proc_trampoline and leaves through trap_exit.
 * Zombies keep their slot (and kernel stack) until the parent reaps them. */
#include "proc.h"
#include "cmdline.h"
#include "errno.h"
#include "exec.h"
#include "heap.h"
#include "kernel.h"
#include "lib.h"
#include "mm.h"
#include "pmm.h"
#include "ptrace.h"
#include "regs.h"
#include "trap.h"
#include "uaccess.h"

struct proc proc_table[NPROC];
struct tgroup tgroup_table[NPROC]; /* [0] is the idle process's */
static int next_pid = 1;
static uint64_t next_serial = 1;
uint8_t proc_default_fpu[512] __attribute__((aligned(16)));

void proc_trampoline(void);

/* The saved user registers of p: the top of its kernel stack. */
struct trapframe *proc_frame(struct proc *p)
{
	return (struct trapframe *)(p->kstack + KSTACK_SIZE) - 1;
}

/* The thread with this id (zombies included), or NULL. */
struct proc *proc_find(int pid)
{
	if (pid <= 0)
		return 0;
	for (int i = 1; i < proc_slots_top; i++)
		if (proc_table[i].state != P_UNUSED && proc_table[i].state != P_DEAD &&
		    proc_table[i].pid == pid)
			return &proc_table[i];
	return 0;
}

/* The live thread of g after t in table order (t NULL: the first one),
 * or NULL: for (t = 0; (t = proc_next_thread(g, t));) visits each once. */
struct proc *proc_next_thread(const struct tgroup *g, struct proc *t)
{
	for (t = t ? t + 1 : &proc_table[1]; t < &proc_table[proc_slots_top]; t++)
		if (t->tg == g && proc_alive(t))
			return t;
	return 0;
}

/* The threads of g in listing order (proc:PID/task/, /proc/PID/task/):
 * i = 0 is the first thread (even a zombie, while the process lives), then
 * slot i's thread if it is another live one of g, else NULL. Slot 0 is the
 * idle process's, never a thread of a user process, so every slot is
 * named once. */
struct proc *proc_group_thread(const struct tgroup *g, int i)
{
	if (i == 0)
		return g->leader;
	struct proc *t = &proc_table[i];
	return t != g->leader && t->tg == g && proc_alive(t) ? t : 0;
}

/* Number of slots in use, the idle process excluded. */
int proc_count(void)
{
	int n = 0;
	for (int i = 1; i < proc_slots_top; i++)
		n += proc_table[i].state != P_UNUSED && proc_table[i].state != P_DEAD;
	return n;
}

int proc_slots_top = 1;
int proc_pid_max = PID_MAX_DEFAULT; /* pids wrap to 2 here (sys:pid_max) */

/* The next free pid, wrapping at proc_pid_max. There are fewer processes
 * than pids (NPROC < PID_MAX_MIN), so the search ends. */
static int proc_alloc_pid(void)
{
	for (;;) {
		if (next_pid >= proc_pid_max)
			next_pid = 2;
		int pid = next_pid++;
		if (!proc_find(pid))
			return pid;
	}
}

/* Whether every id of p (real, effective and saved uid and gid) is me's
 * effective one: the rule proc: and /proc share for looking into p. */
bool proc_ids_all_callers(const struct proc *me, const struct proc *p)
{
	return me->euid == p->uid && me->euid == p->euid && me->euid == p->suid &&
	       me->egid == p->gid && me->egid == p->egid && me->egid == p->sgid;
}

/* A fresh slot with a kernel stack and a first context; not yet runnable. */
struct proc *proc_alloc(void)
{
	struct proc *p = 0;
	for (int i = 1; i < NPROC && !p; i++)
		if (proc_table[i].state == P_UNUSED)
			p = &proc_table[i];
	if (!p)
		return 0;
	if (p - proc_table + 1 > proc_slots_top)
		proc_slots_top = (int)(p - proc_table) + 1;
	uint8_t *kstack = kmalloc(KSTACK_SIZE);
	if (!kstack)
		return 0;
	memset(p, 0, sizeof *p);
	p->kstack = kstack;
	p->pid = proc_alloc_pid();
	p->serial = next_serial++;
	p->start_ns = clock_ns();
	p->state = P_SLEEPING; /* on no queue until sched_ready */
	p->syscall_nr = -1;
	memcpy(p->fpu, proc_default_fpu, sizeof p->fpu);
	struct context *ctx = (struct context *)proc_frame(p) - 1;
	memset(ctx, 0, sizeof *ctx);
	ctx->rip = (uint64_t)proc_trampoline;
	p->ctx = ctx;
	return p;
}

/* Linux's usual limits for the first process (everyone inherits them):
 * unlimited but an 8 MiB soft stack, no core files, and the descriptor
 * table's size for RLIMIT_NOFILE. */
void proc_init_limits(struct proc *p)
{
	for (int r = 0; r < PROC_RLIMITS; r++)
		p->tg->rlim[r].cur = p->tg->rlim[r].max = RLIM_INFINITY;
	p->tg->rlim[RLIMIT_STACK].cur = 8 << 20;
	p->tg->rlim[RLIMIT_CORE].cur = 0;
	p->tg->rlim[RLIMIT_NOFILE].cur = p->tg->rlim[RLIMIT_NOFILE].max = NOFILE;
}

/* A free thread group with one reference (the caller's new proc), or
 * NULL. Its fields are zero: the caller fills them. */
static struct tgroup *tgroup_alloc(void)
{
	for (int i = 1; i < NPROC; i++) {
		struct tgroup *g = &tgroup_table[i];
		if (g->refs == 0) {
			memset(g, 0, sizeof *g);
			g->refs = 1;
			g->nthreads = 1;
			return g;
		}
	}
	return 0;
}

/* Release a slot whose thread has been reaped (or never ran); the last
 * thread of a group releases the group. */
void proc_free(struct proc *p)
{
	kfree(p->kstack);
	kfree(p->cmdline);
	p->kstack = 0;
	p->cmdline = 0;
	p->state = P_UNUSED;
	if (p->tg && --p->tg->refs == 0)
		p->tg->leader = 0;
	p->tg = 0;
}

/* Record argv (NUL-separated) for proc:PID/cmdline. */
void proc_set_cmdline(struct proc *p, const char *argv_flat, size_t len)
{
	char *copy = kmalloc(len ? len : 1);
	if (!copy)
		return;
	memcpy(copy, argv_flat, len);
	kfree(p->cmdline);
	p->cmdline = copy;
	p->cmdline_len = len;
}

/* Called on a new process's kernel stack before its first return to user. */
void proc_first_run(void)
{
	if (proc_dead_threads)
		sched_reap_dead(); /* the thread we came from may have exited */
	struct trapframe *tf = proc_frame(current);
	tf->vector = 0; /* not returning from a syscall of its own */
	proc_user_return(tf);
}

/* A new process's group: a copy of the parent's (its memory, descriptors,
 * cwd, handlers, limits; not its timers or pending signals). */
static int proc_fork_group(struct proc *child, const struct tgroup *pg, const struct mm *mm)
{
	struct tgroup *g = tgroup_alloc();
	if (!g)
		return -EAGAIN;
	child->tg = g;
	g->leader = child;
	g->mm = *mm;
	g->pgid = pg->pgid;
	g->sid = pg->sid;
	memcpy(g->cwd, pg->cwd, sizeof g->cwd);
	g->umask = pg->umask;
	memcpy(g->rlim, pg->rlim, sizeof g->rlim);
	memcpy(g->sigactions, pg->sigactions, sizeof g->sigactions);
	memcpy(g->files, pg->files, sizeof g->files);
	for (int fd = 0; fd < NOFILE; fd += 8)
		for (int i = fd; i < fd + 8 && !fd_none_open(child, fd); i++)
			if (g->files[i])
				file_get(g->files[i]);
	memcpy(g->cloexec, pg->cloexec, sizeof g->cloexec);
	return 0;
}

/* Linux's rules for the sharing flags, and what Procyon supports: a thread
 * (CLONE_THREAD) shares everything pthread_create asks for; a process
 * shares nothing but, under CLONE_VFORK, the parent's waiting. */
static int proc_fork_flags_ok(uint64_t f)
{
	if ((f & CLONE_THREAD) && !(f & CLONE_SIGHAND))
		return -EINVAL;
	if ((f & CLONE_SIGHAND) && !(f & CLONE_VM))
		return -EINVAL;
	if (f & CLONE_THREAD)
		return (f & (CLONE_FILES | CLONE_FS)) == (CLONE_FILES | CLONE_FS) ? 0 : -EINVAL;
	if (f & (CLONE_SIGHAND | CLONE_FILES | CLONE_FS | CLONE_PARENT))
		return -EINVAL; /* shared tables between processes: not supported */
	if ((f & CLONE_VM) && !(f & CLONE_VFORK))
		return -EINVAL; /* a CLONE_VM|CLONE_VFORK child gets a copy: the parent waits */
	return 0;
}

/* fork/vfork/clone: copy the calling thread, into a new process or (with
 * CLONE_THREAD) into a new thread of its own. Everything the clone flags
 * ask of the child (its stack, TLS base, the tid stores) is done here,
 * before the child can run, exit or exec, so nothing ever touches a child's
 * address space after it is gone; the store into the child's memory goes
 * through mm_write, the checked path proc:PID/mem also uses. Returns the
 * child's id or -errno. */
long proc_fork(struct trapframe *tf, const struct fork_args *a)
{
	struct proc *parent = current;
	bool thread = (a->flags & CLONE_THREAD) != 0;
	int err = proc_fork_flags_ok(a->flags);
	if (err)
		return err;
	if (a->stack && !regs_user_address(a->stack))
		return -EINVAL;
	if ((a->flags & CLONE_SETTLS) && !regs_user_address(a->tls))
		return -EPERM; /* as Linux's arch_prctl(ARCH_SET_FS) */
	if (parent->tg->exiting || parent->tg->execing)
		return -EAGAIN; /* the group is ending: nothing new joins it */
	struct mm mm = {0};     /* copied before the child is visible: the copy may yield */
	if (!thread && (err = mm_copy(&mm, &parent->tg->mm)))
		return err;
	struct proc *child = proc_alloc();
	if (child && thread) {
		child->tg = parent->tg;
		child->tg->refs++;
		child->tg->nthreads++;
	} else if (child && proc_fork_group(child, parent->tg, &mm)) {
		proc_free(child);
		child = 0;
	}
	if (!child) {
		if (!thread)
			mm_release(&mm);
		return -EAGAIN;
	}
	arch_fpu_save(parent->fpu);
	memcpy(child->fpu, parent->fpu, sizeof child->fpu);
	*proc_frame(child) = *tf;
	proc_frame(child)->rax = 0;
	if (a->stack)
		proc_frame(child)->rsp = a->stack;
	/* A process's parent is the group that made it (its leader); a
	 * thread's is its group's. */
	child->parent = thread ? parent->parent : parent->tg->leader;
	memcpy(child->name, parent->name, sizeof child->name);
	memcpy(child->exe, parent->exe, sizeof child->exe);
	proc_set_cmdline(child, parent->cmdline, parent->cmdline_len);
	child->uid = parent->uid;
	child->gid = parent->gid;
	child->euid = parent->euid;
	child->egid = parent->egid;
	child->suid = parent->suid;
	child->sgid = parent->sgid;
	memcpy(child->groups, parent->groups, sizeof child->groups);
	child->ngroups = parent->ngroups;
	child->fs_base = (a->flags & CLONE_SETTLS) ? a->tls : parent->fs_base;
	child->gs_base = parent->gs_base;
	child->sig_blocked = parent->sig_blocked;
	if (!thread) /* a new thread has no alternate stack (Linux: CLONE_VM) */
		child->altstack = parent->altstack;
	int32_t id = child->pid;
	if (a->flags & CLONE_CHILD_CLEARTID)
		child->clear_child_tid = a->child_tid;
	/* Failed tid stores are ignored, as Linux ignores them. */
	if (a->flags & CLONE_CHILD_SETTID)
		mm_write(&child->tg->mm, a->child_tid, &id, sizeof id, MM_WRITE);
	if (a->flags & CLONE_PARENT_SETTID)
		copy_to_user(a->parent_tid, &id, sizeof id);
	uint64_t serial = child->serial;
	if (a->flags & CLONE_VFORK)
		child->vfork_parent = parent;    /* before the child can exec or exit */
	ptrace_on_fork(parent, child, a->flags); /* may hold the child stopped */
	if (!child->clone_held)
		sched_ready(child);
	if (a->flags & CLONE_VFORK) {
		/* Wait until the child execs or exits (which clear vfork_parent),
		 * however that happens, also while we were stopped above. */
		while (child->serial == serial && child->vfork_parent == parent &&
		       !(parent->sig_pending & SIGBIT(SIGKILL)))
			waitq_sleep_uninterruptible(&parent->tg->child_exit);
		if (child->serial == serial && child->vfork_parent == parent)
			child->vfork_parent = 0; /* we were killed: nobody waits now */
	}
	return id;
}

/* A page fault at a user address: allocate the page if its region allows
 * the access. True if the faulting access can be retried. */
bool user_page_fault(uint64_t addr, uint64_t error)
{
	/* present and not a write: a protection fault; a present write may be
	 * copy-on-write (mm_fault decides) */
	if (addr >= USER_TOP || !current || !current->tg->mm.space || ((error & 1) && !(error & 2)))
		return false;
	return mm_fault(&current->tg->mm, addr, error & 2) == 0;
}

/* A vfork child execs or exits: its parent may go on. */
void proc_vfork_release(struct proc *p)
{
	if (p->vfork_parent) {
		waitq_wake(&p->vfork_parent->tg->child_exit);
		p->vfork_parent = 0;
	}
}

/* Build the argument and environment strings for init from the command line. */
static int proc_init_env(char *buf, size_t size, char **envp)
{
	int n = 0;
	size_t used = 0;
	const char *keys[] = {"init", "test", "init_args"};
	const char *names[] = {"INIT", "TEST", "INIT_ARGS"};
	for (int i = 0; i < 3; i++) {
		const char *v = cmdline_get(keys[i]);
		if (!v)
			continue;
		int len = ksnprintf(buf + used, size - used, "%s=%s", names[i], v);
		if (len < 0 || (size_t)len >= size - used)
			break;
		envp[n++] = buf + used;
		used += (size_t)len + 1;
	}
	envp[n++] = "PATH=/bin";
	envp[n] = 0;
	return n;
}

/* Turn the boot thread into the idle process, start /bin/init as pid 1,
 * and schedule. Interrupts are off from here (the kernel's rule: only user
 * mode and the idle loop take them), so the tick never sees a half-made
 * process: a slot taken but not yet given its thread group. */
_Noreturn void kernel_start_user(void)
{
	arch_irq_disable();
	struct proc *idle = &proc_table[0];
	extern uint8_t boot_stack_top[];
	uintptr_t boot_top = (uintptr_t)boot_stack_top;
	arch_fpu_save(proc_default_fpu);
	idle->state = P_RUNNABLE;
	idle->tg = &tgroup_table[0];
	*idle->tg = (struct tgroup){.refs = 1, .nthreads = 1, .leader = idle};
	idle->kstack = (uint8_t *)(boot_top - KSTACK_SIZE);
	memcpy(idle->name, "idle", 5);
	current = idle;

	struct proc *init = proc_alloc();
	if (!init)
		panic("no memory for init");
	memcpy(init->name, "init", 5);
	init->tg = tgroup_alloc();
	init->tg->leader = init;
	proc_init_limits(init);
	memcpy(init->tg->cwd, "/", 2);
	init->tg->umask = 022;
	init->tg->pgid = 1;
	init->tg->sid = 1;
	char envbuf[512], *envp[8];
	char *argv[] = {"/bin/init", 0};
	proc_init_env(envbuf, sizeof envbuf, envp);
	int err = exec_image(init, "/bin/init", argv, envp);
	if (err) {
		kprintf("cannot start /bin/init: error %d\n", err);
		machine_exit(EXIT_PANIC);
	}
	/* stdin, stdout, stderr: the console. */
	for (int fd = 0; fd < 3; fd++) {
		struct file *f;
		if (file_open("console:", O_RDWR, 0, &f) == 0)
			fd_install(init, f, fd, false);
		else
			kprintf("init: cannot open the console\n");
	}
	sched_ready(init);
	sched_idle_loop();
}
