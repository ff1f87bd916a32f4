/* The root filesystem ("file" scheme): read-only, served straight from the
 * initfs boot module (include/procyon/initfs.h). Directories are implied by
 * the paths in the archive; the root also shows "tmp" and "scheme", which
 * the namespace routes elsewhere. A module that fails validation is logged
 * and ignored; with none the root is an empty directory. Its stat marks
 * every name as on a read-only filesystem (access W_OK: EROFS). */
#include "boot_info.h"
#include "errno.h"
#include "file.h"
#include "heap.h"
#include "initfs_format.h"
#include "lib.h"
#include "procyon/initfs.h"
#include "schemes.h"

static const void *image;
static uint32_t nentries;
static size_t image_bytes;

/* The archive's size in bytes (statfs of the root). */
size_t initfs_image_size(void) { return image_bytes; }

struct initfs_handle {
	const struct initfs_entry *entry; /* NULL for a directory */
	char dir[INITFS_PATH_MAX];        /* directory path with a leading '/' */
};

/* Whether dir ("/x/y" or "/") is a proper prefix directory of path. */
static bool initfs_under(const char *path, const char *dir)
{
	size_t l = strlen(dir);
	if (l == 1)
		return path[0] == '/' && path[1];
	return strncmp(path, dir, l) == 0 && path[l] == '/';
}

static bool initfs_is_directory(const char *dir)
{
	if (strcmp(dir, "/") == 0)
		return true;
	for (uint32_t i = 0; i < nentries; i++)
		if (initfs_under(initfs_entry_at(image, i)->path, dir))
			return true;
	return false;
}

/* Find a file of the archive by absolute path; 0 or -ENOENT. */
int initfs_lookup(const char *path, const void **data, size_t *size)
{
	const struct initfs_entry *e = image ? initfs_find(image, path) : 0;
	if (!e)
		return -ENOENT;
	*data = (const uint8_t *)image + e->offset;
	*size = e->size;
	return 0;
}

/* The entry at scheme path "path" into *e (NULL for a directory) and its
 * absolute form into abs. 0, -ENOENT or -ENAMETOOLONG. */
static int initfs_find_path(const char *path, char abs[INITFS_PATH_MAX],
                            const struct initfs_entry **e)
{
	if (ksnprintf(abs, INITFS_PATH_MAX, "/%s", path) >= INITFS_PATH_MAX)
		return -ENAMETOOLONG;
	*e = image ? initfs_find(image, abs) : 0;
	return *e || initfs_is_directory(abs) ? 0 : -ENOENT;
}

/* The stat of an entry, or of a directory (e NULL). */
static void initfs_entry_stat(const struct initfs_entry *e, struct kstat *st)
{
	memset(st, 0, sizeof *st);
	st->rofs = true;
	if (e) {
		st->mode = S_IFREG | (e->mode & 07777);
		st->size = e->size;
		st->ino = (uint64_t)(e - initfs_entry_at(image, 0)) + 2;
	} else {
		st->mode = S_IFDIR | 0755;
		st->ino = 1;
	}
}

static int initfs_open(struct file *f, const char *path, int flags, int mode)
{
	(void)mode;
	char abs[INITFS_PATH_MAX];
	const struct initfs_entry *e;
	int err = initfs_find_path(path, abs, &e);
	if (err)
		return err == -ENOENT && (flags & O_CREAT) ? -EROFS : err;
	if ((flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC))
		return e ? -EROFS : -EISDIR;
	struct initfs_handle *h = kzalloc(sizeof *h);
	if (!h)
		return -ENOMEM;
	h->entry = e;
	strlcpy(h->dir, abs, sizeof h->dir);
	f->priv = h;
	return 0;
}

static long initfs_read(struct file *f, uint64_t ubuf, size_t n, uint64_t *off)
{
	struct initfs_handle *h = f->priv;
	if (!h->entry)
		return -EISDIR;
	return file_read_window(f, ubuf, n, off, (const uint8_t *)image + h->entry->offset,
	                        h->entry->size);
}

static long initfs_write(struct file *f, uint64_t ubuf, size_t n, uint64_t *off)
{
	(void)f, (void)ubuf, (void)n, (void)off;
	return -EROFS;
}

static int initfs_stat(struct file *f, struct kstat *st)
{
	initfs_entry_stat(((struct initfs_handle *)f->priv)->entry, st);
	return 0;
}

static int initfs_stat_path(const char *path, struct kstat *st)
{
	char abs[INITFS_PATH_MAX];
	const struct initfs_entry *e;
	int err = initfs_find_path(path, abs, &e);
	if (!err)
		initfs_entry_stat(e, st);
	return err;
}

/* Name of the child of dir that leads to path, copied into out. */
static void initfs_child_name(const char *path, const char *dir, char *out, size_t size)
{
	const char *start = path + (strlen(dir) == 1 ? 1 : strlen(dir) + 1);
	const char *slash = strchr(start, '/');
	size_t len = slash ? (size_t)(slash - start) : strlen(start);
	if (len >= size)
		len = size - 1;
	memcpy(out, start, len);
	out[len] = 0;
}

/* Entries: the immediate children of the directory, once each. The offset
 * counts archive entries (plus two extra slots for "tmp" and "scheme"). */
static long initfs_getdents(struct file *f, uint64_t ubuf, size_t n, uint64_t *off)
{
	struct initfs_handle *h = f->priv;
	if (h->entry)
		return -ENOTDIR;
	struct dirent_buf d = DIRENT_BUF(f, ubuf, n);
	bool root = strcmp(h->dir, "/") == 0;
	for (uint64_t i = *off; i < (uint64_t)nentries + 2; i++) {
		char name[INITFS_PATH_MAX];
		uint8_t type = DT_DIR;
		if (i >= nentries) {
			if (!root)
				break;
			strlcpy(name, i == nentries ? "tmp" : "scheme", sizeof name);
		} else {
			const char *p = initfs_entry_at(image, (uint32_t)i)->path;
			if (!initfs_under(p, h->dir))
				continue;
			initfs_child_name(p, h->dir, name, sizeof name);
			/* Skip a directory name already listed by an earlier entry. */
			bool seen = false;
			for (uint64_t j = 0; j < i && !seen; j++) {
				const char *q = initfs_entry_at(image, (uint32_t)j)->path;
				char other[INITFS_PATH_MAX];
				if (initfs_under(q, h->dir)) {
					initfs_child_name(q, h->dir, other, sizeof other);
					seen = strcmp(other, name) == 0;
				}
			}
			if (seen)
				continue;
			char full[INITFS_PATH_MAX * 2];
			ksnprintf(full, sizeof full, "%s/%s", root ? "" : h->dir, name);
			type = initfs_find(image, full) ? DT_REG : DT_DIR;
		}
		if (!dirent_emit(&d, i + 2, i + 1, type, name))
			return dirent_done(&d);
		*off = i + 1;
	}
	*off = (uint64_t)nentries + 2;
	return dirent_done(&d);
}

static void initfs_close(struct file *f) { kfree(f->priv); }

static const struct scheme_ops initfs_ops = {
    .open = initfs_open,
    .read = initfs_read,
    .write = initfs_write,
    .stat = initfs_stat,
    .stat_path = initfs_stat_path,
    .getdents = initfs_getdents,
    .close = initfs_close,
};

/* Pick the first boot module that is a valid archive and register "file". */
void initfs_scheme_init(void)
{
	for (int i = 0; i < boot_module_count && !image; i++) {
		int n = initfs_validate(boot_modules[i].data, boot_modules[i].size);
		if (n < 0) {
			kprintf("initfs: boot module %d (%s, %zu bytes) is not a Procyon initfs; "
			        "ignored\n",
			        i, boot_modules[i].name ? boot_modules[i].name : "?",
			        boot_modules[i].size);
			continue;
		}
		image = boot_modules[i].data;
		image_bytes = boot_modules[i].size;
		nentries = (uint32_t)n;
		kprintf("initfs: %u files from boot module %d\n", nentries, i);
	}
	if (!image)
		kprintf("initfs: no root filesystem module; / is empty\n");
	scheme_register("file", &initfs_ops);
}
