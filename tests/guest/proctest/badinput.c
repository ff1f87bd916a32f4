/* proctest: bad paths, offsets, buffers and sizes. */
#define _GNU_SOURCE
#include "proctest.h"

/* ------------------------------------------------------------------------ */
/* Bad input                                                                */
/* ------------------------------------------------------------------------ */

static void bad_unknown_files_enoent(void)
{
	static const char *const paths[] = {"proc:self/foo",       "proc:self/regs/foo",
	                                    "proc:self/regs/",     "proc:self/Status",
	                                    "proc:self/statusx",   "proc:1/nope",
	                                    "proc:self/regs/intx", "proc:self/regs/int/x"};
	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		errno = 0;
		int fd = open(paths[i], O_RDONLY);
		if (i == 2 && fd >= 0) { /* "regs/" may name the regs directory */
			close(fd);
			continue;
		}
		if (fd >= 0 || (errno != ENOENT && errno != ENOTDIR))
			FAILF("open %s: fd %d errno %d, want ENOENT", paths[i], fd, errno);
	}
}

static void bad_pid_names_enoent(void)
{
	static const char *const pids[] = {"abc", "-1",    "99999999999", "4294967297",
	                                   "0",   "01",    "1x",          " 1",
	                                   "+1",  "self1", "2147483648",  "0x1"};
	char path[64];
	for (size_t i = 0; i < sizeof pids / sizeof pids[0]; i++) {
		snprintf(path, sizeof path, "proc:%s/status", pids[i]);
		errno = 0;
		int fd = open(path, O_RDONLY);
		if (fd >= 0 || errno != ENOENT)
			FAILF("open %s: fd %d errno %d, want ENOENT", path, fd, errno);
		snprintf(path, sizeof path, "proc:%s", pids[i]);
		errno = 0;
		fd = open(path, O_RDONLY | O_DIRECTORY);
		if (fd >= 0 || errno != ENOENT)
			FAILF("open %s: fd %d errno %d, want ENOENT", path, fd, errno);
	}
}

/* ".." never leaves proc:. A path that climbs above the root either fails
 * (ENOENT/ENOTDIR) or stays at the proc: root, as "/.." stays at "/". */
static void check_dotdot_at_root(const char *path)
{
	errno = 0;
	int fd = open(path, O_RDONLY);
	if (fd < 0) {
		if (errno != ENOENT && errno != ENOTDIR)
			FAILF("open %s: errno %d, want ENOENT or ENOTDIR", path, errno);
		return;
	}
	char buf[64], list[8192];
	CHECK_ERR(read(fd, buf, sizeof buf), EISDIR); /* not some other file */
	close(fd);
	CHECK(list_dir(path, list, sizeof list) == 0);
	if (!list_has_pid(list, getpid()))
		FAILF("%s opened something that is not the proc: root", path);
}

static void bad_dotdot_paths(void)
{
	static const char *const fail[] = {"proc:1/../../x",     "proc:1/status/x",
	                                   "proc:self/status/x", "proc:self/regs/int/x",
	                                   "proc:../x",          "proc:../../bin/proctest"};
	check_dotdot_at_root("proc:../");
	check_dotdot_at_root("proc:..");
	check_dotdot_at_root("proc:../..");
	for (size_t i = 0; i < sizeof fail / sizeof fail[0]; i++) {
		errno = 0;
		int fd = open(fail[i], O_RDONLY);
		if (fd >= 0 || (errno != ENOENT && errno != ENOTDIR))
			FAILF("open %s: fd %d errno %d, want ENOENT or ENOTDIR", fail[i], fd,
			      errno);
	}
	/* ".." inside proc: resolves textually, to the same file as without it */
	char a[512], b[512], v[32];
	CHECK(read_path("proc:self/regs/../status", a, sizeof a) > 0);
	CHECK(status_field(a, "pid", v, sizeof v) && atoi(v) == getpid());
	CHECK(read_path("proc:1/../self/status", b, sizeof b) > 0);
	CHECK(status_field(b, "pid", v, sizeof v) && atoi(v) == getpid());
}

static void bad_offsets_past_end_return_0(void)
{
	static const char *const files[] = {"status",   "cmdline",    "exe",      "maps",
	                                    "regs/int", "regs/float", "sysfilter"};
	struct probe_kid k = spawn_probe_kid(xmm_a);
	char buf[64];
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		int fd = proc_file(k.pid, files[i], O_RDONLY);
		CHECK(fd >= 0);
		static const int64_t offs[] = {65536, 1L << 40, INT64_MAX - 8, INT64_MAX};
		for (size_t j = 0; j < sizeof offs / sizeof offs[0]; j++) {
			errno = 0;
			ssize_t n = pread(fd, buf, sizeof buf, offs[j]);
			if (!(n == 0 || (n == -1 && errno == EINVAL)))
				FAILF("pread %s at %#lx: %zd errno %d", files[i],
				      (unsigned long)offs[j], n, errno);
		}
		CHECK_ERR(pread(fd, buf, sizeof buf, -1), EINVAL);
		CHECK_ERR(pread(fd, buf, sizeof buf, INT64_MIN), EINVAL);
		/* lseek beyond the end, then read: 0 */
		CHECK(lseek(fd, 100000, SEEK_SET) == 100000);
		CHECK(read(fd, buf, sizeof buf) == 0);
		close(fd);
	}
	kid_end(&k);
}

static void bad_negative_lseek_einval(void)
{
	static const char *const files[] = {"status", "regs/int", "regs/float", "maps"};
	struct probe_kid k = spawn_probe_kid(xmm_a);
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		int fd = proc_file(k.pid, files[i], O_RDONLY);
		CHECK(fd >= 0);
		CHECK_ERR(lseek(fd, -1, SEEK_SET), EINVAL);
		CHECK_ERR(lseek(fd, INT64_MIN, SEEK_SET), EINVAL);
		CHECK(lseek(fd, 10, SEEK_SET) == 10);
		CHECK_ERR(lseek(fd, -11, SEEK_CUR), EINVAL);
		CHECK(lseek(fd, 0, SEEK_CUR) == 10); /* unchanged by the failure */
		CHECK_ERR(lseek(fd, -100000, SEEK_END), EINVAL);
		CHECK_ERR(lseek(fd, 0, 77), EINVAL);
		CHECK_ERR(lseek(fd, INT64_MAX, SEEK_CUR), EINVAL);
		close(fd);
	}
	int fd = proc_file(k.pid, "regs/int", O_RDONLY);
	CHECK(lseek(fd, 0, SEEK_END) == 216);
	CHECK(lseek(fd, -16, SEEK_END) == 200);
	close(fd);
	kid_end(&k);
}

static void bad_read_buffers_efault(void)
{
	static const char *const files[] = {"status",   "cmdline",    "exe",       "maps",
	                                    "regs/int", "regs/float", "sysfilter", "mem"};
	struct probe_kid k = spawn_probe_kid(xmm_a);
	pid_t pids[2] = {k.pid, getpid()};
	for (int p = 0; p < 2; p++)
		for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
			int fd = proc_file(pids[p], files[i], O_RDONLY);
			CHECK(fd >= 0);
			off_t off = strcmp(files[i], "mem") == 0 ? (off_t)(uintptr_t)xmm_a : 0;
			for (size_t b = 0; b < NBAD; b++) {
				errno = 0;
				ssize_t n = pread(fd, bad_ptrs[b], 16, off);
				if (n != -1 || errno != EFAULT)
					FAILF("pread proc:%d/%s into %p: %zd errno %d, want EFAULT",
					      (int)pids[p], files[i], bad_ptrs[b], n, errno);
				CHECK(lseek(fd, off, SEEK_SET) == off);
				errno = 0;
				n = read(fd, bad_ptrs[b], 8);
				if (n != -1 || errno != EFAULT)
					FAILF("read proc:%d/%s into %p: %zd errno %d, want EFAULT",
					      (int)pids[p], files[i], bad_ptrs[b], n, errno);
			}
			close(fd);
		}
	kid_end(&k);
}

static void bad_write_buffers_efault(void)
{
	struct probe_kid k = spawn_probe_kid(xmm_a);
	int t = attach_stopped(k.pid);
	static const struct {
		const char *file;
		size_t len;
	} w[] = {{"regs/int", 216}, {"regs/float", 512}, {"sysfilter", 64}, {"mem", 8}};
	struct user_regs before, after;
	int rfd = proc_file(k.pid, "regs/int", O_RDWR);
	CHECK(rfd >= 0);
	pread_regs(rfd, &before);
	for (size_t i = 0; i < sizeof w / sizeof w[0]; i++) {
		int fd = proc_file(k.pid, w[i].file, O_RDWR);
		CHECK(fd >= 0);
		off_t off = strcmp(w[i].file, "mem") == 0 ? (off_t)(uintptr_t)&kid_main : 0;
		for (size_t b = 0; b < NBAD; b++) {
			errno = 0;
			ssize_t n = pwrite(fd, bad_ptrs[b], w[i].len, off);
			if (n != -1 || errno != EFAULT)
				FAILF("pwrite %s from %p: %zd errno %d, want EFAULT", w[i].file,
				      bad_ptrs[b], n, errno);
		}
		close(fd);
	}
	for (size_t b = 0; b < NBAD; b++)
		CHECK_ERR(write(t, bad_ptrs[b], 8), EFAULT);
	pread_regs(rfd, &after);
	check_regs_equal(&after, &before, "after EFAULT writes");
	close(rfd);
	close(t);
	kid_cycle_intact(&k, xmm_a);
	kid_end(&k);
}

