/* ps: list processes from proc: (pid, ppid, state, tracer, thread count,
 * name); ps -T lists every thread of each (its tid from proc:PID/task/). */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Value of "key" in a status text, or NULL. */
static const char *field(char *text, const char *key, char *out, size_t size)
{
	size_t klen = strlen(key);
	for (char *line = text; line && *line;) {
		char *nl = strchr(line, '\n');
		if (strncmp(line, key, klen) == 0 && line[klen] == ' ') {
			size_t len = nl ? (size_t)(nl - line - klen - 1) : strlen(line + klen + 1);
			if (len >= size)
				len = size - 1;
			memcpy(out, line + klen + 1, len);
			out[len] = 0;
			return out;
		}
		line = nl ? nl + 1 : 0;
	}
	return 0;
}

/* Read proc:ID/status into text; false if it is gone. */
static int read_status(const char *id, char *text, size_t size)
{
	char path[300];
	snprintf(path, sizeof path, "proc:%s/status", id);
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, text, size - 1);
	close(fd);
	if (n <= 0)
		return 0;
	text[n] = 0;
	return 1;
}

/* One line for the thread (threads) or process whose status is text. */
static void show(char *text, int threads)
{
	char pid[16] = "?", tgid[16] = "?", ppid[16] = "?", state[8] = "?", tracer[16] = "0",
	     name[64] = "?", nthreads[16] = "1";
	field(text, "pid", pid, sizeof pid);
	field(text, "tgid", tgid, sizeof tgid);
	field(text, "ppid", ppid, sizeof ppid);
	field(text, "state", state, sizeof state);
	field(text, "tracer", tracer, sizeof tracer);
	field(text, "threads", nthreads, sizeof nthreads);
	field(text, "name", name, sizeof name);
	if (threads)
		printf("%5s %5s %5s %-5s %6s %s\n", tgid, pid, ppid, state, tracer, name);
	else
		printf("%5s %5s %-5s %6s %4s %s\n", pid, ppid, state, tracer, nthreads, name);
}

int main(int argc, char **argv)
{
	int threads = argc > 1 && strcmp(argv[1], "-T") == 0;
	if (argc > 1 + threads) {
		fprintf(stderr, "usage: ps [-T]\n");
		return 2;
	}
	DIR *d = opendir("proc:");
	if (!d) {
		perror("ps: proc:");
		return 1;
	}
	if (threads)
		printf("%5s %5s %5s %-5s %6s %s\n", "PID", "TID", "PPID", "STATE", "TRACER",
		       "NAME");
	else
		printf("%5s %5s %-5s %6s %4s %s\n", "PID", "PPID", "STATE", "TRACER", "THR",
		       "NAME");
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		char text[512], path[300];
		if (!threads) {
			if (read_status(e->d_name, text, sizeof text))
				show(text, 0);
			continue;
		}
		snprintf(path, sizeof path, "proc:%s/task", e->d_name);
		DIR *t = opendir(path);
		struct dirent *te;
		while (t && (te = readdir(t)))
			if (te->d_name[0] >= '0' && te->d_name[0] <= '9' &&
			    read_status(te->d_name, text, sizeof text))
				show(text, 1);
		if (t)
			closedir(t);
	}
	closedir(d);
	return 0;
}
