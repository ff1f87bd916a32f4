/* Freestanding implementations of the C library pieces the kernel uses, and
 * the kernel's printf formatter. memcpy/memset use the string instructions
 * (fast under QEMU); the direction flag is clear except inside memmove's
 * backward copy, and trap entry clears it. Under HOST_TEST the mem/str
 * functions are named klib_* (see lib.h) so they can be tested against libc. */
#include "lib.h"

/* Copy n bytes; the regions must not overlap. */
void *KLIB(memcpy)(void *dst, const void *src, size_t n)
{
	void *d = dst;
	size_t q = n / 8, r = n & 7;
	__asm__ volatile("rep movsq" : "+D"(d), "+S"(src), "+c"(q)::"memory");
	__asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(r)::"memory");
	return dst;
}

/* Copy n bytes between possibly overlapping regions. */
void *KLIB(memmove)(void *dst, const void *src, size_t n)
{
	uintptr_t d = (uintptr_t)dst, s = (uintptr_t)src;
	if (d <= s || d >= s + n)
		return KLIB(memcpy)(dst, src, n);
	/* dst overlaps the tail of src: copy backwards, last byte first. */
	void *dl = (char *)dst + n - 1;
	const void *sl = (const char *)src + n - 1;
	__asm__ volatile("std\n\trep movsb\n\tcld" : "+D"(dl), "+S"(sl), "+c"(n)::"memory", "cc");
	return dst;
}

/* Fill n bytes with (unsigned char)c. */
void *KLIB(memset)(void *dst, int c, size_t n)
{
	void *d = dst;
	uint64_t pattern = (uint8_t)c * 0x0101010101010101ULL;
	size_t q = n / 8, r = n & 7;
	/* Eight bytes a step: under QEMU every iteration counts. */
	__asm__ volatile("rep stosq" : "+D"(d), "+c"(q) : "a"(pattern) : "memory");
	__asm__ volatile("rep stosb" : "+D"(d), "+c"(r) : "a"(pattern) : "memory");
	return dst;
}

/* Compare n bytes as unsigned chars. */
int KLIB(memcmp)(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;
	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] - y[i];
	return 0;
}

/* Length of a NUL-terminated string. */
size_t KLIB(strlen)(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

/* Length of s, but at most max. */
size_t KLIB(strnlen)(const char *s, size_t max)
{
	size_t n = 0;
	while (n < max && s[n])
		n++;
	return n;
}

/* Compare two strings as unsigned chars. */
int KLIB(strcmp)(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (uint8_t)*a - (uint8_t)*b;
}

/* Compare at most n characters. */
int KLIB(strncmp)(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++)
		if (*a != *b || !*a)
			return (uint8_t)*a - (uint8_t)*b;
	return 0;
}

