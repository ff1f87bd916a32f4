/* init: Procyon's pid 1. With env INIT=<path> (and optional comma-separated
 * INIT_ARGS) it runs that program once, then powers off through
 * /scheme/sys/poweroff with its exit status; otherwise it respawns /bin/sh. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_ARGS 64
#define POWEROFF_PATH "/scheme/sys/poweroff"

extern char **environ;

static void sleep_seconds(int s)
{
	struct timespec ts = {s, 0};
	nanosleep(&ts, NULL);
}

/* Split INIT_ARGS on commas into argv[1..]; argv[0] is path. */
static void build_argv(char **argv, const char *path, char *args)
{
	int n = 0;
	argv[n++] = (char *)path;
	while (args && *args && n < MAX_ARGS) {
		argv[n++] = args;
		char *comma = strchr(args, ',');
		if (!comma)
			break;
		*comma = '\0';
		args = comma + 1;
	}
	argv[n] = NULL;
}

/* Fork and exec path with argv; returns the child's pid or -1. */
static pid_t spawn(const char *path, char **argv)
{
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "init: fork: %s\n", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		execve(path, argv, environ);
		fprintf(stderr, "init: %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	return pid;
}

/* Wait until pid exits, reaping any orphans on the way; returns its status. */
static int wait_for(pid_t pid)
{
	for (;;) {
		int st;
		pid_t got = wait4(-1, &st, 0, NULL);
		if (got == pid) {
			if (WIFSIGNALED(st))
				return 128 + WTERMSIG(st);
			return WEXITSTATUS(st);
		}
		if (got < 0 && errno != EINTR) {
			fprintf(stderr, "init: wait4: %s\n", strerror(errno));
			return 255;
		}
	}
}

/* Ask the kernel to power off with exit status code; 0 if accepted. */
static int power_off(int code)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%d", code);
	int fd = open(POWEROFF_PATH, O_WRONLY);
	int ok = fd >= 0 && write(fd, buf, (size_t)len) == len;
	if (!ok)
		fprintf(stderr, "init: %s: %s\n", POWEROFF_PATH, strerror(errno));
	if (fd >= 0)
		close(fd);
	return ok ? 0 : -1;
}

/* Run the INIT= program once and power off with its status. If the
 * power-off request fails, return the status (init then exits with it). */
static int run_init_program(const char *path)
{
	static char *argv[MAX_ARGS + 1], *args; /* argv[1..] point into args, kept */
	args = getenv("INIT_ARGS");
	args = args ? strdup(args) : NULL;
	build_argv(argv, path, args);
	unsetenv("INIT");
	unsetenv("INIT_ARGS");
	printf("Procyon init: starting %s\n", path);
	fflush(stdout);
	pid_t pid = spawn(path, argv);
	int code = pid < 0 ? 127 : wait_for(pid);
	if (power_off(code) == 0)
		for (;;) /* the kernel is shutting down; keep reaping meanwhile */
			if (wait4(-1, NULL, 0, NULL) < 0)
				sleep_seconds(1);
	return code;
}

/* Respawn /bin/sh forever, reaping orphans; never returns. */
static void run_shell_loop(void)
{
	char *argv[] = {"sh", NULL};
	for (;;) {
		printf("Procyon init: starting /bin/sh\n");
		fflush(stdout);
		time_t start = time(NULL);
		pid_t pid = spawn("/bin/sh", argv);
		if (pid >= 0) {
			int code = wait_for(pid);
			printf("Procyon init: /bin/sh exited with status %d\n", code);
		}
		if (pid < 0 || time(NULL) - start < 1)
			sleep_seconds(1);
	}
}

int main(void)
{
	const char *path = getenv("INIT");
	if (path && *path) {
		char *copy = strdup(path);
		int code = run_init_program(copy ? copy : path);
		free(copy);
		return code;
	}
	run_shell_loop();
	return 0;
}
