/* Checked user copies: range checks here, fault recovery in uaccess.S. */
#include "uaccess.h"
#include "arch.h"
#include "errno.h"

/* Whether [addr, addr+n) lies entirely in the user half. */
int user_range_ok(uint64_t addr, size_t n) { return addr < USER_TOP && n <= USER_TOP - addr; }

/* Copy n bytes from user address usrc. 0 or -EFAULT. */
int copy_from_user(void *dst, uint64_t usrc, size_t n)
{
	if (!user_range_ok(usrc, n))
		return -EFAULT;
	return (int)uaccess_copy(dst, (const void *)usrc, n);
}

/* Copy n bytes to user address udst. 0 or -EFAULT. */
int copy_to_user(uint64_t udst, const void *src, size_t n)
{
	if (!user_range_ok(udst, n))
		return -EFAULT;
	return (int)uaccess_copy((void *)udst, src, n);
}

/* Copy a NUL-terminated string of at most max-1 bytes. Returns its length,
 * -ENAMETOOLONG if it does not fit, or -EFAULT. */
long copy_string_from_user(char *dst, uint64_t usrc, size_t max)
{
	if (usrc >= USER_TOP)
		return -EFAULT;
	size_t lim = max;
	if (lim > USER_TOP - usrc)
		lim = USER_TOP - usrc;
	long n = uaccess_strncpy(dst, (const char *)usrc, lim);
	if (n < 0)
		return n;
	if ((size_t)n == lim) {
		dst[max - 1] = 0;
		return lim == max ? -ENAMETOOLONG : -EFAULT;
	}
	return n;
}
