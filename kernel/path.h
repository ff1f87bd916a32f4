/* Turning the paths user programs pass into the namespace's canonical form. */
#ifndef PATH_H
#define PATH_H
#include <stddef.h>
#include <stdint.h>

/* Copy a user path as it is (empty: -ENOENT). 0 or -errno. */
int path_copy_from_user(uint64_t upath, char *out, size_t size);
/* Copy a user path and make it absolute against the cwd. 0 or -errno. */
int path_from_user(uint64_t upath, char *out, size_t size);
/* Make path absolute against cwd (kernel strings). 0 or -ENAMETOOLONG. */
int path_absolute(const char *cwd, const char *path, char *out, size_t size);
/* Canonical spelling of an absolute path (for the cwd). */
int scheme_canonical(const char *path, char *out, size_t size);
#endif
