# The busybox comparison checks (tests/busybox/run-busybox-compare): run by
# busybox's own sh, on the host with B=/bin/busybox and inside Procyon with
# B=/extra/busybox (`init=/extra/busybox init_args=sh,/extra/checks.sh`).
# Arguments, if any, name the only checks to run.
#
# `check NAME [-n NORMS] 'snippet'` runs the snippet with `$B sh -c` in a
# fresh scratch directory /tmp/bbc/NAME, in a clean environment (env -i:
# PATH=/nonexistent, so every applet is called as `$B applet`), stdin
# /dev/null, under `$B timeout`, and prints one block:
#   @@@BEGIN NAME NORMS / @@@RC status / stdout+stderr / @@@END
# NORMS (comma-separated) names the runner's normalisations that this
# check's output legitimately needs (see the runner's header); there is no
# expected output here: the host's output is the expectation.
# `except NAME 'reason'` marks a check about hardware (or a device) the
# guest does not have: it still runs, and is reported as excepted.
B=${B:-/extra/busybox}
W=/tmp/bbc
umask 022
ONLY=" $* "
$B mkdir -p $W
$B mkdir -p $W/.bin
$B ln -sf $B $W/.bin/sh
echo "@@@FACT sysname $($B uname -s)"
echo "@@@FACT nodename $($B uname -n)"
echo "@@@FACT release $($B uname -r)"
echo "@@@FACT version $($B uname -v)"
echo "@@@FACT busybox $B"
echo "@@@FACT busybox_real $($B realpath $B)"

except() { echo "@@@EXCEPT $1 $2"; }
check() {
	name=$1 norms=-
	shift
	if [ "$1" = -n ]; then norms=$2; shift 2; fi
	set -- "$name" "$1"
	# `nobody CMD`: CMD (one string for sh -c) run by busybox su as uid 65534
	case "$2" in *nobody*) set -- "$1" "nobody() { \$B su -s $W/.bin/sh nobody -c \"\$*\"; }; $2" ;; esac
	case "$ONLY" in "  ") ;; *" $1 "*) ;; *) return 0 ;; esac
	$B rm -rf "$W/$1"
	$B mkdir -p "$W/$1"
	(cd "$W/$1" && $B timeout 30 $B env -i PATH=/nonexistent HOME=/tmp B=$B \
		$B sh -c "$2" </dev/null >"$W/$1.out" 2>&1)
	rc=$?
	echo "@@@BEGIN $1 $norms"
	echo "@@@RC $rc"
	$B cat "$W/$1.out"
	echo
	echo "@@@END"
	$B rm -rf "$W/$1" "$W/$1.out"
}

except nproc 'the guest machine has one CPU (QEMU -smp 1), the host more'
except cpuinfo_shape 'the CPU model is the machine'"'"'s (QEMU TCG vs the host CPU)'

# ---- sh scripting
check sh_echo 'echo hello; echo "a  b" '"'"'c  d'"'"'; echo -n x; echo; echo -e "t\tab"'
check sh_vars 'x=1; y="$x 2"; echo "$y" ${z:-def} ${#y} ${y%2} ${y#1} ${u:=set} $u; unset u; echo "[${u-unset}]"'
check sh_string_ops 'x=hello.tar.gz; echo ${x%%.*} ${x%.*} ${x#*.} ${x##*.} ${x/l/L} ${x//l/L} ${x:1:3}'
check sh_arith 'echo $((6*7)) $((7/2)) $((7%3)) $((1<<4)) $((-5+2)) $(( (3+4)*2 )) $((0x10)) $((2**10)) $((5>3)); i=5; : $((i+=2)); echo $i'
check sh_functions 'f() { echo "f:$1:$#"; return 3; }; f a b; echo $?; g() { local v=in; echo $v; }; v=out; g; echo $v'
check sh_recursion 'fact() { if [ $1 -le 1 ]; then echo 1; else echo $(( $1 * $(fact $(($1-1))) )); fi; }; fact 10'
check sh_for 'for i in 1 2 3; do echo $i; done; for w in $(echo a b); do echo w$w; done'
check sh_while_until 'i=0; while [ $i -lt 5 ]; do i=$((i+1)); done; echo $i; until [ $i -eq 0 ]; do i=$((i-1)); [ $i -eq 2 ] && break; done; echo $i'
check sh_continue 'for i in 1 2 3 4 5; do [ $((i%2)) = 0 ] && continue; echo $i; done'
check sh_case 'for x in apple b.c 42 Zed; do case $x in a*) echo A;; *.c) echo C;; [0-9]*) echo N;; *) echo other;; esac; done'
check sh_heredoc 'v=world; $B cat <<EOF
hello $v $((1+1))
EOF
$B cat <<'"'"'EOF'"'"'
literal $v
EOF
$B cat <<-EOF
	tabbed
	EOF'
