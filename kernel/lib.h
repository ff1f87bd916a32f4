/* The kernel's small C library: memory and string functions, formatted
 * printing into buffers (C99 snprintf semantics: returns the full length,
 * always NUL-terminates when n > 0), and declarations of the kernel log.
 * No locking: every function here is reentrant. */
#ifndef LIB_H
#define LIB_H
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* a must be a power of two. */
#define ALIGN_UP(x, a) (((x) + ((a)-1)) & ~((__typeof__(x))(a)-1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a)-1))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

/* Under HOST_TEST the kernel's versions are built as klib_memcpy etc., so a
 * host test can compare them with the C library without a name clash. */
#ifdef HOST_TEST
#define KLIB(name) klib_##name
#else
#define KLIB(name) name
#endif

void *KLIB(memcpy)(void *dst, const void *src, size_t n);
void *KLIB(memmove)(void *dst, const void *src, size_t n);
void *KLIB(memset)(void *dst, int c, size_t n);
int KLIB(memcmp)(const void *a, const void *b, size_t n);
size_t KLIB(strlen)(const char *s);
size_t KLIB(strnlen)(const char *s, size_t max);
int KLIB(strcmp)(const char *a, const char *b);
int KLIB(strncmp)(const char *a, const char *b, size_t n);
char *KLIB(strchr)(const char *s, int c);
char *KLIB(strrchr)(const char *s, int c);
size_t KLIB(strlcpy)(char *dst, const char *src, size_t size);

/* printf into buf: %d %i %u %x %X %p %s %c %% with flags - 0 # + space,
 * width and precision (numbers or *), and length h hh l ll z j t. */
int kvsnprintf(char *buf, size_t n, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Defined by the kernel proper (log.c) or by a host test's stubs. */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#endif
