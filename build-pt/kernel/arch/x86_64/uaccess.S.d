build-pt/kernel/arch/x86_64/uaccess.S.o: kernel/arch/x86_64/uaccess.S
