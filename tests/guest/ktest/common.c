/* ktest: the helpers its areas share (see ktest.h). */
#define _GNU_SOURCE
#include "ktest.h"

void *const bad_ptrs[] = {(void *)1, (void *)0xffff800000000000UL};

int run_in_child(void (*fn)(void))
{
	static const int fault_sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP};
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		for (size_t i = 0; i < sizeof fault_sigs / sizeof fault_sigs[0]; i++)
			signal(fault_sigs[i], SIG_DFL);
		fn();
		_exit(0);
	}
	return wait_for(pid);
}

void set_handler(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO | flags;
	CHECK(sigaction(sig, &sa, NULL) == 0);
}

void set_disposition(int sig, void (*disp)(int))
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = disp;
	CHECK(sigaction(sig, &sa, NULL) == 0);
}

int make_tmp_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0755);
	CHECK(fd >= 0);
	if (len)
		CHECK(write(fd, data, len) == (ssize_t)len);
	return fd;
}

volatile sig_atomic_t got_sig;

volatile sig_atomic_t got_count;

volatile uintptr_t got_addr;

volatile int got_signo_field;

sigjmp_buf fault_jmp;

int g_fd = -1;

void record_handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got_sig = sig;
	got_count++;
	got_signo_field = si->si_signo;
}

void fault_jump_handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got_sig = sig;
	got_addr = (uintptr_t)si->si_addr;
	siglongjmp(fault_jmp, 1);
}
