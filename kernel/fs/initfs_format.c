/* Validation and lookup of initfs archives (see procyon/initfs.h).
 * Invariant: lookups assume initfs_validate() accepted the archive.
 * No global state, so no locking. Freestanding: no libc calls. */
#include "initfs_format.h"
#include "../errno.h"

static int initfs_magic_ok(const struct initfs_header *h)
{
	const char *want = INITFS_MAGIC;
	for (int i = 0; i < INITFS_MAGIC_LEN; i++)
		if (h->magic[i] != want[i])
			return 0;
	return 1;
}

static int initfs_path_ok(const char *path)
{
	if (path[0] != '/')
		return 0;
	for (int i = 0; i < INITFS_PATH_MAX; i++)
		if (path[i] == '\0')
			return 1;
	return 0;
}

/* Data must be aligned, lie inside the archive and not overlap the table. */
static int initfs_extent_ok(const struct initfs_entry *e, size_t len, size_t table_end)
{
	if (e->offset % INITFS_ALIGN != 0)
		return 0;
	if (e->offset > len || e->size > len - e->offset)
		return 0;
	if (e->size > 0 && e->offset < table_end)
		return 0;
	return 1;
}

/* Check the header and every entry; returns the entry count or -errno. */
int initfs_validate(const void *base, size_t len)
{
	const struct initfs_header *h = base;
	if (base == NULL || len < sizeof(*h))
		return -EINVAL;
	if (!initfs_magic_ok(h))
		return -EINVAL;
	size_t max = (len - sizeof(*h)) / sizeof(struct initfs_entry);
	if (h->count > max || h->count > 0x7fffffffu)
		return -EINVAL;
	size_t table_end = sizeof(*h) + (size_t)h->count * sizeof(struct initfs_entry);
	for (uint32_t i = 0; i < h->count; i++) {
		const struct initfs_entry *e = initfs_entry_at(base, i);
		if (!initfs_path_ok(e->path) || !initfs_extent_ok(e, len, table_end))
			return -EINVAL;
	}
	return (int)h->count;
}

/* Entry i of a validated archive, or NULL if out of range. */
const struct initfs_entry *initfs_entry_at(const void *base, uint32_t i)
{
	const struct initfs_header *h = base;
	if (i >= h->count)
		return NULL;
	const struct initfs_entry *table = (const void *)(h + 1);
	return &table[i];
}

static int initfs_path_eq(const char *a, const char *b)
{
	size_t i = 0;
	for (; i < INITFS_PATH_MAX && a[i] != '\0'; i++)
		if (a[i] != b[i])
			return 0;
	return i < INITFS_PATH_MAX && b[i] == '\0';
}

/* Entry with exactly this path in a validated archive, or NULL. */
const struct initfs_entry *initfs_find(const void *base, const char *path)
{
	const struct initfs_header *h = base;
	for (uint32_t i = 0; i < h->count; i++) {
		const struct initfs_entry *e = initfs_entry_at(base, i);
		if (initfs_path_eq(e->path, path))
			return e;
	}
	return NULL;
}
