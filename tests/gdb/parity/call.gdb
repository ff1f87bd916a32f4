# mode: call
# Inferior calls: a value, a call, one that faults (unwound), one that
# hits a breakpoint (then finish); the registers are as before each call.
break checkpoint
continue
printf "BEFORE rip=%lx rsp=%lx rbx=%lx\n", $pc, $sp, $rbx
print square(4)
call add(2, 3)
print counter
set unwindonsignal on
print crash(2)
printf "AFTER_FAULT rip=%lx rsp=%lx rbx=%lx\n", $pc, $sp, $rbx
break square
print square(5)
bt 2
finish
delete 2
printf "AFTER rip=%lx rsp=%lx rbx=%lx\n", $pc, $sp, $rbx
p $orig_rax
p/x $fs_base
p $mxcsr
p $st0
info registers gs_base
set var $orig_rax = 0
p $orig_rax
p $xmm1.v2_int64[0] = 0x1122334455667788
p/x $xmm1.v2_int64[0]
set var $orig_rax = -1
continue
