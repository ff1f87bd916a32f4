build-pt/kernel/ptrace.c.o: kernel/ptrace.c kernel/ptrace.h \
 include/procyon/ptrace.h kernel/proc.h kernel/arch/x86_64/arch.h \
 kernel/fs/file.h kernel/fs/scheme.h kernel/waitq.h \
 kernel/arch/x86_64/cpu.h kernel/errno.h kernel/heap.h kernel/lib.h \
 kernel/uaccess.h
kernel/ptrace.h:
include/procyon/ptrace.h:
kernel/proc.h:
kernel/arch/x86_64/arch.h:
kernel/fs/file.h:
kernel/fs/scheme.h:
kernel/waitq.h:
kernel/arch/x86_64/cpu.h:
kernel/errno.h:
kernel/heap.h:
kernel/lib.h:
kernel/uaccess.h:
