# mode: fork
# Compared since QPassSignals: before it, the parent's SIGCHLD (at the
# child's exit) came to GDB as a stop (T14), GDB resumed it (vCont;C14) and
# in that internal stop dropped the exited inferior 2, so the parent's hit
# read "Thread 1 ... Breakpoint 1", not Debian's "Thread 1.1 ... 1.1".
# detach-on-fork off: GDB keeps both; schedule-multiple runs both (the
# parent waits for the child, so the child stops first).
set detach-on-fork off
set schedule-multiple on
break add
continue
info inferiors
continue
inferior 1
continue
continue
