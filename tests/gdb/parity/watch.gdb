# mode: watch
# A hardware breakpoint (Z1); five watchpoints for four debug registers
# (the fifth refused at continue); watch, rwatch (Z3 is refused as on
# Linux, GDB falls back to Z4) and awatch hits; a 32-byte range split over
# four registers; a software watchpoint.
hbreak touch
continue
delete
watch w1
watch w2
watch w3
watch w4
watch w5
continue
delete
watch w1
rwatch w2
awatch w3
continue
continue
continue
delete
watch warr
continue
delete
set can-use-hw-watchpoints 0
watch w1
continue
delete
continue
