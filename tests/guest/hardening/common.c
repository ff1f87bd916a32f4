/* hardening: the helpers its areas share (see hardening.h). */
#define _GNU_SOURCE
#include "hardening.h"

int in_child(void (*fn)(void))
{
	int pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		fn();
		_exit(0);
	}
	return wait_within(pid, 8, "the child's work");
}

static const unsigned char exit42[] = {0xb8, 0x3c, 0, 0, 0, 0xbf, 0x2a, 0, 0, 0, 0x0f, 0x05};

void write_elf(const char *path, uint64_t entry, const struct elf_phdr *extra, int n)
{
	static unsigned char img[PAGE + sizeof exit42];
	memset(img, 0, sizeof img);
	struct elf_hdr *h = (void *)img;
	struct elf_phdr *ph = (void *)(img + sizeof *h);
	memcpy(h->ident, "\177ELF\2\1\1", 7);
	h->type = 2;
	h->machine = 62;
	h->version = 1;
	h->entry = entry;
	h->phoff = sizeof *h;
	h->ehsize = sizeof *h;
	h->phentsize = sizeof *ph;
	h->phnum = (uint16_t)(n + 1);
	ph[0] = (struct elf_phdr){1, 5, PAGE, CODE_VA, CODE_VA, sizeof exit42, sizeof exit42, PAGE};
	if (n)
		memcpy(ph + 1, extra, (size_t)n * sizeof *ph);
	memcpy(img + PAGE, exit42, sizeof exit42);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	CHECK(fd >= 0);
	CHECK(write(fd, img, sizeof img) == (ssize_t)sizeof img);
	close(fd);
}

int exec_status(const char *path, long *ms)
{
	long t0 = now_ms();
	int pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		char *argv[] = {(char *)path, NULL}, *envp[] = {NULL};
		execve(path, argv, envp);
		_exit(100 + errno);
	}
	int st = wait_within(pid, 8, "execve");
	if (ms)
		*ms = now_ms() - t0;
	return st;
}
