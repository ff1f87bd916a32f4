/* proctest: the tools on a threaded process. ps shows each process's
 * thread count and, with -T, one line per thread; regs TID shows that
 * thread's registers (a worker blocked in read shows rax 0, read). */
#define _GNU_SOURCE
#include "proctest.h"
#include <pthread.h>

static int gate[2];
static volatile long worker_tid[2];

static void *blocked_reader(void *arg)
{
	worker_tid[(long)arg] = syscall(SYS_gettid);
	char c;
	(void)!read(gate[0], &c, 1);
	return 0;
}

/* Two workers blocked reading the gate; their tids are known on return. */
static void start_workers(pthread_t t[2])
{
	CHECK(pipe(gate) == 0);
	for (long i = 0; i < 2; i++) {
		CHECK(pthread_create(&t[i], 0, blocked_reader, (void *)i) == 0);
		while (!worker_tid[i])
			sched_yield();
		wait_until((int)worker_tid[i], 'S', SYS_read);
	}
}

static void stop_workers(pthread_t t[2])
{
	CHECK(write(gate[1], "xx", 2) == 2);
	for (int i = 0; i < 2; i++)
		CHECK(pthread_join(t[i], 0) == 0);
}

/* Run argv (a tool in /bin) with its stdout in buf; CHECKs it exits 0. */
static void run_tool(char *const argv[], char *buf, size_t cap)
{
	int fd;
	pid_t pid = fork_piped(&fd, 1);
	if (pid == 0) {
		dup2(fd, 1);
		execv(argv[0], argv);
		_exit(127);
	}
	size_t n = 0;
	long r;
	while (n < cap - 1 && (r = read(fd, buf + n, cap - 1 - n)) > 0)
		n += (size_t)r;
	buf[n] = 0;
	close(fd);
	CHECK_EXITED(wait_bounded(pid, argv[0]), 0);
}

static void ps_shows_thread_count(void)
{
	pthread_t t[2];
	start_workers(t);
	static char out[8192];
	run_tool((char *[]){"/bin/ps", 0}, out, sizeof out);
	CHECK(strstr(out, "THR") != 0);
	int found = 0;
	for (char *line = strtok(out, "\n"); line; line = strtok(0, "\n")) {
		int pid, ppid, tracer, thr;
		char state[8], name[64];
		if (sscanf(line, "%d %d %7s %d %d %63s", &pid, &ppid, state, &tracer, &thr, name) ==
		        6 &&
		    pid == getpid()) {
			CHECK_EQ(thr, 3);
			found++;
		}
		CHECK(pid != worker_tid[0] && pid != worker_tid[1]); /* processes only */
	}
	CHECK_EQ(found, 1);
	stop_workers(t);
}

static void ps_T_lists_every_thread(void)
{
	pthread_t t[2];
	start_workers(t);
	static char out[8192];
	run_tool((char *[]){"/bin/ps", "-T", 0}, out, sizeof out);
	CHECK(strstr(out, "TID") != 0);
	int mine = 0, first = -1, seen = 0;
	for (char *line = strtok(out, "\n"); line; line = strtok(0, "\n")) {
		int pid, tid;
		if (sscanf(line, "%d %d", &pid, &tid) != 2 || pid != getpid())
			continue;
		if (first < 0)
			first = tid;
		mine++;
		seen |= (tid == worker_tid[0]) | (tid == worker_tid[1]) << 1;
	}
	CHECK_EQ(mine, 3);
	CHECK_EQ(first, getpid()); /* the first thread first */
	CHECK_EQ(seen, 3);
	stop_workers(t);
}

static void regs_shows_a_worker_thread(void)
{
	pthread_t t[2];
	start_workers(t);
	char tid[16];
	snprintf(tid, sizeof tid, "%ld", worker_tid[1]);
	static char out[4096];
	run_tool((char *[]){"/bin/regs", tid, 0}, out, sizeof out);
	CHECK(strncmp(out, "rax=0 (read)", 12) == 0);
	CHECK(strstr(out, "orig_rax 0000000000000000 (read)") != 0);
	stop_workers(t);
}

static const struct test tests[] = {
    T(ps_shows_thread_count),
    T(ps_T_lists_every_thread),
    T(regs_shows_a_worker_thread),
};

const struct test_area area_tools = TEST_AREA("tools", tests);
