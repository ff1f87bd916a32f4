build-pt/kernel/selftest.c.o: kernel/selftest.c kernel/arch/x86_64/arch.h \
 kernel/boot_info.h kernel/cmdline.h kernel/arch/x86_64/cpu.h \
 kernel/errno.h kernel/heap.h kernel/kernel.h kernel/lib.h kernel/pmm.h \
 kernel/uaccess.h kernel/vm.h
kernel/arch/x86_64/arch.h:
kernel/boot_info.h:
kernel/cmdline.h:
kernel/arch/x86_64/cpu.h:
kernel/errno.h:
kernel/heap.h:
kernel/kernel.h:
kernel/lib.h:
kernel/pmm.h:
kernel/uaccess.h:
kernel/vm.h:
