/* The namespace: a table of registered schemes, and the mapping from a
 * path to (scheme, path inside it). "name:rest" and "/scheme/name/rest"
 * are the same file; "/tmp/..." is the tmp scheme and "/proc/..." the
 * Linux /proc (scheme_mounts); /dev/null, /dev/zero,
 * /dev/tty and /dev/console name null:, zero: and console: (Linux programs
 * open them by habit); any other "/..." is the root filesystem ("file"). The rest is normalised
 * lexically: empty and "." components vanish and ".." never climbs above the scheme's root. The
 * "/scheme" directory itself is a small built-in scheme that lists them. */
#include "scheme.h"
#include "errno.h"
#include "file.h"
#include "heap.h"
#include "lib.h"

#define MAX_SCHEMES 16
#define REST_MAX PATH_MAX_K

static struct scheme schemes[MAX_SCHEMES];
static int nschemes;

/* Add a scheme to the namespace. */
void scheme_register(const char *name, const struct scheme_ops *ops)
{
	if (nschemes == MAX_SCHEMES)
		panic("too many schemes");
	schemes[nschemes].name = name;
	schemes[nschemes].ops = ops;
	nschemes++;
}

int scheme_count(void) { return nschemes; }
const struct scheme *scheme_at(int i) { return i >= 0 && i < nschemes ? &schemes[i] : 0; }

/* The scheme called name[0..len). */
const struct scheme *scheme_find(const char *name, size_t len)
{
	for (int i = 0; i < nschemes; i++)
		if (strlen(schemes[i].name) == len && memcmp(schemes[i].name, name, len) == 0)
			return &schemes[i];
	return 0;
}

/* Normalise src into dst (no leading '/', no ".", "..", or empty parts). */
static int scheme_normalise(const char *src, char *dst, size_t size)
{
	size_t len = 0;
	while (*src) {
		while (*src == '/')
			src++;
		const char *part = src;
		while (*src && *src != '/')
			src++;
		size_t plen = (size_t)(src - part);
		if (plen == 0 || (plen == 1 && part[0] == '.'))
			continue;
		if (plen == 2 && part[0] == '.' && part[1] == '.') {
			while (len > 0 && dst[len - 1] != '/')
				len--;
			if (len > 0)
				len--; /* the '/' before the removed part */
			continue;
		}
		if (len + (len ? 1 : 0) + plen + 1 > size)
			return -ENAMETOOLONG;
		if (len)
			dst[len++] = '/';
		memcpy(dst + len, part, plen);
		len += plen;
	}
	dst[len] = 0;
	return 0;
}

/* The directories of the root that are other schemes (as mount points):
 * "/tmp/x" is tmp:x, "/proc/x" the Linux /proc (linuxproc:x). */
static const struct {
	const char *dir, *scheme;
} scheme_mounts[] = {{"tmp", "tmp"}, {"proc", "linuxproc"}};

/* The mount whose directory buf (normalised, no leading '/') is in, or -1. */
static int scheme_mount_of(const char *buf)
{
	for (size_t i = 0; i < ARRAY_SIZE(scheme_mounts); i++) {
		size_t l = strlen(scheme_mounts[i].dir);
		if (strncmp(buf, scheme_mounts[i].dir, l) == 0 && (buf[l] == 0 || buf[l] == '/'))
			return (int)i;
	}
	return -1;
}

/* The directory a scheme is mounted on ("tmp"), or NULL. */
const char *scheme_mount_dir(const struct scheme *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(scheme_mounts); i++)
		if (strcmp(s->name, scheme_mounts[i].scheme) == 0)
			return scheme_mounts[i].dir;
	return 0;
}

/* The /dev names Linux programs open by habit, and the scheme each names. */
static const char *scheme_dev_alias(const char *path)
{
	static const char *const alias[][2] = {
	    {"dev/null", "null"},     {"dev/zero", "zero"},   {"dev/urandom", "random"},
	    {"dev/random", "random"}, {"dev/tty", "console"}, {"dev/console", "console"}};
	for (size_t i = 0; i < ARRAY_SIZE(alias); i++)
		if (strcmp(path, alias[i][0]) == 0)
			return alias[i][1];
	return 0;
}

static const struct scheme_ops list_ops;
static const struct scheme list_scheme = {"scheme", &list_ops};

/* Where path lives. *rest points to a normalised copy that stays valid
 * until the next call (the kernel runs one syscall at a time). */
const struct scheme *scheme_resolve(const char *path, const char **rest)
{
	static char buf[REST_MAX];
	const struct scheme *s = 0;
	const char *colon = 0;
	for (const char *p = path; *p && *p != '/'; p++)
		if (*p == ':') {
			colon = p;
			break;
		}
	if (colon) {
		s = scheme_find(path, (size_t)(colon - path));
		path = colon + 1;
	} else if (path[0] != '/') {
		return 0;
	} else {
		if (scheme_normalise(path, buf, sizeof buf))
			return 0;
		if (strcmp(buf, "scheme") == 0) {
			*rest = "";
			return &list_scheme;
		}
		if (strncmp(buf, "scheme/", 7) == 0) {
			const char *name = buf + 7, *slash = strchr(name, '/');
			size_t len = slash ? (size_t)(slash - name) : strlen(name);
			s = scheme_find(name, len);
			path = slash ? slash : "";
		} else if (scheme_dev_alias(buf)) {
			s = scheme_find(scheme_dev_alias(buf), strlen(scheme_dev_alias(buf)));
			path = "";
		} else if (scheme_mount_of(buf) >= 0) {
			int m = scheme_mount_of(buf);
			s = scheme_find(scheme_mounts[m].scheme, strlen(scheme_mounts[m].scheme));
			path = buf + strlen(scheme_mounts[m].dir);
		} else {
			s = scheme_find("file", 4);
		}
		if (s && path == buf) {
			*rest = buf;
			return s;
		}
	}
	if (!s)
		return 0;
	static char out[REST_MAX];
	if (scheme_normalise(path, out, sizeof out))
		return 0;
	*rest = out;
	return s;
}

const char *scheme_prefix(const struct scheme *s, char *buf, size_t size)
{
	if (strcmp(s->name, "file") == 0)
		return "/";
	if (scheme_mount_dir(s))
		ksnprintf(buf, size, "/%s/", scheme_mount_dir(s));
	else
		ksnprintf(buf, size, "%s:", s->name);
	return buf;
}

/* The "/scheme" directory: one entry per registered scheme. */
static int scheme_list_open(struct file *f, const char *path, int flags, int mode)
{
	(void)f, (void)mode;
	if (*path)
		return -ENOENT;
	return (flags & O_ACCMODE) == O_RDONLY ? 0 : -EISDIR;
}

static int scheme_list_stat_path(const char *path, struct kstat *st)
{
	if (*path)
		return -ENOENT;
	memset(st, 0, sizeof *st);
	st->mode = S_IFDIR | 0555;
	st->ino = 1;
	return 0;
}

static int scheme_list_stat(struct file *f, struct kstat *st)
{
	(void)f;
	return scheme_list_stat_path("", st);
}

static long scheme_list_getdents(struct file *f, uint64_t ubuf, size_t n, uint64_t *off)
{
	struct dirent_buf d = DIRENT_BUF(f, ubuf, n);
	for (uint64_t i = *off; i < (uint64_t)nschemes; i++) {
		if (!dirent_emit(&d, i + 2, i + 1, DT_DIR, schemes[i].name))
			break;
		*off = i + 1;
	}
	return dirent_done(&d);
}

static long scheme_list_read(struct file *f, uint64_t ubuf, size_t n, uint64_t *off)
{
	(void)f, (void)ubuf, (void)n, (void)off;
	return -EISDIR;
}

static const struct scheme_ops list_ops = {.open = scheme_list_open,
                                           .read = scheme_list_read,
                                           .stat = scheme_list_stat,
                                           .stat_path = scheme_list_stat_path,
                                           .getdents = scheme_list_getdents};
