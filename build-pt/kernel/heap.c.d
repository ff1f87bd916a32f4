build-pt/kernel/heap.c.o: kernel/heap.c kernel/heap.h kernel/lib.h
kernel/heap.h:
kernel/lib.h:
