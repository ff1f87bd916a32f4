/* proctest: the helpers its areas share (see proctest.h). */
#define _GNU_SOURCE
#include "proctest.h"

int saved_argc;

char **saved_argv;

void *const bad_ptrs[] = {NULL, (void *)1, (void *)0xffff800000000000UL,
                          (void *)0xffffffff80000000UL};

void wait_blocked_in_read(pid_t pid) { wait_until(pid, 'S', 0); }

int list_dir(const char *path, char *out, size_t cap)
{
	out[0] = '\0'; /* terminated on every return, errors too */
	int fd = open(path, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return -errno;
	char buf[1024];
	size_t len = 0;
	long n;
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
		for (long pos = 0; pos < n;) {
			unsigned short reclen;
			memcpy(&reclen, buf + pos + 16, 2);
			const char *name = buf + pos + 19;
			/* "." and ".." (every directory has them) are not counted */
			if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
				pos += reclen ? reclen : 1;
				continue;
			}
			int w = snprintf(out + len, cap - len, "%s\n", name);
			if (w > 0 && (size_t)w < cap - len)
				len += (size_t)w;
			if (reclen == 0)
				FAILF("zero d_reclen in %s", path);
			pos += reclen;
		}
	}
	int err = n < 0 ? errno : 0;
	close(fd);
	return err ? -err : 0;
}

int list_has(const char *list, const char *name)
{
	size_t n = strlen(name);
	for (const char *l = list; *l;) {
		const char *e = strchr(l, '\n');
		size_t len = e ? (size_t)(e - l) : strlen(l);
		if (len == n && memcmp(l, name, n) == 0)
			return 1;
		if (!e)
			break;
		l = e + 1;
	}
	return 0;
}

int list_has_pid(const char *list, pid_t pid)
{
	char s[16];
	snprintf(s, sizeof s, "%d", (int)pid);
	return list_has(list, s);
}

int count_lines(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

__asm__(".text\n"
        ".globl probe_read\n"
        ".globl probe_after_syscall\n"
        "probe_read:\n"
        "    push %rbx\n"
        "    push %r12\n"
        "    push %r15\n"
        "    mov %rdi, %r12\n"
        "    mov 16(%r12), %rbx\n"
        "    mov 40(%r12), %r15\n"
        "    movdqu 64(%r12), %xmm0\n"
        "1:  mov 0(%r12), %rdi\n"
        "    mov 8(%r12), %rsi\n"
        "    mov $1, %edx\n"
        "    xor %eax, %eax\n"
        "    syscall\n"
        "probe_after_syscall:\n"
        "    pushfq\n"
        "    popq 32(%r12)\n"
        "    pushq $0x202\n" /* back to clean flags (DF, AC clear) */
        "    popfq\n"
        "    cmp $-4, %rax\n"
        "    jne 2f\n"
        "    incq 24(%r12)\n"
        "    jmp 1b\n"
        "2:  mov %rax, 48(%r12)\n"
        "    mov %rbx, 16(%r12)\n"
        "    movdqu %xmm0, 64(%r12)\n"
        "    pop %r15\n"
        "    pop %r12\n"
        "    pop %rbx\n"
        "    ret\n"
        ".globl spin_forever\n"
        ".globl spin_loop\n"
        "spin_forever:\n"
        "    mov %rdi, %r12\n"
        "    mov %rdi, %r13\n"
        "spin_loop:\n"
        "    jmp spin_loop\n");

const uint8_t xmm_a[16] = {0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
                           0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf};

const uint8_t xmm_b[16] = {0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7,
                           0xb8, 0xb9, 0xba, 0xbb, 0xbc, 0xbd, 0xbe, 0xbf};

const uint8_t xmm_c[16] = {0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7,
                           0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf};

void close_other_fds(int keep1, int keep2)
{
	for (int fd = 3; fd < 256; fd++)
		if (fd != keep1 && fd != keep2 && fd != reason_fd)
			close(fd);
}

void kid_main(int in_r, int out_w, const uint8_t *xmm)
{
	static char byte;
	close_other_fds(in_r, out_w);
	for (;;) {
		struct probe pr;
		memset(&pr, 0, sizeof pr);
		pr.fd = in_r;
		pr.buf = (uint64_t)(uintptr_t)&byte;
		pr.rbx = RBX_MAGIC;
		pr.r15 = R15_MAGIC;
		memcpy(pr.xmm, xmm, 16);
		probe_read(&pr);
		if (pr.result != 1)
			_exit(pr.result == 0 ? 0 : 3);
		if (write(out_w, &pr, sizeof pr) != (ssize_t)sizeof pr)
			_exit(4);
	}
}

struct probe_kid spawn_probe_kid_ids(const uint8_t *xmm, long uid, long gid)
{
	int in[2], out[2];
	CHECK(pipe(in) == 0 && pipe(out) == 0);
	struct probe_kid k;
	k.pid = fork();
	CHECK(k.pid >= 0);
	if (k.pid == 0) {
		close(in[1]);
		close(out[0]);
		if (uid >= 0 && (syscall(SYS_geteuid) == 0 || syscall(SYS_getuid) != uid ||
		                 syscall(SYS_getgid) != gid))
			become((unsigned)uid, (unsigned)gid);
		kid_main(in[0], out[1], xmm);
	}
	close(in[0]);
	close(out[1]);
	k.in_w = in[1];
	k.out_r = out[0];
	wait_blocked_in_read(k.pid);
	return k;
}

struct probe_kid spawn_probe_kid(const uint8_t *xmm) { return spawn_probe_kid_ids(xmm, -1, -1); }

void kid_cycle(const struct probe_kid *k, struct probe *pr)
{
	CHECK(write(k->in_w, "x", 1) == 1);
	size_t got = 0;
	while (got < sizeof *pr) {
		ssize_t n = read(k->out_r, (char *)pr + got, sizeof *pr - got);
		if (n <= 0)
			FAILF("kid %d gave no report (read %zd)", (int)k->pid, n);
		got += (size_t)n;
	}
}

void kid_cycle_intact(const struct probe_kid *k, const uint8_t *xmm)
{
	struct probe pr;
	kid_cycle(k, &pr);
	if (pr.result != 1 || pr.rbx != RBX_MAGIC || memcmp(pr.xmm, xmm, 16) != 0)
		FAILF("kid %d after resume: result %ld rbx %#lx xmm0[0] %#x", (int)k->pid,
		      (long)pr.result, (unsigned long)pr.rbx, pr.xmm[0]);
}

void kid_end(struct probe_kid *k)
{
	close(k->in_w);
	CHECK_EXITED(wait_bounded(k->pid, "end of file on its input"), 0);
	close(k->out_r);
}

pid_t spawn_spinner(void)
{
	int ready;
	pid_t pid = fork_piped(&ready, 1);
	if (pid == 0) {
		write(ready, "r", 1);
		spin_forever(SPIN_MAGIC);
	}
	char c;
	CHECK(read(ready, &c, 1) == 1);
	close(ready);
	int fd = proc_file(pid, "regs/int", O_RDONLY);
	CHECK(fd >= 0);
	struct user_regs r;
	long deadline = now_ns() + 5000000000L;
	do {
		sleep_ms(5);
		CHECK(pread(fd, &r, sizeof r, 0) == (ssize_t)sizeof r);
		if (now_ns() > deadline)
			FAILF("spinner never seen at spin_loop: rip %#lx", (unsigned long)r.rip);
	} while (r.rip != (uint64_t)(uintptr_t)spin_loop);
	close(fd);
	return pid;
}

void kill_reap(pid_t pid)
{
	kill(pid, SIGKILL);
	CHECK_KILLED_BY(wait_for(pid), SIGKILL);
}

const char *const reg_names[27] = {"r15",     "r14",      "r13", "r12", "rbp",    "rbx", "r11",
                                   "r10",     "r9",       "r8",  "rax", "rcx",    "rdx", "rsi",
                                   "rdi",     "orig_rax", "rip", "cs",  "rflags", "rsp", "ss",
                                   "fs_base", "gs_base",  "ds",  "es",  "fs",     "gs"};

void check_regs_equal(const struct user_regs *a, const struct user_regs *b, const char *what)
{
	uint64_t x[27], y[27];
	memcpy(x, a, sizeof x);
	memcpy(y, b, sizeof y);
	for (int i = 0; i < 27; i++)
		if (x[i] != y[i])
			FAILF("%s: %s %#lx != %#lx", what, reg_names[i], (unsigned long)x[i],
			      (unsigned long)y[i]);
}

void reject_one(const struct probe_kid *k, void (*mut)(struct user_regs *, uint64_t), uint64_t v)
{
	int t = attach_stopped(k->pid);
	int fd = proc_file(k->pid, "regs/int", O_RDWR);
	CHECK(fd >= 0);
	struct user_regs before, bad, after;
	pread_regs(fd, &before);
	bad = before;
	mut(&bad, v);
	errno = 0;
	ssize_t n = pwrite(fd, &bad, sizeof bad, 0);
	if (n != -1 || errno != EINVAL)
		FAILF("forbidden image (value %#lx) gave %zd errno %d, want EINVAL",
		      (unsigned long)v, n, errno);
	pread_regs(fd, &after);
	check_regs_equal(&after, &before, "registers after a rejected write");
	close(fd);
	close(t);
	kid_cycle_intact(k, xmm_a);
}

void reject_all(void (*mut)(struct user_regs *, uint64_t), const uint64_t *vals, size_t n)
{
	struct probe_kid k = spawn_probe_kid(xmm_a);
	for (size_t i = 0; i < n; i++) {
		wait_blocked_in_read(k.pid);
		reject_one(&k, mut, vals[i]);
	}
	kid_end(&k);
}

const uint64_t bad_addrs[] = {USER_TOP,
                              0xffff800000000000UL,
                              0x8000000000000000UL,
                              0x00ff000000000000UL,
                              0xffffffffffffffffUL,
                              0xffffffff80000000UL};
