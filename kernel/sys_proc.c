/* Process system calls: fork family, execve, exit, wait4, identity,
 * credentials, time, and the small per-process settings. */
#include "syscall.h"
#include "time.h"
#include "errno.h"
#include "exec.h"
#include "heap.h"
#include "lib.h"
#include "path.h"
#include "proc.h"
#include "regs.h"
#include "vm.h"
#include "uaccess.h"

#define WNOHANG 1
#define WUNTRACED 2
#define WCONTINUED 8

long sys_fork(void)
{
	struct fork_args a = {0};
	return proc_fork(proc_frame(current), &a);
}

long sys_vfork(void)
{
	struct fork_args a = {.flags = CLONE_VFORK};
	return proc_fork(proc_frame(current), &a);
}

/* clone: a thread (pthread_create's flags) or a process of its own (a
 * CLONE_VM|CLONE_VFORK child gets a copy: the parent waits, so it cannot
 * tell); proc_fork checks the flags. */
long sys_clone(uint64_t flags, uint64_t newsp, uint64_t uptid, uint64_t uctid, uint64_t tls)
{
	struct fork_args a = {flags, newsp, tls, uptid, uctid};
	return proc_fork(proc_frame(current), &a);
}

/* Copy a NULL-terminated user string vector into one kernel block. */
static int proc_copy_strv(uint64_t uv, char ***out, size_t *budget)
{
	size_t cap = 64, n = 0;
	char **v = kmalloc(cap * sizeof *v);
	if (!v)
		return -ENOMEM;
	int err = 0;
	for (; uv; n++) {
		uint64_t up;
		if (n + 1 >= EXEC_ARGC_MAX) {
			err = -E2BIG;
			break;
		}
		if (copy_from_user(&up, uv + n * 8, 8)) {
			err = -EFAULT;
			break;
		}
		if (!up)
			break;
		if (n + 1 >= cap) {
			char **bigger = kmalloc(cap * 2 * sizeof *v);
			if (!bigger) {
				err = -ENOMEM;
				break;
			}
			memcpy(bigger, v, n * sizeof *v);
			kfree(v);
			v = bigger;
			cap *= 2;
		}
		char tmp[4096];
		long len = copy_string_from_user(tmp, up, sizeof tmp);
		if (len < 0) {
			err = len == -ENAMETOOLONG ? -E2BIG : (int)len;
			break;
		}
		if ((size_t)len + 1 > *budget) {
			err = -E2BIG;
			break;
		}
		*budget -= (size_t)len + 1;
		v[n] = kmalloc((size_t)len + 1);
		if (!v[n]) {
			err = -ENOMEM;
			break;
		}
		memcpy(v[n], tmp, (size_t)len + 1);
	}
	v[n] = 0;
	*out = v;
	return err;
}

static void proc_free_strv(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		kfree(v[i]);
	kfree(v);
}

long sys_execve(uint64_t upath, uint64_t uargv, uint64_t uenvp)
{
	char path[PATH_MAX_K], canon[PATH_MAX_K];
	int err = path_from_user(upath, path, sizeof path);
	if (err)
		return err;
	if (scheme_canonical(path, canon, sizeof canon))
		strlcpy(canon, path, sizeof canon);
	size_t budget = EXEC_ARGS_MAX;
	char **argv = 0, **envp = 0;
	err = proc_copy_strv(uargv, &argv, &budget);
	if (!err)
		err = proc_copy_strv(uenvp, &envp, &budget);
	if (!err)
		err = exec_image(current, canon, argv, envp);
	proc_free_strv(argv);
	proc_free_strv(envp);
	return err;
}

long sys_exit(int status) { proc_exit_thread((status & 0xff) << 8); }
long sys_exit_group(int status) { proc_exit((status & 0xff) << 8); }

static bool proc_wait_matches(struct proc *c, int pid)
{
	if (pid > 0)
		return c->pid == pid;
	if (pid == 0)
		return c->tg->pgid == current->tg->pgid;
	if (pid < -1)
		return c->tg->pgid == -pid;
	return true;
}

/* wait4: reap a zombie child, or report a stop (WUNTRACED) or a
 * continue (WCONTINUED); sleep unless WNOHANG. */
long sys_wait4(int pid, uint64_t ustatus, int options, uint64_t urusage)
{
	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | 0x40000000 /* __WALL */))
		return -EINVAL;
	if ((ustatus && !user_range_ok(ustatus, sizeof(int))) ||
	    (urusage && !user_range_ok(urusage, 144)))
		return -EFAULT; /* at once, not after the wait */
	bool interrupted = false;
	struct proc *me = current->tg->leader; /* children are the group's */
	for (;;) {
		bool any = false;
		for (int i = 1; i < proc_slots_top; i++) {
			struct proc *c = &proc_table[i];
			if (c->state == P_UNUSED || c->parent != me || !proc_is_leader(c) ||
			    !proc_wait_matches(c, pid))
				continue;
			any = true;
			int status = -1;
			bool gone = c->state == P_ZOMBIE && c->tg->nthreads == 0;
			if (gone)
				status = c->exit_status;
			else if ((options & WUNTRACED) && c->tg->stop_sig && !c->tg->stop_reported)
				status = (c->tg->stop_sig << 8) | 0x7f;
			else if ((options & WCONTINUED) && c->tg->cont_reported)
				status = 0xffff;
			if (status < 0)
				continue;
			if (ustatus && copy_to_user(ustatus, &status, sizeof status))
				return -EFAULT;
			if (urusage) {
				uint8_t zero[144] = {0};
				if (copy_to_user(urusage, zero, sizeof zero))
					return -EFAULT;
			}
			int cpid = c->pid;
			if (gone)
				proc_free(c);
			else if (status == 0xffff)
				c->tg->cont_reported = false;
			else
				c->tg->stop_reported = true;
			return cpid;
		}
		if (!any)
			return -ECHILD;
		if (options & WNOHANG)
			return 0;
		/* A signal ends the wait only if no child can be reported after
		 * it: the SIGCHLD of the very child that exited (kept pending
		 * for a tracer) never interrupts the wait4 it completes. */
		if (interrupted)
			return -EINTR;
		interrupted = waitq_sleep(&current->tg->child_exit) < 0;
	}
}

long sys_getpid(void) { return proc_tgid(current); }
long sys_gettid(void) { return current->pid; }
long sys_getppid(void) { return current->parent ? current->parent->pid : 0; }
long sys_getuid(void) { return current->uid; }
long sys_geteuid(void) { return current->euid; }
long sys_getgid(void) { return current->gid; }
long sys_getegid(void) { return current->egid; }

/* setuid/setgid as Linux: root sets the real, effective and saved ids;
 * anyone else may only switch the effective id to the real or saved one. */
long sys_setuid(uint32_t uid)
{
	struct proc *p = current;
	if (p->euid == 0)
		p->uid = p->suid = uid;
	else if (uid != p->uid && uid != p->suid)
		return -EPERM;
	p->euid = uid;
	return 0;
}

long sys_setgid(uint32_t gid)
{
	struct proc *p = current;
	if (p->euid == 0)
		p->gid = p->sgid = gid;
	else if (gid != p->gid && gid != p->sgid)
		return -EPERM;
	p->egid = gid;
	return 0;
}

long sys_setpgid(int pid, int pgid)
{
	struct proc *p = pid ? proc_find(pid) : current;
	if (!p || (p->tg != current->tg && p->parent != current->tg->leader))
		return -ESRCH;
	if (pgid < 0)
		return -EINVAL;
	p->tg->pgid = pgid ? pgid : proc_tgid(p);
	return 0;
}

long sys_getpgid(int pid)
{
	struct proc *p = pid ? proc_find(pid) : current;
	return p ? p->tg->pgid : -ESRCH;
}

long sys_getpgrp(void) { return current->tg->pgid; }
/* Linux refuses a process group leader (EPERM): it would leave its group. */
long sys_setsid(void)
{
	int pid = proc_tgid(current);
	if (current->tg->pgid == pid)
		return -EPERM;
	current->tg->pgid = current->tg->sid = pid;
	return pid;
}

long sys_getsid(int pid)
{
	struct proc *p = pid ? proc_find(pid) : current;
	return p ? p->tg->sid : -ESRCH;
}

long sys_umask(int mask)
{
	uint32_t old = current->tg->umask;
	current->tg->umask = (uint32_t)mask & 0777;
	return old;
}

struct utsname_k {
	char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};

long sys_uname(uint64_t ubuf)
{
	struct utsname_k u = {0};
	strlcpy(u.sysname, "Procyon", sizeof u.sysname);
	strlcpy(u.nodename, "procyon", sizeof u.nodename);
	strlcpy(u.release, PROCYON_RELEASE, sizeof u.release);
	strlcpy(u.version, "Procyon 0.1", sizeof u.version);
	strlcpy(u.machine, "x86_64", sizeof u.machine);
	return copy_to_user(ubuf, &u, sizeof u);
}

#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004

long sys_arch_prctl(int code, uint64_t addr)
{
	switch (code) {
	case ARCH_SET_FS:
	case ARCH_SET_GS:
		if (!regs_user_address(addr))
			return -EPERM;
		*(code == ARCH_SET_FS ? &current->fs_base : &current->gs_base) = addr;
		arch_set_tls_base(current->fs_base, current->gs_base);
		return 0;
	case ARCH_GET_FS: return copy_to_user(addr, &current->fs_base, 8);
	case ARCH_GET_GS: return copy_to_user(addr, &current->gs_base, 8);
	default: return -EINVAL;
	}
}

long sys_set_tid_address(uint64_t uaddr)
{
	current->clear_child_tid = uaddr;
	return current->pid;
}

long sys_sched_yield(void)
{
	sched_yield();
	return 0;
}

struct timespec_k {
	int64_t sec, nsec;
};

#define CLOCK_REALTIME 0
#define TIMER_ABSTIME 1

/* A user timespec as nanoseconds (huge values saturate); -EFAULT,
 * -EINVAL for a negative or unnormalised one. */
int time_user_timespec_ns(uint64_t uts, uint64_t *ns)
{
	struct timespec_k ts;
	if (copy_from_user(&ts, uts, sizeof ts))
		return -EFAULT;
	if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1000000000)
		return -EINVAL;
	*ns = (uint64_t)ts.sec > 10000000000ULL /* would overflow: saturate */
	          ? ~0ULL / 4
	          : (uint64_t)ts.sec * 1000000000ULL + (uint64_t)ts.nsec;
	return 0;
}

/* Sleep until the clock_ns() deadline. Interrupted, it writes the time
 * left to urem (if given) and keeps the deadline for restart_syscall:
 * -ERESTART_RESTARTBLOCK becomes EINTR if a handler runs, and otherwise (a
 * stop, a tracer's interrupt or attach) the call goes on as
 * restart_syscall for the time that is left, as on Linux. */
static long proc_sleep_until(uint64_t deadline, uint64_t urem)
{
	struct waitq never = {0};
	while (clock_ns() < deadline) {
		int r = waitq_sleep_until(&never, deadline);
		if (r == -EINTR) {
			if (urem) {
				uint64_t now = clock_ns(),
				         left = deadline > now ? deadline - now : 0;
				struct timespec_k rem = {(int64_t)(left / 1000000000),
				                         (int64_t)(left % 1000000000)};
				if (copy_to_user(urem, &rem, sizeof rem))
					return -EFAULT;
			}
			current->restart.deadline = deadline;
			current->restart.urem = urem;
			return -ERESTART_RESTARTBLOCK;
		}
	}
	return 0;
}

/* The rest of an interrupted sleep (see proc_sleep_until); -EINTR when
 * there is none, as Linux's do_no_restart_syscall. */
long sys_restart_syscall(void)
{
	uint64_t deadline = current->restart.deadline, urem = current->restart.urem;
	current->restart.deadline = 0;
	return deadline ? proc_sleep_until(deadline, urem) : -EINTR;
}

long sys_nanosleep(uint64_t ureq, uint64_t urem)
{
	uint64_t ns;
	if (urem && !user_range_ok(urem, sizeof(struct timespec_k)))
		return -EFAULT;
	int err = time_user_timespec_ns(ureq, &ns);
	return err ? err : proc_sleep_until(clock_ns() + ns, urem);
}

/* clock_nanosleep: relative, or absolute (TIMER_ABSTIME) on the monotonic
 * or realtime clock. glibc's nanosleep and sleep use it. */
long sys_clock_nanosleep(int clk, int flags, uint64_t ureq, uint64_t urem)
{
	if (clk < 0 || clk > 7 || clk == 2 || clk == 3) /* no CPU-time clocks */
		return -EINVAL;
	if (!(flags & TIMER_ABSTIME) && urem && !user_range_ok(urem, sizeof(struct timespec_k)))
		return -EFAULT;
	uint64_t ns;
	int err = time_user_timespec_ns(ureq, &ns);
	if (err)
		return err;
	if (!(flags & TIMER_ABSTIME))
		return proc_sleep_until(clock_ns() + ns, urem);
	if (clk == CLOCK_REALTIME || clk == 5)
		ns = time_realtime_to_monotonic(ns);
	return proc_sleep_until(ns, 0);
}

long sys_clock_gettime(int clk, uint64_t uts)
{
	if (clk < 0 || clk > 7)
		return -EINVAL;
	uint64_t ns = clk == CLOCK_REALTIME || clk == 5 ? time_realtime_ns() : clock_ns();
	struct timespec_k ts = {(int64_t)(ns / 1000000000), (int64_t)(ns % 1000000000)};
	return copy_to_user(uts, &ts, sizeof ts);
}

long sys_pause(void)
{
	struct waitq never = {0};
	while (waitq_sleep(&never) == 0)
		;
	return -EINTR;
}
