/* tmp: a writable in-memory filesystem (mounted at /tmp) with Linux
 * tmpfs semantics. Nodes (inodes) are named by directory entries: a file
 * may have several names (hard links, nlink counts them), a directory has
 * exactly one (nlink is 2 + its subdirectories). A node lives while it has
 * a name or an open file; the last of the two to go frees it. File data
 * (and a symlink's target) is one kmalloc'd buffer that doubles as it
 * grows; the total is capped so a runaway writer gets ENOSPC, not a dead
 * kernel. Modes, owners and times are kept per node and checked against
 * the caller's fs_cred (root passes read/write checks); the root is
 * mode 01777 like Linux's /tmp (sticky: only owners remove names). A FIFO
 * node owns a pipe (scheme_pipe.c) that its opens attach to.
 * Paths arrive with their symlinks resolved (file_resolve, through
 * tmp_walk_link); a symlink met by the other ops is just a node. */
#include "errno.h"
#include "file.h"
#include "heap.h"
#include "lib.h"
#include "schemes.h"
#include "time.h"

#define TMP_MAX_BYTES (16u << 20)
#define BOGO_DIRENT 20 /* a directory's st_size per entry, as tmpfs */
#define RELATIME_NS (24ull * 3600 * 1000000000)

struct tent;

struct tnode {
	uint32_t mode; /* S_IFMT bits and permissions */
	uint32_t uid, gid;
	uint32_t nlink; /* names (directories: 2 + subdirectories); 0: gone */
	int opens;
	uint8_t *data; /* file bytes, or a symlink's target */
	size_t size, cap;
	uint64_t ino;
	uint64_t atime, mtime, ctime;
	struct tnode *parent; /* directories: the directory holding it */
	struct tent *entries; /* directories: their names, newest first */
	struct pipe *fifo;    /* FIFOs: the pipe its opens share */
};

struct tent {
	struct tent *next;
	struct tnode *node;
	char name[]; /* NUL-terminated, at most NAME_MAX bytes */
};

static struct tnode root = {.mode = S_IFDIR | 01777, .nlink = 2, .ino = 1, .parent = &root};
static size_t total_bytes;
static uint64_t next_ino = 2;

#define IS(n, type) (((n)->mode & S_IFMT) == (type))

static void tmp_put(struct tnode *n)
{
	if (n->nlink || n->opens || n == &root)
		return;
	total_bytes -= n->cap;
	if (n->fifo)
		pipe_free(n->fifo);
	kfree(n->data);
	kfree(n);
}

/* Whether c may do want (R_OK/W_OK/X_OK bits) to n (file_cred_may). */
static bool tmp_may(const struct tnode *n, int want, const struct fs_cred *c)
{
	return file_cred_may(n->mode, n->uid, n->gid, want, c);
}

static bool tmp_owner(const struct tnode *n, const struct fs_cred *c)
{
	return c->uid == 0 || c->uid == n->uid;
}

/* The sticky rule: in a sticky directory only the owner of the name's
 * node, of the directory, or root may remove or replace it. */
static bool tmp_may_remove(const struct tnode *dir, const struct tnode *n, const struct fs_cred *c)
{
	return !(dir->mode & S_ISVTX) || tmp_owner(n, c) || c->uid == dir->uid;
}

static struct tent **tmp_entry(struct tnode *dir, const char *name, size_t len)
{
	for (struct tent **pp = &dir->entries; *pp; pp = &(*pp)->next)
		if (strlen((*pp)->name) == len && memcmp((*pp)->name, name, len) == 0)
			return pp;
	return 0;
}

/* Walk path from the root (c: check search permission on the way). With
 * last, stop before the last component and return its directory, the
 * name in *last, *last_len ("" for the root itself). NULL: *err is
 * -ENOENT, -ENOTDIR, -EACCES or -ENAMETOOLONG. */
static struct tnode *tmp_walk(const char *path, const struct fs_cred *c, const char **last,
                              size_t *last_len, int *err)
{
	struct tnode *n = &root;
	if (last) {
		*last = "";
		*last_len = 0;
	}
	while (*path) {
		const char *slash = strchr(path, '/');
		size_t len = slash ? (size_t)(slash - path) : strlen(path);
		if (!IS(n, S_IFDIR)) {
			*err = -ENOTDIR;
			return 0;
		}
		if (c && !tmp_may(n, X_OK, c)) {
			*err = -EACCES;
			return 0;
		}
		if (len > NAME_MAX) {
			*err = -ENAMETOOLONG;
			return 0;
		}
		if (!slash && last) {
			*last = path;
			*last_len = len;
			return n;
		}
		struct tent **e = tmp_entry(n, path, len);
		if (!e) {
			*err = -ENOENT;
			return 0;
		}
		n = (*e)->node;
		path += len + (slash ? 1 : 0);
	}
	return n;
}

/* The node at path, searched with c's permissions. */
static struct tnode *tmp_lookup(const char *path, const struct fs_cred *c, int *err)
{
	return tmp_walk(path, c, 0, 0, err);
}

static void tmp_touch(struct tnode *n, bool m, bool ch)
{
	uint64_t now = time_realtime_ns();
	if (m)
		n->mtime = now;
	if (ch)
		n->ctime = now;
}

/* A new name in dir for node n. -ENOMEM. */
static int tmp_add_entry(struct tnode *dir, const char *name, size_t len, struct tnode *n)
{
	struct tent *e = kmalloc(sizeof *e + len + 1);
	if (!e)
		return -ENOMEM;
	memcpy(e->name, name, len);
	e->name[len] = 0;
	e->node = n;
	e->next = dir->entries;
	dir->entries = e;
	if (IS(n, S_IFDIR)) {
		n->parent = dir;
		dir->nlink++;
	}
	tmp_touch(dir, true, true);
	return 0;
}

/* Drop the entry *pp of dir; the node loses a name (and is freed if it
 * was its last and it is not open). */
static void tmp_remove_entry(struct tnode *dir, struct tent **pp)
{
	struct tent *e = *pp;
	struct tnode *n = e->node;
	*pp = e->next;
	kfree(e);
	if (IS(n, S_IFDIR)) {
		dir->nlink--;
		n->nlink = 0;
	} else {
		n->nlink--;
	}
	tmp_touch(dir, true, true);
	tmp_touch(n, false, true);
	tmp_put(n);
}

/* Make a node of mode (type and permissions) named name in dir, owned by
 * c. The caller has checked that the name is free and dir writable. */
static struct tnode *tmp_create(struct tnode *dir, const char *name, size_t len, uint32_t mode,
                                const struct fs_cred *c, int *err)
{
	struct tnode *n = kzalloc(sizeof *n);
	if (!n) {
		*err = -ENOMEM;
		return 0;
	}
	n->mode = mode;
	n->uid = c->uid;
	n->gid = (dir->mode & S_ISGID) ? dir->gid : c->gid;
	n->nlink = IS(n, S_IFDIR) ? 2 : 1;
	n->ino = next_ino++;
	n->atime = n->mtime = n->ctime = time_realtime_ns();
	if (IS(n, S_IFIFO) && !(n->fifo = pipe_alloc())) {
		kfree(n);
		*err = -ENOMEM;
		return 0;
	}
	*err = tmp_add_entry(dir, name, len, n);
	if (*err) {
		if (n->fifo)
			pipe_free(n->fifo);
		kfree(n);
		return 0;
	}
	return n;
}

/* The directory and free name a new node at path goes to: 0, -EEXIST,
 * -ENOENT, -ENOTDIR, -EACCES or -ENAMETOOLONG. */
static int tmp_new_name(const char *path, const struct fs_cred *c, struct tnode **dir,
                        const char **name, size_t *len)
{
	int err = 0;
	*dir = tmp_walk(path, c, name, len, &err);
	if (!*dir)
		return err;
	if (!*len || tmp_entry(*dir, *name, *len))
		return -EEXIST;
	return tmp_may(*dir, W_OK | X_OK, c) ? 0 : -EACCES;
}

static int tmp_grow(struct tnode *nd, size_t need)
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

/* Set a file's size: new bytes read as zeros. */
static int tmp_resize(struct tnode *nd, uint64_t size)
{
	if (size > TMP_MAX_BYTES)
		return -EFBIG;
	if (size > nd->size) {
		int err = tmp_grow(nd, size);
		if (err)
			return err;
		memset(nd->data + nd->size, 0, size - nd->size);
	}
	nd->size = size;
	tmp_touch(nd, true, true);
	return 0;
}

static int tmp_open(struct file *f, const char *path, int flags, int mode)
{
	struct fs_cred c;
	fs_cred_current(&c);
	const char *name;
	size_t len;
	int err = 0, acc = flags & O_ACCMODE;
	struct tnode *dir = tmp_walk(path, &c, &name, &len, &err), *n;
	if (!dir)
		return err;
	struct tent **e = len ? tmp_entry(dir, name, len) : 0;
	n = len ? (e ? (*e)->node : 0) : dir;
	if (n && (flags & O_CREAT) && (flags & O_EXCL))
		return -EEXIST;
	if (!n) {
		if (!(flags & O_CREAT))
			return -ENOENT;
		if (!tmp_may(dir, W_OK | X_OK, &c))
			return -EACCES;
		n = tmp_create(dir, name, len, S_IFREG | ((uint32_t)mode & 07777 & ~c.umask), &c,
		               &err);
		if (!n)
			return err;
	} else {
		if (IS(n, S_IFLNK))
			return -ELOOP; /* O_NOFOLLOW */
		if ((flags & O_DIRECTORY) && !IS(n, S_IFDIR))
			return -ENOTDIR; /* before a FIFO's open could wait */
		if (IS(n, S_IFDIR) && (acc != O_RDONLY || (flags & O_CREAT)))
			return -EISDIR;
		int want = (acc != O_WRONLY ? R_OK : 0) | (acc != O_RDONLY ? W_OK : 0);
		if ((flags & O_TRUNC) && IS(n, S_IFREG))
			want |= W_OK;
		if (!tmp_may(n, want, &c))
			return -EACCES;
	}
	f->priv = n;
	n->opens++;
	if (IS(n, S_IFIFO)) {
		err = pipe_attach(n->fifo, f);
		if (err) {
			n->opens--;
			tmp_put(n);
		}
		return err;
	}
	if (IS(n, S_IFREG) && (flags & O_TRUNC) && acc != O_RDONLY)
		tmp_resize(n, 0);
	return 0;
}

static void tmp_close(struct file *f)
{
	struct tnode *n = f->priv;
	if (n->fifo)
		pipe_detach(n->fifo, f);
	n->opens--;
	tmp_put(n);
}

static long tmp_read(struct file *f, uint64_t ubuf, size_t n, uint64_t *off)
{
	struct tnode *nd = f->priv;
	if (IS(nd, S_IFDIR))
		return -EISDIR;
	if (nd->fifo)
		return pipe_file_read(nd->fifo, f, ubuf, n);
	long r = file_read_window(f, ubuf, n, off, nd->data, nd->size);
	uint64_t now = time_realtime_ns();
	/* relatime, Linux's default: atime moves if it is behind a change */
	if (r >= 0 &&
	    (nd->atime <= nd->mtime || nd->atime <= nd->ctime || now - nd->atime > RELATIME_NS))
		nd->atime = now;
	return r;
}

