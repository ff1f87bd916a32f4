/* gdbserver: GDB's host I/O (vFile) and qXfer:exec-file. GDB reads files
 * of the target with these: /proc/PID/cmdline, exe, maps and friends for
 * `info proc`, the program itself for a "target:" sysroot. /proc/PID/FILE
 * is served from proc:PID/FILE (maps rewritten to Linux's six columns),
 * /proc/PID/task/TID/FILE from proc:TID/FILE;
 * other absolute paths are opened as they are, read-only. A path with a
 * ".." component, a relative path and any write are refused. */
#include "gdbserver.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_VFILES 16
#define FILE_MAX (64 * 1024) /* a generated proc: text file, read whole */

/* An open vFile: a real descriptor, or a proc: text read whole at open. */
static struct vfile {
	bool used;
	int fd;
	char *text;
	size_t len;
} vfiles[MAX_VFILES];

/* GDB's File-I/O errno values. */
static int fileio_errno(int e)
{
	switch (e) {
	case EPERM:
	case ENOENT:
	case EINTR:
	case EBADF:
	case EACCES:
	case EFAULT:
	case EBUSY:
	case EEXIST:
	case ENODEV:
	case ENOTDIR:
	case EISDIR:
	case EINVAL:
	case ENFILE:
	case EMFILE:
	case EFBIG:
	case ENOSPC:
	case ESPIPE:
	case EROFS: return e;
	case ENAMETOOLONG: return 91;
	default: return 9999;
	}
}

static void reply_errno(int e) { send_fmt("F-1,%x", fileio_errno(e)); }

/* A hex-encoded path into out; false if it is not one. */
static bool decode_path(const char **args, char *out, size_t cap)
{
	const char *s = *args, *end = strchr(s, ',');
	size_t n = end ? (size_t)(end - s) : strlen(s);
	if (n % 2 || n / 2 >= cap || !hex_decode(s, (uint8_t *)out, n / 2))
		return false;
	out[n / 2] = '\0';
	if (memchr(out, '\0', n / 2))
		return false;
	*args = s + n;
	return true;
}

/* Absolute and without a ".." component: nothing can climb out of what it
 * names (a /proc/PID/ directory in particular). */
static bool path_ok(const char *path)
{
	if (path[0] != '/')
		return false;
	for (const char *p = path; (p = strstr(p, "..")); p += 2)
		if ((p == path || p[-1] == '/') && (p[2] == '/' || p[2] == '\0'))
			return false;
	return true;
}

/* A number and a '/' at s: the number, *after past the '/'; 0 if none. */
static pid_t id_then_slash(const char *s, const char **after)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (end == s || *end != '/' || v <= 0 || v > 0x7fffffff)
		return 0;
	*after = end + 1;
	return (pid_t)v;
}

/* /proc/PID/REST, /proc/self/REST or /proc/PID/task/TID/REST: the pid
 * (self is the current process; a thread's files are proc:TID's) and
 * REST; false for any other path. */
static bool proc_path(const char *path, pid_t *pid, const char **rest)
{
	const char *after;
	pid_t tid;
	if (strncmp(path, "/proc/", 6))
		return false;
	if (!strncmp(path + 6, "self/", 5)) {
		if (!g.cur)
			return false;
		*pid = g.cur->proc->pid;
		*rest = path + 11;
	} else if (!(*pid = id_then_slash(path + 6, rest))) {
		return false;
	}
	if (!strncmp(*rest, "task/", 5) && (tid = id_then_slash(*rest + 5, &after))) {
		*pid = tid;
		*rest = after;
	}
	return true;
}

/* Read all of a proc: file (they are generated at each read: one read). */
static char *read_whole(pid_t pid, const char *file, size_t *len)
{
	int fd = proc_open(pid, file, O_RDONLY);
	if (fd < 0)
		return NULL;
	char *buf = malloc(FILE_MAX);
	ssize_t n = buf ? read(fd, buf, FILE_MAX) : -1;
	int e = errno;
	close(fd);
	if (n < 0) {
		free(buf);
		errno = e;
		return NULL;
	}
	*len = (size_t)n;
	return buf;
}

/* proc:PID/maps is "start-end perms offset path"; GDB parses Linux's
 * "start-end perms offset dev inode path". */
