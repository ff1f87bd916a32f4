/* Serial ports. COM1: polled output for the kernel log and the console,
 * interrupt-driven input (IRQ 4) handed to the console line discipline.
 * COM2: a raw byte channel (IRQ 3) for the serial2: scheme, which gdbserver
 * uses to talk to a debugger on the host. */
#include "arch.h"
#include "cpu.h"
#include <stdbool.h>

static const uint16_t ports[2] = {0x3f8, 0x2f8};

/* Program a port for 115200 8N1 with the receive interrupt enabled.
 * Returns false when no UART answers there (its scratch register). */
bool serial_port_init(int n)
{
	uint16_t port = ports[n];
	outb(port + 7, 0x5a);
	if (inb(port + 7) != 0x5a)
		return false;
	outb(port + 1, 0x00);
	outb(port + 3, 0x80); /* DLAB */
	outb(port + 0, 0x01); /* divisor 1: 115200 baud */
	outb(port + 1, 0x00);
	outb(port + 3, 0x03); /* 8N1 */
	outb(port + 2, 0xC7); /* FIFO on, cleared */
	outb(port + 4, 0x0B); /* DTR, RTS, OUT2 (IRQs routed) */
	outb(port + 1, 0x01); /* interrupt on received data */
	return true;
}

/* COM1, the kernel log and console. */
void serial_init(void) { serial_port_init(0); }

/* Write one byte to port n (0 = COM1, 1 = COM2), waiting for the transmitter. */
void serial_port_putc(int n, char c)
{
	while (!(inb(ports[n] + 5) & 0x20))
		;
	outb(ports[n], (uint8_t)c);
}

/* The next byte received on port n, or -1 when none is waiting. */
int serial_port_getc(int n)
{
	if (!(inb(ports[n] + 5) & 0x01))
		return -1;
	return inb(ports[n]);
}

void serial_putc(char c) { serial_port_putc(0, c); }
int serial_getc(void) { return serial_port_getc(0); }