static long tmp_write(struct file *f, uint64_t ubuf, size_t n, uint64_t *off)
{
	struct tnode *nd = f->priv;
	if (IS(nd, S_IFDIR))
		return -EISDIR;
	if (nd->fifo)
		return pipe_file_write(nd->fifo, f, ubuf, n);
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
	if (n)
		tmp_touch(nd, true, true);
	return (long)n;
}

static void tmp_node_stat(const struct tnode *nd, struct kstat *st)
{
	memset(st, 0, sizeof *st);
	st->mode = nd->mode;
	st->size = nd->size;
	if (IS(nd, S_IFDIR)) {
		size_t count = 2;
		for (const struct tent *e = nd->entries; e; e = e->next)
			count++;
		st->size = count * BOGO_DIRENT;
	} else if (nd->fifo) {
		st->size = 0;
	}
	st->ino = nd->ino;
	st->nlink = nd->nlink;
	st->gone = !nd->nlink && nd != &root;
	st->uid = nd->uid;
	st->gid = nd->gid;
	st->atime_ns = nd->atime;
	st->mtime_ns = nd->mtime;
	st->ctime_ns = nd->ctime;
}

static int tmp_stat(struct file *f, struct kstat *st)
{
	tmp_node_stat(f->priv, st);
	return 0;
}

static int tmp_stat_path(const char *path, struct kstat *st)
{
	struct fs_cred c;
	fs_cred_current(&c);
	int err = 0;
	struct tnode *n = tmp_lookup(path, &c, &err);
	if (!n)
		return err;
	tmp_node_stat(n, st);
	return 0;
}

static uint8_t tmp_dtype(const struct tnode *n)
{
	switch (n->mode & S_IFMT) {
	case S_IFDIR: return DT_DIR;
	case S_IFLNK: return DT_LNK;
	case S_IFIFO: return DT_FIFO;
	default: return DT_REG;
	}
}

static long tmp_getdents(struct file *f, uint64_t ubuf, size_t n, uint64_t *off)
{
	struct tnode *nd = f->priv;
	if (!IS(nd, S_IFDIR))
		return -ENOTDIR;
	if (!nd->nlink)
		return 0; /* removed while open: empty */
	struct dirent_buf d = DIRENT_BUF(f, ubuf, n);
	uint64_t i = 0;
	for (struct tent *e = nd->entries; e; e = e->next, i++) {
		if (i < *off)
			continue;
		if (!dirent_emit(&d, e->node->ino, i + 1, tmp_dtype(e->node), e->name))
			break;
		*off = i + 1;
	}
	return dirent_done(&d);
}

/* unlink (dir false) and rmdir (dir true). */
static int tmp_remove(const char *path, bool want_dir)
{
	struct fs_cred c;
	fs_cred_current(&c);
	const char *name;
	size_t len;
	int err = 0;
	struct tnode *dir = tmp_walk(path, &c, &name, &len, &err);
	if (!dir)
		return err;
	if (!len)
		return want_dir ? -EBUSY : -EISDIR;
	struct tent **e = tmp_entry(dir, name, len);
	if (!e)
		return -ENOENT;
	struct tnode *n = (*e)->node;
	if (want_dir && !IS(n, S_IFDIR))
		return -ENOTDIR;
	if (!want_dir && IS(n, S_IFDIR))
		return -EISDIR;
	if (!tmp_may(dir, W_OK | X_OK, &c))
		return -EACCES;
	if (!tmp_may_remove(dir, n, &c))
		return -EPERM;
	if (want_dir && n->entries)
		return -ENOTEMPTY;
	tmp_remove_entry(dir, e);
	return 0;
}

static int tmp_unlink(const char *path) { return tmp_remove(path, false); }
static int tmp_rmdir(const char *path) { return tmp_remove(path, true); }

static int tmp_mknode(const char *path, uint32_t mode, const uint8_t *data, size_t size)
{
	struct fs_cred c;
	fs_cred_current(&c);
	struct tnode *dir, *n;
	const char *name;
	size_t len;
	int err = tmp_new_name(path, &c, &dir, &name, &len);
	if (err)
		return err;
	if ((mode & S_IFMT) != S_IFLNK)
		mode = (mode & S_IFMT) | (mode & 07777 & ~c.umask);
	if (size && total_bytes + size > TMP_MAX_BYTES)
		return -ENOSPC;
	n = tmp_create(dir, name, len, mode, &c, &err);
	if (!n)
		return err;
	if (size && tmp_grow(n, size) == 0) {
		memcpy(n->data, data, size);
		n->size = size;
	} else if (size) {
		tmp_remove_entry(dir, tmp_entry(dir, name, len));
		return -ENOSPC;
	}
	return 0;
}

static int tmp_mkdir(const char *path, int mode)
{
	return tmp_mknode(path, S_IFDIR | ((uint32_t)mode & 07777), 0, 0);
}

static int tmp_symlink(const char *target, const char *path)
{
	return tmp_mknode(path, S_IFLNK | 0777, (const uint8_t *)target, strlen(target));
}

/* mknod: FIFOs and regular files; devices need a driver tmp has not. */
static int tmp_mknod(const char *path, int mode, uint64_t dev)
{
	(void)dev;
	uint32_t type = (uint32_t)mode & S_IFMT;
	if (type == 0)
		type = S_IFREG;
	if (type != S_IFREG && type != S_IFIFO)
		return -EPERM;
	return tmp_mknode(path, type | ((uint32_t)mode & 07777), 0, 0);
}

static long tmp_readlink(const char *path, char *buf, size_t size)
{
	struct fs_cred c;
	fs_cred_current(&c);
	int err = 0;
	struct tnode *n = tmp_lookup(path, &c, &err);
	if (!n)
		return err;
	if (!IS(n, S_IFLNK))
		return -EINVAL;
	size_t len = MIN(size, n->size);
	memcpy(buf, n->data, len);
	return (long)len;
}

static int tmp_walk_link(const char *path, bool follow, char *target, size_t size, size_t *consumed)
{
	struct tnode *n = &root;
	const char *p = path;
	while (*p) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);
		if (!IS(n, S_IFDIR))
			return -ENOTDIR;
		struct tent **e = tmp_entry(n, p, len);
		if (!e)
			return 0;
		n = (*e)->node;
		p += len;
		if (IS(n, S_IFLNK) && (*p || follow)) {
			if (n->size >= size)
				return -ENAMETOOLONG;
			memcpy(target, n->data, n->size);
			target[n->size] = 0;
			*consumed = (size_t)(p - path);
			return 1;
		}
		if (*p)
			p++;
	}
	return 0;
}

static int tmp_link(const char *oldpath, const char *newpath)
{
	struct fs_cred c;
	fs_cred_current(&c);
	int err = 0;
	struct tnode *n = tmp_lookup(oldpath, &c, &err), *dir;
	if (!n)
		return err;
	const char *name;
	size_t len;
	err = tmp_new_name(newpath, &c, &dir, &name, &len);
	if (err)
		return err;
	if (IS(n, S_IFDIR))
		return -EPERM;
	err = tmp_add_entry(dir, name, len, n);
	if (!err) {
		n->nlink++;
		tmp_touch(n, false, true);
	}
	return err;
}

/* Whether a is d or inside it. */
static bool tmp_within(const struct tnode *a, const struct tnode *d)
{
	for (;; a = a->parent) {
		if (a == d)
			return true;
		if (a == &root)
			return false;
	}
}

/* renameat2's RENAME_EXCHANGE: the two names (both must exist) swap their
 * files atomically; either may be a directory, neither may end up inside
 * itself. */
static int tmp_exchange(const struct fs_cred *c, struct tnode *odir, struct tent *oe,
                        struct tnode *ndir, struct tent *ne)
{
	if (!ne || !ne->node || !oe->node)
		return -ENOENT;
	struct tnode *n = oe->node, *t = ne->node;
	if (n == t)
		return 0;
	if (!tmp_may(odir, W_OK | X_OK, c) || !tmp_may(ndir, W_OK | X_OK, c))
		return -EACCES;
	if ((IS(n, S_IFDIR) && tmp_within(ndir, n)) || (IS(t, S_IFDIR) && tmp_within(odir, t)))
		return -EINVAL;
	if (!tmp_may_remove(odir, n, c) || !tmp_may_remove(ndir, t, c))
		return -EPERM;
	oe->node = t;
	ne->node = n;
	if (IS(n, S_IFDIR)) {
		odir->nlink--;
		ndir->nlink++;
		n->parent = ndir;
	}
	if (IS(t, S_IFDIR)) {
		ndir->nlink--;
		odir->nlink++;
		t->parent = odir;
	}
	tmp_touch(odir, true, true);
	tmp_touch(ndir, true, true);
	tmp_touch(n, false, true);
	tmp_touch(t, false, true);
	return 0;
}

/* rename(2) within tmp: every check is made before anything changes, and
 * the new name replaces the target in one step. */
static int tmp_rename(const char *oldpath, const char *newpath, int flags)
{
	struct fs_cred c;
	fs_cred_current(&c);
	const char *oname, *nname;
	size_t olen, nlen;
	int err = 0;
	struct tnode *odir = tmp_walk(oldpath, &c, &oname, &olen, &err);
	if (!odir)
		return err;
	struct tent **oe = olen ? tmp_entry(odir, oname, olen) : 0;
	if (olen && !oe)
		return -ENOENT;
	struct tnode *ndir = tmp_walk(newpath, &c, &nname, &nlen, &err);
	if (!ndir)
		return err;
	if (!olen || !nlen)
		return -EBUSY; /* the root of tmp */
	struct tnode *n = (*oe)->node;
	struct tent **te = tmp_entry(ndir, nname, nlen);
	struct tnode *t = te ? (*te)->node : 0;
	if (t && (flags & RENAME_NOREPLACE))
		return -EEXIST;
	if (flags & RENAME_EXCHANGE)
		return tmp_exchange(&c, odir, *oe, ndir, te ? *te : 0);
	if (t == n)
		return 0; /* the same file: nothing to do, as Linux */
	if (!tmp_may(odir, W_OK | X_OK, &c) || !tmp_may(ndir, W_OK | X_OK, &c))
		return -EACCES;
	if (IS(n, S_IFDIR) && tmp_within(ndir, n))
		return -EINVAL;
	if (t && IS(n, S_IFDIR) && !IS(t, S_IFDIR))
		return -ENOTDIR;
	if (t && !IS(n, S_IFDIR) && IS(t, S_IFDIR))
		return -EISDIR;
	if (t && t->entries)
		return -ENOTEMPTY;
	if (!tmp_may_remove(odir, n, &c) || (t && !tmp_may_remove(ndir, t, &c)))
		return -EPERM;
	struct tent *ne = kmalloc(sizeof *ne + nlen + 1);
	if (!ne)
		return -ENOMEM;
	memcpy(ne->name, nname, nlen);
	ne->name[nlen] = 0;
	ne->node = n;
	/* From here on nothing fails. Take the old name out first (keeping
	 * the node: nlink is untouched), then replace or add the new one. */
	struct tent *old = *oe;
	*oe = old->next;
	kfree(old);
	if (IS(n, S_IFDIR))
		odir->nlink--;
	te = t ? tmp_entry(ndir, nname, nlen) : 0;
	if (t && te) {
		struct tent *gone = *te;
		*te = gone->next;
		kfree(gone);
		if (IS(t, S_IFDIR)) {
			ndir->nlink--;
			t->nlink = 0;
		} else {
			t->nlink--;
		}
		tmp_touch(t, false, true);
		tmp_put(t);
	}
	ne->next = ndir->entries;
	ndir->entries = ne;
	if (IS(n, S_IFDIR)) {
		ndir->nlink++;
		n->parent = ndir;
	}
	tmp_touch(odir, true, true);
	tmp_touch(ndir, true, true);
	tmp_touch(n, false, true);
	return 0;
}

/* chmod, chown, truncate and utimensat, with Linux's permission rules. */
static int tmp_setattr(struct file *f, const char *path, const struct fs_setattr *a)
{
	struct fs_cred c;
	fs_cred_current(&c);
	int err = 0;
	struct tnode *n = f ? f->priv : tmp_lookup(path, &c, &err);
	if (!n)
		return err;
	if (a->valid & ATTR_SIZE) {
		if (IS(n, S_IFDIR))
			return -EISDIR;
		if (!IS(n, S_IFREG))
			return -EINVAL;
		if (!f && !tmp_may(n, W_OK, &c))
			return -EACCES;
		return tmp_resize(n, a->size);
	}
	if (a->valid & ATTR_OWNER) {
		bool uid_change = a->uid != (uint32_t)-1 && a->uid != n->uid;
		bool gid_change = a->gid != (uint32_t)-1 && a->gid != n->gid;
		if (c.uid != 0 &&
		    (uid_change || (gid_change && (c.uid != n->uid || a->gid != c.gid))))
			return -EPERM;
		if (a->uid != (uint32_t)-1)
			n->uid = a->uid;
		if (a->gid != (uint32_t)-1)
			n->gid = a->gid;
		if (!IS(n, S_IFDIR) && !IS(n, S_IFLNK)) {
			n->mode &= ~(uint32_t)S_ISUID;
			if (n->mode & 010)
				n->mode &= ~(uint32_t)S_ISGID;
		}
		tmp_touch(n, false, true);
	}
	if (a->valid & ATTR_MODE) {
		if (!tmp_owner(n, &c))
			return -EPERM;
		uint32_t mode = a->mode & 07777;
		if (c.uid != 0 && c.gid != n->gid)
			mode &= ~(uint32_t)S_ISGID;
		n->mode = (n->mode & S_IFMT) | mode;
		tmp_touch(n, false, true);
	}
	if (a->valid & (ATTR_ATIME | ATTR_MTIME)) {
		if ((a->valid & ATTR_TIMES_NOW) ? !tmp_owner(n, &c) && !tmp_may(n, W_OK, &c)
		                                : !tmp_owner(n, &c))
			return (a->valid & ATTR_TIMES_NOW) ? -EACCES : -EPERM;
		if (a->valid & ATTR_ATIME)
			n->atime = a->atime_ns;
		if (a->valid & ATTR_MTIME)
			n->mtime = a->mtime_ns;
		tmp_touch(n, false, true);
	}
	return 0;
}

static int tmp_poll(struct file *f, int events)
{
	(void)events;
	struct tnode *n = f->priv;
	return n->fifo ? pipe_file_poll(n->fifo, f) : POLLIN | POLLOUT;
}

static long tmp_ioctl(struct file *f, uint64_t req, uint64_t arg)
{
	struct tnode *n = f->priv;
	return n->fifo ? pipe_file_ioctl(n->fifo, f, req, arg) : -ENOTTY;
}

static const struct scheme_ops tmp_ops = {
    .ioctl = tmp_ioctl,
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
    .walk_link = tmp_walk_link,
    .readlink = tmp_readlink,
    .symlink = tmp_symlink,
    .link = tmp_link,
    .rename = tmp_rename,
    .setattr = tmp_setattr,
    .mknod = tmp_mknod,
};

/* Register tmp:. */
void tmp_scheme_init(void)
{
	root.atime = root.mtime = root.ctime = time_realtime_ns();
	scheme_register("tmp", &tmp_ops);
}
