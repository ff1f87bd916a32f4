build-pt/kernel/syscall.c.o: kernel/syscall.c kernel/arch/x86_64/cpu.h \
 kernel/errno.h kernel/lib.h kernel/proc.h kernel/arch/x86_64/arch.h \
 kernel/fs/file.h kernel/fs/scheme.h kernel/waitq.h \
 include/procyon/syscalls.h kernel/ptrace.h include/procyon/ptrace.h \
 kernel/arch/x86_64/trap.h kernel/arch/x86_64/arch.h
kernel/arch/x86_64/cpu.h:
kernel/errno.h:
kernel/lib.h:
kernel/proc.h:
kernel/arch/x86_64/arch.h:
kernel/fs/file.h:
kernel/fs/scheme.h:
kernel/waitq.h:
include/procyon/syscalls.h:
kernel/ptrace.h:
include/procyon/ptrace.h:
kernel/arch/x86_64/trap.h:
kernel/arch/x86_64/arch.h:
