/* ktest: processes, wait, credentials and execve failures. */
#define _GNU_SOURCE
#include "ktest.h"

/* ------------------------------------------------------------------------ */
/* Processes and wait.                                                      */
/* ------------------------------------------------------------------------ */

static void fork_exit_status(void)
{
	pid_t self = getpid();
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(getppid() == self && getpid() != self ? 42 : 1);
	int st = wait_for(pid);
	CHECK_EXITED(st, 42);
	CHECK_ERR(wait4(-1, &st, WNOHANG, NULL), ECHILD);
}

static void wait_signal_status(void)
{
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		for (;;)
			sleep_ms(1000);
	int st;
	CHECK(wait4(pid, &st, WNOHANG, NULL) == 0);
	CHECK(kill(pid, SIGKILL) == 0);
	st = wait_for(pid);
	CHECK_KILLED_BY(st, SIGKILL);
}

static void wait_stopped_wuntraced(void)
{
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		kill(getpid(), SIGSTOP);
		_exit(7);
	}
	int st = wait_for(pid);
	CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
	CHECK(kill(pid, SIGCONT) == 0);
	st = wait_for(pid);
	CHECK_EXITED(st, 7);
}

static void sigchld_flag_handler(int sig, siginfo_t *si, void *uc) { record_handler(sig, si, uc); }

static void sigchld_to_parent(void)
{
	set_handler(SIGCHLD, sigchld_flag_handler, 0);
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(0);
	long deadline = now_ns() + 5000000000L;
	while (!got_sig && now_ns() < deadline)
		sleep_ms(5);
	CHECK(got_sig == SIGCHLD);
	CHECK(got_signo_field == SIGCHLD);
	int st = wait_for(pid);
	CHECK_EXITED(st, 0);
}

/* Fork+exit+wait many times; with sys:free_frames, no frame may leak. */

static void fork_n_times(int n)
{
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();
		CHECK(pid >= 0);
		if (pid == 0)
			_exit(i & 0x7f);
		int st = wait_for(pid);
		CHECK_EXITED(st, i & 0x7f);
	}
}

static void fork_exit_1000_no_leak(void)
{
	fork_n_times(10); /* warm up kernel caches before counting */
	long before = sys_number("free_frames");
	fork_n_times(1000);
	long after = sys_number("free_frames");
	if (before >= 0)
		CHECK(after == before);
}

static void vfork_exec(void)
{
	char *argv[] = {"true", NULL};
	char *envp[] = {NULL};
	pid_t pid = vfork();
	CHECK(pid >= 0);
	if (pid == 0) {
		execve("/bin/true", argv, envp);
		_exit(127);
	}
	int st = wait_for(pid);
	CHECK_EXITED(st, 0);

	/* The parent stays suspended until the child exits (here after 50 ms). */
	long t0 = now_ns();
	pid = vfork();
	CHECK(pid >= 0);
	if (pid == 0) {
		sleep_ms(50);
		_exit(3);
	}
	CHECK(now_ns() - t0 >= 50 * 1000000L);
	CHECK_EXITED(wait_for(pid), 3);
}

static void clone_process_flags(void)
{
	/* clone(SIGCHLD) is fork. */
	long pid = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(5);
	int st = wait_for(pid);
	CHECK_EXITED(st, 5);

	/* The flags glibc's fork passes: the tid is stored in parent and child. */
	static volatile pid_t ptid, ctid;
	ptid = ctid = 0;
	pid = syscall(SYS_clone,
	              CLONE_PARENT_SETTID | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD, 0,
	              &ptid, &ctid, 0);
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(ctid == syscall(SYS_gettid) ? 0 : 1);
	CHECK(ptid == pid);
	st = wait_for(pid);
	CHECK_EXITED(st, 0);
}

static void kill_nonexistent_esrch(void)
{
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(0);
	CHECK(kill(pid, 0) == 0 || errno == ESRCH); /* alive or zombie */
	wait_for(pid);
	CHECK_ERR(kill(pid, 0), ESRCH);
	CHECK_ERR(kill(pid, SIGKILL), ESRCH);
	CHECK_ERR(kill(2000000000, SIGTERM), ESRCH);
	CHECK_ERR(kill(getpid(), 1000), EINVAL);
	CHECK(kill(getpid(), 0) == 0);
}

static void getuid_setuid_drop(void)
{
	if (syscall(SYS_getuid) == 0) {
		CHECK(syscall(SYS_getgid) == 0);
		CHECK(syscall(SYS_setgid, 1000) == 0);
		CHECK(syscall(SYS_getgid) == 1000 && syscall(SYS_getegid) == 1000);
		CHECK(syscall(SYS_setuid, 1000) == 0);
		CHECK(syscall(SYS_getuid) == 1000 && syscall(SYS_geteuid) == 1000);
	}
	CHECK_ERR(syscall(SYS_setuid, 0), EPERM);
	CHECK(syscall(SYS_getuid) != 0);
}

/* ------------------------------------------------------------------------ */
/* execve failures.                                                         */
/* ------------------------------------------------------------------------ */

/* A minimal ELF64 x86_64 executable header with one PT_LOAD segment. */
struct tiny_elf {
	struct elf_hdr h;
	struct elf_phdr ph;
};

static void tiny_elf_init(struct tiny_elf *e, uint64_t vaddr)
{
	memset(e, 0, sizeof *e);
	memcpy(e->h.ident, "\177ELF\2\1\1", 7);
	e->h.type = 2;     /* ET_EXEC */
	e->h.machine = 62; /* EM_X86_64 */
	e->h.version = 1;
	e->h.entry = vaddr + offsetof(struct tiny_elf, ph);
	e->h.phoff = offsetof(struct tiny_elf, ph);
	e->h.ehsize = 64;
	e->h.phentsize = sizeof e->ph;
	e->h.phnum = 1;
	e->ph.type = 1;  /* PT_LOAD */
	e->ph.flags = 5; /* R+X */
	e->ph.vaddr = e->ph.paddr = vaddr;
	e->ph.filesz = e->ph.memsz = sizeof *e;
	e->ph.align = PAGE;
}

/* Write the file and execve it; the call must fail with one of errs. */
static int exec_bytes_errno(const char *path, const void *data, size_t len)
{
	char *argv[] = {(char *)path, NULL};
	char *envp[] = {NULL};
	close(make_tmp_file(path, data, len));
	errno = 0;
	long r = syscall(SYS_execve, path, argv, envp);
	CHECK(r == -1);
	return errno;
}

static void execve_bad_elf_enoexec(void)
{
	struct tiny_elf e;
	int err;
	err = exec_bytes_errno("/tmp/ktest_badmagic", "this is not an executable\n", 26);
	CHECK(err == ENOEXEC);

	tiny_elf_init(&e, 0x400000);
	err = exec_bytes_errno("/tmp/ktest_trunc_hdr", &e, 20);
	CHECK(err == ENOEXEC || err == EINVAL || err == EIO);
	err = exec_bytes_errno("/tmp/ktest_trunc_ph", &e, 64); /* program headers missing */
	CHECK(err == ENOEXEC || err == EINVAL || err == EIO);

	e.h.machine = 3; /* EM_386 */
	err = exec_bytes_errno("/tmp/ktest_wrong_arch", &e, sizeof e);
	CHECK(err == ENOEXEC || err == EINVAL);
}

/* Linux checks segment addresses after the point of no return (the process
 * dies of SIGSEGV); Procyon must validate them first and fail the execve. */
static void execve_elf_kernel_segment(void)
{
	struct tiny_elf e;
	tiny_elf_init(&e, 0xffff800000000000UL);
	int err = exec_bytes_errno("/tmp/ktest_kseg", &e, sizeof e);
	CHECK(err == ENOEXEC || err == EINVAL || err == EFAULT || err == ENOMEM);

	tiny_elf_init(&e, 0x400000);
	e.ph.memsz = 0xffff800000000000UL; /* segment runs into the kernel half */
	err = exec_bytes_errno("/tmp/ktest_kseg2", &e, sizeof e);
	CHECK(err == ENOEXEC || err == EINVAL || err == EFAULT || err == ENOMEM);
}

static void execve_huge_argv_e2big(void)
{
	enum { NSTR = 4096, STRLEN = 4096, HUGE = 256 * 1024 };
	static char str[STRLEN], huge[HUGE];
	static char *argv[NSTR + 2];
	char *envp[] = {NULL};
	memset(str, 'a', STRLEN - 1);
	memset(huge, 'b', HUGE - 1);

	/* 16 MiB of arguments in total. */
	argv[0] = "false";
	for (int i = 1; i <= NSTR; i++)
		argv[i] = str;
	argv[NSTR + 1] = NULL;
	CHECK_ERR(syscall(SYS_execve, "/bin/false", argv, envp), E2BIG);

	/* One 256 KiB argument. */
	argv[1] = huge;
	argv[2] = NULL;
	CHECK_ERR(syscall(SYS_execve, "/bin/false", argv, envp), E2BIG);
}

static const struct test tests[] = {
    T(fork_exit_status),
    T(wait_signal_status),
    T(wait_stopped_wuntraced),
    T(sigchld_to_parent),
    T_SLOW(fork_exit_1000_no_leak, 120),
    T(vfork_exec),
    T(clone_process_flags),
    T(kill_nonexistent_esrch),
    T(getuid_setuid_drop),
    T(execve_bad_elf_enoexec),
    T(execve_elf_kernel_segment),
    T(execve_huge_argv_e2big),
};

const struct test_area area_proc = TEST_AREA("proc", tests);
