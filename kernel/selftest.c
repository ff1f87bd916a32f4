/* In-kernel self-tests, run when the kernel boots with test=kernel. Each
 * prints one "[TEST] PASS name" or "[TEST] FAIL name: reason" line for the
 * host runner. They exercise the pieces that exist before user space: the
 * memory map, frames, heap, page tables, timer, and the user-copy fixup. */
#include "arch.h"
#include "boot_info.h"
#include "cmdline.h"
#include "errno.h"
#include "heap.h"
#include "kernel.h"
#include "lib.h"
#include "pmm.h"
#include "uaccess.h"
#include "vm.h"

static int failures;
static const char *fail_reason;

#define EXPECT(cond)                                                                               \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fail_reason = #cond;                                                       \
			return;                                                                    \
		}                                                                                  \
	} while (0)

static void test_memory_map_sane(void)
{
	EXPECT(boot_phys_end >= (16 << 20));
	EXPECT(pmm_total_count() > 1000);
	EXPECT(pmm_free_count() > 0 && pmm_free_count() <= pmm_total_count());
	/* The frame holding the kernel image must never be free. */
	extern char _kernel_start[];
	uint64_t pa = pmm_alloc();
	EXPECT(pa != 0);
	EXPECT(pa >= 0x100000 && pa < boot_phys_end);
	EXPECT(pa != KIMG2P(_kernel_start));
	pmm_free(pa);
}

static void test_frames_alloc_all_free_all(void)
{
	size_t before = pmm_free_count();
	/* Chain the frames through their own first word: no memory needed. */
	uint64_t head = 0, n = 0, pa;
	while ((pa = pmm_alloc()) != 0) {
		*(uint64_t *)P2V(pa) = head;
		head = pa;
		n++;
	}
	EXPECT(n == before);
	EXPECT(pmm_free_count() == 0);
	while (head) {
		uint64_t next = *(uint64_t *)P2V(head);
		pmm_free(head);
		head = next;
	}
	EXPECT(pmm_free_count() == before);
}

static void test_heap_alloc_free(void)
{
	size_t frames = pmm_free_count(), bytes = heap_bytes_in_use();
	void *p[64];
	for (int i = 0; i < 64; i++) {
		p[i] = kmalloc((size_t)(i * 97 + 1));
		EXPECT(p[i] && ((uint64_t)p[i] & 15) == 0);
		memset(p[i], i, (size_t)(i * 97 + 1));
	}
	for (int i = 0; i < 64; i++) {
		EXPECT(((uint8_t *)p[i])[i * 97] == (uint8_t)i);
		kfree(p[i]);
	}
	void *big = kmalloc(40000);
	EXPECT(big);
	kfree(big);
	EXPECT(heap_bytes_in_use() == bytes);
	EXPECT(pmm_free_count() + 2 >= frames); /* a class may keep one page cached */
}

static void test_vm_map_translate_unmap(void)
{
	size_t before = pmm_free_count();
	uint64_t space = vm_create();
	EXPECT(space);
	uint64_t frame = pmm_alloc();
	EXPECT(frame);
	uint64_t va = 0x400000;
	EXPECT(vm_map(space, va, frame, PTE_W | PTE_U | PTE_OWNED) == 0);
	EXPECT(vm_translate(space, va + 0x123, 0) == frame + 0x123);
	EXPECT(vm_translate(space, va + 0x1000, 0) == 0);
	EXPECT(vm_map(space, USER_TOP, frame, PTE_U) == -EINVAL);
	*(volatile uint64_t *)P2V(frame) = 0x5eed;
	vm_activate(space);
	uint64_t seen = *(volatile uint64_t *)va;
	vm_activate(vm_kernel_space());
	EXPECT(seen == 0x5eed);
	uint64_t flags;
	EXPECT(vm_unmap(space, va, &flags) == frame && (flags & PTE_OWNED));
	EXPECT(vm_translate(space, va, 0) == 0);
	EXPECT(vm_map(space, va, frame, PTE_U | PTE_OWNED) == 0);
	vm_destroy(space); /* frees the frame, the tables and the PML4 */
	EXPECT(pmm_free_count() == before);
}

static void selftest_count_pte(uint64_t va, uint64_t *pte, void *arg)
{
	(void)va, (void)pte;
	++*(int *)arg;
}

/* Regression: clone's CLONE_CHILD_SETTID store once walked a vfork child's
 * released space (0), reading physical page 0 as a PML4. A released space
 * and non-user addresses are refused before the first table load. */
static void test_vm_released_space_never_walked(void)
{
	uint64_t flags;
	EXPECT(vm_translate(0, 0x400000, 0) == 0);
	uint64_t spare = pmm_alloc();
	EXPECT(vm_map(0, 0x400000, spare, PTE_U) == -EINVAL);
	pmm_free(spare);
	EXPECT(vm_unmap(0, 0x400000, &flags) == 0);
	EXPECT(vm_protect(0, 0x400000, PTE_U) == -ENOMEM);
	int n = 0;
	vm_each_pte(0, 0, USER_TOP, selftest_count_pte, &n);
	EXPECT(n == 0);
	uint64_t space = vm_create(), frame = pmm_alloc(), before = pmm_free_count();
	EXPECT(vm_translate(space, KERNEL_VMA, 0) == 0); /* the kernel half is not a user page */
	EXPECT(vm_map(space, 0x7fffff000000, frame, PTE_U | PTE_OWNED) == 0);
	vm_each_pte(space, 0, USER_TOP, selftest_count_pte, &n);
	EXPECT(n == 1);
	vm_destroy(space);
	EXPECT(pmm_free_count() > before);
}

static void test_timer_advances(void)
{
	uint64_t t0 = timer_ticks(), n0 = clock_ns();
	while (timer_ticks() < t0 + 3)
		arch_wait_for_interrupt();
	uint64_t dn = clock_ns() - n0;
	EXPECT(dn >= 15000000 && dn < 1000000000ULL); /* 3 ticks of 10 ms, loosely */
}

static void test_user_copy_faults_are_efault(void)
{
	uint64_t v = 0;
	EXPECT(uaccess_copy(&v, (void *)0x1000, 8) == -EFAULT);
	EXPECT(copy_from_user(&v, 0x1000, 8) == -EFAULT);
	EXPECT(copy_from_user(&v, (uint64_t)&v, 8) == -EFAULT); /* kernel address */
	EXPECT(copy_from_user(&v, USER_TOP - 4, 8) == -EFAULT); /* straddles the top */
	EXPECT(copy_to_user(~0ULL - 3, &v, 8) == -EFAULT);      /* wraps */
}

static void test_cmdline_options(void)
{
	EXPECT(cmdline_get("test") && strcmp(cmdline_get("test"), "kernel") == 0);
	EXPECT(cmdline_get("no-such-option") == 0);
	EXPECT(cmdline_get_int("no-such-option", 42) == 42);
}

static const struct {
	const char *name;
	void (*fn)(void);
} tests[] = {
    {"memory_map_sane", test_memory_map_sane},
    {"frames_alloc_all_free_all", test_frames_alloc_all_free_all},
    {"heap_alloc_free", test_heap_alloc_free},
    {"vm_map_translate_unmap", test_vm_map_translate_unmap},
    {"vm_released_space_never_walked", test_vm_released_space_never_walked},
    {"timer_advances", test_timer_advances},
    {"user_copy_faults_are_efault", test_user_copy_faults_are_efault},
    {"cmdline_options", test_cmdline_options},
};

/* Run every self-test; return the number that failed. */
int selftest_run(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(tests); i++) {
		fail_reason = 0;
		tests[i].fn();
		if (fail_reason) {
			failures++;
			kprintf("[TEST] FAIL kernel_%s: %s\n", tests[i].name, fail_reason);
		} else {
			kprintf("[TEST] PASS kernel_%s\n", tests[i].name);
		}
	}
	return failures;
}

/* Touch an unmapped kernel address: the runner checks the register dump. */
_Noreturn void selftest_deliberate_fault(void)
{
	kprintf("selftest: faulting on purpose\n");
	volatile uint64_t *bad = (uint64_t *)0xffffc00000000000ULL;
	*bad = 1;
	panic("deliberate fault did not fault");
}
