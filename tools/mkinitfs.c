/* mkinitfs: host tool that packs directories into a Procyon initfs archive.
 * Usage: mkinitfs OUT SRC_DIR=DEST_PREFIX...  (format in procyon/initfs.h).
 * Regular files are stored recursively with their permission bits. */
#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "../include/procyon/initfs.h"

struct input {
	char src[4096];
	char path[INITFS_PATH_MAX];
	uint64_t size;
	uint32_t mode;
};

static struct input *inputs;
static size_t n_inputs, cap_inputs;

static void die(const char *msg, const char *what)
{
	fprintf(stderr, "mkinitfs: %s: %s\n", what, msg);
	exit(1);
}

static void add_input(const char *src, const char *dest, const struct stat *st)
{
	if (strlen(dest) >= INITFS_PATH_MAX)
		die("destination path too long", dest);
	for (size_t i = 0; i < n_inputs; i++)
		if (strcmp(inputs[i].path, dest) == 0)
			die("duplicate destination path", dest);
	if (n_inputs == cap_inputs) {
		cap_inputs = cap_inputs ? cap_inputs * 2 : 64;
		inputs = realloc(inputs, cap_inputs * sizeof(*inputs));
		if (!inputs)
			die("out of memory", "realloc");
	}
	struct input *in = &inputs[n_inputs++];
	memset(in, 0, sizeof(*in));
	snprintf(in->src, sizeof(in->src), "%s", src);
	snprintf(in->path, sizeof(in->path), "%s", dest);
	in->size = (uint64_t)st->st_size;
	in->mode = st->st_mode & 07777;
}

/* Join a and b with exactly one '/' between them. */
static void join(char *out, size_t n, const char *a, const char *b)
{
	size_t la = strlen(a);
	while (la > 0 && a[la - 1] == '/')
		la--;
	while (*b == '/')
		b++;
	if ((size_t)snprintf(out, n, "%.*s/%s", (int)la, a, b) >= n)
		die("path too long", a);
}

static void walk(const char *src, const char *dest)
{
	DIR *d = opendir(src);
	if (!d)
		die(strerror(errno), src);
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		char s[4096], t[4096];
		struct stat st;
		join(s, sizeof(s), src, de->d_name);
		join(t, sizeof(t), dest, de->d_name);
		if (stat(s, &st) < 0)
			die(strerror(errno), s);
		if (S_ISDIR(st.st_mode))
			walk(s, t);
		else if (S_ISREG(st.st_mode))
			add_input(s, t, &st);
	}
	closedir(d);
}

static void add_spec(const char *spec)
{
	const char *eq = strchr(spec, '=');
	if (!eq || eq == spec || eq[1] != '/')
		die("expected SRC_DIR=/DEST_PREFIX", spec);
	char src[4096];
	snprintf(src, sizeof(src), "%.*s", (int)(eq - spec), spec);
	walk(src, strcmp(eq + 1, "/") == 0 ? "" : eq + 1);
}

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct input *)a)->path, ((const struct input *)b)->path);
}

static uint64_t align_up(uint64_t x)
{
	return (x + INITFS_ALIGN - 1) & ~(uint64_t)(INITFS_ALIGN - 1);
}

static void put_le(unsigned char *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void write_all(FILE *f, const void *buf, size_t n, const char *out)
{
	if (fwrite(buf, 1, n, f) != n)
		die(strerror(errno), out);
}

static void pad_to(FILE *f, uint64_t *pos, uint64_t target, const char *out)
{
	static const unsigned char zero[INITFS_ALIGN];
	while (*pos < target) {
		size_t n = target - *pos > sizeof(zero) ? sizeof(zero) : target - *pos;
		write_all(f, zero, n, out);
		*pos += n;
	}
}

static void copy_file(FILE *f, const struct input *in, const char *out)
{
	FILE *src = fopen(in->src, "rb");
	if (!src)
		die(strerror(errno), in->src);
	unsigned char buf[65536];
	uint64_t left = in->size;
	while (left > 0) {
		size_t n = fread(buf, 1, left > sizeof(buf) ? sizeof(buf) : left, src);
		if (n == 0)
			die("file shrank while packing", in->src);
		write_all(f, buf, n, out);
		left -= n;
	}
	fclose(src);
}

static uint64_t table_end(void)
{
	return sizeof(struct initfs_header) + sizeof(struct initfs_entry) * (uint64_t)n_inputs;
}

static void write_archive(const char *out)
{
	FILE *f = fopen(out, "wb");
	if (!f)
		die(strerror(errno), out);
	unsigned char hdr[sizeof(struct initfs_header)] = {0};
	memcpy(hdr, INITFS_MAGIC, INITFS_MAGIC_LEN);
	put_le(hdr + offsetof(struct initfs_header, count), n_inputs, 4);
	write_all(f, hdr, sizeof(hdr), out);
	uint64_t off = align_up(table_end());
	for (size_t i = 0; i < n_inputs; i++) {
		unsigned char e[sizeof(struct initfs_entry)] = {0};
		memcpy(e, inputs[i].path, strlen(inputs[i].path));
		put_le(e + offsetof(struct initfs_entry, offset), off, 8);
		put_le(e + offsetof(struct initfs_entry, size), inputs[i].size, 8);
		put_le(e + offsetof(struct initfs_entry, mode), inputs[i].mode, 4);
		write_all(f, e, sizeof(e), out);
		off = align_up(off + inputs[i].size);
	}
	uint64_t pos = table_end();
	for (size_t i = 0; i < n_inputs; i++) {
		pad_to(f, &pos, align_up(pos), out);
		copy_file(f, &inputs[i], out);
		pos += inputs[i].size;
	}
	if (fclose(f) != 0)
		die(strerror(errno), out);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: mkinitfs OUT SRC_DIR=/DEST_PREFIX...\n");
		return 2;
	}
	for (int i = 2; i < argc; i++)
		add_spec(argv[i]);
	qsort(inputs, n_inputs, sizeof(*inputs), by_path);
	write_archive(argv[1]);
	return 0;
}
