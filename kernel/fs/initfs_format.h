/* Validation and lookup of initfs archives (format in procyon/initfs.h).
 * Pure and freestanding: no allocation, no locking, host-testable.
 * Callers must validate an archive before using the lookup functions. */
#ifndef KERNEL_FS_INITFS_FORMAT_H
#define KERNEL_FS_INITFS_FORMAT_H

#include <stddef.h>
#include "../../include/procyon/initfs.h"

/* Check the header and every entry of the archive at base (len bytes).
 * Returns the number of entries, or a negative errno if malformed. */
int initfs_validate(const void *base, size_t len);

/* Entry i of a validated archive, or NULL if i is out of range. */
const struct initfs_entry *initfs_entry_at(const void *base, uint32_t i);

/* Entry whose path equals path exactly in a validated archive, or NULL. */
const struct initfs_entry *initfs_find(const void *base, const char *path);

#endif
