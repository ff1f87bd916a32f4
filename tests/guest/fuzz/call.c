/* fuzz/call.c: making a call (kept in the ring), signal handlers, proc: operations (see fuzz.h). */
#define _GNU_SOURCE
#include "fuzz.h"

/* ------------------------------------------------------------------------ */
/* Making a call.                                                           */
/* ------------------------------------------------------------------------ */

void log_call(const struct call_rec *c)
{
	char b[320];
	size_t at = put_s(b, 0, sizeof b, "fz w");
	at = put_d(b, at, sizeof b, w_index);
	at = put_s(b, at, sizeof b, " r");
	at = put_d(b, at, sizeof b, w_round);
	at = put_s(b, at, sizeof b, " p");
	at = put_d(b, at, sizeof b, sc0(SYS_getpid));
	at = put_s(b, at, sizeof b, ": ");
	size_t n = format_call(b + at, sizeof b - at - 1, c, 0);
	at += n;
	const char *kinds = "";
	for (size_t i = 0; i < NSC; i++)
		if (sc_list[i].nr == c->nr)
			kinds = sc_list[i].kinds;
	for (size_t i = 0, nk = strlen(kinds); i < 6 && i < nk;
	     i++) { /* paths in our arena, shown */
		if (kinds[i] != 's' || c->a[i] < ARENA || c->a[i] >= GUARD - 64)
			continue;
		const char *str = (const char *)(uintptr_t)c->a[i];
		at = put_s(b, at, sizeof b - 1, " \"");
		for (int k = 0; k < 60 && str[k] && at + 2 < sizeof b; k++)
			b[at++] = str[k] >= 32 && str[k] < 127 ? str[k] : '?';
		at = put_s(b, at, sizeof b - 1, "\"");
	}
	b[at++] = '\n';
	sc3(SYS_write, LOG_FD, b, at);
}

long do_call(long nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	struct call_rec *c = &wstate.ring[wstate.progress % RING];
	c->nr = nr;
	c->a[0] = a0, c->a[1] = a1, c->a[2] = a2, c->a[3] = a3, c->a[4] = a4, c->a[5] = a5;
	c->ret = -4095;
	wstate.progress++;
	if (w_verbose)
		log_call(c);
	long r = sc6(nr, (long)a0, (long)a1, (long)a2, (long)a3, (long)a4, (long)a5);
	c->ret = r;
	if (nr >= 0 && nr < 512) {
		wstate.count[nr]++;
		wstate.ok[nr] += r >= 0 || r < -4095;
	}
	return r;
}

void h_alarm(int sig) { (void)sig; }

/* Our own SIGALRM handler (the driver's poke) and an unblocked SIGALRM. */
void restore_alarm(void)
{
	struct k_sigaction {
		uint64_t handler, flags, restorer, mask;
	} sa = {(uint64_t)(uintptr_t)h_alarm, 0x04000000, (uint64_t)(uintptr_t)fuzz_restorer, 0};
	sc4(SYS_rt_sigaction, SIGALRM, &sa, 0, 8);
	uint64_t m = 1ULL << (SIGALRM - 1);
	sc4(SYS_rt_sigprocmask, SIG_UNBLOCK, &m, 0, 8);
}

/* The arena mapped read-write again, the guard page unmapped. */
void restore_arena(void)
{
	sc6(SYS_mmap, ARENA, ARENA_SIZE, 3, 0x32 /* PRIVATE|ANON|FIXED */, -1, 0);
	sc2(SYS_munmap, GUARD, 4096);
}

/* Signal handlers fuzzed processes install. */
void h_ret(int sig) { (void)sig; }
void h_fault(int sig)
{
	(void)sig;
	__asm__ volatile("movl $1, 8" ::: "memory"); /* a store to page 0 */
}
void h_ud2(int sig)
{
	(void)sig;
	__asm__ volatile("ud2");
}
void h_int3(int sig)
{
	(void)sig;
	__asm__ volatile("int3");
}
/* Edits the interrupted context: past a ud2, TF off, or to the exit stub. */
void h_fixup(int sig, siginfo_t *si, void *ucp)
{
	(void)si;
	ucontext_t *uc = ucp;
	if (sig == SIGILL)
		uc->uc_mcontext.gregs[REG_RIP] += 2;
	else if (sig == SIGTRAP)
		uc->uc_mcontext.gregs[REG_EFL] &= ~0x100L;
	else if (sig == SIGSEGV || sig == SIGBUS)
		uc->uc_mcontext.gregs[REG_RIP] = (long)(uintptr_t)fuzz_exit_stub;
	else if (rng & 1)
		uc->uc_mcontext.gregs[REG_EFL] |= 0x100L; /* single-step what follows */
}
void h_recurse(int sig)
{
	static int depth;
	if (depth++ < 3)
		sc2(SYS_kill, sc0(SYS_getpid), sig);
	depth--;
}
void h_sigreturn(int sig)
{
	(void)sig;
	fuzz_sigreturn_at(ARENA + 2048);
}

uint64_t pick_handler(void)
{
	static void *const hs[] = {(void *)h_ret,       (void *)h_fault, (void *)h_ud2,
	                           (void *)h_int3,      (void *)h_fixup, (void *)h_recurse,
	                           (void *)h_sigreturn, (void *)h_fixup, (void *)h_ret};
	switch (rn(6)) {
	case 0: return 0; /* SIG_DFL */
	case 1: return 1; /* SIG_IGN */
	case 2: return bad_ptr();
	case 3: return ARENA; /* not executable */
	default: return (uint64_t)(uintptr_t)hs[rn(sizeof hs / sizeof hs[0])];
	}
}

uint64_t arg_sigaction(void)
{
	if (chance(10))
		return arg_ptr(32);
	uint64_t *sa = (uint64_t *)(uintptr_t)(ARENA + 256 + 32 * rn(8));
	static const uint64_t fl[] = {
	    4 /* SIGINFO */,          0x08000000 /* ONSTACK */,   0x10000000 /* RESTART */,
	    0x40000000 /* NODEFER */, 0x80000000 /* RESETHAND */, 1 /* NOCLDSTOP */};
	sa[0] = pick_handler();
	sa[1] = chance(85) ? 0x04000000 : 0; /* SA_RESTORER */
	for (int i = (int)rn(3); i > 0; i--)
		sa[1] |= fl[rn(sizeof fl / sizeof fl[0])];
	if (chance(5))
		sa[1] = rnd();
	sa[2] = chance(85) ? (uint64_t)(uintptr_t)fuzz_restorer : bad_ptr();
	sa[3] = chance(70) ? 0 : rnd();
	return (uint64_t)(uintptr_t)sa;
}

/* An iovec array in the arena, entries pointing anywhere. */
uint64_t arg_iovec(int n)
{
	uint64_t *v = (uint64_t *)(uintptr_t)(ARENA + 4096 + 16 * rn(32));
	for (int i = 0; i < n && i < 32; i++) {
		uint64_t len = chance(70) ? rn(200) : arg_len();
		v[2 * i] = arg_ptr(len);
		v[2 * i + 1] = len;
	}
	return chance(90) ? (uint64_t)(uintptr_t)v : arg_ptr(16);
}

/* ------------------------------------------------------------------------ */
/* proc: operations on ourselves and siblings.                              */
/* ------------------------------------------------------------------------ */

void proc_op(void)
{
	char *path = arena + ARENA_SIZE / 2 + 3072;
	long pid = pick_proc_pid();
	size_t at = put_s(path, 0, 512, "proc:");
	at = put_d(path, at, 512, pid);
	switch (rn(12)) {
	case 0:
	case 1:
	case 2: { /* open trace with random flags */
		put_s(path, at, 512, "/trace");
		uint64_t fl = (chance(80) ? O_RDWR : rn(4)) | (chance(30) ? O_TRUNC : 0) |
		              (chance(15) ? O_EXCL : 0) | (chance(50) ? O_NONBLOCK : 0) |
		              (chance(5) ? rnd() & 0xfffff : 0);
		long fd = do_call(SYS_open, (uint64_t)(uintptr_t)path, fl, 0, 0, 0, 0);
		note_fd(fd, 1);
		break;
	}
	case 3:
	case 4: { /* request flags */
		if (!ntrace)
			return;
		uint64_t *fl = (uint64_t *)(uintptr_t)(ARENA + 512);
		fl[0] = chance(85)
		            ? rnd() & (PTRACE_STOP_MASK | PTRACE_EVENT_CLONE | PTRACE_FLAG_IGNORE)
		            : rnd();
		if (chance(20))
			fl[0] = 0;
		long fd = trace_fds[rn(ntrace)];
		do_call(SYS_write, fd, chance(90) ? (uint64_t)(uintptr_t)fl : arg_ptr(8),
		        chance(90) ? 8 : arg_len(), 0, 0, 0);
		break;
	}
	case 5:
	case 6: { /* event reads and polls */
		if (!ntrace)
			return;
		long fd = trace_fds[rn(ntrace)];
		if (chance(70)) {
			do_call(SYS_read, fd, arg_ptr(64),
			        chance(80) ? 64 * (1 + rn(3)) : arg_len(), 0, 0, 0);
		} else {
			int32_t *pfd = (int32_t *)(uintptr_t)(ARENA + 600);
			pfd[0] = (int32_t)fd;
			pfd[1] = POLLIN | POLLHUP;
			do_call(SYS_poll, (uint64_t)(uintptr_t)pfd, 1, rn(30), 0, 0, 0);
		}
		break;
	}
	case 7:
	case 8: { /* registers: read, mutate, write back */
		int fl = chance(50);
		put_s(path, at, 512, fl ? "/regs/float" : "/regs/int");
		long fd = do_call(SYS_open, (uint64_t)(uintptr_t)path, chance(80) ? O_RDWR : 0, 0,
		                  0, 0, 0);
		if (fd < 0)
			return;
		size_t sz = fl ? sizeof(struct user_fpregs) : sizeof(struct user_regs);
		uint64_t *img = (uint64_t *)(uintptr_t)(ARENA + 8192);
		do_call(SYS_pread64, fd, (uint64_t)(uintptr_t)img, sz, 0, 0, 0);
		for (int i = (int)rn(4); i >= 0; i--) {
			size_t w = rn(sz / 8);
			switch (rn(4)) {
			case 0: img[w] = rnd(); break;
			case 1: img[w] ^= 1ULL << rn(64); break;
			case 2: img[w] = bad_ptr(); break;
			default: img[w] = arg_int(); break;
			}
		}
		do_call(SYS_pwrite64, fd, chance(95) ? (uint64_t)(uintptr_t)img : arg_ptr(sz),
		        chance(90) ? sz : arg_len(), chance(90) ? 0 : arg_int(), 0, 0);
		do_call(SYS_close, fd, 0, 0, 0, 0, 0);
		break;
	}
	case 9: { /* mem: read or write at interesting addresses */
		put_s(path, at, 512, "/mem");
		long fd = do_call(SYS_open, (uint64_t)(uintptr_t)path, chance(60) ? O_RDWR : 0, 0,
		                  0, 0, 0);
		if (fd < 0)
			return;
		uint64_t off;
		switch (rn(5)) {
		case 0: off = (uint64_t)(uintptr_t)&wstate; break;
		case 1: off = ARENA + rn(ARENA_SIZE); break;
		case 2: off = (uint64_t)(uintptr_t)&fuzz_restorer; break;
		case 3: off = GUARD - rn(100); break;
		default: off = bad_ptr(); break;
		}
		uint64_t len = chance(80) ? rn(5000) : arg_len();
		long nr = chance(50) ? SYS_pread64 : SYS_pwrite64;
		do_call(nr, fd, nr == SYS_pwrite64 ? random_blob(64) : arg_ptr(len), len, off, 0,
		        0);
		if (chance(70))
			do_call(SYS_close, fd, 0, 0, 0, 0, 0);
		else
			note_fd(fd, 0);
		break;
	}
	case 10: { /* sysfilter */
		put_s(path, at, 512, "/sysfilter");
		long fd = do_call(SYS_open, (uint64_t)(uintptr_t)path, chance(70) ? O_RDWR : 0, 0,
		                  0, 0, 0);
		if (fd < 0)
			return;
		if (chance(50))
			do_call(SYS_read, fd, arg_ptr(64), chance(80) ? 64 : arg_len(), 0, 0, 0);
		else
			do_call(SYS_pwrite64, fd, random_blob(64), chance(80) ? 64 : arg_len(),
			        chance(90) ? 0 : arg_int(), 0, 0);
		do_call(SYS_close, fd, 0, 0, 0, 0, 0);
		break;
	}
	default: { /* kill a tracer or tracee (a sibling) at a random moment */
		long t = safe_target(pick_pid());
		do_call(SYS_kill, t, chance(50) ? SIGKILL : pick_signal(), 0, 0, 0, 0);
		break;
	}
	}
}
