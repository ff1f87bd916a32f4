/* hardening: no kernel path (execve of big or overlapping images, fork of
 * large memory, vfork under a tracer) keeps others waiting for long. */
#define _GNU_SOURCE
#include "hardening.h"

#define STALL_MS 60 /* a few 10 ms ticks: the bugs these catch stalled for seconds */

/* ------------------------------------------------------------------------ */
/* Stalls: no kernel path keeps others waiting for more than about a tick.  */
/* ------------------------------------------------------------------------ */

/* A sibling measuring the longest gap between two of its clock readings
 * while the test does something heavy. */
struct gapper {
	int pid, fd;
};

static struct gapper gap_start(int ms)
{
	int fd;
	int pid = fork_piped(&fd, 1);
	if (pid == 0) {
		long worst = 0, start = now_ns(), last = start;
		CHECK(write(fd, &worst, sizeof worst) == sizeof worst); /* running */
		while (last - start < ms * 1000000L) {
			long t = now_ns();
			worst = t - last > worst ? t - last : worst;
			last = t;
		}
		worst /= 1000000;
		CHECK(write(fd, &worst, sizeof worst) == sizeof worst);
		_exit(0);
	}
	long dummy;
	CHECK(read(fd, &dummy, sizeof dummy) == sizeof dummy);
	return (struct gapper){pid, fd};
}

static long gap_end(struct gapper *g)
{
	long worst = -1;
	CHECK(read(g->fd, &worst, sizeof worst) == sizeof worst);
	close(g->fd);
	CHECK_EXITED(wait_for(g->pid), 0);
	return worst;
}

/* The fuzzer's find: 64 PT_LOAD segments all covering the same 1 GiB froze
 * the machine for seconds inside execve (page walks per segment, with
 * interrupts off). Overlapping segments are now ENOEXEC, found at once. */
static void exec_overlapping_segments_no_stall(void)
{
	struct elf_phdr seg[63];
	for (int i = 0; i < 63; i++)
		seg[i] = (struct elf_phdr){1, 6, 0, 0x40000000, 0x40000000, 0, 1UL << 30, PAGE};
	write_elf("/tmp/hd_overlap", CODE_VA, seg, 63);
	struct gapper g = gap_start(300);
	long ms;
	CHECK_EXITED(exec_status("/tmp/hd_overlap", &ms), 100 + ENOEXEC);
	long worst = gap_end(&g);
	if (worst > STALL_MS || ms > 500)
		FAILF("execve took %ld ms, a sibling waited %ld ms", ms, worst);
}

/* 63 disjoint 16 MiB segments (a big but legal image) load without a
 * stall: the loader's work follows what the file maps, not page walks. */
static void exec_many_large_segments_no_stall(void)
{
	struct elf_phdr seg[63];
	for (int i = 0; i < 63; i++) {
		uint64_t va = 0x40000000UL + (uint64_t)i * (16UL << 20);
		seg[i] =
		    (struct elf_phdr){1, (uint32_t)(i % 2 ? 4 : 6), 0, va, va, 0, 16UL << 20, PAGE};
	}
	write_elf("/tmp/hd_big", CODE_VA, seg, 63);
	struct gapper g = gap_start(300);
	long ms;
	CHECK_EXITED(exec_status("/tmp/hd_big", &ms), 42);
	long worst = gap_end(&g);
	if (worst > STALL_MS)
		FAILF("a sibling waited %ld ms during a %ld ms execve", worst, ms);
}

/* fork copies touched memory with others still running between pages. */
static void fork_of_large_memory_no_stall(void)
{
	size_t len = 48 << 20;
	char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED);
	for (size_t i = 0; i < len; i += PAGE)
		m[i] = (char)i;
	struct gapper g = gap_start(300);
	int pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(m[len - PAGE] == (char)(len - PAGE) ? 0 : 9);
	CHECK_EXITED(wait_for(pid), 0);
	long worst = gap_end(&g);
	if (worst > STALL_MS)
		FAILF("a sibling waited %ld ms while fork copied 48 MiB", worst);
}

/* The child of a traced vfork, reported by EVENT_CLONE while the parent is
 * stopped. How the test disposes of the child while the parent is stopped: */
enum { CHILD_KILLED, CHILD_ATTACHED_EXITS, CHILD_EXECS };
static int vfork_how;

static char *sleep_argv[] = {"/bin/sleep", "1", NULL}, *no_env[] = {NULL};

static void vfork_then_report(long fd)
{
	long t0 = now_ms();
	pid_t pid = vfork();
	if (pid == 0) {
		if (vfork_how == CHILD_EXECS)
			execve(sleep_argv[0], sleep_argv, no_env);
		_exit(3);
	}
	long ms = now_ms() - t0;
	CHECK(write((int)fd, &ms, sizeof ms) == sizeof ms);
	int st = wait_for(pid);
	CHECK(write((int)fd, &st, sizeof st) == sizeof st);
}

/* Before: vfork never returned when its child went away (killed, or
 * attached, resumed and exited) during the parent's EVENT_CLONE stop, and
 * with an exec the parent waited for the child's exit. */
static void vfork_child_gone_during_clone_stop(int how)
{
	int p[2];
	CHECK(pipe(p) == 0);
	vfork_how = how;
	struct gated g = gated_spawn(vfork_then_report, p[1]);
	close(p[1]);
	int t = trace_attach(g.pid, 0);
	trace_set(t, PTRACE_EVENT_CLONE);
	gated_go(&g);
	struct ptrace_event e;
	trace_expect(t, PTRACE_EVENT_CLONE, &e, 3000);
	int c = (int)e.data[0];
	int tc = -1;
	if (how == CHILD_KILLED) {
		CHECK(kill(c, SIGKILL) == 0);
		proc_wait_state(c, 'Z', 3000);
	} else {
		tc = trace_attach(c, 0);
		trace_set(tc, PTRACE_STOP_EXEC);
		if (how == CHILD_EXECS) {
			trace_expect(tc, PTRACE_STOP_EXEC, &e, 3000);
			trace_set(tc, 0);
		} else {
			trace_expect(tc, PTRACE_STOP_EXIT, &e, 3000);
		}
	}
	long t0 = now_ms();
	trace_set(t, 0); /* resume the parent: its vfork must return now */
	long ms;
	CHECK(read(p[0], &ms, sizeof ms) == sizeof ms);
	CHECK(now_ms() - t0 < 700); /* the execed child sleeps 1 s */
	int st;
	CHECK(read(p[0], &st, sizeof st) == sizeof st);
	if (how == CHILD_KILLED)
		CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	else
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == (how == CHILD_EXECS ? 0 : 3));
	CHECK_EXITED(wait_within(g.pid, 5, "the vfork parent"), 0);
	if (tc >= 0)
		close(tc);
	close(t);
}

static void vfork_child_killed_during_clone_stop(void)
{
	vfork_child_gone_during_clone_stop(CHILD_KILLED);
}
static void vfork_child_exits_during_clone_stop(void)
{
	vfork_child_gone_during_clone_stop(CHILD_ATTACHED_EXITS);
}
static void vfork_child_execs_during_clone_stop(void)
{
	vfork_child_gone_during_clone_stop(CHILD_EXECS);
}

static const struct test tests[] = {
    T(exec_overlapping_segments_no_stall),  T(exec_many_large_segments_no_stall),
    T(fork_of_large_memory_no_stall),       T(vfork_child_killed_during_clone_stop),
    T(vfork_child_exits_during_clone_stop), T(vfork_child_execs_during_clone_stop),
};

const struct test_area area_stalls = TEST_AREA("stalls", tests);
