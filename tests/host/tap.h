/* A tiny TAP framework for host unit tests. TEST(name) { ... } defines and
 * registers a test; tap_main() runs them in order, prints "ok N - name" or
 * "not ok N - name" for each, the plan "1..N" last, and returns non-zero if
 * any failed. CHECK* macros report file:line as a TAP comment on failure. */
#ifndef TAP_H
#define TAP_H
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TAP_MAX_TESTS 256

struct tap_test {
	const char *name;
	void (*fn)(void);
};
static struct tap_test tap_tests[TAP_MAX_TESTS];
static int tap_ntests, tap_cur_failed;

static void tap_register(const char *name, void (*fn)(void))
{
	if (tap_ntests == TAP_MAX_TESTS) {
		printf("Bail out! more than %d tests\n", TAP_MAX_TESTS);
		exit(2);
	}
	tap_tests[tap_ntests++] = (struct tap_test){name, fn};
}

/* Define a test function and register it before main runs. */
#define TEST(name)                                                                                 \
	static void name(void);                                                                    \
	__attribute__((constructor)) static void tap_reg_##name(void)                              \
	{                                                                                          \
		tap_register(#name, name);                                                         \
	}                                                                                          \
	static void name(void)

static void tap_fail_at(const char *file, int line)
{
	tap_cur_failed++;
	printf("#   failed at %s:%d: ", file, line);
}

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			tap_fail_at(__FILE__, __LINE__);                                           \
			printf("CHECK(%s)\n", #cond);                                              \
		}                                                                                  \
	} while (0)

/* Integer (or pointer) equality; both values are printed on failure. */
#define CHECK_EQ(a, b)                                                                             \
	do {                                                                                       \
		unsigned long long tap_a = (unsigned long long)(a),                                \
		                   tap_b = (unsigned long long)(b);                                \
		if (tap_a != tap_b) {                                                              \
			tap_fail_at(__FILE__, __LINE__);                                           \
			printf("CHECK_EQ(%s, %s): %lld (%#llx) != %lld (%#llx)\n", #a, #b,         \
			       (long long)tap_a, tap_a, (long long)tap_b, tap_b);                  \
		}                                                                                  \
	} while (0)

/* String equality (NULL-safe); both strings are printed on failure. */
#define CHECK_STR_EQ(a, b)                                                                         \
	do {                                                                                       \
		const char *tap_sa = (a), *tap_sb = (b);                                           \
		if (!tap_sa || !tap_sb ? tap_sa != tap_sb : strcmp(tap_sa, tap_sb)) {              \
			tap_fail_at(__FILE__, __LINE__);                                           \
			printf("CHECK_STR_EQ(%s, %s): \"%s\" != \"%s\"\n", #a, #b,                 \
			       tap_sa ? tap_sa : "(null)", tap_sb ? tap_sb : "(null)");            \
		}                                                                                  \
	} while (0)

/* Run every registered test; returns the process exit status. */
static int tap_main(void)
{
	int failed = 0;
	for (int i = 0; i < tap_ntests; i++) {
		tap_cur_failed = 0;
		tap_tests[i].fn();
		failed += tap_cur_failed != 0;
		printf("%sok %d - %s\n", tap_cur_failed ? "not " : "", i + 1, tap_tests[i].name);
		fflush(stdout);
	}
	printf("1..%d\n", tap_ntests);
	if (failed)
		printf("# %d of %d tests failed\n", failed, tap_ntests);
	return failed ? 1 : 0;
}

/* Stubs for the kernel log: each kprintf line goes to stdout as a "# "
 * comment, and tap_log_count / tap_last_log record it for checks. */
#ifdef TAP_KERNEL_STUBS
static int tap_log_count;
static char tap_last_log[512];

void kprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(tap_last_log, sizeof(tap_last_log), fmt, ap);
	va_end(ap);
	tap_log_count++;
	printf("# %s%s", tap_last_log, strchr(tap_last_log, '\n') ? "" : "\n");
}

_Noreturn void panic(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	printf("Bail out! panic: ");
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	exit(2);
}
#endif
#endif
