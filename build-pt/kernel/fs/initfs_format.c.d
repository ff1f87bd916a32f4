build-pt/kernel/fs/initfs_format.c.o: kernel/fs/initfs_format.c \
 kernel/fs/initfs_format.h kernel/fs/../../include/procyon/initfs.h \
 kernel/fs/../errno.h
kernel/fs/initfs_format.h:
kernel/fs/../../include/procyon/initfs.h:
kernel/fs/../errno.h:
