/* Physical frame allocator: a bitmap of 4 KiB frames, one bit each, set
 * when the frame is in use. Frame 0 is never handed out, so 0 means failure.
 * Boot: pmm_init, then pmm_add_region for RAM, then pmm_reserve. */
#ifndef PMM_H
#define PMM_H
#include <stddef.h>
#include <stdint.h>

#define PAGE_SIZE 4096ULL

/* Bytes of bitmap storage pmm_init needs for memory up to phys_end. */
size_t pmm_bitmap_bytes(uint64_t phys_end);
/* Use bitmap (pmm_bitmap_bytes bytes) as storage; every frame starts used. */
void pmm_init(void *bitmap, uint64_t phys_end);
/* Mark usable; rounds inward to whole pages. */
void pmm_add_region(uint64_t base, uint64_t len);
/* Mark used; rounds outward to whole pages. */
void pmm_reserve(uint64_t base, uint64_t len);
/* Physical address of a free frame, 0 if none. */
uint64_t pmm_alloc(void);
/* n physically contiguous frames, 0 if none. */
uint64_t pmm_alloc_contig(size_t n);
/* Free a frame; a free or unaligned frame is logged and ignored. */
void pmm_free(uint64_t pa);
void pmm_free_contig(uint64_t pa, size_t n);
/* Frames free now / frames of RAM managed (added, minus reserved). */
size_t pmm_free_count(void);
size_t pmm_frame_limit(void);
size_t pmm_total_count(void);
#endif
