/* Shared harness for the host tests of kernel/fs (unity builds): TAP with
 * the kernel log stubs, kernel/lib.c for ksnprintf/strlcpy, the heap as
 * malloc (so ASan sees leaks and use after free), and user copies that
 * fault below FS_HOST_BAD_TOP. Tests open files with kernel_buf = false and
 * pass host pointers as "user" addresses, so the uaccess path is exercised. */
#ifndef FS_HOST_H
#define FS_HOST_H
#define TAP_KERNEL_STUBS
#include "tap.h"
#include <stdint.h>
#include "../../kernel/lib.c"
#define strlcpy klib_strlcpy /* glibc 2.36 has none; the kernel's is tested */
#include "heap.h"
#include "uaccess.h"
#include "errno.h"

#define FS_HOST_BAD_TOP 0x10000 /* "user" addresses below this fault */

static long fs_host_allocs; /* kmalloc'd blocks not yet freed */

void *kmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	fs_host_allocs += p != NULL;
	return p;
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);
	if (p)
		memset(p, 0, size);
	return p;
}

void kfree(void *p)
{
	fs_host_allocs -= p != NULL;
	free(p);
}

int copy_to_user(uint64_t udst, const void *src, size_t n)
{
	if (n && udst < FS_HOST_BAD_TOP)
		return -EFAULT;
	memcpy((void *)udst, src, n);
	return 0;
}

int copy_from_user(void *dst, uint64_t usrc, size_t n)
{
	if (n && usrc < FS_HOST_BAD_TOP)
		return -EFAULT;
	memcpy(dst, (const void *)usrc, n);
	return 0;
}

#define U(p) ((uint64_t)(uintptr_t)(p)) /* a host pointer as a "user" address */
#endif
