#!/usr/bin/env python3
"""Raw GDB Remote Serial Protocol checks against Procyon's gdbserver: speaks
to 127.0.0.1:PORT (argv[1]) without gdb, sends well-formed and malformed
packets and prints one "[TEST] PASS gdb_rsp_NAME" / "[TEST] FAIL ..." line
per check. The inferior is killed at the end (k). Used by run-gdb-test."""
import socket
import sys
import time

fails = 0


def result(name, ok, why):
    global fails
    if ok:
        print(f"[TEST] PASS gdb_rsp_{name}")
    else:
        fails += 1
        print(f"[TEST] FAIL gdb_rsp_{name}: {why}")


class Stub:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.buf = b""
        self.ack = True

    def byte(self):
        while not self.buf:
            data = self.s.recv(4096)
            if not data:
                raise EOFError("connection closed")
            self.buf += data
        b, self.buf = self.buf[:1], self.buf[1:]
        return b

    def frame(self, body):
        return b"$" + body + b"#%02x" % (sum(body) & 0xFF)

    def reply(self):
        """The next packet body, acking it; '-' and '+' bytes are returned as is."""
        while True:
            b = self.byte()
            if b in (b"+", b"-"):
                return b
            if b == b"$":
                break
        body = b""
        while (b := self.byte()) != b"#":
            body += b
        csum = self.byte() + self.byte()
        if self.ack:
            self.s.sendall(b"+")
        if int(csum, 16) != sum(body) & 0xFF:
            raise ValueError(f"bad checksum on {body!r}")
        return body

    def ask(self, body):
        self.s.sendall(self.frame(body))
        r = self.reply()
        if self.ack:
            if r != b"+":
                return b"<no ack: " + r + b">"
            r = self.reply()
        return r


def main():
    st = Stub(int(sys.argv[1]))
    r = st.ask(b"qSupported:multiprocess+;swbreak+;xmlRegisters=i386")
    result("qsupported", b"PacketSize=" in r and b"swbreak+" in r and b"QStartNoAckMode+" in r, r)
    r = st.ask(b"?")
    result("initial_stop", r.startswith(b"T05") and b"thread:" in r, r)
    # A corrupted checksum is answered with '-'.
    st.s.sendall(b"$g#00")
    result("bad_checksum_nak", st.reply() == b"-", "no '-'")
    r = st.ask(b"g")
    result("g_length", len(r) == 2 * 560, f"{len(r)} hex digits")
    rip_hex = r[256:272]
    rip = int.from_bytes(bytes.fromhex(rip_hex.decode()), "little")
    result("g_rip_user", 0x400000 <= rip < 0x800000000000, hex(rip))
    result("unknown_packet_empty", st.ask(b"jabberwocky") == b"", "not empty")
    result("m_garbage", st.ask(b"mxyz,4").startswith(b"E"), "no error")
    result("m_unmapped", st.ask(b"m0,4").startswith(b"E"), "no error")
    result("m_kernel_addr", st.ask(b"mffffffff80000000,4").startswith(b"E"), "no error")
    result("m_huge_len", len(st.ask(b"m%x,ffffffffffff" % rip)) > 0, "empty")
    result("M_bad_hex", st.ask(b"M%x,2:zz00" % rip).startswith(b"E"), "no error")
    result("M_short_data", st.ask(b"M%x,4:00" % rip).startswith(b"E"), "no error")
    result("X_probe", st.ask(b"X%x,0:" % rip) == b"OK", "X not supported")
    result("G_bad_length", st.ask(b"G123").startswith(b"E"), "no error")
    result("p_rip", st.ask(b"p10") == r[256:272], "p10 differs from g")
    result("p_out_of_range", st.ask(b"p99").startswith(b"E"), "no error")
    bad_rip = (0x0000900000000000).to_bytes(8, "little").hex().encode()
    result("P_noncanonical_rip_einval", st.ask(b"P10=" + bad_rip) == b"E01", "not E01")
    result("P_rip_unchanged", st.ask(b"p10") == r[256:272], "rip changed")
    result("P_bad_value", st.ask(b"P10=12").startswith(b"E"), "no error")
    result("Z0_unmapped", st.ask(b"Z0,10,1").startswith(b"E"), "no error")
    # Hardware breakpoints and watchpoints: four debug registers.
    result("Z1_ok", st.ask(b"Z1,%x,1" % rip) == b"OK", "not OK")
    result("z1_ok", st.ask(b"z1,%x,1" % rip) == b"OK", "not OK")
    result("Z1_bad_kind", st.ask(b"Z1,%x,4" % rip).startswith(b"E"), "no error")
    result("Z2_kernel_addr", st.ask(b"Z2,ffffffff80000000,8").startswith(b"E"), "no error")
    result("Z2_noncanonical", st.ask(b"Z2,800000000000,8").startswith(b"E"), "no error")
    result("Z2_crosses_top", st.ask(b"Z2,7ffffffffffc,8").startswith(b"E"), "no error")
    result("Z2_len_zero", st.ask(b"Z2,%x,0" % rip).startswith(b"E"), "no error")
    result("Z2_huge_len", st.ask(b"Z2,%x,ffffffffffffffff" % rip).startswith(b"E"), "no error")
    result("Z4_garbage", st.ask(b"Z4,%x,zz" % rip).startswith(b"E"), "no error")
    result("Z3_unsupported", st.ask(b"Z3,%x,8" % rip) == b"", "not empty (Linux's gdbserver refuses Z3)")
    result("Z2_four_slots", all(st.ask(b"Z2,%x,8" % (0x10000 + 8 * i)) == b"OK" for i in range(4)), "not OK")
    result("Z2_fifth_refused", st.ask(b"Z2,10020,8").startswith(b"E"), "no error")
    result("Z1_no_slot_left", st.ask(b"Z1,%x,1" % rip).startswith(b"E"), "no error")
    result("z2_all", all(st.ask(b"z2,%x,8" % (0x10000 + 8 * i)) == b"OK" for i in range(4)), "not OK")
    result("Z2_unaligned_split", st.ask(b"Z2,10002,8") == b"OK", "not OK (needs 3 registers: 2, 4, 2)")
    result("Z4_after_split", st.ask(b"Z4,10020,8") == b"OK", "not OK (one register left)")
    result("Z4_none_left", st.ask(b"Z4,10028,1").startswith(b"E"), "no error")
    result("z_split_removed", st.ask(b"z2,10002,8") == b"OK" and st.ask(b"z4,10020,8") == b"OK", "not OK")
    result("z2_absent_ok", st.ask(b"z2,10040,8") == b"OK", "not OK")
    # $_siginfo: the stop's siginfo_t; a write only at a signal stop.
    r = st.ask(b"qXfer:siginfo:read::0,200")
    result("siginfo_read", r[:1] == b"l" and len(r) > 1, r[:20])
    result("siginfo_bad_offset", st.ask(b"qXfer:siginfo:read::81,10").startswith(b"E"), "no error")
    result("siginfo_garbage", st.ask(b"qXfer:siginfo:read::zz").startswith(b"E"), "no error")
    result("siginfo_annex", st.ask(b"qXfer:siginfo:read:x:0,10").startswith(b"E"), "no error")
    result("siginfo_write_not_signal_stop", st.ask(b"qXfer:siginfo:write::0:\x05").startswith(b"E"), "no error")
    result("siginfo_write_bad_offset", st.ask(b"qXfer:siginfo:write::100:\x05").startswith(b"E"), "no error")
    result("pass_signals", st.ask(b"QPassSignals:e;14") == b"OK", "not OK")
    result("pass_signals_garbage", st.ask(b"QPassSignals:zz").startswith(b"E"), "no error")
    result("pass_signals_clear", st.ask(b"QPassSignals:") == b"OK", "not OK")
    result("z0_absent_ok", st.ask(b"z0,%x,1" % rip) == b"OK", "not OK")
    result("vcont_query", st.ask(b"vCont?").startswith(b"vCont;"), "no vCont")
    result("vcont_garbage", st.ask(b"vCont;q").startswith(b"E"), "no error")
    result("C_garbage", st.ask(b"Czz").startswith(b"E"), "no error")
    result("long_packet_E01", st.ask(b"M" + b"0" * 5000).startswith(b"E"), "no error")
    # Registers: GDB's amd64-linux numbering, 60 of them.
    result("p_orig_rax", len(st.ask(b"p39")) == 16, "no orig_rax (57)")
    result("p_gs_base", len(st.ask(b"p3b")) == 16, "no gs_base (59)")
    result("p_past_last", st.ask(b"p3c").startswith(b"E"), "no error")
    result("P_past_last", st.ask(b"P3c=0000000000000000").startswith(b"E"), "no error")
    result("p_garbage", st.ask(b"pzz").startswith(b"E"), "no error")
    xml, r = b"", b"m"
    while r[:1] == b"m" and len(xml) < 100000:
        r = st.ask(b"qXfer:features:read:target.xml:%x,800" % len(xml))
        xml += r[1:]
    result("tdesc", r[:1] == b"l" and b"org.gnu.gdb.i386.linux" in xml and b"orig_rax" in xml
           and xml.rstrip().endswith(b"</target>"), xml[-60:])
    result("tdesc_unknown_annex", st.ask(b"qXfer:features:read:nope.xml:0,10").startswith(b"E"), "no error")
    result("qxfer_bad_offset", st.ask(b"qXfer:features:read:target.xml:zz").startswith(b"E"), "no error")
    # Breakpoints: bad kinds and types.
    result("Z0_bad_kind", st.ask(b"Z0,%x,4" % rip).startswith(b"E"), "no error")
    result("Z0_garbage", st.ask(b"Z0,zz,1").startswith(b"E"), "no error")
    result("Z9_unsupported", st.ask(b"Z9,%x,1" % rip) == b"", "not empty")
    result("Z_no_type", st.ask(b"Z").startswith(b"E"), "no error")
    # Huge lengths in M and X.
    result("M_huge_len", st.ask(b"M%x,ffffffffffffffff:00" % rip).startswith(b"E"), "no error")
    result("X_huge_len", st.ask(b"X%x,ffffffff:a" % rip).startswith(b"E"), "no error")
    result("m_overflow_addr", st.ask(b"mffffffffffffffff,10").startswith(b"E"), "no error")
    # Threads and processes.
    qc = st.ask(b"qC")
    pid = qc[2:].split(b".")[-1]
    tid = qc[2:]
    result("H_unknown", st.ask(b"Hgp7ffffff.7ffffff").startswith(b"E"), "no error")
    result("H_garbage", st.ask(b"Hgxyz").startswith(b"E"), "no error")
    result("Hg_process_only", st.ask(b"Hgp" + pid) == b"OK" and st.ask(b"qC") == qc, "not the thread")
    result("Hc_thread", st.ask(b"Hc" + tid) == b"OK" and st.ask(b"Hc0") == b"OK", "not OK")
    result("thread_info_first", st.ask(b"qfThreadInfo") == b"m" + tid, "not the one thread")
    result("thread_info_last", st.ask(b"qsThreadInfo") == b"l", "not l")
    result("thread_alive", st.ask(b"T" + tid) == b"OK", "not OK")
    result("thread_alive_unknown", st.ask(b"Tp%s.7ffffff" % pid).startswith(b"E"), "no error")
    r = st.ask(b"qXfer:threads:read::0,1000")
    result("qxfer_threads", r.startswith(b"l") and b'id="' + tid + b'"' in r
           and b'name="gdbtarget"' in r, r)
    result("thread_events_on", st.ask(b"QThreadEvents:1") == b"OK", "not OK")
    result("thread_events_off", st.ask(b"QThreadEvents:0") == b"OK", "not OK")
    result("thread_events_garbage", st.ask(b"QThreadEvents:2").startswith(b"E"), "no error")
    # Debian's gdbserver does not answer qThreadExtraInfo either.
    result("thread_extra_info_empty", st.ask(b"qThreadExtraInfo," + tid) == b"", "not empty")
    result("vcont_unknown_thread", st.ask(b"vCont;c:p7ffffff.7ffffff").startswith(b"E"), "no error")
    result("vcont_range_garbage", st.ask(b"vCont;rzz:" + tid).startswith(b"E"), "no error")
    result("vcont_range_no_end", st.ask(b"vCont;r10:" + tid).startswith(b"E"), "no error")
    result("vKill_unknown", st.ask(b"vKill;7ffffff").startswith(b"E"), "no error")
    result("vAttach_garbage", st.ask(b"vAttach;zz").startswith(b"E"), "no error")
    result("vAttach_self_traced", st.ask(b"vAttach;" + pid).startswith(b"E"), "no error")
    result("vRun_missing", st.ask(b"vRun;" + b"/bin/nonexistent".hex().encode()).startswith(b"E"), "no error")
    result("vRun_bad_hex", st.ask(b"vRun;zz").startswith(b"E"), "no error")
    result("catch_syscalls_garbage", st.ask(b"QCatchSyscalls:1;zz").startswith(b"E"), "no error")
    result("catch_syscalls_off", st.ask(b"QCatchSyscalls:0") == b"OK", "not OK")
    # vFile: /proc/PID/... is served; paths that climb out are refused.
    def vopen(path):
        return st.ask(b"vFile:open:" + path.hex().encode() + b",0,0")
    r = vopen(b"/proc/" + str(int(pid, 16)).encode() + b"/cmdline")
    ok = r.startswith(b"F") and not r.startswith(b"F-")
    result("vfile_open_cmdline", ok, r)
    if ok:
        fd = r[1:]
        data = st.ask(b"vFile:pread:" + fd + b",100,0")
        result("vfile_pread_cmdline", data.startswith(b"F") and b"gdbtarget" in data, data)
        result("vfile_close", st.ask(b"vFile:close:" + fd) == b"F0", "not F0")
    result("vfile_escape", vopen(b"/proc/1/../../bin/sh").startswith(b"F-1"), "not refused")
    result("vfile_relative", vopen(b"bin/sh").startswith(b"F-1"), "not refused")
    result("vfile_write_refused", st.ask(b"vFile:open:" + b"/tmp/x".hex().encode() + b",601,1ff").startswith(b"F-1"), "not refused")
    result("vfile_bad_fd", st.ask(b"vFile:pread:ff,10,0").startswith(b"F-1"), "not refused")
    result("vfile_garbage", st.ask(b"vFile:open:zz").startswith(b"F-1"), "not refused")
    r = st.ask(b"vFile:readlink:" + (b"/proc/" + str(int(pid, 16)).encode() + b"/exe").hex().encode())
    result("vfile_readlink_exe", r.startswith(b"F") and b"/bin/gdbtarget" in r, r)
    r = st.ask(b"qXfer:exec-file:read:" + pid + b":0,100")
    result("qxfer_exec_file", r == b"l/bin/gdbtarget", r)
    r = st.ask(b"QStartNoAckMode")
    result("noack_ok", r == b"OK", r)
    st.ack = False
    time.sleep(0.2)
    st.buf = st.buf.lstrip(b"+")
    result("noack_works", st.ask(b"qC").startswith(b"QC"), "no reply")
    # One real step: rip moves.
    r = st.ask(b"s")
    result("step_stop", r.startswith(b"T05"), r)
    after = st.ask(b"p10")
    result("step_moves_rip", len(after) == 16 and after != rip_hex, after)
    # A range step (vCont;r) over [rip, rip+1): one instruction, then out.
    if len(after) == 16:
        here = int.from_bytes(bytes.fromhex(after.decode()), "little")
        r = st.ask(b"vCont;r%x,%x:%s" % (here, here + 1, tid))
        out = st.ask(b"p10")
        result("vcont_range_step", r.startswith(b"T05") and out not in (after, rip_hex), r + b" " + out)
        st.ask(b"P10=" + after)
    # A hardware breakpoint at that next instruction: back to the entry,
    # continue, stop before it (rip = its address); a step from the hit
    # runs it once (the kernel resumes with RF).
    if len(after) == 16:
        rip2 = int.from_bytes(bytes.fromhex(after.decode()), "little")
        ok = st.ask(b"P10=" + rip_hex) == b"OK" and st.ask(b"Z1,%x,1" % rip2) == b"OK"
        result("Z1_ahead", ok, "not OK")
        r = st.ask(b"c")
        result("Z1_hit", r.startswith(b"T05") and st.ask(b"p10") == after, r)
        r = st.ask(b"s")
        result("Z1_step_from_hit", r.startswith(b"T05") and st.ask(b"p10") not in (after, rip_hex), r)
        result("z1_after_hit", st.ask(b"z1,%x,1" % rip2) == b"OK", "not OK")
    st.s.sendall(st.frame(b"k"))
    time.sleep(0.5)
    sys.exit(1 if fails else 0)


if __name__ == "__main__":
    try:
        main()
    except (OSError, EOFError, ValueError) as e:
        result("session", False, repr(e))
        sys.exit(1)
