/* Kernel heap. Requests up to 2048 bytes come from one-page slabs of a size
 * class (16, 32, ... 2048); larger ones get their own run of pages. Every
 * page run starts with a 64-byte header, so kfree finds it by rounding the
 * pointer down to its page. Invariants: a slab page is on its class's list
 * iff it has a free object; empty pages go back to the frame allocator at
 * once (MAX_CACHED is 0), so the free-frame count that leak tests compare
 * returns exactly to where it was; a free object
 * holds its list link in word 0 and FREE_MAGIC in word 1. Locking: none. */
#include "heap.h"
#include "lib.h"

#define HEAP_PAGE 4096
#define HDR 64
#define MAGIC_SLAB 0x51ab51abu
#define MAGIC_BIG 0xb16b16b1u
#define FREE_MAGIC 0xf7eef7eef7eef7eeULL
#define NCLASSES 8   /* 16 .. 2048 */
#define MAX_CACHED 0 /* empty slab pages kept over all classes */

struct page_hdr {
	uint32_t magic;
	uint32_t size;  /* object size, or page count for a big run */
	uint32_t inuse; /* objects handed out */
	uint32_t pad;
	void **free; /* free objects of this page, linked through word 0 */
	struct page_hdr *next, *prev;
};
_Static_assert(sizeof(struct page_hdr) <= HDR, "page header fits");

static struct page_hdr *partial[NCLASSES];
static int empty_pages[NCLASSES]; /* pages of the class with inuse == 0 */
static int cached_total;
static size_t in_use;

static int heap_class_of(size_t size)
{
	int c = 0;
	for (size_t s = 16; s < size; s <<= 1)
		c++;
	return c;
}

static void heap_list_add(int c, struct page_hdr *h)
{
	h->prev = NULL;
	h->next = partial[c];
	if (h->next)
		h->next->prev = h;
	partial[c] = h;
}

static void heap_list_del(int c, struct page_hdr *h)
{
	if (h->prev)
		h->prev->next = h->next;
	else
		partial[c] = h->next;
	if (h->next)
		h->next->prev = h->prev;
	h->next = h->prev = NULL;
}

static void heap_push_free(struct page_hdr *h, void **obj)
{
	obj[0] = h->free;
	obj[1] = (void *)(uintptr_t)FREE_MAGIC;
	h->free = obj;
}

static struct page_hdr *heap_new_slab(int c)
{
	struct page_hdr *h = heap_pages_alloc(1);
	if (!h)
		return NULL;
	uint32_t size = 16u << c;
#ifdef __clang_analyzer__
	/* c < NCLASSES, so a slab holds at least one object; clang's analyser
	 * cannot bound 16u << c and would report kmalloc taking from none. */
	__builtin_assume(HEAP_PAGE - size >= HDR);
#endif
	*h = (struct page_hdr){.magic = MAGIC_SLAB, .size = size};
	for (uint32_t off = HEAP_PAGE - size; off >= HDR; off -= size)
		heap_push_free(h, (void **)((char *)h + off));
	heap_list_add(c, h);
	empty_pages[c]++;
	cached_total++;
	return h;
}

static void *heap_alloc_big(size_t size)
{
	if (size > (1ULL << 32))
		return NULL;
	size_t pages = (size + HDR + HEAP_PAGE - 1) / HEAP_PAGE;
	struct page_hdr *h = heap_pages_alloc(pages);
	if (!h)
		return NULL;
	*h = (struct page_hdr){.magic = MAGIC_BIG, .size = (uint32_t)pages};
	in_use += pages * HEAP_PAGE;
	return (char *)h + HDR;
}

/* Allocate size bytes, 16-byte aligned; NULL when out of memory. */
void *kmalloc(size_t size)
{
	if (size > 2048)
		return heap_alloc_big(size);
	int c = heap_class_of(size ? size : 1);
	struct page_hdr *h = partial[c] ? partial[c] : heap_new_slab(c);
	if (!h)
		return NULL;
	if (h->inuse++ == 0) {
		empty_pages[c]--;
		cached_total--;
	}
	void **obj = h->free;
	h->free = obj[0];
	obj[1] = NULL;
	if (!h->free)
		heap_list_del(c, h);
	in_use += h->size;
	return obj;
}

/* kmalloc and zero the bytes. */
void *kzalloc(size_t size)
{
	void *p = kmalloc(size);
	if (p)
		memset(p, 0, size);
	return p;
}

static bool heap_on_free_list(struct page_hdr *h, void **obj)
{
	for (void **o = h->free; o; o = o[0])
		if (o == obj)
			return true;
	return false;
}

/* A slab page just became empty: keep it cached or give it back. */
static void heap_slab_emptied(int c, struct page_hdr *h)
{
	if (empty_pages[c] == 0 && cached_total < MAX_CACHED) {
		empty_pages[c]++;
		cached_total++;
		return;
	}
	heap_list_del(c, h);
	h->magic = 0;
	heap_pages_free(h, 1);
}

static void heap_free_slab_obj(struct page_hdr *h, void **obj)
{
	if (obj[1] == (void *)(uintptr_t)FREE_MAGIC && heap_on_free_list(h, obj)) {
		kprintf("heap: double kfree of %p ignored\n", (void *)obj);
		return;
	}
	int c = heap_class_of(h->size);
	if (!h->free)
		heap_list_add(c, h);
	heap_push_free(h, obj);
	in_use -= h->size;
	if (--h->inuse == 0)
		heap_slab_emptied(c, h);
}

/* Free a kmalloc'd pointer. NULL is fine; a bad pointer or double free is logged and ignored. */
void kfree(void *p)
{
	if (!p)
		return;
	struct page_hdr *h = (struct page_hdr *)((uintptr_t)p & ~(uintptr_t)(HEAP_PAGE - 1));
	uintptr_t off = (uintptr_t)p - (uintptr_t)h;
	if (h->magic == MAGIC_BIG && off == HDR) {
		in_use -= (size_t)h->size * HEAP_PAGE;
		h->magic = 0;
		heap_pages_free(h, h->size);
		return;
	}
	if (h->magic != MAGIC_SLAB || off < HDR || off % h->size) {
		kprintf("heap: kfree of bad pointer %p ignored\n", p);
		return;
	}
	heap_free_slab_obj(h, p);
}

/* Bytes handed out and not yet freed (slab objects count their class size). */
size_t heap_bytes_in_use(void) { return in_use; }
