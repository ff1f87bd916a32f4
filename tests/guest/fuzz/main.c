/* fuzz/main.c: the driver: rounds, watching workers, baselines, replay, main (see fuzz.h). */
#define _GNU_SOURCE
#include "fuzz.h"

/* ------------------------------------------------------------------------ */
/* The driver.                                                              */
/* ------------------------------------------------------------------------ */

long fuzz_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* The driver keeps SIGALRM blocked, so a worker poked before it has
 * installed its handler (restore_alarm unblocks it) is not killed. */
void block_alarm(void)
{
	sigset_t m;
	sigemptyset(&m);
	sigaddset(&m, SIGALRM);
	sigprocmask(SIG_BLOCK, &m, NULL);
}

void nap_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

long fuzz_sys_value(const char *name)
{
	char buf[32] = {0};
	int fd = open(name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	return n > 0 ? strtol(buf, NULL, 10) : -1;
}

struct counters {
	long frames, sessions, procs, heap;
};

static struct counters read_counters(void)
{
	return (struct counters){fuzz_sys_value("sys:free_frames"), fuzz_sys_value("sys:sessions"),
	                         fuzz_sys_value("sys:procs"), fuzz_sys_value("sys:heap_bytes")};
}

void reap_any(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

/* Pids in proc: other than init and us. */
int list_others(int *out, int cap)
{
	char buf[4096];
	int n = 0, fd = open("proc:", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	long got;
	while ((got = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
		for (long at = 0; at < got;) {
			unsigned short reclen = *(unsigned short *)(buf + at + 16);
			const char *name = buf + at + 19;
			int pid = atoi(name);
			if (pid > 1 && pid != getpid() && n < cap)
				out[n++] = pid;
			at += reclen;
		}
	}
	close(fd);
	return n;
}

void print_status_of(int pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof path, "proc:%d/status", pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = 0;
	for (char *p = buf; *p; p++)
		if (*p == '\n')
			*p = ' ';
	printf("fuzz:   pid %d: %s\n", pid, buf);
}

/* Remove everything below dir (a /tmp path), then dir unless keep. */
void remove_tree(const char *dir, int keep, int depth)
{
	char buf[2048], path[512];
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		long got;
		while ((got = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
			for (long at = 0; at < got;) {
				unsigned short reclen = *(unsigned short *)(buf + at + 16);
				unsigned char type = *(unsigned char *)(buf + at + 18);
				const char *name = buf + at + 19;
				at += reclen;
				if (!strcmp(name, ".") || !strcmp(name, ".."))
					continue;
				snprintf(path, sizeof path, "%s/%s", dir, name);
				if (type == DT_DIR && depth < 40)
					remove_tree(path, 0, depth + 1);
				else
					unlink(path);
			}
		}
		close(fd);
	}
	if (!keep)
		rmdir(dir);
}

uint64_t seed_arg;
int nproc_arg, verbose_arg;
long calls_made, stuck_killed, hangs;
long ends_completed, ends_exit, ends_sig[65]; /* how workers ended */

struct wslot {
	int pid, memfd, done, killed;
	long start, last_change, last_poke, killed_at;
	uint64_t progress;
	struct call_rec ring[RING];
	int have_ring, polls;
	uint16_t count[512], ok[512];
};
uint64_t tot_count[512], tot_ok[512]; /* coverage over the run */

static void print_ring(const struct wslot *s, int round, int index)
{
	printf("fuzz: seed %llu round %d worker %d (pid %d): last calls, oldest first:\n",
	       (unsigned long long)seed_arg, round, index, s->pid);
	if (!s->have_ring) {
		printf("fuzz:   (its memory could not be read)\n");
		return;
	}
	for (uint64_t i = s->progress > RING ? s->progress - RING : 0; i < s->progress; i++) {
		char b[320];
		format_call(b, sizeof b, &s->ring[i % RING], 1);
		printf("fuzz:   #%llu %s\n", (unsigned long long)i, b);
	}
}

static int read_worker(struct wslot *s)
{
	if (s->memfd < 0)
		return -1;
	uint64_t st[1 + RING * sizeof(struct call_rec) / 8];
	if (pread(s->memfd, st, sizeof st, (off_t)(uintptr_t)&wstate) != (ssize_t)sizeof st)
		return -1;
	s->progress = st[0];
	memcpy(s->ring, &st[1], sizeof s->ring);
	s->have_ring = 1;
	if (s->polls++ % 10 == 0) {
		uint16_t cnt[1024];
		if (pread(s->memfd, cnt, sizeof cnt, (off_t)(uintptr_t)&wstate.count) ==
		    (ssize_t)sizeof cnt) {
			memcpy(s->count, cnt, sizeof s->count);
			memcpy(s->ok, cnt + 512, sizeof s->ok);
		}
	}
	return 0;
}

/* Kill every process but init and us; 0 if they are all gone in time. */
int sweep(int round, long base_procs)
{
	int pids[300];
	long deadline = fuzz_now_ms() + HANG_S * 1000L;
	for (;;) {
		int n = list_others(pids, 300);
		for (int i = 0; i < n; i++)
			kill(pids[i], SIGKILL);
		reap_any();
		if (n == 0 && (base_procs < 0 || fuzz_sys_value("sys:procs") <= base_procs))
			return 0;
		if (fuzz_now_ms() > deadline) {
			printf(
			    "fuzz: HANG: seed %llu round %d: %d processes survive SIGKILL for %d "
			    "s:\n",
			    (unsigned long long)seed_arg, round, n, HANG_S);
			for (int i = 0; i < n; i++)
				print_status_of(pids[i]);
			return -1;
		}
		nap_ms(20);
	}
}

/* One round: nproc workers, chunk calls each. Returns -1 on a hang. */
int run_round(int round, int chunk)
{
	struct wslot ws[MAX_NPROC];
	int live = 0, rc = 0;
	for (int i = 0; i < nproc_arg; i++) {
		memset(&ws[i], 0, sizeof ws[i]);
		fflush(stdout);
		int pid = fork();
		if (pid == 0)
			worker(seed_arg, round, i, chunk);
		ws[i].pid = pid;
		ws[i].memfd = -1;
		ws[i].done = pid < 0;
		if (pid < 0) {
			printf("fuzz: fork: %s\n", strerror(errno));
			continue;
		}
		live++;
		char path[64];
		snprintf(path, sizeof path, "proc:%d/mem", pid);
		ws[i].memfd = open(path, O_RDONLY | O_CLOEXEC);
		ws[i].start = ws[i].last_change = ws[i].last_poke = fuzz_now_ms();
	}
	while (live > 0) {
		nap_ms(20);
		long now = fuzz_now_ms();
		for (int i = 0; i < nproc_arg; i++) {
			struct wslot *s = &ws[i];
			if (s->done)
				continue;
			int st;
			if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
				read_worker(s);
				if (WIFEXITED(st) && WEXITSTATUS(st) == 0 && !s->killed) {
					s->progress = (uint64_t)chunk;
					ends_completed++;
				} else if (WIFSIGNALED(st)) {
					ends_sig[WTERMSIG(st) & 63]++;
				} else {
					ends_exit++;
				}
				s->done = 1;
				live--;
				continue;
			}
			if (s->killed) {
				if (now - s->killed_at > HANG_S * 1000L) {
					printf("fuzz: HANG: pid %d survives SIGKILL for %d s\n",
					       s->pid, HANG_S);
					print_status_of(s->pid);
					print_ring(s, round, i);
					s->done = 1;
					live--;
					hangs++;
					rc = -1;
				}
				continue;
			}
			uint64_t before = s->progress;
			if (read_worker(s) == 0 && s->progress != before)
				s->last_change = s->last_poke = now;
			long idle = now - s->last_change;
			if (idle > POKE_MS && now - s->last_poke > POKE_MS) {
				kill(s->pid, SIGCONT);
				kill(s->pid, SIGALRM);
				s->last_poke = now;
			}
			if (idle > STUCK_MS || now - s->start > CHUNK_MAX_MS) {
				kill(s->pid, SIGKILL);
				kill(-s->pid, SIGKILL);
				s->killed = 1;
				s->killed_at = now;
				stuck_killed++;
			}
		}
	}
	for (int i = 0; i < nproc_arg; i++) {
		/* A sibling tracing a worker may have written its counters
		 * through proc:PID/mem: never trust more than a chunk. */
		if (ws[i].progress > (uint64_t)chunk)
			ws[i].progress = (uint64_t)chunk;
		calls_made += (long)ws[i].progress;
		for (int n = 0; n < 512; n++) {
			tot_count[n] += ws[i].count[n] <= chunk ? ws[i].count[n] : 0;
			tot_ok[n] += ws[i].ok[n] <= ws[i].count[n] ? ws[i].ok[n] : 0;
		}
		if (ws[i].memfd >= 0)
			close(ws[i].memfd);
	}
	return rc;
}

/* Calls and successes per syscall, as the driver last saw them in the
 * workers (calls in their forked children are not seen). */
void print_coverage(void)
{
	char line[200];
	size_t at = 0;
	printf("fuzz: coverage, calls/succeeded per syscall (workers only, not their children):\n");
	for (size_t i = 0; i < NSC; i++) {
		int nr = sc_list[i].nr;
		at += (size_t)snprintf(line + at, sizeof line - at, " %s %llu/%llu",
		                       sc_list[i].name, (unsigned long long)tot_count[nr],
		                       (unsigned long long)tot_ok[nr]);
		if (at > 90 || i + 1 == NSC) {
			printf("fuzz: %s\n", line);
			at = 0;
		}
	}
	uint64_t unknown = 0;
	for (int nr = 0; nr < 512; nr++)
		if (!strcmp(sc_name(nr), "unknown"))
			unknown += tot_count[nr];
	printf("fuzz:  unknown numbers below 512: %llu calls\n", (unsigned long long)unknown);
}

int failures;
void result(int ok, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void result(int ok, const char *name, const char *fmt, ...)
{
	char why[300] = "";
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	if (ok) {
		printf("[TEST] PASS %s\n", name);
	} else {
		printf("[TEST] FAIL %s: %s\n", name, why);
		failures++;
	}
}

/* Wait (up to 5 s) until the counters are back at base. */
static struct counters settle(struct counters base)
{
	long deadline = fuzz_now_ms() + 5000;
	for (;;) {
		reap_any();
		struct counters c = read_counters();
		if ((c.frames == base.frames && c.sessions == base.sessions &&
		     c.procs == base.procs && c.heap == base.heap) ||
		    fuzz_now_ms() > deadline)
			return c;
		nap_ms(20);
	}
}

/* Touch the stack our deepest paths use (remove_tree of a deep /tmp tree),
 * so the driver's own memory does not grow after the baseline. */
void __attribute__((noinline)) pretouch_stack(void)
{
	volatile char big[192 * 1024];
	for (size_t i = 0; i < sizeof big; i += 4096)
		big[i] = 0;
}

int drive(uint64_t seed, long iter, int nproc, int verbose)
{
	pretouch_stack();
	seed_arg = seed;
	nproc_arg = nproc;
	verbose_arg = verbose;
	w_verbose = verbose;
	w_nproc = nproc;
	prot_pid[nprot++] = 1;
	prot_pid[nprot++] = getpid();
	prot_pid[nprot++] = getppid();
	setpgid(0, 0);
	block_alarm();
	if (getpgrp() != getpid())
		prot_pid[nprot++] = getpgrp();
	if (verbose)
		dup2(1, LOG_FD);
	int chunk = CHUNK;
	int rounds = (int)((iter + (long)nproc * chunk - 1) / ((long)nproc * chunk));
	if (rounds < 1)
		rounds = 1;
	printf("fuzz: seed %llu, %ld calls: rounds of %d workers x %d calls%s\n",
	       (unsigned long long)seed, iter, nproc, chunk, verbose ? ", every call logged" : "");
	mkdir("/tmp", 0777);
	remove_tree("/tmp", 1, 0);
	/* A warm-up round, so our buffers and kernel tables have grown to size
	 * before the baseline is taken; its calls are not counted. */
	seed_arg = seed ^ 0xfeedULL;
	run_round(-1, 5);
	sweep(-1, -1);
	remove_tree("/tmp", 1, 0);
	seed_arg = seed;
	calls_made = 0;
	struct counters base = read_counters();
	printf("fuzz: baseline free_frames %ld sessions %ld procs %ld heap_bytes %ld\n",
	       base.frames, base.sessions, base.procs, base.heap);
	long t0 = fuzz_now_ms();
	int alive = 1;
	long last_sessions = base.sessions;
	/* Rounds until ITER calls are made (workers often die early), at most
	 * four times the rounds that would take if none did. */
	for (int r = 0; calls_made < iter && r < 4 * rounds && alive; r++) {
		printf("fuzz: round %d (seed %llu; calls so far %ld of %ld)\n", r,
		       (unsigned long long)seed, calls_made, iter);
		fflush(stdout);
		if (run_round(r, chunk) < 0)
			alive = 0;
		if (sweep(r, base.procs) < 0) {
			alive = 0;
			hangs++;
		}
		remove_tree("/tmp", 1, 0);
		/* Every worker is gone: a session still open was leaked this
		 * round (replay its workers with REPLAY=R,W to find which). */
		long sessions = fuzz_sys_value("sys:sessions");
		if (sessions != last_sessions)
			printf("fuzz: round %d left sessions at %ld (baseline %ld)\n", r, sessions,
			       base.sessions);
		last_sessions = sessions;
	}
	struct counters c = settle(base);
	long secs = (fuzz_now_ms() - t0) / 1000;
	printf("fuzz: calls %ld in %ld s; workers killed when stuck %ld; hangs %ld\n", calls_made,
	       secs, stuck_killed, hangs);
	printf("fuzz: workers completed %ld, exited early %ld, killed by signal:", ends_completed,
	       ends_exit);
	for (int i = 1; i < 65; i++)
		if (ends_sig[i])
			printf(" %d:%ld", i, ends_sig[i]);
	printf("\n");
	print_coverage();
	printf("fuzz: after: free_frames %ld sessions %ld procs %ld heap_bytes %ld\n", c.frames,
	       c.sessions, c.procs, c.heap);
	char name[64];
	snprintf(name, sizeof name, "fuzz_seed_%llu_alive", (unsigned long long)seed);
	result(alive && hangs == 0, name, "seed %llu: %ld hangs (see the HANG lines above)",
	       (unsigned long long)seed, hangs);
	result(c.frames == base.frames, "fuzz_frames_back_to_baseline",
	       "seed %llu: free_frames %ld -> %ld", (unsigned long long)seed, base.frames,
	       c.frames);
	result(c.sessions == base.sessions, "fuzz_sessions_back_to_baseline",
	       "seed %llu: sessions %ld -> %ld", (unsigned long long)seed, base.sessions,
	       c.sessions);
	result(c.procs == base.procs, "fuzz_procs_back_to_baseline", "seed %llu: procs %ld -> %ld",
	       (unsigned long long)seed, base.procs, c.procs);
	result(c.heap == base.heap, "fuzz_heap_back_to_baseline",
	       "seed %llu: heap_bytes %ld -> %ld", (unsigned long long)seed, base.heap, c.heap);
	printf("fuzz: %s\n", failures ? "FAILED" : "ok");
	return failures ? 1 : 0;
}

/* -r SEED ROUND WORKER: one chunk alone, every call printed. */
int replay(uint64_t seed, int round, int index)
{
	prot_pid[nprot++] = 1;
	prot_pid[nprot++] = getpid();
	prot_pid[nprot++] = getppid();
	setpgid(0, 0);
	block_alarm();
	w_verbose = 1;
	w_nproc = DEFAULT_NPROC;
	dup2(1, LOG_FD);
	fflush(stdout);
	int pid = fork();
	if (pid == 0)
		worker(seed, round, index, CHUNK);
	int st = 0;
	long deadline = fuzz_now_ms() + CHUNK_MAX_MS;
	while (waitpid(pid, &st, WNOHANG) != pid) {
		if (fuzz_now_ms() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			break;
		}
		nap_ms(POKE_MS);
		kill(pid, SIGCONT);
		kill(pid, SIGALRM);
	}
	seed_arg = seed;
	sweep(round, -1);
	printf("fuzz: replay of seed %llu round %d worker %d ended, status %#x\n",
	       (unsigned long long)seed, round, index, st);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 2 && !strcmp(argv[1], "-x")) { /* exec'd by a worker's child */
		if (argc != 4)
			return 2;
		prot_pid[nprot++] = 1;
		prot_pid[nprot++] = atoi(argv[3]);
		w_depth = MAX_DEPTH;
		rng = splitmix(strtoull(argv[2], NULL, 10)) | 1;
		w_nproc = DEFAULT_NPROC;
		worker_setup();
		run_calls(1 + (int)rn(10));
		return 0;
	}
	if (argc == 5 && !strcmp(argv[1], "-r"))
		return replay(strtoull(argv[2], NULL, 0), atoi(argv[3]), atoi(argv[4]));
	if (!getenv("PATH")) { /* exec'd by a worker with no environment: never a driver */
		fprintf(stderr, "fuzz: no environment; not starting a driver\n");
		return 2;
	}
	uint64_t seed = argc > 1 ? strtoull(argv[1], NULL, 0) : DEFAULT_SEED;
	long iter = argc > 2 ? strtol(argv[2], NULL, 0) : DEFAULT_ITER;
	int nproc = argc > 3 ? atoi(argv[3]) : DEFAULT_NPROC;
	int verbose = argc > 4 ? atoi(argv[4]) : 0;
	if (nproc < 1 || nproc > MAX_NPROC || iter < 1) {
		fprintf(stderr, "usage: fuzz [SEED [ITER [NPROC [VERBOSE]]]] | fuzz -r SEED ROUND "
		                "WORKER\n");
		return 2;
	}
	return drive(seed, iter, nproc, verbose);
}
