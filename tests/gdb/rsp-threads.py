#!/usr/bin/env python3
"""Raw GDB Remote Serial Protocol checks of threads against Procyon's
gdbserver serving gdbthreads (tests/gdb/gdbthreads.c, the baton): speaks to
127.0.0.1:PORT (argv[1]) without gdb, takes symbol addresses from the ELF
file argv[2] (nm), and prints one "[TEST] PASS gdb_rspt_NAME" / "[TEST] FAIL
..." line per check. What GDB 13 never asks for in all-stop is here:
QThreadEvents (a "create" stop for each new thread, "w" for each thread
that exits), and, at the raw level, Hg and T per thread, a step of one
thread with the others left stopped, and the exit of the whole process.
Used by run-gdb-test (session 6)."""
import importlib.util
import os
import re
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("rsp", os.path.join(here, "rsp-robustness.py"))
rsp = importlib.util.module_from_spec(spec)
spec.loader.exec_module(rsp)

fails = 0


def result(name, ok, why):
    global fails
    if ok:
        print(f"[TEST] PASS gdb_rspt_{name}")
    else:
        fails += 1
        print(f"[TEST] FAIL gdb_rspt_{name}: {why}")


def symbols(path):
    out = subprocess.run(["nm", path], capture_output=True, text=True, check=True).stdout
    return {f[2]: int(f[0], 16) for f in (l.split() for l in out.splitlines()) if len(f) == 3}


def thread_of(reply):
    m = re.search(rb"thread:([^;]+);", reply)
    return m.group(1) if m else None


def rip_of(st, tid):
    st.ask(b"Hg" + tid)
    r = st.ask(b"p10")
    return int.from_bytes(bytes.fromhex(r.decode()), "little") if len(r) == 16 else -1


def main():
    sym = symbols(sys.argv[2])
    st = rsp.Stub(int(sys.argv[1]))
    st.ask(b"qSupported:multiprocess+;swbreak+;QThreadEvents+")
    first = thread_of(st.ask(b"?"))
    pid = first[1:].split(b".")[0]
    result("thread_events_on", st.ask(b"QThreadEvents:1") == b"OK", "not OK")
    st.ask(b"Z0,%x,1" % sym["all_ready"])
    # Each of the three workers: a create stop of the new thread.
    made = []
    for i in range(3):
        r = st.ask(b"vCont;c")
        made.append(thread_of(r))
        result(f"create_{i + 1}", r.startswith(b"T05create:;") and made[-1] not in (None, first), r)
    r = st.ask(b"qfThreadInfo")
    listed = r[1:].split(b",") if r.startswith(b"m") else []
    result("thread_info_order", listed == [first] + made and st.ask(b"qsThreadInfo") == b"l", r)
    r = st.ask(b"vCont;c")
    result("main_breakpoint", r.startswith(b"T05swbreak:;") and thread_of(r) == first, r)
    park = sym["park"]
    rips = [rip_of(st, t) for t in made]
    result("workers_parked", all(park <= x < park + 0x80 for x in rips), [hex(x) for x in rips])
    result("hg_first_again", rip_of(st, first) == sym["all_ready"], "rip is not all_ready")
    st.ask(b"z0,%x,1" % sym["all_ready"])
    st.ask(b"Z0,%x,1" % sym["work"])
    # Worker 2 (the second thread made) runs into work(2).
    r = st.ask(b"vCont;c")
    w2 = made[1]
    result("worker_breakpoint", r.startswith(b"T05swbreak:;") and thread_of(r) == w2, r)
    # One thread steps (GDB's step over a breakpoint, scheduler-locking):
    # the others are not resumed, their rips stay in park.
    st.ask(b"z0,%x,1" % sym["work"])
    before = rip_of(st, w2)
    r = st.ask(b"vCont;s:" + w2)
    after = rip_of(st, w2)
    result("step_one_thread", r.startswith(b"T05") and thread_of(r) == w2 and after != before, r)
    result("others_stayed", [rip_of(st, t) for t in (made[0], made[2])] == [rips[0], rips[2]]
           and rip_of(st, first) == rips[0], "a parked thread moved")
    st.ask(b"Z0,%x,1" % sym["work"])
    r = st.ask(b"vCont;c")
    w1 = made[0]
    result("worker1_breakpoint", r.startswith(b"T05swbreak:;") and thread_of(r) == w1, r)
    st.ask(b"z0,%x,1" % sym["work"])
    # Worker 1 ends: w with its exit status 0, and it is gone.
    r = st.ask(b"vCont;c")
    result("thread_exit_w", r == b"w00;" + w1, r)
    result("exited_not_alive", st.ask(b"T" + w1).startswith(b"E"), "still alive")
    r = st.ask(b"qfThreadInfo")
    result("exited_not_listed", r.startswith(b"m") and w1 not in r.split(b","), r)
    # Worker 3 makes worker 4; then everyone leaves and main exits 7.
    r = st.ask(b"vCont;c")
    w4 = thread_of(r)
    result("create_while_others_gone", r.startswith(b"T05create:;") and w4 not in [first] + made, r)
    exited = set()
    for _ in range(10):
        r = st.ask(b"vCont;c")
        if not r.startswith(b"w"):
            break
        exited.add(r.split(b";")[1])
    result("threads_exit_w", exited == {made[1], made[2], w4}, exited)
    result("process_exit", r == b"W07;process:" + pid, r)
    sys.exit(1 if fails else 0)


if __name__ == "__main__":
    try:
        main()
    except (OSError, EOFError, ValueError, KeyError, TypeError, AttributeError) as e:
        result("session", False, repr(e))
        sys.exit(1)
