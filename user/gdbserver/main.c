/* gdbserver: a GDB remote stub for Procyon. It debugs processes through the
 * proc: scheme (proc:PID/trace, regs/int, regs/float, regs/debug, mem,
 * sysfilter, siginfo) and
 * speaks the GDB Remote Serial Protocol on a byte device, by default
 * serial2: (COM2, which QEMU can connect to a host TCP port).
 *
 *   gdbserver [--dev DEVICE] PROG [ARGS...]   run PROG, stopped at its entry
 *   gdbserver [--dev DEVICE] --attach PID     stop and debug a running process
 *   gdbserver [--dev DEVICE] --multi [PROG...] extended-remote: run (vRun),
 *                                             attach (vAttach), kill (vKill)
 *                                             as often as GDB asks; ends on
 *                                             `monitor exit`
 *
 * All-stop over every thread of every process (each thread traced through
 * its own proc:TID/trace; when one stops, the others are interrupted before
 * GDB hears of it), multiprocess thread ids (pPID.TID) when GDB supports
 * them, threads named from proc:TID/status, QThreadEvents. Registers follow GDB's amd64-linux
 * target description (regs.c). Software breakpoints are int3 bytes planted
 * through proc:PID/mem; at a hit the stub moves rip back to the int3 and
 * reports swbreak; hardware breakpoints and watchpoints (Z1, Z2, Z4) fill
 * the four debug registers through regs/debug and report hwbreak/watch.
 * Without --multi (and no `!` from GDB) gdbserver exits
 * when its last process is gone, with that program's status (exit code, or
 * 128 + signal) when it started it. This file: the packet table, queries,
 * the extended-mode packets and main(). */
#include "gdbserver.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct server g = {.dev = -1};

static bool prefix(const char *s, const char *p) { return strncmp(s, p, strlen(p)) == 0; }

/* Send the part OFFSET,LENGTH (args) of data: "m..." more to come, "l..."
 * the last part; binary, escaped. */
void send_qxfer(const char *data, size_t total, const char *args)
{
	static char reply[PKT_MAX + 8];
	uint64_t off, len;
	if (!parse_hex(&args, &off) || *args++ != ',' || !parse_hex(&args, &len) || *args) {
		send_str("E01");
		return;
	}
	if (off >= total) {
		send_str("l");
		return;
	}
	size_t want = total - off < len ? total - off : len;
	if (want > PKT_MAX - 16)
		want = PKT_MAX - 16;
	size_t used, n = escape_bin(reply + 1, want, (const uint8_t *)data + off, want, &used);
	reply[0] = off + used < total ? 'm' : 'l';
	send_bin(reply, n + 1);
}

/* Wait for our detached children and exit with the last one's status (the
 * program's, when we started it). */
static void server_exit(void)
{
	struct timespec ts = {0, 300 * 1000 * 1000};
	int st;
	nanosleep(&ts, NULL); /* let the host read the last reply before a poweroff */
	for (int i = 0; i < g.n_detached; i++)
		if (waitpid(g.detached[i], &st, 0) == g.detached[i])
			g.exit_code = WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
	fprintf(stderr, "gdbserver: done, exit status %d\n", g.exit_code);
	exit(g.exit_code);
}

/* Without extended mode, gdbserver is done when its last process is. */
void server_done_if_idle(void)
{
	if (!g.extended && proc_count() == 0)
		server_exit();
}

/* --- packets -------------------------------------------------------------- */

static void cmd_stop_reason(const char *args, size_t len)
{
	(void)args, (void)len;
	if (!g.cur) {
		send_str("W00");
		return;
	}
	if (g.cur->stop_reply[0] == 'T')
		send_fmt("%sthread:%s;", g.cur->stop_reply, thread_id(g.cur));
	else
		send_str(g.cur->stop_reply);
}

/* "ADDR,LEN" followed by end or by sep; advances *p past sep. */
static bool parse_addr_len(const char **p, uint64_t *addr, uint64_t *len, char sep)
{
	if (!parse_hex(p, addr) || *(*p)++ != ',' || !parse_hex(p, len))
		return false;
	if (sep == '\0')
		return **p == '\0';
	return *(*p)++ == sep;
}

static void cmd_read_mem(const char *args, size_t plen)
{
	uint64_t addr, len;
	uint8_t bytes[PKT_MAX / 2];
	char hex[PKT_MAX + 1];
	(void)plen;
	if (!parse_addr_len(&args, &addr, &len, '\0') || !g.cur) {
		send_str("E01");
		return;
	}
	if (len > sizeof bytes)
		len = sizeof bytes;
	ssize_t n = len ? mem_read(g.cur->proc, addr, bytes, len) : 0;
	if (n < 0 || (n == 0 && len)) {
		send_str("E01");
		return;
	}
	send_bin(hex, (size_t)(hex_encode(hex, bytes, (size_t)n) - hex));
}

static void finish_write(uint64_t addr, const uint8_t *bytes, uint64_t len)
{
	ssize_t n = len ? mem_write(g.cur->proc, addr, bytes, len) : 0;
	send_str(n == (ssize_t)len ? "OK" : "E01");
}

static void cmd_write_mem(const char *args, size_t plen)
{
	uint64_t addr, len;
	uint8_t bytes[PKT_MAX / 2];
	(void)plen;
	if (!parse_addr_len(&args, &addr, &len, ':') || len > sizeof bytes ||
	    strlen(args) != 2 * len || !hex_decode(args, bytes, len) || !g.cur) {
		send_str("E01");
		return;
	}
	finish_write(addr, bytes, len);
}

/* X addr,len:binary, with '}' escaping the next byte (xor 0x20). */
static void cmd_write_mem_bin(const char *args, size_t pkt_len)
{
	const char *p = args, *end = args + pkt_len;
	uint64_t addr, len, n = 0;
	uint8_t bytes[PKT_MAX];
	if (!parse_addr_len(&p, &addr, &len, ':') || len > sizeof bytes || !g.cur) {
		send_str("E01");
		return;
	}
	while (p < end && n < len) {
		uint8_t c = (uint8_t)*p++;
		if (c == '}') {
			if (p == end)
				break;
			c = (uint8_t)(*p++ ^ 0x20);
		}
		bytes[n++] = c;
	}
	if (n != len || p != end) {
		send_str("E01");
		return;
	}
	finish_write(addr, bytes, len);
}

/* Z/z TYPE,ADDR,KIND: one handler per type. Hardware breakpoints and
 * write/access watchpoints go into the debug registers (regs/debug); x86
 * has no read-only watchpoint, so Z3 gets the empty reply, as from Linux's
 * gdbserver, and GDB falls back to Z4 and tells reads by the value. */
static bool z_software(bool insert, uint64_t addr, uint64_t kind)
{
	if (kind != 1) /* an int3 is one byte: the only kind x86 has */
		return false;
	return insert ? bp_insert(g.cur->proc, addr) : bp_remove(g.cur->proc, addr);
}

static bool z_debugreg(int type, bool insert, uint64_t addr, uint64_t len)
{
	struct proc *p = g.cur->proc;
	return insert ? hw_insert(p, type, addr, len) : hw_remove(p, type, addr, len);
}

static bool z_hardware(bool insert, uint64_t addr, uint64_t kind)
{
	return z_debugreg(Z_HW, insert, addr, kind);
}

static bool z_write(bool insert, uint64_t addr, uint64_t len)
{
	return z_debugreg(Z_WRITE, insert, addr, len);
}

static bool z_access(bool insert, uint64_t addr, uint64_t len)
{
	return z_debugreg(Z_ACCESS, insert, addr, len);
}

static bool (*const z_handlers[Z_KINDS])(bool, uint64_t, uint64_t) = {
    [Z_SW] = z_software, [Z_HW] = z_hardware, [Z_WRITE] = z_write, [Z_ACCESS] = z_access};

static void cmd_breakpoint(const char *pkt, size_t len)
{
	const char *p = pkt + 1;
	uint64_t type, addr, kind;
	(void)len;
	if (!parse_hex(&p, &type) || *p++ != ',' || !parse_hex(&p, &addr) || *p++ != ',' ||
	    !parse_hex(&p, &kind) || (*p && *p != ';')) {
		send_str("E01");
		return;
	}
	if (type >= Z_KINDS || !z_handlers[type]) {
		send_str("");
		return;
	}
	if (!g.cur) {
		send_str("E01");
		return;
	}
	send_str(z_handlers[type](pkt[0] == 'Z', addr, kind) ? "OK" : "E01");
}

/* H[gc]THREAD: g selects where registers and memory go (a process alone:
 * one of its threads; 0 or -1: no change); c what c and s resume (0 or
 * -1: the current thread, every thread for c). */
static void cmd_set_thread(const char *args, size_t len)
{
	long pid, tid;
	const char *p = args + 1;
	(void)len;
	if ((args[0] != 'g' && args[0] != 'c') || !parse_thread_id(&p, &pid, &tid) || *p) {
		send_str("E01");
		return;
	}
	struct thread *t = pid > 0 || tid > 0 ? thread_named(pid, tid) : NULL;
	if ((pid > 0 || tid > 0) && !t) {
		send_str("E01");
		return;
	}
	if (args[0] == 'g' && t)
		g.cur = t;
	else if (args[0] == 'c')
		g.cont = tid > 0 ? t : NULL;
	send_str("OK");
}

/* T THREAD: is it alive? */
static void cmd_thread_alive(const char *args, size_t len)
{
	long pid, tid;
	(void)len;
	bool ok = parse_thread_id(&args, &pid, &tid) && !*args && tid > 0 && thread_named(pid, tid);
	send_str(ok ? "OK" : "E01");
}

static void kill_all(void)
{
	for (int i = 0; i < MAX_PROCS; i++)
		if (g.procs[i].used)
			kill_proc(&g.procs[i]);
}

static void cmd_kill(const char *args, size_t len)
{
	(void)args, (void)len;
	kill_all();
	server_done_if_idle();
}

/* D or D;PID: remove our int3s, end the session (the process runs on). */
static void cmd_detach(const char *args, size_t len)
{
	uint64_t pid;
	(void)len;
	if (*args == ';') {
		args++;
		struct proc *p;
		if (!parse_hex(&args, &pid) || *args || !(p = proc_find((pid_t)pid))) {
			send_str("E01");
			return;
		}
		detach_proc(p);
	} else if (*args) {
		send_str("E01");
		return;
	} else {
		for (int i = 0; i < MAX_PROCS; i++)
			if (g.procs[i].used)
				detach_proc(&g.procs[i]);
	}
	send_str("OK");
	server_done_if_idle();
}

static void cmd_extended(const char *args, size_t len)
{
	(void)args, (void)len;
	g.extended = true;
	send_str("OK");
}

/* --- q and Q -------------------------------------------------------------- */

static void q_supported(const char *args, size_t len)
{
	(void)len;
	g.multiprocess = strstr(args, "multiprocess+") != NULL;
	g.fork_events = strstr(args, "fork-events+") != NULL;
	g.vfork_events = strstr(args, "vfork-events+") != NULL;
	g.exec_events = strstr(args, "exec-events+") != NULL;
	g.hwbreak = strstr(args, "hwbreak+") != NULL;
	send_fmt("PacketSize=%x;QStartNoAckMode+;swbreak+;vContSupported+;qXfer:features:read+;"
	         "qXfer:exec-file:read+;qXfer:threads:read+;qXfer:siginfo:read+;"
	         "qXfer:siginfo:write+;QPassSignals+;QCatchSyscalls+;QThreadEvents+%s%s%s%s%s",
	         PKT_MAX, g.hwbreak ? ";hwbreak+" : "", g.multiprocess ? ";multiprocess+" : "",
	         g.multiprocess && g.fork_events ? ";fork-events+" : "",
	         g.multiprocess && g.vfork_events ? ";vfork-events+" : "",
	         g.multiprocess && g.exec_events ? ";exec-events+" : "");
}

static void q_attached(const char *args, size_t len)
{
	long pid = -1, tid;
	const char *p = args + 1;
	(void)len;
	if (*args == ':' && (!parse_thread_id(&p, &pid, &tid) || *p)) {
		send_str("E01");
		return;
	}
	struct proc *t = pid > 0 ? proc_find((pid_t)pid) : g.cur ? g.cur->proc : NULL;
	if (!t) {
		send_str("E01");
		return;
	}
	send_str(t->ours && !t->attached ? "0" : "1");
}

static void q_current(const char *args, size_t len)
{
	(void)args, (void)len;
	if (!g.cur)
		send_str("E01");
	else
		send_fmt("QC%s", thread_id(g.cur));
}

/* qfThreadInfo, qsThreadInfo: every thread, oldest first, as many to a
 * reply as fit; "l" after the last. */
static int thread_info_next;

static void q_next_thread(const char *args, size_t len)
{
	static char buf[PKT_MAX];
	struct thread *all[MAX_THREADS];
	int n = threads_in_order(all);
	size_t used = 1;
	(void)args, (void)len;
	buf[0] = 'm';
	buf[1] = '\0';
	for (; thread_info_next < n && used + 40 < sizeof buf; thread_info_next++)
		used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%s", used > 1 ? "," : "",
		                         thread_id(all[thread_info_next]));
	send_str(used > 1 ? buf : "l");
}

static void q_first_thread(const char *args, size_t len)
{
	thread_info_next = 0;
	q_next_thread(args, len);
}

/* QThreadEvents:1 / :0: report threads' creation and exit (or not). */
static void q_thread_events(const char *args, size_t len)
{
	(void)len;
	if (strcmp(args, "0") && strcmp(args, "1")) {
		send_str("E01");
		return;
	}
	g.thread_events = args[0] == '1';
	send_str("OK");
}

static void q_ok(const char *args, size_t len)
{
	(void)args, (void)len;
	send_str("OK");
}

/* The name line of proc:PID/status. */
static void proc_name(pid_t pid, char *name, size_t cap)
{
	char buf[512];
	int fd = proc_open(pid, "status", O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
	if (fd >= 0)
		close(fd);
	name[0] = '\0';
	if (n <= 0)
		return;
	buf[n] = '\0';
	const char *l = strstr(buf, "\nname ");
	if (l)
		snprintf(name, cap, "%.*s", (int)strcspn(l + 6, "\n<>&\""), l + 6);
}

/* qXfer:threads:read: every thread, oldest first, with its name (what
 * `info threads` and "Thread N "name" hit" show). */
static void qxfer_threads(const char *args)
{
	static char xml[MAX_THREADS * 96 + 64];
	struct thread *all[MAX_THREADS];
	int count = threads_in_order(all);
	size_t n = (size_t)snprintf(xml, sizeof xml, "<?xml version=\"1.0\"?>\n<threads>\n");
	for (int i = 0; i < count; i++) {
		char name[40];
		proc_name(all[i]->tid, name, sizeof name);
		n += (size_t)snprintf(xml + n, sizeof xml - n,
		                      "<thread id=\"%s\" core=\"0\" name=\"%s\"/>\n",
		                      thread_id(all[i]), name);
	}
	n += (size_t)snprintf(xml + n, sizeof xml - n, "</threads>\n");
	send_qxfer(xml, n, args);
}

/* qXfer:OBJECT:read:ANNEX:OFFSET,LENGTH */
static void q_xfer(const char *args, size_t len)
{
	char object[32], annex[64];
	const char *p = args, *colon;
	(void)len;
	if (*p++ != ':' || !(colon = strchr(p, ':')) || (size_t)(colon - p) >= sizeof object)
		goto bad;
	memcpy(object, p, (size_t)(colon - p));
	object[colon - p] = '\0';
	p = colon + 1;
	if (!strcmp(object, "siginfo") && (prefix(p, "read:") || prefix(p, "write:"))) {
		bool wr = p[0] == 'w';
		p += wr ? 6 : 5;
		if (*p++ != ':') /* no annex */
			goto bad;
		qxfer_siginfo(wr, p, len - (size_t)(p - args));
		return;
	}
	if (!prefix(p, "read:")) {
		send_str("");
		return;
	}
	p += 5;
	if (!(colon = strchr(p, ':')) || (size_t)(colon - p) >= sizeof annex)
		goto bad;
	memcpy(annex, p, (size_t)(colon - p));
	annex[colon - p] = '\0';
	if (!strcmp(object, "threads") && !annex[0])
		qxfer_threads(colon + 1);
	else if (!strcmp(object, "features"))
		qxfer_features(annex, colon + 1);
	else if (!strcmp(object, "exec-file"))
		qxfer_exec_file(annex, colon + 1);
	else
		send_str("");
	return;
bad:
	send_str("E01");
}

/* qRcmd,HEX: `monitor exit` ends gdbserver (killing what it still debugs). */
static void q_rcmd(const char *args, size_t len)
{
	char cmd[64];
	size_t n = strlen(args + 1) / 2;
	(void)len;
	if (*args != ',' || n >= sizeof cmd || !hex_decode(args + 1, (uint8_t *)cmd, n)) {
		send_str("E01");
		return;
	}
	cmd[n] = '\0';
	if (!strcmp(cmd, "exit")) {
		send_str("OK");
		kill_all();
		g.exit_code = 0;
		server_exit();
	}
	static const char msg[] = "gdbserver: monitor commands: exit\n";
	char hex[2 * sizeof msg + 2] = "O";
	hex_encode(hex + 1, (const uint8_t *)msg, sizeof msg - 1);
	send_str(hex);
	send_str("OK");
}

static void q_no_ack(const char *args, size_t len)
{
	(void)args, (void)len;
	send_str("OK");
	g.noack = true;
}

/* --- v -------------------------------------------------------------------- */

static void v_cont_query(const char *args, size_t len)
{
	(void)args, (void)len;
	send_str("vCont;c;C;s;S;t;r");
}

/* vKill;PID: kill it, stay (in extended mode). */
static void v_kill(const char *args, size_t len)
{
	uint64_t pid;
	struct proc *p;
	(void)len;
	if (*args == ';') {
		args++;
		if (!parse_hex(&args, &pid) || *args || !(p = proc_find((pid_t)pid))) {
			send_str("E01");
			return;
		}
		kill_proc(p);
	} else {
		kill_all();
	}
	send_str("OK");
	server_done_if_idle();
}

/* vAttach;PID */
static void v_attach(const char *args, size_t len)
{
	uint64_t pid;
	(void)len;
	if (*args++ != ';' || !parse_hex(&args, &pid) || *args || pid == 0 || pid > 0x7fffffff) {
		send_str("E01");
		return;
	}
	struct thread *t = attach((pid_t)pid);
	if (!t) {
		send_err(errno);
		return;
	}
	t->proc->attached = true;
	send_stop(t);
}

/* vRun;PROG[;ARG]... (hex); an empty PROG runs the last one again. */
static void v_run(const char *args, size_t len)
{
	static char strs[BUF_MAX];
	char *argv[64], err[300];
	size_t used = 0;
	int argc = 0;
	(void)len;
	while (*args == ';' && argc < 63) {
		const char *s = ++args, *end = strchr(s, ';');
		size_t n = end ? (size_t)(end - s) : strlen(s);
		if (n % 2 || used + n / 2 + 1 > sizeof strs ||
		    !hex_decode(s, (uint8_t *)strs + used, n / 2)) {
			send_str("E01");
			return;
		}
		argv[argc++] = strs + used;
		strs[used + n / 2] = '\0';
		used += n / 2 + 1;
		args = s + n;
	}
	if (*args || argc == 0) {
		send_str("E01");
		return;
	}
	argv[argc] = NULL;
	if (!argv[0][0]) {
		if (!g.last_prog[0]) {
			send_str("E01");
			return;
		}
		argv[0] = g.last_prog;
	}
	struct thread *p = spawn(argv, err, sizeof err);
	if (!p) {
		fprintf(stderr, "gdbserver: %s\n", err);
		send_str("E01");
		return;
	}
	if (argv[0] != g.last_prog)
		snprintf(g.last_prog, sizeof g.last_prog, "%s", argv[0]);
	send_stop(p);
}

static void v_empty(const char *args, size_t len)
{
	(void)args, (void)len;
	send_str("");
}

/* --- the table -------------------------------------------------------------- */

typedef void handler_fn(const char *args, size_t len);

/* Packets named by a prefix: the handler gets what follows it. */
static const struct named {
	const char *name;
	handler_fn *fn;
	bool whole; /* the handler gets the whole packet */
} named[] = {
    {"qSupported", q_supported, false},
    {"qAttached", q_attached, false},
    {"qC", q_current, false},
    {"qfThreadInfo", q_first_thread, false},
    {"qsThreadInfo", q_next_thread, false},
    {"qSymbol", q_ok, false},
    {"qXfer", q_xfer, false},
    {"qRcmd", q_rcmd, false},
    {"QStartNoAckMode", q_no_ack, false},
    {"QCatchSyscalls:", cmd_catch_syscalls, false},
    {"QPassSignals:", cmd_pass_signals, false},
    {"QThreadEvents:", q_thread_events, false},
    {"vCont?", v_cont_query, false},
    {"vCont", cmd_vcont, false},
    {"vKill", v_kill, false},
    {"vAttach", v_attach, false},
    {"vRun", v_run, false},
    {"vFile:", cmd_vfile, true},
    {"vMustReplyEmpty", v_empty, false},
};

/* One-letter packets: the handler gets what follows the letter (c, C, s,
 * S, Z and z get the whole packet). */
static handler_fn *const letters[128] = {
    ['?'] = cmd_stop_reason,  ['g'] = cmd_read_regs,     ['G'] = cmd_write_regs,
    ['p'] = cmd_read_reg,     ['P'] = cmd_write_reg,     ['m'] = cmd_read_mem,
    ['M'] = cmd_write_mem,    ['X'] = cmd_write_mem_bin, ['H'] = cmd_set_thread,
    ['T'] = cmd_thread_alive, ['k'] = cmd_kill,          ['D'] = cmd_detach,
    ['!'] = cmd_extended,
};

static void handle_packet(char *pkt, size_t len)
{
	unsigned char c = (unsigned char)pkt[0];
	if (len == 0) {
		send_str("");
		return;
	}
	if (c == 'q' || c == 'Q' || c == 'v') {
		for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
			size_t n = strlen(named[i].name);
			if (!strncmp(pkt, named[i].name, n)) {
				/* qC must not match qCRC and friends: a name is whole or
				 * followed by a separator */
				char next = pkt[n];
				if (named[i].name[n - 1] != ':' && named[i].name[n - 1] != '?' &&
				    next && next != ':' && next != ';' && next != ',')
					continue;
				named[i].fn(named[i].whole ? pkt : pkt + n,
				            len - (named[i].whole ? 0 : n));
				return;
			}
		}
		send_str("");
		return;
	}
	if (strchr("cCsS", c)) {
		cmd_resume(pkt, len);
		return;
	}
	if (c == 'Z' || c == 'z') {
		cmd_breakpoint(pkt, len);
		return;
	}
	if (c < 128 && letters[c]) {
		letters[c](pkt + 1, len - 1);
		return;
	}
	send_str("");
}

