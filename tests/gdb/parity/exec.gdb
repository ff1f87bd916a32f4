# mode: exec
catch exec
continue
break checkpoint
continue
info inferiors
continue
