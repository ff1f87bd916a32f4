/* summary: -c/-C, the table strace prints at the end: per syscall the share
 * of time, seconds, microseconds per call, calls and errors, sorted by
 * -S (time by default). Times are the tracer's clock between the entry and
 * exit stops (Procyon keeps no per-process system time). */
#include "strace.h"
#include <stdlib.h>
#include <string.h>

static struct {
	uint64_t ns, calls, errors;
} counts[SYSENT_MAX];

void summary_add(uint64_t nr, uint64_t ns, int failed)
{
	if (nr >= SYSENT_MAX)
		return;
	counts[nr].ns += ns;
	counts[nr].calls++;
	counts[nr].errors += failed ? 1 : 0;
}

static int by(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
	const char *s = opt.sortby ? opt.sortby : "time";
	if (strcmp(s, "calls") == 0 || strcmp(s, "count") == 0) {
		if (counts[x].calls != counts[y].calls)
			return counts[x].calls > counts[y].calls ? -1 : 1;
	} else if (strcmp(s, "errors") == 0 || strcmp(s, "error") == 0) {
		if (counts[x].errors != counts[y].errors)
			return counts[x].errors > counts[y].errors ? -1 : 1;
	} else if (strcmp(s, "name") == 0 || strcmp(s, "syscall") == 0) {
		return strcmp(sysents[x].name, sysents[y].name);
	} else if (strcmp(s, "nothing") == 0 || strcmp(s, "none") == 0) {
		return x < y ? -1 : x > y;
	} else if (counts[x].ns != counts[y].ns) {
		return counts[x].ns > counts[y].ns ? -1 : 1;
	}
	return x < y ? -1 : x > y;
}

void summary_print(FILE *f)
{
	unsigned idx[SYSENT_MAX] = {0}, n = 0;
	uint64_t tns = 0, tcalls = 0, terr = 0;
	for (unsigned i = 0; i < SYSENT_MAX; i++)
		if (counts[i].calls) {
			idx[n++] = i;
			tns += counts[i].ns;
			tcalls += counts[i].calls;
			terr += counts[i].errors;
		}
	qsort(idx, n, sizeof idx[0], by);
	const char *dash = "------ ----------- ----------- --------- --------- ----------------\n";
	fprintf(f, "%6.6s %11.11s %11.11s %9.9s %9.9s %s\n", "% time", "seconds", "usecs/call",
	        "calls", "errors", "syscall");
	fputs(dash, f);
	for (unsigned k = 0; k < n; k++) {
		unsigned i = idx[k];
		double pct = tns ? 100.0 * (double)counts[i].ns / (double)tns : 0.0;
		fprintf(f, "%6.2f %11.6f %11lu %9lu ", pct, (double)counts[i].ns / 1e9,
		        (unsigned long)(counts[i].ns / 1000 / counts[i].calls),
		        (unsigned long)counts[i].calls);
		if (counts[i].errors)
			fprintf(f, "%9lu %s\n", (unsigned long)counts[i].errors, sysents[i].name);
		else
			fprintf(f, "%9s %s\n", "", sysents[i].name);
	}
	fputs(dash, f);
	fprintf(f, "%6.2f %11.6f %11lu %9lu ", 100.0, (double)tns / 1e9,
	        (unsigned long)(tcalls ? tns / 1000 / tcalls : 0), (unsigned long)tcalls);
	if (terr)
		fprintf(f, "%9lu total\n", (unsigned long)terr);
	else
		fprintf(f, "%9s total\n", "");
}