/* --- starting ------------------------------------------------------------- */

static void usage(void)
{
	fprintf(stderr, "usage: gdbserver [--dev DEVICE] [--multi] PROG [ARGS...]\n"
	                "       gdbserver [--dev DEVICE] --attach PID\n"
	                "       gdbserver [--dev DEVICE] --multi\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *dev = "serial2:";
	long attach_pid = 0;
	int i = 1;
	static char pkt[BUF_MAX];
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--dev") && i + 1 < argc)
			dev = argv[++i];
		else if (!strcmp(argv[i], "--attach") && i + 1 < argc)
			attach_pid = strtol(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--multi"))
			g.extended = true;
		else
			usage();
	}
	if ((attach_pid > 0 && i < argc) || (attach_pid <= 0 && i == argc && !g.extended))
		usage();
	signal(SIGPIPE, SIG_IGN);
	g.dev = open(dev, O_RDWR | O_CLOEXEC);
	if (g.dev < 0)
		fatal("%s: %s", dev, strerror(errno));
	if (attach_pid > 0) {
		struct thread *t = attach((pid_t)attach_pid);
		if (!t)
			fatal("proc:%ld/trace: %s", attach_pid, strerror(errno));
		t->proc->attached = true;
	} else if (i < argc) {
		char err[300];
		if (!spawn(argv + i, err, sizeof err))
			fatal("%s", err);
		snprintf(g.last_prog, sizeof g.last_prog, "%s", argv[i]);
	}
	if (g.cur)
		fprintf(stderr, "gdbserver: debugging process %d on %s\n", (int)g.cur->proc->pid,
		        dev);
	else
		fprintf(stderr, "gdbserver: debugging process none (--multi) on %s\n", dev);
	for (;;) {
		int n = recv_packet(pkt);
		if (n < 0)
			fatal("%s: end of input", dev);
		handle_packet(pkt, (size_t)n);
	}
}
