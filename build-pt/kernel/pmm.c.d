build-pt/kernel/pmm.c.o: kernel/pmm.c kernel/pmm.h kernel/lib.h
kernel/pmm.h:
kernel/lib.h:
