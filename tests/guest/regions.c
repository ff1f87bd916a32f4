/* regions: in-guest regression tests for the region table (issue 8 item 8).
 * The table used to be a fixed array of 64 vmas, and an mprotect that ran
 * out of entries after it had split a region returned ENOMEM with the
 * region's tail gone (the pages still mapped, no vma for them). Now the
 * table grows to MM_MAX_VMAS (65530, Linux's vm.max_map_count) and every
 * edit reserves its entries first: a call that fails changes nothing.
 * Checks: thousands of regions by alternating protections, fork copying
 * them all, ENOMEM at the cap leaving proc:self/maps and the pages exactly
 * as they were, and the free-frame count back at its baseline afterwards.
 * Usage: regions (all), regions NAME... (some), regions -l (list). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testrun.h"

#pragma GCC diagnostic ignored "-Wformat-truncation"

#define PAGE 4096UL
#define MAX_VMAS 65530       /* the kernel's MM_MAX_VMAS */
#define MAPS_CAP (4UL << 20) /* room for 65530 lines of maps (about 40 bytes each) */
#define MANY 1500            /* pages, so regions, of the "many" tests */
#define CAP_PAGES 66000      /* one region a page would pass the cap */

static long sys_number(const char *path)
{
	char buf[32];
	int fd = open(path, O_RDONLY);
	CHECK(fd >= 0);
	long n = read(fd, buf, sizeof buf - 1);
	close(fd);
	CHECK(n > 0);
	buf[n] = 0;
	return strtol(buf, NULL, 10);
}

/* proc:self/maps into buf (one read, as docs/proc-scheme.md advises);
 * returns its length and sets *lines. */
static long read_maps(char *buf, size_t cap, long *lines)
{
	int fd = open("proc:self/maps", O_RDONLY);
	CHECK(fd >= 0);
	long n = read(fd, buf, cap - 1);
	close(fd);
	if (n <= 0 || (size_t)n >= cap - 1)
		FAILF("read proc:self/maps: %ld", n);
	buf[n] = 0;
	long c = 0;
	for (long i = 0; i < n; i++)
		c += buf[i] == '\n';
	*lines = c;
	return n;
}

/* A buffer for maps text, mapped before the table fills (its pages come
 * on first touch, which adds no region). */
static char *maps_buffer(void)
{
	char *b = mmap(NULL, MAPS_CAP, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(b != MAP_FAILED);
	return b;
}

/* The maps text must be what it was. */
static void same_maps(const char *what, const char *before, long len, char *now)
{
	long lines;
	long n = read_maps(now, MAPS_CAP, &lines);
	if (n != len || memcmp(before, now, (size_t)len) != 0)
		FAILF("%s changed proc:self/maps (%ld bytes, was %ld)", what, n, len);
}

/* Whether a write to addr kills a child with SIGSEGV (1) or works (0). */
static int write_faults(volatile char *addr)
{
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		*addr = 1;
		_exit(0);
	}
	int st = wait_within(pid, 30, "the writing child");
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV)
		return 1;
	CHECK_EXITED(st, 0);
	return 0;
}

/* Map MANY pages, fill page i with i, make every odd page read-only: one
 * region per page. */
static char *many_regions(void)
{
	char *m =
	    mmap(NULL, MANY * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED);
	for (long i = 0; i < MANY; i++)
		m[i * PAGE] = (char)i;
	for (long i = 1; i < MANY; i += 2)
		if (mprotect(m + i * PAGE, PAGE, PROT_READ) != 0)
			FAILF("mprotect of page %ld: errno %d", i, errno);
	return m;
}

static void check_many(const char *m)
{
	for (long i = 0; i < MANY; i++)
		if (m[i * PAGE] != (char)i)
			FAILF("page %ld holds %d", i, m[i * PAGE]);
}

/* Runs fn in a child and checks that it exits 0 and that the free-frame
 * count is back where it was once the child is gone. */
static void leak_checked(void (*fn)(void), int secs)
{
	long before = sys_number("sys:free_frames");
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		fn();
		_exit(0);
	}
	CHECK_EXITED(wait_within(pid, secs, "the worker"), 0);
	long after = sys_number("sys:free_frames");
	if (after != before)
		FAILF("free frames %ld before, %ld after", before, after);
}

static void many_body(void)
{
	char *buf = maps_buffer();
	long base;
	read_maps(buf, MAPS_CAP, &base);
	char *m = many_regions();
	long lines;
	read_maps(buf, MAPS_CAP, &lines);
	if (lines != base + MANY) /* one region per page */
		FAILF("%ld regions, want %ld", lines, base + MANY);
	char want[64];
	snprintf(want, sizeof want, "%08lx-%08lx r--p", (unsigned long)(m + PAGE),
	         (unsigned long)(m + 2 * PAGE));
	CHECK(strstr(buf, want) != NULL);
	check_many(m);
	CHECK(write_faults(m + 3 * PAGE) == 1);
	CHECK(write_faults(m + (MANY - 1) * PAGE) == 1);
	CHECK(write_faults(m + 2 * PAGE) == 0);
	m[(MANY - 2) * PAGE] = 7; /* even pages stay writable */
	CHECK(munmap(m, MANY * PAGE) == 0);
	read_maps(buf, MAPS_CAP, &lines);
	CHECK(lines == base);
}

/* mprotect splitting a big mapping into 1500 regions succeeds; reads,
 * writes and faults follow the new protections; munmap removes them all. */
static void mprotect_splits_thousands_of_regions(void) { leak_checked(many_body, 60); }

