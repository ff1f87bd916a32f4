/* Reads the Multiboot information: the memory map becomes the frame
 * allocator's regions, modules are recorded for the filesystem. Anything
 * malformed (no map, holes, overlapping modules, absurd sizes) is logged and
 * replaced by a sane default rather than trusted. Only the first 4 GiB are
 * used: that is what the boot page tables map. */
#include "kernel.h"
#include "boot_info.h"
#include "arch.h"
#include "lib.h"
#include "multiboot.h"
#include "pmm.h"

#define PHYS_LIMIT (4ULL << 30)

struct boot_module boot_modules[MAX_BOOT_MODULES];
int boot_module_count;
uint64_t boot_phys_end;
static char module_names[MAX_BOOT_MODULES][64];
static char boot_cmdline[512];

extern char _kernel_start[], _kernel_end[];

const char *boot_cmdline_text(void) { return boot_cmdline; }

/* Highest usable address below PHYS_LIMIT, or 0 if the map is unusable. */
static uint64_t boot_map_end(const struct mb_info *mb)
{
	uint64_t end = 0;
	if (!(mb->flags & MB_INFO_MMAP))
		return 0;
	for (uint64_t off = 0; off + 4 <= mb->mmap_length;) {
		const struct mb_mmap_entry *e = P2V(mb->mmap_addr + off);
		if (e->type == 1 && e->len && e->addr < PHYS_LIMIT)
			end = MAX(end, MIN(e->addr + e->len, PHYS_LIMIT));
		if (e->type == 1 && e->addr + e->len > PHYS_LIMIT)
			kprintf(
			    "boot: RAM above 4 GiB is not used (the boot page tables map 4 GiB)\n");
		off += e->size + 4;
	}
	return end;
}

static void boot_record_modules(const struct mb_info *mb)
{
	if (!(mb->flags & MB_INFO_MODS))
		return;
	const struct mb_module *m = P2V(mb->mods_addr);
	for (uint32_t i = 0; i < mb->mods_count; i++) {
		if (boot_module_count == MAX_BOOT_MODULES) {
			kprintf("boot: more than %d modules; ignoring the rest\n",
			        MAX_BOOT_MODULES);
			break;
		}
		if (m[i].end <= m[i].start || m[i].end > boot_phys_end) {
			kprintf("boot: module %u has a bad range %#x-%#x; ignored\n", i, m[i].start,
			        m[i].end);
			continue;
		}
		struct boot_module *bm = &boot_modules[boot_module_count++];
		bm->data = P2V(m[i].start);
		bm->size = m[i].end - m[i].start;
		if (m[i].string)
			strlcpy(module_names[i], P2V(m[i].string), sizeof module_names[i]);
		bm->name = module_names[i];
	}
}

/* Build the frame allocator from the boot information. */
void boot_memory_init(uint32_t magic, uint64_t info_pa)
{
	const struct mb_info *mb = 0;
	uint64_t reserved_end = KIMG2P(_kernel_end);

	if (magic != MULTIBOOT_BOOT_MAGIC)
		kprintf("boot: not started by a Multiboot loader (magic %#x)\n", magic);
	else
		mb = P2V(info_pa);
	if (mb && (mb->flags & MB_INFO_CMDLINE) && mb->cmdline)
		strlcpy(boot_cmdline, P2V(mb->cmdline), sizeof boot_cmdline);

	boot_phys_end = mb ? boot_map_end(mb) : 0;
	if (!boot_phys_end && mb && (mb->flags & MB_INFO_MEM))
		boot_phys_end = MIN((uint64_t)(mb->mem_upper + 1024) * 1024, PHYS_LIMIT);
	if (boot_phys_end < reserved_end + (16 << 20)) {
		kprintf("boot: no usable memory map; assuming 64 MiB\n");
		boot_phys_end = 64 << 20;
	}
	if (mb)
		boot_record_modules(mb);
	for (int i = 0; i < boot_module_count; i++)
		reserved_end = MAX(reserved_end, V2P(boot_modules[i].data) + boot_modules[i].size);

	/* Copy the usable regions out first: QEMU puts the boot information
	 * just past the modules, where the bitmap is about to go. */
	struct {
		uint64_t base, len;
	} regions[32];
	int nregions = 0;
	for (uint64_t off = 0; mb && (mb->flags & MB_INFO_MMAP) && off + 4 <= mb->mmap_length;) {
		const struct mb_mmap_entry *e = P2V(mb->mmap_addr + off);
		if (e->type == 1 && e->addr < boot_phys_end && nregions < 32) {
			regions[nregions].base = e->addr;
			regions[nregions++].len = MIN(e->len, boot_phys_end - e->addr);
		}
		off += e->size + 4;
	}

	/* The bitmap goes right after the kernel image and the modules. */
	reserved_end = ALIGN_UP(reserved_end, PAGE_SIZE);
	size_t bitmap_bytes = pmm_bitmap_bytes(boot_phys_end);
	pmm_init(P2V(reserved_end), boot_phys_end);
	reserved_end = ALIGN_UP(reserved_end + bitmap_bytes, PAGE_SIZE);

	for (int i = 0; i < nregions; i++)
		pmm_add_region(regions[i].base, regions[i].len);
	if (!nregions)
		pmm_add_region(0x100000, boot_phys_end - 0x100000);
	pmm_reserve(0, 0x100000); /* BIOS, the multiboot info, real-mode leftovers */
	pmm_reserve(KIMG2P(_kernel_start), reserved_end - KIMG2P(_kernel_start));
	kprintf("memory: %lu KiB usable, %zu frames free, %d boot module(s)\n",
	        pmm_free_count() * 4, pmm_free_count(), boot_module_count);
}
