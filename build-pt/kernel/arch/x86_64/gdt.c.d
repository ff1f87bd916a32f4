build-pt/kernel/arch/x86_64/gdt.c.o: kernel/arch/x86_64/gdt.c \
 kernel/arch/x86_64/arch.h
kernel/arch/x86_64/arch.h:
