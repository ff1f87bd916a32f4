/* Kernel heap. Requests up to 2048 bytes come from slab pages of one size
 * class (16, 32, ... 2048); larger ones get their own run of pages. Every
 * page run starts with a 64-byte header, so kfree finds it by rounding the
 * pointer down to its page. A slab page goes back to the frame allocator as
 * soon as its last object is freed, so frame counts return exactly to where
 * they were (leak tests rely on it). Invariant: a slab page is on its
 * class's list iff it has a free object. */
#include "heap.h"
#include "lib.h"

#define HEAP_PAGE 4096
#define HDR 64
#define MAGIC_SLAB 0x51ab51abu
#define MAGIC_BIG 0xb16b16b1u
#define NCLASSES 8 /* 16 .. 2048 */

struct page_hdr {
	uint32_t magic;
	uint32_t size;  /* object size, or page count for a big run */
	uint32_t inuse; /* objects handed out */
	uint32_t pad;
	void *free;     /* free objects of this page, linked through their first word */
	struct page_hdr *next, *prev;
};
_Static_assert(sizeof(struct page_hdr) <= HDR, "page header fits");

static struct page_hdr *partial[NCLASSES];
static size_t in_use;

static int class_of(size_t size)
{
	int c = 0;
	for (size_t s = 16; s < size; s <<= 1)
		c++;
	return c;
}

static void list_add(int c, struct page_hdr *h)
{
	h->prev = 0;
	h->next = partial[c];
	if (h->next)
		h->next->prev = h;
	partial[c] = h;
}

static void list_del(int c, struct page_hdr *h)
{
	if (h->prev)
		h->prev->next = h->next;
	else
		partial[c] = h->next;
	if (h->next)
		h->next->prev = h->prev;
	h->next = h->prev = 0;
}

static struct page_hdr *new_slab(int c)
{
	struct page_hdr *h = heap_pages_alloc(1);
	if (!h)
		return 0;
	uint32_t size = 16u << c;
	h->magic = MAGIC_SLAB;
	h->size = size;
	h->inuse = 0;
	h->free = 0;
	for (uint32_t off = HEAP_PAGE - size; off >= HDR; off -= size) {
		void **obj = (void **)((char *)h + off);
		*obj = h->free;
		h->free = obj;
	}
	list_add(c, h);
	return h;
}

/* Allocate size bytes, 16-byte aligned; NULL when out of memory. */
void *kmalloc(size_t size)
{
	if (size == 0)
		size = 1;
	if (size > 2048) {
		if (size > (1ULL << 32))
			return 0;
		size_t pages = (size + HDR + HEAP_PAGE - 1) / HEAP_PAGE;
		struct page_hdr *h = heap_pages_alloc(pages);
		if (!h)
			return 0;
		h->magic = MAGIC_BIG;
		h->size = (uint32_t)pages;
		in_use += pages * HEAP_PAGE;
		return (char *)h + HDR;
	}
	int c = class_of(size);
	struct page_hdr *h = partial[c] ? partial[c] : new_slab(c);
	if (!h)
		return 0;
	void **obj = h->free;
	h->free = *obj;
	h->inuse++;
	if (!h->free)
		list_del(c, h);
	in_use += h->size;
	return obj;
}

/* kmalloc and zero. */
void *kzalloc(size_t size)
{
	void *p = kmalloc(size);
	if (p)
		memset(p, 0, size);
	return p;
}

/* Free a kmalloc'd pointer (NULL is fine; a bad pointer is logged). */
void kfree(void *p)
{
	if (!p)
		return;
	struct page_hdr *h = (struct page_hdr *)((uintptr_t)p & ~(uintptr_t)(HEAP_PAGE - 1));
	if (h->magic == MAGIC_BIG && (char *)p == (char *)h + HDR) {
		in_use -= (size_t)h->size * HEAP_PAGE;
		h->magic = 0;
		heap_pages_free(h, h->size);
		return;
	}
	uintptr_t off = (uintptr_t)p - (uintptr_t)h;
	if (h->magic != MAGIC_SLAB || off < HDR || off % h->size) {
		kprintf("heap: kfree of bad pointer %p ignored\n", p);
		return;
	}
	int c = class_of(h->size);
	if (!h->free)
		list_add(c, h);
	*(void **)p = h->free;
	h->free = p;
	h->inuse--;
	in_use -= h->size;
	if (h->inuse == 0) {
		list_del(c, h);
		h->magic = 0;
		heap_pages_free(h, 1);
	}
}

/* Bytes handed out and not yet freed. */
size_t heap_bytes_in_use(void) { return in_use; }
