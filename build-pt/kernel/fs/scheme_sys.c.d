build-pt/kernel/fs/scheme_sys.c.o: kernel/fs/scheme_sys.c \
 kernel/arch/x86_64/arch.h kernel/errno.h kernel/fs/file.h \
 kernel/fs/scheme.h kernel/heap.h kernel/lib.h kernel/pmm.h kernel/proc.h \
 kernel/fs/file.h kernel/waitq.h kernel/ptrace.h include/procyon/ptrace.h \
 kernel/proc.h kernel/fs/schemes.h
kernel/arch/x86_64/arch.h:
kernel/errno.h:
kernel/fs/file.h:
kernel/fs/scheme.h:
kernel/heap.h:
kernel/lib.h:
kernel/pmm.h:
kernel/proc.h:
kernel/fs/file.h:
kernel/waitq.h:
kernel/ptrace.h:
include/procyon/ptrace.h:
kernel/proc.h:
kernel/fs/schemes.h:
