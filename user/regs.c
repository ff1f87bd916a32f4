/* regs PID: print every register of another process, read from
 * proc:PID/regs/int (and the SSE state from regs/float with -f). A process
 * blocked in a system call shows the call's number in rax and orig_rax; regs
 * names it: "rax=0 (read)". */
#include "procyon/syscall_names.h"
#include "procyon/user_regs.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int read_file(const char *path, void *buf, size_t len)
{
	memset(buf, 0, len); /* clang's analyser cannot tell that -errno != 0 below */
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	ssize_t n = pread(fd, buf, len, 0);
	int err = n < 0 ? -errno : 0;
	close(fd);
	if (!err && (size_t)n != len)
		err = -EIO;
	return err;
}

static void print_syscall(const char *label, unsigned long v)
{
	const char *name = procyon_syscall_name(v);
	if (name)
		printf("%-8s %016lx (%s)\n", label, v, name);
	else
		printf("%-8s %016lx (%ld)\n", label, v, (long)v);
}

static void print_regs(const struct user_regs *r)
{
	printf("rax=%lu", (unsigned long)r->rax);
	if (r->orig_rax != (uint64_t)-1 && procyon_syscall_name(r->orig_rax))
		printf(" (%s)", procyon_syscall_name(r->orig_rax));
	printf("\n");
	printf("rip      %016lx  rsp      %016lx  rflags   %016lx\n", r->rip, r->rsp, r->rflags);
	printf("rax      %016lx  rbx      %016lx  rcx      %016lx\n", r->rax, r->rbx, r->rcx);
	printf("rdx      %016lx  rsi      %016lx  rdi      %016lx\n", r->rdx, r->rsi, r->rdi);
	printf("rbp      %016lx  r8       %016lx  r9       %016lx\n", r->rbp, r->r8, r->r9);
	printf("r10      %016lx  r11      %016lx  r12      %016lx\n", r->r10, r->r11, r->r12);
	printf("r13      %016lx  r14      %016lx  r15      %016lx\n", r->r13, r->r14, r->r15);
	printf("cs %04lx ss %04lx ds %04lx es %04lx fs %04lx gs %04lx\n", r->cs, r->ss, r->ds,
	       r->es, r->fs, r->gs);
	printf("fs_base  %016lx  gs_base  %016lx\n", r->fs_base, r->gs_base);
	if (r->orig_rax == (uint64_t)-1)
		printf("orig_rax -1 (not in a system call)\n");
	else
		print_syscall("orig_rax", r->orig_rax);
}

static void print_fpregs(const struct user_fpregs *f)
{
	printf("fcw %04x fsw %04x ftw %04x fop %04x mxcsr %08x (mask %08x)\n", f->cwd, f->swd,
	       f->ftw, f->fop, f->mxcsr, f->mxcsr_mask);
	for (int i = 0; i < 16; i++)
		printf("xmm%-2d %08x%08x%08x%08x\n", i, f->xmm_space[i * 4 + 3],
		       f->xmm_space[i * 4 + 2], f->xmm_space[i * 4 + 1], f->xmm_space[i * 4]);
}

int main(int argc, char **argv)
{
	int fp = argc > 1 && strcmp(argv[1], "-f") == 0;
	if (argc != 2 + fp) {
		fprintf(stderr, "usage: regs [-f] PID\n");
		return 2;
	}
	const char *pid = argv[1 + fp];
	char path[64];
	struct user_regs r;
	snprintf(path, sizeof path, "proc:%s/regs/int", pid);
	int err = read_file(path, &r, sizeof r);
	if (err) {
		fprintf(stderr, "regs: %s: %s\n", path, strerror(-err));
		return 1;
	}
	print_regs(&r);
	if (fp) {
		struct user_fpregs f;
		snprintf(path, sizeof path, "proc:%s/regs/float", pid);
		err = read_file(path, &f, sizeof f);
		if (err) {
			fprintf(stderr, "regs: %s: %s\n", path, strerror(-err));
			return 1;
		}
		print_fpregs(&f);
	}
	return 0;
}
