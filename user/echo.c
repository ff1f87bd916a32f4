/* echo: print arguments separated by spaces.
 * `-n` (first argument) suppresses the trailing newline. */
#include <string.h>
#include <unistd.h>

static int write_all(const char *s, size_t n)
{
	while (n > 0) {
		ssize_t r = write(1, s, n);
		if (r <= 0)
			return -1;
		s += r;
		n -= (size_t)r;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int i = 1, newline = 1;
	if (argc > 1 && strcmp(argv[1], "-n") == 0) {
		newline = 0;
		i = 2;
	}
	for (int first = i; i < argc; i++) {
		if (i > first && write_all(" ", 1) < 0)
			return 1;
		if (write_all(argv[i], strlen(argv[i])) < 0)
			return 1;
	}
	if (newline && write_all("\n", 1) < 0)
		return 1;
	return 0;
}
