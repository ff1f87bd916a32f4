/* sleep: pause for the given number of seconds (decimals allowed, e.g. 0.5).
 * Several arguments are summed. Uses nanosleep, resuming after EINTR. */
#include <errno.h>
#include <stdio.h>
#include <time.h>

/* Parse "12", "0.25", ".5" into nanoseconds; -1 if malformed. */
static long long parse_ns(const char *s)
{
	long long sec = 0, frac = 0, scale = 1000000000LL;
	int digits = 0;
	for (; *s >= '0' && *s <= '9'; s++, digits++) {
		if (sec > 1000000000LL)
			return -1;
		sec = sec * 10 + (*s - '0');
	}
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++, digits++)
			if (scale > 1) {
				scale /= 10;
				frac += (*s - '0') * scale;
			}
	if (*s != '\0' || digits == 0)
		return -1;
	return sec * 1000000000LL + frac;
}

int main(int argc, char **argv)
{
	long long total = 0;
	if (argc < 2) {
		fprintf(stderr, "usage: sleep SECONDS...\n");
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		long long ns = parse_ns(argv[i]);
		if (ns < 0) {
			fprintf(stderr, "sleep: invalid time interval '%s'\n", argv[i]);
			return 1;
		}
		total += ns;
	}
	struct timespec ts = {total / 1000000000LL, total % 1000000000LL};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	return 0;
}
