/* ktest: the in-guest test suite for Procyon's Linux-compatible system calls.
 * Each test runs in its own forked child (10 s timeout); the parent prints one
 * "[TEST] PASS name" or "[TEST] FAIL name: reason" line per test. Usage:
 * ktest (all), ktest NAME... (tests or areas), ktest -l (list), ktest -a
 * (areas: the files of tests/guest/ktest/). Also runs on Linux. */
#define _GNU_SOURCE
#include "ktest.h"

extern const struct test_area area_proc, area_fs, area_signals, area_siginfo, area_mem, area_efault,
    area_misc, area_linuxcalls, area_shared, area_links, area_modes, area_times, area_fifo,
    area_rename, area_dirs, area_ioctl, area_polls, area_procfs, area_threads, area_futex;
static const struct test_area *const areas[] = {
    &area_proc,   &area_fs,    &area_signals,    &area_siginfo, &area_mem,
    &area_efault, &area_misc,  &area_linuxcalls, &area_shared,  &area_links,
    &area_modes,  &area_times, &area_fifo,       &area_rename,  &area_dirs,
    &area_ioctl,  &area_polls, &area_procfs,     &area_threads, &area_futex};

int main(int argc, char **argv) { return testrun_areas(argc, argv, "ktest", areas, NELEM(areas)); }
