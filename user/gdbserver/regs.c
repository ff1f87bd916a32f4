/* gdbserver: registers as GDB's amd64 GNU/Linux target numbers them (the
 * target description below, served by qXfer:features:read): 0-23 the
 * general registers, 24-39 x87, 40-56 SSE (xmm0-15, mxcsr), 57 orig_rax
 * (org.gnu.gdb.i386.linux: GDB writes -1 there to cancel a syscall restart
 * before an inferior call), 58-59 fs_base and gs_base. Writes are
 * all-or-nothing: a value the kernel refuses gets an error and changes
 * nothing. */
#include "gdbserver.h"
#include <stdio.h>
#include <string.h>

#define NUM_REGS 60
#define NUM_GPRS 24 /* what a g reply has when regs/float cannot be read */

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
    FREG(24, 4, 4),           /* mxcsr */
    IREG(orig_rax, 8),        /* org.gnu.gdb.i386.linux */
    IREG(fs_base, 8), IREG(gs_base, 8), /* org.gnu.gdb.i386.segments */
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

static bool have_target(void)
{
	if (g.cur && g.cur->regs >= 0)
		return true;
	send_str("E01");
	return false;
}

void cmd_read_regs(const char *args, size_t len)
{
	struct user_regs r;
	struct user_fpregs f;
	uint8_t bytes[600];
	char hex[1300];
	size_t n = 0;
	(void)args, (void)len;
	if (!have_target())
		return;
	if (!read_regs(g.cur, &r)) {
		send_str("E01");
		return;
	}
	int count = read_fpregs(g.cur, &f) ? NUM_REGS : NUM_GPRS; /* GDB accepts a short g */
	for (int i = 0; i < count; i++)
		n += reg_get(i, &r, &f, bytes + n);
	send_bin(hex, (size_t)(hex_encode(hex, bytes, n) - hex));
}

/* Write back what changed, all or nothing: E01 when the kernel refuses
 * (EINVAL), with the registers as they were. */
static void store_regs(const struct user_regs *r0, const struct user_regs *r,
                       const struct user_fpregs *f0, const struct user_fpregs *f)
{
	bool fp_changed = memcmp(f0, f, sizeof *f) != 0, ok = true;
	if (fp_changed)
		ok = write_fpregs(g.cur, f);
	if (ok && memcmp(r0, r, sizeof *r)) {
		ok = write_regs(g.cur, r);
		if (!ok && fp_changed)
			write_fpregs(g.cur, f0); /* undo: the write is one operation for GDB */
	}
	send_str(ok ? "OK" : "E01");
}

void cmd_write_regs(const char *hex, size_t len)
{
	struct user_regs r0, r;
	struct user_fpregs f0, f;
	uint8_t bytes[600];
	size_t nbytes = len / 2;
	if (!have_target())
		return;
	if (len % 2 || nbytes > sizeof bytes || !hex_decode(hex, bytes, nbytes) ||
	    nbytes < reg_offset(NUM_GPRS) || !read_regs(g.cur, &r0)) {
		send_str("E01");
		return;
	}
	bool have_fp = read_fpregs(g.cur, &f0);
	if (!have_fp)
		memset(&f0, 0, sizeof f0);
	r = r0, f = f0;
	for (int n = 0; n < NUM_REGS; n++) {
		size_t off = reg_offset(n);
		if (off + regs_desc[n].size > nbytes)
			break;
		if (regs_desc[n].src != R_INT && !have_fp)
			continue;
		reg_set(n, &r, &f, bytes + off);
	}
	store_regs(&r0, &r, &f0, &f);
}

/* p n: one register; a number past the description is an error. */
void cmd_read_reg(const char *args, size_t len)
{
	uint64_t n;
	struct user_regs r;
	struct user_fpregs f;
	uint8_t bytes[16];
	char hex[40];
	(void)len;
	if (!parse_hex(&args, &n) || *args || n >= NUM_REGS) {
		send_str("E01");
		return;
	}
	if (!have_target())
		return;
	if (!read_regs(g.cur, &r) || (regs_desc[n].src != R_INT && !read_fpregs(g.cur, &f))) {
		send_str("E01");
		return;
	}
	send_bin(hex, (size_t)(hex_encode(hex, bytes, reg_get((int)n, &r, &f, bytes)) - hex));
}

