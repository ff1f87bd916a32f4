build-pt/kernel/lib.c.o: kernel/lib.c kernel/lib.h
kernel/lib.h:
