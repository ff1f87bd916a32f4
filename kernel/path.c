/* Path handling for syscalls: a user path is copied through the checked
 * path, then made absolute against the process's cwd. "name:..." paths are
 * already absolute; the scheme layer normalises "." and "..". */
#include "path.h"
#include "errno.h"
#include "lib.h"
#include "proc.h"
#include "scheme.h"
#include "uaccess.h"

static int path_has_scheme(const char *p)
{
	for (; *p && *p != '/'; p++)
		if (*p == ':')
			return 1;
	return 0;
}

/* Join cwd and a relative path; absolute and scheme paths pass through. */
int path_absolute(const char *cwd, const char *path, char *out, size_t size)
{
	int n;
	if (path[0] == '/' || path_has_scheme(path))
		n = ksnprintf(out, size, "%s", path);
	else {
		size_t l = strlen(cwd);
		const char *sep = (l && (cwd[l - 1] == '/' || cwd[l - 1] == ':')) ? "" : "/";
		n = ksnprintf(out, size, "%s%s%s", cwd, sep, path);
	}
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* Copy a user path as it is. Empty paths are -ENOENT. */
int path_copy_from_user(uint64_t upath, char *out, size_t size)
{
	long n = copy_string_from_user(out, upath, size);
	if (n < 0)
		return (int)n;
	return n == 0 ? -ENOENT : 0;
}

/* Copy a user path and make it absolute against the cwd. */
int path_from_user(uint64_t upath, char *out, size_t size)
{
	char tmp[PATH_MAX_K];
	int err = path_copy_from_user(upath, tmp, sizeof tmp);
	return err ? err
	           : path_absolute(current->tg->cwd[0] ? current->tg->cwd : "/", tmp, out, size);
}

/* The canonical spelling of an absolute path: "/x" for the root
 * filesystem, "/tmp/x" and "/proc/x" for the mounted schemes, "name:x" for
 * any other scheme. */
int scheme_canonical(const char *path, char *out, size_t size)
{
	const char *rest;
	const struct scheme *s = scheme_resolve(path, &rest);
	if (!s)
		return -ENOENT;
	int n;
	if (strcmp(s->name, "file") == 0)
		n = ksnprintf(out, size, "/%s", rest);
	else if (scheme_mount_dir(s))
		n = ksnprintf(out, size, "/%s%s%s", scheme_mount_dir(s), *rest ? "/" : "", rest);
	else
		n = ksnprintf(out, size, "%s:%s", s->name, rest);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}
