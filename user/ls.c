/* ls: list directories (open O_DIRECTORY + getdents64) or name files.
 * Flags: -l (type and size), -a (include dot entries). Works on any
 * path form: "/", "/bin", "/scheme", "proc:". Entries are sorted. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

struct entry {
	char *name;
	unsigned char d_type;
};

static int opt_long, opt_all;

static char type_from_mode(mode_t m)
{
	if (S_ISDIR(m))
		return 'd';
	if (S_ISREG(m))
		return '-';
	if (S_ISCHR(m))
		return 'c';
	if (S_ISBLK(m))
		return 'b';
	if (S_ISFIFO(m))
		return 'p';
	if (S_ISLNK(m))
		return 'l';
	if (S_ISSOCK(m))
		return 's';
	return '?';
}

static char type_from_dtype(unsigned char t)
{
	static const char map[16] = {'?', 'p', 'c', '?', 'd', '?', 'b', '?',
	                             '-', '?', 'l', '?', 's', '?', '?', '?'};
	return map[t & 15];
}

/* Join dir and name: no separator after a trailing '/' or scheme ':'. */
static void join(char *out, size_t n, const char *dir, const char *name)
{
	size_t len = strlen(dir);
	int sep = len > 0 && dir[len - 1] != '/' && dir[len - 1] != ':';
	snprintf(out, n, "%s%s%s", dir, sep ? "/" : "", name);
}

static void print_entry(const char *dir, const char *name, unsigned char d_type)
{
	if (!opt_long) {
		printf("%s\n", name);
		return;
	}
	char path[4096];
	struct stat st;
	join(path, sizeof(path), dir, name);
	if (stat(path, &st) == 0)
		printf("%c %10lld %s\n", type_from_mode(st.st_mode), (long long)st.st_size, name);
	else
		printf("%c %10s %s\n", type_from_dtype(d_type), "?", name);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

static int add_entry(struct entry **v, size_t *n, size_t *cap, const struct linux_dirent64 *d)
{
	if (!opt_all && d->d_name[0] == '.')
		return 0;
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		struct entry *nv = realloc(*v, *cap * sizeof(**v));
		if (!nv)
			return -1;
		*v = nv;
	}
	(*v)[*n].name = strdup(d->d_name);
	(*v)[*n].d_type = d->d_type;
	if (!(*v)[*n].name)
		return -1;
	(*n)++;
	return 0;
}

/* Read all entries of the open directory fd into a sorted array. */
static int read_entries(int fd, struct entry **v, size_t *n)
{
	static char buf[8192] __attribute__((aligned(8)));
	size_t cap = 0;
	for (;;) {
		long r = syscall(SYS_getdents64, fd, buf, sizeof(buf));
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		for (long off = 0; off < r;) {
			const struct linux_dirent64 *d = (const void *)(buf + off);
			if (d->d_reclen == 0)
				break;
			if (add_entry(v, n, &cap, d) < 0)
				return -1;
			off += d->d_reclen;
		}
	}
	qsort(*v, *n, sizeof(**v), by_name);
	return 0;
}

static int list_dir(const char *dir, int fd)
{
	struct entry *v = NULL;
	size_t n = 0;
	int rc = 0;
	if (read_entries(fd, &v, &n) < 0) {
		fprintf(stderr, "ls: %s: %s\n", dir, strerror(errno));
		rc = 1;
	}
	for (size_t i = 0; i < n; i++) {
		print_entry(dir, v[i].name, v[i].d_type);
		free(v[i].name);
	}
	free(v);
	return rc;
}

static int list_path(const char *path, int header)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY);
	if (fd < 0 && errno == ENOTDIR) {
		struct stat st;
		if (stat(path, &st) == 0) {
			if (opt_long)
				printf("%c %10lld %s\n", type_from_mode(st.st_mode),
				       (long long)st.st_size, path);
			else
				printf("%s\n", path);
			return 0;
		}
	}
	if (fd < 0) {
		fprintf(stderr, "ls: %s: %s\n", path, strerror(errno));
		return 1;
	}
	static int dirs_shown;
	if (header)
		printf("%s%s:\n", dirs_shown++ ? "\n" : "", path);
	int rc = list_dir(path, fd);
	close(fd);
	return rc;
}

static int parse_flags(const char *arg)
{
	for (const char *p = arg + 1; *p; p++) {
		if (*p == 'l')
			opt_long = 1;
		else if (*p == 'a')
			opt_all = 1;
		else {
			fprintf(stderr, "ls: unknown option -%c\nusage: ls [-la] [path...]\n", *p);
			return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	int n_paths = 0, rc = 0;
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1] != '\0') {
			if (parse_flags(argv[i]) < 0)
				return 2;
		} else {
			n_paths++;
		}
	}
	if (n_paths == 0)
		return list_path(".", 0);
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1] != '\0')
			continue;
		rc |= list_path(argv[i], n_paths > 1);
	}
	return rc;
}
