build-pt/kernel/sys_mem.c.o: kernel/sys_mem.c kernel/errno.h kernel/lib.h \
 kernel/mm.h kernel/proc.h kernel/arch/x86_64/arch.h kernel/fs/file.h \
 kernel/fs/scheme.h kernel/waitq.h kernel/pmm.h
kernel/errno.h:
kernel/lib.h:
kernel/mm.h:
kernel/proc.h:
kernel/arch/x86_64/arch.h:
kernel/fs/file.h:
kernel/fs/scheme.h:
kernel/waitq.h:
kernel/pmm.h:
