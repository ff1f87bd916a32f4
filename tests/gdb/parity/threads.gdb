# mode: baton
# program: gdbthreads
# Four threads (tests/gdb/gdbthreads.c): info threads, thread N, thread
# apply all bt; a breakpoint hit in a worker; stepping one thread with
# scheduler-locking step while the others stay stopped (worker 1, woken
# during the step, has not run: woken[1] is 0); a watchpoint set in one
# thread that hits in it and then in another; a thread that exits and one
# that is created while the process is stopped; continue to the exit.
break all_ready
continue
info threads
thread 2
bt
thread apply all bt
break work
continue
info threads
set scheduler-locking step
next
next
next
next
print woken[1]
info threads
watch watched
continue
continue
continue
print $_thread
delete
break changed
continue
info threads
thread apply all bt 1
set scheduler-locking off
continue
