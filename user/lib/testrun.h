/* testrun: the runner shared by the in-guest test suites (ktest, proctest,
 * tracetest, stracetest). Each test runs in a forked child, in a process
 * group of its own, with a timeout; a failing check writes its reason on
 * testrun_reason_fd and exits non-zero. The runner prints one
 * "[TEST] PASS name" or "[TEST] FAIL name: reason" line per test (the lines
 * tools/run-tests counts) and "SUITE: N passed, M failed" at the end.
 * Usage of every suite: SUITE (all), SUITE NAME... (some), SUITE -l (list). */
#ifndef TESTRUN_H
#define TESTRUN_H
#include <stddef.h>

struct test {
	const char *name;
	void (*fn)(void);
	int timeout_s;
};

#define TEST_DEFAULT_TIMEOUT_S 10
#define T(fn) {#fn, fn, TEST_DEFAULT_TIMEOUT_S}
#define T_SLOW(fn, secs) {#fn, fn, secs}

/* Write end of the pipe on which the running test reports why it failed
 * (-1 outside a test). */
extern int testrun_reason_fd;

/* Run the tests argv names (all without names); 0 if all passed, else 1. */
int testrun_main(int argc, char **argv, const char *suite, const struct test *tests, size_t n);
#endif
