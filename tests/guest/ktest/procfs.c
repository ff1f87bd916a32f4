/* ktest area: the Linux /proc (issue 12): /proc/self, the per-process
 * files in Linux's formats agreeing with the calls that report the same
 * facts, the symlinks readlink resolves, the system files, Linux's access
 * rules for environ, exe, cwd and fd/ of other users' processes, handles
 * bound to their process, and read-only. They run on Linux too; what only
 * Procyon has (proc: agreeing with /proc) is checked on Procyon only. */
#define _GNU_SOURCE
#include "ktest.h"

static char text[8192];

static const char *read_all(const char *path)
{
	long n = read_path(path, text, sizeof text - 1);
	CHECK(n >= 0);
	text[n < 0 ? 0 : n] = 0;
	return text;
}

/* The number after "key:\t" in /proc/self/status, -1 if none. */
static long status_field_num(const char *status, const char *key)
{
	const char *at = strstr(status, key);
	return at ? strtol(at + strlen(key), NULL, 10) : -1;
}

static void proc_self_is_the_caller(void)
{
	char buf[64], want[32];
	long n = readlink("/proc/self", buf, sizeof buf - 1);
	CHECK(n > 0);
	buf[n < 0 ? 0 : n] = 0;
	snprintf(want, sizeof want, "%d", getpid());
	CHECK(strcmp(buf, want) == 0);
	n = readlink("/proc/self/exe", buf, sizeof buf - 1);
	CHECK(n > 0 && buf[0] == '/');
	buf[n < 0 ? 0 : n] = 0;
	CHECK(strstr(buf, "ktest") != NULL);
	char cwd[256];
	CHECK(chdir("/tmp") == 0 && getcwd(cwd, sizeof cwd));
	n = readlink("/proc/self/cwd", buf, sizeof buf - 1);
	CHECK(n == (long)strlen(cwd) && memcmp(buf, cwd, (size_t)n) == 0);
	struct stat st;
	CHECK(lstat("/proc/self", &st) == 0 && S_ISLNK(st.st_mode));
	CHECK(stat("/proc/self", &st) == 0 && S_ISDIR(st.st_mode));
}

/* stat and status say what getpid, getppid, getpgrp, getsid and getuid say. */
static void proc_stat_and_status_agree_with_the_calls(void)
{
	const char *s = read_all("/proc/self/stat");
	int pid, ppid, pgrp, sid;
	char comm[32], state;
	CHECK(sscanf(s, "%d (%31[^)]) %c %d %d %d", &pid, comm, &state, &ppid, &pgrp, &sid) == 6);
	CHECK(pid == getpid() && ppid == getppid() && pgrp == getpgrp() && sid == getsid(0));
	CHECK(state == 'R' && strcmp(comm, "ktest") == 0);
	int fields = 0;
	for (const char *c = strrchr(s, ')'); c && *c; c++)
		fields += *c == ' ';
	CHECK(fields >= 50); /* Linux 6.1 has 52 fields */
	s = read_all("/proc/self/status");
	CHECK(strncmp(s, "Name:\tktest\n", 12) == 0);
	CHECK(status_field_num(s, "\nPid:\t") == getpid());
	CHECK(status_field_num(s, "\nPPid:\t") == getppid());
	CHECK(status_field_num(s, "\nUid:\t") == (long)getuid());
	CHECK(strstr(s, "\nState:\tR (running)\n") && strstr(s, "\nVmRSS:"));
	unsigned long size, rss;
	CHECK(sscanf(read_all("/proc/self/statm"), "%lu %lu", &size, &rss) == 2 && rss > 0 &&
	      size >= rss);
	if (on_procyon()) { /* proc: and /proc never disagree about a process */
		char path[64];
		snprintf(path, sizeof path, "proc:%d/status", getpid());
		CHECK(status_num(getpid(), "ppid") == getppid());
		CHECK(status_num(getpid(), "uid") == (long)getuid());
	}
}

static void cmdline_environ_comm_maps(void)
{
	long n = read_path("/proc/self/cmdline", text, sizeof text);
	CHECK(n > 0 && text[n - 1] == 0 && strstr(text, "ktest"));
	n = read_path("/proc/self/environ", text, sizeof text);
	CHECK(n >= 0);
	extern char **environ;
	if (environ[0]) { /* the environment exec gave it, NUL-separated */
		size_t l = strlen(environ[0]);
		CHECK(n >= (long)l && memcmp(text, environ[0], l) == 0);
	}
	CHECK(strcmp(read_all("/proc/self/comm"), "ktest\n") == 0);
	CHECK(strstr(read_all("/proc/self/maps"), " [stack]\n") != NULL);
}

static void fd_directory_links_to_what_is_open(void)
{
	int fd = open("/tmp/kt-procfs-fd", O_RDWR | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0);
	char path[64], buf[128];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	long n = readlink(path, buf, sizeof buf - 1);
	CHECK(n == 17 && memcmp(buf, "/tmp/kt-procfs-fd", 17) == 0);
	struct stat st;
	CHECK(lstat(path, &st) == 0 && S_ISLNK(st.st_mode) && (st.st_mode & 0777) == 0700);
	DIR *d = opendir("/proc/self/fd");
	CHECK(d != NULL);
	int seen = 0;
	char want[16];
	snprintf(want, sizeof want, "%d", fd);
	for (struct dirent *e; d && (e = readdir(d));)
		seen |= strcmp(e->d_name, want) == 0;
	if (d)
		closedir(d);
	CHECK(seen);
	close(fd);
	CHECK_ERR(readlink(path, buf, sizeof buf), ENOENT);
	unlink("/tmp/kt-procfs-fd");
}

static void system_files_in_linux_formats(void)
{
	unsigned long kb;
	CHECK(sscanf(read_all("/proc/meminfo"), "MemTotal: %lu kB", &kb) == 1 && kb > 0);
	CHECK(strstr(text, "\nMemFree:") && strstr(text, "\nMemAvailable:"));
	double up, idle;
	CHECK(sscanf(read_all("/proc/uptime"), "%lf %lf", &up, &idle) == 2 && up > 0);
	double l1, l5, l15;
	int running, total, last;
	CHECK(sscanf(read_all("/proc/loadavg"), "%lf %lf %lf %d/%d %d", &l1, &l5, &l15, &running,
	             &total, &last) == 6 &&
	      total >= running && total > 0);
	CHECK(strncmp(read_all("/proc/stat"), "cpu ", 4) == 0 && strstr(text, "\nbtime "));
	CHECK(strstr(read_all("/proc/cpuinfo"), "processor\t: 0\n") != NULL);
	CHECK(strstr(read_all("/proc/mounts"), " /proc proc ") != NULL);
	CHECK(strstr(read_all("/proc/filesystems"), "proc\n") != NULL);
	CHECK(atoi(read_all("/proc/sys/kernel/pid_max")) > 1);
	CHECK(read_path("/proc/version", text, sizeof text) > 0);
	struct statfs_k {
		long type, bsize;
		unsigned long rest[13];
	} sf;
	CHECK(syscall(SYS_statfs, "/proc", &sf) == 0 && sf.type == 0x9fa0);
}

static void root_lists_processes_and_files(void)
{
	DIR *d = opendir("/proc");
	CHECK(d != NULL);
	int self = 0, me = 0, meminfo = 0;
	char want[16];
	snprintf(want, sizeof want, "%d", getpid());
	for (struct dirent *e; d && (e = readdir(d));) {
		self |= strcmp(e->d_name, "self") == 0;
		me |= strcmp(e->d_name, want) == 0 && e->d_type == DT_DIR;
		meminfo |= strcmp(e->d_name, "meminfo") == 0;
	}
	if (d)
		closedir(d);
	CHECK(self && me && meminfo);
}

/* Linux's ptrace-read rule: another user's environ, exe, cwd and fd/ are
 * EACCES; its stat and status are anyone's. */
static void other_users_private_files_eacces(void)
{
	int pid = spawn_sleeper_as(0, 0);
	pid_t kid = fork();
	if (kid == 0) {
		become(1000, 1000);
		char path[64], buf[64];
		snprintf(path, sizeof path, "/proc/%d/environ", pid);
		CHECK_ERR(open(path, O_RDONLY), EACCES);
		snprintf(path, sizeof path, "/proc/%d/exe", pid);
		CHECK_ERR(readlink(path, buf, sizeof buf), EACCES);
		snprintf(path, sizeof path, "/proc/%d/cwd", pid);
		CHECK_ERR(readlink(path, buf, sizeof buf), EACCES);
		snprintf(path, sizeof path, "/proc/%d/fd", pid);
		CHECK_ERR(open(path, O_RDONLY | O_DIRECTORY), EACCES);
		snprintf(path, sizeof path, "/proc/%d/status", pid);
		CHECK(read_path(path, buf, sizeof buf) > 0);
		snprintf(path, sizeof path, "/proc/%d/stat", pid);
		CHECK(read_path(path, buf, sizeof buf) > 0);
		_exit(0);
	}
	CHECK_EXITED(wait_within(kid, 5, "the other user"), 0);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* Bad input: a handle on a process that exits (and is reaped) while open
 * reads ESRCH from then on, leaking nothing; a user cannot open it for
 * writing. */
static void handle_of_a_gone_process_esrch(void)
{
	int pid = spawn_sleeper_as(0, 0);
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/status", pid);
	int fd = open(path, O_RDONLY);
	CHECK(fd >= 0);
	CHECK(read(fd, text, 16) == 16);
	kill(pid, SIGKILL);
	CHECK(waitpid(pid, NULL, 0) == pid);
	CHECK_ERR(pread(fd, text, sizeof text, 0), ESRCH);
	close(fd);
	CHECK_ERR(open(path, O_RDONLY), ENOENT);
	pid_t kid = fork(); /* root may open it for writing on Linux (and write nothing) */
	if (kid == 0) {
		become(1000, 1000);
		CHECK_ERR(open("/proc/self/status", O_WRONLY), EACCES);
		_exit(0);
	}
	CHECK_EXITED(wait_within(kid, 5, "the user"), 0);
	CHECK_ERR(open("/proc/self/nonexistent", O_RDONLY), ENOENT);
	CHECK_ERR(open("/proc/self/status/x", O_RDONLY), ENOTDIR);
}

static const struct test tests[] = {
    T(proc_self_is_the_caller),          T(proc_stat_and_status_agree_with_the_calls),
    T(cmdline_environ_comm_maps),        T(fd_directory_links_to_what_is_open),
    T(system_files_in_linux_formats),    T(root_lists_processes_and_files),
    T(other_users_private_files_eacces), T(handle_of_a_gone_process_esrch),
};

const struct test_area area_procfs = TEST_AREA("procfs", tests);
