/* openflags: every open flag bit alone, some combinations, and all bits,
 * on a path whose directory does not exist (nothing is created): strace's
 * flag names and order, and the mode shown with O_CREAT or __O_TMPFILE. */
#include <sys/syscall.h>
#include <unistd.h>

static const unsigned combos[] = {
    0200000 | 010000000 | 02000000, 0200000 | 04000000,  04010000 | 0200000,
    010000 | 020000 | 0200000,      020000000 | 02000000, 0200000 | 01000000 | 0100000,
    020000 | 04000000,              020000000 | 04000000, 020200000 | 04000000 | 010000000,
    0x7fffffff};

int main(void)
{
	for (int b = 0; b < 32; b++)
		syscall(SYS_open, "/tmp/sc-none/x", 1u << b, 0644);
	for (unsigned i = 0; i < sizeof combos / sizeof combos[0]; i++)
		syscall(SYS_openat, -100, "/tmp/sc-none/x", combos[i], 0600);
	return 0;
}
