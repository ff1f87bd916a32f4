# mode: spin
# program: gdbthreads
# interrupt: CONTINUING
# ^C while four threads spin (gdbthreads spin): every thread stops (each
# one's counter stays as it was while GDB waits), the stop is reported in
# the first thread, all of them go on together after it.
echo CONTINUING\n
continue
info threads
set var $s0 = spins[0]
set var $s1 = spins[1]
set var $s2 = spins[2]
set var $s3 = spins[3]
shell sleep 1
print spins[0] == $s0 && spins[1] == $s1 && spins[2] == $s2 && spins[3] == $s3
print spins[0] > 0 && spins[1] > 0 && spins[2] > 0 && spins[3] > 0
set var stop_spinning = 1
continue
