build-pt/kernel/exec.c.o: kernel/exec.c kernel/exec.h kernel/proc.h \
 kernel/arch/x86_64/arch.h kernel/fs/file.h kernel/fs/scheme.h \
 kernel/waitq.h kernel/arch/x86_64/cpu.h kernel/elf.h kernel/errno.h \
 kernel/heap.h kernel/lib.h kernel/mm.h kernel/pmm.h kernel/ptrace.h \
 include/procyon/ptrace.h kernel/vm.h
kernel/exec.h:
kernel/proc.h:
kernel/arch/x86_64/arch.h:
kernel/fs/file.h:
kernel/fs/scheme.h:
kernel/waitq.h:
kernel/arch/x86_64/cpu.h:
kernel/elf.h:
kernel/errno.h:
kernel/heap.h:
kernel/lib.h:
kernel/mm.h:
kernel/pmm.h:
kernel/ptrace.h:
include/procyon/ptrace.h:
kernel/vm.h:
