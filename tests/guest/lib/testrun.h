/* testrun: the runner shared by the in-guest test suites (tests/guest/).
 * Each test runs in a forked child, in a process
 * group of its own, with a timeout; a failing check writes its reason on
 * testrun_reason_fd and exits non-zero. The runner prints one
 * "[TEST] PASS name" or "[TEST] FAIL name: reason" line per test (the lines
 * tools/run-tests counts) and "SUITE: N passed, M failed" at the end.
 * A suite is one table of tests, or several areas (one file each, see
 * TEST_AREA). Usage of every suite: SUITE (all), SUITE NAME... (the tests
 * or areas named, in that order), SUITE -l (list the tests), SUITE -a (list
 * the areas). */
#ifndef TESTRUN_H
#define TESTRUN_H
#include <stddef.h>

struct test {
	const char *name;
	void (*fn)(void);
	int timeout_s;
};

#define TEST_DEFAULT_TIMEOUT_S 10
#define T(fn)                                                                                      \
	{                                                                                          \
#fn, fn, TEST_DEFAULT_TIMEOUT_S                                                    \
	}
#define T_SLOW(fn, secs)                                                                           \
	{                                                                                          \
#fn, fn, secs                                                                      \
	}

/* One area of a suite: the tests of one file, exported by that file as
 *     const struct test_area NAME_area = TEST_AREA("NAME", tests);
 * and listed in the suite's main.c. */
struct test_area {
	const char *name;
	const struct test *tests;
	size_t n;
};
#define TEST_AREA(name, table)                                                                     \
	{                                                                                          \
		(name), (table), sizeof(table) / sizeof((table)[0])                                \
	}

/* Write end of the pipe on which the running test reports why it failed
 * (-1 outside a test). */
extern int testrun_reason_fd;

/* Run the tests or areas argv names (all without names); 0 if all passed,
 * else 1. testrun_main: a suite of one table. */
int testrun_areas(int argc, char **argv, const char *suite, const struct test_area *const *areas,
                  size_t nareas);
int testrun_main(int argc, char **argv, const char *suite, const struct test *tests, size_t n);

/* --- Checks, usable in a test and in any process it forks. --------------- */

/* The bad pointer an EFAULT test is trying, named in failure messages. */
extern void *testrun_bad_ptr;

/* Report "file:line: text (errno E)" to the runner and end this process. */
_Noreturn void testrun_check_failed(const char *file, int line, const char *text, int err);
/* A wait status was not the wanted one: say what it was, and fail. */
_Noreturn void testrun_status_failed(const char *file, int line, const char *expr, const char *want,
                                     int st);

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			testrun_check_failed(__FILE__, __LINE__, #cond, errno);                    \
	} while (0)

/* CHECK_ERR(call, E): the call must return -1 with errno E. */
#define CHECK_ERR(call, err)                                                                       \
	do {                                                                                       \
		errno = 0;                                                                         \
		long r_ = (long)(call);                                                            \
		if (r_ != -1 || errno != (err))                                                    \
			testrun_check_failed(__FILE__, __LINE__, #call " == -1 && errno == " #err, \
			                     errno);                                               \
	} while (0)

/* CHECK_ERR2(call, E1, E2): -1 with errno E1 or E2. */
#define CHECK_ERR2(call, e1, e2)                                                                   \
	do {                                                                                       \
		errno = 0;                                                                         \
		long r_ = (long)(call);                                                            \
		if (r_ != -1 || (errno != (e1) && errno != (e2)))                                  \
			testrun_check_failed(__FILE__, __LINE__,                                   \
			                     #call " == -1 && errno in " #e1 "," #e2, errno);      \
	} while (0)

/* A formatted failure. */
#define FAILF(...)                                                                                 \
	do {                                                                                       \
		char m_[400];                                                                      \
		snprintf(m_, sizeof m_, __VA_ARGS__);                                              \
		testrun_check_failed(__FILE__, __LINE__, m_, errno);                               \
	} while (0)

/* The wait status st (evaluated once) must be "exited with code". */
#define CHECK_EXITED(st, code)                                                                     \
	do {                                                                                       \
		int s_ = (st);                                                                     \
		if (!(WIFEXITED(s_) && WEXITSTATUS(s_) == (code)))                                 \
			testrun_status_failed(__FILE__, __LINE__, #st, "exit " #code, s_);         \
	} while (0)

/* The wait status st (evaluated once) must be "killed by sig". */
#define CHECK_KILLED_BY(st, sig)                                                                   \
	do {                                                                                       \
		int s_ = (st);                                                                     \
		if (!(WIFSIGNALED(s_) && WTERMSIG(s_) == (sig)))                                   \
			testrun_status_failed(__FILE__, __LINE__, #st, "signal " #sig, s_);        \
	} while (0)

/* Monotonic nanoseconds; sleep (restarting after signals); wait for a pid
 * (restarting on EINTR, reporting stops too) and return its status. */
long now_ns(void);
void sleep_ms(long ms);
int wait_for(int pid);
/* Wait at most seconds for pid to end; if it does not, kill it and fail
 * ("pid N still alive S s after WHAT"). Returns its wait status. */
int wait_within(int pid, int seconds, const char *what);
#endif
