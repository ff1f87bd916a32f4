/* The x86_64 page-table entry format: the bits vm.c builds and the few
 * that callers of vm_map/vm_unmap see (PTE_OWNED marks a frame the space
 * frees). A second architecture has its own. */
#ifndef ARCH_PTE_H
#define ARCH_PTE_H
#define PTE_P 0x1ULL
#define PTE_W 0x2ULL
#define PTE_U 0x4ULL
#define PTE_PS 0x80ULL
#define PTE_OWNED 0x200ULL  /* available bit: the space frees this frame */
#define PTE_SHARED 0x400ULL /* available bit: a MAP_SHARED frame, counted in vm.c */
#define PTE_COW 0x800ULL /* available bit: a private frame fork left shared, read-only, counted */
#define PTE_NX (1ULL << 63)
#define PTE_ADDR 0x000FFFFFFFFFF000ULL
#endif
