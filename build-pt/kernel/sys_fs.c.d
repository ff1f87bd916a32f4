build-pt/kernel/sys_fs.c.o: kernel/sys_fs.c kernel/errno.h kernel/heap.h \
 kernel/lib.h kernel/path.h kernel/proc.h kernel/arch/x86_64/arch.h \
 kernel/fs/file.h kernel/fs/scheme.h kernel/waitq.h kernel/fs/schemes.h \
 kernel/fs/file.h kernel/uaccess.h
kernel/errno.h:
kernel/heap.h:
kernel/lib.h:
kernel/path.h:
kernel/proc.h:
kernel/arch/x86_64/arch.h:
kernel/fs/file.h:
kernel/fs/scheme.h:
kernel/waitq.h:
kernel/fs/schemes.h:
kernel/fs/file.h:
kernel/uaccess.h:
