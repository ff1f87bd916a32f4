/* Host unit test for kernel/fs/scheme_console.c (unity build with scheme.c
 * and file.c). The UART is a byte queue drained by console_irq(), log_write
 * collects the echo, and waitq_sleep runs a hook that types more input (or
 * reports a signal). Covers the canonical line discipline (echo, erase,
 * kill, ^C to the foreground group, ^D), short reads, blocking, poll and
 * the terminal ioctls. */
#include "fs_host.h"
#include "../../kernel/fs/scheme.c"
#include "../../kernel/fs/file.c"
#include "../../kernel/fs/scheme_console.c"

static struct proc me;
struct proc *current = &me;
static char uart[256];
static size_t uart_head, uart_len;
static char echoed[1024];
static size_t echoed_len;
static int unmasked = -1, last_pgrp, last_sig, sleeps;
static const char *sleep_input; /* typed while a reader sleeps; NULL: -EINTR */

int serial_getc(void) { return uart_head < uart_len ? (uint8_t)uart[uart_head++] : -1; }
void pic_unmask(int irq) { unmasked = irq; }

void log_write(const char *s, size_t n)
{
	CHECK(echoed_len + n < sizeof echoed);
	memcpy(echoed + echoed_len, s, n);
	echoed_len += n;
	echoed[echoed_len] = 0;
}

int signal_send_pgrp(int pgid, int sig)
{
	last_pgrp = pgid;
	last_sig = sig;
	return 0;
}

/* Bytes arrive at the UART; the IRQ handler takes them. */
static void type(const char *s)
{
	uart_head = 0;
	uart_len = strlen(s);
	memcpy(uart, s, uart_len);
	console_irq();
	CHECK_EQ(uart_head, uart_len);
}

int waitq_sleep(struct waitq *q)
{
	CHECK(q == &readers);
	if (++sleeps > 100) {
		printf("Bail out! sleeping forever\n");
		exit(2);
	}
	if (!sleep_input)
		return -EINTR;
	type(sleep_input);
	sleep_input = NULL;
	return 0;
}

void waitq_wake(struct waitq *q) { CHECK(q == &readers); }

static struct file *con;

static void setup(void)
{
	if (!con) {
		console_scheme_init();
		CHECK_EQ(file_open("console:", O_RDWR, 0, &con), 0);
	}
	echoed_len = 0;
	echoed[0] = 0;
	sleeps = 0;
	sleep_input = NULL;
	last_sig = last_pgrp = 0;
}

static char got[256];
static long rd(size_t n)
{
	memset(got, 0, sizeof got);
	return con->ops->read(con, U(got), n, &con->off);
}

TEST(init_and_open)
{
	setup();
	CHECK_EQ(unmasked, 4);
	struct file *f;
	CHECK_EQ(file_open("console:x", O_RDONLY, 0, &f), -ENOENT);
	struct kstat st;
	CHECK_EQ(con->ops->stat(con, &st), 0);
	CHECK_EQ(st.mode & S_IFMT, S_IFCHR);
}

TEST(line_with_echo)
{
	setup();
	type("ls -l\r");
	CHECK_STR_EQ(echoed, "ls -l\n");
	CHECK_EQ(rd(100), 6);
	CHECK_STR_EQ(got, "ls -l\n");
}

TEST(erase_and_kill)
{
	setup();
	type("abx\x7f");
	CHECK_STR_EQ(echoed, "abx\b \b");
	type("\bc\n");
	CHECK_EQ(rd(100), 3);
	CHECK_STR_EQ(got, "ac\n");
	type("\x7f\x7f"); /* nothing to erase: no echo */
	type("junk\x15ok\n");
	CHECK_EQ(rd(100), 3);
	CHECK_STR_EQ(got, "ok\n");
	CHECK(strstr(echoed, "junk\b \b\b \b\b \b\b \bok\n") != NULL);
}

TEST(interrupt_goes_to_foreground_group)
{
	setup();
	type("abc\x03");
	CHECK_STR_EQ(echoed, "abc^C\n");
	CHECK_EQ(last_sig, SIGINT);
	CHECK_EQ(last_pgrp, 1);
	type("x\n");
	CHECK_EQ(rd(100), 2); /* "abc" was discarded */
	CHECK_STR_EQ(got, "x\n");

	int pg = 7;
	CHECK_EQ(con->ops->ioctl(con, TIOCSPGRP, U(&pg)), 0);
	pg = 0;
	CHECK_EQ(con->ops->ioctl(con, TIOCGPGRP, U(&pg)), 0);
	CHECK_EQ(pg, 7);
	type("\x03");
	CHECK_EQ(last_pgrp, 7);
	pg = 0;
	CHECK_EQ(con->ops->ioctl(con, TIOCSPGRP, U(&pg)), -EINVAL);
	CHECK_EQ(console_fg_pgrp(), 7);
	console_set_fg_pgrp(-3);
	CHECK_EQ(console_fg_pgrp(), 7);
	console_set_fg_pgrp(1);
	CHECK_EQ(console_fg_pgrp(), 1);
}

TEST(end_of_file)
{
	setup();
	type("\x04");
	CHECK_EQ(con->ops->poll(con, POLLIN), POLLIN | POLLOUT);
	CHECK_EQ(rd(100), 0);
	type("ab\x04"); /* not at the start: completes the line without ^D */
	CHECK_EQ(rd(100), 2);
	CHECK_STR_EQ(got, "ab");
	con->flags |= O_NONBLOCK;
	CHECK_EQ(rd(100), -EAGAIN); /* EOF was not left behind */
	con->flags &= ~O_NONBLOCK;
}

TEST(short_reads_keep_the_rest)
{
	setup();
	type("hello\nworld\n");
	CHECK_EQ(rd(3), 3);
	CHECK_STR_EQ(got, "hel");
	CHECK_EQ(rd(100), 3); /* one line per read */
	CHECK_STR_EQ(got, "lo\n");
	CHECK_EQ(rd(100), 6);
	CHECK_STR_EQ(got, "world\n");
}

TEST(read_blocks_until_a_line)
{
	setup();
	type("par");
	CHECK_EQ(con->ops->poll(con, POLLIN | POLLOUT), POLLOUT); /* half a line is not input */
	con->flags |= O_NONBLOCK;
	CHECK_EQ(rd(100), -EAGAIN);
	con->flags &= ~O_NONBLOCK;
	CHECK_EQ(sleeps, 0);
	sleep_input = "tial\r";
	CHECK_EQ(rd(100), 8);
	CHECK_STR_EQ(got, "partial\n");
	CHECK_EQ(sleeps, 1);
	CHECK_EQ(rd(100), -EINTR); /* the stub's sleep reports a signal */
	CHECK_EQ(con->ops->read(con, 0x100, 4, &con->off), -EINTR);
	type("z\n");
	CHECK_EQ(con->ops->read(con, 0x100, 4, &con->off), -EFAULT);
	CHECK_EQ(rd(100), 2); /* the failed copy consumed nothing */
}

TEST(write_passes_bytes)
{
	setup();
	char big[700];
	memset(big, 'q', sizeof big);
	big[699] = '\n';
	CHECK_EQ(con->ops->write(con, U("hi\n"), 3, &con->off), 3);
	CHECK_EQ(con->ops->write(con, U(big), sizeof big, &con->off), 700);
	CHECK_EQ(echoed_len, 703);
	CHECK(memcmp(echoed, "hi\n", 3) == 0 && memcmp(echoed + 3, big, 700) == 0);
	CHECK_EQ(con->ops->write(con, 0x100, 3, &con->off), -EFAULT);
}

TEST(termios)
{
	setup();
	uint8_t t[60];
	memset(t, 0xee, sizeof t);
	CHECK_EQ(con->ops->ioctl(con, TCGETS, U(t)), 0);
	uint32_t iflag, oflag, cflag, lflag;
	memcpy(&iflag, t, 4);
	memcpy(&oflag, t + 4, 4);
	memcpy(&cflag, t + 8, 4);
	memcpy(&lflag, t + 12, 4);
	CHECK(iflag & 0x100);         /* ICRNL */
	CHECK_EQ(oflag & 0x5, 0x5);   /* OPOST|ONLCR */
	CHECK_EQ(cflag & 0xbf, 0xbf); /* B38400|CS8|CREAD */
	CHECK_EQ(lflag & 0x1b, 0x1b); /* ISIG|ICANON|ECHO|ECHOE */
	CHECK_EQ(t[16], 0);           /* c_line */
	CHECK_EQ(t[17 + 0], 3);       /* VINTR */
	CHECK_EQ(t[17 + 2], 0x7f);    /* VERASE */
	CHECK_EQ(t[17 + 3], 0x15);    /* VKILL */
	CHECK_EQ(t[17 + 4], 4);       /* VEOF */
	CHECK_EQ(t[36], 0xee);        /* the kernel's termios is 36 bytes */

	/* No echo, then raw: bytes are readable at once. */
	uint8_t raw[36];
	memcpy(raw, t, 36);
	lflag &= ~(uint32_t)ECHO;
	memcpy(raw + 12, &lflag, 4);
	CHECK_EQ(con->ops->ioctl(con, TCSETSW, U(raw)), 0);
	type("secret\n");
	CHECK_STR_EQ(echoed, "");
	CHECK_EQ(rd(100), 7);
	lflag &= ~(uint32_t)ICANON;
	memcpy(raw + 12, &lflag, 4);
	CHECK_EQ(con->ops->ioctl(con, TCSETSF, U(raw)), 0);
	type("k");
	CHECK_EQ(con->ops->poll(con, POLLIN), POLLIN | POLLOUT);
	CHECK_EQ(rd(100), 1);
	CHECK_STR_EQ(got, "k");
	CHECK_EQ(con->ops->ioctl(con, TCSETS, U(t)), 0); /* back to cooked */
	type("y");
	CHECK_STR_EQ(echoed, "y");
	CHECK_EQ(con->ops->poll(con, POLLIN), POLLOUT);
	type("\n");
	CHECK_EQ(rd(100), 2);

	uint16_t ws[4] = {0};
	CHECK_EQ(con->ops->ioctl(con, TIOCGWINSZ, U(ws)), 0);
	CHECK_EQ(ws[0], 24);
	CHECK_EQ(ws[1], 80);
	CHECK_EQ(con->ops->ioctl(con, 0x5422, U(ws)), -ENOTTY);
	CHECK_EQ(con->ops->ioctl(con, TCGETS, 0x100), -EFAULT);
	CHECK_EQ(con->ops->ioctl(con, TCSETS, 0x100), -EFAULT);
}

int main(void) { return tap_main(); }