static char *linux_maps(char *text, size_t *len)
{
	char *out = malloc(2 * *len + 64), *o = out;
	if (!out)
		return text;
	for (char *line = text; line < text + *len;) {
		char *nl = memchr(line, '\n', (size_t)(text + *len - line));
		size_t n = nl ? (size_t)(nl - line) : (size_t)(text + *len - line);
		char range[40] = "", perms[8] = "", off[24] = "";
		int used = 0;
		char tmp[256];
		snprintf(tmp, sizeof tmp, "%.*s", (int)n, line);
		if (sscanf(tmp, "%39s %7s %23s %n", range, perms, off, &used) >= 3)
			o += sprintf(o, "%-33s %s %s 00:00 0 %s\n", range, perms, off,
			             used ? tmp + used : "");
		line += n + 1;
	}
	free(text);
	*len = (size_t)(o - out);
	return out;
}

static void vfile_open(const char *args)
{
	char path[256];
	uint64_t flags, mode;
	pid_t pid;
	const char *rest;
	struct vfile *v = NULL;
	if (!decode_path(&args, path, sizeof path) || *args++ != ',' || !parse_hex(&args, &flags) ||
	    *args++ != ',' || !parse_hex(&args, &mode) || *args) {
		reply_errno(EINVAL);
		return;
	}
	if (!path_ok(path)) {
		reply_errno(EACCES);
		return;
	}
	if (flags & 3) { /* GDB's O_WRONLY, O_RDWR: the target is read-only */
		reply_errno(EROFS);
		return;
	}
	for (int i = 0; i < MAX_VFILES && !v; i++)
		if (!vfiles[i].used)
			v = &vfiles[i];
	if (!v) {
		reply_errno(EMFILE);
		return;
	}
	v->fd = -1;
	v->text = NULL;
	if (proc_path(path, &pid, &rest)) {
		if (!*rest || strchr(rest, '/')) {
			reply_errno(!*rest ? EISDIR : ENOENT);
			return;
		}
		v->text = read_whole(pid, rest, &v->len);
		if (!v->text) {
			reply_errno(errno);
			return;
		}
		if (!strcmp(rest, "maps"))
			v->text = linux_maps(v->text, &v->len);
	} else {
		v->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (v->fd < 0) {
			reply_errno(errno);
			return;
		}
	}
	v->used = true;
	send_fmt("F%x", (unsigned)(v - vfiles));
}

static struct vfile *vfile_arg(const char **args)
{
	uint64_t fd;
	if (!parse_hex(args, &fd) || fd >= MAX_VFILES || !vfiles[fd].used)
		return NULL;
	return &vfiles[fd];
}

/* pread:fd,count,offset: "Fcount;data" with the data escaped. */
static void vfile_pread(const char *args)
{
	static uint8_t data[PKT_MAX];
	static char reply[PKT_MAX + 32];
	uint64_t count, off;
	struct vfile *v = vfile_arg(&args);
	if (!v || *args++ != ',' || !parse_hex(&args, &count) || *args++ != ',' ||
	    !parse_hex(&args, &off) || *args) {
		reply_errno(v ? EINVAL : EBADF);
		return;
	}
	if (count > PKT_MAX / 2) /* escaping may double it */
		count = PKT_MAX / 2;
	ssize_t n;
	if (v->text)
		n = off >= v->len ? 0 : (ssize_t)(v->len - off < count ? v->len - off : count);
	else
		n = off > INT64_MAX ? -1 : pread(v->fd, data, count, (off_t)off);
	if (n < 0) {
		reply_errno(off > INT64_MAX ? EINVAL : errno);
		return;
	}
	const uint8_t *src = v->text ? (const uint8_t *)v->text + off : data;
	int head = snprintf(reply, sizeof reply, "F%zx;", (size_t)n);
	size_t used,
	    len = escape_bin(reply + head, sizeof reply - (size_t)head, src, (size_t)n, &used);
	if (used != (size_t)n) { /* did not fit: say fewer bytes */
		head = snprintf(reply, sizeof reply, "F%zx;", used);
		len = escape_bin(reply + head, sizeof reply - (size_t)head, src, used, &used);
	}
	send_bin(reply, (size_t)head + len);
}

