build-pt/kernel/fs/scheme.c.o: kernel/fs/scheme.c kernel/fs/scheme.h \
 kernel/errno.h kernel/fs/file.h kernel/heap.h kernel/lib.h
kernel/fs/scheme.h:
kernel/errno.h:
kernel/fs/file.h:
kernel/heap.h:
kernel/lib.h:
