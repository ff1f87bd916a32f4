build-pt/kernel/fs/scheme_console.c.o: kernel/fs/scheme_console.c \
 kernel/arch/x86_64/arch.h kernel/errno.h kernel/fs/file.h \
 kernel/fs/scheme.h kernel/kernel.h kernel/lib.h kernel/proc.h \
 kernel/fs/file.h kernel/waitq.h kernel/fs/schemes.h \
 kernel/arch/x86_64/trap.h kernel/arch/x86_64/arch.h
kernel/arch/x86_64/arch.h:
kernel/errno.h:
kernel/fs/file.h:
kernel/fs/scheme.h:
kernel/kernel.h:
kernel/lib.h:
kernel/proc.h:
kernel/fs/file.h:
kernel/waitq.h:
kernel/fs/schemes.h:
kernel/arch/x86_64/trap.h:
kernel/arch/x86_64/arch.h:
