/* sys: small kernel files for tests and tools. poweroff (write a decimal
 * status: QEMU exits with 2*status+1), free_frames, heap_bytes, sessions
 * (live trace sessions), procs (processes in use), uptime_ns, and pid_max
 * (where pids wrap; root may lower it, so tests can see a pid reused). */
#include "arch.h"
#include "errno.h"
#include "file.h"
#include "heap.h"
#include "lib.h"
#include "pmm.h"
#include "proc.h"
#include "ptrace.h"
#include "schemes.h"

enum {
	SYS_DIR,
	SYS_POWEROFF,
	SYS_FREE_FRAMES,
	SYS_HEAP_BYTES,
	SYS_SESSIONS,
	SYS_PROCS,
	SYS_UPTIME,
	SYS_PID_MAX
};
static const char *const names[] = {"",         "poweroff", "free_frames", "heap_bytes",
                                    "sessions", "procs",    "uptime_ns",   "pid_max"};

/* The index of a name in names[], or -ENOENT. */
static int sysfile_lookup(const char *path)
{
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strcmp(path, names[i]) == 0)
			return (int)i;
	return -ENOENT;
}

static int sysfile_open(struct file *f, const char *path, int flags, int mode)
{
	(void)mode;
	int i = sysfile_lookup(path);
	if (i < 0)
		return i;
	if (i == SYS_DIR && (flags & O_ACCMODE) != O_RDONLY)
		return -EISDIR;
	f->priv = (void *)(uintptr_t)i;
	return 0;
}

static uint64_t sysfile_value(uintptr_t which)
{
	switch (which) {
	case SYS_FREE_FRAMES: return pmm_free_count();
	case SYS_HEAP_BYTES: return heap_bytes_in_use();
	case SYS_SESSIONS: return (uint64_t)ptrace_session_count();
	case SYS_PROCS: return (uint64_t)proc_count();
	case SYS_UPTIME: return clock_ns();
	case SYS_PID_MAX: return (uint64_t)proc_pid_max;
	default: return 0;
	}
}

static long sysfile_read(struct file *f, uint64_t ubuf, size_t n, uint64_t *off)
{
	uintptr_t which = (uintptr_t)f->priv;
	if (which == SYS_DIR)
		return -EISDIR;
	if (which == SYS_POWEROFF)
		return 0;
	char buf[32];
	size_t len =
	    (size_t)ksnprintf(buf, sizeof buf, "%lu\n", (unsigned long)sysfile_value(which));
	return file_read_window(f, ubuf, n, off, buf, len);
}

static long sysfile_write(struct file *f, uint64_t ubuf, size_t n, uint64_t *off)
{
	(void)off;
	uintptr_t which = (uintptr_t)f->priv;
	if (which != SYS_POWEROFF && which != SYS_PID_MAX)
		return -EACCES;
	char buf[16] = {0};
	if (n == 0 || n >= sizeof buf)
		return -EINVAL;
	if (file_copy_in(f, buf, ubuf, n))
		return -EFAULT;
	long sysfile_value = 0;
	size_t i = 0;
	for (; i < n && buf[i] >= '0' && buf[i] <= '9' && sysfile_value < 1000000; i++)
		sysfile_value = sysfile_value * 10 + (buf[i] - '0');
	if (i == 0 || (i < n && buf[i] != '\n'))
		return -EINVAL;
	if (current->euid != 0)
		return -EPERM;
	if (which == SYS_PID_MAX) {
		if (sysfile_value < PID_MAX_MIN || sysfile_value > PID_MAX_DEFAULT)
			return -EINVAL;
		proc_pid_max = (int)sysfile_value;
		return (long)n;
	}
	kprintf("poweroff: status %ld\n", sysfile_value & 0xff);
	machine_exit((int)(sysfile_value & 0xff));
}

static void sysfile_which_stat(uintptr_t which, struct kstat *st)
{
	memset(st, 0, sizeof *st);
	st->mode = which == SYS_DIR ? (S_IFDIR | 0555) : (S_IFREG | 0644);
	st->ino = which + 1;
}

static int sysfile_stat(struct file *f, struct kstat *st)
{
	sysfile_which_stat((uintptr_t)f->priv, st);
	return 0;
}

static int sysfile_stat_path(const char *path, struct kstat *st)
{
	int i = sysfile_lookup(path);
	if (i >= 0)
		sysfile_which_stat((uintptr_t)i, st);
	return i < 0 ? i : 0;
}

static long sysfile_getdents(struct file *f, uint64_t ubuf, size_t n, uint64_t *off)
{
	if ((uintptr_t)f->priv != SYS_DIR)
		return -ENOTDIR;
	struct dirent_buf d = DIRENT_BUF(f, ubuf, n);
	for (uint64_t i = *off + 1; i < ARRAY_SIZE(names); i++) {
		if (!dirent_emit(&d, i + 1, i, DT_REG, names[i]))
			break;
		*off = i;
	}
	return dirent_done(&d);
}

static const struct scheme_ops sys_ops = {.open = sysfile_open,
                                          .read = sysfile_read,
                                          .write = sysfile_write,
                                          .stat = sysfile_stat,
                                          .stat_path = sysfile_stat_path,
                                          .getdents = sysfile_getdents};

/* Register sys:. */
void sys_scheme_init(void) { scheme_register("sys", &sys_ops); }
