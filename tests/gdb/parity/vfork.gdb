# mode: vfork
break add
catch vfork
continue
continue
continue
