build-pt/kernel/fd.c.o: kernel/fd.c kernel/errno.h kernel/proc.h \
 kernel/arch/x86_64/arch.h kernel/fs/file.h kernel/fs/scheme.h \
 kernel/waitq.h
kernel/errno.h:
kernel/proc.h:
kernel/arch/x86_64/arch.h:
kernel/fs/file.h:
kernel/fs/scheme.h:
kernel/waitq.h:
