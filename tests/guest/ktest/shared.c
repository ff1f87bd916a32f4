/* ktest area: MAP_SHARED|MAP_ANONYMOUS (issue 12, item 6): pages shared
 * between a process and its children across fork, also pages first touched
 * after the fork; munmap and mprotect on them; msync accepted; frames freed
 * when the last process lets go. Runs on Linux too. */
#define _GNU_SOURCE
#include "ktest.h"

static long frames(void)
{
	char buf[32];
	long n = read_path("sys:free_frames", buf, sizeof buf);
	return n > 0 ? strtol(buf, NULL, 10) : -1; /* -1 on Linux */
}

static void *map_shared(size_t len)
{
	void *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED);
	return m;
}

static void map_shared_child_writes_parent_reads(void)
{
	volatile int *m = map_shared(PAGE);
	CHECK(m[0] == 0);
	pid_t pid = fork();
	if (pid == 0) {
		m[0] = 42;
		m[1000] = 7;
		_exit(0);
	}
	CHECK_EXITED(wait_for(pid), 0);
	CHECK(m[0] == 42 && m[1000] == 7);
	m[1] = 5; /* and the other way: a second child sees the parent's write */
	pid = fork();
	if (pid == 0)
		_exit(m[1] == 5 && m[0] == 42 ? 0 : 1);
	CHECK_EXITED(wait_for(pid), 0);
}

/* A page nobody touched before the fork is still one page for both. */
static void map_shared_pages_touched_after_fork(void)
{
	size_t len = 16 * PAGE;
	volatile char *m = map_shared(len);
	pid_t pid = fork();
	if (pid == 0) {
		m[10 * PAGE + 3] = 'c';
		_exit(0);
	}
	CHECK_EXITED(wait_for(pid), 0);
	CHECK(m[10 * PAGE + 3] == 'c');
	CHECK(munmap((void *)m, len) == 0);
}

static void shared_scenario(void)
{
	volatile char *m = map_shared(4 * PAGE);
	m[0] = 1;
	pid_t pid = fork();
	if (pid == 0) {
		CHECK(munmap((void *)m, 2 * PAGE) == 0); /* the child's view only */
		m[3 * PAGE] = 9;
		_exit(0);
	}
	CHECK_EXITED(wait_for(pid), 0);
	CHECK(m[0] == 1 && m[3 * PAGE] == 9);
	CHECK(mprotect((void *)m, 4 * PAGE, PROT_READ) == 0);
	pid = fork();
	if (pid == 0) {
		m[0] = 2; /* read-only: SIGSEGV */
		_exit(0);
	}
	CHECK_KILLED_BY(wait_for(pid), SIGSEGV);
	CHECK(m[0] == 1);
	CHECK(munmap((void *)m, 4 * PAGE) == 0);
}

/* munmap in a child leaves the parent's pages; mprotect holds; and once
 * every process that had them is gone, every frame is free again. */
static void map_shared_munmap_and_mprotect(void)
{
	shared_scenario(); /* the shared count table now exists */
	long before = frames();
	pid_t pid = fork();
	if (pid == 0) {
		shared_scenario();
		_exit(0);
	}
	CHECK_EXITED(wait_for(pid), 0);
	if (before >= 0)
		CHECK(frames() == before);
}

static void map_shared_flags_and_msync(void)
{
	CHECK_ERR(mmap(NULL, PAGE, PROT_READ, MAP_SHARED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
	          EINVAL);
	CHECK_ERR(mmap(NULL, PAGE, PROT_READ, MAP_ANONYMOUS, -1, 0), EINVAL);
	char *m = map_shared(2 * PAGE);
	CHECK(msync(m, 2 * PAGE, MS_SYNC) == 0);
	CHECK(msync(m, PAGE, MS_ASYNC) == 0);
	CHECK_ERR(msync(m + 1, PAGE, MS_SYNC), EINVAL);
	CHECK_ERR(msync(m, PAGE, MS_SYNC | MS_ASYNC), EINVAL);
	CHECK(munmap(m, 2 * PAGE) == 0);
	CHECK_ERR(msync(m, PAGE, MS_SYNC), ENOMEM);
}

static const struct test tests[] = {
    T(map_shared_child_writes_parent_reads),
    T(map_shared_pages_touched_after_fork),
    T(map_shared_munmap_and_mprotect),
    T(map_shared_flags_and_msync),
};
const struct test_area area_shared = TEST_AREA("shared", tests);
