build-pt/kernel/proc.c.o: kernel/proc.c kernel/proc.h \
 kernel/arch/x86_64/arch.h kernel/fs/file.h kernel/fs/scheme.h \
 kernel/waitq.h kernel/cmdline.h kernel/arch/x86_64/cpu.h kernel/errno.h \
 kernel/exec.h kernel/heap.h kernel/kernel.h kernel/lib.h kernel/mm.h \
 kernel/pmm.h kernel/ptrace.h include/procyon/ptrace.h \
 kernel/arch/x86_64/trap.h kernel/arch/x86_64/arch.h kernel/uaccess.h
kernel/proc.h:
kernel/arch/x86_64/arch.h:
kernel/fs/file.h:
kernel/fs/scheme.h:
kernel/waitq.h:
kernel/cmdline.h:
kernel/arch/x86_64/cpu.h:
kernel/errno.h:
kernel/exec.h:
kernel/heap.h:
kernel/kernel.h:
kernel/lib.h:
kernel/mm.h:
kernel/pmm.h:
kernel/ptrace.h:
include/procyon/ptrace.h:
kernel/arch/x86_64/trap.h:
kernel/arch/x86_64/arch.h:
kernel/uaccess.h:
