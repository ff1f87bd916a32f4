/* hardening: regression tests for what an attacker or a fuzzer found
 * (issue 8): stores into another process's memory, signal permissions,
 * buffers checked before a call blocks, user-chosen rip/rsp, loader and
 * vfork stalls, and kernel copies that honour page protections. Each test
 * names the hole it closes; each runs in its own child under the shared
 * runner (user/lib/testrun.h). Usage: hardening [-l] [NAME...]. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"

#define CLONE_VFORK 0x4000
#define CLONE_SETTLS 0x80000
#define CLONE_PARENT_SETTID 0x100000
#define CLONE_CHILD_CLEARTID 0x200000
#define CLONE_CHILD_SETTID 0x1000000
#define ARCH_GET_FS 0x1003
#define SA_RESTORER 0x04000000
#define STALL_MS 60 /* a few 10 ms ticks: the bugs these catch stalled for seconds */

/* Run fn in a forked child; return its wait status (bounded). */
static int in_child(void (*fn)(void))
{
	int pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		fn();
		_exit(0);
	}
	return wait_within(pid, 8, "the child's work");
}

/* ------------------------------------------------------------------------ */
/* Stores into another process's memory (clone's tid stores).               */
/* ------------------------------------------------------------------------ */

static volatile int32_t ctid_var;

/* The reported hole: after a CLONE_VFORK child exited, clone's
 * CLONE_CHILD_SETTID store walked the dead child's (freed) page tables; with
 * user pages sprayed with page-table-shaped words, the walk could reach any
 * physical address and store a pid there (the attack set euid to 0). Now the
 * store is made before the child runs, into the child's own copy only. */
static void clone_vfork_child_settid_after_child_exit(void)
{
	become(1000, 1000);
	size_t spray = 4 << 20;
	uint64_t *m = mmap(NULL, spray, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED);
	for (size_t i = 0; i < spray / 8; i++)
		m[i] = ((i % 4096) << 12) | 0x67; /* present, writable, user */
	for (int round = 0; round < 100; round++) {
		ctid_var = 0;
		long pid =
		    raw5(SYS_clone, CLONE_VFORK | CLONE_CHILD_SETTID | SIGCHLD, 0, 0, &ctid_var, 0);
		if (pid == 0)
			raw_exit(ctid_var == (int32_t)raw0(SYS_getpid) ? 0 : 9);
		CHECK(pid > 0);
		CHECK_EQ(ctid_var, 0); /* the parent's copy is not the child's */
		CHECK_EXITED(wait_for((int)pid), 0);
		CHECK(geteuid() == 1000 && getuid() == 1000);
	}
}

/* CLONE_CHILD_SETTID into a page the child may not write: ignored, as on
 * Linux, and nothing is written through the kernel's own mappings. */
static void clone_child_settid_readonly_page_ignored(void)
{
	int32_t *ro = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(ro != MAP_FAILED);
	*ro = 77;
	CHECK(mprotect(ro, PAGE, PROT_READ) == 0);
	long pid = raw5(SYS_clone, CLONE_CHILD_SETTID | SIGCHLD, 0, 0, ro, 0);
	if (pid == 0)
		raw_exit(*ro == 77 ? 0 : 9);
	CHECK(pid > 0);
	CHECK_EXITED(wait_for((int)pid), 0);
	pid = raw5(SYS_clone, CLONE_CHILD_SETTID | CLONE_VFORK | SIGCHLD, 0, 0, KERNEL_ADDR, 0);
	if (pid == 0)
		raw_exit(0);
	CHECK(pid > 0);
	CHECK_EXITED(wait_for((int)pid), 0);
}

/* A TLS base outside user space is refused (EPERM, as Linux), no child. */
static void clone_settls_kernel_address_eperm(void)
{
	long procs = sys_value("procs");
	CHECK_EQ(raw5(SYS_clone, CLONE_SETTLS | SIGCHLD, 0, 0, 0, KERNEL_ADDR), -EPERM);
	CHECK_EQ(raw5(SYS_clone, CLONE_SETTLS | SIGCHLD, 0, 0, 0, NONCANONICAL), -EPERM);
	CHECK_EQ(raw5(SYS_clone, CLONE_SETTLS | CLONE_VFORK | SIGCHLD, 0, 0, 0, USER_TOP), -EPERM);
	CHECK(sys_value("procs") == procs);
	CHECK(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD);
}

/* CLONE_SETTLS takes effect in the child before it runs. */
static void clone_settls_sets_child_fs_base(void)
{
	uint64_t want = 0x12345000;
	long pid = raw5(SYS_clone, CLONE_SETTLS | SIGCHLD, 0, 0, 0, want);
	if (pid == 0) {
		uint64_t fs = 0;
		raw2(SYS_arch_prctl, ARCH_GET_FS, &fs);
		raw_exit(fs == want ? 0 : 9);
	}
	CHECK(pid > 0);
	CHECK_EXITED(wait_for((int)pid), 0);
}

/* A bad CLONE_PARENT_SETTID pointer does not fail the clone (Linux ignores
 * the store's failure), and a good one gets the pid. */
static void clone_parent_settid_stores(void)
{
	int32_t ptid = 0;
	long pid = raw5(SYS_clone, CLONE_PARENT_SETTID | SIGCHLD, 0, &ptid, 0, 0);
	if (pid == 0)
		raw_exit(0);
	CHECK(pid > 0 && ptid == pid);
	CHECK_EXITED(wait_for((int)pid), 0);
	pid = raw5(SYS_clone, CLONE_PARENT_SETTID | SIGCHLD, 0, KERNEL_ADDR, 0, 0);
	if (pid == 0)
		raw_exit(0);
	CHECK(pid > 0);
	CHECK_EXITED(wait_for((int)pid), 0);
}

/* A child stack outside user space: EINVAL, no child (a stack pointer the
 * return to user mode would have to load is a user-chosen register). */
static void clone_kernel_stack_einval(void)
{
	CHECK_EQ(raw5(SYS_clone, SIGCHLD, KERNEL_ADDR, 0, 0, 0), -EINVAL);
	CHECK_EQ(raw5(SYS_clone, SIGCHLD, NONCANONICAL, 0, 0, 0), -EINVAL);
	CHECK(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD);
}

/* The same stores for a vfork child that execs at once: they happened
 * before it ran, so nothing reaches the new image; the parent returns. */
static void clone_vfork_tls_cleartid_child_execs(void)
{
	static int32_t tid;
	char *argv[] = {"/bin/true", NULL}, *envp[] = {NULL};
	for (int i = 0; i < 20; i++) {
		long pid = raw5(SYS_clone,
		                CLONE_VFORK | CLONE_SETTLS | CLONE_CHILD_SETTID |
		                    CLONE_CHILD_CLEARTID | SIGCHLD,
		                0, 0, &tid, 0x10000);
		if (pid == 0) {
			raw3(SYS_execve, argv[0], argv, envp);
			raw_exit(99);
		}
		CHECK(pid > 0);
		CHECK_EXITED(wait_for((int)pid), 0);
	}
}

/* ------------------------------------------------------------------------ */
/* Signals need permission.                                                 */
/* ------------------------------------------------------------------------ */

static int victim;

static void try_kill_other_uid(void)
{
	become(1000, 1000);
	CHECK_ERR(kill(victim, SIGTERM), EPERM);
	CHECK_ERR(kill(victim, 0), EPERM);
	CHECK_ERR(syscall(SYS_tkill, victim, SIGTERM), EPERM);
	CHECK_ERR(syscall(SYS_tgkill, victim, victim, SIGTERM), EPERM);
	CHECK_ERR(kill(1, SIGTERM), EPERM); /* init is root's */
}

/* Before: any process could signal any other (kill a root daemon, stop a
 * debugger). Linux's rule: real or effective uid = target's real or saved. */
static void kill_other_uid_eperm(void)
{
	victim = spawn_sleeper_as(2000, 2000);
	CHECK_EXITED(in_child(try_kill_other_uid), 0);
	CHECK(proc_state(victim) == 'S');
	CHECK(waitpid(victim, NULL, WNOHANG) == 0);
	kill(victim, SIGKILL);
	CHECK_KILLED_BY(wait_for(victim), SIGKILL);
}

static void try_kill_same_uid(void)
{
	become(2000, 2000);
	CHECK(kill(victim, 0) == 0);
	CHECK(syscall(SYS_tgkill, victim, victim, SIGTERM) == 0);
}

static void kill_same_uid_allowed(void)
{
	victim = spawn_sleeper_as(2000, 2000);
	CHECK_EXITED(in_child(try_kill_same_uid), 0);
	CHECK_KILLED_BY(wait_for(victim), SIGTERM);
}

static int group_a, group_b;

static void try_kill_groups(void)
{
	become(1000, 1000);
	CHECK(kill(-group_a, SIGTERM) == 0);       /* one of two may be signalled */
	CHECK_ERR(kill(-group_b, SIGTERM), EPERM); /* none may */
}

/* kill of a process group signals the members the sender may signal and
 * skips the rest; EPERM when it may signal none of them. */
static void kill_group_skips_other_uids(void)
{
	int own = spawn_sleeper_as(1000, 1000), other = spawn_sleeper_as(2000, 2000);
	int lone = spawn_sleeper_as(2000, 2000);
	CHECK(setpgid(own, own) == 0 && setpgid(other, own) == 0 && setpgid(lone, lone) == 0);
	group_a = own;
	group_b = lone;
	CHECK_EXITED(in_child(try_kill_groups), 0);
	CHECK_KILLED_BY(wait_for(own), SIGTERM);
	CHECK(waitpid(other, NULL, WNOHANG) == 0 && waitpid(lone, NULL, WNOHANG) == 0);
	kill(other, SIGKILL);
	kill(lone, SIGKILL);
	wait_for(other);
	wait_for(lone);
}

static void try_kill_all_as_3000(void)
{
	become(3000, 3000);
	CHECK(kill(-1, SIGTERM) == 0);
}

static void try_kill_all_as_4000(void)
{
	become(4000, 4000);
	CHECK_ERR(kill(-1, SIGTERM), EPERM);
}

/* kill(-1) from a non-root process reaches only what it may signal. */
static void kill_minus_one_nonroot(void)
{
	int own = spawn_sleeper_as(3000, 3000), other = spawn_sleeper_as(2000, 2000);
	CHECK_EXITED(in_child(try_kill_all_as_3000), 0);
	CHECK_KILLED_BY(wait_for(own), SIGTERM);
	CHECK(waitpid(other, NULL, WNOHANG) == 0);
	CHECK_EXITED(in_child(try_kill_all_as_4000), 0);
	CHECK(waitpid(other, NULL, WNOHANG) == 0);
	kill(other, SIGKILL);
	wait_for(other);
}

/* pid 1 gets only the signals it has handlers for, even from root. */
static void kill_init_only_handled_signals(void)
{
	CHECK(kill(1, SIGTERM) == 0);
	CHECK(kill(1, SIGKILL) == 0);
	CHECK(kill(1, SIGSTOP) == 0);
	sleep_ms(20);
	CHECK(kill(1, 0) == 0);
	char st = proc_state(1);
	CHECK(st == 'R' || st == 'S');
}

/* ------------------------------------------------------------------------ */
/* A bad buffer fails at once, before the call would block.                  */
/* ------------------------------------------------------------------------ */

static const uint64_t bad_bufs[] = {KERNEL_ADDR, USER_TOP - 8, NONCANONICAL};

/* Each call must fail with EFAULT within 500 ms (it would block forever). */
#define EFAULT_AT_ONCE(call)                                                                       \
	do {                                                                                       \
		long t0_ = now_ms();                                                               \
		CHECK_ERR(call, EFAULT);                                                           \
		CHECK(now_ms() - t0_ < 500);                                                       \
	} while (0)

/* Before: a read into a kernel address blocked on the empty pipe first. */
static void read_bad_buffer_efault_before_blocking(void)
{
	int p[2];
	CHECK(pipe(p) == 0);
	char ok[8];
	for (size_t i = 0; i < sizeof bad_bufs / sizeof bad_bufs[0]; i++)
		EFAULT_AT_ONCE(read(p[0], (void *)bad_bufs[i], 64));
	EFAULT_AT_ONCE(read(p[0], ok, (size_t)-1 - 16));  /* the length wraps */
	EFAULT_AT_ONCE(read(p[0], ok, USER_TOP));         /* runs past the top */
	EFAULT_AT_ONCE(read(0, (void *)KERNEL_ADDR, 16)); /* the console */
}

static void readv_bad_iovec_efault_before_blocking(void)
{
	int p[2];
	CHECK(pipe(p) == 0);
	char ok[8];
	struct iovec v[2] = {{ok, sizeof ok}, {(void *)KERNEL_ADDR, 8}};
	EFAULT_AT_ONCE(readv(p[0], v, 2)); /* the second is bad: nothing is read */
	EFAULT_AT_ONCE(readv(p[0], (struct iovec *)KERNEL_ADDR, 1));
	CHECK(write(p[1], "x", 1) == 1);
	CHECK(read(p[0], ok, 1) == 1); /* the byte was still there */
}

static void write_bad_buffer_full_pipe_efault_at_once(void)
{
	int p[2];
	CHECK(pipe2(p, O_NONBLOCK) == 0);
	char junk[512] = {0};
	while (write(p[1], junk, sizeof junk) > 0)
		;
	CHECK(fcntl(p[1], F_SETFL, 0) == 0); /* blocking again, and full */
	for (size_t i = 0; i < sizeof bad_bufs / sizeof bad_bufs[0]; i++)
		EFAULT_AT_ONCE(write(p[1], (void *)bad_bufs[i], 64));
	struct iovec v = {(void *)KERNEL_ADDR, 8};
	EFAULT_AT_ONCE(writev(p[1], &v, 1));
}

static void park(long arg)
{
	(void)arg;
	pause();
}

static void trace_read_bad_buffer_efault_at_once(void)
{
	struct gated g = gated_spawn(park, 0);
	int t = trace_attach(g.pid, 0);
	EFAULT_AT_ONCE(read(t, (void *)KERNEL_ADDR, sizeof(struct ptrace_event)));
	kill(g.pid, SIGKILL);
	close(t);
	wait_for(g.pid);
}

static void poll_select_bad_sets_efault_at_once(void)
{
	int p[2];
	CHECK(pipe(p) == 0);
	EFAULT_AT_ONCE(poll((struct pollfd *)KERNEL_ADDR, 1, 5000));
	EFAULT_AT_ONCE(select(p[0] + 1, (fd_set *)KERNEL_ADDR, NULL, NULL, NULL));
	struct timeval tv = {5, 0};
	fd_set r;
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	EFAULT_AT_ONCE(select(p[0] + 1, &r, (fd_set *)(USER_TOP - 4), NULL, &tv));
}

static void wait4_bad_status_efault_at_once(void)
{
	int pid = spawn_sleeper_as(0, 0);
	EFAULT_AT_ONCE(wait4(pid, (int *)KERNEL_ADDR, 0, NULL));
	EFAULT_AT_ONCE(wait4(pid, NULL, 0, (struct rusage *)KERNEL_ADDR));
	kill(pid, SIGKILL);
	CHECK_KILLED_BY(wait_for(pid), SIGKILL); /* still there to reap */
}

static void nanosleep_bad_remainder_efault_at_once(void)
{
	struct timespec ts = {5, 0};
	EFAULT_AT_ONCE(nanosleep(&ts, (struct timespec *)KERNEL_ADDR));
	EFAULT_AT_ONCE(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &ts, KERNEL_ADDR));
}

/* ------------------------------------------------------------------------ */
/* Every user-chosen rip and rsp goes through the one check. QEMU's TCG does */
/* not raise the #GP a non-canonical iretq would on hardware, so these tests */
/* prove the check happened before the return: the process's fate.          */
/* ------------------------------------------------------------------------ */

struct k_sigaction {
	uint64_t handler, flags, restorer, mask;
};

extern char hd_restorer[];
__asm__(".text\nhd_restorer: mov $15, %eax\n syscall\n");

static uint64_t bad_handler;

static void segv_exits_7(int sig)
{
	(void)sig;
	raw_exit(7);
}

/* A SIGSEGV handler that exits 7: a process whose bad handler address was
 * loaded and faulted in user mode would run it; one refused at delivery is
 * killed by SIGSEGV without running any handler (Linux's force_sigsegv). */
static void catch_segv_with_exit_7(void)
{
	struct k_sigaction sa = {(uint64_t)segv_exits_7, SA_RESTORER, (uint64_t)hd_restorer, 0};
	CHECK(raw4(SYS_rt_sigaction, SIGSEGV, &sa, 0, 8) == 0);
}

static void raise_with_bad_handler(void)
{
	catch_segv_with_exit_7();
	struct k_sigaction sa = {bad_handler, SA_RESTORER, (uint64_t)hd_restorer, 0};
	CHECK(raw4(SYS_rt_sigaction, SIGUSR1, &sa, 0, 8) == 0);
	raw2(SYS_kill, raw0(SYS_getpid), SIGUSR1);
	raw_exit(9); /* never: the delivery kills */
}

/* Before: the handler address went into the frame unchecked. */
static void signal_handler_outside_user_space_segv(void)
{
	const uint64_t bad[] = {KERNEL_ADDR, USER_TOP, NONCANONICAL, 0x8000000000000000UL};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		bad_handler = bad[i];
		CHECK_KILLED_BY(in_child(raise_with_bad_handler), SIGSEGV);
	}
}

static void handler_ok(int sig) { (void)sig; }

static void raise_with_bad_restorer(void)
{
	catch_segv_with_exit_7();
	struct k_sigaction sa = {(uint64_t)handler_ok, SA_RESTORER, KERNEL_ADDR, 0};
	CHECK(raw4(SYS_rt_sigaction, SIGUSR1, &sa, 0, 8) == 0);
	raw2(SYS_kill, raw0(SYS_getpid), SIGUSR1);
	raw_exit(9);
}

static void signal_restorer_outside_user_space_segv(void)
{
	CHECK_KILLED_BY(in_child(raise_with_bad_restorer), SIGSEGV);
}

/* A minimal static ELF: one code segment at 0x401000 whose code exits 42,
 * plus extra PT_LOAD segments chosen by the test. */
#define CODE_VA 0x401000UL
static const unsigned char exit42[] = {0xb8, 0x3c, 0, 0, 0, 0xbf, 0x2a, 0, 0, 0, 0x0f, 0x05};

/* Write the ELF to path: the code segment first, then n extra segments. */
static void write_elf(const char *path, uint64_t entry, const struct elf_phdr *extra, int n)
{
	static unsigned char img[PAGE + sizeof exit42];
	memset(img, 0, sizeof img);
	struct elf_hdr *h = (void *)img;
	struct elf_phdr *ph = (void *)(img + sizeof *h);
	memcpy(h->ident, "\177ELF\2\1\1", 7);
	h->type = 2;
	h->machine = 62;
	h->version = 1;
	h->entry = entry;
	h->phoff = sizeof *h;
	h->ehsize = sizeof *h;
	h->phentsize = sizeof *ph;
	h->phnum = (uint16_t)(n + 1);
	ph[0] = (struct elf_phdr){1, 5, PAGE, CODE_VA, CODE_VA, sizeof exit42, sizeof exit42, PAGE};
	if (n)
		memcpy(ph + 1, extra, (size_t)n * sizeof *ph);
	memcpy(img + PAGE, exit42, sizeof exit42);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	CHECK(fd >= 0);
	CHECK(write(fd, img, sizeof img) == (ssize_t)sizeof img);
	close(fd);
}

/* execve path in a child: its exit status (100 + errno if execve failed),
 * and how long the call took in *ms. */
static int exec_status(const char *path, long *ms)
{
	long t0 = now_ms();
	int pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		char *argv[] = {(char *)path, NULL}, *envp[] = {NULL};
		execve(path, argv, envp);
		_exit(100 + errno);
	}
	int st = wait_within(pid, 8, "execve");
	if (ms)
		*ms = now_ms() - t0;
	return st;
}

static void exec_entry_outside_user_space_enoexec(void)
{
	write_elf("/tmp/hd_ok", CODE_VA, 0, 0);
	CHECK_EXITED(exec_status("/tmp/hd_ok", 0), 42); /* the image itself is good */
	const uint64_t bad[] = {KERNEL_ADDR, USER_TOP, NONCANONICAL, 0xfffffffffffff000UL};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		write_elf("/tmp/hd_entry", bad[i], 0, 0);
		CHECK_EXITED(exec_status("/tmp/hd_entry", 0), 100 + ENOEXEC);
	}
	struct elf_phdr k = {1, 6, 0, KERNEL_ADDR, KERNEL_ADDR, 0, PAGE, PAGE};
	write_elf("/tmp/hd_kseg", CODE_VA, &k, 1);
	CHECK_EXITED(exec_status("/tmp/hd_kseg", 0), 100 + ENOEXEC);
}

/* Files too short for their headers: ENOEXEC (an error path that used to
 * read an uninitialised ELF header field). */
static void exec_truncated_header_enoexec(void)
{
	write_elf("/tmp/hd_ok", CODE_VA, 0, 0);
	int in = open("/tmp/hd_ok", O_RDONLY);
	char buf[64];
	CHECK(read(in, buf, sizeof buf) == 64);
	close(in);
	for (size_t len = 0; len <= 64; len += 8) {
		int fd = open("/tmp/hd_short", O_WRONLY | O_CREAT | O_TRUNC, 0755);
		CHECK(fd >= 0 && write(fd, buf, len) == (ssize_t)len);
		close(fd);
		CHECK_EXITED(exec_status("/tmp/hd_short", 0), 100 + ENOEXEC);
	}
}

/* rt_sigreturn with a frame whose rip is outside user space: SIGSEGV. */
static void sigreturn_bad_rip_child(void)
{
	static uint64_t frame[128] __attribute__((aligned(16)));
	memset(frame, 0, sizeof frame);
	/* frame[0] would be pretcode (already popped); the ucontext follows:
	 * flags, link, ss (3 words), then sigcontext: r8..r15, rdi, rsi,
	 * rbp, rbx, rdx, rax, rcx, rsp, rip, eflags, cs/gs/fs/ss. */
	uint64_t *mc = &frame[1 + 5];
	mc[15] = (uint64_t)frame;       /* rsp */
	mc[16] = bad_handler;           /* rip */
	mc[17] = 0x202;                 /* eflags */
	mc[18] = 0x23 | (0x1bUL << 48); /* cs, ss */
	__asm__ volatile("mov %0, %%rsp\n mov $15, %%eax\n syscall" ::"r"(&frame[1]) : "memory");
	raw_exit(9);
}

static void sigreturn_rip_outside_user_space_segv(void)
{
	const uint64_t bad[] = {KERNEL_ADDR, NONCANONICAL};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		bad_handler = bad[i];
		CHECK_KILLED_BY(in_child(sigreturn_bad_rip_child), SIGSEGV);
	}
}

/* ------------------------------------------------------------------------ */
/* Stalls: no kernel path keeps others waiting for more than about a tick.  */
/* ------------------------------------------------------------------------ */

/* A sibling measuring the longest gap between two of its clock readings
 * while the test does something heavy. */
struct gapper {
	int pid, fd;
};

static struct gapper gap_start(int ms)
{
	int fd;
	int pid = fork_piped(&fd, 1);
	if (pid == 0) {
		long worst = 0, start = now_ns(), last = start;
		CHECK(write(fd, &worst, sizeof worst) == sizeof worst); /* running */
		while (last - start < ms * 1000000L) {
			long t = now_ns();
			worst = t - last > worst ? t - last : worst;
			last = t;
		}
		worst /= 1000000;
		CHECK(write(fd, &worst, sizeof worst) == sizeof worst);
		_exit(0);
	}
	long dummy;
	CHECK(read(fd, &dummy, sizeof dummy) == sizeof dummy);
	return (struct gapper){pid, fd};
}

static long gap_end(struct gapper *g)
{
	long worst = -1;
	CHECK(read(g->fd, &worst, sizeof worst) == sizeof worst);
	close(g->fd);
	CHECK_EXITED(wait_for(g->pid), 0);
	return worst;
}

/* The fuzzer's find: 64 PT_LOAD segments all covering the same 1 GiB froze
 * the machine for seconds inside execve (page walks per segment, with
 * interrupts off). Overlapping segments are now ENOEXEC, found at once. */
static void exec_overlapping_segments_no_stall(void)
{
	struct elf_phdr seg[63];
	for (int i = 0; i < 63; i++)
		seg[i] = (struct elf_phdr){1, 6, 0, 0x40000000, 0x40000000, 0, 1UL << 30, PAGE};
	write_elf("/tmp/hd_overlap", CODE_VA, seg, 63);
	struct gapper g = gap_start(300);
	long ms;
	CHECK_EXITED(exec_status("/tmp/hd_overlap", &ms), 100 + ENOEXEC);
	long worst = gap_end(&g);
	if (worst > STALL_MS || ms > 500)
		FAILF("execve took %ld ms, a sibling waited %ld ms", ms, worst);
}

/* 63 disjoint 16 MiB segments (a big but legal image) load without a
 * stall: the loader's work follows what the file maps, not page walks. */
static void exec_many_large_segments_no_stall(void)
{
	struct elf_phdr seg[63];
	for (int i = 0; i < 63; i++) {
		uint64_t va = 0x40000000UL + (uint64_t)i * (16UL << 20);
		seg[i] =
		    (struct elf_phdr){1, (uint32_t)(i % 2 ? 4 : 6), 0, va, va, 0, 16UL << 20, PAGE};
	}
	write_elf("/tmp/hd_big", CODE_VA, seg, 63);
	struct gapper g = gap_start(300);
	long ms;
	CHECK_EXITED(exec_status("/tmp/hd_big", &ms), 42);
	long worst = gap_end(&g);
	if (worst > STALL_MS)
		FAILF("a sibling waited %ld ms during a %ld ms execve", worst, ms);
}

/* fork copies touched memory with others still running between pages. */
static void fork_of_large_memory_no_stall(void)
{
	size_t len = 48 << 20;
	char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED);
	for (size_t i = 0; i < len; i += PAGE)
		m[i] = (char)i;
	struct gapper g = gap_start(300);
	int pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(m[len - PAGE] == (char)(len - PAGE) ? 0 : 9);
	CHECK_EXITED(wait_for(pid), 0);
	long worst = gap_end(&g);
	if (worst > STALL_MS)
		FAILF("a sibling waited %ld ms while fork copied 48 MiB", worst);
}

/* The child of a traced vfork, reported by EVENT_CLONE while the parent is
 * stopped. How the test disposes of the child while the parent is stopped: */
enum { CHILD_KILLED, CHILD_ATTACHED_EXITS, CHILD_EXECS };
static int vfork_how;

static char *sleep_argv[] = {"/bin/sleep", "1", NULL}, *no_env[] = {NULL};

static void vfork_then_report(long fd)
{
	long t0 = now_ms();
	pid_t pid = vfork();
	if (pid == 0) {
		if (vfork_how == CHILD_EXECS)
			execve(sleep_argv[0], sleep_argv, no_env);
		_exit(3);
	}
	long ms = now_ms() - t0;
	CHECK(write((int)fd, &ms, sizeof ms) == sizeof ms);
	int st = wait_for(pid);
	CHECK(write((int)fd, &st, sizeof st) == sizeof st);
}

/* Before: vfork never returned when its child went away (killed, or
 * attached, resumed and exited) during the parent's EVENT_CLONE stop, and
 * with an exec the parent waited for the child's exit. */
static void vfork_child_gone_during_clone_stop(int how)
{
	int p[2];
	CHECK(pipe(p) == 0);
	vfork_how = how;
	struct gated g = gated_spawn(vfork_then_report, p[1]);
	close(p[1]);
	int t = trace_attach(g.pid, 0);
	trace_set(t, PTRACE_EVENT_CLONE);
	gated_go(&g);
	struct ptrace_event e;
	trace_expect(t, PTRACE_EVENT_CLONE, &e, 3000);
	int c = (int)e.data[0];
	int tc = -1;
	if (how == CHILD_KILLED) {
		CHECK(kill(c, SIGKILL) == 0);
		proc_wait_state(c, 'Z', 3000);
	} else {
		tc = trace_attach(c, 0);
		trace_set(tc, PTRACE_STOP_EXEC);
		if (how == CHILD_EXECS) {
			trace_expect(tc, PTRACE_STOP_EXEC, &e, 3000);
			trace_set(tc, 0);
		} else {
			trace_expect(tc, PTRACE_STOP_EXIT, &e, 3000);
		}
	}
	long t0 = now_ms();
	trace_set(t, 0); /* resume the parent: its vfork must return now */
	long ms;
	CHECK(read(p[0], &ms, sizeof ms) == sizeof ms);
	CHECK(now_ms() - t0 < 700); /* the execed child sleeps 1 s */
	int st;
	CHECK(read(p[0], &st, sizeof st) == sizeof st);
	if (how == CHILD_KILLED)
		CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	else
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == (how == CHILD_EXECS ? 0 : 3));
	CHECK_EXITED(wait_within(g.pid, 5, "the vfork parent"), 0);
	if (tc >= 0)
		close(tc);
	close(t);
}

static void vfork_child_killed_during_clone_stop(void)
{
	vfork_child_gone_during_clone_stop(CHILD_KILLED);
}
static void vfork_child_exits_during_clone_stop(void)
{
	vfork_child_gone_during_clone_stop(CHILD_ATTACHED_EXITS);
}
static void vfork_child_execs_during_clone_stop(void)
{
	vfork_child_gone_during_clone_stop(CHILD_EXECS);
}

/* ------------------------------------------------------------------------ */
/* The kernel's own copies honour the pages' user protections.               */
/* ------------------------------------------------------------------------ */

static char *touched_page(int prot)
{
	char *m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED);
	strcpy(m, "/bin/true");
	CHECK(mprotect(m, PAGE, prot) == 0);
	return m;
}

/* Before: a touched PROT_NONE page stayed present for the kernel, so
 * write(fd, prot_none_buf, n) copied it out. */
static void copy_from_prot_none_page_efault(void)
{
	char *m = touched_page(PROT_NONE);
	int p[2];
	CHECK(pipe(p) == 0);
	CHECK_ERR(write(p[1], m, 16), EFAULT);
	CHECK_ERR(open(m, O_RDONLY), EFAULT); /* a path in it */
	CHECK_ERR(syscall(SYS_rt_sigaction, SIGUSR1, m, NULL, 8), EFAULT);
	CHECK(mprotect(m, PAGE, PROT_READ) == 0);
	CHECK(write(p[1], m, 16) == 16); /* readable again: the same bytes */
}

/* Kernel stores into a read-only page fail as the process's own would. */
static void copy_to_readonly_page_efault(void)
{
	char *m = touched_page(PROT_READ);
	int p[2];
	CHECK(pipe(p) == 0);
	CHECK(write(p[1], "abcd", 4) == 4);
	CHECK_ERR(read(p[0], m, 4), EFAULT);
	CHECK_ERR(pipe((int *)m), EFAULT);
	int mem = proc_file(getpid(), "mem", O_RDONLY);
	CHECK(mem >= 0);
	CHECK_ERR(pread(mem, m, 8, (off_t)(uintptr_t)p), EFAULT);
	CHECK(strcmp(m, "/bin/true") == 0);
	char *x = touched_page(PROT_EXEC);
	CHECK_ERR(read(p[0], x, 4), EFAULT); /* exec-only: readable, not writable */
	CHECK(read(p[0], m, 0) == 0);
}

/* ------------------------------------------------------------------------ */
/* The CVE classes of shared/reference/tracing-lessons.md not covered by    */
/* name elsewhere (docs/security.md maps each class to its tests).          */
/* ------------------------------------------------------------------------ */

/* CVE-2018-8897's shape: a debug trap held back by the MOV SS / POP SS
 * interrupt shadow fires on the first instruction of the next kernel entry
 * (syscall, int3), in ring 0 with the user's stack (POP SS does not exist
 * in 64-bit mode; MOV SS is the shape). Here the trap is TF set
 * by the program itself; the kernel must survive and the process get
 * SIGTRAP (or run on), never a panic. */
extern char hd_mov_ss_syscall[], hd_mov_ss_int3[];
__asm__(".text\n"
        "hd_mov_ss_syscall:\n"
        "  mov %ss, %ecx\n"
        "  mov $39, %eax\n"
        "  pushfq\n"
        "  orq $0x100, (%rsp)\n"
        "  popfq\n"
        "  mov %ecx, %ss\n"
        "  syscall\n"
        "  pushfq\n"
        "  andq $~0x100, (%rsp)\n"
        "  popfq\n"
        "  ret\n"
        "hd_mov_ss_int3:\n"
        "  mov %ss, %ecx\n"
        "  pushfq\n"
        "  orq $0x100, (%rsp)\n"
        "  popfq\n"
        "  mov %ecx, %ss\n"
        "  int3\n"
        "  pushfq\n"
        "  andq $~0x100, (%rsp)\n"
        "  popfq\n"
        "  ret\n");

static char *shadow_routine;
static void run_shadow_routine(void) { ((void (*)(void))(void *)shadow_routine)(); }

static void cve_2018_8897_trap_in_ss_shadow(void)
{
	char *routines[] = {hd_mov_ss_syscall, hd_mov_ss_int3};
	for (int i = 0; i < 2; i++) {
		shadow_routine = routines[i];
		for (int round = 0; round < 20; round++) {
			int st = in_child(run_shadow_routine);
			CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTRAP);
		}
	}
	CHECK(kill(1, 0) == 0);
}

static volatile unsigned char info_copy[128];
static void copy_info(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	memcpy((void *)info_copy, si, sizeof info_copy);
}

/* siginfo leaks: every byte of the siginfo a handler sees is written (the
 * bytes past the fields the signal defines are zero, not old stack). */
static void siginfo_every_byte_written(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = copy_info;
	sa.sa_flags = SA_SIGINFO;
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
	memset((void *)info_copy, 0xa5, sizeof info_copy);
	CHECK(raise(SIGUSR1) == 0);
	CHECK(info_copy[0] == SIGUSR1);
	for (size_t i = 32; i < sizeof info_copy; i++)
		if (info_copy[i])
			FAILF("siginfo byte %zu is %#x", i, info_copy[i]);
}

static void sigreturn_bad_mxcsr_child(void)
{
	static uint64_t frame[128] __attribute__((aligned(16)));
	static uint8_t fx[512] __attribute__((aligned(64)));
	memset(frame, 0, sizeof frame);
	__asm__ volatile("fxsave %0" : "=m"(fx));
	uint32_t bad = 0xffffffff; /* reserved MXCSR bits: #GP in fxrstor */
	memcpy(fx + 24, &bad, 4);
	uint64_t *mc = &frame[1 + 5];
	mc[15] = (uint64_t)frame;
	mc[16] = (uint64_t)raw_exit;
	mc[17] = 0x202;
	mc[18] = 0x23 | (0x1bUL << 48);
	mc[23] = (uint64_t)fx; /* fpstate */
	__asm__ volatile("mov %0, %%rsp\n mov $15, %%eax\n syscall" ::"r"(&frame[1]) : "memory");
	raw_exit(9);
}

/* MXCSR reserved bits (the FXRSTOR #GP class, CVE-2017-15537's cousin)
 * through rt_sigreturn's FPU image: refused, the process dies of SIGSEGV. */
static void sigreturn_reserved_mxcsr_segv(void)
{
	CHECK_KILLED_BY(in_child(sigreturn_bad_mxcsr_child), SIGSEGV);
}

static const struct test tests[] = {
    T(clone_vfork_child_settid_after_child_exit),
    T(clone_child_settid_readonly_page_ignored),
    T(clone_settls_kernel_address_eperm),
    T(clone_settls_sets_child_fs_base),
    T(clone_parent_settid_stores),
    T(clone_kernel_stack_einval),
    T(clone_vfork_tls_cleartid_child_execs),
    T(kill_other_uid_eperm),
    T(kill_same_uid_allowed),
    T(kill_group_skips_other_uids),
    T(kill_minus_one_nonroot),
    T(kill_init_only_handled_signals),
    T(read_bad_buffer_efault_before_blocking),
    T(readv_bad_iovec_efault_before_blocking),
    T(write_bad_buffer_full_pipe_efault_at_once),
    T(trace_read_bad_buffer_efault_at_once),
    T(poll_select_bad_sets_efault_at_once),
    T(wait4_bad_status_efault_at_once),
    T(nanosleep_bad_remainder_efault_at_once),
    T(signal_handler_outside_user_space_segv),
    T(signal_restorer_outside_user_space_segv),
    T(exec_entry_outside_user_space_enoexec),
    T(exec_truncated_header_enoexec),
    T(sigreturn_rip_outside_user_space_segv),
    T(exec_overlapping_segments_no_stall),
    T(exec_many_large_segments_no_stall),
    T(fork_of_large_memory_no_stall),
    T(vfork_child_killed_during_clone_stop),
    T(vfork_child_exits_during_clone_stop),
    T(vfork_child_execs_during_clone_stop),
    T(copy_from_prot_none_page_efault),
    T(copy_to_readonly_page_efault),
    T(cve_2018_8897_trap_in_ss_shadow),
    T(siginfo_every_byte_written),
    T(sigreturn_reserved_mxcsr_segv),
};

int main(int argc, char **argv)
{
	return testrun_main(argc, argv, "hardening", tests, sizeof tests / sizeof tests[0]);
}
