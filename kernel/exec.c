/* execve: validate an ELF64 executable, build a new address space from its
 * PT_LOAD segments, lay out the initial stack musl expects (argc, argv,
 * envp, auxv), then swap it in. Nothing of the old image is touched until
 * the new one is complete, so a failed exec returns an errno to a process
 * that is still intact. Every size and offset in the file is distrusted. */
#include "exec.h"
#include "elf.h"
#include "errno.h"
#include "heap.h"
#include "lib.h"
#include "mm.h"
#include "pmm.h"
#include "ptrace.h"
#include "regs.h"
#include "vm.h"

#define PIE_BASE 0x0000555555554000ULL
#define MAX_PHNUM 64

/* Copy len bytes into the (possibly inactive) space at va. */
static int exec_put_bytes(struct mm *mm, uint64_t va, const void *src, size_t len)
{
	return mm_write(mm, va, src, len, MM_WRITE);
}

/* Map anonymous memory over the parts of [start,end) not yet mapped. The
 * regions are sorted, so this is one pass over them, not over the pages. */
static int exec_map_gaps(struct mm *mm, uint64_t start, uint64_t end, const char *name)
{
	uint64_t at = start;
	while (at < end) {
		const struct vma *v = mm_vma_at(mm, at);
		if (v) {
			at = v->end;
			continue;
		}
		uint64_t gap_end = end;
		for (int i = 0; i < mm->nvmas; i++)
			if (mm->vmas[i].start > at && mm->vmas[i].start < gap_end)
				gap_end = mm->vmas[i].start;
		int err = mm_map_anon(mm, at, gap_end - at, PROT_READ | PROT_WRITE, name);
		if (err)
			return err;
		at = gap_end;
	}
	return 0;
}

/* Load one PT_LOAD segment's pages and file bytes. */
static int exec_load_segment(struct mm *mm, struct file *f, uint64_t fsize,
                             const struct elf64_phdr *ph, uint64_t bias, const char *path)
{
	uint64_t va = ph->vaddr + bias;
	if (ph->filesz > ph->memsz || ph->memsz > MM_MAX_BYTES || va < PAGE_SIZE ||
	    va >= STACK_TOP - STACK_SIZE || ph->memsz > STACK_TOP - STACK_SIZE - va ||
	    ph->offset > fsize || ph->filesz > fsize - ph->offset ||
	    (ph->offset & (PAGE_SIZE - 1)) != (ph->vaddr & (PAGE_SIZE - 1)))
		return -ENOEXEC;
	int err =
	    exec_map_gaps(mm, ALIGN_DOWN(va, PAGE_SIZE), ALIGN_UP(va + ph->memsz, PAGE_SIZE), path);
	if (err)
		return err;
	/* File bytes go straight into the frames, a page at a time; the new
	 * image is not visible to anyone yet, so the loop may yield. */
	for (uint64_t done = 0; done < ph->filesz;) {
		uint64_t at = va + done;
		void *dst = mm_kaddr(mm, at, MM_WRITE);
		size_t chunk = MIN(ph->filesz - done, PAGE_SIZE - (at & (PAGE_SIZE - 1)));
		if (!dst || file_read_kernel(f, dst, chunk, ph->offset + done) != (long)chunk)
			return -EIO;
		done += chunk;
		sched_cond_resched();
	}
	return 0;
}

/* PT_LOAD segments must come in address order and must not overlap
 * (neighbours may share a page), as the ELF format requires: so the
 * loader's work is bounded by what the file really maps, each byte of the
 * image loaded once. The entry point must be in user space. */
static int exec_check_layout(const struct elf64_ehdr *eh, const struct elf64_phdr *ph,
                             uint64_t bias)
{
	uint64_t prev_end = 0;
	bool any = false;
	for (int i = 0; i < eh->phnum; i++) {
		if (ph[i].type != PT_LOAD)
			continue;
		uint64_t va = ph[i].vaddr + bias;
		if (va < ph[i].vaddr || ph[i].memsz > USER_TOP || va >= USER_TOP - ph[i].memsz ||
		    (any && va < prev_end))
			return -ENOEXEC;
		prev_end = va + ph[i].memsz;
		any = true;
	}
	uint64_t entry = eh->entry + bias;
	return !any || entry < eh->entry || !regs_user_address(entry) ? -ENOEXEC : 0;
}

/* Final page permissions: a page shared by two segments gets both. */
static void exec_protect_segments(struct mm *mm, const struct elf64_phdr *ph, int n, uint64_t bias)
{
	for (int i = 0; i < n; i++) {
		if (ph[i].type != PT_LOAD)
			continue;
		int prot = ((ph[i].flags & PF_R) ? PROT_READ : 0) |
		           ((ph[i].flags & PF_W) ? PROT_WRITE : 0) |
		           ((ph[i].flags & PF_X) ? PROT_EXEC : 0);
		uint64_t s = ALIGN_DOWN(ph[i].vaddr + bias, PAGE_SIZE);
		uint64_t e = ALIGN_UP(ph[i].vaddr + bias + ph[i].memsz, PAGE_SIZE);
		for (int j = 0; j < n; j++) {
			if (j == i || ph[j].type != PT_LOAD)
				continue;
			uint64_t s2 = ALIGN_DOWN(ph[j].vaddr + bias, PAGE_SIZE);
			uint64_t e2 = ALIGN_UP(ph[j].vaddr + bias + ph[j].memsz, PAGE_SIZE);
			if (s2 < e && s < e2)
				prot |= ((ph[j].flags & PF_W) ? PROT_WRITE : 0) |
				        ((ph[j].flags & PF_X) ? PROT_EXEC : 0);
		}
		mm_protect(mm, s, e - s, prot);
	}
}

struct stack_builder {
	struct mm *mm;
	uint64_t sp;
	int err;
};

static uint64_t exec_push_bytes(struct stack_builder *b, const void *data, size_t len)
{
	b->sp -= len;
	if (!b->err)
		b->err = exec_put_bytes(b->mm, b->sp, data, len);
	return b->sp;
}

static uint64_t exec_rand64(void)
{
	static uint64_t s = 0x9E3779B97F4A7C15ULL;
	s ^= arch_timestamp();
	s ^= s << 13;
	s ^= s >> 7;
	s ^= s << 17;
	return s;
}

/* Lay out argc, argv, envp and auxv at the top of the new stack. */
static uint64_t exec_build_stack(struct mm *mm, char *const argv[], int argc, char *const envp[],
                                 int envc, const uint64_t *aux, int naux, int *err)
{
	struct stack_builder b = {mm, STACK_TOP, 0};
	uint64_t *uargv = kmalloc(((size_t)argc + (size_t)envc + 2) * 8);
	if (!uargv) {
		*err = -ENOMEM;
		return 0;
	}
	uint64_t *uenvp = uargv + argc + 1;
	uint64_t rnd[2] = {exec_rand64(), exec_rand64()};
	uint64_t at_random = exec_push_bytes(&b, rnd, sizeof rnd);
	uint64_t at_platform = exec_push_bytes(&b, "x86_64", 7);
	for (int i = envc - 1; i >= 0; i--)
		uenvp[i] = exec_push_bytes(&b, envp[i], strlen(envp[i]) + 1);
	for (int i = argc - 1; i >= 0; i--)
		uargv[i] = exec_push_bytes(&b, argv[i], strlen(argv[i]) + 1);
	uint64_t at_execfn = argc ? uargv[0] : at_platform;
	mm->env_end = at_platform; /* the strings lie below AT_PLATFORM's, argv lowest */
	mm->env_start = envc ? uenvp[0] : at_platform;
	mm->arg_end = mm->env_start;
	mm->arg_start = argc ? uargv[0] : mm->arg_end;
	uargv[argc] = uenvp[envc] = 0;

	uint64_t auxv[64];
	int n = 0;
	for (int i = 0; i < naux; i += 2) {
		auxv[n++] = aux[i];
		auxv[n++] = aux[i + 1];
	}
	uint64_t extra[] = {25, at_random, 15, at_platform, 31, at_execfn, 0, 0};
	memcpy(auxv + n, extra, sizeof extra);
	n += 8;
	/* argc + argv + NULL + envp + NULL + auxv: keep the final sp 16-aligned. */
	size_t words = 1 + (size_t)argc + 1 + (size_t)envc + 1 + (size_t)n;
	b.sp = ALIGN_DOWN(b.sp, 16);
	if (words & 1)
		b.sp -= 8;
	exec_push_bytes(&b, auxv, (size_t)n * 8);
	exec_push_bytes(&b, uenvp, ((size_t)envc + 1) * 8);
	exec_push_bytes(&b, uargv, ((size_t)argc + 1) * 8);
	uint64_t c = (uint64_t)argc;
	exec_push_bytes(&b, &c, 8);
	kfree(uargv);
	*err = b.err;
	return b.sp;
}

static int exec_count_strings(char *const v[], size_t *bytes)
{
	int n = 0;
	for (; v && v[n]; n++)
		*bytes += strlen(v[n]) + 1 + 8;
	return n;
}

/* Read and check the ELF header and program headers. */
static int exec_read_headers(struct file *f, uint64_t fsize, struct elf64_ehdr *eh,
                             struct elf64_phdr *ph)
{
	if (fsize < sizeof *eh || file_read_kernel(f, eh, sizeof *eh, 0) != sizeof *eh)
		return -ENOEXEC;
	if (memcmp(eh->ident, "\177ELF", 4) || eh->ident[4] != 2 || eh->ident[5] != 1 ||
	    eh->machine != EM_X86_64 || (eh->type != ET_EXEC && eh->type != ET_DYN) ||
	    eh->phentsize != sizeof *ph || eh->phnum == 0 || eh->phnum > MAX_PHNUM ||
	    eh->phoff > fsize || (uint64_t)eh->phnum * sizeof *ph > fsize - eh->phoff)
		return -ENOEXEC;
	size_t len = (size_t)eh->phnum * sizeof *ph;
	if (file_read_kernel(f, ph, len, eh->phoff) != (long)len)
		return -ENOEXEC;
	for (int i = 0; i < eh->phnum; i++)
		if (ph[i].type == PT_INTERP)
			return -ENOEXEC; /* dynamic programs are not supported */
	return exec_check_layout(eh, ph, eh->type == ET_DYN ? PIE_BASE : 0);
}

/* Replace p's image with the program at path (absolute). On error p is unchanged. */
int exec_image(struct proc *p, const char *path, char *const argv[], char *const envp[])
{
	size_t bytes = 0;
	int argc = exec_count_strings(argv, &bytes), envc = exec_count_strings(envp, &bytes);
	if (bytes > EXEC_ARGS_MAX || argc > EXEC_ARGC_MAX || envc > EXEC_ARGC_MAX)
		return -E2BIG;

	struct file *f;
	int err = file_open(path, O_RDONLY, 0, &f);
	if (err)
		return err;
	struct kstat st;
	err = f->ops->stat ? f->ops->stat(f, &st) : -EACCES;
	if (!err && (st.mode & S_IFMT) != S_IFREG)
		err = -EACCES;
	struct fs_cred c; /* execute permission, as Linux: root needs an x bit too */
	fs_cred_current(&c);
	if (!err && !file_cred_may(st.mode, st.uid, st.gid, X_OK, &c))
		err = -EACCES;
	struct elf64_ehdr eh = {0};
	struct elf64_phdr *ph = kmalloc(MAX_PHNUM * sizeof *ph);
	struct mm mm;
	memset(&mm, 0, sizeof mm);
	if (!err && !ph)
		err = -ENOMEM;
	if (!err)
		err = exec_read_headers(f, st.size, &eh, ph);
	if (!err)
		err = mm_init(&mm);
	uint64_t bias = eh.type == ET_DYN ? PIE_BASE : 0, top = 0, phdr_va = 0;
	for (int i = 0; !err && i < eh.phnum; i++) {
		if (ph[i].type != PT_LOAD)
			continue;
		err = exec_load_segment(&mm, f, st.size, &ph[i], bias, path);
		top = MAX(top, ph[i].vaddr + bias + ph[i].memsz);
		if (eh.phoff >= ph[i].offset && eh.phoff - ph[i].offset < ph[i].filesz)
			phdr_va = ph[i].vaddr + bias + (eh.phoff - ph[i].offset);
	}
	if (!err && !top)
		err = -ENOEXEC;
	if (!err) {
		exec_protect_segments(&mm, ph, eh.phnum, bias);
		err = mm_map_anon(&mm, STACK_TOP - STACK_SIZE, STACK_SIZE, PROT_READ | PROT_WRITE,
		                  "[stack]");
	}
	uint64_t sp = 0;
	if (!err) {
		uint64_t aux[] = {3,  phdr_va, 4,  sizeof *ph, 5,  eh.phnum,        6,  PAGE_SIZE,
		                  7,  0,       8,  0,          9,  eh.entry + bias, 11, p->uid,
		                  12, p->euid, 13, p->gid,     14, p->egid,         16, 0,
		                  17, 100,     23, 0};
		sp = exec_build_stack(&mm, argv, argc, envp, envc, aux, (int)ARRAY_SIZE(aux), &err);
	}
	file_put(f);
	kfree(ph);
	if (!err && p == current)
		err = proc_end_other_threads(); /* the last thing that may fail */
	if (err) {
		mm_release(&mm);
		return err == -EIO || err == -EFAULT ? -ENOEXEC : err;
	}

	/* Commit: from here on the old image is gone. A CLONE_CHILD_CLEARTID
	 * address belongs to the old image, so it is forgotten (as on Linux):
	 * nothing is ever stored through it into the new one. */
	if (p == current)
		proc_exec_takeover();
	p->clear_child_tid = 0;
	p->robust_list = 0;
	p->altstack.sp = p->altstack.size = 0;
	p->altstack.autodisarm = false;
	memset(p->debugreg, 0, sizeof p->debugreg); /* execve disarms them */
	p->debug_hit = 0;
	if (p == current)
		arch_debug_switch(p);
	mm.brk_start = mm.brk = ALIGN_UP(top, PAGE_SIZE);
	if (p == current)
		vm_activate(mm.space);
	mm_release(&p->tg->mm);
	p->tg->mm = mm;
	struct trapframe *tf = proc_frame(p);
	uint64_t orig_rax = p == current ? tf->orig_rax : (uint64_t)-1; /* still in execve */
	arch_frame_init_user(tf, eh.entry + bias, sp);
	tf->orig_rax = orig_rax;
	tf->rax = p == current ? orig_rax : 0;
	p->force_iret = true;
	p->fs_base = p->gs_base = 0;
	if (p == current)
		arch_set_tls_base(0, 0);
	extern uint8_t proc_default_fpu[512];
	memcpy(p->fpu, proc_default_fpu, sizeof p->fpu);
	if (p == current)
		arch_fpu_restore(p->fpu);
	strlcpy(p->exe, path, sizeof p->exe);
	const char *base = strrchr(path, '/');
	strlcpy(p->name, base ? base + 1 : path, sizeof p->name);
	char *flat = kmalloc(bytes + 1);
	size_t len = 0;
	for (int i = 0; flat && i < argc; i++) {
		size_t l = strlen(argv[i]) + 1;
		memcpy(flat + len, argv[i], l);
		len += l;
	}
	if (flat)
		proc_set_cmdline(p, flat, len);
	kfree(flat);
	for (int fd = 0; fd < NOFILE; fd++)
		if (p->tg->cloexec[fd])
			fd_close(p, fd);
	for (int s = 1; s < NSIG; s++)
		if (p->tg->sigactions[s].handler > 1)
			p->tg->sigactions[s] = (struct k_sigaction){0};
	proc_vfork_release(p);
	ptrace_on_exec(p);
	return 0;
}