check sh_trap_exit 'trap "echo bye" EXIT; echo hi; exit 4'
check sh_trap_signal 'trap "echo got USR1" USR1; kill -USR1 $$; echo after; trap - USR1; trap'
check sh_trap_term_child '$B sh -c "trap \"echo term; exit 9\" TERM; kill -TERM \$\$; echo not"; echo $?'
check sh_subshell 'x=1; (x=2; echo $x; exit 3); echo $? $x; { x=4; }; echo $x'
check sh_cmdsubst 'echo "$(echo a $(echo b) `echo c`)"; n=$($B seq 3 | $B wc -l); echo $n'
check sh_pipeline '$B seq 1 100 | $B wc -l; $B seq 1 10 | $B grep 1 | $B sort -r | $B head -2 | $B tr "\n" " "; echo'
check sh_pipe_status '$B false | $B true; echo $?; $B true | $B false; echo $?; ! $B true; echo $?'
check sh_long_pipe '$B yes abc | $B head -n 20000 | $B cat | $B wc -c'
check sh_redirect 'echo a >f; echo b >>f; $B cat <f; echo err 2>&1 >&2; exec 3>g; echo x >&3; exec 3>&-; $B cat g; $B cat nope 2>/dev/null || echo missing; echo both >h 2>&1; $B cat h'
check sh_redirect_fd 'exec 4<>rw; echo data >&4; exec 4>&-; exec 5<rw; read l <&5; echo $l; $B ls 1>&- 2>/dev/null; echo $?'
check sh_exit_codes '$B false; echo $?; (exit 7); echo $?; $B sh -c "exit 300"; echo $?; $B nosuchapplet; echo $?; ./nofile; echo $?'
check sh_set_e 'set -e; $B true; echo one; if $B false; then :; fi; $B false || echo ok; $B false; echo never'
check sh_set_u 'set -u; x=1; echo $x; echo $unset_var; echo never'
check sh_set_x 'set -x; a=1; echo $a'
check sh_read 'printf "a b c\nd\n" | { read x y; echo "$x|$y"; read z; echo $z; read q; echo "rc $?"; }; printf "p:q\n" | { IFS=: read m n; echo $n$m; }; read -r r <<EOF
back\\slash
EOF
echo "$r"'
check sh_glob '$B touch a.c b.c c.h .hid; echo *.c; echo ?.h; echo [ab]*; echo nomatch*; echo *; echo .*; set -f; echo *'
check sh_ifs_positional 'IFS=:; set -- a:b:c; echo $# $2; IFS=" "; set -- x y z; shift; echo "$@" $#; for a in "$@"; do echo "<$a>"; done; set -- "a b" c; echo $#'
check sh_special_vars 'f() { echo $# "$*"; }; f 1 2 3; echo $0 | $B grep -c sh; $B true & wait; [ "$!" -gt 0 ] && echo bgpid; [ $$ -gt 0 ] && echo pid'
check sh_background_wait '$B sleep 0.1 & wait $! 2>/dev/null; echo $?; (exit 5) & wait $! 2>/dev/null; echo $?'
check sh_kill_status '$B sleep 10 & p=$!; kill $p; wait $p 2>/dev/null; echo $?; $B sleep 10 & kill -9 $!; wait $! 2>/dev/null; echo $?'
check sh_self_signal '$B sh -c "kill -9 \$\$"; echo $?; $B sh -c "kill -INT \$\$"; echo $?'
check sh_eval_getopts 'eval "x=5; y=\$x\$x"; echo $y; set -- -a -b val c; while getopts ab: o; do echo "$o ${OPTARG:-}"; done; shift $((OPTIND-1)); echo rest $@'
check sh_builtin_printf 'printf "%s-%d-%03d-%x-%c\n" str 42 7 255 xyz; printf "%5.2f|%-4s|\n" 3.14159 ab'
check sh_umask_cd 'umask; umask 027; umask; $B touch f; $B stat -c %a f; $B mkdir -p d/e; cd d/e; pwd; cd ..; pwd; cd - >/dev/null; pwd; cd /nonexistent; echo $?'
check sh_and_or_test '$B false || echo a; $B true && echo b; [ -n x ] && [ -z "" ] && [ 1 -lt 2 ] && [ abc = abc ] && [ ! -e nope ] && echo all; [ 3 -gt 5 ]; echo $?'
check sh_script_file 'printf "#!$B sh\necho script \$1\nexit 6\n" >s.sh; $B chmod +x s.sh; ./s.sh arg; echo $?; $B sh s.sh two; echo $?'
check sh_exec_replace '$B sh -c "exec $B echo replaced; echo never"; echo $?'
check sh_command_not_found 'nosuchcmd 2>&1; echo $?; $B sh -c "nosuchcmd2" 2>&1; echo $?'
check sh_alias_type 'alias ll="echo aliased"; eval ll; type cd; command -v cd; type nosuch; echo $?'

# ---- text tools
check sed_basic 'printf "foo bar\nbaz\nqux\n" | $B sed "s/ba/XX/g; 3d"; printf "a\nb\nc\n" | $B sed -n "2p"; printf "1\n2\n3\n" | $B sed "1!G;h;\$!d"'
check sed_sort 'printf "b\na\n" | $B sort | $B sed -n 1p'
check sed_inplace_regex 'printf "one two\nthree\n" >f; $B sed -i -e "s/\(o\+\)/[\1]/" -e "/three/a\\
added" f; $B cat f; $B sed -E "s/([a-z]+) ([a-z]+)/\2 \1/" f; $B sed "y/abc/xyz/" <<EOF
aabbcc
EOF'
check awk_fields 'printf "a 1\nb 2\nc 3\n" | $B awk "{s+=\$2} END {print s, NR, \$1}"; echo "x:y:z" | $B awk -F: "{print \$2, NF}"; $B awk "BEGIN{printf \"%05.2f %s %d\n\", 3.14159, \"s\", 42.9}"'
check awk_functions '$B awk "BEGIN{s=\"Hello World\"; print length(s), substr(s,7), toupper(s), tolower(s), index(s,\"W\"); n=split(\"a,b,c\",arr,\",\"); print n, arr[3]; x=s; gsub(/o/,\"0\",x); print x; print sprintf(\"%x\", 255), int(7.9), 2^10}"'
check awk_arrays 'printf "a\nb\na\nc\na\n" | $B awk "{c[\$1]++} END {for (k in c) print k, c[k]}" | $B sort; $B seq 5 | $B awk "NR%2 {print} NR==4 {exit 3}"; echo $?'
check grep_modes 'printf "apple\nbanana\ncherry\nApple pie\n" >f; $B grep -E "an+a|^ch" f; $B grep -v a f; $B grep -c a f; $B grep -o "an" f; $B grep -in apple f; $B grep -w pie f; $B grep -l an f; $B grep -q zzz f; echo $?; $B grep x nope; echo $?'
check grep_recursive_fixed '$B mkdir -p d/e; echo "a.b" >d/e/f; echo "axb" >d/g; $B grep -r "a.b" d | $B sort; $B grep -rF "a.b" d; $B grep -e a -e x -h d/g'
check sort_modes 'printf "10\n9\n100\n9\n-1\n" >n; $B sort n | $B tr "\n" " "; echo; $B sort -n n | $B tr "\n" " "; echo; $B sort -rn n | $B tr "\n" " "; echo; $B sort -un n | $B tr "\n" " "; echo; printf "b:2\na:10\nc:1\n" | $B sort -t: -k2,2n; printf "B\na\nC\n" | $B sort -f'
check sort_big '$B seq 1 3000 | $B sort -r | $B head -3; $B seq 1 3000 | $B sort | $B md5sum'
check uniq_counts 'printf "a\na\nb\nc\nc\nc\na\n" | $B uniq -c; printf "a\na\nb\n" | $B uniq -d; printf "a\na\nb\n" | $B uniq -u'
check cut_tr 'echo "a:b:c:d" | $B cut -d: -f2,4; echo abcdef | $B cut -c2-4; echo "hello world" | $B tr a-z A-Z; echo "aabbcc" | $B tr -d b; echo "aaabbb   c" | $B tr -s "a "; echo abc | $B tr -c a x; echo'
check wc_counts 'printf "one two\nthree\n" >f; $B wc f; $B wc -l <f; $B wc -w f; $B wc -c f; $B wc -L f'
check head_tail '$B seq 20 >f; $B head -n 3 f; $B head -c 5 f; $B tail -n 2 f; $B tail -c 3 f; $B tail -n +19 f; $B head -n -17 f'
check paste_cols 'printf "1\n2\n3\n" >a; printf "x\ny\n" >b; $B paste a b; $B paste -d, a b; $B paste -s a'
check diff_unified -n date 'printf "a\nb\nc\n" >x; printf "a\nB\nc\nd\n" >y; $B diff -u x y; echo $?; $B diff x x; echo $?'
check cmp_files 'printf "abcdef" >a; printf "abXdeY" >b; $B cmp a b; echo $?; $B cmp -l a b; $B cmp a a; echo $?; $B cmp -s a b; echo $?'
check od_formats 'printf "AB\001\377\n" >f; $B od -c f; $B od -An -tx1 f; $B od -tx2 f; $B od -b f; $B od -An -tu4 f'
check hexdump_xxd 'printf "hello, binary \000\001\002 world\n" >f; $B hexdump -C f; $B xxd f; $B xxd -p f | $B xxd -r -p | $B cmp - f && echo roundtrip'
check checksums 'printf "The quick brown fox\n" >f; $B md5sum f; $B sha1sum f; $B sha256sum f; $B sha512sum f; $B md5sum f >sums; $B md5sum -c sums; echo x >f; $B md5sum -c sums; echo $?'
check base64_uu 'printf "binary\000data\n" >f; $B base64 f; $B base64 f | $B base64 -d | $B cmp - f && echo same; echo "aGVsbG8=" | $B base64 -d; echo; $B uuencode f f | $B uudecode -o g && $B cmp f g && echo uu'
check expand_fold 'printf "a\tb\tc\n" | $B expand; printf "a\tb\n" | $B expand -t 3; printf "a       b\n" | $B unexpand -a; echo abcdefghij | $B fold -w 3; echo "one two three" | $B fold -s -w 8'
check nl_rev_tac 'printf "a\n\nb\n" | $B nl; printf "a\nb\n" | $B nl -ba -w2 -s:; echo hello | $B rev; printf "1\n2\n3\n" | $B tac'
check seq_forms '$B seq 5 | $B tr "\n" " "; echo; $B seq 2 3 11 | $B tr "\n" " "; echo; $B seq -w 8 10 | $B tr "\n" " "; echo; $B seq -s, 1 4; $B seq 3 -1 1 | $B tr "\n" " "; echo; $B seq 0.5 0.5 2'
check printf_applet '$B printf "%5s|%-3d|%x|%o|%e|%g\n" ab 7 255 8 1.5 0.0001; $B printf "%b\n" "a\tb"; $B printf "%s\n" a b c; $B printf "%d\n" abc; echo $?'
check expr_applet '$B expr 3 + 4; $B expr 7 \* 6; $B expr length hello; $B expr substr hello 2 3; $B expr 5 \> 3; $B expr index abc c; $B expr match abc "a\(.\)"; $B expr 0; echo $?; $B expr 1 / 0; echo $?'
check test_applet '$B touch f; $B mkdir d; $B test -d d && $B test -f f && $B test ! -f nope; echo $?; $B [ 2 -gt 1 ]; echo $?; $B test -s f; echo $?; $B test a \< b; echo $?; $B [ -z "" -a -n x ]; echo $?; $B test; echo $?'
check strings_crc 'printf "\001\002abcdef\003xy\004longerstring\n" >f; $B strings f; $B strings -n 2 f; $B crc32 f; $B cksum f 2>&1 | $B head -1'
check dos_unix 'printf "a\nb\n" >f; $B unix2dos f; $B od -c f; $B dos2unix f; $B od -c f'
check bc_dc_factor 'echo "2^64; scale=5; 1/3; sqrt(2)" | $B bc; echo "2 3 + p" | $B dc; $B factor 1234567 360'
check cal_date_fixed '$B cal 2 2024; $B date -u -d @86400 "+%F %T %s %a %b %j"; $B date -u -d "2024-03-01 12:34:56" +%s; TZ=UTC0 $B date -d @0'
check shuf_sort_check '$B seq 50 | $B shuf | $B sort -n | $B md5sum; $B seq 1 5 | $B sort -c; echo $?; printf "b\na\n" | $B sort -c; echo $?'
check tee_applet 'echo data | $B tee a b >/dev/null; $B cat a b; echo more | $B tee -a a; $B cat a'
check sha3_sum 'echo abc | $B sha3sum; echo abc | $B sha3sum -a 512'

# ---- file tools
check touch_mkdir_p '$B mkdir -p a/b/c; $B touch a/b/c/f a/g; $B find a | $B sort; $B mkdir -p a/b/c; echo $?; $B mkdir a; echo $?; $B mkdir -m 700 m; $B stat -c %a m'
check rm_r '$B mkdir -p a/b/c; $B touch a/b/c/f a/x; $B rm -r a; [ -e a ] || echo gone; $B rm nope; echo $?; $B rm -f nope; echo $?; $B mkdir d; $B rm d; echo $?; $B rmdir d; echo $?'
check rmdir_nonempty '$B mkdir -p d/e; $B rmdir d; echo $?; $B rmdir -p d/e; echo $?; [ -e d ] || echo gone'
check cp_r '$B mkdir -p s/d; echo x >s/d/f; echo y >s/g; $B cp -r s t; $B find t | $B sort; $B cat t/d/f t/g; $B cp s t2; echo $?'
check cp_p '$B touch -d "2020-01-02 03:04:05" f; $B chmod 640 f; $B cp -p f g; $B stat -c "%a %Y %y" g; $B cp f h; $B stat -c "%a" h'
check cp_sendfile '$B seq 1 20000 >a; $B cp a b; $B cmp a b && $B md5sum b; $B stat -c %s b; $B cat a a >c; $B wc -c c'
check mv_same_dir 'echo 1 >a; $B mv a b; $B ls; $B cat b; $B mv nope x; echo $?'
check mv_across_dirs '$B mkdir d e; echo 1 >d/a; $B mv d/a e/; $B ls d e; $B mv e d/; $B find . | $B sort'
check rename_over_existing 'echo 1 >a; echo 2 >b; $B mv a b; $B cat b; $B ls; $B mkdir d; echo 3 >c; $B mv c d; $B ls d; $B mkdir e; $B mv -f e d/; $B ls d'
check hard_links 'echo x >a; $B ln a b; $B stat -c "%h %s" a b; [ "$($B stat -c %i a)" = "$($B stat -c %i b)" ] && echo same-inode; echo y >>b; $B cat a; $B rm a; $B stat -c %h b; $B ln b b; echo $?'
check symlinks 'echo x >t; $B ln -s t l; $B readlink l; $B cat l; $B ln -s nowhere dang; $B cat dang; echo $?; $B stat -c "%F %N" l; $B stat -L -c %F l; $B ln -sf t l2; $B ln -s t l; echo $?; $B ls -l l | $B cut -d" " -f1'
check symlink_loop '$B ln -s a b; $B ln -s b a; $B cat a; echo $?; $B ls -L a; echo $?; $B ln -s self self; [ -e self ]; echo $?'
check symlink_dir '$B mkdir -p d/e; echo f >d/e/f; $B ln -s d/e le; $B cat le/f; $B ls le; $B ln -s ../.. d/e/up; $B ls d/e/up/d'
check readlink_realpath '$B mkdir -p x/y; $B ln -s x/y z; $B realpath z/..; $B readlink -f z; $B realpath x/./y/../y; $B readlink z; $B readlink x; echo $?; $B realpath nope/foo; echo $?'
check enotdir '$B touch f; $B cat f/x; echo $?; $B mkdir f/d; echo $?; $B ls f/; echo $?; $B cd f 2>&1; cd f; echo $?'
check stat_formats '$B touch -d "2001-02-03 04:05:06" f; printf 12345 >g; $B mkdir d; $B ln -s g l; $B mkfifo p; $B chmod 604 g; $B stat -c "%n %a %A %s %F %h %u %g %U %G" f g d l p; $B stat -c "%y %Y %X" f; $B stat -f -c %t . >/dev/null; echo $?'
check stat_dev_null '$B stat -c "%F %t:%T %a" /dev/null; [ -c /dev/null ] && echo char; echo x >/dev/null; $B cat /dev/null | $B wc -c'
check chmod_modes '$B touch f; $B chmod 751 f; $B stat -c %a f; $B chmod u-x,g+w,o= f; $B stat -c %A f; $B chmod a+r f; $B stat -c %a f; $B chmod =x f; $B stat -c %A f; $B chmod 4755 f; $B stat -c %A f; $B mkdir -p d/e; $B chmod -R 700 d; $B stat -c %a d d/e; $B chmod 999 f; echo $?'
check chown_ids '$B touch f; $B chown 65534:65534 f; $B stat -c "%u %g %U %G" f; $B chown root f; $B stat -c "%u %g" f; $B chgrp nogroup f; $B stat -c %G f; $B chown nosuchuser f; echo $?'
check ls_l -n date '$B touch -d "2001-02-03 04:05:06" f; printf 12345 >g; $B ln -s g l; $B chmod 640 g; $B ls -l f g l; $B ls -ln f'
check ls_la -n date '$B touch -d "2001-02-03 04:05:06" f; $B mkdir d; $B ls -la; $B ls -a; $B ls -A'
check ls_1_R '$B mkdir -p a/b; $B touch a/x a/b/y z; $B ls -1; $B ls -R; $B ls -d a; $B ls nope; echo $?'
check ls_sort_flags '$B touch -d "2001-01-01" old; $B touch -d "2010-01-01" new; printf 123 >big; $B touch -d "2005-01-01" big; $B ls -t; $B ls -S; $B ls -r; $B ls -F; $B ls -p'
check find_tests '$B mkdir -p a/b; echo 12345678901234567890 >a/big; $B touch a/x.c a/b/y.c; $B ln -s x.c a/l; $B find a -name "*.c" | $B sort; $B find a -type d | $B sort; $B find a -type l; $B find a -type f -size +0 | $B sort; $B find a -maxdepth 1 -type f | $B sort; $B find a -name nothing; $B find nope; echo $?'
check find_newer_exec '$B mkdir a; $B touch -d "2001-01-01" a/old; $B touch -d "2002-01-01" ref; $B touch a/new; $B find a -newer ref; $B find a -type f -exec $B echo got {} \; | $B sort; $B find a -type f -exec $B ls {} + | $B sort; $B find a -type f -print0 | $B xargs -0 $B basename | $B sort'
check du_sizes '$B mkdir -p d/e; $B dd if=/dev/zero of=d/f bs=1024 count=10 2>/dev/null; $B dd if=/dev/zero of=d/e/g bs=1024 count=5 2>/dev/null; $B du -s d; $B du -a d | $B sort -k2; $B du -sk d/f'
check dd_blocks '$B dd if=/dev/zero bs=512 count=4 status=noxfer 2>err | $B wc -c; $B cat err; $B seq 1000 >f; $B dd if=f of=g bs=100 skip=2 count=3 status=noxfer; $B cat g | $B head -2; $B dd if=f bs=1 count=5 2>/dev/null; echo; printf abc | $B dd conv=ucase 2>/dev/null; echo; $B dd if=f of=h bs=10 seek=2 count=1 2>/dev/null; $B od -c h | $B head -2'
check truncate_sizes 'echo hello >f; $B truncate -s 10 f; $B stat -c %s f; $B od -c f; $B truncate -s 3 f; $B cat f; echo; $B truncate -s +5 f; $B stat -c %s f; $B truncate -c -s 1 nope; [ -e nope ] || echo not-created; $B truncate -s 0 f; $B stat -c %s f'
check mkfifo_io '$B mkfifo p; $B stat -c "%F %a" p; (echo via-fifo >p &); $B cat p; $B mkfifo -m 600 q; $B stat -c %a q; $B mkfifo p; echo $?'
check touch_times '$B touch -d "2001-02-03 04:05:06" f; $B stat -c "%Y %X" f; $B touch -d "2011-02-03 04:05:06" -a f; $B stat -c "%Y %X" f; $B touch -r f g; $B stat -c "%Y" g; $B touch -c nope; [ -e nope ] || echo not-created; $B touch -t 200001010000.30 h; $B stat -c %Y h'
check sync_basename 'echo x >f; $B sync; echo $?; $B sync f; echo $?; $B basename /a/b/c.txt; $B basename /a/b/c.txt .txt; $B basename /; $B dirname /a/b/c; $B dirname c; $B dirname /; $B basename a/b/'
check mktemp_shape 'f=$($B mktemp); echo $f | $B sed "s/tmp\.[A-Za-z0-9]\{6\}\$/tmp.XXXXXX/"; $B stat -c "%a %s %F" $f; $B rm $f; d=$($B mktemp -d); $B stat -c "%a %F" $d; $B rmdir $d; $B mktemp -p . foo.XXXX | $B sed "s/foo\.[A-Za-z0-9]\{4\}\$/foo.XXXX/"; $B mktemp bad; echo $?'
check unlink_link_applets 'echo x >a; $B link a b; $B stat -c %h a; $B unlink a; $B stat -c %h b; $B unlink a; echo $?'
check pwd_cd_dotdot '$B mkdir -p a/b; cd a/b; $B pwd; cd ../..; $B ls -a a; cd a/../a/b/.; $B pwd'
check shred_urandom 'echo secret >f; $B shred -u f; [ -e f ] || echo shredded'
check fallocate_size '$B fallocate -l 4096 g; $B stat -c %s g; $B fallocate -o 4096 -l 100 g; $B stat -c %s g'

