/* A process's user memory: its page tables plus the list of regions
 * (vmas) that proc:PID/maps shows and munmap/mprotect edit. Pages are
 * allocated on first touch (mm_fault); every mapped page is a frame the
 * space owns alone (no sharing), so fork copies the touched pages and a
 * write into another process's text can never reach a third process. */
#ifndef MM_H
#define MM_H
#include "proc.h"

#define PROT_READ 1
#define PROT_WRITE 2
#define PROT_EXEC 4

#define MMAP_BASE 0x0000100000000000ULL /* mmap without a hint starts here */
#define STACK_TOP 0x00007ffffffff000ULL
#define STACK_SIZE (256 * 1024)
#define MM_MAX_BYTES (1ULL << 30) /* per-process cap on reserved address space */

int mm_init(struct mm *mm);
int mm_copy(struct mm *dst, const struct mm *src);
void mm_release(struct mm *mm);
int mm_map_anon(struct mm *mm, uint64_t start, uint64_t len, int prot, const char *name);
int mm_unmap(struct mm *mm, uint64_t start, uint64_t len);
int mm_map_shared(struct mm *mm, uint64_t start, uint64_t len, int prot, const char *name);
int mm_protect(struct mm *mm, uint64_t start, uint64_t len, int prot);
uint64_t mm_find_free(struct mm *mm, uint64_t len);
const struct vma *mm_vma_at(const struct mm *mm, uint64_t addr);
int mm_fault(struct mm *mm, uint64_t addr, bool write);
#define MM_READ 0
#define MM_WRITE 1
#define MM_FORCE 2
void *mm_kaddr(struct mm *mm, uint64_t va, int access);
int mm_write(struct mm *mm, uint64_t va, const void *src, size_t n, int access);
uint64_t mm_user_extent(const struct mm *mm, uint64_t addr, uint64_t end, bool write);
#endif
