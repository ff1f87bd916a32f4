build-pt/kernel/mm.c.o: kernel/mm.c kernel/mm.h kernel/proc.h \
 kernel/arch/x86_64/arch.h kernel/fs/file.h kernel/fs/scheme.h \
 kernel/waitq.h kernel/errno.h kernel/lib.h kernel/pmm.h kernel/vm.h
kernel/mm.h:
kernel/proc.h:
kernel/arch/x86_64/arch.h:
kernel/fs/file.h:
kernel/fs/scheme.h:
kernel/waitq.h:
kernel/errno.h:
kernel/lib.h:
kernel/pmm.h:
kernel/vm.h:
