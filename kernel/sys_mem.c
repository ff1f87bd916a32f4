/* Memory system calls: brk, anonymous private and shared mmap, munmap,
 * mprotect, msync. */
#include "syscall.h"
#include "errno.h"
#include "lib.h"
#include "mm.h"
#include "pmm.h"

#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_FIXED_NOREPLACE 0x100000

/* brk: grow or shrink the heap vma; failure returns the old break. */
long sys_brk(uint64_t addr)
{
	struct mm *mm = &current->tg->mm;
	if (addr < mm->brk_start || addr >= MMAP_BASE)
		return (long)mm->brk;
	uint64_t old_end = ALIGN_UP(mm->brk, PAGE_SIZE), new_end = ALIGN_UP(addr, PAGE_SIZE);
	if (new_end > old_end) {
		for (uint64_t va = old_end; va < new_end; va += PAGE_SIZE)
			if (mm_vma_at(mm, va))
				return (long)mm->brk;
		if (mm_map_anon(mm, old_end, new_end - old_end, PROT_READ | PROT_WRITE, "[heap]"))
			return (long)mm->brk;
	} else if (new_end < old_end) {
		mm_unmap(mm, new_end, old_end - new_end);
	}
	mm->brk = addr;
	return (long)addr;
}

long sys_mmap(uint64_t addr, uint64_t len, int prot, int flags, int fd, int64_t off)
{
	(void)off;
	if (!len || len > MM_MAX_BYTES || (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)))
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS))
		return fd < 0 ? -EBADF : -ENODEV; /* file mappings are not supported */
	bool shared = (flags & MAP_SHARED) != 0;
	if (shared == !!(flags & MAP_PRIVATE))
		return -EINVAL; /* exactly one of MAP_SHARED and MAP_PRIVATE */
	struct mm *mm = &current->tg->mm;
	len = ALIGN_UP(len, PAGE_SIZE);
	uint64_t at;
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if ((addr & (PAGE_SIZE - 1)) || addr < PAGE_SIZE || addr >= USER_TOP ||
		    len > USER_TOP - addr)
			return -EINVAL;
		if (flags & MAP_FIXED_NOREPLACE)
			for (uint64_t va = addr; va < addr + len; va += PAGE_SIZE)
				if (mm_vma_at(mm, va))
					return -EEXIST;
		at = addr;
	} else {
		at = mm_find_free(mm, len);
		if (!at)
			return -ENOMEM;
	}
	int err = shared ? mm_map_shared(mm, at, len, prot, "/dev/zero (deleted)")
	                 : mm_map_anon(mm, at, len, prot, "");
	return err ? err : (long)at;
}

long sys_munmap(uint64_t addr, uint64_t len) { return mm_unmap(&current->tg->mm, addr, len); }

long sys_mprotect(uint64_t addr, uint64_t len, int prot)
{
	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC))
		return -EINVAL;
	return mm_protect(&current->tg->mm, addr, len, prot);
}

/* msync: anonymous memory has no file to write back; the range is checked. */
long sys_msync(uint64_t addr, uint64_t len, int flags)
{
	if ((addr & (PAGE_SIZE - 1)) || (flags & ~7) || ((flags & 1) && (flags & 4)))
		return -EINVAL; /* MS_ASYNC | MS_INVALIDATE | MS_SYNC, not ASYNC with SYNC */
	uint64_t end = addr + ALIGN_UP(len, PAGE_SIZE);
	if (end < addr)
		return -ENOMEM;
	for (uint64_t va = addr; va < end;) {
		const struct vma *v = mm_vma_at(&current->tg->mm, va);
		if (!v)
			return -ENOMEM;
		va = v->end;
	}
	return 0;
}
