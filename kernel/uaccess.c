/* Checked user copies: range and protection checks here, fault recovery
 * in uaccess.S. A copy is allowed exactly when the current process's own
 * load or store of the same bytes would be: below USER_TOP, not wrapping,
 * and inside regions whose protection allows it (mm_user_extent); pages
 * not yet touched are then filled in by the fault path. */
#include "uaccess.h"
#include "arch.h"
#include "errno.h"
#include "mm.h"

/* Whether [addr, addr+n) lies entirely in the user half. */
int user_range_ok(uint64_t addr, size_t n) { return addr < USER_TOP && n <= USER_TOP - addr; }

/* Whether the current process may itself read (or write) all of it. */
static bool uaccess_allowed(uint64_t addr, size_t n, bool write)
{
	if (!user_range_ok(addr, n))
		return false;
	return n == 0 ||
	       (current && mm_user_extent(&current->tg->mm, addr, addr + n, write) == addr + n);
}

/* Copy n bytes from user address usrc. 0 or -EFAULT. */
int copy_from_user(void *dst, uint64_t usrc, size_t n)
{
	if (!uaccess_allowed(usrc, n, false))
		return -EFAULT;
	return (int)uaccess_copy(dst, (const void *)usrc, n);
}

/* Copy n bytes to user address udst. 0 or -EFAULT. */
int copy_to_user(uint64_t udst, const void *src, size_t n)
{
	if (!uaccess_allowed(udst, n, true))
		return -EFAULT;
	return (int)uaccess_copy((void *)udst, src, n);
}

/* Copy a NUL-terminated string of at most max-1 bytes. Returns its length,
 * -ENAMETOOLONG if it does not fit, or -EFAULT. The copy never reads past
 * the readable regions that start at usrc. */
long copy_string_from_user(char *dst, uint64_t usrc, size_t max)
{
	if (usrc >= USER_TOP || !current)
		return -EFAULT;
	size_t lim = max;
	if (lim > USER_TOP - usrc)
		lim = USER_TOP - usrc;
	lim = mm_user_extent(&current->tg->mm, usrc, usrc + lim, false) - usrc;
	long n = uaccess_strncpy(dst, (const char *)usrc, lim);
	if (n < 0)
		return n;
	if ((size_t)n == lim) {
		dst[max - 1] = 0;
		return lim == max ? -ENAMETOOLONG : -EFAULT;
	}
	return n;
}
