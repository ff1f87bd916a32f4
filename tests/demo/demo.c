/* demo: the regs scenario that Procyon grew from, non-interactively (make
 * demo). A child blocks in read(2) on a pipe; the real `ps` and `regs` tools
 * are run on it, showing rax == orig_rax == 0 (read) and its SSE state. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Run a program with arguments and wait for it. */
static int run(char *const argv[])
{
	printf("\n$");
	for (int i = 0; argv[i]; i++)
		printf(" %s", argv[i]);
	printf("\n");
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		execv(argv[0], argv);
		perror(argv[0]);
		_exit(127);
	}
	int st;
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Wait until proc:PID/status says the child sleeps in read (syscall 0). */
static void wait_blocked(pid_t pid)
{
	char path[64], buf[256];
	snprintf(path, sizeof path, "proc:%d/status", (int)pid);
	for (int tries = 0; tries < 1000; tries++) {
		FILE *f = fopen(path, "r");
		size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
		if (f)
			fclose(f);
		buf[n] = 0;
		if (strstr(buf, "state S") && strstr(buf, "syscall 0\n"))
			return;
		usleep(1000);
	}
}

int main(void)
{
	int p[2];
	if (pipe(p) < 0)
		return 1;
	pid_t child = fork();
	if (child == 0) {
		char c;
		close(p[1]);
		/* Something recognisable in xmm0 for regs -f. */
		__asm__ volatile("movq %0, %%xmm0" ::"r"(0x1122334455667788ULL) : "xmm0");
		ssize_t n = read(p[0], &c, 1); /* blocks: nobody writes */
		_exit(n == 1 ? 0 : 1);
	}
	close(p[0]);
	wait_blocked(child);
	char pid[16];
	snprintf(pid, sizeof pid, "%d", (int)child);
	printf("demo: process %s is blocked in read(2) on an empty pipe\n", pid);
	run((char *[]){"/bin/ps", NULL});
	int rc = run((char *[]){"/bin/regs", pid, NULL});
	rc |= run((char *[]){"/bin/regs", "-f", pid, NULL});
	close(p[1]); /* the read returns 0 */
	int st;
	waitpid(child, &st, 0);
	printf("\ndemo: done (regs exit status %d)\n", rc);
	return rc;
}
