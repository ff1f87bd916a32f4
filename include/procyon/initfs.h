/* On-disk format of the Procyon root filesystem archive (initfs).
 * Shared by the kernel and the host tool mkinitfs. All fields are
 * little-endian; file data starts at 4096-byte aligned offsets. */
#ifndef PROCYON_INITFS_H
#define PROCYON_INITFS_H

#include <stdint.h>

#define INITFS_MAGIC "PRCYFS01"
#define INITFS_MAGIC_LEN 8
#define INITFS_PATH_MAX 104 /* 104 + 8 + 8 + 4 + 4 = 128 bytes per entry */
#define INITFS_ALIGN 4096

struct initfs_header {
	char magic[INITFS_MAGIC_LEN]; /* "PRCYFS01", not NUL-terminated */
	uint32_t count;               /* number of entries that follow */
	uint32_t reserved;            /* zero */
};

struct initfs_entry {
	char path[INITFS_PATH_MAX]; /* absolute, NUL-terminated: "/bin/sh" */
	uint64_t offset;            /* from archive start, INITFS_ALIGN aligned */
	uint64_t size;              /* bytes of file data */
	uint32_t mode;              /* permission bits (07777) */
	uint32_t reserved;          /* zero */
};

_Static_assert(sizeof(struct initfs_header) == 16, "initfs header size");
_Static_assert(sizeof(struct initfs_entry) == 128, "initfs entry size");

#endif
