/* Host unit test for kernel/heap.c (unity build). The page hooks hand out
 * aligned_alloc pages and count them, so tests can see pages come back.
 * Covers sizes, alignment, reuse, bad and double frees, a random stress run
 * with content checks, and heap_bytes_in_use returning to 0. */
#define TAP_KERNEL_STUBS
#include "tap.h"
#include <stdint.h>
#include "../../kernel/heap.c"

static long pages_out; /* pages handed to the heap and not returned */

void *heap_pages_alloc(size_t n)
{
	void *p = aligned_alloc(HEAP_PAGE, n * HEAP_PAGE);
	if (p) {
		memset(p, 0, n * HEAP_PAGE);
		pages_out += (long)n;
	}
	return p;
}

void heap_pages_free(void *p, size_t n)
{
	pages_out -= (long)n;
	free(p);
}

TEST(sizes_and_alignment)
{
	static const size_t sizes[] = {0,    1,    8,    15,   16,   17,    31,    32,
	                               33,   64,   100,  127,  128,  129,   255,   256,
	                               500,  512,  513,  1000, 1024, 1025,  2000,  2047,
	                               2048, 2049, 4000, 4096, 5000, 40000, 100000};
	void *p[ARRAY_SIZE(sizes)];
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		p[i] = kmalloc(sizes[i]);
		CHECK(p[i] != NULL);
		CHECK_EQ((uintptr_t)p[i] % 16, 0);
		memset(p[i], (int)i, sizes[i]);
	}
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		for (size_t j = 0; j < sizes[i]; j++)
			if (((unsigned char *)p[i])[j] != (unsigned char)i) {
				CHECK(!"content intact");
				break;
			}
		kfree(p[i]);
	}
	CHECK_EQ(heap_bytes_in_use(), 0);
	CHECK(pages_out <= MAX_CACHED);
}

TEST(kzalloc_zeroes_reused_memory)
{
	unsigned char *a = kmalloc(200);
	memset(a, 0xaa, 200);
	kfree(a);
	unsigned char *b = kzalloc(200);
	CHECK(b != NULL);
	int nonzero = 0;
	for (int i = 0; i < 200; i++)
		nonzero += b[i] != 0;
	CHECK_EQ(nonzero, 0);
	kfree(b);
	CHECK_EQ(heap_bytes_in_use(), 0);
}

TEST(free_and_reuse)
{
	void *a = kmalloc(48);
	void *keep = kmalloc(48);
	kfree(a);
	void *b = kmalloc(64); /* same class: gets the freed slot back */
	CHECK_EQ(b, a);
	kfree(b);
	kfree(keep);
	kfree(NULL);
	CHECK_EQ(heap_bytes_in_use(), 0);
}

TEST(bytes_in_use_counts_classes)
{
	void *a = kmalloc(10), *b = kmalloc(300), *c = kmalloc(5000);
	CHECK_EQ(heap_bytes_in_use(), 16 + 512 + 2 * 4096);
	kfree(b);
	CHECK_EQ(heap_bytes_in_use(), 16 + 2 * 4096);
	kfree(c);
	kfree(a);
	CHECK_EQ(heap_bytes_in_use(), 0);
}

TEST(double_free_and_bad_pointer_logged)
{
	char *keep = kmalloc(32), *a = kmalloc(32);
	size_t in_use = heap_bytes_in_use();
	kfree(a);
	int logs = tap_log_count;
	kfree(a);
	CHECK_EQ(tap_log_count, logs + 1);
	CHECK(strstr(tap_last_log, "double") != NULL);
	CHECK_EQ(heap_bytes_in_use(), in_use - 32);
	kfree(keep + 8); /* not the start of an object */
	CHECK_EQ(tap_log_count, logs + 2);
	char *big = kmalloc(10000);
	kfree(big + 16); /* inside a big run */
	CHECK_EQ(tap_log_count, logs + 3);
	/* the free list is still sound: two allocations get two distinct slots */
	char *x = kmalloc(32), *y = kmalloc(32);
	CHECK(x != y && x != keep && y != keep);
	kfree(x);
	kfree(y);
	kfree(keep);
	kfree(big);
	CHECK_EQ(heap_bytes_in_use(), 0);
}

TEST(data_that_looks_free_is_not_a_double_free)
{
	uint64_t *a = kmalloc(32);
	a[0] = 0;
	a[1] = FREE_MAGIC;
	int logs = tap_log_count;
	kfree(a);
	CHECK_EQ(tap_log_count, logs);
	CHECK_EQ(heap_bytes_in_use(), 0);
}

TEST(empty_pages_go_back)
{
	long before = pages_out;
	void *p[1000];
	for (int i = 0; i < 1000; i++)
		p[i] = kmalloc(64); /* about 17 pages of 64-byte objects */
	CHECK(pages_out >= before + 16);
	for (int i = 0; i < 1000; i++)
		kfree(p[i]);
	CHECK(pages_out <= MAX_CACHED);
	CHECK_EQ(heap_bytes_in_use(), 0);
	/* a hot alloc/free loop does not churn pages */
	long steady = pages_out;
	for (int i = 0; i < 100; i++)
		kfree(kmalloc(64));
	CHECK(pages_out <= steady + 1);
}

static uint32_t rng = 12345;
static uint32_t next_rand(void)
{
	rng = rng * 1103515245u + 12345u;
	return rng >> 8;
}

TEST(random_stress_with_content_checks)
{
	enum { SLOTS = 512, ROUNDS = 20000 };
	static unsigned char *ptr[SLOTS];
	static size_t len[SLOTS];
	int bad = 0;
	for (int r = 0; r < ROUNDS; r++) {
		int i = (int)(next_rand() % SLOTS);
		if (ptr[i]) {
			for (size_t j = 0; j < len[i]; j++)
				bad += ptr[i][j] != (unsigned char)(i ^ j);
			kfree(ptr[i]);
			ptr[i] = NULL;
			continue;
		}
		uint32_t k = next_rand();
		len[i] = k % 8 == 0 ? k % 20000 : k % 2100;
		ptr[i] = kmalloc(len[i]);
		CHECK(ptr[i] != NULL);
		CHECK_EQ((uintptr_t)ptr[i] % 16, 0);
		for (size_t j = 0; j < len[i]; j++)
			ptr[i][j] = (unsigned char)(i ^ j);
	}
	for (int i = 0; i < SLOTS; i++)
		kfree(ptr[i]);
	CHECK_EQ(bad, 0);
	CHECK_EQ(heap_bytes_in_use(), 0);
	CHECK(pages_out <= MAX_CACHED);
}

TEST(out_of_memory)
{
	CHECK(kmalloc((size_t)1 << 40) == NULL);
	CHECK(kmalloc(SIZE_MAX) == NULL);
	CHECK_EQ(heap_bytes_in_use(), 0);
}

int main(void) { return tap_main(); }
