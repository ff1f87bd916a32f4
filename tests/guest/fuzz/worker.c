/* fuzz/worker.c: one random call, the fork/exec/signal/thread storms, a worker's chunk (see
 * fuzz.h). */
#define _GNU_SOURCE
#include "fuzz.h"
#include <pthread.h>

/* ------------------------------------------------------------------------ */
/* One random call from the list (or an unknown number).                    */
/* ------------------------------------------------------------------------ */

void run_calls(int n);

/* The child side of a fork made in C: a few calls, then exit. */
_Noreturn void child_body(void)
{
	rng = splitmix(rng ^ 0x5eed);
	w_pid = sc0(SYS_getpid);
	nkids = 0;
	w_depth++;
	run_calls(1 + (int)rn(12));
	sc1(SYS_exit_group, rn(256));
	for (;;)
		;
}

void prepare_exec(void)
{
	static const char *const progs[] = {"/bin/true", "/bin/false",   "/bin/echo", "/bin/uname",
	                                    "/bin/fuzz", "/nonexistent", "/tmp",      "sys:procs"};
	static char *argv[6];
	argv[4] = NULL;
	const char *prog = progs[rn(sizeof progs / sizeof progs[0])];
	argv[0] = (char *)prog;
	argv[1] = chance(50) ? "-x" : "\xff";
	argv[2] = chance(50) ? "hello" : NULL;
	argv[3] = NULL;
	fuzz_exec_path = (uint64_t)(uintptr_t)prog;
	fuzz_exec_argv = chance(90) ? (uint64_t)(uintptr_t)argv : bad_ptr();
	if (!strcmp(prog, "/bin/fuzz")) { /* its -x mode: a few calls of its own */
		static char seedbuf[24], drvbuf[24];
		put_d(seedbuf, 0, sizeof seedbuf, (int64_t)(rnd() >> 1));
		put_d(drvbuf, 0, sizeof drvbuf, prot_pid[1]);
		argv[1] = "-x";
		argv[2] = seedbuf;
		argv[3] = drvbuf; /* the driver: protected in the new program too */
		argv[4] = NULL;
	}
}

/* fork, vfork or clone; the child does a few calls or execs or exits. */
void fork_call(long nr)
{
	if (w_depth >= MAX_DEPTH || nkids >= 16) {
		do_call(SYS_getpid, 0, 0, 0, 0, 0, 0);
		return;
	}
	uint64_t a[5] = {0, 0, 0, 0, 0};
	long mode = chance(60) ? 0 : 1 + (long)rn(2);
	if (nr == SYS_clone) {
		static const uint64_t cl[] = {0x100 /* VM */,
		                              0x4000 /* VFORK */,
		                              0x80000 /* SETTLS */,
		                              0x100000 /* PARENT_SETTID */,
		                              0x200000 /* CHILD_CLEARTID */,
		                              0x1000000 /* CHILD_SETTID */,
		                              0x10000 /* THREAD */,
		                              0x800 /* SIGHAND */,
		                              0x8000 /* PARENT */};
		a[0] = SIGCHLD;
		for (int i = (int)rn(4); i > 0; i--)
			a[0] |= cl[rn(sizeof cl / sizeof cl[0])];
		if (chance(5))
			a[0] = rnd();
		a[1] = chance(70) ? 0 : (chance(50) ? ARENA + 2048 : bad_ptr());
		a[2] = arg_ptr(4);
		a[3] = arg_ptr(4);
		a[4] = chance(50) ? 0 : bad_ptr();
		if ((a[0] & 0x100) || a[1] || (a[0] & 0x80000))
			mode = 1 + (long)rn(2); /* shared memory, other stack or TLS: asm only */
	}
	if (nr == SYS_vfork)
		mode = 1 + (long)rn(2);
	if (mode == 2)
		prepare_exec();
	struct call_rec *c = &wstate.ring[wstate.progress % RING];
	c->nr = nr;
	for (int i = 0; i < 5; i++)
		c->a[i] = a[i];
	c->a[5] = (uint64_t)mode;
	wstate.progress++;
	if (w_verbose)
		log_call(c);
	long r =
	    fuzz_forklike(nr, (long)a[0], (long)a[1], (long)a[2], (long)a[3], (long)a[4], mode);
	if (r == 0)
		child_body();
	c->ret = r;
	wstate.count[nr]++;
	wstate.ok[nr] += r >= 0;
	if (r > 0)
		kid_pids[nkids++] = (int)r;
}

