build-pt/kernel/arch/x86_64/machine.c.o: kernel/arch/x86_64/machine.c \
 kernel/arch/x86_64/arch.h kernel/arch/x86_64/cpu.h kernel/lib.h
kernel/arch/x86_64/arch.h:
kernel/arch/x86_64/cpu.h:
kernel/lib.h:
