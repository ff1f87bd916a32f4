build-pt/kernel/sys_proc.c.o: kernel/sys_proc.c kernel/arch/x86_64/cpu.h \
 kernel/errno.h kernel/exec.h kernel/proc.h kernel/arch/x86_64/arch.h \
 kernel/fs/file.h kernel/fs/scheme.h kernel/waitq.h kernel/heap.h \
 kernel/lib.h kernel/path.h kernel/vm.h kernel/uaccess.h
kernel/arch/x86_64/cpu.h:
kernel/errno.h:
kernel/exec.h:
kernel/proc.h:
kernel/arch/x86_64/arch.h:
kernel/fs/file.h:
kernel/fs/scheme.h:
kernel/waitq.h:
kernel/heap.h:
kernel/lib.h:
kernel/path.h:
kernel/vm.h:
kernel/uaccess.h:
