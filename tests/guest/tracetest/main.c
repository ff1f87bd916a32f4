/* tracetest: in-guest conformance tests for part 2 of the proc: scheme
 * (shared spec proc-scheme.md, sections trace, mem and sysfilter): trace
 * sessions, every kind of stop and event, request flags, reading events,
 * poll, mem transfers and their edges, the syscall filter, and debugger
 * scenarios (single-stepping, breakpoints, sysemu, syscall rewriting, fork
 * chains, many tracees, racing tracers, dying tracers and tracees, and a
 * stress run followed by leak checks). Each test runs in its own forked
 * child and process group (killed afterwards) with a timeout; the runner
 * prints "[TEST] PASS name" or "[TEST] FAIL name: reason" per test. Usage:
 * tracetest (all), tracetest NAME... (tests or areas), tracetest -l (list),
 * tracetest -a (areas: the files of tests/guest/tracetest/).
 *
 * Tracees ("kids") are forks of the test. Each one first blocks reading a
 * "go" byte, so the tracer can attach and set its requests while the kid is
 * parked in that read (its read was entered before the session existed and
 * never stops); then the kid runs a small body whose system calls the test
 * knows exactly, reports results on a pipe, and exits. Code addresses are
 * the same in tracer and kid (a fork of a static binary), so the labels of
 * the assembly routines below name the same instructions in both.
 * Synchronisation is by pipes, trace events and proc:PID/status, never by
 * sleeping alone; short waits are only used to show that nothing happens. */
#define _GNU_SOURCE
#include "tracetest.h"

extern const struct test_area area_sessions, area_events, area_syscalls, area_signals, area_stops,
    area_clone, area_mem, area_sysfilter, area_stress, area_debugregs, area_siginfo, area_restart,
    area_threads;
static const struct test_area *const areas[] = {
    &area_sessions, &area_events,  &area_syscalls,  &area_signals, &area_stops,
    &area_clone,    &area_mem,     &area_sysfilter, &area_stress,  &area_debugregs,
    &area_siginfo,  &area_restart, &area_threads};

int main(int argc, char **argv)
{
	return testrun_areas(argc, argv, "tracetest", areas, NELEM(areas));
}
