# mode: --multi
# Extended remote: run twice, kill, info proc, and monitor exit.
set remote exec-file @PROG@
break checkpoint
run
info inferiors
info proc
kill
run
continue
run
kill
info inferiors
monitor exit