static void fork_body(void)
{
	char *before = maps_buffer(), *now = maps_buffer();
	char *m = many_regions();
	long lines, len = read_maps(before, MAPS_CAP, &lines);
	CHECK(lines > MANY);
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		same_maps("fork", before, len, now); /* the child's regions: the same */
		check_many(m);
		CHECK(write_faults(m + 5 * PAGE) == 1);
		m[4 * PAGE] = 99;
		_exit(0);
	}
	CHECK_EXITED(wait_within(pid, 30, "the fork child"), 0);
	check_many(m); /* the child's write stayed in the child */
}

/* fork copies every one of 1500 regions and their pages. */
static void fork_copies_every_region(void) { leak_checked(fork_body, 60); }

/* Fill the table by alternating protections until mprotect says ENOMEM;
 * from then on every failing call must leave maps exactly as it was. */
static void cap_body(void)
{
	char *before = maps_buffer(), *now = maps_buffer();
	long base;
	read_maps(before, MAPS_CAP, &base);
	char *m = mmap(NULL, CAP_PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	               -1, 0);
	CHECK(m != MAP_FAILED);
	/* Start from an odd count, so that the table ends one entry short of
	 * the cap: the failing split in two then has room for its first half
	 * (where the old code lost the tail). */
	long start;
	char *odd = NULL;
	read_maps(before, MAPS_CAP, &start);
	if (start % 2 == 0) {
		odd = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		CHECK(odd != MAP_FAILED);
		start++;
	}
	long p = 1;
	for (; p < CAP_PAGES - 1; p += 2) /* pages stay untouched: no frames */
		if (mprotect(m + p * PAGE, PAGE, PROT_READ) != 0)
			break;
	if (p >= CAP_PAGES - 1)
		FAILF("no ENOMEM after %ld regions", start + p);
	CHECK(errno == ENOMEM);
	/* 2 regions per success; the failing call needed 2 with 1 free. */
	long lines, len = read_maps(before, MAPS_CAP, &lines);
	if (lines != start + p - 1 || lines != MAX_VMAS - 1)
		FAILF("ENOMEM at %ld regions (start %ld, %ld calls)", lines, start, p / 2);
	/* The failed call lost nothing: page p and the tail keep rw. */
	CHECK_ERR(mprotect(m + p * PAGE, PAGE, PROT_READ), ENOMEM);
	same_maps("a failing mprotect (split in two)", before, len, now);
	m[p * PAGE] = 'w';
	m[(CAP_PAGES - 1) * PAGE] = 'w';
	CHECK(m[(p - 1) * PAGE] == 0 && m[(p - 2) * PAGE] == 0);
	CHECK(write_faults(m + p * PAGE) == 0);
	CHECK(write_faults(m + (p - 2) * PAGE) == 1); /* old protections stand */
	/* A split needing one entry, at the tail's first page, fills the table. */
	long q = p - 1;
	CHECK(mprotect(m + q * PAGE, PAGE, PROT_READ) == 0);
	q++;
	len = read_maps(before, MAPS_CAP, &lines);
	CHECK(lines == MAX_VMAS);
	CHECK_ERR(mprotect(m + q * PAGE, PAGE, PROT_READ), ENOMEM);
	same_maps("a failing mprotect (split at the start)", before, len, now);
	CHECK_ERR(mprotect(m + (CAP_PAGES - 2) * PAGE, 2 * PAGE, PROT_READ), ENOMEM);
	same_maps("a failing mprotect (split at the end)", before, len, now);
	CHECK_ERR(munmap(m + (q + 2) * PAGE, PAGE), ENOMEM); /* a hole needs one more */
	same_maps("a failing munmap", before, len, now);
	CHECK(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED);
	CHECK(errno == ENOMEM);
	same_maps("a failing mmap", before, len, now);
	m[q * PAGE] = 'w'; /* the tail is still there, writable */
	CHECK(write_faults(m + (q - 1) * PAGE) == 1);
	/* Whole regions change without a new entry, even at the cap. */
	CHECK(mprotect(m + PAGE, PAGE, PROT_READ | PROT_WRITE) == 0);
	m[PAGE] = 'x';
	CHECK(mprotect(m + PAGE, PAGE, PROT_READ) == 0);
	same_maps("mprotect of a whole region and back", before, len, now);
	/* fork copies a full table. */
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		same_maps("fork at the cap", before, len, now);
		_exit(m[p * PAGE] == 'w' && m[PAGE] == 'x' ? 0 : 1);
	}
	CHECK_EXITED(wait_within(pid, 60, "the fork child at the cap"), 0);
	/* Unmapping whole regions frees entries: the table works again. */
	CHECK(munmap(m, CAP_PAGES * PAGE) == 0);
	CHECK(!odd || munmap(odd, PAGE) == 0);
	read_maps(now, MAPS_CAP, &lines);
	CHECK(lines == base);
	char *again = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(again != MAP_FAILED);
	again[0] = 1;
}

/* Regression: mprotect and munmap that fail with ENOMEM because the table
 * is full (65530 regions) change nothing: maps text and page protections
 * are as before, and the tail of the region being split is not lost. */
static void enomem_at_the_cap_changes_nothing(void) { leak_checked(cap_body, 300); }

static const struct test tests[] = {
    T_SLOW(mprotect_splits_thousands_of_regions, 90),
    T_SLOW(fork_copies_every_region, 90),
    T_SLOW(enomem_at_the_cap_changes_nothing, 400),
};

int main(int argc, char **argv)
{
	return testrun_main(argc, argv, "regions", tests, sizeof tests / sizeof tests[0]);
}
