/* gdbserver: a GDB remote stub for Procyon. It debugs one process through
 * the proc: scheme (proc:PID/trace, regs/int, regs/float, mem) and speaks the
 * GDB Remote Serial Protocol on a byte device, by default serial2: (COM2,
 * which QEMU can connect to a host TCP port).
 *
 *   gdbserver [--dev DEVICE] PROG [ARGS...]   run PROG, stopped at its entry
 *   gdbserver [--dev DEVICE] --attach PID     stop and debug a running process
 *
 * One thread (tid = pid), all-stop. Registers follow GDB's plain amd64 layout
 * (rax..gs, x87, xmm0-15, mxcsr: 57 registers). Software breakpoints are
 * int3 bytes planted through proc:PID/mem; at a hit the stub moves rip back
 * to the int3 and reports swbreak. The exit status of gdbserver is the
 * debugged program's (exit code, or 128 + signal) when it started it. */
#define _GNU_SOURCE
#include "procyon/ptrace.h"
#include "procyon/user_regs.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The largest packet we accept (advertised as PacketSize, in hex). It stays
 * below the 4 KiB receive ring of serial2: so a whole packet always fits. */
#define PKT_MAX 0xf00
#define BUF_MAX (PKT_MAX + 64)
#define MAX_BPS 64
#define NUM_REGS 57 /* rax .. mxcsr */
#define RUN_FLAGS (PTRACE_STOP_BREAKPOINT | PTRACE_STOP_SIGNAL | PTRACE_STOP_EXIT)

/* Why the target is stopped (or that it is gone). */
enum stop_kind { STOP_ENTRY, STOP_BREAK, STOP_STEP, STOP_SIGNAL, STOP_INTR, STOP_EXITED };

struct bp {
	uint64_t addr;
	uint8_t saved;
	bool used;
};

static struct {
	int dev, trace, regs, fpregs, mem;
	pid_t pid;
	bool spawned, noack;
	enum stop_kind stop;
	int stop_sig;        /* Linux signal number at a STOP_SIGNAL */
	int inject_sig;      /* signal sent by `C sig` that must pass through */
	int exit_code;       /* gdbserver's own exit status */
	uint64_t run_flags;  /* request flags of the current resume */
	char stop_reply[64]; /* answer to `?` */
	struct bp bps[MAX_BPS];
	uint8_t rx[BUF_MAX];
	size_t rx_pos, rx_len;
	char out[2 * BUF_MAX];
	size_t out_len;
} g = {.dev = -1, .trace = -1, .regs = -1, .fpregs = -1, .mem = -1};

static void fatal(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "gdbserver: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

/* --- signal numbers: Linux <-> GDB's own numbering ---------------------- */

/* gdb_of_linux[n] is GDB's number for Linux signal n (1..31). */
/* clang-format off */
static const uint8_t gdb_of_linux[32] = {
    0,  1,  2,  3,  4,  5,  6,  10, 8,  9,  30, 11, 31, 13, 14, 15,
    /* 16 SIGSTKFLT has no GDB name: GDB_SIGNAL_UNKNOWN is 143 */
    143, 20, 19, 17, 18, 21, 22, 16, 24, 25, 26, 27, 28, 23, 32, 12};
/* clang-format on */

static int sig_to_gdb(int sig)
{
	if (sig > 0 && sig < 32)
		return gdb_of_linux[sig];
	if (sig >= 33 && sig <= 63)
		return 45 + (sig - 33); /* GDB_SIGNAL_REALTIME_33.. */
	if (sig == 32)
		return 77;
	if (sig == 64)
		return 78;
	return 143;
}

static int sig_from_gdb(int gsig)
{
	for (int s = 1; s <= 64; s++)
		if (sig_to_gdb(s) == gsig)
			return s;
	return 0;
}

/* --- hex ---------------------------------------------------------------- */

static const char hexdig[] = "0123456789abcdef";

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parse a hex number at *p (at least one digit, at most 16); advance *p. */
static bool parse_hex(const char **p, uint64_t *v)
{
	const char *s = *p;
	uint64_t x = 0;
	int n = 0;
	while (hexval(*s) >= 0 && n < 17) {
		x = x << 4 | (uint64_t)hexval(*s++);
		n++;
	}
	if (n == 0 || n > 16)
		return false;
	*v = x;
	*p = s;
	return true;
}

/* Decode len bytes of hex at s into out; false on a bad digit. */
static bool hex_decode(const char *s, uint8_t *out, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		int hi = hexval(s[2 * i]), lo = hi < 0 ? -1 : hexval(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

/* Returns the end of the text. (Callers send end - dst bytes, not strlen:
 * clang's analyser cannot follow strlen over the text written here.) */
static char *hex_encode(char *dst, const uint8_t *src, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		*dst++ = hexdig[src[i] >> 4];
		*dst++ = hexdig[src[i] & 15];
	}
	*dst = '\0';
	return dst;
}

/* --- the device: raw bytes in, packets out -------------------------------- */

static void dev_write(const void *buf, size_t len)
{
	const char *p = buf;
	while (len) {
		ssize_t n = write(g.dev, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			fatal("device write: %s", strerror(errno));
		p += n;
		len -= (size_t)n;
	}
}

/* Refill the input buffer (blocking); false at end of input. */
static bool dev_fill(void)
{
	for (;;) {
		ssize_t n = read(g.dev, g.rx, sizeof g.rx);
		if (n > 0) {
			g.rx_pos = 0;
			g.rx_len = (size_t)n;
			return true;
		}
		if (n < 0 && errno == EINTR)
			continue;
		return false;
	}
}

/* Next input byte, or -1 at end of input. */
static int dev_getc(void)
{
	if (g.rx_pos == g.rx_len && !dev_fill())
		return -1;
	return g.rx[g.rx_pos++];
}

/* Frame body as $body#xx, send it and keep it for a retransmission. */
static void send_bin(const char *body, size_t len)
{
	uint8_t sum = 0;
	if (len > sizeof g.out - 4)
		len = sizeof g.out - 4;
	g.out[0] = '$';
	for (size_t i = 0; i < len; i++) {
		g.out[1 + i] = body[i];
		sum += (uint8_t)body[i];
	}
	g.out[1 + len] = '#';
	g.out[2 + len] = hexdig[sum >> 4];
	g.out[3 + len] = hexdig[sum & 15];
	g.out_len = len + 4;
	dev_write(g.out, g.out_len);
}

static void send_str(const char *s) { send_bin(s, strlen(s)); }

static void send_fmt(const char *fmt, ...)
{
	char buf[128];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	send_str(buf);
}

/* Read the body of one packet after its '$'; returns its length, -2 when it
 * was too long or its checksum was wrong, -1 at end of input. */
static int read_body(char *buf)
{
	size_t n = 0;
	bool overflow = false;
	uint8_t sum = 0;
	int c;
	while ((c = dev_getc()) >= 0 && c != '#') {
		if (c == '$') { /* a new packet began: drop the broken one */
			n = 0, sum = 0, overflow = false;
			continue;
		}
		sum += (uint8_t)c;
		if (n < BUF_MAX - 1)
			buf[n++] = (char)c;
		else
			overflow = true;
	}
	int hi = dev_getc(), lo = dev_getc();
	if (c < 0 || lo < 0)
		return -1;
	buf[n] = '\0';
	if (!g.noack && (hexval(hi) < 0 || hexval(lo) < 0 || (hexval(hi) << 4 | hexval(lo)) != sum))
		return -2;
	return overflow ? -3 : (int)n;
}

/* Wait for the next packet (acknowledging it); -1 at end of input. Bytes
 * between packets ('+', a stray ^C) are skipped; '-' asks for the last
 * packet again. */
static int recv_packet(char *buf)
{
	for (;;) {
		int c = dev_getc();
		if (c < 0)
			return -1;
		if (c == '-' && !g.noack && g.out_len) {
			dev_write(g.out, g.out_len);
			continue;
		}
		if (c != '$')
			continue;
		int n = read_body(buf);
		if (n == -1)
			return -1;
		if (n == -2) {
			dev_write("-", 1);
			continue;
		}
		if (!g.noack)
			dev_write("+", 1);
		if (n == -3) { /* longer than we advertised */
			send_str("E01");
			continue;
		}
		return n;
	}
}

/* --- the target: proc:PID files ----------------------------------------- */

static int open_proc(const char *file, int flags)
{
	char path[64];
	snprintf(path, sizeof path, "proc:%d/%s", (int)g.pid, file);
	return open(path, flags);
}

static void open_mem(void)
{
	if (g.mem >= 0)
		close(g.mem);
	g.mem = open_proc("mem", O_RDWR);
}

static bool read_regs(struct user_regs *r)
{
	return pread(g.regs, r, sizeof *r, 0) == (ssize_t)sizeof *r;
}

static bool write_regs(const struct user_regs *r)
{
	return pwrite(g.regs, r, sizeof *r, 0) == (ssize_t)sizeof *r;
}

static bool read_fpregs(struct user_fpregs *f)
{
	return pread(g.fpregs, f, sizeof *f, 0) == (ssize_t)sizeof *f;
}

static bool write_fpregs(const struct user_fpregs *f)
{
	return pwrite(g.fpregs, f, sizeof *f, 0) == (ssize_t)sizeof *f;
}

/* Raw memory transfer; a handle made stale by an exec is reopened once.
 * Returns the bytes moved or -1. */
static ssize_t mem_xfer(bool wr, uint64_t addr, void *buf, size_t len)
{
	if (addr >= 0x0000800000000000ull)
		return -1;
	for (int tries = 0; tries < 2; tries++) {
		ssize_t n =
		    wr ? pwrite(g.mem, buf, len, (off_t)addr) : pread(g.mem, buf, len, (off_t)addr);
		if (n >= 0 || (errno != ESRCH && errno != EBADF))
			return n;
		open_mem();
	}
	return -1;
}

/* --- breakpoints ---------------------------------------------------------- */

static struct bp *bp_find(uint64_t addr)
{
	for (int i = 0; i < MAX_BPS; i++)
		if (g.bps[i].used && g.bps[i].addr == addr)
			return &g.bps[i];
	return NULL;
}

static bool bp_insert(uint64_t addr)
{
	if (bp_find(addr))
		return true;
	for (int i = 0; i < MAX_BPS; i++) {
		struct bp *b = &g.bps[i];
		uint8_t cc = 0xcc;
		if (b->used)
			continue;
		if (mem_xfer(false, addr, &b->saved, 1) != 1 || mem_xfer(true, addr, &cc, 1) != 1)
			return false;
		b->addr = addr;
		b->used = true;
		return true;
	}
	return false;
}

static bool bp_remove(uint64_t addr)
{
	struct bp *b = bp_find(addr);
	if (!b)
		return true;
	b->used = false;
	return mem_xfer(true, addr, &b->saved, 1) == 1;
}

static void bp_remove_all(void)
{
	for (int i = 0; i < MAX_BPS; i++)
		if (g.bps[i].used)
			bp_remove(g.bps[i].addr);
}

/* Memory as GDB should see it: planted int3s show the saved bytes. */
static ssize_t mem_read(uint64_t addr, uint8_t *buf, size_t len)
{
	ssize_t n = mem_xfer(false, addr, buf, len);
	for (int i = 0; n > 0 && i < MAX_BPS; i++) {
		struct bp *b = &g.bps[i];
		if (b->used && b->addr >= addr && b->addr < addr + (uint64_t)n)
			buf[b->addr - addr] = b->saved;
	}
	return n;
}

/* A write over a planted int3 updates the saved byte and keeps the int3. */
static ssize_t mem_write(uint64_t addr, const uint8_t *buf, size_t len)
{
	ssize_t n = mem_xfer(true, addr, (void *)buf, len);
	for (int i = 0; n > 0 && i < MAX_BPS; i++) {
		struct bp *b = &g.bps[i];
		uint8_t cc = 0xcc;
		if (b->used && b->addr >= addr && b->addr < addr + (uint64_t)n) {
			b->saved = buf[b->addr - addr];
			mem_xfer(true, b->addr, &cc, 1);
		}
	}
	return n;
}

/* --- registers in GDB's amd64 order ------------------------------------- */

enum reg_src { R_INT, R_FP, R_FTAG };

struct reg_desc {
	uint8_t size;  /* bytes in the g packet */
	uint8_t width; /* bytes of the field in user_regs / user_fpregs */
	uint8_t src;   /* enum reg_src */
	uint16_t off;  /* offset of the field */
};

/* clang-format off */
#define IREG(f, sz) {sz, 8, R_INT, offsetof(struct user_regs, f)}
#define FREG(off, sz, w) {sz, w, R_FP, off}

static const struct reg_desc regs_desc[NUM_REGS] = {
    IREG(rax, 8), IREG(rbx, 8), IREG(rcx, 8), IREG(rdx, 8), IREG(rsi, 8), IREG(rdi, 8),
    IREG(rbp, 8), IREG(rsp, 8), IREG(r8, 8), IREG(r9, 8), IREG(r10, 8), IREG(r11, 8),
    IREG(r12, 8), IREG(r13, 8), IREG(r14, 8), IREG(r15, 8), IREG(rip, 8),
    IREG(rflags, 4), IREG(cs, 4), IREG(ss, 4), IREG(ds, 4), IREG(es, 4), IREG(fs, 4), IREG(gs, 4),
    /* st0..st7: 10 bytes of each 16-byte FXSAVE slot */
    FREG(32, 10, 10), FREG(48, 10, 10), FREG(64, 10, 10), FREG(80, 10, 10),
    FREG(96, 10, 10), FREG(112, 10, 10), FREG(128, 10, 10), FREG(144, 10, 10),
    FREG(0, 4, 2),            /* fctrl = fcw */
    FREG(2, 4, 2),            /* fstat = fsw */
    {4, 1, R_FTAG, 4},        /* ftag: full tag word from the abridged one */
    FREG(12, 4, 4),           /* fiseg: upper half of the 64-bit FPU ip */
    FREG(8, 4, 4),            /* fioff */
    FREG(20, 4, 4),           /* foseg: upper half of the operand pointer */
    FREG(16, 4, 4),           /* fooff */
    FREG(6, 4, 2),            /* fop */
    FREG(160, 16, 16), FREG(176, 16, 16), FREG(192, 16, 16), FREG(208, 16, 16),
    FREG(224, 16, 16), FREG(240, 16, 16), FREG(256, 16, 16), FREG(272, 16, 16),
    FREG(288, 16, 16), FREG(304, 16, 16), FREG(320, 16, 16), FREG(336, 16, 16),
    FREG(352, 16, 16), FREG(368, 16, 16), FREG(384, 16, 16), FREG(400, 16, 16),
    FREG(24, 4, 4), /* mxcsr */
};
/* clang-format on */

/* The 2-bit x87 tag of one register (0 valid, 1 zero, 2 special) from its
 * 80-bit value. */
static unsigned x87_tag(const uint8_t *v)
{
	unsigned exp = (v[9] & 0x7f) << 8 | v[8];
	uint64_t mant;
	memcpy(&mant, v, 8);
	if (exp == 0x7fff)
		return 2;
	if (exp == 0)
		return mant ? 2 : 1;
	return (mant >> 63) ? 0 : 2;
}

/* FXSAVE keeps one "not empty" bit per physical register; GDB wants the
 * full tag word. */
static uint16_t full_ftag(const struct user_fpregs *f)
{
	unsigned top = (f->swd >> 11) & 7, tag = 0;
	const uint8_t *st = (const uint8_t *)f->st_space;
	for (unsigned phys = 0; phys < 8; phys++) {
		unsigned t = 3;
		if (f->ftw & (1u << phys))
			t = x87_tag(st + 16 * ((phys - top) & 7));
		tag |= t << (2 * phys);
	}
	return (uint16_t)tag;
}

static uint8_t abridged_ftag(uint16_t full)
{
	uint8_t a = 0;
	for (int phys = 0; phys < 8; phys++)
		if (((full >> (2 * phys)) & 3) != 3)
			a |= (uint8_t)(1u << phys);
	return a;
}

static uint8_t *reg_field(const struct reg_desc *d, struct user_regs *r, struct user_fpregs *f)
{
	return d->src == R_INT ? (uint8_t *)r + d->off : (uint8_t *)f + d->off;
}

/* Register n in target byte order into out; returns its size. */
static size_t reg_get(int n, struct user_regs *r, struct user_fpregs *f, uint8_t *out)
{
	const struct reg_desc *d = &regs_desc[n];
	memset(out, 0, d->size);
	if (d->src == R_FTAG) {
		uint16_t t = full_ftag(f);
		memcpy(out, &t, 2);
	} else {
		memcpy(out, reg_field(d, r, f), d->width < d->size ? d->width : d->size);
	}
	return d->size;
}

static void reg_set(int n, struct user_regs *r, struct user_fpregs *f, const uint8_t *in)
{
	const struct reg_desc *d = &regs_desc[n];
	if (d->src == R_FTAG) {
		uint16_t t;
		memcpy(&t, in, 2);
		f->ftw = abridged_ftag(t);
		return;
	}
	uint8_t *field = reg_field(d, r, f);
	memset(field, 0, d->width);
	memcpy(field, in, d->width < d->size ? d->width : d->size);
}

/* Offset of register n in the g packet. */
static size_t reg_offset(int n)
{
	size_t off = 0;
	for (int i = 0; i < n; i++)
		off += regs_desc[i].size;
	return off;
}

/* --- commands ------------------------------------------------------------- */

static void cmd_read_regs(void)
{
	struct user_regs r;
	struct user_fpregs f;
	uint8_t bytes[600];
	char hex[1300];
	size_t len = 0;
	if (!read_regs(&r)) {
		send_str("E01");
		return;
	}
	int count = read_fpregs(&f) ? NUM_REGS : 24; /* GDB accepts a short g */
	for (int n = 0; n < count; n++)
		len += reg_get(n, &r, &f, bytes + len);
	send_bin(hex, (size_t)(hex_encode(hex, bytes, len) - hex));
}

/* Write back what changed; E01 when the kernel refuses (EINVAL). */
static void store_regs(const struct user_regs *r0, const struct user_regs *r,
                       const struct user_fpregs *f0, const struct user_fpregs *f)
{
	bool ok = true;
	if (memcmp(r0, r, sizeof *r))
		ok = write_regs(r);
	if (ok && memcmp(f0, f, sizeof *f))
		ok = write_fpregs(f);
	send_str(ok ? "OK" : "E01");
}

static void cmd_write_regs(const char *hex, size_t len)
{
	struct user_regs r0, r;
	struct user_fpregs f0, f;
	uint8_t bytes[600];
	size_t nbytes = len / 2;
	if (len % 2 || nbytes > sizeof bytes || !hex_decode(hex, bytes, nbytes) ||
	    !read_regs(&r0)) {
		send_str("E01");
		return;
	}
	bool have_fp = read_fpregs(&f0);
	if (!have_fp)
		memset(&f0, 0, sizeof f0);
	r = r0, f = f0;
	for (int n = 0; n < NUM_REGS; n++) {
		size_t off = reg_offset(n);
		if (off + regs_desc[n].size > nbytes || (regs_desc[n].src != R_INT && !have_fp))
			break;
		reg_set(n, &r, &f, bytes + off);
	}
	store_regs(&r0, &r, &f0, &f);
}

/* p n: one register; an unknown number gets an empty reply (GDB then
 * treats it as unavailable). */
static void cmd_read_reg(const char *args)
{
	uint64_t n;
	struct user_regs r;
	struct user_fpregs f;
	uint8_t bytes[16];
	char hex[40];
	if (!parse_hex(&args, &n) || *args) {
		send_str("E01");
		return;
	}
	if (n >= NUM_REGS) {
		send_str("");
		return;
	}
	if (!read_regs(&r) || (regs_desc[n].src != R_INT && !read_fpregs(&f))) {
		send_str("E01");
		return;
	}
	send_bin(hex, (size_t)(hex_encode(hex, bytes, reg_get((int)n, &r, &f, bytes)) - hex));
}

static void cmd_write_reg(const char *args)
{
	uint64_t n;
	struct user_regs r0, r;
	struct user_fpregs f0, f;
	uint8_t bytes[16];
	if (!parse_hex(&args, &n) || *args++ != '=') {
		send_str("E01");
		return;
	}
	if (n >= NUM_REGS) {
		send_str("");
		return;
	}
	if (strlen(args) != 2u * regs_desc[n].size || !hex_decode(args, bytes, regs_desc[n].size) ||
	    !read_regs(&r0) || !read_fpregs(&f0)) {
		send_str("E01");
		return;
	}
	r = r0, f = f0;
	reg_set((int)n, &r, &f, bytes);
	store_regs(&r0, &r, &f0, &f);
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

static void cmd_read_mem(const char *args)
{
	uint64_t addr, len;
	uint8_t bytes[PKT_MAX / 2];
	char hex[PKT_MAX + 1];
	if (!parse_addr_len(&args, &addr, &len, '\0')) {
		send_str("E01");
		return;
	}
	if (len > sizeof bytes)
		len = sizeof bytes;
	ssize_t n = len ? mem_read(addr, bytes, len) : 0;
	if (n < 0 || (n == 0 && len)) {
		send_str("E01");
		return;
	}
	send_bin(hex, (size_t)(hex_encode(hex, bytes, (size_t)n) - hex));
}

static void finish_write(uint64_t addr, const uint8_t *bytes, uint64_t len)
{
	ssize_t n = len ? mem_write(addr, bytes, len) : 0;
	send_str(n == (ssize_t)len ? "OK" : "E01");
}

static void cmd_write_mem(const char *args)
{
	uint64_t addr, len;
	uint8_t bytes[PKT_MAX / 2];
	if (!parse_addr_len(&args, &addr, &len, ':') || len > sizeof bytes ||
	    strlen(args) != 2 * len || !hex_decode(args, bytes, len)) {
		send_str("E01");
		return;
	}
	finish_write(addr, bytes, len);
}

/* X addr,len:binary, with '}' escaping the next byte (xor 0x20). */
static void cmd_write_mem_bin(const char *pkt, size_t pkt_len)
{
	const char *p = pkt + 1, *end = pkt + pkt_len;
	uint64_t addr, len, n = 0;
	uint8_t bytes[PKT_MAX];
	if (!parse_addr_len(&p, &addr, &len, ':') || len > sizeof bytes) {
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

/* Z0,addr,kind / z0,addr,kind. Other breakpoint types: unsupported. */
static void cmd_breakpoint(const char *pkt)
{
	const char *p = pkt + 2;
	uint64_t addr, kind;
	if (pkt[1] != '0') {
		send_str("");
		return;
	}
	if (*p++ != ',' || !parse_hex(&p, &addr) || *p++ != ',' || !parse_hex(&p, &kind)) {
		send_str("E01");
		return;
	}
	bool ok = pkt[0] == 'Z' ? bp_insert(addr) : bp_remove(addr);
	send_str(ok ? "OK" : "E01");
}

/* --- running and stopping ------------------------------------------------- */

static void set_stop_reply(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(g.stop_reply, sizeof g.stop_reply, fmt, ap);
	va_end(ap);
}

static bool write_flags(uint64_t flags)
{
	return write(g.trace, &flags, sizeof flags) == (ssize_t)sizeof flags;
}

/* Turn one event into a stop to report (true), or deal with it and keep
 * the target running (false). */
static bool handle_event(const struct ptrace_event *e)
{
	switch (e->cause) {
	case PTRACE_STOP_EXIT: {
		int st = (int)e->data[0];
		g.stop = STOP_EXITED;
		if (WIFSIGNALED(st)) {
			g.exit_code = 128 + WTERMSIG(st);
			set_stop_reply("X%02x", sig_to_gdb(WTERMSIG(st)));
		} else {
			g.exit_code = WEXITSTATUS(st);
			set_stop_reply("W%02x", WEXITSTATUS(st));
		}
		return true;
	}
	case PTRACE_STOP_BREAKPOINT: {
		struct user_regs r;
		g.stop = STOP_BREAK;
		if (bp_find(e->data[0]) && read_regs(&r)) {
			r.rip = e->data[0]; /* GDB wants the pc of the int3 itself */
			if (write_regs(&r)) {
				set_stop_reply("T05swbreak:;thread:%x;", g.pid);
				return true;
			}
		}
		set_stop_reply("T05thread:%x;", g.pid); /* the program's own int3 */
		return true;
	}
	case PTRACE_STOP_SIGNAL:
		if ((int)e->data[0] == g.inject_sig) { /* sent for `C sig`: let it act */
			g.inject_sig = 0;
			write_flags(g.run_flags);
			return false;
		}
		g.stop = STOP_SIGNAL;
		g.stop_sig = (int)e->data[0];
		set_stop_reply("T%02xthread:%x;", sig_to_gdb(g.stop_sig), g.pid);
		return true;
	case PTRACE_STOP_INTERRUPT:
		g.stop = STOP_INTR;
		set_stop_reply("T02thread:%x;", g.pid);
		return true;
	case PTRACE_STOP_EXEC:
		open_mem();
		g.stop = STOP_ENTRY;
		set_stop_reply("T05thread:%x;", g.pid);
		return true;
	default: /* SINGLESTEP and anything unexpected: a plain trap */
		g.stop = STOP_STEP;
		set_stop_reply("T05thread:%x;", g.pid);
		return true;
	}
}

/* GDB sent ^C: ask the target to stop, unless a stop is already queued.
 * (An INTERRUPT request does not resume a target that is already stopped.) */
static void request_interrupt(void)
{
	struct pollfd p = {g.trace, POLLIN, 0};
	if (poll(&p, 1, 0) > 0)
		return;
	write_flags(g.run_flags | PTRACE_STOP_INTERRUPT);
}

/* While the target runs: watch for its next stop and for ^C from GDB. */
static void wait_for_stop(void)
{
	for (;;) {
		struct pollfd p[2] = {{g.dev, POLLIN, 0}, {g.trace, POLLIN, 0}};
		bool buffered = g.rx_pos < g.rx_len;
		if (!buffered && poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			fatal("poll: %s", strerror(errno));
		}
		if (p[1].revents & (POLLIN | POLLHUP)) {
			struct ptrace_event e;
			ssize_t n = read(g.trace, &e, sizeof e);
			if (n <= 0) { /* gone without an EXIT event */
				g.stop = STOP_EXITED;
				set_stop_reply("X09");
				return;
			}
			if (handle_event(&e))
				return;
		}
		if (buffered || (p[0].revents & POLLIN)) {
			if (!buffered && !dev_fill())
				fatal("device closed");
			/* All-stop: GDB sends nothing but ^C while the target runs. */
			bool intr = memchr(g.rx + g.rx_pos, 0x03, g.rx_len - g.rx_pos) != NULL;
			g.rx_pos = g.rx_len;
			if (intr)
				request_interrupt();
		}
	}
}

/* Resume (step or continue) with GDB signal gsig (0 = none) and report the
 * next stop. At a signal stop, the signal GDB passes back is delivered;
 * any other stop is left with IGNORE, so no SIGTRAP follows a trap. */
static void resume(bool step, int gsig)
{
	int sig = gsig ? sig_from_gdb(gsig) : 0;
	uint64_t flags = RUN_FLAGS | (step ? PTRACE_STOP_SINGLESTEP : 0);
	if (g.stop == STOP_EXITED) {
		send_str(g.stop_reply);
		return;
	}
	g.run_flags = flags;
	if (g.stop == STOP_SIGNAL && sig == g.stop_sig)
		sig = 0; /* delivered by resuming without IGNORE */
	else
		flags |= PTRACE_FLAG_IGNORE;
	if (sig) { /* a different signal: send it and let it through */
		g.inject_sig = sig;
		kill(g.pid, sig);
	}
	if (!write_flags(flags)) {
		send_str("E01");
		return;
	}
	wait_for_stop();
	send_str(g.stop_reply);
}

/* Optional resume address: set rip. */
static bool set_pc_from(const char *p)
{
	uint64_t addr;
	struct user_regs r;
	if (!*p)
		return true;
	if (!parse_hex(&p, &addr) || *p || !read_regs(&r))
		return false;
	r.rip = addr;
	return write_regs(&r);
}

/* c [addr], s [addr], C sig[;addr], S sig[;addr] */
static void cmd_resume(const char *pkt)
{
	const char *p = pkt + 1;
	uint64_t gsig = 0;
	bool step = pkt[0] == 's' || pkt[0] == 'S';
	if (pkt[0] == 'C' || pkt[0] == 'S') {
		if (!parse_hex(&p, &gsig) || gsig > 255 || (*p && *p++ != ';')) {
			send_str("E01");
			return;
		}
	}
	if (!set_pc_from(p)) {
		send_str("E01");
		return;
	}
	resume(step, (int)gsig);
}

/* Does a vCont thread-id (after ':') name our thread? */
static bool vcont_for_us(const char *tid, const char *end)
{
	uint64_t v;
	const char *p = tid;
	if (tid == end || (end - tid == 2 && !strncmp(tid, "-1", 2)))
		return true;
	if (*p == 'p') { /* p<pid>.<tid> */
		p++;
		if ((p[0] == '-' && p[1] == '1') || (parse_hex(&p, &v) && v == (uint64_t)g.pid))
			return true;
		return false;
	}
	return (parse_hex(&p, &v) && (v == 0 || v == (uint64_t)g.pid));
}

/* vCont;ACTION[:TID]... : the first action that applies to our thread. */
static void cmd_vcont(const char *args)
{
	while (*args == ';') {
		const char *act = ++args, *end = strchr(args, ';'), *colon;
		if (!end)
			end = args + strlen(args);
		colon = memchr(act, ':', (size_t)(end - act));
		args = end;
		if (!vcont_for_us(colon ? colon + 1 : end, end))
			continue;
		uint64_t gsig = 0;
		const char *p = act + 1;
		if ((*act == 'C' || *act == 'S') && (!parse_hex(&p, &gsig) || gsig > 255)) {
			send_str("E01");
			return;
		}
		if (*act == 'c' || *act == 'C' || *act == 's' || *act == 'S') {
			resume(*act == 's' || *act == 'S', (int)gsig);
			return;
		}
		if (*act == 't') { /* already stopped (all-stop) */
			send_str("OK");
			return;
		}
		send_str("E01");
		return;
	}
	send_str("E01");
}

/* --- ending the session --------------------------------------------------- */

static void close_handles(void)
{
	int *fds[] = {&g.mem, &g.regs, &g.fpregs, &g.trace};
	for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

/* Wait for the program if it is our child (the one we started, or one we
 * attached to) and exit with its status. */
static void reap_and_exit(void)
{
	int st;
	if (waitpid(g.pid, &st, 0) == g.pid)
		g.exit_code = WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
	fprintf(stderr, "gdbserver: done, exit status %d\n", g.exit_code);
	exit(g.exit_code);
}

/* The target reported its exit to GDB: let it finish. Give the host a
 * moment to read the last reply before init powers the machine off. */
static void finish_exited(void)
{
	struct timespec ts = {0, 300 * 1000 * 1000};
	close_handles(); /* ends the session: the exit stop is released */
	nanosleep(&ts, NULL);
	reap_and_exit();
}

static void cmd_kill(void)
{
	struct ptrace_event e;
	kill(g.pid, SIGKILL);
	while (read(g.trace, &e, sizeof e) > 0) /* drain up to the end of the session */
		;
	close_handles();
	reap_and_exit();
}

/* D: remove our int3s, end the session (the target runs on). */
static void cmd_detach(void)
{
	bp_remove_all();
	close_handles();
	send_str("OK");
	reap_and_exit();
}

/* --- queries -------------------------------------------------------------- */

static bool prefix(const char *s, const char *p) { return strncmp(s, p, strlen(p)) == 0; }

static void cmd_query(const char *pkt)
{
	if (prefix(pkt, "qSupported"))
		send_fmt("PacketSize=%x;QStartNoAckMode+;swbreak+;vContSupported+", PKT_MAX);
	else if (!strcmp(pkt, "qAttached"))
		send_str(g.spawned ? "0" : "1");
	else if (!strcmp(pkt, "qC"))
		send_fmt("QC%x", g.pid);
	else if (!strcmp(pkt, "qfThreadInfo"))
		send_fmt("m%x", g.pid);
	else if (!strcmp(pkt, "qsThreadInfo"))
		send_str("l");
	else if (prefix(pkt, "qSymbol"))
		send_str("OK");
	else
		send_str(""); /* qOffsets, qTStatus, ...: not supported */
}

static void cmd_v(const char *pkt)
{
	if (!strcmp(pkt, "vCont?"))
		send_str("vCont;c;C;s;S;t");
	else if (prefix(pkt, "vCont;"))
		cmd_vcont(pkt + 5);
	else if (prefix(pkt, "vKill")) {
		send_str("OK");
		cmd_kill();
	} else
		send_str("");
}

/* T thread-id: is it alive? */
static void cmd_thread_alive(const char *args)
{
	uint64_t v;
	bool ok = parse_hex(&args, &v) && !*args && v == (uint64_t)g.pid;
	send_str(ok && g.stop != STOP_EXITED ? "OK" : "E01");
}

static void handle_packet(char *pkt, size_t len)
{
	switch (pkt[0]) {
	case '?': send_str(g.stop_reply); break;
	case 'g': cmd_read_regs(); break;
	case 'G': cmd_write_regs(pkt + 1, len - 1); break;
	case 'p': cmd_read_reg(pkt + 1); break;
	case 'P': cmd_write_reg(pkt + 1); break;
	case 'm': cmd_read_mem(pkt + 1); break;
	case 'M': cmd_write_mem(pkt + 1); break;
	case 'X': cmd_write_mem_bin(pkt, len); break;
	case 'Z':
	case 'z': cmd_breakpoint(pkt); break;
	case 'c':
	case 'C':
	case 's':
	case 'S': cmd_resume(pkt); break;
	case 'v': cmd_v(pkt); break;
	case 'q': cmd_query(pkt); break;
	case 'Q':
		if (!strcmp(pkt, "QStartNoAckMode")) {
			send_str("OK");
			g.noack = true;
		} else {
			send_str("");
		}
		break;
	case 'H': send_str("OK"); break;
	case 'T': cmd_thread_alive(pkt + 1); break;
	case 'k': cmd_kill(); break;
	case 'D': cmd_detach(); break;
	default: send_str(""); break;
	}
}

/* --- starting ------------------------------------------------------------- */

/* Fork PROG held on a pipe, trace it, let it exec and stop at its entry. */
static void spawn(char **argv)
{
	int p[2];
	struct ptrace_event e;
	char c = 'x';
	if (pipe(p) < 0)
		fatal("pipe: %s", strerror(errno));
	g.pid = fork();
	if (g.pid < 0)
		fatal("fork: %s", strerror(errno));
	if (g.pid == 0) {
		close(p[1]);
		if (read(p[0], &c, 1) != 1)
			_exit(127);
		close(p[0]);
		close(g.dev);
		execv(argv[0], argv);
		fprintf(stderr, "gdbserver: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(p[0]);
	g.spawned = true;
	g.trace = open_proc("trace", O_RDWR);
	if (g.trace < 0)
		fatal("proc:%d/trace: %s", g.pid, strerror(errno));
	if (!write_flags(PTRACE_STOP_EXEC | RUN_FLAGS) || write(p[1], &c, 1) != 1)
		fatal("starting %s: %s", argv[0], strerror(errno));
	close(p[1]);
	if (read(g.trace, &e, sizeof e) != (ssize_t)sizeof e || e.cause != PTRACE_STOP_EXEC) {
		close_handles();
		waitpid(g.pid, NULL, 0);
		fatal("%s did not start", argv[0]);
	}
	g.stop = STOP_ENTRY;
}

static void attach(pid_t pid)
{
	g.pid = pid;
	g.trace = open_proc("trace", O_RDWR | O_TRUNC); /* returns once stopped */
	if (g.trace < 0)
		fatal("proc:%d/trace: %s", pid, strerror(errno));
	g.stop = STOP_ENTRY;
}

static void open_target_files(void)
{
	g.regs = open_proc("regs/int", O_RDWR);
	g.fpregs = open_proc("regs/float", O_RDWR);
	open_mem();
	if (g.regs < 0 || g.mem < 0)
		fatal("proc:%d files: %s", g.pid, strerror(errno));
	set_stop_reply("T05thread:%x;", g.pid);
}

static void usage(void)
{
	fprintf(stderr, "usage: gdbserver [--dev DEVICE] PROG [ARGS...]\n"
	                "       gdbserver [--dev DEVICE] --attach PID\n");
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
		else
			usage();
	}
	if ((attach_pid <= 0) == (i == argc))
		usage();
	signal(SIGPIPE, SIG_IGN);
	g.dev = open(dev, O_RDWR);
	if (g.dev < 0)
		fatal("%s: %s", dev, strerror(errno));
	if (attach_pid > 0)
		attach((pid_t)attach_pid);
	else
		spawn(argv + i);
	open_target_files();
	fprintf(stderr, "gdbserver: debugging process %d on %s\n", (int)g.pid, dev);
	for (;;) {
		int n = recv_packet(pkt);
		if (n < 0)
			fatal("%s: end of input", dev);
		handle_packet(pkt, (size_t)n);
		if (g.stop == STOP_EXITED)
			finish_exited();
	}
}