static void bad_getdents_buffers(void)
{
	static const char *const dirs[] = {"proc:", "proc:self", "proc:self/regs", "/scheme/proc"};
	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		int fd = open(dirs[i], O_RDONLY | O_DIRECTORY);
		CHECK(fd >= 0);
		char buf[512];
		CHECK_ERR(syscall(SYS_getdents64, fd, buf, 1), EINVAL);
		CHECK_ERR(syscall(SYS_getdents64, fd, buf, 8), EINVAL);
		CHECK_ERR(syscall(SYS_getdents64, fd, buf, 19), EINVAL);
		for (size_t b = 0; b < NBAD; b++)
			CHECK_ERR(syscall(SYS_getdents64, fd, bad_ptrs[b], sizeof buf), EFAULT);
		CHECK(syscall(SYS_getdents64, fd, buf, sizeof buf) > 0); /* still readable after */
		close(fd);
	}
	int fd = open("proc:self/status", O_RDONLY);
	CHECK(fd >= 0);
	char buf[256];
	CHECK_ERR(syscall(SYS_getdents64, fd, buf, sizeof buf), ENOTDIR);
	close(fd);
	CHECK_ERR(open("proc:self/status", O_RDONLY | O_DIRECTORY), ENOTDIR);
}

static void bad_directory_read_write_eisdir(void)
{
	static const char *const dirs[] = {"proc:", "proc:self", "proc:self/regs",
	                                   "/scheme/proc/self"};
	char buf[64];
	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		int fd = open(dirs[i], O_RDONLY | O_DIRECTORY);
		CHECK(fd >= 0);
		CHECK_ERR(read(fd, buf, sizeof buf), EISDIR);
		CHECK_ERR(pread(fd, buf, sizeof buf, 0), EISDIR);
		CHECK_ERR2(write(fd, buf, 8), EBADF, EISDIR);
		close(fd);
		CHECK_ERR(open(dirs[i], O_RDWR), EISDIR);
		CHECK_ERR(open(dirs[i], O_WRONLY), EISDIR);
	}
}

static void bad_write_readonly_files(void)
{
	static const char *const files[] = {"status", "cmdline", "exe", "maps"};
	struct probe_kid k = spawn_probe_kid(xmm_a);
	char buf[64] = "x";
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		CHECK_ERR2(proc_file(k.pid, files[i], O_WRONLY), EACCES, EBADF);
		CHECK_ERR2(proc_file(k.pid, files[i], O_RDWR), EACCES, EBADF);
		int fd = proc_file(k.pid, files[i], O_RDONLY);
		CHECK(fd >= 0);
		CHECK_ERR(write(fd, buf, 1), EBADF);
		CHECK_ERR(pwrite(fd, buf, 1, 0), EBADF);
		close(fd);
	}
	/* a read-only handle on a writable file cannot write either */
	int t = attach_stopped(k.pid);
	int fd = proc_file(k.pid, "regs/int", O_RDONLY);
	struct user_regs r;
	pread_regs(fd, &r);
	CHECK_ERR(pwrite(fd, &r, sizeof r, 0), EBADF);
	close(fd);
	close(t);
	kid_cycle_intact(&k, xmm_a);
	kid_end(&k);
}

/* A buffer whose next page is unmapped: at most one page is writable. */
static char *guarded_page(void)
{
	char *a = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(a != MAP_FAILED);
	CHECK(munmap(a + PAGE, PAGE) == 0);
	return a;
}

