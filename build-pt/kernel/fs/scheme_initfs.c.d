build-pt/kernel/fs/scheme_initfs.c.o: kernel/fs/scheme_initfs.c \
 kernel/boot_info.h kernel/errno.h kernel/fs/file.h kernel/fs/scheme.h \
 kernel/heap.h kernel/fs/initfs_format.h \
 kernel/fs/../../include/procyon/initfs.h kernel/lib.h \
 include/procyon/initfs.h kernel/fs/schemes.h
kernel/boot_info.h:
kernel/errno.h:
kernel/fs/file.h:
kernel/fs/scheme.h:
kernel/heap.h:
kernel/fs/initfs_format.h:
kernel/fs/../../include/procyon/initfs.h:
kernel/lib.h:
include/procyon/initfs.h:
kernel/fs/schemes.h:
