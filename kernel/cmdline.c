/* Command-line options: space-separated "key=value" tokens ("key" alone is
 * a flag with value ""). Anything malformed is skipped with a log line
 * starting "cmdline:"; nothing here can stop the boot. */
#include "cmdline.h"
#include "lib.h"

#define MAX_OPTS 32
#define KEY_MAX 31
#define VAL_MAX 127

static const char *memchr_local(const char *s, char c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == c)
			return s + i;
	return 0;
}

static struct {
	char key[KEY_MAX + 1];
	char val[VAL_MAX + 1];
} opts[MAX_OPTS];
static int nopts;

/* Parse s, replacing any earlier options. Returns the number kept. */
int cmdline_parse(const char *s)
{
	nopts = 0;
	while (s && *s) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		const char *tok = s;
		while (*s && *s != ' ' && *s != '\t')
			s++;
		size_t len = (size_t)(s - tok);
		const char *eq = memchr_local(tok, '=', len);
		size_t klen = eq ? (size_t)(eq - tok) : len;
		size_t vlen = eq ? len - klen - 1 : 0;
		if (klen == 0 || klen > KEY_MAX || vlen > VAL_MAX || nopts == MAX_OPTS) {
			kprintf("cmdline: ignoring malformed option '%.*s'\n", (int)(len > 60 ? 60 : len), tok);
			continue;
		}
		memcpy(opts[nopts].key, tok, klen);
		opts[nopts].key[klen] = 0;
		if (eq)
			memcpy(opts[nopts].val, eq + 1, vlen);
		opts[nopts].val[vlen] = 0;
		nopts++;
	}
	return nopts;
}

/* The value of key ("" for a flag), or NULL when absent. */
const char *cmdline_get(const char *key)
{
	for (int i = nopts - 1; i >= 0; i--) /* the last one wins */
		if (strcmp(opts[i].key, key) == 0)
			return opts[i].val;
	return 0;
}

/* Whether key was given at all. */
bool cmdline_has(const char *key) { return cmdline_get(key) != 0; }

/* key as a decimal or 0x-hex number; dflt when absent or malformed. */
long cmdline_get_int(const char *key, long dflt)
{
	const char *v = cmdline_get(key);
	if (!v)
		return dflt;
	int base = 10;
	const char *p = v;
	bool neg = *p == '-';
	if (neg)
		p++;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	long r = 0;
	if (!*p)
		goto bad;
	for (; *p; p++) {
		int d = *p >= '0' && *p <= '9'   ? *p - '0'
			: *p >= 'a' && *p <= 'f' ? *p - 'a' + 10
			: *p >= 'A' && *p <= 'F' ? *p - 'A' + 10
						 : 99;
		if (d >= base || r > (0x7fffffffffffffffL - d) / base)
			goto bad;
		r = r * base + d;
	}
	return neg ? -r : r;
bad:
	kprintf("cmdline: option %s=%s is not a number; using %ld\n", key, v, dflt);
	return dflt;
}
