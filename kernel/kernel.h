/* Index of the kernel's cross-file functions that have no subsystem header
 * of their own (xv6's defs.h, kept small). */
#ifndef KERNEL_H
#define KERNEL_H
#include <stddef.h>
#include <stdint.h>

const char *boot_cmdline_text(void);     /* boot_info.c */
void log_write(const char *s, size_t n); /* log.c */
long log_ring_copy(uint64_t ubuf, size_t n);
void log_ring_clear(void);
size_t log_ring_size(_Bool whole);
int selftest_run(void);                      /* selftest.c: number of failures */
void misc_random_bytes(void *buf, size_t n); /* sys_misc.c: getrandom's generator */
void sched_cond_resched(void);               /* sched.c: yield if the tick asked */
_Noreturn void selftest_deliberate_fault(void);
_Noreturn void kernel_start_user(void); /* proc.c: start init and schedule */
#endif
