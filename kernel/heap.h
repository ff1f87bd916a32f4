/* Kernel heap: kmalloc/kfree over pages from the frame allocator. */
#ifndef HEAP_H
#define HEAP_H
#include <stddef.h>

void *kmalloc(size_t size);
void *kzalloc(size_t size);
void kfree(void *p);
size_t heap_bytes_in_use(void);
/* Page source, provided by the kernel (main.c) or a host test. */
void *heap_pages_alloc(size_t n);
void heap_pages_free(void *p, size_t n);
#endif
