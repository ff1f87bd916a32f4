/* proctest: in-guest conformance tests for part 1 of the proc: scheme
 * (docs: shared spec proc-scheme.md): naming and listings, status, cmdline,
 * exe, maps, regs/int and regs/float (reads, write rules, sanitising), the
 * skeleton of a trace session, the access rules, handles bound to their
 * process, and bad input. Each test runs in its own forked child (10 s
 * timeout); the parent prints "[TEST] PASS name" or "[TEST] FAIL name:
 * reason" per test. Usage: proctest (all), proctest NAME... (tests or areas),
 * proctest -l (list), proctest -a (areas). "proctest --block ARGS..." is a helper mode: it
 * blocks reading fd 0 and exits (used to test cmdline and exe after exec).
 *
 * Synchronisation is by pipes and by polling proc:PID/status until the
 * target is where the test needs it (e.g. "state S" and "syscall 0"), never
 * by sleeping for a guessed time. Target processes ("kids") run a small
 * assembly routine that keeps known values in rbx, r15 and xmm0 across a
 * read(2) system call and reports what it saw afterwards. */
#define _GNU_SOURCE
#include "proctest.h"

extern const struct test_area area_files, area_status, area_regs_read, area_regs_write,
    area_sessions, area_access, area_handles, area_badinput, area_tools;
static const struct test_area *const areas[] = {&area_files,      &area_status,   &area_regs_read,
                                                &area_regs_write, &area_sessions, &area_access,
                                                &area_handles,    &area_badinput, &area_tools};

/* Helper mode for the exec tests: block reading fd 0, then exit 0. */
static int block_mode(void)
{
	char c;
	while (read(0, &c, 1) > 0)
		;
	return 0;
}

int main(int argc, char **argv)
{
	saved_argc = argc;
	saved_argv = argv;
	if (argc >= 2 && strcmp(argv[1], "--block") == 0)
		return block_mode();
	return testrun_areas(argc, argv, "proctest", areas, NELEM(areas));
}
