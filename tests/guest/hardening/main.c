/* hardening: regression tests for what an attacker or a fuzzer found
 * (issue 8): stores into another process's memory, signal permissions,
 * buffers checked before a call blocks, user-chosen rip/rsp, loader and
 * vfork stalls, and kernel copies that honour page protections, then the
 * CVE classes docs/security.md maps to tests, and descriptor leaks. Each test names the hole it
 * closes; each runs in its own child under the shared runner
 * (tests/guest/lib/testrun.h). Usage: hardening [-l] [-a] [NAME...] (tests
 * or areas: the files of tests/guest/hardening/). */
#define _GNU_SOURCE
#include "hardening.h"

extern const struct test_area area_clone, area_signals, area_buffers, area_registers, area_stalls,
    area_copies, area_cves, area_descriptors, area_cow;
static const struct test_area *const areas[] = {&area_clone,     &area_signals,     &area_buffers,
                                                &area_registers, &area_stalls,      &area_copies,
                                                &area_cves,      &area_descriptors, &area_cow};

int main(int argc, char **argv)
{
	return testrun_areas(argc, argv, "hardening", areas, NELEM(areas));
}
