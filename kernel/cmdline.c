/* Command-line options: space- or tab-separated "key=value" tokens ("key"
 * alone is a flag with value ""). Copies live in static storage; a later
 * duplicate key wins. Anything malformed is skipped with a log line starting
 * "cmdline: warning:"; nothing here can stop the boot. Locking: none (boot). */
#include "cmdline.h"
#include "lib.h"

#define MAX_OPTS 32
#define KEY_MAX 31
#define VAL_MAX 127
#define KLONG_MAX 0x7fffffffffffffffL

static struct {
	char key[KEY_MAX + 1];
	char val[VAL_MAX + 1];
} opts[MAX_OPTS];
static int nopts;

static bool cmdline_is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* Why an option with these key and value lengths cannot be kept, or NULL. */
static const char *cmdline_token_problem(size_t klen, size_t vlen)
{
	if (klen == 0)
		return "empty key";
	if (klen > KEY_MAX)
		return "key longer than 31 characters";
	if (vlen > VAL_MAX)
		return "value longer than 127 characters";
	if (nopts == MAX_OPTS)
		return "more than 32 options";
	return NULL;
}

static void cmdline_add_token(const char *tok, size_t len)
{
	size_t klen = 0;
	while (klen < len && tok[klen] != '=')
		klen++;
	bool has_val = klen < len;
	size_t vlen = has_val ? len - klen - 1 : 0;
	const char *why = cmdline_token_problem(klen, vlen);
	if (why) {
		kprintf("cmdline: warning: ignoring '%.*s%s': %s\n", (int)MIN(len, 48), tok,
		        len > 48 ? "..." : "", why);
		return;
	}
	memcpy(opts[nopts].key, tok, klen);
	opts[nopts].key[klen] = 0;
	if (has_val)
		memcpy(opts[nopts].val, tok + klen + 1, vlen);
	opts[nopts].val[vlen] = 0;
	nopts++;
}

/* Parse s (NULL is an empty line), replacing earlier options. Returns the number kept. */
int cmdline_parse(const char *s)
{
	nopts = 0;
	while (s && *s) {
		while (cmdline_is_space(*s))
			s++;
		const char *tok = s;
		while (*s && !cmdline_is_space(*s))
			s++;
		if (s > tok)
			cmdline_add_token(tok, (size_t)(s - tok));
	}
	return nopts;
}

/* The value of key ("" for a flag), or NULL when absent. */
const char *cmdline_get(const char *key)
{
	for (int i = nopts - 1; i >= 0; i--) /* the last one wins */
		if (strcmp(opts[i].key, key) == 0)
			return opts[i].val;
	return NULL;
}

/* Whether key was given at all. */
bool cmdline_has(const char *key) { return cmdline_get(key) != NULL; }

static int cmdline_digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

/* Parse an optionally negative decimal or 0x-hex number; false if malformed or out of range. */
static bool cmdline_parse_long(const char *p, long *out)
{
	bool neg = *p == '-';
	if (neg)
		p++;
	int base = 10;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	if (!*p)
		return false;
	unsigned long r = 0, limit = neg ? (unsigned long)KLONG_MAX + 1 : (unsigned long)KLONG_MAX;
	for (; *p; p++) {
		int d = cmdline_digit_value(*p);
		if (d >= base || r > (limit - (unsigned long)d) / (unsigned long)base)
			return false;
		r = r * (unsigned long)base + (unsigned long)d;
	}
	*out = neg ? (long)(0 - r) : (long)r;
	return true;
}

/* key as a decimal or 0x-hex number; dflt when absent, or when malformed (with a warning). */
long cmdline_get_int(const char *key, long dflt)
{
	const char *v = cmdline_get(key);
	long r;
	if (!v)
		return dflt;
	if (cmdline_parse_long(v, &r))
		return r;
	kprintf("cmdline: warning: %s=%s is not a number; using %ld\n", key, v, dflt);
	return dflt;
}