# ---- archives
check tar_create_list -n date '$B mkdir -p d/sub; echo a >d/a; echo b >d/sub/b; $B tar cf t.tar d; $B tar tf t.tar | $B sort; $B tar tvf t.tar | $B sort -k6 | $B cut -c1-30; $B mkdir x; $B tar xf t.tar -C x; $B find x | $B sort; $B cat x/d/sub/b'
check tar_deterministic 'echo a >a; echo bb >b; $B touch -d "2001-02-03 04:05:06" a b; $B tar cf - a b | $B md5sum; $B tar cf - a b | $B tar tvf -'
check tar_gzip '$B mkdir d bin; $B ln -s $B bin/gzip; $B seq 1 500 >d/f; PATH=$PWD/bin $B tar czf t.tgz d; $B tar tzf t.tgz | $B sort; $B mkdir x; cd x; $B tar xzf ../t.tgz; $B md5sum d/f; $B gunzip -c ../t.tgz | $B tar t | $B sort'
check tar_stdin_bad 'echo notatar | $B tar tf -; echo $?; $B tar xf nope.tar; echo $?'
check gzip_roundtrip '$B seq 1 1000 >f; $B touch -d "2001-02-03 04:05:06" f; $B gzip -c f | $B md5sum; $B gzip -k f 2>/dev/null || $B gzip -c f >f.gz; $B ls f*; $B rm f; $B gunzip f.gz; $B md5sum f; $B gzip f; $B zcat f.gz | $B tail -1; $B gzip -t f.gz; echo $?; echo junk | $B gunzip; echo $?'
check bzip2_roundtrip '$B seq 1 1000 >f; $B bzip2 -c f | $B md5sum; $B bzip2 f; $B ls; $B bzcat f.bz2 | $B wc -l; $B bunzip2 f.bz2; $B md5sum f'
check cpio_roundtrip '$B mkdir d; echo a >d/a; echo b >d/b; $B touch -d "2001-02-03 04:05:06" d/a d/b; printf "d/a\nd/b\n" | $B cpio -o -H newc >x.cpio 2>err; $B cat err; $B cpio -t <x.cpio 2>&1; $B mkdir out; cd out; $B cpio -i -d <../x.cpio 2>&1; $B cat d/a d/b; $B cpio -i -m -d -u <../x.cpio 2>/dev/null; $B stat -c %Y d/a'
check lzop_xz_absent 'echo x | $B lzop -c | $B lzop -dc; echo $?'

# ---- processes and the system
check sleep_true_false '$B sleep 0.2; echo $?; $B sleep 0; echo $?; $B true; echo $?; $B false; echo $?; $B sleep abc; echo $?; $B usleep 1000; echo $?'
check kill_signals '$B sleep 5 & $B kill $!; wait $! 2>/dev/null; echo $?; $B sleep 5 & $B kill -s KILL $!; wait $! 2>/dev/null; echo $?; $B kill -l 9 15 1; $B kill -0 $$; echo $?; $B kill 999999; echo $?'
check timeout_applet '$B timeout 1 $B sleep 3; echo $?; $B timeout 5 $B true; echo $?; $B timeout 5 $B sh -c "exit 7"; echo $?; $B timeout -s KILL 1 $B sleep 3; echo $?'
check env_applet '$B env | $B sort; $B env -i A=1 B=2 $B env; $B env -u HOME $B env | $B sort; $B env X=1 $B sh -c "echo \$X"'
check id_user '$B id; $B id -u; $B id -g; $B id -un; $B id -gn; $B whoami; $B groups; $B id nobody; $B logname; echo $?'
check su_nobody 'nobody $B id; nobody $B whoami'
check nonroot_chmod_chown '$B touch f; nobody $B chmod 777 f; echo $?; nobody $B chown 65534 f; echo $?; $B stat -c "%a %u" f'
check nonroot_access 'echo x >f; $B chmod 600 f; nobody $B cat f; echo $?; nobody $B touch new; echo $?; $B chmod 777 .; nobody "echo y >mine; $B chmod 640 mine; $B stat -c \"%a %u %g\" mine; $B rm f; echo \$?"'
check nonroot_own_chown 'chmod 777 .; nobody "$B touch g; $B chown 65534:65534 g; echo \$?; $B chown 0 g; echo \$?"'
check hostname_uname -n uname '$B hostname; $B uname -n; $B uname -s; $B uname -r; $B uname -a'
check uname_m '$B uname -m; $B uname -p; $B arch'
check date_year '$B date +%Y; $B date -u +%Y; $B date -u | $B wc -w'
check date_default -n date '$B date; $B date -u'
check xargs_forms '$B seq 1 10 | $B xargs -n 3 $B echo; printf "a\nb\n" | $B xargs -I{} $B echo x{}y; echo 2 | $B xargs $B expr 5 +; echo | $B xargs -r $B echo never; $B seq 3 | $B xargs -t $B echo 2>&1; $B seq 2 | $B xargs $B false; echo $?'
check absent_applets '$B nohup $B true; echo $?; $B nice $B true; echo $?; $B join a b; echo $?; $B comm a b; echo $?'
check nproc '$B nproc'
check urandom_getrandom '$B head -c 16 /dev/urandom | $B wc -c'
check dev_zero '$B head -c 100 /dev/zero | $B od -An -tx1 | $B head -2; $B dd if=/dev/zero bs=1000 count=1 2>/dev/null | $B wc -c'
check tty_stty 'tty; echo $?; $B tty; echo $?; $B stty 2>&1; echo $?'
check setsid_run '$B setsid $B sh -c "echo in-setsid"; echo $?'
check which_applets '$B which sh; echo $?; $B busybox --list | $B wc -l; $B --help 2>&1 | $B head -1'
check proc_ps -n num '$B ln -s $B usleep; ./usleep 7000000 & p=$!; $B sleep 0.3; $B ps | $B awk "\$1 == \"PID\" || \$3 == \"./usleep\""; kill $p; wait $p 2>/dev/null'
check proc_pidof_killall '$B ln -s $B usleep; ./usleep 8000000 & p=$!; $B sleep 0.3; [ "$($B pidof usleep)" = "$p" ] && echo pidof-ok; $B killall usleep; wait $p 2>/dev/null; echo $?; $B pidof usleep; echo $?; $B killall nosuch; echo $?'
check proc_top -n num '$B ln -s $B usleep; ./usleep 9000000 & p=$!; $B sleep 0.3; $B top -bn1 | $B awk "/^(Mem|CPU|Load average):/ || \$1 == \"PID\" || (NF > 1 && \$(NF-1) == \"./usleep\")"; kill $p; wait $p 2>/dev/null'
check proc_free -n num '$B free; $B free -m | $B head -1'
check proc_uptime -n uptime '$B uptime; $B awk "{print NF}" /proc/uptime'
check proc_mount_df '$B mount | $B awk "\$3 == \"/\" {n++} END {print (n > 0)}"; $B mount >/dev/null; echo $?; $B df / | $B head -1; $B df / | $B awk "NR > 1 {print NF, \$NF}"; $B df -P /tmp | $B awk "NR == 1 {print NF}"'
check proc_self_exe '$B readlink /proc/self/exe; $B ls /proc/self/fd; $B readlink /proc/self/cwd; $B ls -l /proc/self/fd/0 | $B sed "s/.*-> //"'
check proc_self_status '$B grep -e "^Name" -e "^State" -e "^Uid" /proc/self/status; $B tr "\0" " " </proc/self/cmdline; echo; $B cat /proc/self/comm; $B cut -d" " -f2,3 /proc/self/stat'
check proc_files_shape '$B head -1 /proc/meminfo | $B sed "s/  *[0-9][0-9]* kB/ N kB/"; $B awk "{print NF}" /proc/loadavg; $B grep -c . /proc/version; $B grep -w proc /proc/filesystems; $B awk "{print NF}" /proc/self/statm; $B grep -c "^cpu " /proc/stat'
check cpuinfo_shape '$B grep -c ^processor /proc/cpuinfo; $B grep -m1 "model name" /proc/cpuinfo'
check proc_environ_maps '$B cat /proc/self/environ | $B tr "\0" "\n" | $B sort; $B grep -c busybox /proc/self/maps | $B sed "s/[1-9][0-9]*/some/"'
check dmesg_klog '$B dmesg >/dev/null; echo $?; $B dmesg -c >/dev/null; echo $?'
check time_applet '$B time $B true 2>&1 | $B sed "s/[0-9.]\+/N/g"'
