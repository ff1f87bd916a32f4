# mode: fork
# differs: after inferior 2 exits, GDB with Debian's gdbserver still counts
# two inferiors ("Thread 1.1 hit Breakpoint 1.1"), with ours one ("Thread 1
# hit Breakpoint 1"): not understood yet, so not compared.
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
