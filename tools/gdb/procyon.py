# GDB commands for debugging the Procyon kernel under QEMU's gdbstub
# (make qemu-gdb). Loaded with: gdb build/kernel.elf -x tools/gdb/procyon.py
#   procs            the process table: pid, state, parent, name, saved rip
#   proc-frame PID   a process's saved user registers (its trapframe)
#   runq             the run queue, in order, and the current process
# They read the kernel's own structures (proc_table, current, run_head), so
# they work whenever the kernel is stopped.
import gdb

STATES = {0: "unused", 1: "runnable", 2: "sleeping", 3: "stopped", 4: "zombie"}


def procs_array():
    return gdb.parse_and_eval("proc_table")


def nproc():
    t = procs_array().type
    return t.range()[1] + 1


def frame_of(p):
    """The trapframe at the top of p's kernel stack (proc_frame())."""
    kstack = int(p["kstack"])
    if not kstack:
        return None
    size = int(gdb.parse_and_eval("sizeof(struct trapframe)"))
    top = kstack + int(gdb.parse_and_eval("(int)16384"))
    return gdb.parse_and_eval("*(struct trapframe *)%d" % (top - size))


def find(pid):
    table = procs_array()
    for i in range(1, nproc()):
        p = table[i]
        if int(p["state"]) != 0 and int(p["pid"]) == pid:
            return p
    return None


class Procs(gdb.Command):
    """List the process table: pid, state, parent, tracer session, name, saved rip."""

    def __init__(self):
        super().__init__("procs", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        table = procs_array()
        cur = int(gdb.parse_and_eval("(unsigned long)current"))
        print("  PID  PPID STATE     SYSCALL TRACED NAME             RIP")
        for i in range(1, nproc()):
            p = table[i]
            state = int(p["state"])
            if state == 0:
                continue
            parent = p["parent"]
            ppid = int(parent["pid"]) if int(parent) else 0
            tf = frame_of(p)
            rip = int(tf["rip"]) if tf is not None else 0
            mark = "*" if int(p.address) == cur else " "
            print("%s%4d %5d %-9s %7d %6s %-16s %016x" % (
                mark, int(p["pid"]), ppid, STATES.get(state, "?"), int(p["syscall_nr"]),
                "yes" if int(p["tracee_session"]) else "no",
                p["name"].string(), rip))


class ProcFrame(gdb.Command):
    """Show a process's saved user registers: proc-frame PID."""

    def __init__(self):
        super().__init__("proc-frame", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        p = find(int(arg))
        if p is None:
            raise gdb.GdbError("no process %s" % arg)
        tf = frame_of(p)
        names = ["rip", "rsp", "rflags", "rax", "orig_rax", "rbx", "rcx", "rdx", "rsi",
                 "rdi", "rbp", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
                 "cs", "ss", "vector", "error"]
        for n in names:
            print("%-8s %016x" % (n, int(tf[n]) & 0xffffffffffffffff))
        print("fs_base  %016x" % int(p["fs_base"]))


class RunQueue(gdb.Command):
    """Show the run queue, head first, and the current process."""

    def __init__(self):
        super().__init__("runq", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        cur = gdb.parse_and_eval("current")
        if int(cur):
            print("current: pid %d (%s)" % (int(cur["pid"]), cur["name"].string()))
        p = gdb.parse_and_eval("run_head")
        n = 0
        while int(p) and n < 1024:
            print("  %d. pid %d (%s)" % (n + 1, int(p["pid"]), p["name"].string()))
            p = p["run_next"]
            n += 1
        if n == 0:
            print("  (empty)")


Procs()
ProcFrame()
RunQueue()
