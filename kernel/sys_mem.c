/* Memory system calls: brk, anonymous private mmap, munmap, mprotect. */
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
	struct mm *mm = &current->mm;
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
	if ((flags & MAP_SHARED) || !(flags & MAP_PRIVATE))
		return -EINVAL;
	struct mm *mm = &current->mm;
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
	int err = mm_map_anon(mm, at, len, prot, "");
	return err ? err : (long)at;
}

long sys_munmap(uint64_t addr, uint64_t len) { return mm_unmap(&current->mm, addr, len); }

long sys_mprotect(uint64_t addr, uint64_t len, int prot)
{
	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC))
		return -EINVAL;
	return mm_protect(&current->mm, addr, len, prot);
}