/* A thread of the storm below: a few random calls, then it ends (alone,
 * or the whole process). The threads share the worker's state unlocked:
 * what they record may be garbled, which only the kernel must survive. */
static void *storm_thread(void *arg)
{
	rng = splitmix(rng ^ (uint64_t)(uintptr_t)arg);
	run_calls(1 + (int)rn(8));
	do_call(chance(80) ? SYS_exit : SYS_exit_group, arg_int(), 0, 0, 0, 0, 0);
	return 0;
}

/* Threads making random calls at once, some joined, some left running
 * when the process ends (exit_group, exec, a signal). */
static void thread_storm(void)
{
	pthread_t t[6];
	int n = 2 + (int)rn(5), made = 0;
	for (int i = 0; i < n; i++)
		if (pthread_create(&t[made], 0, storm_thread, (void *)(uintptr_t)rnd()) == 0)
			made++;
	run_calls(1 + (int)rn(6));
	for (int i = 0; i < made; i++)
		if (chance(50))
			pthread_join(t[i], 0);
}

/* Dangerous things done only in a forked child, which then dies. */
void special_child(void)
{
	if (w_depth >= MAX_DEPTH || nkids >= 16)
		return;
	long r = do_call(SYS_fork, 0, 0, 0, 0, 0, 0);
	if (r > 0)
		kid_pids[nkids++] = (int)r;
	if (r != 0)
		return;
	rng = splitmix(rng ^ 0xc41d);
	w_pid = sc0(SYS_getpid);
	nkids = 0;
	w_depth = MAX_DEPTH; /* no further forks below */
	if (chance(50)) {    /* a handler that may fault, and a signal for it */
		int sig = chance(50) ? pick_signal() : (int)(SIGILL + rn(8));
		do_call(SYS_rt_sigaction, sig, arg_sigaction(), 0, 8, 0, 0);
	}
	switch (rn(10)) {
	case 0: do_call(SYS_kill, w_pid, pick_signal(), 0, 0, 0, 0); break;
	case 8: thread_storm(); break;
	case 1: __asm__ volatile("int3"); break;
	case 2: __asm__ volatile("ud2"); break;
	case 3: /* TF set by popf: a trap after the next instruction */
		__asm__ volatile("pushfq\n\torq $0x100, (%%rsp)\n\tpopfq\n\tnop\n\tnop" ::
		                     : "memory", "cc");
		break;
	case 4: { /* rt_sigreturn of garbage, or of a plausible frame */
		uint64_t *f = (uint64_t *)(uintptr_t)(ARENA + 1024);
		for (int i = 0; i < 128; i++)
			f[i] = chance(50) ? rnd() : arg_int();
		if (chance(50)) {
			/* ucontext after the 8-byte return address: gregs from word 5 */
			f[5 + 16] = (uint64_t)(uintptr_t)fuzz_exit_stub; /* rip */
			f[5 + 15] = ARENA + 3000;                        /* rsp */
			f[5 + 17] = chance(50) ? 0x202 : rnd();          /* rflags */
			f[5 + 18] = chance(70) ? 0x2b0023 : rnd();       /* cs, gs, fs, ss */
			f[5 + 20] = chance(50) ? 0 : rnd();              /* err/trapno */
			f[5 + 23] = chance(50) ? 0 : arg_ptr(512);       /* fpstate */
		}
		struct call_rec *c = &wstate.ring[wstate.progress++ % RING];
		c->nr = SYS_rt_sigreturn;
		c->a[0] = ARENA + 1024 + 8;
		if (w_verbose)
			log_call(c);
		fuzz_sigreturn_at(ARENA + 1024 + 8);
		break;
	}
	case 5: /* a fault: NULL, kernel address, non-canonical, jump to data */
		switch (rn(4)) {
		case 0: *(volatile int *)(uintptr_t)bad_ptr() = 1; break;
		case 1: (void)*(volatile int *)(uintptr_t)0xffff800000001000ULL; break;
		case 2: ((void (*)(void))(uintptr_t)ARENA)(); break;
		default: ((void (*)(void))(uintptr_t)bad_ptr())(); break;
		}
		break;
	case 6: { /* exec something, good or bad */
		prepare_exec();
		do_call(SYS_execve, fuzz_exec_path, fuzz_exec_argv, chance(80) ? 0 : bad_ptr(), 0,
		        0, 0);
		break;
	}
	case 7: { /* a fork storm */
		int n = 2 + (int)rn(5);
		for (int i = 0; i < n; i++) {
			long k = do_call(SYS_fork, 0, 0, 0, 0, 0, 0);
			if (k == 0) {
				if (chance(50)) {
					prepare_exec();
					do_call(SYS_execve, fuzz_exec_path, fuzz_exec_argv, 0, 0, 0,
					        0);
				}
				sc1(SYS_exit, i);
			}
		}
		if (chance(50))
			for (int i = 0; i < n; i++)
				do_call(SYS_wait4, -1, arg_ptr(4), chance(50) ? WNOHANG : 0, 0, 0,
				        0);
		break;
	}
	default: run_calls(1 + (int)rn(6)); break;
	}
	do_call(chance(50) ? SYS_exit : SYS_exit_group, arg_int(), 0, 0, 0, 0, 0);
	for (;;)
		;
}

void random_call(void)
{
	uint64_t a[6];
	long nr;
	if (chance(3)) { /* unknown numbers, and numbers with high bits set */
		static const int64_t odd[] = {-1,
		                              512,
		                              513,
		                              1000,
		                              0x7fffffff,
		                              0x100000000LL,
		                              0x100000027LL /* getpid + 2^32 */,
		                              -0x7fffffffLL};
		nr = chance(50) ? (long)odd[rn(sizeof odd / sizeof odd[0])] : (long)rn(600);
		for (size_t i = 0; i < NSC; i++)
			if (sc_list[i].nr == nr && nr != SYS_getpid)
				nr = 511;
		for (int i = 0; i < 6; i++)
			a[i] = rnd();
		do_call(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
		return;
	}
	const struct sc_info *s = &sc_list[rn(NSC)];
	nr = s->nr;
	/* Generic arguments from the kinds string, then per-call shaping. */
	uint64_t pending_len = arg_len();
	size_t nk = strlen(s->kinds);
	for (size_t i = 0; i < 6; i++) {
		char k = i < nk ? s->kinds[i] : 0;
		switch (k) {
		case 0: a[i] = chance(90) ? 0 : rnd(); break;
		case 'i': a[i] = arg_int(); break;
		case 'u': a[i] = (i > 0 && s->kinds[i - 1] == 'b') ? pending_len : arg_len(); break;
		case 'x': a[i] = chance(50) ? arg_ptr(64) : arg_flags(); break;
		case 's': a[i] = arg_path(); break;
		case 'b':
			a[i] = arg_ptr(pending_len);
			if (chance(30))
				random_blob(64);
			break;
		case 'o': a[i] = open_flags(); break;
		case 'f': a[i] = (uint64_t)arg_fd(); break;
		default: a[i] = rnd(); break;
		}
	}
	switch (nr) {
	case SYS_exit:
	case SYS_exit_group:
	case SYS_rt_sigreturn:
		special_child(); /* only in a child that ends */
		return;
	case SYS_fork:
	case SYS_vfork:
	case SYS_clone: fork_call(nr); return;
	case SYS_execve: { /* in the worker itself: only calls that must fail */
		static const char *const nope[] = {
		    "/tmp", "/bin", "sys:procs", "/nonexistent", "proc:self/status", "null:", ""};
		if (chance(70))
			a[0] = (uint64_t)(uintptr_t)nope[rn(sizeof nope / sizeof nope[0])];
		else if (chance(50))
			a[0] = bad_ptr();
		else
			a[0] = (uint64_t)(uintptr_t)memcpy((char *)GUARD - 5, "/bin/", 5);
		a[1] = chance(50) ? 0 : arg_ptr(64);
		a[2] = chance(50) ? 0 : arg_ptr(64);
		break;
	}
	case SYS_open:
	case SYS_openat: {
		long fd = do_call(nr, a[0], a[1], a[2], a[3], 0, 0);
		note_fd(fd, 0);
		return;
	}
	case SYS_dup:
	case SYS_dup2:
	case SYS_dup3: {
		long fd = do_call(nr, a[0], a[1], a[2], 0, 0, 0);
		note_fd(fd, 0);
		return;
	}
	case SYS_pipe:
	case SYS_pipe2: {
		int32_t *p = (int32_t *)(uintptr_t)(ARENA + 640);
		if (chance(85))
			a[0] = (uint64_t)(uintptr_t)p;
		if (nr == SYS_pipe2 && chance(70))
			a[1] = (chance(70) ? O_NONBLOCK : 0) | (chance(30) ? O_CLOEXEC : 0);
		if (do_call(nr, a[0], a[1], 0, 0, 0, 0) == 0 && a[0] == (uint64_t)(uintptr_t)p) {
			note_fd(p[0], 0);
			note_fd(p[1], 0);
		}
		return;
	}
	case SYS_kill:
		a[0] = (uint64_t)safe_target(pick_pid());
		a[1] = (uint64_t)pick_signal();
		break;
	case SYS_prlimit64:         /* never the harness's limits (an RLIMIT_NOFILE of 0 */
	case SYS_sched_setaffinity: /* would leave the driver unable to open sys:) */
		a[0] = (uint64_t)(chance(50) ? 0 : pick_proc_pid());
		break;
	case SYS_tkill:
		a[0] = (uint64_t)safe_target(pick_pid());
		a[1] = (uint64_t)pick_signal();
		break;
	case SYS_tgkill: {
		long p = safe_target(pick_pid());
		a[0] = (uint64_t)(chance(70) ? p : safe_target(pick_pid()));
		a[1] = (uint64_t)p;
		if (p <= 0 || is_protected((long)a[0]) || (long)a[0] == -1)
			a[0] = a[1] = 0x7ffffff0;
		a[2] = (uint64_t)pick_signal();
		break;
	}
	case SYS_setpgid: {
		a[0] = (uint64_t)(chance(50) ? 0 : pick_pid());
		long g = chance(30) ? 0 : pick_pid();
		a[1] = (uint64_t)(is_protected(g) || g == 1 ? 0 : g);
		break;
	}
	case SYS_wait4:
		a[0] = (uint64_t)(chance(50) ? -1 : pick_pid());
		a[2] = chance(80) ? WNOHANG | (chance(30) ? WUNTRACED : 0) : arg_flags();
		break;
	case SYS_nanosleep: a[0] = arg_timespec(); break;
	case SYS_clock_nanosleep:
		a[0] = chance(80) ? rn(2) : arg_int();
		a[1] = chance(90) ? 0 : arg_flags(); /* TIMER_ABSTIME would sleep until then */
		a[2] = arg_timespec();
		break;
	case SYS_poll:
	case SYS_ppoll: {
		int32_t *pfd = (int32_t *)(uintptr_t)(ARENA + 700);
		int n = (int)rn(6);
		for (int i = 0; i < n; i++) {
			pfd[2 * i] = (int32_t)arg_fd();
			pfd[2 * i + 1] = (int32_t)(chance(80) ? rn(64) : rnd());
		}
		if (chance(80))
			a[0] = (uint64_t)(uintptr_t)pfd;
		a[1] = chance(90) ? (uint64_t)n : arg_len();
		if (nr == SYS_poll) {
			a[2] = chance(90) ? rn(30) : arg_int();
		} else {
			a[2] = arg_timespec();
			a[3] = chance(60) ? 0 : random_blob(8);
			a[4] = chance(85) ? 8 : arg_len();
		}
		break;
	}
	case SYS_select:
	case SYS_pselect6: {
		uint64_t *sets = (uint64_t *)(uintptr_t)(ARENA + 800);
		for (int i = 0; i < 12; i++)
			sets[i] = chance(20) ? rnd() : rn(1024) & rnd();
		a[0] = chance(80) ? rn(70) : arg_int();
		for (int i = 1; i < 4; i++)
			a[i] = chance(70) ? (uint64_t)(uintptr_t)&sets[4 * (i - 1)] : arg_ptr(128);
		if (nr == SYS_select) {
			int64_t *tv = (int64_t *)(uintptr_t)(ARENA + 900);
			tv[0] = 0;
			tv[1] = chance(90) ? (int64_t)rn(20000) : (int64_t)rnd();
			a[4] = chance(85) ? (uint64_t)(uintptr_t)tv : arg_ptr(16);
		} else {
			a[4] = arg_timespec();
			uint64_t *sm = (uint64_t *)(uintptr_t)(ARENA + 940);
			sm[0] = chance(70) ? random_blob(8) : bad_ptr();
			sm[1] = chance(80) ? 8 : arg_len();
			a[5] =
			    chance(40) ? 0 : (chance(80) ? (uint64_t)(uintptr_t)sm : arg_ptr(16));
		}
		break;
	}
	case SYS_rt_sigaction:
		a[0] = chance(80) ? (uint64_t)(1 + rn(64)) : arg_int();
		a[1] = chance(85) ? arg_sigaction() : 0;
		a[2] = chance(70) ? 0 : arg_ptr(32);
		a[3] = chance(90) ? 8 : arg_len();
		do_call(nr, a[0], a[1], a[2], a[3], 0, 0);
		restore_alarm();
		return;
	case SYS_rt_sigprocmask:
	case SYS_rt_sigsuspend: {
		uint64_t *m = (uint64_t *)(uintptr_t)(ARENA + 960);
		*m = chance(50) ? rnd() : 0;
		if (nr == SYS_rt_sigprocmask) {
			a[0] = chance(80) ? rn(3) : arg_int();
			a[1] = chance(80) ? (uint64_t)(uintptr_t)m : arg_ptr(8);
			a[2] = chance(70) ? 0 : arg_ptr(8);
			a[3] = chance(90) ? 8 : arg_len();
		} else {
			*m &= ~(1ULL << (SIGALRM - 1));
			a[0] = chance(90) ? (uint64_t)(uintptr_t)m : arg_ptr(8);
			a[1] = chance(90) ? 8 : arg_len();
		}
		do_call(nr, a[0], a[1], a[2], a[3], 0, 0);
		restore_alarm();
		return;
	}
	case SYS_mmap:
	case SYS_munmap:
	case SYS_mprotect:
	case SYS_brk: {
		static const uint64_t at[] = {ARENA,        ARENA + 4096, GUARD,
		                              GUARD - 4096, 0x20000000,   0x7ffffff00000ULL};
		if (chance(60))
			a[0] = at[rn(sizeof at / sizeof at[0])];
		else if (chance(2))
			a[0] = (uint64_t)(uintptr_t)&wstate & ~4095UL; /* our own data */
		else if (chance(90))
			a[0] = bad_ptr();
		a[1] = chance(70) ? 4096 * (1 + rn(4)) : arg_len();
		if (nr == SYS_mmap) {
			a[2] = chance(80) ? rn(8) : arg_flags();
			a[3] = chance(70)
			           ? (0x22 | (chance(50) ? 0x10 : 0) | (chance(10) ? 0x100000 : 0))
			           : arg_flags();
			a[4] = chance(80) ? (uint64_t)-1 : (uint64_t)arg_fd();
			a[5] = chance(90) ? 0 : rnd();
		} else if (nr == SYS_mprotect) {
			a[2] = chance(80) ? rn(8) : arg_flags();
		}
		do_call(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
		restore_arena();
		return;
	}
	case SYS_arch_prctl: {
		uint64_t fs;
		static const uint64_t codes[] = {0x1001, 0x1002, 0x1003, 0x1004};
		a[0] = chance(85) ? codes[rn(4)] : arg_int();
		a[1] = chance(50) ? arg_ptr(8) : bad_ptr();
		sc2(SYS_arch_prctl, 0x1003, &fs);
		do_call(nr, a[0], a[1], 0, 0, 0, 0);
		sc2(SYS_arch_prctl, 0x1002, fs);
		sc2(SYS_arch_prctl, 0x1001, 0);
		return;
	}
	case SYS_setuid:
	case SYS_setgid: {
		static const int64_t ids[] = {0, 1000, 1001, -1, 65534};
		if (chance(80))
			a[0] = (uint64_t)ids[rn(sizeof ids / sizeof ids[0])];
		break;
	}
	case SYS_readv:
	case SYS_writev: {
		int n = (int)rn(6);
		a[1] = arg_iovec(n);
		a[2] = chance(85) ? (uint64_t)n : arg_int();
		break;
	}
	case SYS_pause: break; /* the driver's SIGALRM ends it */
	case SYS_fcntl: {
		static const int64_t cmds[] = {
		    0 /* DUPFD */, 1, 2, 3, 4, 1030 /* DUPFD_CLOEXEC */, 5, 1024, -1};
		a[1] = chance(85) ? (uint64_t)cmds[rn(sizeof cmds / sizeof cmds[0])] : arg_int();
		if (a[1] == 4 && chance(70))
			a[2] = O_NONBLOCK | (chance(30) ? O_APPEND : 0);
		else if (chance(60))
			a[2] = rn(300);
		long r = do_call(nr, a[0], a[1], a[2], 0, 0, 0);
		if (a[1] == 0 || a[1] == 1030)
			note_fd(r, 0);
		return;
	}
	case SYS_close:
		if (chance(20) && nfds) { /* forget what we close */
			int i = (int)rn(nfds);
			a[0] = (uint64_t)fds[i];
			fds[i] = fds[--nfds];
		}
		break;
	case SYS_lseek: a[2] = chance(80) ? rn(5) : arg_int(); break;
	}
	do_call(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

void run_calls(int n)
{
	for (int i = 0; i < n; i++) {
		int r = (int)rn(100);
		if (r < 30)
			proc_op();
		else if (r < 33)
			special_child();
		else
			random_call();
		if (chance(3))
			random_blob(256); /* stir the arena */
	}
}

/* Set up a worker process (after fork from the driver, or after -x exec). */
void worker_setup(void)
{
	w_pid = sc0(SYS_getpid);
	w_ppid = sc0(SYS_getppid);
	restore_arena();
	restore_alarm();
	long null = sc2(SYS_open, "/dev/null", O_RDWR);
	for (int fd = 0; fd < 3; fd++)
		if (null != fd)
			sc2(SYS_dup2, null, fd);
	for (int fd = 3; fd < LOG_FD; fd++)
		sc1(SYS_close, fd);
	if (!w_verbose)
		sc1(SYS_close, LOG_FD);
}

/* A worker: its chunk of calls, then exit 0. */
_Noreturn void worker(uint64_t seed, int round, int index, int calls)
{
	w_index = index;
	w_round = round;
	rng = chunk_seed(seed, round, index);
	sc2(SYS_setpgid, 0, 0);
	worker_setup();
	if (index % 4 == 3) { /* some workers lose root: permission paths */
		sc1(SYS_setgid, 1000);
		sc1(SYS_setuid, 1000);
	}
	while (wstate.progress < (uint64_t)calls)
		run_calls(1);
	sc1(SYS_exit_group, 0);
	for (;;)
		;
}
