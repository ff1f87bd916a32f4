/* The kernel command line (QEMU -append), parsed into key=value options
 * kept in static storage. Malformed options are warned about and skipped. */
#ifndef CMDLINE_H
#define CMDLINE_H
#include <stdbool.h>

/* Parse s, replacing earlier options; returns the number kept. */
int cmdline_parse(const char *s);
/* Value of key ("" for a flag) or NULL. */
const char *cmdline_get(const char *key);
/* key as decimal or 0x hex; dflt if absent or malformed. */
long cmdline_get_int(const char *key, long dflt);
/* Whether key was given. */
bool cmdline_has(const char *key);
#endif
