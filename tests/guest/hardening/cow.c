/* hardening: copy-on-write fork. fork leaves private pages shared and
 * read-only in both processes; the first store by either side, its own or
 * the kernel's on its behalf (read(2) into it, a tracer's proc:PID/mem
 * write, a breakpoint in text), gives the writer a frame of its own.
 * Nothing one process stores may ever show in the other. */
#define _GNU_SOURCE
#include "hardening.h"

static volatile long cow_global = 1;
static char cow_heap_init[64] = "parent";
static char cow_by_kernel[16] = "untouched"; /* the child read(2)s into it */

/* A function whose first byte a tracer replaces in the child only. */
static __attribute__((noinline)) long cow_marker(long x) { return x * 3 + 1; }

/* The child's stores of every kind land in its own frames. */
static void kid_stores(long arg, int out)
{
	(void)arg;
	volatile long on_stack = 7;
	char *heap = malloc(64);
	strcpy(heap, "child heap");
	cow_global = 2;
	on_stack = 8;
	strcpy(cow_heap_init, "child");
	int p[2];
	CHECK(pipe(p) == 0 && write(p[1], "kernel", 7) == 7);
	CHECK(read(p[0], cow_by_kernel, 7) == 7); /* the kernel's store, copy_to_user */
	report(out, cow_global + on_stack + (strcmp(cow_by_kernel, "kernel") == 0 ? 100 : 0));
	free(heap);
}

/* Regression (fork became copy-on-write): the child's stores, its own and
 * the kernel's into its buffers, never reach the parent; the parent's
 * after the fork never reach the child; frames all come back. */
static void cow_round(void)
{
	cow_global = 1;
	strcpy(cow_heap_init, "parent");
	struct kid k = spawn_kid(kid_stores, 0);
	cow_global = 5; /* the parent's store after the fork */
	kid_go(&k);
	CHECK(kid_result(&k) == 2 + 8 + 100); /* it saw its own values, not 5 */
	CHECK_EXITED(kid_reap(&k), 0);
	CHECK(cow_global == 5 && strcmp(cow_heap_init, "parent") == 0);
	CHECK(strcmp(cow_by_kernel, "untouched") == 0);
	/* a grandchild shares frames with both: each store still private */
	pid_t a = fork();
	if (a == 0) {
		pid_t b = fork();
		if (b == 0) {
			cow_global = 9;
			_exit(cow_global == 9 ? 0 : 1);
		}
		int st;
		waitpid(b, &st, 0);
		_exit(WIFEXITED(st) && WEXITSTATUS(st) == 0 && cow_global == 5 ? 0 : 1);
	}
	CHECK_EXITED(wait_within(a, 5, "the child"), 0);
	CHECK(cow_global == 5);
}

static void cow_fork_stores_stay_private(void)
{
	cow_round(); /* first: this process's own stack and heap grow to size */
	long frames = sys_value("free_frames");
	cow_round();
	long now = 0;
	for (int i = 0; i < 100 && (now = sys_value("free_frames")) != frames; i++)
		usleep(10000);
	if (now != frames) /* every shared frame was freed by its last user */
		FAILF("free frames %ld before the round, %ld after", frames, now);
}

static void cow_idle(long arg) { (void)arg; }

/* Regression: a tracer's store into a forked child's text (a breakpoint)
 * or data went through mm_kaddr into the frame the parent still mapped. */
static void cow_tracer_poke_stays_in_the_child(void)
{
	CHECK(cow_marker(2) == 7);
	struct gated g = gated_spawn(cow_idle, 0); /* never let through: killed */
	int t = attach_stopped(g.pid);
	uint64_t text = (uint64_t)(uintptr_t)cow_marker, data = (uint64_t)(uintptr_t)&cow_global;
	uint8_t orig = *(volatile uint8_t *)(uintptr_t)text;
	mem_poke(g.pid, text, 0xcc);
	mem_poke(g.pid, data, 0x55);
	CHECK(mem_peek(g.pid, text) == 0xcc && mem_peek(g.pid, data) == 0x55);
	CHECK(*(volatile uint8_t *)(uintptr_t)text == orig); /* the parent's text as it was */
	CHECK(cow_global != 0x55 && cow_marker(2) == 7);
	close(t);
	kill(g.pid, SIGKILL);
	waitpid(g.pid, NULL, 0);
	close(g.go);
}

/* A read-only private page shared by fork and made writable again by
 * mprotect stays copy-on-write: the child's store after its mprotect, and
 * the kernel's read(2) into it, land in the child's own frame. */
static void cow_mprotect_writable_still_copies(void)
{
	char *m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED);
	strcpy(m, "parent page");
	CHECK(mprotect(m, PAGE, PROT_READ) == 0);
	pid_t kid = fork();
	if (kid == 0) {
		if (mprotect(m, PAGE, PROT_READ | PROT_WRITE) != 0)
			_exit(1);
		strcpy(m, "child");
		int p[2];
		if (pipe(p) || write(p[1], "KERNEL", 6) != 6 || read(p[0], m + 32, 6) != 6)
			_exit(2);
		_exit(strcmp(m, "child") == 0 && memcmp(m + 32, "KERNEL", 6) == 0 ? 0 : 3);
	}
	CHECK_EXITED(wait_within(kid, 5, "the child"), 0);
	CHECK(strcmp(m, "parent page") == 0 && m[32] == 0);
	CHECK(mprotect(m, PAGE, PROT_READ | PROT_WRITE) == 0);
	strcpy(m, "mine again"); /* the last sharer: it keeps the frame */
	CHECK(strcmp(m, "mine again") == 0);
	munmap(m, PAGE);
}

static const struct test tests[] = {
    T(cow_fork_stores_stay_private),
    T(cow_mprotect_writable_still_copies),
    T(cow_tracer_poke_stays_in_the_child),
};

const struct test_area area_cow = TEST_AREA("cow", tests);