/* First c in s (c may be NUL, which finds the terminator), or NULL. */
char *KLIB(strchr)(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

/* Last c in s, or NULL. */
char *KLIB(strrchr)(const char *s, int c)
{
	const char *last = NULL;
	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

/* Copy src into dst[size], truncating and NUL-terminating; returns strlen(src). */
size_t KLIB(strlcpy)(char *dst, const char *src, size_t size)
{
	size_t len = KLIB(strlen)(src);
	if (size) {
		size_t n = len < size - 1 ? len : size - 1;
		KLIB(memcpy)(dst, src, n);
		dst[n] = 0;
	}
	return len;
}

/* ---- formatter ---- */

struct out {
	char *buf;
	size_t size, len; /* len counts every byte, even those that did not fit */
};

struct spec {
	bool left, zero, alt, plus, space;
	int width, prec; /* prec < 0: none given */
	int lng;         /* -2 hh, -1 h, 0 int, 1 long and wider */
	char conv;
};

static void fmt_put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void fmt_put_n(struct out *o, char c, int n)
{
	while (n-- > 0)
		fmt_put(o, c);
}

static void fmt_put_str(struct out *o, const char *s, size_t n)
{
	while (n--)
		fmt_put(o, *s++);
}

static int fmt_parse_num(const char **fmt)
{
	int v = 0;
	while (**fmt >= '0' && **fmt <= '9')
		v = v * 10 + (*(*fmt)++ - '0');
	return v;
}

/* Parse flags, width, precision and length after a '%'; leaves *fmt on the conversion. */
static void fmt_parse_spec(const char **fmt, va_list *ap, struct spec *sp)
{
	*sp = (struct spec){.prec = -1};
	for (;; (*fmt)++) {
		char c = **fmt;
		if (c == '-')
			sp->left = true;
		else if (c == '0')
			sp->zero = true;
		else if (c == '#')
			sp->alt = true;
		else if (c == '+')
			sp->plus = true;
		else if (c == ' ')
			sp->space = true;
		else
			break;
	}
	if (**fmt == '*') {
		(*fmt)++;
		sp->width = va_arg(*ap, int);
		if (sp->width < 0) {
			sp->left = true;
			sp->width = -sp->width;
		}
	} else {
		sp->width = fmt_parse_num(fmt);
	}
	if (**fmt == '.') {
		(*fmt)++;
		if (**fmt == '*') {
			(*fmt)++;
			sp->prec = va_arg(*ap, int);
			if (sp->prec < 0)
				sp->prec = -1;
		} else {
			sp->prec = fmt_parse_num(fmt);
		}
	}
	for (;; (*fmt)++) {
		char c = **fmt;
		if (c == 'l' || c == 'z' || c == 'j' || c == 't')
			sp->lng = 1;
		else if (c == 'h')
			sp->lng = sp->lng == -1 ? -2 : -1;
		else
			break;
	}
	sp->conv = **fmt;
}

static unsigned long long fmt_arg_unsigned(va_list *ap, int lng)
{
	if (lng > 0)
		return va_arg(*ap, unsigned long long);
	unsigned v = va_arg(*ap, unsigned);
	return lng == -2 ? (unsigned char)v : lng == -1 ? (unsigned short)v : v;
}

static long long fmt_arg_signed(va_list *ap, int lng)
{
	if (lng > 0)
		return va_arg(*ap, long long);
	int v = va_arg(*ap, int);
	return lng == -2 ? (signed char)v : lng == -1 ? (short)v : v;
}

/* Emit a number: [spaces][sign/prefix][zeros]digits[spaces]. */
static void fmt_put_number(struct out *o, const struct spec *sp, unsigned long long v,
                           const char *prefix, int base, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char rev[24];
	int nd = 0;
	if (v || sp->prec != 0)
		do {
			rev[nd++] = digits[v % (unsigned)base];
			v /= (unsigned)base;
		} while (v);
	int np = (int)KLIB(strlen)(prefix);
	int zeros = sp->prec > nd ? sp->prec - nd : 0;
	if (sp->zero && !sp->left && sp->prec < 0 && sp->width > np + nd)
		zeros = sp->width - np - nd;
	int fill = sp->width - np - zeros - nd;
	if (!sp->left)
		fmt_put_n(o, ' ', fill);
	fmt_put_str(o, prefix, (size_t)np);
	fmt_put_n(o, '0', zeros);
	while (nd)
		fmt_put(o, rev[--nd]);
	if (sp->left)
		fmt_put_n(o, ' ', fill);
}

static void fmt_format_int(struct out *o, struct spec *sp, va_list *ap)
{
	char c = sp->conv;
	if (c == 'd' || c == 'i') {
		long long s = fmt_arg_signed(ap, sp->lng);
		unsigned long long v = s < 0 ? -(unsigned long long)s : (unsigned long long)s;
		const char *sign = s < 0 ? "-" : sp->plus ? "+" : sp->space ? " " : "";
		fmt_put_number(o, sp, v, sign, 10, false);
	} else if (c == 'u') {
		fmt_put_number(o, sp, fmt_arg_unsigned(ap, sp->lng), "", 10, false);
	} else if (c == 'o') {
		unsigned long long v = fmt_arg_unsigned(ap, sp->lng);
		fmt_put_number(o, sp, v, sp->alt && v ? "0" : "", 8, false);
	} else if (c == 'p') {
		sp->prec = 16; /* always 0x and 16 digits */
		fmt_put_number(o, sp, (uintptr_t)va_arg(*ap, void *), "0x", 16, false);
	} else {
		unsigned long long v = fmt_arg_unsigned(ap, sp->lng);
		const char *pre = sp->alt && v ? (c == 'X' ? "0X" : "0x") : "";
		fmt_put_number(o, sp, v, pre, 16, c == 'X');
	}
}

static void fmt_put_padded(struct out *o, const struct spec *sp, const char *s, size_t len)
{
	int fill = sp->width > (int)len ? sp->width - (int)len : 0;
	if (!sp->left)
		fmt_put_n(o, ' ', fill);
	fmt_put_str(o, s, len);
	if (sp->left)
		fmt_put_n(o, ' ', fill);
}

/* Format one conversion described by sp. */
static void fmt_format_one(struct out *o, struct spec *sp, va_list *ap)
{
	switch (sp->conv) {
	case 'd':
	case 'i':
	case 'u':
	case 'x':
	case 'X':
	case 'o':
	case 'p': fmt_format_int(o, sp, ap); break;
	case 's': {
		const char *s = va_arg(*ap, const char *);
		if (!s)
			s = "(null)";
		size_t max = sp->prec >= 0 ? (size_t)sp->prec : (size_t)-1;
		fmt_put_padded(o, sp, s, KLIB(strnlen)(s, max));
		break;
	}
	case 'c': {
		char ch = (char)va_arg(*ap, int);
		fmt_put_padded(o, sp, &ch, 1);
		break;
	}
	case '%': fmt_put(o, '%'); break;
	default: /* unknown conversion: print it literally */ fmt_put(o, '%'); fmt_put(o, sp->conv);
	}
}

/* Format into buf[n]; returns the length the full output would have. */
int kvsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
{
	struct out o = {buf, n, 0};
	va_list args;
	va_copy(args, ap); /* a local va_list can be passed by address portably */
	while (*fmt) {
		if (*fmt != '%') {
			fmt_put(&o, *fmt++);
			continue;
		}
		fmt++;
		struct spec sp;
		fmt_parse_spec(&fmt, &args, &sp);
		if (!sp.conv)
			break; /* a lone '%' at the end */
		fmt_format_one(&o, &sp, &args);
		fmt++;
	}
	va_end(args);
	if (n)
		buf[o.len < n ? o.len : n - 1] = 0;
	return (int)o.len;
}

/* Format into buf[n] (see kvsnprintf). */
int ksnprintf(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = kvsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return r;
}
