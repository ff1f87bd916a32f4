/* proctest: naming and listings of proc:, cmdline, exe and maps. */
#define _GNU_SOURCE
#include "proctest.h"

/* ------------------------------------------------------------------------ */
/* Naming and listings.                                                     */
/* ------------------------------------------------------------------------ */

static void list_root_shows_live_pids(void)
{
	static char list[8192];
	struct probe_kid k = spawn_probe_kid(xmm_a);
	CHECK(list_dir("proc:", list, sizeof list) == 0);
	CHECK(list_has_pid(list, getpid()));
	CHECK(list_has_pid(list, getppid()));
	CHECK(list_has_pid(list, 1));
	CHECK(list_has_pid(list, k.pid));
	pid_t gone = k.pid;
	kid_end(&k);
	CHECK(list_dir("proc:", list, sizeof list) == 0);
	CHECK(!list_has_pid(list, gone));
	CHECK(list_has_pid(list, getpid()));
}

static void list_scheme_path_root_same(void)
{
	static char a[8192], b[8192];
	CHECK(list_dir("/scheme/proc", b, sizeof b) == 0);
	CHECK(list_dir("proc:", a, sizeof a) == 0);
	CHECK(list_has_pid(b, getpid()));
	CHECK(list_has_pid(b, 1));
	CHECK(strcmp(a, b) == 0);
}

static const char *const pid_files[] = {"status", "cmdline",   "exe",     "maps", "regs", "mem",
                                        "trace",  "sysfilter", "siginfo", "fd",   "cwd",  "task"};
#define PID_FILES (int)(sizeof pid_files / sizeof pid_files[0])

static void check_pid_dir_listing(const char *path)
{
	char list[1024];
	int r = list_dir(path, list, sizeof list);
	if (r)
		FAILF("listing %s: %d", path, r);
	for (size_t i = 0; i < sizeof pid_files / sizeof pid_files[0]; i++)
		if (!list_has(list, pid_files[i]))
			FAILF("%s lacks %s: %s", path, pid_files[i], list);
	if (count_lines(list) != PID_FILES)
		FAILF("%s lists %d entries, want %d: %s", path, count_lines(list), PID_FILES, list);
}

static void list_pid_dir_files(void)
{
	char path[64];
	struct probe_kid k = spawn_probe_kid(xmm_a);
	snprintf(path, sizeof path, "proc:%d", (int)k.pid);
	check_pid_dir_listing(path);
	snprintf(path, sizeof path, "/scheme/proc/%d", (int)k.pid);
	check_pid_dir_listing(path);
	snprintf(path, sizeof path, "proc:%d", (int)getpid());
	check_pid_dir_listing(path);
	kid_end(&k);
}

static void list_regs_dir_int_float(void)
{
	char list[256], path[64];
	snprintf(path, sizeof path, "proc:%d/regs", (int)getpid());
	CHECK(list_dir(path, list, sizeof list) == 0);
	CHECK(list_has(list, "int") && list_has(list, "float") && list_has(list, "debug") &&
	      count_lines(list) == 3);
	CHECK(list_dir("proc:self/regs", list, sizeof list) == 0);
	CHECK(list_has(list, "int") && list_has(list, "float"));
}

static void self_names_caller(void)
{
	char a[512], b[512], v[32];
	check_pid_dir_listing("proc:self");
	check_pid_dir_listing("/scheme/proc/self");
	CHECK(read_path("proc:self/status", a, sizeof a) > 0);
	CHECK(status_field(a, "pid", v, sizeof v) && atoi(v) == getpid());
	CHECK(read_path("/scheme/proc/self/status", b, sizeof b) > 0);
	CHECK(status_field(b, "pid", v, sizeof v) && atoi(v) == getpid());
	/* A child's self is the child. */
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		char t[512], w[32];
		_exit(read_path("proc:self/status", t, sizeof t) > 0 &&
		              status_field(t, "pid", w, sizeof w) && atoi(w) == getpid()
		          ? 0
		          : 1);
	}
	CHECK_EXITED(wait_for(pid), 0);
}

static void scheme_path_same_status(void)
{
	char a[512], b[512], path[64];
	struct probe_kid k = spawn_probe_kid(xmm_a);
	CHECK(read_proc(k.pid, "status", a, sizeof a) > 0);
	snprintf(path, sizeof path, "/scheme/proc/%d/status", (int)k.pid);
	CHECK(read_path(path, b, sizeof b) > 0);
	CHECK(strcmp(a, b) == 0);
	kid_end(&k);
}

/* ------------------------------------------------------------------------ */
/* cmdline and exe                                                          */
/* ------------------------------------------------------------------------ */

static void cmdline_self_is_argv(void)
{
	char buf[1024], want[1024];
	size_t len = 0;
	for (int i = 0; i < saved_argc; i++) {
		size_t n = strlen(saved_argv[i]) + 1;
		CHECK(len + n < sizeof want);
		memcpy(want + len, saved_argv[i], n);
		len += n;
	}
	int fd = open("proc:self/cmdline", O_RDONLY);
	CHECK(fd >= 0);
	ssize_t n = read(fd, buf, sizeof buf);
	CHECK(n == (ssize_t)len);
	CHECK(memcmp(buf, want, len) == 0);
	close(fd);
}

/* Exec "proctest --block ..." in a child reading our pipe; argv0 is how it
 * is named to execve (path), and dir the directory to chdir to first. */
static pid_t spawn_blocker(const char *dir, const char *path, char *const argv[], int *wfd)
{
	int fd;
	pid_t pid = fork_piped(&fd, 0);
	if (pid == 0) {
		dup2(fd, 0);
		if (dir && chdir(dir) != 0)
			_exit(126);
		char *envp[] = {NULL};
		execve(path, argv, envp);
		_exit(127);
	}
	*wfd = fd;
	wait_until(pid, 'S', 0);
	return pid;
}

static void cmdline_exec_child_nul_separated(void)
{
	char *argv[] = {"proctest", "--block", "alpha", "", "beta gamma", NULL};
	static const char want[] = "proctest\0--block\0alpha\0\0beta gamma\0";
	int w;
	pid_t pid = spawn_blocker(NULL, "/bin/proctest", argv, &w);
	char buf[256];
	int fd = proc_file(pid, "cmdline", O_RDONLY);
	CHECK(fd >= 0);
	ssize_t n = read(fd, buf, sizeof buf);
	CHECK(n == (ssize_t)sizeof want - 1);
	CHECK(memcmp(buf, want, sizeof want - 1) == 0);
	CHECK(read(fd, buf, sizeof buf) == 0);
	/* a short buffer gets the first bytes, then the rest */
	CHECK(pread(fd, buf, 5, 0) == 5 && memcmp(buf, "proct", 5) == 0);
	CHECK(pread(fd, buf, 6, 9) == 6 && memcmp(buf, "--bloc", 6) == 0);
	close(fd);
	char text[512], v[64];
	status_read(pid, text, sizeof text);
	CHECK(status_field(text, "name", v, sizeof v) && strcmp(v, "proctest") == 0);
	close(w);
	CHECK_EXITED(wait_for(pid), 0);
}

static void exe_is_absolute_path(void)
{
	char buf[256];
	CHECK(read_path("proc:self/exe", buf, sizeof buf) > 0);
	CHECK(strcmp(buf, "/bin/proctest") == 0);
	struct probe_kid k = spawn_probe_kid(xmm_a);
	CHECK(read_proc(k.pid, "exe", buf, sizeof buf) > 0);
	CHECK(strcmp(buf, "/bin/proctest") == 0);
	kid_end(&k);
}

static void exe_absolute_after_relative_exec(void)
{
	char *argv[] = {"proctest", "--block", NULL};
	int w;
	pid_t pid = spawn_blocker("/bin", "./proctest", argv, &w);
	char buf[256];
	CHECK(read_proc(pid, "exe", buf, sizeof buf) > 0);
	if (strcmp(buf, "/bin/proctest") != 0)
		FAILF("exe after execve(\"./proctest\") in /bin is \"%s\"", buf);
	close(w);
	CHECK_EXITED(wait_for(pid), 0);
}

/* ------------------------------------------------------------------------ */
/* maps                                                                     */
/* ------------------------------------------------------------------------ */

struct map {
	uint64_t start, end, off;
	char perms[8];
	char path[128];
};

/* Parse proc:PID/maps (or self when pid is 0), checking every line's form
 * and that mappings are sorted and disjoint. */
static int read_maps(pid_t pid, struct map *m, int max)
{
	static char text[16384];
	long len = pid ? read_proc(pid, "maps", text, sizeof text)
	               : read_path("proc:self/maps", text, sizeof text);
	if (len <= 0)
		FAILF("reading maps: %ld", len);
	CHECK(text[len - 1] == '\n');
	int n = 0;
	for (char *l = text; *l && n < max;) {
		char *e = strchr(l, '\n');
		*e = '\0';
		struct map *x = &m[n];
		x->path[0] = '\0';
		int f = sscanf(l, "%lx-%lx %7s %lx %127[^\n]", &x->start, &x->end, x->perms,
		               &x->off, x->path);
		if (f < 4)
			FAILF("bad maps line '%s'", l);
		if (x->start >= x->end || (x->start | x->end) % PAGE || x->end > USER_TOP)
			FAILF("bad range in '%s'", l);
		if (strlen(x->perms) != 4 || !strchr("r-", x->perms[0]) ||
		    !strchr("w-", x->perms[1]) || !strchr("x-", x->perms[2]) ||
		    !strchr("ps", x->perms[3]))
			FAILF("bad perms in '%s'", l);
		if (n > 0 && x->start < m[n - 1].end)
			FAILF("maps not sorted/disjoint at '%s'", l);
		n++;
		l = e + 1;
	}
	return n;
}

static const struct map *map_at(const struct map *m, int n, uint64_t addr)
{
	for (int i = 0; i < n; i++)
		if (addr >= m[i].start && addr < m[i].end)
			return &m[i];
	return NULL;
}

/* Is [a, b) covered by maps with perms p (first three chars)? */
static int covered(const struct map *m, int n, uint64_t a, uint64_t b, const char *p)
{
	while (a < b) {
		const struct map *x = map_at(m, n, a);
		if (!x || strncmp(x->perms, p, 3) != 0)
			return 0;
		a = x->end;
	}
	return 1;
}

static struct map maps_buf[128];

static void maps_stack_and_text(void)
{
	int local = 0;
	int n = read_maps(0, maps_buf, 128);
	const struct map *s = map_at(maps_buf, n, (uint64_t)(uintptr_t)&local);
	CHECK(s != NULL);
	CHECK(strncmp(s->perms, "rw-", 3) == 0);
	CHECK(strcmp(s->path, "[stack]") == 0);
	const struct map *t = map_at(maps_buf, n, (uint64_t)(uintptr_t)&maps_stack_and_text);
	CHECK(t != NULL);
	if (strncmp(t->perms, "r-x", 3) != 0 || strcmp(t->path, "/bin/proctest") != 0)
		FAILF("text mapping: %lx-%lx %s '%s'", (unsigned long)t->start,
		      (unsigned long)t->end, t->perms, t->path);
	CHECK(map_at(maps_buf, n, (uint64_t)(uintptr_t)probe_after_syscall) != NULL);
}

static void maps_heap_after_brk(void)
{
	uint64_t cur = (uint64_t)syscall(SYS_brk, 0);
	uint64_t want = ((cur + PAGE - 1) & ~(PAGE - 1)) + 3 * PAGE;
	CHECK((uint64_t)syscall(SYS_brk, want) == want);
	memset((void *)(uintptr_t)cur, 0x5a, want - cur);
	int n = read_maps(0, maps_buf, 128);
	if (!covered(maps_buf, n, cur & ~(PAGE - 1), want, "rw-"))
		FAILF("heap %lx-%lx not covered rw-", (unsigned long)cur, (unsigned long)want);
	const struct map *h = map_at(maps_buf, n, want - 1);
	CHECK(h && strcmp(h->path, "[heap]") == 0);
	CHECK(h->end == want);
}

static void maps_mmap_region_and_split(void)
{
	char *a = mmap(NULL, 3 * PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(a != MAP_FAILED);
	uint64_t s = (uint64_t)(uintptr_t)a;
	int n = read_maps(0, maps_buf, 128);
	CHECK(covered(maps_buf, n, s, s + 3 * PAGE, "r--"));
	/* a protection change in the middle shows three mappings */
	CHECK(mprotect(a + PAGE, PAGE, PROT_READ | PROT_WRITE) == 0);
	n = read_maps(0, maps_buf, 128);
	const struct map *m0 = map_at(maps_buf, n, s), *m1 = map_at(maps_buf, n, s + PAGE),
	                 *m2 = map_at(maps_buf, n, s + 2 * PAGE);
	CHECK(m0 && m1 && m2);
	CHECK(strncmp(m0->perms, "r--", 3) == 0 && m0->end == s + PAGE);
	CHECK(strncmp(m1->perms, "rw-", 3) == 0 && m1->start == s + PAGE &&
	      m1->end == s + 2 * PAGE);
	CHECK(strncmp(m2->perms, "r--", 3) == 0 && m2->start == s + 2 * PAGE);
	/* unmapped: gone */
	CHECK(munmap(a, 3 * PAGE) == 0);
	n = read_maps(0, maps_buf, 128);
	CHECK(map_at(maps_buf, n, s) == NULL && map_at(maps_buf, n, s + 2 * PAGE) == NULL);
}

static void maps_of_other_process(void)
{
	int local = 0;
	struct probe_kid k = spawn_probe_kid(xmm_a);
	int n = read_maps(k.pid, maps_buf, 128);
	const struct map *t = map_at(maps_buf, n, (uint64_t)(uintptr_t)probe_after_syscall);
	CHECK(t && strncmp(t->perms, "r-x", 3) == 0 && strcmp(t->path, "/bin/proctest") == 0);
	const struct map *s = map_at(maps_buf, n, (uint64_t)(uintptr_t)&local);
	CHECK(s && strcmp(s->path, "[stack]") == 0);
	kid_end(&k);
}

static const struct test tests[] = {
    T(list_root_shows_live_pids),  T(list_scheme_path_root_same),
    T(list_pid_dir_files),         T(list_regs_dir_int_float),
    T(self_names_caller),          T(scheme_path_same_status),
    T(cmdline_self_is_argv),       T(cmdline_exec_child_nul_separated),
    T(exe_is_absolute_path),       T(exe_absolute_after_relative_exec),
    T(maps_stack_and_text),        T(maps_heap_after_brk),
    T(maps_mmap_region_and_split), T(maps_of_other_process),
};

const struct test_area area_files = TEST_AREA("files", tests);
