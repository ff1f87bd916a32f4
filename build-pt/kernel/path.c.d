build-pt/kernel/path.c.o: kernel/path.c kernel/path.h kernel/errno.h \
 kernel/lib.h kernel/proc.h kernel/arch/x86_64/arch.h kernel/fs/file.h \
 kernel/fs/scheme.h kernel/waitq.h kernel/fs/scheme.h kernel/uaccess.h
kernel/path.h:
kernel/errno.h:
kernel/lib.h:
kernel/proc.h:
kernel/arch/x86_64/arch.h:
kernel/fs/file.h:
kernel/fs/scheme.h:
kernel/waitq.h:
kernel/fs/scheme.h:
kernel/uaccess.h:
