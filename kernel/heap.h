/* Kernel heap: kmalloc/kfree over pages from a page source. Pointers are
 * 16-byte aligned; bad frees are logged, not fatal. */
#ifndef HEAP_H
#define HEAP_H
#include <stddef.h>

/* size bytes, 16-byte aligned, or NULL. */
void *kmalloc(size_t size);
/* kmalloc, zeroed. */
void *kzalloc(size_t size);
/* Free; NULL is ignored, a bad pointer or double free is logged. */
void kfree(void *p);
/* Bytes currently handed out. */
size_t heap_bytes_in_use(void);
/* Page source, provided by the kernel (main.c) or a host test: n contiguous
 * pages (virtual address) or NULL; and their release. */
void *heap_pages_alloc(size_t n);
void heap_pages_free(void *p, size_t n);
#endif
