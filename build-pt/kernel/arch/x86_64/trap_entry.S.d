build-pt/kernel/arch/x86_64/trap_entry.S.o: \
 kernel/arch/x86_64/trap_entry.S
