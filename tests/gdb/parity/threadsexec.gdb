# mode: exec
# program: gdbthreads
# A worker thread execs (gdbthreads exec: worker 1 runs execl while main
# is parked): the exec is caught in the process's one remaining thread,
# which has taken over the process id; the new image makes its own four
# threads and runs to its exit.
catch exec
continue
info threads
break all_ready
continue
info threads
delete
continue
