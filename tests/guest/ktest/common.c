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

volatile int *opaque_addr(uintptr_t a)
{
	asm("" : "+r"(a));
	return (volatile int *)a;
}

void fault_jump_handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got_sig = sig;
	got_addr = (uintptr_t)si->si_addr;
	siglongjmp(fault_jmp, 1);
}

int on_procyon(void)
{
	struct utsname u;
	return uname(&u) == 0 && strcmp(u.sysname, "Procyon") == 0;
}

void rm_tree(const char *path)
{
	struct stat st;
	if (lstat(path, &st) != 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		unlink(path);
		return;
	}
	chmod(path, 0755);
	for (int guard = 0; guard < 100000; guard++) { /* one name at a time */
		DIR *d = opendir(path);
		struct dirent *e = 0;
		char sub[1024] = "";
		while (d && (e = readdir(d)))
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
				snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
				break;
			}
		if (d)
			closedir(d);
		if (!sub[0] || lstat(sub, &st) != 0)
			break;
		rm_tree(sub);
		if (lstat(sub, &st) == 0)
			break; /* cannot remove it: leave it */
	}
	rmdir(path);
}

const char *kt_dir(const char *name)
{
	static char path[128];
	snprintf(path, sizeof path, "/tmp/kt_%s", name);
	rm_tree(path);
	CHECK(mkdir(path, 0755) == 0);
	return path;
}

int check_tree(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		FAILF("opendir %s: errno %d", dir, errno);
	struct dirent *e;
	int dots = 0, dotdots = 0, subdirs = 0, names = 0;
	char sub[320];
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".")) {
			dots++;
			continue;
		}
		if (!strcmp(e->d_name, "..")) {
			dotdots++;
			continue;
		}
		struct stat st;
		snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name);
		if (lstat(sub, &st) != 0)
			FAILF("%s is listed but lstat fails: errno %d", sub, errno);
		if (e->d_ino != st.st_ino)
			FAILF("%s: d_ino %lu, st_ino %lu", sub, (unsigned long)e->d_ino,
			      (unsigned long)st.st_ino);
		names++;
		if (S_ISDIR(st.st_mode)) {
			subdirs++;
			names += check_tree(sub);
		}
	}
	closedir(d);
	struct stat st;
	CHECK(stat(dir, &st) == 0);
	if (dots != 1 || dotdots != 1)
		FAILF("%s lists . %d times and .. %d times", dir, dots, dotdots);
	if (st.st_nlink != (nlink_t)(2 + subdirs))
		FAILF("%s: nlink %lu with %d subdirectories", dir, (unsigned long)st.st_nlink,
		      subdirs);
	return names;
}

void put_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0);
	CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	CHECK(close(fd) == 0);
}

ssize_t get_file(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		FAILF("open %s: errno %d", path, errno);
	ssize_t n = read(fd, buf, cap - 1);
	CHECK(n >= 0);
	buf[n] = 0;
	close(fd);
	return n;
}
