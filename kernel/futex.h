/* Futexes (futex.c): the waits and wakes threads synchronise with, and
 * what a thread's exit owes them (the CLONE_CHILD_CLEARTID word, the robust
 * list). */
#ifndef FUTEX_H
#define FUTEX_H
#include "proc.h"

void futex_thread_exit(struct proc *p);
int futex_waiter_count(void);
#endif
