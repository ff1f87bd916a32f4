/* Host unit test for kernel/fs/scheme_sys.c (unity build with scheme.c and
 * file.c): the listing, decimal counters, and the parsing and permission
 * checks of poweroff and pid_max (machine_exit longjmps back to the test). */
#include "fs_host.h"
#include <setjmp.h>
#include "../../kernel/fs/scheme.c"
#include "../../kernel/fs/file.c"
#include "../../kernel/fs/scheme_sys.c"

static struct proc me;
struct proc *current = &me;
int proc_pid_max = PID_MAX_DEFAULT;
static jmp_buf exit_jmp;
static int exit_code = -1;

size_t pmm_free_count(void) { return 12345; }
size_t heap_bytes_in_use(void) { return 678; }
int ptrace_session_count(void) { return 2; }
int proc_count(void) { return 3; }
uint64_t clock_ns(void) { return 1000000007ull; }

_Noreturn void machine_exit(int code)
{
	exit_code = code;
	longjmp(exit_jmp, 1);
}

static struct file *op(const char *path, int flags)
{
	struct file *f = NULL;
	if (!scheme_find("sys", 3))
		sys_scheme_init();
	return file_open(path, flags, 0, &f) ? NULL : f;
}

static const char *cat(const char *path)
{
	static char buf[64];
	memset(buf, 0, sizeof buf);
	struct file *f = op(path, O_RDONLY);
	if (!f)
		return "(no file)";
	long n = f->ops->read(f, U(buf), sizeof buf - 1, &f->off);
	file_put(f);
	return n < 0 ? "(error)" : buf;
}

/* Write s to sys:path; returns the result, or 1000 + code if it powered off. */
static long sysput(const char *path, const char *s)
{
	struct file *f = op(path, O_WRONLY);
	if (!f)
		return -9999;
	volatile long r;
	if (setjmp(exit_jmp))
		r = 1000 + exit_code;
	else
		r = f->ops->write(f, U(s), strlen(s), &f->off);
	file_put(f);
	return r;
}

TEST(counters)
{
	CHECK_STR_EQ(cat("sys:free_frames"), "12345\n");
	CHECK_STR_EQ(cat("sys:heap_bytes"), "678\n");
	CHECK_STR_EQ(cat("/scheme/sys/uptime_ns"), "1000000007\n");
	CHECK_STR_EQ(cat("sys:procs"), "3\n");
	CHECK_STR_EQ(cat("sys:poweroff"), "");
	CHECK_STR_EQ(cat("sys:nope"), "(no file)");
	CHECK_STR_EQ(cat("sys:"), "(error)"); /* a directory */
	struct file *f = op("sys:heap_bytes", O_RDONLY);
	char c[2] = {0};
	uint64_t off = 3;
	CHECK_EQ(f->ops->read(f, U(c), 1, &off), 1);
	CHECK_EQ(c[0], '\n');
	CHECK_EQ(f->ops->read(f, U(c), 1, &off), 0);
	file_put(f);
}

TEST(listing)
{
	struct file *f = op("sys:", O_RDONLY | O_DIRECTORY);
	CHECK(f != NULL);
	uint8_t buf[512];
	long n = f->ops->getdents(f, U(buf), sizeof buf, &f->off);
	char all[256] = "";
	for (long pos = 0; pos < n;) {
		uint16_t reclen;
		memcpy(&reclen, buf + pos + 16, 2);
		strcat(all, (char *)buf + pos + 19);
		strcat(all, " ");
		pos += reclen;
	}
	CHECK_STR_EQ(all, "poweroff free_frames heap_bytes sessions procs uptime_ns pid_max ");
	CHECK_EQ(f->ops->getdents(f, U(buf), sizeof buf, &f->off), 0);
	file_put(f);
	CHECK(op("sys:", O_WRONLY) == NULL);
}

TEST(poweroff)
{
	me.euid = 0;
	CHECK_EQ(sysput("sys:poweroff", "3\n"), 1003);
	CHECK_EQ(sysput("sys:poweroff", "0"), 1000);
	CHECK_EQ(sysput("sys:poweroff", "257"), 1001); /* an exit status: low 8 bits */
	CHECK_EQ(sysput("sys:poweroff", ""), -EINVAL);
	CHECK_EQ(sysput("sys:poweroff", "x"), -EINVAL);
	CHECK_EQ(sysput("sys:poweroff", "1x"), -EINVAL);
	CHECK_EQ(sysput("sys:poweroff", "12345678901234567"), -EINVAL);
	me.euid = 1000;
	CHECK_EQ(sysput("sys:poweroff", "0"), -EPERM);
	me.euid = 0;
	CHECK_EQ(sysput("sys:free_frames", "1"), -EACCES);
}

TEST(pid_max)
{
	me.euid = 0;
	CHECK_STR_EQ(cat("sys:pid_max"), "32768\n");
	CHECK_EQ(sysput("sys:pid_max", "400\n"), 4);
	CHECK_EQ(proc_pid_max, 400);
	CHECK_EQ(sysput("sys:pid_max", "10"), -EINVAL); /* below PID_MAX_MIN */
	CHECK_EQ(sysput("sys:pid_max", "99999"), -EINVAL);
	me.euid = 5;
	CHECK_EQ(sysput("sys:pid_max", "500"), -EPERM);
	me.euid = 0;
	CHECK_EQ(sysput("sys:pid_max", "32768"), 5);
	CHECK_EQ(proc_pid_max, PID_MAX_DEFAULT);
}

/* stat by path (no open) gives what stat of an open handle gives. */
static bool stat_path_matches(const char *path)
{
	struct kstat a, b;
	struct file *f = NULL;
	if (file_stat_path(path, &a, NULL) || file_open(path, O_RDONLY, 0, &f))
		return false;
	int err = f->ops->stat(f, &b);
	file_put(f);
	return !err && memcmp(&a, &b, sizeof a) == 0;
}

TEST(stat_path_matches_open_stat)
{
	struct file *f = op("sys:", O_RDONLY); /* registers sys: */
	CHECK(f != NULL);
	file_put(f);
	CHECK(stat_path_matches("sys:"));
	CHECK(stat_path_matches("sys:free_frames"));
	CHECK(stat_path_matches("sys:poweroff"));
	struct kstat st;
	CHECK_EQ(file_stat_path("sys:nope", &st, NULL), -ENOENT);
	CHECK_EQ(file_stat_path("sys:pid_max", &st, NULL), 0);
	CHECK_EQ(st.mode, S_IFREG | 0644);
}

int main(void) { return tap_main(); }
