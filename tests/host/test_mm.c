/* Host unit test for kernel/mm.c (unity build): the region table. Page
 * tables and frames are stubs (a hash of va -> frame|flags, frames from
 * the host's allocator), kmalloc can be told to fail. Checks: splits and
 * merges of mprotect and munmap, the table growing to MM_MAX_VMAS, and that
 * every call failing with ENOMEM (table full, or no memory to grow it)
 * leaves the regions and the page tables exactly as they were; fork's copy
 * owns its own table. ASan's leak check covers mm_release. */
#define TAP_KERNEL_STUBS
#include "tap.h"
#include <stdint.h>
#include <stdlib.h>
#include "../../kernel/lib.c"
#define strlcpy klib_strlcpy
#include "arch.h"
#undef P2V
#define P2V(pa) ((void *)(uintptr_t)(pa)) /* "physical" frames are host memory */
#include "../../kernel/mm.c"

/* --- stubs: heap, frames, page tables ------------------------------------ */

static int kmalloc_fails; /* > 0: that many next kmallocs fail */

void *kmalloc(size_t size)
{
	if (kmalloc_fails > 0) {
		kmalloc_fails--;
		return NULL;
	}
	return malloc(size ? size : 1);
}
void kfree(void *p) { free(p); }

static long frames_out;
uint64_t pmm_alloc(void)
{
	frames_out++;
	return (uint64_t)(uintptr_t)aligned_alloc(PAGE_SIZE, PAGE_SIZE);
}
void pmm_free(uint64_t pa)
{
	frames_out--;
	free((void *)(uintptr_t)pa);
}

#define NSLOT (1 << 16)
static struct pte_slot {
	uint64_t space, va, pte; /* pte 0: free slot; va ~0: deleted */
} ptes[NSLOT];
static uint64_t next_space = 1;

static struct pte_slot *slot(uint64_t space, uint64_t va, bool make)
{
	uint64_t h = ((va >> 12) * 0x9e3779b97f4a7c15ULL + space) & (NSLOT - 1);
	struct pte_slot *hole = NULL;
	for (int n = 0; n < NSLOT; n++, h = (h + 1) & (NSLOT - 1)) {
		struct pte_slot *s = &ptes[h];
		if (s->pte && s->space == space && s->va == va)
			return s;
		if (!s->pte && s->va == ~0ULL && !hole)
			hole = s;
		if (!s->pte && s->va != ~0ULL) {
			if (!make)
				return NULL;
			return hole ? hole : s;
		}
	}
	return make ? hole : NULL;
}

uint64_t vm_create(void) { return next_space++; }
void vm_destroy(uint64_t space)
{
	for (int i = 0; i < NSLOT; i++)
		if (ptes[i].pte && ptes[i].space == space) {
			if (ptes[i].pte & PTE_OWNED)
				pmm_free(ptes[i].pte & PTE_ADDR);
			ptes[i].pte = 0;
			ptes[i].va = ~0ULL;
		}
}
int vm_map(uint64_t space, uint64_t va, uint64_t pa, uint64_t flags)
{
	struct pte_slot *s = slot(space, va, true);
	if (!s)
		return -ENOMEM;
	*s = (struct pte_slot){space, va, pa | flags | PTE_P};
	return 0;
}
uint64_t vm_unmap(uint64_t space, uint64_t va, uint64_t *flags_out)
{
	struct pte_slot *s = slot(space, va, false);
	if (!s)
		return 0;
	uint64_t pte = s->pte;
	s->pte = 0;
	s->va = ~0ULL;
	*flags_out = pte & ~PTE_ADDR;
	return pte & PTE_ADDR;
}
uint64_t vm_translate(uint64_t space, uint64_t va, uint64_t *flags_out)
{
	struct pte_slot *s = slot(space, va & ~(PAGE_SIZE - 1), false);
	if (!s)
		return 0;
	if (flags_out)
		*flags_out = s->pte & ~PTE_ADDR;
	return (s->pte & PTE_ADDR) | (va & (PAGE_SIZE - 1));
}
int vm_protect(uint64_t space, uint64_t va, uint64_t flags)
{
	struct pte_slot *s = slot(space, va, false);
	if (!s)
		return -ENOMEM;
	s->pte = (s->pte & (PTE_ADDR | PTE_OWNED)) | (flags & ~(PTE_ADDR | PTE_OWNED)) | PTE_P;
	return 0;
}

/* The range operations, on the hash: the same semantics as vm.c's. */
uint64_t vm_prot_flags(int prot)
{
	uint64_t f = PTE_OWNED;
	if (prot & (PROT_READ | PROT_WRITE | PROT_EXEC))
		f |= PTE_U;
	if (prot & PROT_WRITE)
		f |= PTE_W;
	if (!(prot & PROT_EXEC))
		f |= PTE_NX;
	return f;
}
void vm_unmap_range(uint64_t space, uint64_t start, uint64_t end)
{
	for (int i = 0; i < NSLOT; i++) {
		struct pte_slot *s = &ptes[i];
		if (s->pte && s->space == space && s->va >= start && s->va < end) {
			if (s->pte & PTE_OWNED)
				pmm_free(s->pte & PTE_ADDR);
			s->pte = 0;
			s->va = ~0ULL;
		}
	}
}
void vm_protect_range(uint64_t space, uint64_t start, uint64_t end, uint64_t flags)
{
	for (int i = 0; i < NSLOT; i++) {
		struct pte_slot *s = &ptes[i];
		if (s->pte && s->space == space && s->va >= start && s->va < end)
			vm_protect(space, s->va, flags);
	}
}
int vm_copy_range(uint64_t dst, uint64_t src, uint64_t start, uint64_t end)
{
	for (int i = 0; i < NSLOT; i++) {
		struct pte_slot *s = &ptes[i];
		if (!s->pte || s->space != src || s->va < start || s->va >= end)
			continue;
		uint64_t dpa = pmm_alloc();
		if (!dpa || vm_map(dst, s->va, dpa, s->pte & ~PTE_ADDR & ~PTE_P) < 0) {
			if (dpa)
				pmm_free(dpa);
			return -ENOMEM;
		}
		memcpy((void *)(uintptr_t)dpa, (void *)(uintptr_t)(s->pte & PTE_ADDR), PAGE_SIZE);
	}
	return 0;
}
/* The fake fork copies, so no page is ever copy-on-write. */
int vm_cow_break(uint64_t space, uint64_t va, bool writable)
{
	(void)space, (void)va, (void)writable;
	return 0;
}
int vm_map_shared_page(uint64_t space, uint64_t va, int prot)
{
	uint64_t pa = pmm_alloc();
	return vm_map(space, va, pa, vm_prot_flags(prot)) < 0 ? -ENOMEM : 0;
}
void sched_cond_resched(void) {}

/* --- helpers -------------------------------------------------------------- */

#define BASE 0x10000000ULL
#define PG(i) (BASE + (uint64_t)(i)*PAGE_SIZE)

/* A copy of the table and of the flags of some pages, to compare after. */
struct snap {
	struct vma *v;
	int n;
	uint64_t flags[8];
};
static const long probe[8] = {0, 1, 2, 3, 100, 101, 30000, 65999};

static struct snap take(const struct mm *mm)
{
	struct snap s = {malloc((size_t)mm->nvmas * sizeof(struct vma) + 1), mm->nvmas, {0}};
	memcpy(s.v, mm->vmas, (size_t)mm->nvmas * sizeof(struct vma));
	for (int i = 0; i < 8; i++)
		vm_translate(mm->space, PG(probe[i]), &s.flags[i]);
	return s;
}

static bool same(const struct mm *mm, struct snap *s)
{
	bool ok =
	    mm->nvmas == s->n && memcmp(mm->vmas, s->v, (size_t)s->n * sizeof(struct vma)) == 0;
	for (int i = 0; i < 8; i++) {
		uint64_t f = 0;
		vm_translate(mm->space, PG(probe[i]), &f);
		ok = ok && f == s->flags[i];
	}
	free(s->v);
	return ok;
}

static bool is(const struct mm *mm, int i, uint64_t start, uint64_t end, int prot)
{
	return i < mm->nvmas && mm->vmas[i].start == start && mm->vmas[i].end == end &&
	       mm->vmas[i].prot == prot;
}

static void touch(struct mm *mm, long page) { CHECK_EQ(mm_fault(mm, PG(page), false), 0); }

#define RW (PROT_READ | PROT_WRITE)

/* --- tests ---------------------------------------------------------------- */

TEST(protect_splits_head_middle_and_tail)
{
	struct mm mm;
	CHECK_EQ(mm_init(&mm), 0);
	CHECK_EQ(mm_map_anon(&mm, PG(0), 10 * PAGE_SIZE, RW, "a"), 0);
	CHECK_EQ(mm_map_anon(&mm, PG(10), 10 * PAGE_SIZE, PROT_READ, "b"), 0);
	touch(&mm, 3);
	CHECK_EQ(mm_protect(&mm, PG(3), 4 * PAGE_SIZE, PROT_READ), 0); /* middle of a */
	CHECK_EQ(mm.nvmas, 4);
	CHECK(is(&mm, 0, PG(0), PG(3), RW));
	CHECK(is(&mm, 1, PG(3), PG(7), PROT_READ));
	CHECK(is(&mm, 2, PG(7), PG(10), RW));
	CHECK(is(&mm, 3, PG(10), PG(20), PROT_READ));
	CHECK_STR_EQ(mm.vmas[2].name, "a");
	uint64_t f;
	CHECK(vm_translate(mm.space, PG(3), &f) && !(f & PTE_W));
	/* Across three vmas: head split of [0,3), tail split of [10,20). */
	CHECK_EQ(mm_protect(&mm, PG(1), 11 * PAGE_SIZE, PROT_EXEC), 0);
	CHECK(is(&mm, 0, PG(0), PG(1), RW));
	CHECK(is(&mm, 1, PG(1), PG(3), PROT_EXEC));
	CHECK(is(&mm, 4, PG(10), PG(12), PROT_EXEC));
	CHECK(is(&mm, 5, PG(12), PG(20), PROT_READ));
	CHECK_EQ(mm.nvmas, 6);
	/* A hole in the range: ENOMEM, nothing changed. */
	CHECK_EQ(mm_unmap(&mm, PG(15), PAGE_SIZE), 0);
	struct snap s = take(&mm);
	CHECK_EQ(mm_protect(&mm, PG(0), 20 * PAGE_SIZE, PROT_READ), -ENOMEM);
	CHECK(same(&mm, &s));
	mm_release(&mm);
	CHECK_EQ(frames_out, 0);
}

TEST(unmap_cuts_several_and_punches_holes)
{
	struct mm mm;
	CHECK_EQ(mm_init(&mm), 0);
	for (int i = 0; i < 5; i++)
		CHECK_EQ(mm_map_anon(&mm, PG(10 * i), 10 * PAGE_SIZE, RW, ""), 0);
	touch(&mm, 5);
	touch(&mm, 25);
	CHECK_EQ(mm_unmap(&mm, PG(5), 30 * PAGE_SIZE), 0); /* [5, 35) */
	CHECK_EQ(mm.nvmas, 3);
	CHECK(is(&mm, 0, PG(0), PG(5), RW));
	CHECK(is(&mm, 1, PG(35), PG(40), RW));
	CHECK(is(&mm, 2, PG(40), PG(50), RW));
	CHECK_EQ(frames_out, 0);
	CHECK_EQ(mm_unmap(&mm, PG(42), PAGE_SIZE), 0); /* a hole */
	CHECK(is(&mm, 2, PG(40), PG(42), RW));
	CHECK(is(&mm, 3, PG(43), PG(50), RW));
	CHECK(mm_vma_at(&mm, PG(42)) == NULL);
	CHECK(mm_vma_at(&mm, PG(43)) == &mm.vmas[3]);
	mm_release(&mm);
}

/* Regression (issue 8 item 8): the table fills only at MM_MAX_VMAS, and at
 * the cap mprotect, munmap and mmap fail with ENOMEM changing nothing; the
 * split in two that has room for one entry no longer loses the tail. */
TEST(enomem_at_the_cap_changes_nothing)
{
	struct mm mm;
	CHECK_EQ(mm_init(&mm), 0);
	CHECK_EQ(mm_map_anon(&mm, PG(0), 66000 * PAGE_SIZE, RW, "big"), 0);
	for (int i = 0; i < 8; i++)
		touch(&mm, probe[i]);
	long p = 1;
	while (mm_protect(&mm, PG(p), PAGE_SIZE, PROT_READ) == 0)
		p += 2;
	CHECK_EQ(mm.nvmas, MM_MAX_VMAS - 1); /* 1 + 2 per call: odd */
	struct snap s = take(&mm);
	CHECK_EQ(mm_protect(&mm, PG(p), PAGE_SIZE, PROT_READ), -ENOMEM); /* needs 2 */
	CHECK(same(&mm, &s));
	CHECK_EQ(mm_protect(&mm, PG(p - 1), PAGE_SIZE, PROT_READ), 0); /* needs 1 */
	CHECK_EQ(mm.nvmas, MM_MAX_VMAS);
	s = take(&mm);
	CHECK_EQ(mm_protect(&mm, PG(p), PAGE_SIZE, PROT_READ), -ENOMEM);
	CHECK_EQ(mm_protect(&mm, PG(65990), 10 * PAGE_SIZE, PROT_READ), -ENOMEM);
	CHECK_EQ(mm_unmap(&mm, PG(p + 5), PAGE_SIZE), -ENOMEM);
	CHECK_EQ(mm_map_anon(&mm, PG(70000), PAGE_SIZE, RW, ""), -ENOMEM);
	CHECK_EQ(mm_map_anon(&mm, PG(p + 5), PAGE_SIZE, RW, ""), -ENOMEM);
	CHECK(same(&mm, &s));
	CHECK_EQ(mm_protect(&mm, PG(1), PAGE_SIZE, RW), 0); /* a whole vma: no entry */
	CHECK_EQ(mm.nvmas, MM_MAX_VMAS);
	CHECK_EQ(mm_unmap(&mm, PG(1), PAGE_SIZE), 0);
	CHECK_EQ(mm_map_anon(&mm, PG(1), PAGE_SIZE, RW, ""), 0);
	/* fork copies the full table into a table of its own. */
	struct mm child;
	CHECK_EQ(mm_copy(&child, &mm), 0);
	CHECK(child.vmas != mm.vmas);
	CHECK_EQ(child.nvmas, MM_MAX_VMAS);
	CHECK(memcmp(child.vmas, mm.vmas, sizeof(struct vma) * MM_MAX_VMAS) == 0);
	mm_release(&child);
	CHECK_EQ(mm_unmap(&mm, PG(0), 66000 * PAGE_SIZE), 0);
	CHECK_EQ(mm.nvmas, 0);
	mm_release(&mm);
	CHECK_EQ(frames_out, 0);
}

/* No memory to grow the table: ENOMEM and nothing changed, for each call. */
TEST(growth_failure_changes_nothing)
{
	struct mm mm;
	CHECK_EQ(mm_init(&mm), 0);
	CHECK_EQ(mm_map_anon(&mm, PG(0), 200 * PAGE_SIZE, RW, ""), 0);
	touch(&mm, 1);
	touch(&mm, 100);
	int i = 1;
	while (mm.nvmas + 2 <= mm.cap) {
		CHECK_EQ(mm_protect(&mm, PG(i), PAGE_SIZE, PROT_READ), 0);
		i += 2;
	}
	if (mm.nvmas < mm.cap) { /* fill it: a split at the tail's start */
		CHECK_EQ(mm_protect(&mm, PG(i - 1), PAGE_SIZE, PROT_READ), 0);
		i++;
	}
	CHECK_EQ(mm.nvmas, mm.cap);
	struct snap s = take(&mm);
	kmalloc_fails = 1;
	CHECK_EQ(mm_protect(&mm, PG(i), PAGE_SIZE, PROT_READ), -ENOMEM);
	kmalloc_fails = 1;
	CHECK_EQ(mm_unmap(&mm, PG(150), PAGE_SIZE), -ENOMEM);
	kmalloc_fails = 1;
	CHECK_EQ(mm_map_anon(&mm, PG(300), PAGE_SIZE, RW, ""), -ENOMEM);
	CHECK(same(&mm, &s));
	kmalloc_fails = 0;
	int cap = mm.cap;
	CHECK_EQ(mm_protect(&mm, PG(i), PAGE_SIZE, PROT_READ), 0);
	CHECK(mm.cap == 2 * cap);
	/* fork without memory for the table: ENOMEM, the parent untouched. */
	struct mm child;
	s = take(&mm);
	kmalloc_fails = 1;
	CHECK_EQ(mm_copy(&child, &mm), -ENOMEM);
	kmalloc_fails = 0;
	CHECK(child.vmas == NULL && child.space == 0);
	CHECK(same(&mm, &s));
	mm_release(&mm);
	CHECK_EQ(frames_out, 0);
}

int main(void) { return tap_main(); }
