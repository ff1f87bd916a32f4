/* hardening: the kernel's own copies honour the pages' user protections. */
#define _GNU_SOURCE
#include "hardening.h"

/* ------------------------------------------------------------------------ */
/* The kernel's own copies honour the pages' user protections.               */
/* ------------------------------------------------------------------------ */

static char *touched_page(int prot)
{
	char *m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED);
	strcpy(m, "/bin/true");
	CHECK(mprotect(m, PAGE, prot) == 0);
	return m;
}

/* Before: a touched PROT_NONE page stayed present for the kernel, so
 * write(fd, prot_none_buf, n) copied it out. */
static void copy_from_prot_none_page_efault(void)
{
	char *m = touched_page(PROT_NONE);
	int p[2];
	CHECK(pipe(p) == 0);
	CHECK_ERR(write(p[1], m, 16), EFAULT);
	CHECK_ERR(open(m, O_RDONLY), EFAULT); /* a path in it */
	CHECK_ERR(syscall(SYS_rt_sigaction, SIGUSR1, m, NULL, 8), EFAULT);
	CHECK(mprotect(m, PAGE, PROT_READ) == 0);
	CHECK(write(p[1], m, 16) == 16); /* readable again: the same bytes */
}

/* Kernel stores into a read-only page fail as the process's own would. */
static void copy_to_readonly_page_efault(void)
{
	char *m = touched_page(PROT_READ);
	int p[2];
	CHECK(pipe(p) == 0);
	CHECK(write(p[1], "abcd", 4) == 4);
	CHECK_ERR(read(p[0], m, 4), EFAULT);
	CHECK_ERR(pipe((int *)m), EFAULT);
	int mem = proc_file(getpid(), "mem", O_RDONLY);
	CHECK(mem >= 0);
	CHECK_ERR(pread(mem, m, 8, (off_t)(uintptr_t)p), EFAULT);
	CHECK(strcmp(m, "/bin/true") == 0);
	char *x = touched_page(PROT_EXEC);
	CHECK_ERR(read(p[0], x, 4), EFAULT); /* exec-only: readable, not writable */
	CHECK(read(p[0], m, 0) == 0);
}

static const struct test tests[] = {
    T(copy_from_prot_none_page_efault),
    T(copy_to_readonly_page_efault),
};

const struct test_area area_copies = TEST_AREA("copies", tests);
