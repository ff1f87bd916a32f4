/* gdbserver: the GDB Remote Serial Protocol's framing over a byte device
 * ($body#xx, acks, noack mode, retransmission), hex and binary escapes, and
 * the translation between Linux's signal numbers and GDB's. */
#include "gdbserver.h"
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void fatal(const char *fmt, ...)
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

int sig_to_gdb(int sig)
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

int sig_from_gdb(int gsig)
{
	for (int s = 1; s <= 64; s++)
		if (sig_to_gdb(s) == gsig)
			return s;
	return 0;
}

/* --- hex ---------------------------------------------------------------- */

static const char hexdig[] = "0123456789abcdef";

int hexval(int c)
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
bool parse_hex(const char **p, uint64_t *v)
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
bool hex_decode(const char *s, uint8_t *out, size_t len)
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
char *hex_encode(char *dst, const uint8_t *src, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		*dst++ = hexdig[src[i] >> 4];
		*dst++ = hexdig[src[i] & 15];
	}
	*dst = '\0';
	return dst;
}

/* Binary data as a reply carries it ('#', '$', '}' and '*' escaped as '}'
 * and the byte xor 0x20), at most cap bytes of text; *used is how many
 * bytes of src went in. Returns the text's length. */
size_t escape_bin(char *dst, size_t cap, const uint8_t *src, size_t len, size_t *used)
{
	size_t n = 0, i = 0;
	for (; i < len; i++) {
		uint8_t c = src[i];
		bool esc = c == '#' || c == '$' || c == '}' || c == '*';
		if (n + 1 + esc > cap)
			break;
		if (esc) {
			dst[n++] = '}';
			c ^= 0x20;
		}
		dst[n++] = (char)c;
	}
	*used = i;
	return n;
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
bool dev_fill(void)
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
void send_bin(const char *body, size_t len)
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

void send_str(const char *s) { send_bin(s, strlen(s)); }

void send_fmt(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	send_str(buf);
}

/* Errors are Enn, nn an errno-like code in hex (GDB shows it, no more). */
void send_err(int code) { send_fmt("E%02x", code & 0xff); }

/* Read the body of one packet after its '$'; returns its length, -2 when its
 * checksum was wrong, -3 when it was too long, -1 at end of input. */
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
int recv_packet(char *buf)
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
