# mode: syscalls
# (after main: Linux also reports execve's return, which would confuse
# Debian's gdbserver's entry/return bookkeeping)
break main
continue
catch syscall getpid close
continue
continue
continue
continue
delete
catch syscall group:process
continue
continue
