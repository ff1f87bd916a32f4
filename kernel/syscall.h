/* Prototypes of every system call handler, generated from the one list
 * (include/procyon/syscalls.h): a handler defined with other parameters
 * than its row says fails to build. Each handler's file includes this. */
#ifndef SYSCALL_H
#define SYSCALL_H
#include "procyon/syscalls.h"

#define SYSCALL_PROTOTYPE(num, name, kinds, props, params) long sys_##name params;
PROCYON_SYSCALLS(SYSCALL_PROTOTYPE)
#undef SYSCALL_PROTOTYPE
#endif
