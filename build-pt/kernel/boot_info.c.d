build-pt/kernel/boot_info.c.o: kernel/boot_info.c kernel/boot_info.h \
 kernel/arch/x86_64/arch.h kernel/lib.h kernel/multiboot.h kernel/pmm.h
kernel/boot_info.h:
kernel/arch/x86_64/arch.h:
kernel/lib.h:
kernel/multiboot.h:
kernel/pmm.h:
