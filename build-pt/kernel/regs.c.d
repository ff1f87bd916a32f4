build-pt/kernel/regs.c.o: kernel/regs.c kernel/regs.h \
 include/procyon/user_regs.h kernel/proc.h kernel/arch/x86_64/arch.h \
 kernel/fs/file.h kernel/fs/scheme.h kernel/waitq.h \
 kernel/arch/x86_64/cpu.h kernel/errno.h kernel/lib.h
kernel/regs.h:
include/procyon/user_regs.h:
kernel/proc.h:
kernel/arch/x86_64/arch.h:
kernel/fs/file.h:
kernel/fs/scheme.h:
kernel/waitq.h:
kernel/arch/x86_64/cpu.h:
kernel/errno.h:
kernel/lib.h:
