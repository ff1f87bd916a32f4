/* Address spaces: 4-level page tables whose upper half (PML4 entries
 * 256..511) is shared by every space and maps the kernel; the lower half is
 * the process's own. */
#ifndef VM_H
#define VM_H
#include <stdbool.h>
#include <stdint.h>

#include "pte.h" /* the architecture's page-table entry format */

void vm_init(void);
uint64_t vm_kernel_space(void);
uint64_t vm_create(void);
void vm_destroy(uint64_t space);
int vm_map(uint64_t space, uint64_t va, uint64_t pa, uint64_t flags);
uint64_t vm_unmap(uint64_t space, uint64_t va, uint64_t *flags_out);
uint64_t vm_translate(uint64_t space, uint64_t va, uint64_t *flags_out);
int vm_protect(uint64_t space, uint64_t va, uint64_t flags);
void vm_activate(uint64_t space);
typedef void (*vm_pte_fn)(uint64_t va, uint64_t *pte, void *arg);
void vm_each_pte(uint64_t space, uint64_t start, uint64_t end, vm_pte_fn fn, void *arg);
void vm_flush_range(uint64_t space, uint64_t start, uint64_t end);
/* Protections as mm.h's PROT_* (the same values). */
#define VM_PROT_READ 1
#define VM_PROT_WRITE 2
#define VM_PROT_EXEC 4
uint64_t vm_prot_flags(int prot);
void vm_unmap_range(uint64_t space, uint64_t start, uint64_t end);
void vm_protect_range(uint64_t space, uint64_t start, uint64_t end, uint64_t flags);
int vm_copy_range(uint64_t dst, uint64_t src, uint64_t start, uint64_t end);
int vm_cow_break(uint64_t space, uint64_t va, bool writable);
void vm_share_init(void);
uint64_t vm_shared_frame(void);
int vm_map_shared_page(uint64_t space, uint64_t va, int prot);
#endif
