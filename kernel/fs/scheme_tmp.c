/* tmp: a writable in-memory filesystem (mounted at /tmp). A tree of
 * nodes; file data is one kmalloc'd buffer that doubles as it grows. A node
 * unlinked while open lives on until its last handle closes. The total
 * size is capped so a runaway writer gets ENOSPC, not a dead kernel. */
#include "errno.h"
#include "file.h"
#include "heap.h"
#include "lib.h"
#include "schemes.h"

#define TMP_MAX_BYTES (16u << 20)
#define NAME_MAX_T 64

struct node {
	char name[NAME_MAX_T];
	bool dir, unlinked;
	int opens;
	uint8_t *data;
	size_t size, cap;
	uint64_t ino;
	struct node *parent, *children, *next;
};

static struct node root = {.dir = true, .ino = 1};
static size_t total_bytes;
static uint64_t next_ino = 2;

static void tmp_free_node(struct node *n)
{
	total_bytes -= n->cap;
	kfree(n->data);
	kfree(n);
}

static struct node *tmp_child(struct node *dir, const char *name, size_t len)
{
	for (struct node *c = dir->children; c; c = c->next)
		if (strlen(c->name) == len && memcmp(c->name, name, len) == 0)
			return c;
	return 0;
}

/* Walk path; with parent_out, stop at the last component and return its
 * parent (the last name in *last, *last_len). */
static struct node *tmp_walk(const char *path, const char **last, size_t *last_len)
{
	struct node *n = &root;
	while (*path) {
		const char *slash = strchr(path, '/');
		size_t len = slash ? (size_t)(slash - path) : strlen(path);
		if (!slash && last) {
			*last = path;
			*last_len = len;
			return n;
		}
		n = n->dir ? tmp_child(n, path, len) : 0;
		if (!n)
			return 0;
		path += len + (slash ? 1 : 0);
	}
	if (last) {
		*last = "";
		*last_len = 0;
	}
	return n;
}

static struct node *tmp_make(struct node *dir, const char *name, size_t len, bool is_dir)
{
	if (len >= NAME_MAX_T)
		return 0;
	struct node *n = kzalloc(sizeof *n);
	if (!n)
		return 0;
	memcpy(n->name, name, len);
	n->dir = is_dir;
	n->ino = next_ino++;
	n->parent = dir;
	n->next = dir->children;
	dir->children = n;
	return n;
}

static void tmp_detach(struct node *n)
{
	for (struct node **pp = &n->parent->children; *pp; pp = &(*pp)->next)
		if (*pp == n) {
			*pp = n->next;
			break;
		}
	n->unlinked = true;
}

static int tmp_open(struct file *f, const char *path, int flags, int mode)
{
	(void)mode;
	const char *name;
	size_t len;
	struct node *dir = tmp_walk(path, &name, &len), *n;
	if (!dir || !dir->dir)
		return -ENOENT;
	n = len ? tmp_child(dir, name, len) : dir;
	if (n && (flags & O_CREAT) && (flags & O_EXCL))
		return -EEXIST;
	if (!n) {
		if (!(flags & O_CREAT))
			return -ENOENT;
		if (len >= NAME_MAX_T)
			return -ENAMETOOLONG;
		n = tmp_make(dir, name, len, false);
		if (!n)
			return -ENOMEM;
	}
	if (n->dir && (flags & O_ACCMODE) != O_RDONLY)
		return -EISDIR;
	if (!n->dir && (flags & O_TRUNC) && (flags & O_ACCMODE) != O_RDONLY)
		n->size = 0;
	n->opens++;
	f->priv = n;
	return 0;
}

static void tmp_close(struct file *f)
{
	struct node *n = f->priv;
	if (--n->opens == 0 && n->unlinked)
		tmp_free_node(n);
}

static long tmp_read(struct file *f, uint64_t ubuf, size_t n, uint64_t *off)
{
	struct node *nd = f->priv;
	if (nd->dir)
		return -EISDIR;
	return file_read_window(f, ubuf, n, off, nd->data, nd->size);
}

static int tmp_grow(struct node *nd, size_t need)
{
	if (need <= nd->cap)
		return 0;
	size_t cap = nd->cap ? nd->cap : 256;
	while (cap < need)
		cap *= 2;
	if (total_bytes - nd->cap + cap > TMP_MAX_BYTES)
		cap = need; /* near the cap: exactly what is needed, no doubling */
	if (total_bytes - nd->cap + cap > TMP_MAX_BYTES)
		return -ENOSPC;
	uint8_t *d = kmalloc(cap);
	if (!d)
		return -ENOSPC;
	if (nd->size)
		memcpy(d, nd->data, nd->size);
	kfree(nd->data);
	total_bytes += cap - nd->cap;
	nd->data = d;
	nd->cap = cap;
	return 0;
}

static long tmp_write(struct file *f, uint64_t ubuf, size_t n, uint64_t *off)
{
	struct node *nd = f->priv;
	if (nd->dir)
		return -EISDIR;
	if (*off > TMP_MAX_BYTES || n > TMP_MAX_BYTES - *off)
		return -EFBIG;
	int err = tmp_grow(nd, *off + n);
	if (err)
		return err;
	if (*off > nd->size)
		memset(nd->data + nd->size, 0, *off - nd->size);
	if (file_copy_in(f, nd->data + *off, ubuf, n))
		return -EFAULT;
	*off += n;
	nd->size = MAX(nd->size, *off);
	return (long)n;
}

static void tmp_node_stat(const struct node *nd, struct kstat *st)
{
	memset(st, 0, sizeof *st);
	st->mode = nd->dir ? (S_IFDIR | 0777) : (S_IFREG | 0666);
	st->size = nd->size;
	st->ino = nd->ino;
	st->nlink = nd->unlinked ? 0 : 1;
}

static int tmp_stat(struct file *f, struct kstat *st)
{
	tmp_node_stat(f->priv, st);
	return 0;
}

static int tmp_stat_path(const char *path, struct kstat *st)
{
	struct node *n = tmp_walk(path, 0, 0);
	if (!n)
		return -ENOENT;
	tmp_node_stat(n, st);
	return 0;
}

static long tmp_getdents(struct file *f, uint64_t ubuf, size_t n, uint64_t *off)
{
	struct node *nd = f->priv;
	if (!nd->dir)
		return -ENOTDIR;
	struct dirent_buf d = DIRENT_BUF(f, ubuf, n);
	uint64_t i = 0;
	for (struct node *c = nd->children; c; c = c->next, i++) {
		if (i < *off)
			continue;
		if (!dirent_emit(&d, c->ino, i + 1, c->dir ? DT_DIR : DT_REG, c->name))
			break;
		*off = i + 1;
	}
	return dirent_done(&d);
}

static int tmp_unlink(const char *path)
{
	struct node *n = tmp_walk(path, 0, 0);
	if (!n || n == &root)
		return n ? -EISDIR : -ENOENT;
	if (n->dir)
		return -EISDIR;
	tmp_detach(n);
	if (n->opens == 0)
		tmp_free_node(n);
	return 0;
}

static int tmp_mkdir(const char *path, int mode)
{
	(void)mode;
	const char *name;
	size_t len;
	struct node *dir = tmp_walk(path, &name, &len);
	if (!dir || !dir->dir)
		return -ENOENT;
	if (!len || tmp_child(dir, name, len))
		return -EEXIST;
	if (len >= NAME_MAX_T)
		return -ENAMETOOLONG;
	return tmp_make(dir, name, len, true) ? 0 : -ENOMEM;
}

static int tmp_rmdir(const char *path)
{
	struct node *n = tmp_walk(path, 0, 0);
	if (!n)
		return -ENOENT;
	if (n == &root)
		return -EBUSY;
	if (!n->dir)
		return -ENOTDIR;
	if (n->children)
		return -ENOTEMPTY;
	tmp_detach(n);
	if (n->opens == 0)
		tmp_free_node(n);
	return 0;
}

static int tmp_poll(struct file *f, int events)
{
	(void)f, (void)events;
	return POLLIN | POLLOUT;
}

static const struct scheme_ops tmp_ops = {
    .open = tmp_open,
    .read = tmp_read,
    .write = tmp_write,
    .stat = tmp_stat,
    .stat_path = tmp_stat_path,
    .getdents = tmp_getdents,
    .poll = tmp_poll,
    .close = tmp_close,
    .unlink = tmp_unlink,
    .mkdir = tmp_mkdir,
    .rmdir = tmp_rmdir,
};

/* Register tmp:. */
void tmp_scheme_init(void) { scheme_register("tmp", &tmp_ops); }
