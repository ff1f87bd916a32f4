build-pt/kernel/fs/file.c.o: kernel/fs/file.c kernel/fs/file.h \
 kernel/fs/scheme.h kernel/errno.h kernel/heap.h kernel/lib.h \
 kernel/uaccess.h
kernel/fs/file.h:
kernel/fs/scheme.h:
kernel/errno.h:
kernel/heap.h:
kernel/lib.h:
kernel/uaccess.h:
