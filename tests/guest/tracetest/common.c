/* tracetest: the helpers its areas share (see tracetest.h). */
#define _GNU_SOURCE
#include "tracetest.h"

/* ------------------------------------------------------------------------ */
/* Assembly routines with known instruction addresses.                      */
/* ------------------------------------------------------------------------ */
/* tt_step_seq: a breakpoint, then five instructions to single-step.
 * tt_sys_step: a breakpoint, then nop, mov, syscall (getpid), nop, ret.
 * tt_bp_func: returns its argument + 1 (the breakpoint target).
 * tt_int3_ret: an int3 and a return.  tt_read_rflags: the flags register.
 * tt_set_tf: sets TF itself (the next instruction traps), then returns. */
__asm__(".text\n"
        ".globl tt_step_seq, tt_step_seq_1, tt_step_seq_2, tt_step_seq_3, tt_step_seq_4\n"
        ".globl tt_step_seq_5\n"
        "tt_step_seq:\n"
        "  int3\n"
        "tt_step_seq_1: nop\n"
        "tt_step_seq_2: mov $7, %ecx\n"
        "tt_step_seq_3: add %ecx, %ecx\n"
        "tt_step_seq_4: xor %edx, %edx\n"
        "tt_step_seq_5: ret\n"
        ".globl tt_sys_step, tt_sys_step_1, tt_sys_step_2, tt_sys_step_3, tt_sys_step_4\n"
        ".globl tt_sys_step_5\n"
        "tt_sys_step:\n"
        "  int3\n"
        "tt_sys_step_1: nop\n"
        "tt_sys_step_2: mov $39, %eax\n"
        "tt_sys_step_3: syscall\n"
        "tt_sys_step_4: nop\n"
        "tt_sys_step_5: ret\n"
        ".globl tt_bp_func, tt_bp_func_1\n"
        "tt_bp_func:\n"
        "  lea 1(%rdi), %rax\n"
        "tt_bp_func_1: ret\n"
        ".globl tt_int3_ret\n"
        "tt_int3_ret:\n"
        "  int3\n"
        "  ret\n"
        ".globl tt_read_rflags\n"
        "tt_read_rflags:\n"
        "  pushfq\n"
        "  pop %rax\n"
        "  ret\n"
        ".globl tt_set_tf\n"
        "tt_set_tf:\n"
        "  pushfq\n"
        "  orq $0x100, (%rsp)\n"
        "  popfq\n"
        "  nop\n"
        "  nop\n"
        "  ret\n");

long call_bp_func(long x) { return ((long (*)(long))(void *)tt_bp_func)(x); }

void call_void(char *fn) { ((void (*)(void))(void *)fn)(); }

uint64_t read_rflags(void) { return ((uint64_t(*)(void))(void *)tt_read_rflags)(); }

volatile unsigned long spin_counter;

volatile int got_signal;

int marker_fd = -1;

void body_nothing(long arg, int out) { (void)arg, (void)out; }

void body_exit_code(long code, int out) { (void)out, _exit((int)code); }

void body_getpid(long arg, int out) { (void)arg, report(out, syscall(SYS_getpid)); }

void body_spin(long arg, int out)
{
	(void)arg, (void)out;
	for (;;)
		spin_counter++;
}

void body_getpid_getppid(long arg, int out)
{
	(void)arg;
	long a = syscall(SYS_getpid), b = syscall(SYS_getppid);
	report(out, a);
	report(out, b);
}

void body_six_args(long arg, int out)
{
	(void)arg;
	report(out, syscall(SYS_getpid, ARG1, ARG2, ARG3, ARG4, ARG5, ARG6));
}

void body_close_bad(long arg, int out)
{
	(void)arg;
	long r = syscall(SYS_close, -1L);
	report(out, r < 0 ? -errno : r);
}

void body_write_hello(long arg, int out) { (void)arg, report(out, write(1, "hello", 5)); }

void body_write_marker(long arg, int out)
{
	(void)arg;
	report(out, syscall(SYS_write, out, "X", 1));
}

void usr1_handler(int sig)
{
	(void)sig;
	got_signal = 1;
	if (marker_fd >= 0)
		write(marker_fd, "HANDLER!", 8);
}

void body_kill_self(long disp, int out)
{
	signal(SIGUSR1, disp == 0 ? SIG_DFL : disp == 1 ? SIG_IGN : usr1_handler);
	syscall(SYS_kill, syscall(SYS_getpid), SIGUSR1);
	report(out, got_signal);
}

void body_kill_self_marker(long arg, int out)
{
	(void)arg;
	marker_fd = out;
	signal(SIGUSR1, usr1_handler);
	syscall(SYS_kill, syscall(SYS_getpid), SIGUSR1);
	report(out, got_signal);
}

void body_exec_true(long arg, int out)
{
	(void)arg, (void)out;
	char *argv[] = {"/bin/true", NULL};
	execve("/bin/true", argv, environ);
	_exit(127);
}

void body_call_bp(long times, int out)
{
	long x = 0;
	for (long i = 0; i < times; i++)
		x = call_bp_func(x);
	report(out, x);
}

void body_step_seq(long arg, int out) { (void)arg, call_void(tt_step_seq), report(out, 1); }

void body_int3(long arg, int out) { (void)arg, call_void(tt_int3_ret), report(out, 1); }

void body_sys_step_then_flags(long arg, int out)
{
	(void)arg;
	call_void(tt_sys_step);
	uint64_t fl = read_rflags();
	syscall(SYS_getppid);
	report(out, (long)fl);
}

void trap_handler(int sig, siginfo_t *si, void *ucv)
{
	(void)sig, (void)si;
	ucontext_t *uc = ucv;
	uc->uc_mcontext.gregs[REG_EFL] &= ~(long)FL_TF;
	got_signal++;
}

void body_set_tf(long arg, int out)
{
	(void)arg;
	struct sigaction sa = {0};
	sa.sa_sigaction = trap_handler;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGTRAP, &sa, NULL);
	call_void(tt_set_tf);
	report(out, got_signal);
}

void body_clone_raw(long arg, int out)
{
	(void)arg;
	long c = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
	if (c == 0)
		_exit(0);
	int st;
	waitpid((pid_t)c, &st, 0);
	report(out, c);
}

void body_fork_report(long arg, int out)
{
	(void)arg;
	pid_t c = fork();
	if (c == 0) {
		report(out, 1000);
		_exit(4);
	}
	int st = 0;
	waitpid(c, &st, 0);
	report(out, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

int fork_chain(int depth)
{
	if (depth == 0)
		return 0;
	pid_t c = fork();
	if (c == 0)
		_exit(fork_chain(depth - 1));
	int st = 0;
	if (c < 0 || waitpid(c, &st, 0) != c || !WIFEXITED(st))
		return 99;
	return WEXITSTATUS(st) + 1;
}

void body_fork_chain(long depth, int out) { (void)out, _exit(fork_chain((int)depth)); }

unsigned long spin_count(pid_t pid)
{
	unsigned long v = 0;
	CHECK(mem_read(pid, U64(&spin_counter), &v, sizeof v) == (long)sizeof v);
	return v;
}

void wait_spinning(pid_t pid, unsigned long from)
{
	long deadline = now_ns() + 5000000000L;
	while (spin_count(pid) == from) {
		if (now_ns() > deadline)
			FAILF("pid %d does not run (counter stays %lu)", (int)pid, from);
		sleep_ms(1);
	}
}

void check_not_spinning(pid_t pid)
{
	unsigned long a = spin_count(pid);
	sleep_ms(40);
	unsigned long b = spin_count(pid);
	if (a != b)
		FAILF("pid %d ran while it should be stopped (%lu -> %lu)", (int)pid, a, b);
}

void body_many_getpid(long n, int out)
{
	long last = 0;
	for (long i = 0; i < n; i++)
		last = syscall(SYS_getpid);
	report(out, last);
}

unsigned char mem_area[3 * PAGE] __attribute__((aligned(4096)));
