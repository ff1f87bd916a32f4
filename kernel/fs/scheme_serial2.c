/* serial2: the second serial port (COM2) as a raw byte stream: no echo, no
 * line editing. QEMU can connect it to a host TCP socket
 * (-serial tcp::PORT,server,nowait), which is how a debugger on the host
 * talks to gdbserver inside Procyon. Input arrives by IRQ 3 into a ring;
 * read blocks until at least one byte is there. */
#include "arch.h"
#include "errno.h"
#include "file.h"
#include "lib.h"
#include "proc.h"
#include "schemes.h"
#include "trap.h"

#define RING 4096

static uint8_t ring[RING];
static size_t head, len;
static struct waitq readers;

/* IRQ 3: move every received byte into the ring (dropping on overflow). */
void serial2_irq(void)
{
	int c;
	while ((c = serial_port_getc(1)) >= 0) {
		if (len < RING)
			ring[(head + len++) % RING] = (uint8_t)c;
	}
	waitq_wake(&readers);
}

static int serial2_open(struct file *f, const char *path, int flags, int mode)
{
	(void)f, (void)flags, (void)mode;
	return *path ? -ENOENT : 0;
}

static long serial2_read(struct file *f, uint64_t ubuf, size_t n, uint64_t *off)
{
	(void)off;
	while (!len) {
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (waitq_sleep(&readers))
			return -EINTR;
	}
	size_t done = 0;
	while (done < n && len) {
		size_t chunk = MIN(MIN(n - done, len), RING - head);
		if (file_copy_out(f, ubuf + done, ring + head, chunk))
			return done ? (long)done : -EFAULT;
		head = (head + chunk) % RING;
		len -= chunk;
		done += chunk;
	}
	return (long)done;
}

static long serial2_write(struct file *f, uint64_t ubuf, size_t n, uint64_t *off)
{
	(void)off;
	char buf[128];
	for (size_t done = 0; done < n;) {
		size_t c = MIN(n - done, sizeof buf);
		if (file_copy_in(f, buf, ubuf + done, c))
			return done ? (long)done : -EFAULT;
		for (size_t i = 0; i < c; i++)
			serial_port_putc(1, buf[i]);
		done += c;
	}
	return (long)n;
}

static int serial2_stat_path(const char *path, struct kstat *st)
{
	if (*path)
		return -ENOENT;
	memset(st, 0, sizeof *st);
	st->mode = S_IFCHR | 0600;
	st->rdev = 0x441; /* ttyS1 */
	return 0;
}

static int serial2_stat(struct file *f, struct kstat *st)
{
	(void)f;
	return serial2_stat_path("", st);
}

static int serial2_poll(struct file *f, int events)
{
	(void)f, (void)events;
	return POLLOUT | (len ? POLLIN : 0);
}

static const struct scheme_ops serial2_ops = {.open = serial2_open,
                                              .read = serial2_read,
                                              .write = serial2_write,
                                              .stat = serial2_stat,
                                              .stat_path = serial2_stat_path,
                                              .poll = serial2_poll};

/* Register serial2: and start COM2. */
void serial2_scheme_init(void)
{
	if (!serial_port_init(1))
		return; /* no second serial port on this machine */
	scheme_register("serial2", &serial2_ops);
	pic_unmask(3);
}
