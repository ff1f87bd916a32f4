build-pt/kernel/sched.c.o: kernel/sched.c kernel/arch/x86_64/cpu.h \
 kernel/errno.h kernel/lib.h kernel/proc.h kernel/arch/x86_64/arch.h \
 kernel/fs/file.h kernel/fs/scheme.h kernel/waitq.h kernel/vm.h
kernel/arch/x86_64/cpu.h:
kernel/errno.h:
kernel/lib.h:
kernel/proc.h:
kernel/arch/x86_64/arch.h:
kernel/fs/file.h:
kernel/fs/scheme.h:
kernel/waitq.h:
kernel/vm.h:
