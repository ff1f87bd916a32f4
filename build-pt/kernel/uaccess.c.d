build-pt/kernel/uaccess.c.o: kernel/uaccess.c kernel/uaccess.h \
 kernel/arch/x86_64/arch.h kernel/errno.h
kernel/uaccess.h:
kernel/arch/x86_64/arch.h:
kernel/errno.h:
