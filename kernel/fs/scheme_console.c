/* console: COM1 as a terminal. Input arrives by IRQ 4 into a line buffer
 * (canonical mode: con_echo, backspace, ^U kills the line, ^C sends SIGINT to
 * the foreground process group, ^D ends input); read() sleeps until a line
 * is complete. Output goes straight to the port. Termios requests answer
 * enough for isatty() and line editing in shells. */
#include "arch.h"
#include "errno.h"
#include "file.h"
#include "kernel.h"
#include "lib.h"
#include "proc.h"
#include "schemes.h"
#include "trap.h"

#define LINE_MAX 1024
#define TCGETS 0x5401
#define TCSETS 0x5402
#define TCSETSW 0x5403
#define TCSETSF 0x5404
#define TIOCGPGRP 0x540F
#define TIOCSPGRP 0x5410
#define TIOCGWINSZ 0x5413
#define ICANON 0x2
#define ECHO 0x8

/* The kernel's struct termios (NCCS 19), which TCGETS/TCSETS move. The
 * C libraries' own struct termios is larger; glibc copies through this one,
 * so writing more would overrun its buffer. */
struct termios_k {
	uint32_t iflag, oflag, cflag, lflag;
	uint8_t line, cc[19];
};
_Static_assert(sizeof(struct termios_k) == 36, "Linux kernel struct termios is 36 bytes");

static struct termios_k tio = {.iflag = 0x100 /* ICRNL */,
                               .oflag = 0x5 /* OPOST|ONLCR */,
                               .cflag = 0xbf /* B38400|CS8|CREAD */,
                               .lflag =
                                   0x8a3b /* ISIG|ICANON|ECHO|ECHOE|ECHOK|ECHOCTL|ECHOKE|IEXTEN */,
                               .cc = {3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22}};

static char line[LINE_MAX]; /* the line being edited */
static size_t line_len;
static char ready[LINE_MAX]; /* completed input not yet read */
static size_t ready_len;
static bool eof_pending;
static int fg_pgrp = 1;
static struct waitq readers;

static const char *con_memchr_nl(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\n')
			return s + i;
	return 0;
}

static void con_echo(const char *s, size_t n)
{
	if (tio.lflag & ECHO)
		log_write(s, n);
}

/* Move the edited line to the ready buffer. */
static void con_commit_line(void)
{
	size_t n = MIN(line_len, LINE_MAX - ready_len);
	memcpy(ready + ready_len, line, n);
	ready_len += n;
	line_len = 0;
	waitq_wake(&readers);
}

static void con_input_char(char c)
{
	if (c == '\r')
		c = '\n';
	if (!(tio.lflag & ICANON)) {
		if (ready_len < LINE_MAX)
			ready[ready_len++] = c;
		con_echo(&c, 1);
		waitq_wake(&readers);
		return;
	}
	switch (c) {
	case 3: /* ^C */
		line_len = 0;
		con_echo("^C\n", 3);
		signal_send_pgrp(fg_pgrp, SIGINT);
		return;
	case 4: /* ^D */
		if (line_len == 0)
			eof_pending = true;
		con_commit_line();
		return;
	case 21: /* ^U */
		while (line_len) {
			line_len--;
			con_echo("\b \b", 3);
		}
		return;
	case 8:
	case 127:
		if (line_len) {
			line_len--;
			con_echo("\b \b", 3);
		}
		return;
	}
	if (line_len < LINE_MAX - 1 || c == '\n')
		line[line_len++] = c;
	con_echo(&c, 1);
	if (c == '\n')
		con_commit_line();
}

/* The foreground process group: ^C sends SIGINT to it (TIOCSPGRP sets it). */
int console_fg_pgrp(void) { return fg_pgrp; }

/* Make pgid the foreground group (ignored unless positive). */
void console_set_fg_pgrp(int pgid)
{
	if (pgid > 0)
		fg_pgrp = pgid;
}

/* IRQ 4: drain the UART into the line discipline. */
void console_irq(void)
{
	int c;
	while ((c = serial_getc()) >= 0)
		con_input_char((char)c);
}

static int con_open(struct file *f, const char *path, int flags, int mode)
{
	(void)f, (void)flags, (void)mode;
	return *path ? -ENOENT : 0;
}

static long con_read(struct file *f, uint64_t ubuf, size_t n, uint64_t *off)
{
	(void)off;
	while (!ready_len && !eof_pending) {
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (waitq_sleep(&readers))
			return -EINTR;
	}
	if (!ready_len) {
		eof_pending = false;
		return 0;
	}
	size_t cnt = n;
	if (tio.lflag & ICANON) { /* at most one line per read */
		const char *nl = con_memchr_nl(ready, ready_len);
		size_t linelen = nl ? (size_t)(nl - ready) + 1 : ready_len;
		cnt = MIN(cnt, linelen);
	}
	cnt = MIN(cnt, ready_len);
	if (file_copy_out(f, ubuf, ready, cnt))
		return -EFAULT;
	memmove(ready, ready + cnt, ready_len - cnt);
	ready_len -= cnt;
	return (long)cnt;
}

static long con_write(struct file *f, uint64_t ubuf, size_t n, uint64_t *off)
{
	(void)off;
	char buf[256];
	size_t done = 0;
	while (done < n) {
		size_t c = MIN(n - done, sizeof buf);
		if (file_copy_in(f, buf, ubuf + done, c))
			return done ? (long)done : -EFAULT;
		log_write(buf, c);
		done += c;
	}
	return (long)done;
}

static int con_stat_path(const char *path, struct kstat *st)
{
	if (*path)
		return -ENOENT;
	memset(st, 0, sizeof *st);
	st->mode = S_IFCHR | 0620;
	st->rdev = 0x400; /* tty0, major 4 */
	return 0;
}

static int con_stat(struct file *f, struct kstat *st)
{
	(void)f;
	return con_stat_path("", st);
}

static int con_poll(struct file *f, int events)
{
	(void)f, (void)events;
	return POLLOUT | ((ready_len || eof_pending) ? POLLIN : 0);
}

static long con_ioctl(struct file *f, uint64_t req, uint64_t arg)
{
	switch (req) {
	case TCGETS: return file_copy_out(f, arg, &tio, sizeof tio) ? -EFAULT : 0;
	case TCSETS:
	case TCSETSW:
	case TCSETSF: {
		struct termios_k t;
		if (file_copy_in(f, &t, arg, sizeof t))
			return -EFAULT;
		tio = t;
		return 0;
	}
	case TIOCGPGRP: return file_copy_out(f, arg, &fg_pgrp, sizeof fg_pgrp) ? -EFAULT : 0;
	case TIOCSPGRP: {
		int pg;
		if (file_copy_in(f, &pg, arg, sizeof pg))
			return -EFAULT;
		if (pg <= 0)
			return -EINVAL;
		fg_pgrp = pg;
		return 0;
	}
	case TIOCGWINSZ: {
		uint16_t ws[4] = {24, 80, 0, 0};
		return file_copy_out(f, arg, ws, sizeof ws) ? -EFAULT : 0;
	}
	default: return -ENOTTY;
	}
}

static const struct scheme_ops console_ops = {
    .open = con_open,
    .read = con_read,
    .write = con_write,
    .stat = con_stat,
    .stat_path = con_stat_path,
    .poll = con_poll,
    .ioctl = con_ioctl,
};

/* Register console: and let its IRQ in. */
void console_scheme_init(void)
{
	scheme_register("console", &console_ops);
	pic_unmask(4);
}
