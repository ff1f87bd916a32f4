# mode: fork
set follow-fork-mode child
break add
continue
bt 1
continue
