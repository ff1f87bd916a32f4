/* The one checked path between kernel and user memory. Every user pointer
 * a syscall receives goes through these: a range that is not entirely below
 * USER_TOP, wraps, or touches an unmapped page gives -EFAULT. */
#ifndef UACCESS_H
#define UACCESS_H
#include <stddef.h>
#include <stdint.h>

long uaccess_copy(void *dst, const void *src, size_t n);
long uaccess_strncpy(char *dst, const char *src, size_t max);
int copy_from_user(void *dst, uint64_t usrc, size_t n);
int copy_to_user(uint64_t udst, const void *src, size_t n);
long copy_string_from_user(char *dst, uint64_t usrc, size_t max);
int user_range_ok(uint64_t addr, size_t n);
#endif