void cmd_write_reg(const char *args, size_t len)
{
	uint64_t n;
	struct user_regs r0, r;
	struct user_fpregs f0, f;
	uint8_t bytes[16];
	(void)len;
	if (!parse_hex(&args, &n) || *args++ != '=' || n >= NUM_REGS) {
		send_str("E01");
		return;
	}
	if (!have_target())
		return;
	if (strlen(args) != 2u * regs_desc[n].size || !hex_decode(args, bytes, regs_desc[n].size) ||
	    !read_regs(g.cur, &r0) || !read_fpregs(g.cur, &f0)) {
		send_str("E01");
		return;
	}
	r = r0, f = f0;
	reg_set((int)n, &r, &f, bytes);
	store_regs(&r0, &r, &f0, &f);
}

/* --- the target description ------------------------------------------------ */

/* clang-format off */
static const char tdesc_head[] =
    "<?xml version=\"1.0\"?>\n"
    "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
    "<target version=\"1.0\">\n"
    "<architecture>i386:x86-64</architecture>\n"
    "<osabi>GNU/Linux</osabi>\n"
    "<feature name=\"org.gnu.gdb.i386.core\">\n"
    "<flags id=\"i386_eflags\" size=\"4\">\n"
    "<field name=\"CF\" start=\"0\" end=\"0\"/><field name=\"\" start=\"1\" end=\"1\"/>\n"
    "<field name=\"PF\" start=\"2\" end=\"2\"/><field name=\"AF\" start=\"4\" end=\"4\"/>\n"
    "<field name=\"ZF\" start=\"6\" end=\"6\"/><field name=\"SF\" start=\"7\" end=\"7\"/>\n"
    "<field name=\"TF\" start=\"8\" end=\"8\"/><field name=\"IF\" start=\"9\" end=\"9\"/>\n"
    "<field name=\"DF\" start=\"10\" end=\"10\"/><field name=\"OF\" start=\"11\" end=\"11\"/>\n"
    "<field name=\"NT\" start=\"14\" end=\"14\"/><field name=\"RF\" start=\"16\" end=\"16\"/>\n"
    "<field name=\"VM\" start=\"17\" end=\"17\"/><field name=\"AC\" start=\"18\" end=\"18\"/>\n"
    "<field name=\"VIF\" start=\"19\" end=\"19\"/><field name=\"VIP\" start=\"20\" end=\"20\"/>\n"
    "<field name=\"ID\" start=\"21\" end=\"21\"/>\n"
    "</flags>\n";
/* clang-format on */

static const char *const gpr_names[] = {"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp",
                                        "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};

/* The whole description, generated once. */
static const char *tdesc(size_t *len)
{
	static char buf[8192];
	static size_t n;
	if (n) {
		*len = n;
		return buf;
	}
	static const char *const ctl[] = {"fctrl", "fstat", "ftag",  "fiseg",
	                                  "fioff", "foseg", "fooff", "fop"};
	static const char *const segs[] = {"cs", "ss", "ds", "es", "fs", "gs"};
	int r = 0;
#define ADD(...) (n += (size_t)snprintf(buf + n, sizeof buf - n, __VA_ARGS__))
	ADD("%s", tdesc_head);
	for (int i = 0; i < 16; i++, r++)
		ADD("<reg name=\"%s\" bitsize=\"64\" type=\"%s\" regnum=\"%d\"/>\n", gpr_names[i],
		    i == 6 || i == 7 ? "data_ptr" : "int64", r);
	ADD("<reg name=\"rip\" bitsize=\"64\" type=\"code_ptr\" regnum=\"%d\"/>\n", r++);
	ADD("<reg name=\"eflags\" bitsize=\"32\" type=\"i386_eflags\" regnum=\"%d\"/>\n", r++);
	for (int i = 0; i < 6; i++, r++)
		ADD("<reg name=\"%s\" bitsize=\"32\" type=\"int32\" regnum=\"%d\"/>\n", segs[i], r);
	for (int i = 0; i < 8; i++, r++)
		ADD("<reg name=\"st%d\" bitsize=\"80\" type=\"i387_ext\" regnum=\"%d\"/>\n", i, r);
	for (int i = 0; i < 8; i++, r++)
		ADD("<reg name=\"%s\" bitsize=\"32\" type=\"int\" group=\"float\" "
		    "regnum=\"%d\"/>\n",
		    ctl[i], r);
	ADD("</feature>\n<feature name=\"org.gnu.gdb.i386.sse\">\n");
	ADD("<vector id=\"v8bf16\" type=\"bfloat16\" count=\"8\"/>\n"
	    "<vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>\n"
	    "<vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>\n"
	    "<vector id=\"v16i8\" type=\"int8\" count=\"16\"/>\n"
	    "<vector id=\"v8i16\" type=\"int16\" count=\"8\"/>\n"
	    "<vector id=\"v4i32\" type=\"int32\" count=\"4\"/>\n"
	    "<vector id=\"v2i64\" type=\"int64\" count=\"2\"/>\n"
	    "<union id=\"vec128\"><field name=\"v8_bfloat16\" type=\"v8bf16\"/>"
	    "<field name=\"v4_float\" type=\"v4f\"/><field name=\"v2_double\" type=\"v2d\"/>"
	    "<field name=\"v16_int8\" type=\"v16i8\"/><field name=\"v8_int16\" type=\"v8i16\"/>"
	    "<field name=\"v4_int32\" type=\"v4i32\"/><field name=\"v2_int64\" type=\"v2i64\"/>"
	    "<field name=\"uint128\" type=\"uint128\"/></union>\n"
	    "<flags id=\"i386_mxcsr\" size=\"4\">\n");
	static const char *const mx[] = {"IE", "DE", "ZE", "OE", "UE", "PE", "DAZ",
	                                 "IM", "DM", "ZM", "OM", "UM", "PM"};
	for (int i = 0; i < 13; i++)
		ADD("<field name=\"%s\" start=\"%d\" end=\"%d\"/>\n", mx[i], i, i);
	ADD("<field name=\"FZ\" start=\"15\" end=\"15\"/>\n</flags>\n");
	for (int i = 0; i < 16; i++, r++)
		ADD("<reg name=\"xmm%d\" bitsize=\"128\" type=\"vec128\" regnum=\"%d\"/>\n", i, r);
	ADD("<reg name=\"mxcsr\" bitsize=\"32\" type=\"i386_mxcsr\" group=\"vector\" "
	    "regnum=\"%d\"/>\n",
	    r++);
	ADD("</feature>\n<feature name=\"org.gnu.gdb.i386.linux\">\n");
	ADD("<reg name=\"orig_rax\" bitsize=\"64\" type=\"int\" regnum=\"%d\"/>\n", r++);
	ADD("</feature>\n<feature name=\"org.gnu.gdb.i386.segments\">\n");
	ADD("<reg name=\"fs_base\" bitsize=\"64\" type=\"int\" regnum=\"%d\"/>\n", r++);
	ADD("<reg name=\"gs_base\" bitsize=\"64\" type=\"int\" regnum=\"%d\"/>\n", r++);
	ADD("</feature>\n</target>\n");
#undef ADD
	*len = n;
	return buf;
}

/* qXfer:features:read:target.xml:OFFSET,LENGTH */
void qxfer_features(const char *annex, const char *args)
{
	size_t len;
	const char *xml = tdesc(&len);
	if (strcmp(annex, "target.xml")) {
		send_str("E00");
		return;
	}
	send_qxfer(xml, len, args);
}
