build-pt/kernel/main.c.o: kernel/main.c kernel/arch/x86_64/arch.h \
 kernel/boot_info.h kernel/cmdline.h kernel/arch/x86_64/cpu.h \
 kernel/heap.h kernel/kernel.h kernel/lib.h kernel/pmm.h kernel/regs.h \
 include/procyon/user_regs.h kernel/proc.h kernel/fs/file.h \
 kernel/fs/scheme.h kernel/waitq.h kernel/fs/schemes.h kernel/fs/file.h \
 kernel/vm.h
kernel/arch/x86_64/arch.h:
kernel/boot_info.h:
kernel/cmdline.h:
kernel/arch/x86_64/cpu.h:
kernel/heap.h:
kernel/kernel.h:
kernel/lib.h:
kernel/pmm.h:
kernel/regs.h:
include/procyon/user_regs.h:
kernel/proc.h:
kernel/fs/file.h:
kernel/fs/scheme.h:
kernel/waitq.h:
kernel/fs/schemes.h:
kernel/fs/file.h:
kernel/vm.h:
