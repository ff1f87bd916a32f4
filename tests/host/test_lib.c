/* Host unit test for kernel/lib.c (unity build). Under HOST_TEST the kernel's
 * mem/str functions are klib_*, so each is compared with the C library's;
 * kvsnprintf is compared with snprintf over many formats and buffer sizes. */
#define TAP_KERNEL_STUBS
#include "tap.h"
#include <limits.h>
#include <stdint.h>
#include "../../kernel/lib.c"

/* Compare ksnprintf with snprintf for one format, at full size and truncated. */
#define SAME(...)                                                                                  \
	do {                                                                                       \
		char tap_k[256], tap_l[256];                                                       \
		int tap_rk = ksnprintf(tap_k, sizeof(tap_k), __VA_ARGS__);                         \
		int tap_rl = snprintf(tap_l, sizeof(tap_l), __VA_ARGS__);                          \
		CHECK_EQ(tap_rk, tap_rl);                                                          \
		CHECK_STR_EQ(tap_k, tap_l);                                                        \
		for (volatile size_t tap_n = 0; tap_n < 6; tap_n++) {                              \
			memset(tap_k, 'Z', sizeof(tap_k));                                         \
			memset(tap_l, 'Z', sizeof(tap_l));                                         \
			CHECK_EQ(ksnprintf(tap_k, tap_n, __VA_ARGS__), tap_rl);                    \
			snprintf(tap_l, tap_n, __VA_ARGS__);                                       \
			CHECK(memcmp(tap_k, tap_l, sizeof(tap_k)) == 0);                           \
		}                                                                                  \
	} while (0)

TEST(format_integers)
{
	SAME("%d %i %d %d", 0, 42, -42, INT_MIN);
	SAME("%u %u", 0u, UINT_MAX);
	SAME("%x %X %x", 0xdeadbeefu, 0xdeadbeefu, 0u);
	SAME("%ld %lu %lx", LONG_MIN, ULONG_MAX, 0x123456789abcdefUL);
	SAME("%lld %llu %llx %llX", LLONG_MIN, ULLONG_MAX, 0xfedcba9876543210ULL, 0xabcULL);
	SAME("%zu %zd %zx", (size_t)SIZE_MAX, (ssize_t)-5, (size_t)4096);
	/* octal (/proc's Umask): once an unknown conversion that took no
	 * argument, so the next %s printed the mode as a pointer */
	SAME("%o %04o %#o %#o %lo [%s]", 022u, 022u, 0755u, 0u, 01777777UL, "after");
	SAME("%hd %hu %hhd %hhu", (short)-3, (unsigned short)65535, (signed char)-1,
	     (unsigned char)255);
}

TEST(format_width_and_flags)
{
	SAME("[%5d] [%-5d] [%05d]", 42, 42, 42);
	SAME("[%5d] [%05d] [%-6d] [%06d]", -42, -42, -42, -42);
	SAME("[%8x] [%08x] [%-8x] [%#x] [%#08x] [%#X] [%#x]", 0xbeefu, 0xbeefu, 0xbeefu, 0xbeefu,
	     0xbeefu, 0xbeefu, 0u);
	SAME("[%016lx] [%20llu] [%-20lld|]", 0x1234UL, 12345ULL, -12345LL);
	SAME("[%+d] [% d] [%+d] [% 5d]", 5, 5, -5, 5);
	SAME("[%.3d] [%.0d] [%5.3d] [%-5.3d] [%.0x]", 7, 0, -7, 7, 0u);
	/* flag mixes gcc warns about: formats passed through a variable */
	static const char *const odd[] = {"[%-05d]", "[%05.3d]", "[%-08x]", "[%08.2x]"};
	for (size_t i = 0; i < ARRAY_SIZE(odd); i++) {
		const char *volatile f = odd[i];
		SAME(f, 42);
	}
	SAME("[%*d] [%-*d] [%*d] [%.*d]", 6, 1, 6, 1, -6, 1, 3, 1);
	SAME("[%1d] [%2d]", 12345, 123);
}

TEST(format_strings_and_chars)
{
	SAME("[%s] [%10s] [%-10s] [%.3s] [%10.2s] [%.*s]", "hello", "hello", "hello", "hello",
	     "hello", 2, "hello");
	SAME("[%s]", "");
	SAME("[%c] [%3c] [%-3c] [%c]", 'a', 'b', 'c', 0x7f);
	SAME("100%% [%5s%%]", "x");
	SAME("no conversions at all");
	SAME("%s", "a somewhat longer string that is truncated by the small buffer sizes");
	const char *volatile null_str = NULL;
	char buf[32];
	ksnprintf(buf, sizeof(buf), "%s", null_str);
	CHECK_STR_EQ(buf, "(null)");
}

TEST(format_pointer_is_0x_and_16_digits)
{
	char buf[64];
	CHECK_EQ(ksnprintf(buf, sizeof(buf), "%p", (void *)0x1234), 18);
	CHECK_STR_EQ(buf, "0x0000000000001234");
	ksnprintf(buf, sizeof(buf), "%p", (void *)0);
	CHECK_STR_EQ(buf, "0x0000000000000000");
	ksnprintf(buf, sizeof(buf), "[%p]", (void *)0xffffffff80001000ULL);
	CHECK_STR_EQ(buf, "[0xffffffff80001000]");
	ksnprintf(buf, sizeof(buf), "[%20p|%-20p]", (void *)1, (void *)1);
	CHECK_STR_EQ(buf, "[  0x0000000000000001|0x0000000000000001  ]");
}

TEST(format_return_and_termination)
{
	char buf[8];
	memset(buf, 'Z', sizeof(buf));
	CHECK_EQ(ksnprintf(buf, 0, "%d", 123456), 6);
	CHECK_EQ(buf[0], 'Z'); /* n == 0 writes nothing */
	CHECK_EQ(ksnprintf(buf, 1, "%d", 123456), 6);
	CHECK_EQ(buf[0], 0);
	CHECK_EQ(ksnprintf(buf, sizeof(buf), "%s", "0123456789"), 10);
	CHECK_STR_EQ(buf, "0123456");
	CHECK_EQ(ksnprintf(NULL, 0, "%s-%d", "ab", 7), 4);
}

TEST(mem_functions)
{
	unsigned char a[300], b[300], c[300];
	for (int i = 0; i < 300; i++)
		a[i] = (unsigned char)(i * 7 + 3);
	for (size_t n = 0; n < 40; n++)
		for (size_t off = 0; off < 9; off++) {
			memset(b, 0, sizeof(b));
			CHECK(klib_memcpy(b + off, a, n) == b + off);
			CHECK(memcmp(b + off, a, n) == 0);
			CHECK_EQ(b[off + n], 0);
		}
	CHECK(klib_memset(c, 0xab, 257) == c);
	c[257] = 1;
	for (int i = 0; i < 257; i++)
		CHECK_EQ(c[i], 0xab);
	CHECK_EQ(c[257], 1);
	klib_memset(c, 0x1ff, 3); /* the value is converted to unsigned char */
	CHECK_EQ(c[0], 0xff);
	/* memmove both ways across overlaps, against libc */
	for (size_t n = 0; n < 64; n++)
		for (int shift = -9; shift <= 9; shift++) {
			memcpy(b, a, sizeof(b));
			memcpy(c, a, sizeof(c));
			CHECK(klib_memmove(b + 100 + shift, b + 100, n) == b + 100 + shift);
			memmove(c + 100 + shift, c + 100, n);
			CHECK(memcmp(b, c, sizeof(b)) == 0);
		}
	CHECK_EQ(klib_memcmp("abc", "abd", 3) < 0, 1);
	CHECK_EQ(klib_memcmp("abd", "abc", 3) > 0, 1);
	CHECK_EQ(klib_memcmp("ab\xff", "ab\x01", 3) > 0, 1); /* unsigned compare */
	CHECK_EQ(klib_memcmp("abc", "abd", 2), 0);
	CHECK_EQ(klib_memcmp("x", "y", 0), 0);
}

static int sign(int v) { return (v > 0) - (v < 0); }

TEST(string_functions)
{
	static const char *strs[] = {"", "a", "ab", "abc", "abd", "b", "\xff", "abcdef"};
	for (size_t i = 0; i < ARRAY_SIZE(strs); i++) {
		CHECK_EQ(klib_strlen(strs[i]), strlen(strs[i]));
		for (size_t m = 0; m < 5; m++)
			CHECK_EQ(klib_strnlen(strs[i], m), strnlen(strs[i], m));
		for (size_t j = 0; j < ARRAY_SIZE(strs); j++) {
			CHECK_EQ(sign(klib_strcmp(strs[i], strs[j])),
			         sign(strcmp(strs[i], strs[j])));
			for (size_t n = 0; n < 5; n++)
				CHECK_EQ(sign(klib_strncmp(strs[i], strs[j], n)),
				         sign(strncmp(strs[i], strs[j], n)));
		}
	}
	const char *s = "hello/world/x";
	CHECK(klib_strchr(s, 'o') == strchr(s, 'o'));
	CHECK(klib_strchr(s, 0) == s + strlen(s));
	CHECK(klib_strchr(s, 'q') == NULL);
	CHECK(klib_strrchr(s, '/') == strrchr(s, '/'));
	CHECK(klib_strrchr(s, 'q') == NULL);
	CHECK(klib_strrchr(s, 0) == s + strlen(s));
}

TEST(strlcpy_truncates_and_returns_source_length)
{
	char buf[8];
	CHECK_EQ(klib_strlcpy(buf, "hi", sizeof(buf)), 2);
	CHECK_STR_EQ(buf, "hi");
	CHECK_EQ(klib_strlcpy(buf, "0123456789", sizeof(buf)), 10);
	CHECK_STR_EQ(buf, "0123456");
	memset(buf, 'Z', sizeof(buf));
	CHECK_EQ(klib_strlcpy(buf, "abc", 0), 3);
	CHECK_EQ(buf[0], 'Z');
	CHECK_EQ(klib_strlcpy(buf, "abc", 1), 3);
	CHECK_EQ(buf[0], 0);
}

TEST(align_and_minmax_macros)
{
	CHECK_EQ(ALIGN_UP(0x1001ULL, 0x1000), 0x2000);
	CHECK_EQ(ALIGN_UP(0x1000ULL, 0x1000), 0x1000);
	CHECK_EQ(ALIGN_DOWN(0x1fffULL, 0x1000), 0x1000);
	CHECK_EQ(ALIGN_UP((uint32_t)5, 4), 8);
	int arr[7];
	CHECK_EQ(ARRAY_SIZE(arr), 7);
	CHECK_EQ(MIN(3, -4), -4);
	CHECK_EQ(MAX(3, -4), 3);
}

int main(void) { return tap_main(); }
