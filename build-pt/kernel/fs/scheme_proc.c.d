build-pt/kernel/fs/scheme_proc.c.o: kernel/fs/scheme_proc.c \
 kernel/errno.h kernel/fs/file.h kernel/fs/scheme.h kernel/heap.h \
 kernel/lib.h kernel/mm.h kernel/proc.h kernel/arch/x86_64/arch.h \
 kernel/fs/file.h kernel/waitq.h kernel/pmm.h kernel/proc.h \
 kernel/ptrace.h include/procyon/ptrace.h kernel/regs.h \
 include/procyon/user_regs.h kernel/fs/schemes.h kernel/uaccess.h \
 kernel/vm.h
kernel/errno.h:
kernel/fs/file.h:
kernel/fs/scheme.h:
kernel/heap.h:
kernel/lib.h:
kernel/mm.h:
kernel/proc.h:
kernel/arch/x86_64/arch.h:
kernel/fs/file.h:
kernel/waitq.h:
kernel/pmm.h:
kernel/proc.h:
kernel/ptrace.h:
include/procyon/ptrace.h:
kernel/regs.h:
include/procyon/user_regs.h:
kernel/fs/schemes.h:
kernel/uaccess.h:
kernel/vm.h:
