/* cat: copy files (or stdin when none, or for "-") to stdout.
 * Loops on short writes; reports errors per file and keeps going. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int write_all(const char *buf, size_t n)
{
	while (n > 0) {
		ssize_t r = write(1, buf, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		buf += r;
		n -= (size_t)r;
	}
	return 0;
}

static int copy_fd(int fd, const char *name)
{
	static char buf[16384];
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "cat: %s: %s\n", name, strerror(errno));
			return 1;
		}
		if (n == 0)
			return 0;
		if (write_all(buf, (size_t)n) < 0) {
			fprintf(stderr, "cat: write error: %s\n", strerror(errno));
			return 1;
		}
	}
}

static int cat_file(const char *name)
{
	if (strcmp(name, "-") == 0)
		return copy_fd(0, "stdin");
	int fd = open(name, O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "cat: %s: %s\n", name, strerror(errno));
		return 1;
	}
	int rc = copy_fd(fd, name);
	close(fd);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return copy_fd(0, "stdin");
	int rc = 0;
	for (int i = 1; i < argc; i++)
		rc |= cat_file(argv[i]);
	return rc;
}
