build-pt/kernel/signal.c.o: kernel/signal.c kernel/arch/x86_64/cpu.h \
 kernel/errno.h kernel/lib.h kernel/proc.h kernel/arch/x86_64/arch.h \
 kernel/fs/file.h kernel/fs/scheme.h kernel/waitq.h kernel/ptrace.h \
 include/procyon/ptrace.h kernel/regs.h include/procyon/user_regs.h \
 kernel/arch/x86_64/trap.h kernel/arch/x86_64/arch.h kernel/uaccess.h
kernel/arch/x86_64/cpu.h:
kernel/errno.h:
kernel/lib.h:
kernel/proc.h:
kernel/arch/x86_64/arch.h:
kernel/fs/file.h:
kernel/fs/scheme.h:
kernel/waitq.h:
kernel/ptrace.h:
include/procyon/ptrace.h:
kernel/regs.h:
include/procyon/user_regs.h:
kernel/arch/x86_64/trap.h:
kernel/arch/x86_64/arch.h:
kernel/uaccess.h:
