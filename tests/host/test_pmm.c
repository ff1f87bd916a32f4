/* Host unit test for kernel/pmm.c (unity build): a fake 64 MiB machine with
 * holes, checked for counts, exhaustion and refill, contiguous runs, frame 0,
 * double and unaligned frees, and reserves that overlap regions. */
#define TAP_KERNEL_STUBS
#include "tap.h"
#include "../../kernel/pmm.c"

#define MB (1ULL << 20)
#define PHYS_END (64 * MB)

static uint64_t bits[2 * ((PHYS_END / PAGE_SIZE + 63) / 64)];
static unsigned char owner[PHYS_END / PAGE_SIZE]; /* 1 while our test holds the frame */

/* RAM: [0, 640K) and [1M, 32M) and [33M + 100, 64M - 1) (unaligned ends). */
static void setup(void)
{
	CHECK_EQ(pmm_bitmap_bytes(PHYS_END), sizeof(bits));
	pmm_init(bits, PHYS_END);
	CHECK_EQ(pmm_free_count(), 0);
	pmm_add_region(0, 640 * 1024);
	pmm_add_region(1 * MB, 31 * MB);
	pmm_add_region(33 * MB + 100, 31 * MB - 101);
	memset(owner, 0, sizeof(owner));
}

static size_t expected_frames(void)
{
	/* 160 frames minus frame 0, 31M/4K, and (33M+4K .. 64M-4K). */
	return 159 + 31 * 256 + (31 * 256 - 2);
}

TEST(init_with_holes)
{
	setup();
	CHECK_EQ(pmm_total_count(), expected_frames());
	CHECK_EQ(pmm_free_count(), expected_frames());
	pmm_add_region(1 * MB, 4096); /* adding again changes nothing */
	CHECK_EQ(pmm_total_count(), expected_frames());
}

TEST(alloc_all_then_free_all)
{
	setup();
	size_t n = pmm_free_count(), got = 0;
	uint64_t pa;
	static uint64_t frames[PHYS_END / PAGE_SIZE];
	while ((pa = pmm_alloc()) != 0) {
		CHECK_EQ(pa % PAGE_SIZE, 0);
		CHECK(pa < PHYS_END);
		bool in_ram = (pa < 640 * 1024) || (pa >= MB && pa < 32 * MB) ||
		              (pa >= 33 * MB + 4096 && pa < 64 * MB - 4096);
		CHECK(in_ram);
		CHECK(!owner[pa / PAGE_SIZE]);
		owner[pa / PAGE_SIZE] = 1;
		frames[got++] = pa;
	}
	CHECK_EQ(got, n);
	CHECK_EQ(pmm_free_count(), 0);
	CHECK_EQ(pmm_alloc_contig(2), 0);
	for (size_t i = 0; i < got; i++)
		pmm_free(frames[got - 1 - i]);
	CHECK_EQ(pmm_free_count(), n);
	/* and it all comes back a second time, in a different free order */
	for (got = 0; (pa = pmm_alloc()) != 0;)
		frames[got++] = pa;
	CHECK_EQ(got, n);
	for (size_t i = 0; i < got; i++)
		pmm_free(frames[i]);
	CHECK_EQ(pmm_free_count(), n);
}

TEST(frame_zero_never_returned)
{
	pmm_init(bits, 1 * MB);
	pmm_add_region(0, 1 * MB);
	CHECK_EQ(pmm_total_count(), 255);
	uint64_t pa;
	int n = 0;
	while ((pa = pmm_alloc()) != 0) {
		CHECK(pa != 0);
		n++;
	}
	CHECK_EQ(n, 255);
	int logs = tap_log_count;
	pmm_free(0);
	CHECK_EQ(tap_log_count, logs + 1);
	CHECK_EQ(pmm_free_count(), 0);
}

TEST(contig_alloc)
{
	setup();
	size_t before = pmm_free_count();
	uint64_t a = pmm_alloc_contig(16);
	CHECK(a != 0);
	CHECK_EQ(pmm_free_count(), before - 16);
	uint64_t b = pmm_alloc_contig(300); /* must not straddle the 640K..1M hole */
	CHECK(b >= MB);
	CHECK(b + 300 * PAGE_SIZE <= 32 * MB);
	CHECK(a + 16 * PAGE_SIZE <= b || b + 300 * PAGE_SIZE <= a);
	/* single allocations do not land inside the runs */
	uint64_t s = pmm_alloc();
	CHECK(s < a || s >= a + 16 * PAGE_SIZE);
	CHECK(s < b || s >= b + 300 * PAGE_SIZE);
	pmm_free(s);
	CHECK_EQ(pmm_alloc_contig(40 * 256), 0); /* 40 MiB: no run that long */
	CHECK_EQ(pmm_alloc_contig(0), 0);
	pmm_free_contig(a, 16);
	pmm_free_contig(b, 300);
	CHECK_EQ(pmm_free_count(), before);
	uint64_t c = pmm_alloc_contig(31 * 256); /* exactly the 1M..32M region */
	CHECK_EQ(c, MB);
	CHECK_EQ(pmm_alloc_contig(31 * 256 - 2), 33 * MB + 4096); /* exactly the top one */
	CHECK_EQ(pmm_alloc_contig(1), PAGE_SIZE);
	pmm_free_contig(c, 31 * 256);
	pmm_free_contig(33 * MB + 4096, 31 * 256 - 2);
	pmm_free(PAGE_SIZE);
	CHECK_EQ(pmm_free_count(), before);
}

TEST(bad_frees_rejected)
{
	setup();
	size_t before = pmm_free_count();
	uint64_t pa = pmm_alloc();
	pmm_free(pa);
	int logs = tap_log_count;
	pmm_free(pa); /* double free */
	CHECK_EQ(tap_log_count, logs + 1);
	pmm_free(pa + 8); /* unaligned */
	CHECK_EQ(tap_log_count, logs + 2);
	pmm_free(PHYS_END + PAGE_SIZE); /* past the end */
	CHECK_EQ(tap_log_count, logs + 3);
	pmm_free(700 * 1024); /* in a hole: never RAM */
	CHECK_EQ(tap_log_count, logs + 4);
	pmm_reserve(2 * MB, PAGE_SIZE);
	pmm_free(2 * MB); /* reserved: not the allocator's to free */
	CHECK_EQ(tap_log_count, logs + 5);
	CHECK_EQ(pmm_free_count(), before - 1);
}

TEST(reserve_overlapping)
{
	setup();
	size_t before = pmm_free_count();
	pmm_reserve(MB - 4096, 3 * PAGE_SIZE); /* one hole frame, two RAM frames */
	CHECK_EQ(pmm_free_count(), before - 2);
	pmm_reserve(MB + 100, 10); /* rounds outward: frame already reserved */
	CHECK_EQ(pmm_free_count(), before - 2);
	pmm_reserve(MB + 2 * PAGE_SIZE + 1, PAGE_SIZE); /* touches two frames */
	CHECK_EQ(pmm_free_count(), before - 4);
	pmm_reserve(31 * MB, 3 * MB); /* straddles the 32M..33M hole */
	CHECK_EQ(pmm_free_count(), before - 4 - 256 - 255);
	pmm_reserve(60 * MB, ~0ULL); /* wraps: clamped */
	CHECK_EQ(pmm_free_count(), before - 4 - 511 - (4 * 256 - 1));
	CHECK_EQ(pmm_total_count(), pmm_free_count());
	pmm_reserve(0, 0);
	uint64_t pa;
	while ((pa = pmm_alloc()) != 0) {
		CHECK(!(pa >= MB && pa < MB + 4 * PAGE_SIZE));
		CHECK(!(pa >= 31 * MB && pa < 34 * MB));
		CHECK(pa < 60 * MB);
	}
}

TEST(hint_reuses_freed_low_frame)
{
	setup();
	uint64_t a = pmm_alloc(), b = pmm_alloc();
	CHECK_EQ(a, PAGE_SIZE);
	CHECK_EQ(b, 2 * PAGE_SIZE);
	pmm_free(a);
	CHECK_EQ(pmm_alloc(), a);
}

int main(void) { return tap_main(); }
