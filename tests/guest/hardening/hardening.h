/* hardening: what its area files share: the includes, a child that runs a
 * function, and the little ELF images the loader tests execve. Trace,
 * credential, process and raw-syscall helpers are tests/guest/lib/guest.h's. */
#ifndef HARDENING_H
#define HARDENING_H
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"

/* Run fn in a forked child; return its wait status (bounded). */
int in_child(void (*fn)(void));

/* A minimal static ELF: one code segment at 0x401000 whose code exits 42,
 * plus extra PT_LOAD segments chosen by the test. */
#define CODE_VA 0x401000UL

/* Write the ELF to path: the code segment first, then n extra segments. */
void write_elf(const char *path, uint64_t entry, const struct elf_phdr *extra, int n);

/* execve path in a child: its exit status (100 + errno if execve failed),
 * and how long the call took in *ms. */
int exec_status(const char *path, long *ms);
#endif
