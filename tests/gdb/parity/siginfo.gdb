# mode: siginfo
# $_siginfo at a SIGSEGV, `signal SIGUSR1` there (its handler jumps past
# the fault), `signal 0` discarding a SIGUSR2, queue-signal at a breakpoint.
break checkpoint
continue
p $_siginfo.si_signo
p $_siginfo.si_code
p $_siginfo._sifields._sigfault.si_addr
p $_siginfo
signal SIGUSR1
p $_siginfo.si_signo
p $_siginfo.si_code
set var $_siginfo._sifields._kill.si_uid = 5
p $_siginfo._sifields._kill.si_uid
signal 0
queue-signal SIGUSR1
continue
continue
