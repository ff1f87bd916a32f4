build-pt/kernel/fs/scheme_tmp.c.o: kernel/fs/scheme_tmp.c kernel/errno.h \
 kernel/fs/file.h kernel/fs/scheme.h kernel/heap.h kernel/lib.h \
 kernel/fs/schemes.h
kernel/errno.h:
kernel/fs/file.h:
kernel/fs/scheme.h:
kernel/heap.h:
kernel/lib.h:
kernel/fs/schemes.h:
