/* What the boot path learned about the machine, for the rest of the kernel. */
#ifndef BOOT_INFO_H
#define BOOT_INFO_H
#include <stddef.h>
#include <stdint.h>

struct boot_module {
	const void *data; /* in the direct map */
	size_t size;
	const char *name;
};

#define MAX_BOOT_MODULES 8
extern struct boot_module boot_modules[MAX_BOOT_MODULES];
extern int boot_module_count;
extern uint64_t boot_phys_end;

void boot_memory_init(uint32_t magic, uint64_t info_pa);
#endif
