/* Kernel log: kprintf to COM1, and panic(). The console scheme shares the
 * same port, so kernel lines and user output interleave in order. */
#include "arch.h"
#include "kernel.h"
#include "errno.h"
#include "lib.h"
#include "uaccess.h"
#include "trap.h"

/* Write raw bytes to the serial console, turning \n into \r\n. */
void log_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
}

/* The kernel log ring: everything kprintf prints, the last LOG_RING bytes,
 * for syslog(2) (dmesg). Invariant: the text is ring[(head - len + i) %
 * LOG_RING] for i < len. */
#define LOG_RING 65536
static char log_ring[LOG_RING];
static size_t log_head, log_len;

static void log_ring_append(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		log_ring[log_head] = s[i];
		log_head = (log_head + 1) % LOG_RING;
		if (log_len < LOG_RING)
			log_len++;
	}
}

/* Copy up to n bytes of the ring, the newest kept if n is short, to ubuf. */
long log_ring_copy(uint64_t ubuf, size_t n)
{
	size_t len = MIN(n, log_len), start = (log_head + LOG_RING - len) % LOG_RING;
	size_t first = MIN(len, (size_t)LOG_RING - start);
	if (copy_to_user(ubuf, log_ring + start, first) ||
	    copy_to_user(ubuf + first, log_ring, len - first))
		return -EFAULT;
	return (long)len;
}

void log_ring_clear(void) { log_len = 0; }
size_t log_ring_size(bool whole) { return whole ? LOG_RING : log_len; }

/* printf to the kernel log. Lines longer than 256 bytes are cut. */
void kprintf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	int n = kvsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof buf - 1)
		n = sizeof buf - 1;
	bool on = arch_irq_save();
	log_ring_append(buf, (size_t)n);
	log_write(buf, (size_t)n);
	arch_irq_restore(on);
}

/* A broken kernel invariant: report it with a backtrace and power off with
 * the failure status. Never used for anything a user program can cause. */
_Noreturn void panic(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	arch_irq_disable();
	va_start(ap, fmt);
	kvsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	kprintf("\n*** KERNEL PANIC: %s\nbacktrace:", buf);
	uint64_t *fp = __builtin_frame_address(0);
	for (int i = 0; i < 16 && (uint64_t)fp >= KERNEL_VMA && ((uint64_t)fp & 7) == 0; i++) {
		kprintf(" %016lx", fp[1]);
		fp = (uint64_t *)fp[0];
	}
	kprintf("\n");
	machine_exit(EXIT_PANIC);
}
