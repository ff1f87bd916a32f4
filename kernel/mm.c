/* User memory regions. Invariant: vmas[0..nvmas) are sorted, disjoint and
 * page aligned, and exactly the pages inside some vma are mapped in
 * mm->space, each to a frame the space owns (vm.c frees it). The table is a
 * kmalloc'd array that doubles as it fills, up to MM_MAX_VMAS entries.
 * Every call that edits it first reserves the entries it will need, so a
 * call that fails (ENOMEM) leaves the regions and the page tables exactly
 * as they were. */
#include "mm.h"
#include "errno.h"
#include "heap.h"
#include "lib.h"
#include "pmm.h"
#include "vm.h"

_Static_assert(PROT_READ == VM_PROT_READ && PROT_WRITE == VM_PROT_WRITE &&
                   PROT_EXEC == VM_PROT_EXEC,
               "mm.h and vm.h protections agree");

#define MM_MIN_VMAS 16 /* the table's first size */

/* A user access to addr faulted on a page not yet present: back it with a
 * zeroed frame if the region allows the access. 0, or -EFAULT/-ENOMEM. */
int mm_fault(struct mm *mm, uint64_t addr, bool write)
{
	const struct vma *v = mm_vma_at(mm, addr);
	if (!v || !(v->prot & (PROT_READ | PROT_WRITE | PROT_EXEC)) ||
	    (write && !(v->prot & PROT_WRITE)))
		return -EFAULT;
	if (vm_translate(mm->space, addr, 0)) { /* present: copy-on-write, or a real fault */
		int r = write ? vm_cow_break(mm->space, ALIGN_DOWN(addr, PAGE_SIZE), true) : 0;
		return r > 0 ? 0 : r < 0 ? r : -EFAULT;
	}
	uint64_t pa = pmm_alloc();
	if (!pa)
		return -ENOMEM;
	memset(P2V(pa), 0, PAGE_SIZE);
	if (vm_map(mm->space, ALIGN_DOWN(addr, PAGE_SIZE), pa, vm_prot_flags(v->prot)) < 0) {
		pmm_free(pa);
		return -ENOMEM;
	}
	return 0;
}

/* The frame behind addr, allocating it if the page lies in a region but
 * was never touched. Physical address with offset, or 0. */
static uint64_t mm_populate(struct mm *mm, uint64_t addr)
{
	uint64_t pa = vm_translate(mm->space, addr, 0);
	if (pa || !mm_vma_at(mm, addr))
		return pa;
	pa = pmm_alloc();
	if (!pa)
		return 0;
	memset(P2V(pa), 0, PAGE_SIZE);
	const struct vma *v = mm_vma_at(mm, addr);
	if (vm_map(mm->space, ALIGN_DOWN(addr, PAGE_SIZE), pa, vm_prot_flags(v->prot)) < 0) {
		pmm_free(pa);
		return 0;
	}
	return pa | (addr & (PAGE_SIZE - 1));
}

static uint8_t zero_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

/* The one way the kernel reaches memory of an address space other than
 * through the current one's user mappings (proc:PID/mem, clone's
 * CLONE_CHILD_SETTID, the ELF loader building a new image): the kernel
 * address of the byte at va, its page populated, if va's region allows the
 * access (MM_READ: any user access; MM_WRITE: PROT_WRITE; MM_FORCE: a
 * tracer's write, which needs only a user-accessible region and lands in
 * the space's own private frame). NULL if not, or if the space is gone.
 * Valid up to the end of va's page, until the region changes; with
 * MM_READ, an untouched page reads as zeros without being allocated. */
void *mm_kaddr(struct mm *mm, uint64_t va, int access)
{
	if (!mm->space || va >= USER_TOP)
		return 0;
	const struct vma *v = mm_vma_at(mm, va);
	if (!v || !(v->prot & (PROT_READ | PROT_WRITE | PROT_EXEC)) ||
	    (access == MM_WRITE && !(v->prot & PROT_WRITE)))
		return 0;
	if (access == MM_READ && !vm_translate(mm->space, va, 0))
		return zero_page + (va & (PAGE_SIZE - 1)); /* reading never allocates */
	/* A store (a tracer's too) never reaches a frame another space shares. */
	if (access != MM_READ &&
	    vm_cow_break(mm->space, ALIGN_DOWN(va, PAGE_SIZE), (v->prot & PROT_WRITE) != 0) < 0)
		return 0;
	uint64_t pa = mm_populate(mm, va);
	return pa ? P2V(pa) : 0;
}

/* Store n bytes at va in mm, through mm_kaddr. 0, or -EFAULT if some page
 * does not allow it (the bytes before it are written). */
int mm_write(struct mm *mm, uint64_t va, const void *src, size_t n, int access)
{
	while (n) {
		void *dst = mm_kaddr(mm, va, access);
		if (!dst || va + n < va)
			return -EFAULT;
		size_t chunk = MIN(n, PAGE_SIZE - (va & (PAGE_SIZE - 1)));
		memcpy(dst, src, chunk);
		src = (const uint8_t *)src + chunk;
		va += chunk;
		n -= chunk;
	}
	return 0;
}

/* How far from addr (up to end) the process's own loads (or stores, with
 * write) may go: the end of the run of regions whose protection allows
 * the access. uaccess checks every copy against it, so the kernel's copies
 * honour PROT_NONE and read-only pages exactly as a user access would,
 * even for pages the hardware would let the kernel touch. */
uint64_t mm_user_extent(const struct mm *mm, uint64_t addr, uint64_t end, bool write)
{
	while (addr < end) {
		const struct vma *v = mm_vma_at(mm, addr);
		if (!v || !(v->prot & (PROT_READ | PROT_WRITE | PROT_EXEC)) ||
		    (write && !(v->prot & PROT_WRITE)))
			return addr;
		addr = v->end;
	}
	return end;
}

static uint64_t next_gen = 1;

/* A new, empty address space with a generation never used before. */
int mm_init(struct mm *mm)
{
	memset(mm, 0, sizeof *mm);
	mm->space = vm_create();
	mm->gen = next_gen++;
	return mm->space ? 0 : -ENOMEM;
}

static uint64_t mm_mapped_bytes(const struct mm *mm)
{
	uint64_t n = 0;
	for (int i = 0; i < mm->nvmas; i++)
		n += mm->vmas[i].end - mm->vmas[i].start;
	return n;
}

/* Room for extra more entries, the table doubling as needed: 0, or
 * -ENOMEM past MM_MAX_VMAS or without memory (the table unchanged). */
static int mm_reserve(struct mm *mm, int extra)
{
	int need = mm->nvmas + extra;
	if (need <= mm->cap)
		return 0;
	if (need > MM_MAX_VMAS)
		return -ENOMEM;
	int cap = mm->cap ? mm->cap : MM_MIN_VMAS;
	while (cap < need)
		cap *= 2;
	cap = MIN(cap, MM_MAX_VMAS);
	struct vma *t = kmalloc((size_t)cap * sizeof *t);
	if (!t)
		return -ENOMEM;
	if (mm->nvmas)
		memcpy(t, mm->vmas, (size_t)mm->nvmas * sizeof *t);
	kfree(mm->vmas);
	mm->vmas = t;
	mm->cap = cap;
	return 0;
}

/* Index of the first vma that ends above addr (nvmas if none). */
static int mm_first_above(const struct mm *mm, uint64_t addr)
{
	int lo = 0, hi = mm->nvmas;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (mm->vmas[mid].end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The vma containing addr, or NULL. */
const struct vma *mm_vma_at(const struct mm *mm, uint64_t addr)
{
	int i = mm_first_above(mm, addr);
	return i < mm->nvmas && mm->vmas[i].start <= addr ? &mm->vmas[i] : 0;
}

static void mm_unmap_pages(struct mm *mm, uint64_t start, uint64_t end)
{
	vm_unmap_range(mm->space, start, end);
}

/* Split vma i at addr, strictly inside it: i keeps [start, addr), a new
 * i + 1 gets [addr, end). The room must be reserved. */
static void mm_split(struct mm *mm, int i, uint64_t addr)
{
	memmove(&mm->vmas[i + 1], &mm->vmas[i], (size_t)(mm->nvmas - i) * sizeof mm->vmas[0]);
	mm->nvmas++;
	mm->vmas[i].end = addr;
	mm->vmas[i + 1].start = addr;
}

/* Entries mm_cut() adds: one when [start, end) lies strictly inside a vma. */
static int mm_cut_needs(const struct mm *mm, uint64_t start, uint64_t end)
{
	int i = mm_first_above(mm, start);
	return i < mm->nvmas && mm->vmas[i].start < start && mm->vmas[i].end > end;
}

/* Remove [start, end) from the table and unmap it; the room mm_cut_needs()
 * says must be reserved, so this cannot fail. */
static void mm_cut(struct mm *mm, uint64_t start, uint64_t end)
{
	int i = mm_first_above(mm, start);
	if (i < mm->nvmas && mm->vmas[i].start < start) {
		struct vma *v = &mm->vmas[i];
		if (v->end > end) { /* a hole in the middle: the tail is a new vma */
			mm_split(mm, i, end);
			mm->vmas[i].end = start;
			mm_unmap_pages(mm, start, end);
			return;
		}
		mm_unmap_pages(mm, start, v->end);
		v->end = start;
		i++;
	}
	int j = i;
	for (; j < mm->nvmas && mm->vmas[j].end <= end; j++)
		mm_unmap_pages(mm, mm->vmas[j].start, mm->vmas[j].end);
	if (j < mm->nvmas && mm->vmas[j].start < end) {
		mm_unmap_pages(mm, mm->vmas[j].start, end);
		mm->vmas[j].start = end;
	}
	memmove(&mm->vmas[i], &mm->vmas[j], (size_t)(mm->nvmas - j) * sizeof mm->vmas[0]);
	mm->nvmas -= j - i;
}

/* Add [start, end), which overlaps no vma; the room must be reserved. */
static void mm_insert_vma(struct mm *mm, uint64_t start, uint64_t end, int prot, const char *name)
{
	int i = mm_first_above(mm, start);
	memmove(&mm->vmas[i + 1], &mm->vmas[i], (size_t)(mm->nvmas - i) * sizeof mm->vmas[0]);
	mm->nvmas++;
	struct vma *v = &mm->vmas[i];
	v->start = start;
	v->end = end;
	v->prot = prot;
	strlcpy(v->name, name ? name : "", sizeof v->name);
}

/* Reserve zero-filled anonymous memory at [start, start+len), replacing
 * what was there (MAP_FIXED semantics). Frames come on first touch. */
int mm_map_anon(struct mm *mm, uint64_t start, uint64_t len, int prot, const char *name)
{
	uint64_t end = start + ALIGN_UP(len, PAGE_SIZE);
	if ((start & (PAGE_SIZE - 1)) || !len || end > USER_TOP || end <= start ||
	    start < PAGE_SIZE)
		return -EINVAL;
	if (mm_mapped_bytes(mm) + (end - start) > MM_MAX_BYTES)
		return -ENOMEM;
	int err = mm_reserve(mm, mm_cut_needs(mm, start, end) + 1);
	if (err)
		return err;
	mm_cut(mm, start, end);
	mm_insert_vma(mm, start, end, prot, name);
	return 0;
}

/* MAP_SHARED|MAP_ANONYMOUS: like mm_map_anon, but every page is a frame
 * made now and shared by every process that inherits the region through
 * fork (so a page first touched after the fork is still one page for all).
 * The frames are counted (vm.c): the last mapping to go frees each. */
int mm_map_shared(struct mm *mm, uint64_t start, uint64_t len, int prot, const char *name)
{
	int err = mm_map_anon(mm, start, len, prot, name);
	if (err)
		return err;
	uint64_t end = start + ALIGN_UP(len, PAGE_SIZE);
	for (uint64_t va = start; va < end && !err; va += PAGE_SIZE)
		err = vm_map_shared_page(mm->space, va, prot);
	if (err) {
		mm_unmap(mm, start, end - start);
		return err;
	}
	struct vma *v = (struct vma *)mm_vma_at(mm, start);
	if (v)
		v->shared = true;
	return 0;
}

/* munmap: unmapping nothing is fine; a hole that would take the table
 * past MM_MAX_VMAS is ENOMEM, as on Linux. */
int mm_unmap(struct mm *mm, uint64_t start, uint64_t len)
{
	uint64_t end = start + ALIGN_UP(len, PAGE_SIZE);
	if ((start & (PAGE_SIZE - 1)) || !len || end > USER_TOP || end <= start)
		return -EINVAL;
	int err = mm_reserve(mm, mm_cut_needs(mm, start, end));
	if (err)
		return err;
	mm_cut(mm, start, end);
	return 0;
}

/* mprotect: every page in the range must be mapped (else -ENOMEM). Only the
 * first and the last vma of the range can need splitting; their room is
 * reserved before anything changes. */
int mm_protect(struct mm *mm, uint64_t start, uint64_t len, int prot)
{
	uint64_t end = start + ALIGN_UP(len, PAGE_SIZE);
	if ((start & (PAGE_SIZE - 1)) || end > USER_TOP || end < start)
		return -EINVAL;
	if (end == start)
		return 0;
	int first = mm_first_above(mm, start), last = first;
	for (uint64_t at = start;; last++) {
		if (last >= mm->nvmas || mm->vmas[last].start > at)
			return -ENOMEM; /* a hole */
		at = mm->vmas[last].end;
		if (at >= end)
			break;
	}
	bool split_head = mm->vmas[first].prot != prot && mm->vmas[first].start < start;
	bool split_tail = mm->vmas[last].prot != prot && mm->vmas[last].end > end;
	int err = mm_reserve(mm, split_head + split_tail);
	if (err)
		return err;
	if (split_head) {
		mm_split(mm, first, start);
		first++;
		last++;
	}
	if (split_tail)
		mm_split(mm, last, end);
	for (int i = first; i <= last; i++)
		mm->vmas[i].prot = prot;
	vm_protect_range(mm->space, start, end, vm_prot_flags(prot));
	return 0;
}

/* The lowest gap of len bytes at or above MMAP_BASE. */
uint64_t mm_find_free(struct mm *mm, uint64_t len)
{
	uint64_t at = MMAP_BASE;
	len = ALIGN_UP(len, PAGE_SIZE);
	for (int i = 0; i < mm->nvmas; i++) {
		const struct vma *v = &mm->vmas[i];
		if (v->end <= at)
			continue;
		if (v->start >= at + len)
			break;
		at = v->end;
	}
	return at + len <= STACK_TOP - STACK_SIZE ? at : 0;
}

/* Copy the regions and every touched page of src into a new space (fork).
 * The work is bounded by the pages src really has, not by region sizes. */
int mm_copy(struct mm *dst, const struct mm *src)
{
	*dst = *src;
	dst->gen = next_gen++;
	dst->vmas = 0;
	dst->nvmas = dst->cap = 0;
	dst->space = vm_create();
	if (!dst->space)
		return -ENOMEM;
	if (mm_reserve(dst, src->nvmas)) {
		mm_release(dst);
		return -ENOMEM;
	}
	if (src->nvmas && dst->vmas)
		memcpy(dst->vmas, src->vmas, (size_t)src->nvmas * sizeof *dst->vmas);
	dst->nvmas = src->nvmas;
	int err = 0;
	for (int i = 0; i < src->nvmas && !err; i++)
		err = vm_copy_range(dst->space, src->space, src->vmas[i].start, src->vmas[i].end);
	if (err)
		mm_release(dst);
	return err;
}

/* Free the whole user half and the region table. */
void mm_release(struct mm *mm)
{
	if (mm->space)
		vm_destroy(mm->space);
	mm->space = 0;
	kfree(mm->vmas);
	mm->vmas = 0;
	mm->nvmas = mm->cap = 0;
}
