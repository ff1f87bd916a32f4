# mode: --multi
# background: loop
# Extended remote: attach to a program already running (gdbparity loop,
# @PID@ its pid), look at it, stop at a breakpoint, detach, attach again
# (it ran on meanwhile) and kill it.
attach @PID@
info inferiors
info proc
break tick
continue
bt
print ticks > 0
delete
set var $t = ticks
detach
info inferiors
shell sleep 1
attach @PID@
print ticks > $t
kill
info inferiors
monitor exit
