/* The shared test runner (see testrun.h). A test's process group is killed
 * after it ends, so helpers it left behind cannot disturb the next test; when
 * the suite runs as init, orphans it inherits are reaped after each test. */
#define _GNU_SOURCE
#include "testrun.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int testrun_reason_fd = -1;
void *testrun_bad_ptr;

long now_ns(void)
{
	struct timespec ts;
	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (syscall(SYS_nanosleep, &ts, &ts) < 0 && errno == EINTR)
		;
}

int wait_for(int pid)
{
	int st = 0;
	pid_t r;
	do
		r = wait4(pid, &st, WUNTRACED, NULL);
	while (r < 0 && errno == EINTR);
	CHECK(r == pid);
	return st;
}

int wait_within(int pid, int seconds, const char *what)
{
	long deadline = now_ns() + seconds * 1000000000L;
	for (;;) {
		int st = 0;
		pid_t r = wait4(pid, &st, WNOHANG, NULL);
		if (r == pid)
			return st;
		if (r < 0 && errno != EINTR)
			FAILF("wait4(%d): errno %d", pid, errno);
		if (now_ns() > deadline) {
			kill(pid, SIGKILL);
			wait4(pid, &st, 0, NULL);
			FAILF("pid %d still alive %d s after %s", pid, seconds, what);
		}
		sleep_ms(2);
	}
}

_Noreturn void testrun_check_failed(const char *file, int line, const char *text, int err)
{
	char buf[512];
	int n;
	if (testrun_bad_ptr)
		n = snprintf(buf, sizeof buf, "%s:%d: %s (errno %d, bad=%p)\n", file, line, text,
		             err, testrun_bad_ptr);
	else
		n = snprintf(buf, sizeof buf, "%s:%d: %s (errno %d)\n", file, line, text, err);
	if (testrun_reason_fd >= 0 && n > 0)
		write(testrun_reason_fd, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
	_exit(1);
}

_Noreturn void testrun_status_failed(const char *file, int line, const char *expr, const char *want,
                                     int st)
{
	char text[256];
	if (WIFEXITED(st))
		snprintf(text, sizeof text, "%s: want %s, got exit %d", expr, want,
		         WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(text, sizeof text, "%s: want %s, got signal %d", expr, want, WTERMSIG(st));
	else
		snprintf(text, sizeof text, "%s: want %s, got status %#x", expr, want, st);
	testrun_check_failed(file, line, text, errno);
}

/* Collect what the child wrote on the reason pipe, one line per failed
 * check, joined with "; ". */
static void read_reason(int fd, char *buf, size_t cap)
{
	size_t len = 0;
	ssize_t n;
	while (len < cap - 1 && (n = read(fd, buf + len, cap - 1 - len)) > 0)
		len += (size_t)n;
	while (len > 0 && buf[len - 1] == '\n')
		len--;
	buf[len] = '\0';
	for (size_t i = 0; i < len; i++)
		if (buf[i] == '\n')
			buf[i] = ';';
}

/* Wait for the test child until its deadline; sets *timed_out. */
static int wait_test(pid_t pid, int timeout_s, int *timed_out, char *reason, size_t cap)
{
	int st = 0;
	long deadline = now_ns() + timeout_s * 1000000000L;
	for (;;) {
		pid_t r = wait4(pid, &st, WNOHANG, NULL);
		if (r == pid)
			return st;
		if (r < 0 && errno != EINTR) {
			snprintf(reason, cap, "wait4: %s", strerror(errno));
			return -1;
		}
		if (now_ns() > deadline) {
			kill(pid, SIGKILL);
			wait4(pid, &st, 0, NULL);
			*timed_out = 1;
			return st;
		}
		sleep_ms(5);
	}
}

/* Run one test in a child with a timeout; print its line; 1 if it passed. */
static int run_test(const struct test *t)
{
	int p[2];
	char reason[600] = "", why[700];
	fflush(stdout);
	if (pipe2(p, O_CLOEXEC) < 0) {
		printf("[TEST] FAIL %s: pipe: %s\n", t->name, strerror(errno));
		return 0;
	}
	pid_t pid = fork();
	if (pid < 0) {
		printf("[TEST] FAIL %s: fork: %s\n", t->name, strerror(errno));
		close(p[0]);
		close(p[1]);
		return 0;
	}
	if (pid == 0) {
		setpgid(0, 0);
		close(p[0]);
		testrun_reason_fd = p[1];
		t->fn();
		_exit(0);
	}
	setpgid(pid, pid);
	close(p[1]);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	int timed_out = 0;
	int st = wait_test(pid, t->timeout_s, &timed_out, reason, sizeof reason);
	kill(-pid, SIGKILL); /* leftover kids and helpers */
	if (!reason[0])
		read_reason(p[0], reason, sizeof reason);
	close(p[0]);
	while (wait4(-1, NULL, WNOHANG, NULL) > 0) /* orphans, when we are init */
		;
	if (!timed_out && st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0) {
		printf("[TEST] PASS %s\n", t->name);
		return 1;
	}
	const char *sep = reason[0] ? "; " : "";
	if (timed_out)
		snprintf(why, sizeof why, "timeout%s%s", sep, reason);
	else if (st != -1 && WIFSIGNALED(st))
		snprintf(why, sizeof why, "signal %d%s%s", WTERMSIG(st), sep, reason);
	else if (reason[0])
		snprintf(why, sizeof why, "%s", reason);
	else
		snprintf(why, sizeof why, "exit %d", WEXITSTATUS(st));
	printf("[TEST] FAIL %s: %s\n", t->name, why);
	return 0;
}

/* Run every test of an area; count into *passed / *failed. */
static void run_area(const struct test_area *a, int *passed, int *failed)
{
	for (size_t i = 0; i < a->n; i++)
		run_test(&a->tests[i]) ? (*passed)++ : (*failed)++;
}

/* The test called name, or NULL. */
static const struct test *find_test(const struct test_area *const *areas, size_t nareas,
                                    const char *name)
{
	for (size_t a = 0; a < nareas; a++)
		for (size_t i = 0; i < areas[a]->n; i++)
			if (strcmp(areas[a]->tests[i].name, name) == 0)
				return &areas[a]->tests[i];
	return NULL;
}

int testrun_areas(int argc, char **argv, const char *suite, const struct test_area *const *areas,
                  size_t nareas)
{
	int passed = 0, failed = 0;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && strcmp(argv[1], "-a") == 0) {
		for (size_t a = 0; a < nareas; a++)
			printf("%s\n", areas[a]->name);
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "-l") == 0) {
		for (size_t a = 0; a < nareas; a++)
			for (size_t i = 0; i < areas[a]->n; i++)
				printf("%s\n", areas[a]->tests[i].name);
		return 0;
	}
	if (argc == 1)
		for (size_t a = 0; a < nareas; a++)
			run_area(areas[a], &passed, &failed);
	for (int arg = 1; arg < argc; arg++) { /* named tests and areas, in the order given */
		const struct test *t = find_test(areas, nareas, argv[arg]);
		size_t a = 0;
		while (!t && a < nareas && strcmp(argv[arg], areas[a]->name) != 0)
			a++;
		if (t) {
			run_test(t) ? passed++ : failed++;
		} else if (a < nareas) {
			run_area(areas[a], &passed, &failed);
		} else {
			printf("[TEST] FAIL %s: no such test\n", argv[arg]);
			failed++;
		}
	}
	printf("%s: %d passed, %d failed\n", suite, passed, failed);
	return failed ? 1 : 0;
}

int testrun_main(int argc, char **argv, const char *suite, const struct test *tests, size_t n)
{
	const struct test_area all = {suite, tests, n}, *const areas[] = {&all};
	return testrun_areas(argc, argv, suite, areas, 1);
}
