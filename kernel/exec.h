/* Loading a static ELF64 program into a process (execve, and init). */
#ifndef EXEC_H
#define EXEC_H
#include "proc.h"

#define EXEC_ARGS_MAX (128 * 1024) /* argv + envp strings: more is E2BIG */
#define EXEC_ARGC_MAX 4096

int exec_image(struct proc *p, const char *path, char *const argv[], char *const envp[]);
#endif
