/* ioctl: request names and arguments as strace 6.1 prints them, for the
 * terminal requests (type 'T': termios, termio, termios2, winsize, modem
 * bits, numbers) and the generic FIO* ones; any other request prints as
 * _IOC(dir, type, nr, size) with its argument in hex. A request whose
 * argument the call fills (TCGETS, FIONREAD, ...) shows it at exit, and only
 * when the call succeeded; one the call reads shows it at entry. */
#include "strace.h"
#include <stddef.h>
#include <string.h>

enum ioctl_arg {
	IA_HEX,      /* not decoded: the argument in hex */
	IA_NONE,     /* no argument */
	IA_INT,      /* the argument itself, signed */
	IA_TCXONC,   /* TCOOFF..TCION */
	IA_TCFLSH,   /* TCIFLUSH..TCIOFLUSH */
	IA_TERMIOS,  /* struct termios */
	IA_TERMIO,   /* struct termio */
	IA_TERMIOS2, /* struct termios2 */
	IA_WINSIZE,  /* struct winsize */
	IA_MODEM,    /* [TIOCM_*] */
	IA_NUM,      /* [int] */
	IA_CHAR,     /* one byte, as a string */
};

struct ioctl_req {
	uint32_t code;
	const char *name;
	uint8_t arg; /* enum ioctl_arg */
	uint8_t out; /* the call fills it: shown at exit */
};

static const struct ioctl_req reqs[] = {
    {0x5401, "TCGETS", IA_TERMIOS, 1},
    {0x5402, "SNDCTL_TMR_START or TCSETS", IA_TERMIOS, 0},
    {0x5403, "SNDCTL_TMR_STOP or TCSETSW", IA_TERMIOS, 0},
    {0x5404, "SNDCTL_TMR_CONTINUE or TCSETSF", IA_TERMIOS, 0},
    {0x5405, "TCGETA", IA_TERMIO, 1},
    {0x5406, "TCSETA", IA_TERMIO, 0},
    {0x5407, "TCSETAW", IA_TERMIO, 0},
    {0x5408, "TCSETAF", IA_TERMIO, 0},
    {0x5409, "TCSBRK", IA_INT, 0},
    {0x540a, "TCXONC", IA_TCXONC, 0},
    {0x540b, "TCFLSH", IA_TCFLSH, 0},
    {0x540c, "TIOCEXCL", IA_NONE, 0},
    {0x540d, "TIOCNXCL", IA_NONE, 0},
    {0x540e, "TIOCSCTTY", IA_INT, 0},
    {0x540f, "TIOCGPGRP", IA_NUM, 1},
    {0x5410, "TIOCSPGRP", IA_NUM, 0},
    {0x5411, "TIOCOUTQ", IA_NUM, 1},
    {0x5412, "TIOCSTI", IA_CHAR, 0},
    {0x5413, "TIOCGWINSZ", IA_WINSIZE, 1},
    {0x5414, "TIOCSWINSZ", IA_WINSIZE, 0},
    {0x5415, "TIOCMGET", IA_MODEM, 1},
    {0x5416, "TIOCMBIS", IA_MODEM, 0},
    {0x5417, "TIOCMBIC", IA_MODEM, 0},
    {0x5418, "TIOCMSET", IA_MODEM, 0},
    {0x5419, "TIOCGSOFTCAR", IA_NUM, 1},
    {0x541a, "TIOCSSOFTCAR", IA_NUM, 0},
    {0x541b, "FIONREAD", IA_NUM, 1},
    {0x541c, "TIOCLINUX", IA_HEX, 0},
    {0x541d, "TIOCCONS", IA_NONE, 0},
    {0x541e, "TIOCGSERIAL", IA_HEX, 0},
    {0x541f, "TIOCSSERIAL", IA_NONE, 0},
    {0x5420, "TIOCPKT", IA_NUM, 0},
    {0x5421, "FIONBIO", IA_NUM, 0},
    {0x5422, "TIOCNOTTY", IA_NONE, 0},
    {0x5423, "TIOCSETD", IA_NUM, 0},
    {0x5424, "TIOCGETD", IA_NUM, 1},
    {0x5425, "TCSBRKP", IA_INT, 0},
    {0x5427, "TIOCSBRK", IA_NONE, 0},
    {0x5428, "TIOCCBRK", IA_NONE, 0},
    {0x5429, "TIOCGSID", IA_NUM, 1},
    {0x542e, "TIOCGRS485", IA_HEX, 0},
    {0x542f, "TIOCSRS485", IA_HEX, 0},
    {0x5432, "TCGETX", IA_HEX, 0},
    {0x5433, "TCSETX", IA_HEX, 0},
    {0x5434, "TCSETXF", IA_HEX, 0},
    {0x5435, "TCSETXW", IA_HEX, 0},
    {0x5437, "TIOCVHANGUP", IA_NONE, 0},
    {0x5441, "TIOCGPTPEER", IA_HEX, 0},
    {0x5450, "FIONCLEX", IA_NONE, 0},
    {0x5451, "FIOCLEX", IA_NONE, 0},
    {0x5452, "FIOASYNC", IA_NUM, 0},
    {0x5453, "TIOCSERCONFIG", IA_HEX, 0},
    {0x5454, "TIOCSERGWILD", IA_HEX, 0},
    {0x5455, "TIOCSERSWILD", IA_HEX, 0},
    {0x5456, "TIOCGLCKTRMIOS", IA_TERMIOS, 1},
    {0x5457, "TIOCSLCKTRMIOS", IA_TERMIOS, 0},
    {0x5458, "TIOCSERGSTRUCT", IA_HEX, 0},
    {0x5459, "TIOCSERGETLSR", IA_HEX, 0},
    {0x545a, "TIOCSERGETMULTI", IA_HEX, 0},
    {0x545b, "TIOCSERSETMULTI", IA_HEX, 0},
    {0x545c, "TIOCMIWAIT", IA_HEX, 0},
    {0x545d, "TIOCGICOUNT", IA_HEX, 0},
    {0x5460, "FIOQSIZE", IA_HEX, 0},
    {0x80045430, "TIOCGPTN", IA_NUM, 1},
    {0x40045431, "TIOCSPTLCK", IA_NUM, 0},
    {0x80045432, "TIOCGDEV", IA_NUM, 1},
    {0x40045436, "TIOCSIG", IA_HEX, 0},
    {0x80045438, "TIOCGPKT", IA_HEX, 0},
    {0x80045439, "TIOCGPTLCK", IA_HEX, 0},
    {0x80045440, "TIOCGEXCL", IA_NUM, 1},
    {0x802c542a, "TCGETS2", IA_TERMIOS2, 1},
    {0x402c542b, "TCSETS2", IA_TERMIOS2, 0},
    {0x402c542c, "TCSETSW2", IA_TERMIOS2, 0},
    {0x402c542d, "TCSETSF2", IA_TERMIOS2, 0},
};

static const struct ioctl_req *ioctl_find(uint64_t code)
{
	for (size_t i = 0; i < NF(reqs); i++)
		if (reqs[i].code == (uint32_t)code)
			return &reqs[i];
	return NULL;
}

/* ------------------------------------------------------------------------ */
/* Terminal structures.                                                     */
/* ------------------------------------------------------------------------ */

static const struct flag iflags[] = {
    {01, "IGNBRK"},  {02, "BRKINT"},   {04, "IGNPAR"},    {010, "PARMRK"},     {020, "INPCK"},
    {040, "ISTRIP"}, {0100, "INLCR"},  {0200, "IGNCR"},   {0400, "ICRNL"},     {01000, "IUCLC"},
    {02000, "IXON"}, {04000, "IXANY"}, {010000, "IXOFF"}, {020000, "IMAXBEL"}, {040000, "IUTF8"}};
static const struct flag oflags[] = {{01, "OPOST"},   {02, "OLCUC"},  {04, "ONLCR"},
                                     {010, "OCRNL"},  {020, "ONOCR"}, {040, "ONLRET"},
                                     {0100, "OFILL"}, {0200, "OFDEL"}};
static const struct flag cflags[] = {
    {0100, "CSTOPB"}, {0200, "CREAD"},   {0400, "PARENB"},         {01000, "PARODD"},
    {02000, "HUPCL"}, {04000, "CLOCAL"}, {010000000000, "CMSPAR"}, {020000000000, "CRTSCTS"}};
/* In strace's order (IEXTEN before ECHOCTL, TOSTOP after PENDIN). */
static const struct flag lflags[] = {
    {01, "ISIG"},        {02, "ICANON"},     {04, "XCASE"},      {010, "ECHO"},
    {020, "ECHOE"},      {040, "ECHOK"},     {0100, "ECHONL"},   {0200, "NOFLSH"},
    {0100000, "IEXTEN"}, {01000, "ECHOCTL"}, {02000, "ECHOPRT"}, {04000, "ECHOKE"},
    {010000, "FLUSHO"},  {040000, "PENDIN"}, {0400, "TOSTOP"},   {0200000, "EXTPROC"}};
static const char *const line_discs[] = {
    "N_TTY",         "N_SLIP",  "N_MOUSE",    "N_PPP",     "N_STRIP",        "N_AX25",
    "N_X25",         "N_6PACK", "N_MASC",     "N_R3964",   "N_PROFIBUS_FDL", "N_IRDA",
    "N_SMSBLOCK",    "N_HDLC",  "N_SYNC_PPP", "N_HCI",     "N_GIGASET_M101", "N_SLCAN",
    "N_PPS",         "N_V253",  "N_CAIF",     "N_GSM0710", "N_TI_WL",        "N_TRACESINK",
    "N_TRACEROUTER", "N_NCI",   "N_SPEAKUP",  "N_NULL",    "N_MCTP",         "N_DEVELOPMENT"};
static const struct flag modem[] = {
    {0x001, "TIOCM_LE"},  {0x002, "TIOCM_DTR"},   {0x004, "TIOCM_RTS"},   {0x008, "TIOCM_ST"},
    {0x010, "TIOCM_SR"},  {0x020, "TIOCM_CTS"},   {0x040, "TIOCM_CAR"},   {0x080, "TIOCM_RNG"},
    {0x100, "TIOCM_DSR"}, {0x2000, "TIOCM_OUT1"}, {0x4000, "TIOCM_OUT2"}, {0x8000, "TIOCM_LOOP"}};
static const struct flag tcxonc[] = {{0, "TCOOFF"}, {1, "TCOON"}, {2, "TCIOFF"}, {3, "TCION"}};
static const struct flag tcflsh[] = {{0, "TCIFLUSH"}, {1, "TCOFLUSH"}, {2, "TCIOFLUSH"}};
static const char *const cc_names[] = {
    "VINTR", "VQUIT", "VERASE", "VKILL",    "VEOF",     "VTIME",   "VMIN",   "VSWTC", "VSTART",
    "VSTOP", "VSUSP", "VEOL",   "VREPRINT", "VDISCARD", "VWERASE", "VLNEXT", "VEOL2"};

/* A baud value of CBAUD: B0..B38400, then the CBAUDEX ones. */
static void fmt_baud(struct sbuf *b, uint32_t v)
{
	static const char *const low[] = {"B0",    "B50",   "B75",    "B110",  "B134",  "B150",
	                                  "B200",  "B300",  "B600",   "B1200", "B1800", "B2400",
	                                  "B4800", "B9600", "B19200", "B38400"};
	static const char *const high[] = {"BOTHER",   "B57600",   "B115200",  "B230400",
	                                   "B460800",  "B500000",  "B576000",  "B921600",
	                                   "B1000000", "B1152000", "B1500000", "B2000000",
	                                   "B2500000", "B3000000", "B3500000", "B4000000"};
	sb_puts(b, (v & 010000) ? high[v & 017] : low[v & 017]);
}

/* Each delay field by name (NL0, CR2, ..., TAB3 as XTABS), then the other
 * bits. Flag words print as strace's printflags does with no default: a
 * zero prints nothing, so c_iflag= and "FF0|" are what strace shows. */
static void fmt_oflag(struct sbuf *b, uint32_t v)
{
	static const struct {
		uint32_t mask;
		int shift;
		const char *name;
	} delays[] = {{0400, 8, "NL"},    {03000, 9, "CR"},   {014000, 11, "TAB"},
	              {020000, 13, "BS"}, {040000, 14, "VT"}, {0100000, 15, "FF"}};
	for (size_t i = 0; i < NF(delays); i++) {
		uint32_t n = (v & delays[i].mask) >> delays[i].shift;
		if (delays[i].mask == 014000 && n == 3)
			sb_puts(b, "XTABS|");
		else
			sb_printf(b, "%s%u|", delays[i].name, n);
		v &= ~delays[i].mask;
	}
	fmt_flags(b, v, oflags, NF(oflags), "");
}

static void fmt_cflag(struct sbuf *b, uint32_t v)
{
	fmt_baud(b, v & 010017);
	sb_puts(b, "|");
	if (v & 002003600000) {
		fmt_baud(b, (v & 002003600000) >> 16);
		sb_puts(b, "<<IBSHIFT|");
	}
	sb_printf(b, "CS%u|", 5 + ((v & 060) >> 4));
	fmt_flags(b, v & ~(uint32_t)(010017 | 002003600000 | 060), cflags, NF(cflags), "");
}

static void fmt_cc(struct sbuf *b, const uint8_t *cc, size_t n)
{
	sb_puts(b, "c_cc=[");
	for (size_t i = 0; i < n; i++) {
		if (i)
			sb_puts(b, ", ");
		if (i < NF(cc_names))
			sb_printf(b, "[%s]=", cc_names[i]);
		else
			sb_printf(b, "[%zu]=", i);
		sb_printf(b, cc[i] ? "%#x" : "%u", cc[i]);
	}
	sb_puts(b, "]");
}

/* The four flag words, then "..." or (with -v) the line discipline, the
 * control characters and, for termios2, the speeds. */
static void fmt_tty(struct sbuf *b, struct tracee *t, const uint32_t flags[4], uint8_t line,
                    const uint8_t *cc, size_t ncc, const uint32_t *speeds)
{
	sb_puts(b, "{c_iflag=");
	fmt_flags(b, flags[0], iflags, NF(iflags), "");
	sb_puts(b, ", c_oflag=");
	fmt_oflag(b, flags[1]);
	sb_puts(b, ", c_cflag=");
	fmt_cflag(b, flags[2]);
	sb_puts(b, ", c_lflag=");
	fmt_flags(b, flags[3], lflags, NF(lflags), "");
	if (abbrev(t)) {
		sb_puts(b, ", ...}");
		return;
	}
	if (line < NF(line_discs))
		sb_printf(b, ", c_line=%s, ", line_discs[line]);
	else
		sb_printf(b, ", c_line=%#x /* N_??? */, ", line);
	fmt_cc(b, cc, ncc);
	if (speeds)
		sb_printf(b, ", c_ispeed=%u, c_ospeed=%u", speeds[0], speeds[1]);
	sb_puts(b, "}");
}

static void fmt_tty_struct(struct sbuf *b, struct tracee *t, int kind, uint64_t addr)
{
	if (kind == IA_TERMIO) {
		struct {
			uint16_t iflag, oflag, cflag, lflag;
			uint8_t line, cc[8];
		} tio;
		if (!peek_all(t, addr, &tio, sizeof tio)) {
			fmt_ptr(b, addr);
			return;
		}
		const uint32_t f[4] = {tio.iflag, tio.oflag, tio.cflag, tio.lflag};
		fmt_tty(b, t, f, tio.line, tio.cc, sizeof tio.cc, NULL);
		return;
	}
	struct {
		uint32_t flags[4];
		uint8_t line, cc[19];
		uint32_t speeds[2];
	} tio;
	size_t size = kind == IA_TERMIOS2 ? sizeof tio : offsetof(__typeof__(tio), speeds);
	if (!peek_all(t, addr, &tio, size)) {
		fmt_ptr(b, addr);
		return;
	}
	fmt_tty(b, t, tio.flags, tio.line, tio.cc, sizeof tio.cc,
	        kind == IA_TERMIOS2 ? tio.speeds : NULL);
}

/* ------------------------------------------------------------------------ */
/* Entry and exit.                                                          */
/* ------------------------------------------------------------------------ */

static void fmt_arg(struct sbuf *b, struct tracee *t, const struct ioctl_req *r, uint64_t arg)
{
	int32_t v;
	switch (r->arg) {
	case IA_INT: sb_long(b, (int)arg); break;
	case IA_TCXONC: fmt_xval(b, tcxonc, NF(tcxonc), arg, "%#lx /* TC??? */"); break;
	case IA_TCFLSH: fmt_xval(b, tcflsh, NF(tcflsh), arg, "%#lx /* TC??? */"); break;
	case IA_TERMIOS:
	case IA_TERMIO:
	case IA_TERMIOS2: fmt_tty_struct(b, t, r->arg, arg); break;
	case IA_WINSIZE: {
		uint16_t ws[4];
		if (peek_all(t, arg, ws, sizeof ws))
			sb_printf(b, "{ws_row=%u, ws_col=%u, ws_xpixel=%u, ws_ypixel=%u}", ws[0],
			          ws[1], ws[2], ws[3]);
		else
			fmt_ptr(b, arg);
		break;
	}
	case IA_MODEM:
	case IA_NUM:
		if (!peek_all(t, arg, &v, sizeof v)) {
			fmt_ptr(b, arg);
		} else if (r->arg == IA_NUM) {
			sb_printf(b, "[%d]", v);
		} else {
			uint32_t named = 0;
			for (size_t i = 0; i < NF(modem); i++)
				named |= (uint32_t)modem[i].bit;
			sb_puts(b, "[");
			fmt_flags(b, (uint32_t)v, modem, NF(modem), "0");
			/* printflags: unnamed bits alone carry the default's name */
			sb_puts(b, v && !((uint32_t)v & named) ? " /* TIOCM_??? */]" : "]");
		}
		break;
	case IA_CHAR: {
		unsigned char c;
		if (peek_all(t, arg, &c, 1))
			sb_quote(b, &c, 1, 0);
		else
			fmt_ptr(b, arg);
		break;
	}
	default: sb_printf(b, "%#lx", (unsigned long)arg);
	}
}

/* The request as _IOC(dir, type, nr, size). */
static void fmt_ioc(struct sbuf *b, uint32_t code)
{
	static const char *const dirs[] = {"_IOC_NONE", "_IOC_WRITE", "_IOC_READ",
	                                   "_IOC_READ|_IOC_WRITE"};
	sb_printf(b, "_IOC(%s, %#x, %#x, %#x)", dirs[code >> 30], (code >> 8) & 0xff, code & 0xff,
	          (code >> 16) & 0x3fff);
}

void fmt_ioctl_entry(struct sbuf *b, struct tracee *t, uint64_t code, uint64_t arg)
{
	const struct ioctl_req *r = ioctl_find(code);
	if (r)
		sb_puts(b, r->name);
	else
		fmt_ioc(b, (uint32_t)code);
	if (r && (r->out || r->arg == IA_NONE))
		return;
	sb_puts(b, ", ");
	if (r)
		fmt_arg(b, t, r, arg);
	else
		sb_printf(b, "%#lx", (unsigned long)arg);
}

void fmt_ioctl_exit(struct sbuf *b, struct tracee *t, uint64_t code, uint64_t arg, int64_t ret)
{
	const struct ioctl_req *r = ioctl_find(code);
	if (!r || !r->out)
		return;
	sb_puts(b, ", ");
	if (ret < 0 && ret >= -4095)
		fmt_ptr(b, arg);
	else
		fmt_arg(b, t, r, arg);
}

/* Whether the request shows its argument at exit (the call fills it). */
int ioctl_has_exit_part(uint64_t code)
{
	const struct ioctl_req *r = ioctl_find(code);
	return r && r->out;
}
