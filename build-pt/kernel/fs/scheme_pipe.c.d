build-pt/kernel/fs/scheme_pipe.c.o: kernel/fs/scheme_pipe.c \
 kernel/errno.h kernel/fs/file.h kernel/fs/scheme.h kernel/heap.h \
 kernel/lib.h kernel/proc.h kernel/arch/x86_64/arch.h kernel/fs/file.h \
 kernel/waitq.h kernel/fs/schemes.h
kernel/errno.h:
kernel/fs/file.h:
kernel/fs/scheme.h:
kernel/heap.h:
kernel/lib.h:
kernel/proc.h:
kernel/arch/x86_64/arch.h:
kernel/fs/file.h:
kernel/waitq.h:
kernel/fs/schemes.h:
