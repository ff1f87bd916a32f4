build-pt/kernel/arch/x86_64/idt.c.o: kernel/arch/x86_64/idt.c \
 kernel/arch/x86_64/arch.h kernel/arch/x86_64/cpu.h
kernel/arch/x86_64/arch.h:
kernel/arch/x86_64/cpu.h:
