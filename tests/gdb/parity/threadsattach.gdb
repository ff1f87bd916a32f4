# mode: --multi
# program: gdbthreads
# background: spin
# Extended remote: attach to a running process of four spinning threads
# (gdbthreads spin, @PID@ its pid): every thread is stopped and listed,
# each one's frame is shown; detach (all four run on), attach again; then
# it runs to its exit.
attach @PID@
info threads
thread apply all bt 1
print spins[0] > 0 && spins[1] > 0 && spins[2] > 0 && spins[3] > 0
set var $t = spins[2]
detach
shell sleep 1
attach @PID@
print spins[2] > $t
info threads
set var stop_spinning = 1
continue
monitor exit
