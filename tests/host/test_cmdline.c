/* Host unit test for kernel/cmdline.c (unity build): good options, flags,
 * duplicates, malformed tokens (each warned about, none fatal), the option
 * limit, and integer parsing. */
#define TAP_KERNEL_STUBS
#include "tap.h"
#include "../../kernel/cmdline.c"

TEST(key_values_and_flags)
{
	CHECK_EQ(cmdline_parse("  INIT=/bin/sh   quiet\tloglevel=3 empty= "), 4);
	CHECK_STR_EQ(cmdline_get("INIT"), "/bin/sh");
	CHECK_STR_EQ(cmdline_get("quiet"), "");
	CHECK_STR_EQ(cmdline_get("empty"), "");
	CHECK(cmdline_has("quiet"));
	CHECK(!cmdline_has("quie"));
	CHECK(cmdline_get("nope") == NULL);
	CHECK_STR_EQ(cmdline_get("loglevel"), "3");
}

TEST(value_may_contain_equals_and_last_wins)
{
	CHECK_EQ(cmdline_parse("a=b=c x=1 x=2"), 3);
	CHECK_STR_EQ(cmdline_get("a"), "b=c");
	CHECK_EQ(cmdline_get_int("x", 0), 2);
}

TEST(empty_and_null_lines)
{
	CHECK_EQ(cmdline_parse(""), 0);
	CHECK_EQ(cmdline_parse("    "), 0);
	CHECK_EQ(cmdline_parse(NULL), 0);
	CHECK(!cmdline_has("x"));
}

TEST(parse_replaces_earlier_options)
{
	cmdline_parse("old=1");
	cmdline_parse("new=2");
	CHECK(!cmdline_has("old"));
	CHECK(cmdline_has("new"));
}

TEST(malformed_tokens_skipped_with_warning)
{
	char line[600], key[40], val[140];
	memset(key, 'k', 32);
	key[32] = 0; /* 32 chars: one too many */
	memset(val, 'v', 128);
	val[128] = 0;
	snprintf(line, sizeof(line), "=x good=1 %s=1 long=%s = ok", key, val);
	int logs = tap_log_count;
	CHECK_EQ(cmdline_parse(line), 2);
	CHECK_EQ(tap_log_count, logs + 4);
	CHECK(strstr(tap_last_log, "warning") != NULL);
	CHECK_STR_EQ(cmdline_get("good"), "1");
	CHECK(cmdline_has("ok"));
	CHECK(!cmdline_has("long"));
	key[31] = 0; /* 31 and 127 chars are fine */
	val[127] = 0;
	snprintf(line, sizeof(line), "%s=%s", key, val);
	CHECK_EQ(cmdline_parse(line), 1);
	CHECK_STR_EQ(cmdline_get(key), val);
}

TEST(at_most_32_options)
{
	char line[1000] = "";
	for (int i = 0; i < 40; i++)
		snprintf(line + strlen(line), sizeof(line) - strlen(line), "o%d=%d ", i, i);
	int logs = tap_log_count;
	CHECK_EQ(cmdline_parse(line), 32);
	CHECK_EQ(tap_log_count, logs + 8);
	CHECK_EQ(cmdline_get_int("o31", -1), 31);
	CHECK(!cmdline_has("o32"));
}

TEST(integers)
{
	cmdline_parse("d=42 h=0x1F H=0XfF n=-7 z=0 big=9223372036854775807 "
	              "over=9223372036854775808 min=-9223372036854775808 bad=12a x=0x neg= flag");
	CHECK_EQ(cmdline_get_int("d", 0), 42);
	CHECK_EQ(cmdline_get_int("h", 0), 31);
	CHECK_EQ(cmdline_get_int("H", 0), 255);
	CHECK_EQ(cmdline_get_int("n", 0), -7);
	CHECK_EQ(cmdline_get_int("z", 5), 0);
	CHECK_EQ(cmdline_get_int("big", 0), 9223372036854775807L);
	CHECK_EQ(cmdline_get_int("min", 0), (-9223372036854775807L - 1));
	CHECK_EQ(cmdline_get_int("missing", 9), 9);
	int logs = tap_log_count;
	CHECK_EQ(cmdline_get_int("over", 1), 1);
	CHECK_EQ(cmdline_get_int("bad", 2), 2);
	CHECK_EQ(cmdline_get_int("x", 3), 3);
	CHECK_EQ(cmdline_get_int("neg", 4), 4);
	CHECK_EQ(cmdline_get_int("flag", 5), 5);
	CHECK_EQ(tap_log_count, logs + 5);
}

int main(void) { return tap_main(); }
