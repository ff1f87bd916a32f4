/* uname: print system information from uname(2).
 * Flags: -s (default), -n, -r, -m, -a (all of them plus version). */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

enum { F_S = 1, F_N = 2, F_R = 4, F_V = 8, F_M = 16, F_ALL = 31 };

static int parse_flags(int argc, char **argv)
{
	int flags = 0;
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] != '-' || argv[i][1] == '\0')
			return -1;
		for (const char *p = argv[i] + 1; *p; p++) {
			const char *opts = "snrvma";
			const char *hit = strchr(opts, *p);
			if (!hit)
				return -1;
			flags |= *p == 'a' ? F_ALL : 1 << (hit - opts);
		}
	}
	return flags ? flags : F_S;
}

int main(int argc, char **argv)
{
	struct utsname u;
	int flags = parse_flags(argc, argv);
	if (flags < 0) {
		fprintf(stderr, "usage: uname [-asnrvm]\n");
		return 1;
	}
	if (uname(&u) < 0) {
		perror("uname");
		return 1;
	}
	const char *fields[] = {u.sysname, u.nodename, u.release, u.version, u.machine};
	int first = 1;
	for (int i = 0; i < 5; i++) {
		if (!(flags & (1 << i)))
			continue;
		printf("%s%s", first ? "" : " ", fields[i]);
		first = 0;
	}
	printf("\n");
	return 0;
}
