/* Physical frame allocator. Invariants: bit f of `bitmap` is set iff frame
 * f is in use, reserved or not RAM (bits past the last frame stay set); bit f
 * of `ram` is set iff frame f was added and not reserved since (only such a
 * frame may be freed); free_count is the number of clear bits of `bitmap`,
 * total_count the number of set bits of `ram`; frame 0 is never free. `hint` is
 * the bitmap word where the next single-frame search starts; every free
 * frame lies in a word >= hint. Locking: none; the kernel is single-CPU and
 * frames are not allocated from interrupt handlers. */
#include "pmm.h"
#include "lib.h"

static uint64_t *bitmap, *ram; /* ram: second half of the caller's storage */
static size_t nframes, nwords, free_count, total_count, hint;

static bool pmm_is_used(size_t f) { return (bitmap[f / 64] >> (f % 64)) & 1; }
static void pmm_set_used(size_t f) { bitmap[f / 64] |= 1ULL << (f % 64); }
static void pmm_set_free(size_t f) { bitmap[f / 64] &= ~(1ULL << (f % 64)); }
static bool pmm_is_ram(size_t f) { return (ram[f / 64] >> (f % 64)) & 1; }
static void pmm_set_ram(size_t f, bool on)
{
	if (on)
		ram[f / 64] |= 1ULL << (f % 64);
	else
		ram[f / 64] &= ~(1ULL << (f % 64));
}

/* Bytes of storage needed for memory up to phys_end: two bitmaps of whole words. */
size_t pmm_bitmap_bytes(uint64_t phys_end)
{
	return (size_t)((phys_end / PAGE_SIZE + 63) / 64) * 8 * 2;
}

/* Take over storage (pmm_bitmap_bytes(phys_end) bytes); every frame starts used. */
void pmm_init(void *storage, uint64_t phys_end)
{
	bitmap = storage;
	nframes = (size_t)(phys_end / PAGE_SIZE);
	nwords = (nframes + 63) / 64;
	ram = bitmap + nwords;
	memset(bitmap, 0xff, nwords * 8);
	memset(ram, 0, nwords * 8);
	free_count = total_count = hint = 0;
}

/* End of [base, base+len), clamped so it cannot wrap around. */
static uint64_t pmm_range_end(uint64_t base, uint64_t len)
{
	return base + len < base ? ~0ULL : base + len;
}

/* Mark the whole frames inside [base, base+len) usable (frame 0 excepted). */
void pmm_add_region(uint64_t base, uint64_t len)
{
	uint64_t end = pmm_range_end(base, len) / PAGE_SIZE;
	uint64_t first = base / PAGE_SIZE + (base % PAGE_SIZE != 0);
	if (first == 0)
		first = 1;
	for (uint64_t f = first; f < end && f < nframes; f++) {
		if (!pmm_is_ram(
		        (size_t)f)) { /* not RAM implies used; RAM already added is left alone */
			pmm_set_ram((size_t)f, true);
			pmm_set_free((size_t)f);
			total_count++;
			free_count++;
		}
	}
	if (first < nframes && first / 64 < hint)
		hint = (size_t)(first / 64);
}

/* Mark every frame touching [base, base+len) used; it leaves the total too. */
void pmm_reserve(uint64_t base, uint64_t len)
{
	if (len == 0)
		return;
	uint64_t last = (pmm_range_end(base, len) - 1) / PAGE_SIZE;
	for (uint64_t f = base / PAGE_SIZE; f <= last && f < nframes; f++) {
		if (pmm_is_ram((size_t)f)) {
			pmm_set_ram((size_t)f, false);
			total_count--;
		}
		if (!pmm_is_used((size_t)f)) {
			pmm_set_used((size_t)f);
			free_count--;
		}
	}
}

/* Physical address of one free frame, or 0 when none is left. */
uint64_t pmm_alloc(void)
{
	if (!free_count)
		return 0;
	size_t w = hint < nwords ? hint : 0;
	for (size_t i = 0; i < nwords; i++, w = w + 1 == nwords ? 0 : w + 1) {
		if (bitmap[w] == ~0ULL)
			continue;
		size_t f = w * 64 + (size_t)__builtin_ctzll(~bitmap[w]);
		pmm_set_used(f);
		free_count--;
		hint = w;
		return (uint64_t)f * PAGE_SIZE;
	}
	return 0; /* unreachable while free_count is right */
}

/* Length of the run of free frames starting at f, stopping at n. */
static size_t pmm_free_run(size_t f, size_t n)
{
	size_t run = 0;
	while (run < n && f + run < nframes && !pmm_is_used(f + run))
		run++;
	return run;
}

/* Physical address of n contiguous free frames, or 0. First fit, skipping full words. */
uint64_t pmm_alloc_contig(size_t n)
{
	if (n == 0 || n > free_count)
		return 0;
	if (n == 1)
		return pmm_alloc();
	for (size_t f = 1; f + n <= nframes;) {
		if (f % 64 == 0 && bitmap[f / 64] == ~0ULL) {
			f += 64;
			continue;
		}
		size_t run = pmm_free_run(f, n);
		if (run == n) {
			for (size_t i = f; i < f + n; i++)
				pmm_set_used(i);
			free_count -= n;
			return (uint64_t)f * PAGE_SIZE;
		}
		f += run + 1;
	}
	return 0;
}

/* Give one frame back; a bad address or a double free is logged and ignored. */
void pmm_free(uint64_t pa)
{
	size_t f = (size_t)(pa / PAGE_SIZE);
	if ((pa & (PAGE_SIZE - 1)) || f == 0 || f >= nframes || !pmm_is_used(f) || !pmm_is_ram(f)) {
		kprintf("pmm: bad free of %#lx ignored\n", (unsigned long)pa);
		return;
	}
	pmm_set_free(f);
	free_count++;
	if (f / 64 < hint)
		hint = f / 64;
}

/* Give n contiguous frames back (each checked as by pmm_free). */
void pmm_free_contig(uint64_t pa, size_t n)
{
	for (size_t i = 0; i < n; i++)
		pmm_free(pa + i * PAGE_SIZE);
}

/* One past the highest frame number managed. */
size_t pmm_frame_limit(void) { return nframes; }

/* Frames free now. */
size_t pmm_free_count(void) { return free_count; }

/* Frames added as RAM, minus those reserved again since (each counted once). */
size_t pmm_total_count(void) { return total_count; }
