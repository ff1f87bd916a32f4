/* kill: send a signal to processes.
 * Usage: kill [-SIG | -SIGNAME | -n | -s NAME] pid...   or   kill -l
 * The default signal is TERM. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sig_name {
	const char *name;
	int num;
};

static const struct sig_name signals[] = {
    {"HUP", SIGHUP},   {"INT", SIGINT},     {"QUIT", SIGQUIT}, {"ILL", SIGILL},   {"TRAP", SIGTRAP},
    {"ABRT", SIGABRT}, {"BUS", SIGBUS},     {"FPE", SIGFPE},   {"KILL", SIGKILL}, {"USR1", SIGUSR1},
    {"SEGV", SIGSEGV}, {"USR2", SIGUSR2},   {"PIPE", SIGPIPE}, {"ALRM", SIGALRM}, {"TERM", SIGTERM},
    {"CHLD", SIGCHLD}, {"CONT", SIGCONT},   {"STOP", SIGSTOP}, {"TSTP", SIGTSTP}, {"TTIN", SIGTTIN},
    {"TTOU", SIGTTOU}, {"WINCH", SIGWINCH},
};

#define N_SIGNALS (sizeof(signals) / sizeof(signals[0]))

/* Parse "9", "KILL", "SIGKILL" (any case); -1 if unknown. */
static int parse_signal(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);
	if (*s && *end == '\0')
		return n >= 0 && n < 65 ? (int)n : -1;
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (size_t i = 0; i < N_SIGNALS; i++)
		if (strcasecmp(s, signals[i].name) == 0)
			return signals[i].num;
	return -1;
}

static void list_signals(void)
{
	for (size_t i = 0; i < N_SIGNALS; i++)
		printf("%2d) SIG%s\n", signals[i].num, signals[i].name);
}

static int usage(void)
{
	fprintf(stderr, "usage: kill [-SIGNAL | -s SIGNAL] pid... | kill -l\n");
	return 2;
}

int main(int argc, char **argv)
{
	int sig = SIGTERM, i = 1;
	if (argc > 1 && strcmp(argv[1], "-l") == 0) {
		list_signals();
		return 0;
	}
	if (argc > 2 && strcmp(argv[1], "-s") == 0) {
		sig = parse_signal(argv[2]);
		i = 3;
	} else if (argc > 1 && argv[1][0] == '-' && argv[1][1] != '\0' &&
	           strcmp(argv[1], "--") != 0) {
		sig = parse_signal(argv[1] + 1);
		i = 2;
	}
	if (sig < 0) {
		fprintf(stderr, "kill: unknown signal '%s'\n", argv[i - 1]);
		return 2;
	}
	if (i < argc && strcmp(argv[i], "--") == 0)
		i++;
	if (i >= argc)
		return usage();
	int rc = 0;
	for (; i < argc; i++) {
		char *end;
		long pid = strtol(argv[i], &end, 10);
		if (*argv[i] == '\0' || *end != '\0') {
			fprintf(stderr, "kill: %s: invalid process id\n", argv[i]);
			rc = 1;
		} else if (kill((pid_t)pid, sig) < 0) {
			fprintf(stderr, "kill: %ld: %s\n", pid, strerror(errno));
			rc = 1;
		}
	}
	return rc;
}
