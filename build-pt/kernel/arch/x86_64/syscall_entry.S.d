build-pt/kernel/arch/x86_64/syscall_entry.S.o: \
 kernel/arch/x86_64/syscall_entry.S
