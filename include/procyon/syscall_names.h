/* Syscall names and argument kinds, generated from the one list in
 * syscalls.h. For tools that print syscalls (strace, regs). */
#ifndef PROCYON_SYSCALL_NAMES_H
#define PROCYON_SYSCALL_NAMES_H
#include "procyon/syscalls.h"

#define PROCYON_SYSCALL_NAME(num, name, kinds, props, params) [num] = #name,
#define PROCYON_SYSCALL_KINDS(num, name, kinds, props, params) [num] = kinds,
static const char *const procyon_syscall_names[PROCYON_SYSCALL_MAX] = {
    PROCYON_SYSCALLS(PROCYON_SYSCALL_NAME)};
static const char *const procyon_syscall_kinds[PROCYON_SYSCALL_MAX] = {
    PROCYON_SYSCALLS(PROCYON_SYSCALL_KINDS)};

/* Name of syscall nr, or NULL when Procyon does not know it. */
static inline const char *procyon_syscall_name(unsigned long nr)
{
	return nr < PROCYON_SYSCALL_MAX ? procyon_syscall_names[nr] : 0;
}
#endif
