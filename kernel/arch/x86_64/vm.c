/* Page tables. An address space is named by the physical address of its
 * PML4. Kernel half entries are copied from the kernel's PML4 when a space
 * is created and never change afterwards (the boot code set up all of them
 * that the kernel uses), so they stay in sync. Only the lower half belongs
 * to a space; vm_destroy frees its tables and the frames marked PTE_OWNED.
 * Invariant: a vm_walk only ever follows tables this file built: space 0 (a
 * released address space) and addresses outside the user half are refused
 * before the first load, and user-half tables never hold large pages. */
#include "vm.h"
#include "arch.h"
#include "cpu.h"
#include "errno.h"
#include "lib.h"
#include "heap.h"
#include "pmm.h"
#include "proc.h"

extern uint64_t boot_pml4[512];
static uint64_t kernel_pml4_pa;

static uint64_t *vm_table(uint64_t pa) { return (uint64_t *)P2V(pa); }

/* Adopt the boot page tables and drop their identity map of low memory. */
void vm_init(void)
{
	kernel_pml4_pa = KIMG2P(boot_pml4);
	boot_pml4[0] = 0;
	write_cr3(kernel_pml4_pa);
}

/* The space used by the kernel itself (no user half). */
uint64_t vm_kernel_space(void) { return kernel_pml4_pa; }

static uint64_t vm_zeroed_frame(void)
{
	uint64_t pa = pmm_alloc();
	if (pa)
		memset(P2V(pa), 0, PAGE_SIZE);
	return pa;
}

/* A new space: empty user half, the kernel's upper half. 0 when out of memory. */
uint64_t vm_create(void)
{
	uint64_t pa = vm_zeroed_frame();
	if (!pa)
		return 0;
	memcpy(vm_table(pa) + 256, vm_table(kernel_pml4_pa) + 256, 256 * sizeof(uint64_t));
	return pa;
}

/* Walk to the PTE for va; with create, allocate missing tables. NULL for
 * a released space (0) or a non-user address. */
static uint64_t *vm_walk(uint64_t space, uint64_t va, bool create)
{
	if (!space || va >= USER_TOP)
		return 0;
	uint64_t *t = vm_table(space);
	for (int shift = 39; shift > 12; shift -= 9) {
		uint64_t *e = &t[(va >> shift) & 511];
		if (*e & PTE_PS)
			return 0; /* never built in the user half */
		if (!(*e & PTE_P)) {
			if (!create)
				return 0;
			uint64_t pa = vm_zeroed_frame();
			if (!pa)
				return 0;
			*e = pa | PTE_P | PTE_W | PTE_U;
		}
		t = vm_table(*e & PTE_ADDR);
	}
	return &t[(va >> 12) & 511];
}

/* Map one user page. flags: PTE_W, PTE_U, PTE_NX, PTE_OWNED. */
int vm_map(uint64_t space, uint64_t va, uint64_t pa, uint64_t flags)
{
	if (va >= USER_TOP || !space)
		return -EINVAL;
	uint64_t *pte = vm_walk(space, va, true);
	if (!pte)
		return -ENOMEM;
	*pte = (pa & PTE_ADDR) | flags | PTE_P;
	if (space == read_cr3())
		invlpg(va);
	return 0;
}

/* Unmap one page; return the frame it mapped (0 if none) and its flags. */
uint64_t vm_unmap(uint64_t space, uint64_t va, uint64_t *flags_out)
{
	uint64_t *pte = vm_walk(space, va, false);
	if (!pte || !(*pte & PTE_P))
		return 0;
	uint64_t old = *pte;
	*pte = 0;
	if (space == read_cr3())
		invlpg(va);
	if (flags_out)
		*flags_out = old & ~PTE_ADDR;
	return old & PTE_ADDR;
}

/* Physical address backing va (with its page offset), 0 if unmapped. */
uint64_t vm_translate(uint64_t space, uint64_t va, uint64_t *flags_out)
{
	uint64_t *pte = vm_walk(space, va, false);
	if (!pte || !(*pte & PTE_P))
		return 0;
	if (flags_out)
		*flags_out = *pte & ~PTE_ADDR;
	return (*pte & PTE_ADDR) | (va & 0xFFF);
}

/* Change the permission bits of a mapped page, keeping PTE_OWNED. */
int vm_protect(uint64_t space, uint64_t va, uint64_t flags)
{
	uint64_t *pte = vm_walk(space, va, false);
	if (!pte || !(*pte & PTE_P))
		return -ENOMEM;
	*pte = (*pte & (PTE_ADDR | PTE_OWNED)) | (flags & ~(PTE_ADDR | PTE_OWNED)) | PTE_P;
	if (space == read_cr3())
		invlpg(va);
	return 0;
}

/* Whether none of the 8 entries at t is present: tables are mostly empty,
 * and testing 8 at once makes tearing a space down several times cheaper
 * (under QEMU every instruction counts). */
static bool vm_none_present(const uint64_t *t)
{
	return !((t[0] | t[1] | t[2] | t[3] | t[4] | t[5] | t[6] | t[7]) & PTE_P);
}

static void vm_each_pte_level(uint64_t table_pa, int shift, uint64_t base, uint64_t start,
                              uint64_t end, vm_pte_fn fn, void *arg)
{
	uint64_t *t = vm_table(table_pa);
	uint64_t span = 1ULL << shift;
	for (uint64_t i = (MAX(start, base) - base) >> shift; i < 512; i++) {
		uint64_t lo = base + i * span;
		if (lo >= end)
			break;
		if ((i & 7) == 0 && vm_none_present(&t[i])) { /* absent entries only */
			i += 7;
			continue;
		}
		if (!(t[i] & PTE_P) || (t[i] & PTE_PS))
			continue;
		if (shift == 12)
			fn(lo, &t[i], arg);
		else
			vm_each_pte_level(t[i] & PTE_ADDR, shift - 9, lo, start, end, fn, arg);
	}
}

/* Call fn on every present PTE of the user pages in [start, end), in
 * address order. Absent tables are skipped a whole vm_table's span at a time,
 * so the work is bounded by what is mapped, not by the size of the range.
 * fn may change the entry; vm_flush_range makes the change visible. */
void vm_each_pte(uint64_t space, uint64_t start, uint64_t end, vm_pte_fn fn, void *arg)
{
	end = MIN(end, USER_TOP);
	if (space && start < end)
		vm_each_pte_level(space, 39, 0, start, end, fn, arg);
}

/* After PTEs of [start, end) changed: drop stale TLB entries. */
void vm_flush_range(uint64_t space, uint64_t start, uint64_t end)
{
	if (space != read_cr3())
		return;
	if (end - start > 64 * PAGE_SIZE)
		write_cr3(space); /* cheaper than many invlpg */
	else
		for (uint64_t va = start; va < end; va += PAGE_SIZE)
			invlpg(va);
}

/* Page-vm_table flags for a region protection (PROT_*), for vm_map: every
 * page the kernel maps for a region is a frame the space owns. Readable is
 * implied by present; PROT_NONE pages are present for the kernel (the
 * uaccess checks refuse them anyway) and a fault for the user. */
uint64_t vm_prot_flags(int prot)
{
	uint64_t f = PTE_OWNED;
	if (prot & (VM_PROT_READ | VM_PROT_WRITE | VM_PROT_EXEC))
		f |= PTE_U;
	if (prot & VM_PROT_WRITE)
		f |= PTE_W;
	if (!(prot & VM_PROT_EXEC))
		f |= PTE_NX;
	return f;
}

/* MAP_SHARED frames are mapped by several spaces: each mapping holds one
 * count, and the last one to go frees the frame. Copy-on-write frames
 * (PTE_COW: private pages fork left in both spaces, read-only) are counted
 * the same way; a frame is one kind or the other, and an owned frame's
 * count is 0. Counts live in a table indexed by frame, made at boot. */
static uint16_t *vm_share_count;

/* Make the table at boot, so its memory is part of every baseline. */
void vm_share_init(void)
{
	vm_share_count = kzalloc(pmm_frame_limit() * sizeof *vm_share_count);
	if (!vm_share_count)
		kprintf("vm: no memory for MAP_SHARED counts: MAP_SHARED will fail\n");
}

/* A new zeroed frame with one shared mapping's count, or 0. */
uint64_t vm_shared_frame(void)
{
	if (!vm_share_count)
		return 0;
	uint64_t pa = vm_zeroed_frame();
	if (pa)
		vm_share_count[pa / PAGE_SIZE] = 1;
	return pa;
}

/* Map a new zeroed shared frame (one count) at va with protection prot
 * (PROT_*): a page of a MAP_SHARED|MAP_ANONYMOUS region. 0 or -ENOMEM. */
int vm_map_shared_page(uint64_t space, uint64_t va, int prot)
{
	uint64_t pa = vm_shared_frame();
	if (!pa)
		return -ENOMEM;
	uint64_t flags = (vm_prot_flags(prot) & ~PTE_OWNED) | PTE_SHARED;
	if (vm_map(space, va, pa, flags) < 0) {
		vm_share_count[pa / PAGE_SIZE] = 0;
		pmm_free(pa);
		return -ENOMEM;
	}
	return 0;
}

static void vm_share_get(uint64_t pa) { vm_share_count[pa / PAGE_SIZE]++; }

static void vm_share_put(uint64_t pa)
{
	if (--vm_share_count[pa / PAGE_SIZE] == 0)
		pmm_free(pa);
}

/* Drop what a PTE holds: an owned frame is freed, a shared or
 * copy-on-write one loses a count. */
static void vm_release_pte(uint64_t pte)
{
	if (pte & PTE_OWNED)
		pmm_free(pte & PTE_ADDR);
	else if (pte & (PTE_SHARED | PTE_COW))
		vm_share_put(pte & PTE_ADDR);
}

/* A write to a copy-on-write page at va: the space gets a frame of its own
 * (the last sharer keeps the frame, the others copy it), writable if
 * writable (a debugger's store into read-only text is not). 1 if the page
 * was copy-on-write and is now private, 0 if it was not copy-on-write,
 * -ENOMEM. */
int vm_cow_break(uint64_t space, uint64_t va, bool writable)
{
	uint64_t *pte = vm_walk(space, va, false);
	if (!pte || !(*pte & PTE_P) || !(*pte & PTE_COW))
		return 0;
	uint64_t pa = *pte & PTE_ADDR, flags = *pte & ~PTE_ADDR & ~PTE_COW;
	flags |= PTE_OWNED | (writable ? PTE_W : 0);
	if (vm_share_count[pa / PAGE_SIZE] == 1) {
		vm_share_count[pa / PAGE_SIZE] = 0; /* the last sharer: it is ours now */
	} else {
		uint64_t copy = pmm_alloc();
		if (!copy)
			return -ENOMEM;
		memcpy(P2V(copy), P2V(pa), PAGE_SIZE);
		vm_share_count[pa / PAGE_SIZE]--;
		pa = copy;
	}
	*pte = pa | flags;
	if (space == read_cr3())
		invlpg(va);
	return 1;
}

static void vm_unmap_pte(uint64_t va, uint64_t *pte, void *arg)
{
	(void)va, (void)arg;
	vm_release_pte(*pte);
	*pte = 0;
}

/* Unmap every page of [start, end), freeing the frames the space owns. */
void vm_unmap_range(uint64_t space, uint64_t start, uint64_t end)
{
	vm_each_pte(space, start, end, vm_unmap_pte, 0);
	vm_flush_range(space, start, end);
}

static void vm_protect_pte(uint64_t va, uint64_t *pte, void *arg)
{
	(void)va;
	uint64_t flags = *(const uint64_t *)arg;
	uint64_t keep = PTE_ADDR | PTE_OWNED | PTE_SHARED | PTE_COW;
	if (*pte & PTE_COW)
		flags &= ~PTE_W; /* still shared: the first write copies it */
	*pte = (*pte & keep) | (flags & ~keep) | PTE_P;
}

/* Give every mapped page of [start, end) the flags (from vm_prot_flags). */
void vm_protect_range(uint64_t space, uint64_t start, uint64_t end, uint64_t flags)
{
	vm_each_pte(space, start, end, vm_protect_pte, &flags);
	vm_flush_range(space, start, end);
}

struct copy_state {
	uint64_t dst_space;
	int err;
	unsigned pages;
	uint64_t pt_va; /* the 2 MiB block pt maps (the last one walked), or 1 */
	uint64_t *pt;   /* dst's page table for it */
};

/* dst's PTE for va, its tables made as needed: the page table of the last
 * block is kept, so a run of pages costs one walk (dst is not live: no
 * TLB to flush). NULL when out of memory. */
static uint64_t *vm_copy_slot(struct copy_state *c, uint64_t va)
{
	uint64_t block = va & ~((1ULL << 21) - 1);
	if (block != c->pt_va) {
		uint64_t *pte = vm_walk(c->dst_space, va, true);
		if (!pte)
			return 0;
		c->pt = pte - ((va >> 12) & 511);
		c->pt_va = block;
	}
	return &c->pt[(va >> 12) & 511];
}

static void vm_copy_pte(uint64_t va, uint64_t *pte, void *arg)
{
	struct copy_state *c = arg;
	if (c->err)
		return;
	if (*pte & PTE_SHARED) { /* MAP_SHARED: the child maps the same frame */
		if (vm_map(c->dst_space, va, *pte & PTE_ADDR, *pte & ~PTE_ADDR & ~PTE_P) < 0)
			c->err = -ENOMEM;
		else
			vm_share_get(*pte & PTE_ADDR);
		return;
	}
	if (!vm_share_count) { /* no count table (boot was short of memory): copy */
		uint64_t dpa = pmm_alloc();
		if (!dpa || vm_map(c->dst_space, va, dpa, *pte & ~PTE_ADDR & ~PTE_P) < 0) {
			if (dpa)
				pmm_free(dpa);
			c->err = -ENOMEM;
			return;
		}
		memcpy(P2V(dpa), P2V(*pte & PTE_ADDR), PAGE_SIZE);
		return;
	}
	/* A private page: both spaces map the frame read-only and count it;
	 * the first write to it (either side) copies (vm_cow_break). */
	uint64_t pa = *pte & PTE_ADDR;
	uint64_t cow = (*pte & ~PTE_ADDR & ~PTE_P & ~PTE_OWNED & ~PTE_W) | PTE_COW;
	uint64_t *slot = vm_copy_slot(c, va);
	if (!slot) {
		c->err = -ENOMEM;
		return;
	}
	*slot = pa | cow | PTE_P;
	if (*pte & PTE_OWNED)
		vm_share_count[pa / PAGE_SIZE] = 2;
	else
		vm_share_get(pa);
	*pte = pa | cow | PTE_P;
	if (++c->pages % 64 == 0)
		sched_cond_resched(); /* fork: the child is not visible yet */
}

/* Give dst every mapped page of src in [start, end) (fork): MAP_SHARED
 * frames are mapped again; private ones become copy-on-write in both
 * (read-only, counted), so nothing is copied until written. Yields every
 * 64 pages: the caller's dst must not be visible to anyone. 0 or -ENOMEM
 * (src then stays consistent: its pages already made copy-on-write keep
 * their counts, and the first write makes them its own again). */
int vm_copy_range(uint64_t dst, uint64_t src, uint64_t start, uint64_t end)
{
	struct copy_state c = {dst, 0, 0, 1, 0};
	vm_each_pte(src, start, end, vm_copy_pte, &c);
	vm_flush_range(src, start, end); /* src's writable entries are stale now */
	return c.err;
}

static void vm_free_level(uint64_t pa, int level)
{
	uint64_t *t = vm_table(pa);
	for (int i = 0; i < 512; i++) {
		if ((i & 7) == 0 && vm_none_present(&t[i])) {
			i += 7;
			continue;
		}
		if (!(t[i] & PTE_P))
			continue;
		if (level > 1)
			vm_free_level(t[i] & PTE_ADDR, level - 1);
		else
			vm_release_pte(t[i]);
	}
	pmm_free(pa);
}

/* Free the user half (tables and owned frames) and the PML4 itself. */
void vm_destroy(uint64_t space)
{
	if (!space)
		return;
	uint64_t *t = vm_table(space);
	if (read_cr3() == space)
		write_cr3(kernel_pml4_pa);
	for (int i = 0; i < 256; i += 8)
		for (int j = i; j < i + 8 && !vm_none_present(&t[i]); j++)
			if (t[j] & PTE_P)
				vm_free_level(t[j] & PTE_ADDR, 3);
	pmm_free(space);
}

/* Switch the MMU to a space. */
void vm_activate(uint64_t space)
{
	if (read_cr3() != space)
		write_cr3(space);
}
