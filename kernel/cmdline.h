/* The kernel command line (QEMU -append), parsed into key=value options. */
#ifndef CMDLINE_H
#define CMDLINE_H
#include <stdbool.h>

int cmdline_parse(const char *s);
const char *cmdline_get(const char *key);
long cmdline_get_int(const char *key, long dflt);
bool cmdline_has(const char *key);
#endif
