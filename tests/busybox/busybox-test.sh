# Runs inside Procyon under Debian's unmodified busybox-static (glibc,
# static): `init=/extra/busybox init_args=sh,/extra/busybox-test.sh`. Each
# check prints one [TEST] line for tools/run-tests; the script's exit status
# is the number of failures, which init passes to QEMU.
B=/extra/busybox
fails=0
check() {
	name=$1
	shift
	if "$@" >/tmp/bb.out 2>&1; then
		echo "[TEST] PASS busybox_$name"
	else
		echo "[TEST] FAIL busybox_$name: $($B head -c 200 /tmp/bb.out | $B tr '\n' ' ')"
		fails=$((fails + 1))
	fi
}
check echo $B sh -c "test \"\$($B echo hello)\" = hello"
check arithmetic $B sh -c 'test $((6 * 7)) = 42'
check pipeline $B sh -c "test \"\$($B seq 1 100 | $B wc -l)\" = 100"
check ls_long $B sh -c "$B ls -l /bin | $B grep -q ' ktest\$'"
check tmp_write_read_remove $B sh -c "echo data >/tmp/bb.f && test \"\$($B cat /tmp/bb.f)\" = data && $B rm /tmp/bb.f && ! test -e /tmp/bb.f"
check mkdir_rmdir $B sh -c "$B mkdir /tmp/bb.d && test -d /tmp/bb.d && $B rmdir /tmp/bb.d"
check sed_sort $B sh -c "test \"\$(printf 'b\na\n' | $B sort | $B sed -n 1p)\" = a"
check scheme_paths $B sh -c "$B cat proc:self/status | $B grep -q '^name busybox' && $B ls /scheme | $B grep -q proc"
check background_and_wait $B sh -c "$B sleep 0.1 & wait \$!"
check exit_status $B sh -c "$B false; test \$? = 1"
exit $fails
