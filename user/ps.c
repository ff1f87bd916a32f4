/* ps: list processes from proc: (pid, ppid, state, tracer, name). */
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

int main(void)
{
	DIR *d = opendir("proc:");
	if (!d) {
		perror("ps: proc:");
		return 1;
	}
	printf("%5s %5s %-5s %6s %s\n", "PID", "PPID", "STATE", "TRACER", "NAME");
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		char path[300], text[512];
		snprintf(path, sizeof path, "proc:%s/status", e->d_name);
		int fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		ssize_t n = read(fd, text, sizeof text - 1);
		close(fd);
		if (n <= 0)
			continue;
		text[n] = 0;
		char pid[16] = "?", ppid[16] = "?", state[8] = "?", tracer[16] = "0",
		     name[64] = "?";
		field(text, "pid", pid, sizeof pid);
		field(text, "ppid", ppid, sizeof ppid);
		field(text, "state", state, sizeof state);
		field(text, "tracer", tracer, sizeof tracer);
		field(text, "name", name, sizeof name);
		printf("%5s %5s %-5s %6s %s\n", pid, ppid, state, tracer, name);
	}
	closedir(d);
	return 0;
}
