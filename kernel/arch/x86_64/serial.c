/* COM1 serial port: polled output for the kernel log and the console,
 * interrupt-driven input (IRQ 4) handed to the console line discipline. */
#include "arch.h"
#include "cpu.h"

#define COM1 0x3f8

/* Program COM1 for 115200 8N1 with the receive interrupt enabled. */
void serial_init(void)
{
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x80); /* DLAB */
	outb(COM1 + 0, 0x01); /* divisor 1: 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03); /* 8N1 */
	outb(COM1 + 2, 0xC7); /* FIFO on, cleared */
	outb(COM1 + 4, 0x0B); /* DTR, RTS, OUT2 (IRQs routed) */
	outb(COM1 + 1, 0x01); /* interrupt on received data */
}

/* Write one byte, waiting for the transmitter. */
void serial_putc(char c)
{
	while (!(inb(COM1 + 5) & 0x20))
		;
	outb(COM1, (uint8_t)c);
}

/* Return the next received byte, or -1 when none is waiting. */
int serial_getc(void)
{
	if (!(inb(COM1 + 5) & 0x01))
		return -1;
	return inb(COM1);
}