static void bad_size_max_lengths(void)
{
	static const char *const files[] = {"status",   "cmdline",    "exe",       "maps",
	                                    "regs/int", "regs/float", "sysfilter", "mem"};
	struct probe_kid k = spawn_probe_kid(xmm_a);
	char *page = guarded_page();
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		int fd = proc_file(k.pid, files[i], O_RDONLY);
		CHECK(fd >= 0);
		off_t off = strcmp(files[i], "mem") == 0 ? (off_t)(uintptr_t)&kid_main : 0;
		errno = 0;
		ssize_t n = pread(fd, page, SIZE_MAX, off);
		/* an error, or no more than fits before the unmapped page */
		if (!((n == -1 && (errno == EFAULT || errno == EINVAL)) ||
		      (n >= 0 && (size_t)n <= PAGE)))
			FAILF("pread %s len SIZE_MAX: %zd errno %d", files[i], n, errno);
		errno = 0;
		n = pread(fd, page + PAGE - 8, SIZE_MAX, off); /* 8 bytes, then unmapped */
		CHECK(n == -1 && (errno == EFAULT || errno == EINVAL));
		close(fd);
	}
	int t = attach_stopped(k.pid);
	static const char *const wfiles[] = {"regs/int", "regs/float", "sysfilter"};
	for (size_t i = 0; i < 3; i++) {
		int fd = proc_file(k.pid, wfiles[i], O_RDWR);
		CHECK(fd >= 0);
		CHECK_ERR2(pwrite(fd, page, SIZE_MAX, 0), EINVAL, EFAULT);
		CHECK_ERR2(pwrite(fd, page, (size_t)1 << 32, 0), EINVAL, EFAULT);
		close(fd);
	}
	uint64_t flags = 0;
	CHECK_ERR2(write(t, &flags, SIZE_MAX), EINVAL, EFAULT);
	close(t);
	kid_cycle_intact(&k, xmm_a);
	kid_end(&k);
}

/* A trace session reads events and writes requests: opening trace for
 * reading or writing only is EACCES and attaches nothing (it used to make a
 * session whose handle could never resume the target). */
static void bad_trace_open_needs_read_write(void)
{
	struct probe_kid k = spawn_probe_kid(xmm_a);
	long sessions = sys_value("sessions");
	CHECK_ERR(proc_file(k.pid, "trace", O_RDONLY), EACCES);
	CHECK_ERR(proc_file(k.pid, "trace", O_WRONLY), EACCES);
	CHECK(sys_value("sessions") == sessions);
	CHECK(status_num(k.pid, "tracer") == 0);
	kid_end(&k);
}

/* O_CREAT on a missing pid is ENOENT (no such process), as on Linux. */
static void bad_creat_missing_pid_enoent(void)
{
	CHECK_ERR(open("proc:2147483647/status", O_RDONLY | O_CREAT, 0644), ENOENT);
	CHECK_ERR(open("proc:self/status", O_RDONLY | O_CREAT, 0644), EACCES);
}

/* d_ino of a listing is the st_ino of the file it names. */
static void listing_inodes_match_stat(void)
{
	const char *dirs[] = {"proc:", "proc:self", "proc:self/regs"};
	for (size_t d = 0; d < sizeof dirs / sizeof dirs[0]; d++) {
		int fd = open(dirs[d], O_RDONLY | O_DIRECTORY);
		CHECK(fd >= 0);
		char buf[4096];
		long n = syscall(SYS_getdents64, fd, buf, sizeof buf);
		CHECK(n > 0);
		for (long off = 0; off < n;) {
			struct {
				uint64_t ino;
				int64_t off;
				uint16_t reclen;
				uint8_t type;
				char name[];
			} *e = (void *)(buf + off);
			char path[128];
			struct stat st;
			snprintf(path, sizeof path, "%s%s%s", dirs[d], d ? "/" : "", e->name);
			int dots = !strcmp(e->name, ".") || !strcmp(e->name, ".."); /* ktest's */
			if (!dots && stat(path, &st) == 0 && st.st_ino != e->ino)
				FAILF("%s: d_ino %lu, st_ino %lu", path, (unsigned long)e->ino,
				      (unsigned long)st.st_ino);
			off += e->reclen;
		}
		close(fd);
	}
}

static void bad_input_kernel_still_alive(void)
{
	/* After everything above, the kernel still answers. */
	char buf[512];
	CHECK(read_path("proc:self/status", buf, sizeof buf) > 0);
	CHECK(sys_value("procs") > 0);
	struct probe_kid k = spawn_probe_kid(xmm_a);
	kid_cycle_intact(&k, xmm_a);
	kid_end(&k);
}

static const struct test tests[] = {
    T(bad_unknown_files_enoent),
    T(bad_pid_names_enoent),
    T(bad_dotdot_paths),
    T(bad_offsets_past_end_return_0),
    T(bad_negative_lseek_einval),
    T(bad_read_buffers_efault),
    T(bad_write_buffers_efault),
    T(bad_getdents_buffers),
    T(bad_directory_read_write_eisdir),
    T(bad_write_readonly_files),
    T(bad_size_max_lengths),
    T(bad_trace_open_needs_read_write),
    T(bad_creat_missing_pid_enoent),
    T(listing_inodes_match_stat),
    T(bad_input_kernel_still_alive),
};

const struct test_area area_badinput = TEST_AREA("badinput", tests);
