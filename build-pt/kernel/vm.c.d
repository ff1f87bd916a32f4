build-pt/kernel/vm.c.o: kernel/vm.c kernel/vm.h kernel/arch/x86_64/arch.h \
 kernel/arch/x86_64/cpu.h kernel/errno.h kernel/lib.h kernel/pmm.h
kernel/vm.h:
kernel/arch/x86_64/arch.h:
kernel/arch/x86_64/cpu.h:
kernel/errno.h:
kernel/lib.h:
kernel/pmm.h:
