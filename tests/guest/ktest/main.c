/* ktest: the in-guest test suite for Procyon's Linux-compatible system calls.
 * Each test runs in its own forked child (10 s timeout); the parent prints one
 * "[TEST] PASS name" or "[TEST] FAIL name: reason" line per test. Usage:
 * ktest (all), ktest NAME... (tests or areas), ktest -l (list), ktest -a
 * (areas: the files of tests/guest/ktest/). Also runs on Linux.
 * ktest --report-ids FD writes "PID TID THREADS" (getpid, gettid, entries
 * of /proc/self/task) on FD and exits 0: what a test exec's to look at
 * the process after an exec. */
#define _GNU_SOURCE
#include "ktest.h"

extern const struct test_area area_proc, area_fs, area_signals, area_siginfo, area_mem, area_efault,
    area_misc, area_linuxcalls, area_shared, area_links, area_modes, area_times, area_fifo,
    area_rename, area_dirs, area_ioctl, area_polls, area_procfs, area_threads, area_tgroup,
    area_futex;
static const struct test_area *const areas[] = {
    &area_proc,    &area_fs,         &area_signals, &area_siginfo, &area_mem,   &area_efault,
    &area_misc,    &area_linuxcalls, &area_shared,  &area_links,   &area_modes, &area_times,
    &area_fifo,    &area_rename,     &area_dirs,    &area_ioctl,   &area_polls, &area_procfs,
    &area_threads, &area_tgroup,     &area_futex};

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--report-ids") == 0) {
		dprintf(atoi(argv[2]), "%d %d %d\n", getpid(), gettid(), task_count());
		return 0;
	}
	return testrun_areas(argc, argv, "ktest", areas, NELEM(areas));
}
