# mode: fork
# catch fork, follow the parent; the detached child must not keep the
# breakpoint at add (it calls add too, and would die of SIGTRAP).
break add
catch fork
continue
continue
info inferiors
continue
