/* The small Linux calls that ordinary programs and libcs make at start-up
 * or in passing (issue 12): wall-clock time (time, gettimeofday,
 * settimeofday, clock_settime, clock_getres), sysinfo, getrandom (a seeded
 * generator), prctl's names, the probes of calls Procyon does not have
 * (rseq: ENOSYS, as a kernel without it answers), CPU
 * affinity (one CPU), resource limits (RLIMIT_NOFILE enforced by
 * fd_install), the real-time interval timer (alarm, setitimer, getitimer:
 * SIGALRM from the tick), times, getrusage, supplementary groups, and the
 * kernel log (syslog). Each with Linux's values and errno. */
#include "arch.h"
#include "errno.h"
#include "kernel.h"
#include "lib.h"
#include "pmm.h"
#include "proc.h"
#include "syscall.h"
#include "time.h"
#include "uaccess.h"

struct misc_timeval {
	int64_t sec, usec;
};
struct misc_timespec {
	int64_t sec, nsec;
};

/* --- Time ------------------------------------------------------------------ */

long sys_time(uint64_t ut)
{
	int64_t s = (int64_t)(time_realtime_ns() / 1000000000);
	if (ut && copy_to_user(ut, &s, sizeof s))
		return -EFAULT;
	return s;
}

long sys_gettimeofday(uint64_t utv, uint64_t utz)
{
	uint64_t ns = time_realtime_ns();
	struct misc_timeval tv = {(int64_t)(ns / 1000000000), (int64_t)(ns % 1000000000 / 1000)};
	if (utv && copy_to_user(utv, &tv, sizeof tv))
		return -EFAULT;
	if (utz) {
		int32_t tz[2] = {0, 0}; /* UTC */
		if (copy_to_user(utz, tz, sizeof tz))
			return -EFAULT;
	}
	return 0;
}

/* Setting the clock is root's. */
static long misc_set_clock(uint64_t ns)
{
	if (current->euid != 0)
		return -EPERM;
	time_set_realtime_ns(ns);
	return 0;
}

long sys_settimeofday(uint64_t utv, uint64_t utz)
{
	(void)utz;
	struct misc_timeval tv;
	if (!utv)
		return 0;
	if (copy_from_user(&tv, utv, sizeof tv))
		return -EFAULT;
	if (tv.sec < 0 || tv.usec < 0 || tv.usec >= 1000000)
		return -EINVAL;
	return misc_set_clock((uint64_t)tv.sec * 1000000000 + (uint64_t)tv.usec * 1000);
}

long sys_clock_settime(int clk, uint64_t uts)
{
	struct misc_timespec ts;
	if (copy_from_user(&ts, uts, sizeof ts))
		return -EFAULT;
	if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1000000000)
		return -EINVAL;
	if (clk != 0 /* CLOCK_REALTIME */)
		return clk >= 0 && clk <= 7 ? -EINVAL : -EINVAL;
	return misc_set_clock((uint64_t)ts.sec * 1000000000 + (uint64_t)ts.nsec);
}

long sys_clock_getres(int clk, uint64_t uts)
{
	if (clk < 0 || clk > 7 || clk == 2 || clk == 3)
		return -EINVAL;
	struct misc_timespec ts = {0, 1}; /* the TSC clock: nanoseconds */
	return uts && copy_to_user(uts, &ts, sizeof ts) ? -EFAULT : 0;
}

/* --- System information ------------------------------------------------------ */

struct misc_sysinfo { /* Linux struct sysinfo, x86_64 */
	int64_t uptime;
	uint64_t loads[3];
	uint64_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
	uint16_t procs, pad;
	uint32_t pad2;
	uint64_t totalhigh, freehigh;
	uint32_t mem_unit;
	char reserved[4];
};
_Static_assert(sizeof(struct misc_sysinfo) == 112, "Linux struct sysinfo");

long sys_sysinfo(uint64_t uinfo)
{
	struct misc_sysinfo si;
	memset(&si, 0, sizeof si);
	si.uptime = (int64_t)(clock_ns() / 1000000000);
	si.totalram = (uint64_t)pmm_total_count() * PAGE_SIZE;
	si.freeram = (uint64_t)pmm_free_count() * PAGE_SIZE;
	si.procs = (uint16_t)proc_count();
	si.mem_unit = 1;
	return copy_to_user(uinfo, &si, sizeof si);
}

/* --- getrandom -------------------------------------------------------------------- */

/* A 64-bit generator (splitmix64) seeded at first use from the TSC and the
 * wall clock, and stirred with the TSC at every call: unpredictable enough
 * for hash seeds and ASLR-less libcs; not a cryptographic source. */
static uint64_t misc_rng_state;

static uint64_t misc_rng_next(void)
{
	uint64_t z = (misc_rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void misc_rng_stir(void)
{
	if (!misc_rng_state)
		misc_rng_state = arch_timestamp() ^ (time_realtime_ns() << 17) ^ 0x5eed;
	misc_rng_state ^= arch_timestamp();
}

/* n bytes of the generator into buf (random:, /dev/urandom). */
void misc_random_bytes(void *buf, size_t n)
{
	misc_rng_stir();
	for (size_t done = 0; done < n;) {
		uint64_t r = misc_rng_next();
		size_t chunk = MIN(sizeof r, n - done);
		memcpy((uint8_t *)buf + done, &r, chunk);
		done += chunk;
	}
}

#define GRND_NONBLOCK 1
#define GRND_RANDOM 2
#define GRND_INSECURE 4

long sys_getrandom(uint64_t ubuf, size_t n, unsigned flags)
{
	if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE) ||
	    (flags & (GRND_RANDOM | GRND_INSECURE)) == (GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if (!user_range_ok(ubuf, n))
		return -EFAULT;
	misc_rng_stir();
	if (n > 33554431)
		n = 33554431; /* Linux's per-call cap */
	size_t done = 0;
	while (done < n) {
		uint64_t r = misc_rng_next();
		size_t chunk = MIN(sizeof r, n - done);
		if (copy_to_user(ubuf + done, &r, chunk))
			return done ? (long)done : -EFAULT;
		done += chunk;
	}
	return (long)done;
}

/* --- prctl, and the calls Procyon does not have ----------------------------------- */

#define PR_SET_NAME 15
#define PR_GET_NAME 16
#define TASK_COMM_LEN 16

long sys_prctl(int option, uint64_t arg2, uint64_t arg3, uint64_t arg4, uint64_t arg5)
{
	(void)arg3, (void)arg4, (void)arg5;
	char name[TASK_COMM_LEN];
	switch (option) {
	case PR_SET_NAME: {
		long n = copy_string_from_user(name, arg2, sizeof name);
		if (n == -EFAULT)
			return -EFAULT;
		name[sizeof name - 1] = 0; /* a longer name is cut, as Linux does */
		strlcpy(current->name, name, sizeof current->name);
		return 0;
	}
	case PR_GET_NAME:
		memset(name, 0, sizeof name);
		strlcpy(name, current->name, sizeof name);
		return copy_to_user(arg2, name, sizeof name);
	default: return -EINVAL;
	}
}

/* Restartable sequences need per-CPU user data: a kernel without them
 * answers ENOSYS, which glibc and musl expect. */
long sys_rseq(uint64_t rseq, uint32_t len, int flags, uint32_t sig)
{
	(void)rseq, (void)len, (void)flags, (void)sig;
	return -ENOSYS;
}

/* --- CPU affinity: one CPU ------------------------------------------------------------ */

static int misc_pid_ok(int pid) { return pid == 0 || proc_find(pid) ? 0 : -ESRCH; }

long sys_sched_getaffinity(int pid, size_t len, uint64_t umask)
{
	int err = misc_pid_ok(pid);
	if (err)
		return err;
	if (len < 8 || (len & 7))
		return -EINVAL;
	uint64_t one = 1;
	if (copy_to_user(umask, &one, sizeof one))
		return -EFAULT;
	return 8; /* bytes of the kernel's mask, as Linux returns */
}

long sys_sched_setaffinity(int pid, size_t len, uint64_t umask)
{
	int err = misc_pid_ok(pid);
	if (err)
		return err;
	uint64_t m = 0;
	if (copy_from_user(&m, umask, MIN(len, sizeof m)))
		return -EFAULT;
	return (m & 1) ? 0 : -EINVAL; /* it must allow CPU 0, the only one */
}

/* --- Resource limits ---------------------------------------------------------------------- */

struct misc_rlimit {
	uint64_t cur, max;
};

/* The limits of p, resource res; -EINVAL for an unknown resource. */
static int misc_rlimit_get(struct proc *p, unsigned res, struct misc_rlimit *out)
{
	if (res >= PROC_RLIMITS)
		return -EINVAL;
	out->cur = p->tg->rlim[res].cur;
	out->max = p->tg->rlim[res].max;
	return 0;
}

static int misc_rlimit_set(struct proc *p, unsigned res, const struct misc_rlimit *in)
{
	if (res >= PROC_RLIMITS || in->cur > in->max)
		return -EINVAL;
	if (in->max > p->tg->rlim[res].max && current->euid != 0)
		return -EPERM; /* raising the hard limit is root's */
	if (res == RLIMIT_NOFILE && in->max > NOFILE)
		return -EPERM; /* above the table's size, as Linux's nr_open */
	p->tg->rlim[res].cur = in->cur;
	p->tg->rlim[res].max = in->max;
	return 0;
}

long sys_getrlimit(unsigned res, uint64_t ulim)
{
	struct misc_rlimit r;
	int err = misc_rlimit_get(current, res, &r);
	return err ? err : copy_to_user(ulim, &r, sizeof r);
}

long sys_setrlimit(unsigned res, uint64_t ulim)
{
	struct misc_rlimit r;
	if (copy_from_user(&r, ulim, sizeof r))
		return -EFAULT;
	return misc_rlimit_set(current, res, &r);
}

long sys_prlimit64(int pid, unsigned res, uint64_t unew, uint64_t uold)
{
	struct proc *p = pid ? proc_find(pid) : current;
	if (!p || p->state == P_ZOMBIE)
		return -ESRCH;
	if (p != current && current->euid != 0 &&
	    (current->euid != p->uid || current->egid != p->gid))
		return -EPERM;
	struct misc_rlimit old, want;
	int err = misc_rlimit_get(p, res, &old);
	if (err)
		return err;
	if (unew && copy_from_user(&want, unew, sizeof want))
		return -EFAULT;
	if (unew && (err = misc_rlimit_set(p, res, &want)))
		return err;
	return uold && copy_to_user(uold, &old, sizeof old) ? -EFAULT : 0;
}

/* --- The real-time interval timer --------------------------------------------------------- */

struct misc_itimerval {
	struct misc_timeval interval, value;
};

static uint64_t misc_tv_ns(const struct misc_timeval *tv)
{
	return (uint64_t)tv->sec * 1000000000 + (uint64_t)tv->usec * 1000;
}

static struct misc_timeval misc_ns_tv(uint64_t ns)
{
	return (struct misc_timeval){(int64_t)(ns / 1000000000), (int64_t)(ns % 1000000000 / 1000)};
}

/* What is left of the timer of p, as an itimerval. */
static struct misc_itimerval misc_itimer_now(const struct proc *p)
{
	struct misc_itimerval v = {misc_ns_tv(p->tg->itimer_interval), {0, 0}};
	uint64_t now = clock_ns();
	if (p->tg->itimer_deadline)
		v.value =
		    misc_ns_tv(p->tg->itimer_deadline > now ? p->tg->itimer_deadline - now : 1000);
	return v;
}

#define ITIMER_REAL 0

long sys_getitimer(int which, uint64_t uval)
{
	if (which < 0 || which > 2)
		return -EINVAL;
	struct misc_itimerval v = {{0, 0}, {0, 0}};
	if (which == ITIMER_REAL)
		v = misc_itimer_now(current);
	return copy_to_user(uval, &v, sizeof v);
}

long sys_setitimer(int which, uint64_t unew, uint64_t uold)
{
	if (which < 0 || which > 2)
		return -EINVAL;
	struct misc_itimerval want = {{0, 0}, {0, 0}}, old = misc_itimer_now(current);
	if (unew && copy_from_user(&want, unew, sizeof want))
		return -EFAULT;
	if (want.value.usec < 0 || want.value.usec >= 1000000 || want.value.sec < 0 ||
	    want.interval.usec < 0 || want.interval.usec >= 1000000 || want.interval.sec < 0)
		return -EINVAL;
	if (which != ITIMER_REAL)
		return -EINVAL; /* no CPU-time timers */
	if (uold && copy_to_user(uold, &old, sizeof old))
		return -EFAULT;
	uint64_t v = misc_tv_ns(&want.value);
	current->tg->itimer_deadline = v ? clock_ns() + v : 0;
	current->tg->itimer_interval = misc_tv_ns(&want.interval);
	return 0;
}

long sys_alarm(unsigned seconds)
{
	struct misc_itimerval old = misc_itimer_now(current);
	current->tg->itimer_deadline = seconds ? clock_ns() + (uint64_t)seconds * 1000000000 : 0;
	current->tg->itimer_interval = 0;
	if (!old.value.sec && !old.value.usec)
		return 0; /* no alarm was set */
	/* The seconds that were left, rounded as Linux does (half up, 0 -> 1). */
	long left = (long)old.value.sec + (old.value.usec >= 500000);
	return left ? left : 1;
}

/* The tick: processes whose real-time timer expired get SIGALRM. */
void misc_itimer_tick(uint64_t now)
{
	for (int i = 1; i < proc_slots_top; i++) {
		struct proc *p = &proc_table[i];
		if (p->state == P_UNUSED || !proc_is_leader(p) || !p->tg->nthreads ||
		    !p->tg->itimer_deadline || p->tg->itimer_deadline > now)
			continue;
		p->tg->itimer_deadline = p->tg->itimer_interval ? now + p->tg->itimer_interval : 0;
		signal_send(p, SIGALRM);
	}
}

/* --- times, getrusage --------------------------------------------------------------------- */

long sys_times(uint64_t ubuf)
{
	/* Procyon does not account CPU time per process: all zero, and the
	 * return value the clock ticks since boot (USER_HZ 100), as Linux. */
	int64_t t[4] = {0, 0, 0, 0};
	if (ubuf && copy_to_user(ubuf, t, sizeof t))
		return -EFAULT;
	return (long)(clock_ns() / 10000000);
}

long sys_getrusage(int who, uint64_t uru)
{
	if (who != 0 && who != -1 && who != 1) /* SELF, CHILDREN, THREAD */
		return -EINVAL;
	uint8_t ru[144] = {0}; /* no CPU-time accounting: zeros */
	return copy_to_user(uru, ru, sizeof ru);
}

/* --- Supplementary groups ------------------------------------------------------------------- */

long sys_getgroups(int size, uint64_t ulist)
{
	if (size < 0)
		return -EINVAL;
	struct proc *p = current;
	if (size == 0)
		return p->ngroups;
	if (size < p->ngroups)
		return -EINVAL;
	return copy_to_user(ulist, p->groups, (size_t)p->ngroups * sizeof p->groups[0])
	           ? -EFAULT
	           : p->ngroups;
}

long sys_setgroups(size_t size, uint64_t ulist)
{
	struct proc *p = current;
	if (p->euid != 0)
		return -EPERM;
	if (size > PROC_NGROUPS)
		return -EINVAL;
	uint32_t g[PROC_NGROUPS];
	if (size && copy_from_user(g, ulist, size * sizeof g[0]))
		return -EFAULT;
	memcpy(p->groups, g, size * sizeof g[0]);
	p->ngroups = (int)size;
	return 0;
}

/* --- syslog: the kernel log ring (log.c) ---------------------------------------------------- */

#define SYSLOG_ACTION_READ_ALL 3
#define SYSLOG_ACTION_READ_CLEAR 4
#define SYSLOG_ACTION_CLEAR 5
#define SYSLOG_ACTION_CONSOLE_OFF 6
#define SYSLOG_ACTION_CONSOLE_ON 7
#define SYSLOG_ACTION_CONSOLE_LEVEL 8
#define SYSLOG_ACTION_SIZE_UNREAD 9
#define SYSLOG_ACTION_SIZE_BUFFER 10

long sys_syslog(int type, uint64_t ubuf, int len)
{
	switch (type) {
	case 0: /* close */
	case 1: /* open */ return 0;
	case SYSLOG_ACTION_READ_ALL:
	case SYSLOG_ACTION_READ_CLEAR: {
		if (len < 0 || (len && !ubuf))
			return -EINVAL;
		if (type == SYSLOG_ACTION_READ_CLEAR && current->euid != 0)
			return -EPERM;
		long n = log_ring_copy(ubuf, (size_t)len);
		if (n >= 0 && type == SYSLOG_ACTION_READ_CLEAR)
			log_ring_clear();
		return n;
	}
	case SYSLOG_ACTION_CLEAR:
	case SYSLOG_ACTION_CONSOLE_OFF:
	case SYSLOG_ACTION_CONSOLE_ON:
	case SYSLOG_ACTION_CONSOLE_LEVEL:
		if (current->euid != 0)
			return -EPERM;
		if (type == SYSLOG_ACTION_CLEAR)
			log_ring_clear();
		return 0;
	case SYSLOG_ACTION_SIZE_UNREAD:
	case SYSLOG_ACTION_SIZE_BUFFER:
		return (long)log_ring_size(type == SYSLOG_ACTION_SIZE_BUFFER);
	default: return -EINVAL;
	}
}
