# mode: signal
# program: gdbthreads
# Signals in a worker thread (gdbthreads signal): the SIGUSR1 it sends
# itself stops it (its $_siginfo), is passed to its handler; the SIGSEGV of
# its fault stops it, with every other thread parked; continuing lets the
# signal kill the process (all four threads end at once).
continue
p $_siginfo.si_signo
p $_siginfo.si_code
info threads
continue
p usr1
p $_siginfo._sifields._sigfault.si_addr
info threads
thread apply 1 bt 1
continue
info threads