static void put_be(uint8_t *p, uint64_t v, int n)
{
	for (int i = n - 1; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

/* fstat:fd: GDB's struct stat, 64 big-endian bytes. */
static void vfile_fstat(const char *args)
{
	struct stat st;
	uint8_t b[64] = {0};
	char reply[200];
	struct vfile *v = vfile_arg(&args);
	if (!v || *args) {
		reply_errno(EBADF);
		return;
	}
	if (v->text) {
		memset(&st, 0, sizeof st);
		st.st_mode = S_IFREG | 0444;
		st.st_size = (off_t)v->len;
		st.st_nlink = 1;
	} else if (fstat(v->fd, &st) < 0) {
		reply_errno(errno);
		return;
	}
	put_be(b + 0, st.st_dev, 4);
	put_be(b + 4, st.st_ino, 4);
	put_be(b + 8, st.st_mode, 4);
	put_be(b + 12, st.st_nlink, 4);
	put_be(b + 16, st.st_uid, 4);
	put_be(b + 20, st.st_gid, 4);
	put_be(b + 24, st.st_rdev, 4);
	put_be(b + 28, (uint64_t)st.st_size, 8);
	put_be(b + 36, (uint64_t)st.st_blksize, 8);
	put_be(b + 44, (uint64_t)st.st_blocks, 8);
	put_be(b + 52, (uint64_t)st.st_atime, 4);
	put_be(b + 56, (uint64_t)st.st_mtime, 4);
	put_be(b + 60, (uint64_t)st.st_ctime, 4);
	int head = snprintf(reply, sizeof reply, "F%x;", (unsigned)sizeof b);
	size_t used,
	    len = escape_bin(reply + head, sizeof reply - (size_t)head, b, sizeof b, &used);
	send_bin(reply, (size_t)head + len);
}

static void vfile_close(const char *args)
{
	struct vfile *v = vfile_arg(&args);
	if (!v || *args) {
		reply_errno(EBADF);
		return;
	}
	if (v->fd >= 0)
		close(v->fd);
	free(v->text);
	v->used = false;
	send_str("F0");
}

/* readlink:path: /proc/PID/exe and /proc/PID/cwd are proc:PID/exe and
 * proc:PID/cwd (each reads as the path the link would name). */
static void vfile_readlink(const char *args)
{
	char path[256], reply[600];
	pid_t pid;
	const char *rest;
	size_t len;
	if (!decode_path(&args, path, sizeof path) || *args) {
		reply_errno(EINVAL);
		return;
	}
	if (!path_ok(path)) {
		reply_errno(EACCES);
		return;
	}
	if (!proc_path(path, &pid, &rest) || (strcmp(rest, "exe") && strcmp(rest, "cwd"))) {
		reply_errno(EINVAL);
		return;
	}
	char *text = read_whole(pid, rest, &len);
	if (!text) {
		reply_errno(errno);
		return;
	}
	if (len > 255)
		len = 255;
	int head = snprintf(reply, sizeof reply, "F%zx;", len);
	size_t used,
	    n = escape_bin(reply + head, sizeof reply - (size_t)head, (uint8_t *)text, len, &used);
	free(text);
	send_bin(reply, (size_t)head + n);
}

void cmd_vfile(const char *pkt, size_t len)
{
	const char *a = pkt + 6; /* after "vFile:" */
	(void)len;
	if (!strncmp(a, "setfs:", 6))
		send_str("F0"); /* every process sees the same files */
	else if (!strncmp(a, "open:", 5))
		vfile_open(a + 5);
	else if (!strncmp(a, "pread:", 6))
		vfile_pread(a + 6);
	else if (!strncmp(a, "close:", 6))
		vfile_close(a + 6);
	else if (!strncmp(a, "fstat:", 6))
		vfile_fstat(a + 6);
	else if (!strncmp(a, "readlink:", 9))
		vfile_readlink(a + 9);
	else if (!strncmp(a, "pwrite:", 7) || !strncmp(a, "unlink:", 7))
		reply_errno(EROFS);
	else
		send_str("");
}

/* qXfer:exec-file:read:PID:OFFSET,LENGTH (an empty PID: the current one). */
void qxfer_exec_file(const char *annex, const char *args)
{
	uint64_t pid;
	size_t len;
	const char *a = annex;
	if (*a) {
		if (!parse_hex(&a, &pid) || *a || pid > 0x7fffffff) {
			send_str("E01");
			return;
		}
	} else if (g.cur) {
		pid = (uint64_t)g.cur->proc->pid;
	} else {
		send_str("E01");
		return;
	}
	char *text = read_whole((pid_t)pid, "exe", &len);
	if (!text) {
		send_str("E01");
		return;
	}
	send_qxfer(text, len, args);
	free(text);
}
