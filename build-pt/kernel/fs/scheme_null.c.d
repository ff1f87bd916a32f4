build-pt/kernel/fs/scheme_null.c.o: kernel/fs/scheme_null.c \
 kernel/errno.h kernel/fs/file.h kernel/fs/scheme.h kernel/lib.h \
 kernel/fs/schemes.h
kernel/errno.h:
kernel/fs/file.h:
kernel/fs/scheme.h:
kernel/lib.h:
kernel/fs/schemes.h:
