/* The proc: scheme's trace interface: request flags written to
 * proc:PID/trace and the event records read from it. Shared by kernel and
 * user space; see docs/proc-scheme.md. */
#ifndef PROCYON_PTRACE_H
#define PROCYON_PTRACE_H
#include <stdint.h>

#define PTRACE_STOP_PRE_SYSCALL 0x0001  /* before a syscall runs */
#define PTRACE_STOP_POST_SYSCALL 0x0002 /* after it, result in rax */
#define PTRACE_STOP_SINGLESTEP 0x0004   /* after one user instruction */
#define PTRACE_STOP_SIGNAL 0x0008       /* before a signal is acted on */
#define PTRACE_STOP_BREAKPOINT 0x0010   /* on int3 */
#define PTRACE_STOP_EXIT 0x0020         /* before the process exits, any cause */
#define PTRACE_STOP_EXEC 0x0040         /* after a successful execve, at the new entry */
#define PTRACE_STOP_INTERRUPT 0x0080    /* stop as soon as possible (debugger ^C) */
#define PTRACE_STOP_MASK 0x00ff
#define PTRACE_EVENT_CLONE 0x0100 /* report children created by fork/clone */
#define PTRACE_EVENT_MASK 0x0f00
#define PTRACE_FLAG_IGNORE 0x1000 /* skip what the tracee is stopped at */
#define PTRACE_FLAG_MASK 0xf000

struct ptrace_event {
	uint64_t cause; /* exactly one PTRACE_STOP_* or PTRACE_EVENT_* bit */
	uint64_t data[7];
};
_Static_assert(sizeof(struct ptrace_event) == 64, "struct ptrace_event is 64 bytes");

#define PTRACE_SYSFILTER_BYTES 64 /* bit n: syscall n, for n < 512 */
#endif
