/* tracetest: proc:PID/mem transfers and their edges. */
#define _GNU_SOURCE
#include "tracetest.h"

/* ------------------------------------------------------------------------ */
/* mem.                                                                     */
/* ------------------------------------------------------------------------ */

static unsigned char pattern(size_t i, int seed) { return (unsigned char)(i * 7 + seed * 13 + 1); }

static void fill_area(unsigned char *p, size_t n, int seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = pattern(i, seed);
}

/* The kid's view: mem_area still holds pattern seed 1 except the given
 * window, which holds seed 2. Reports 1 if so. */
static long win_off, win_len;

static void body_check_window(long arg, int out)
{
	(void)arg;
	long ok = 1;
	for (long i = 0; i < (long)sizeof mem_area; i++) {
		int seed = i >= win_off && i < win_off + win_len ? 2 : 1;
		if (mem_area[i] != pattern((size_t)i, seed))
			ok = 0;
	}
	report(out, ok);
}

/* A kid whose mem_area holds pattern 1, while ours is cleared. */
static struct kid spawn_area_kid(long off, long len)
{
	fill_area(mem_area, sizeof mem_area, 1);
	win_off = off, win_len = len;
	struct kid k = spawn_kid(body_check_window, 0);
	memset(mem_area, 0, sizeof mem_area);
	return k;
}

static void mem_pread_reads_target_memory(void)
{
	struct kid k = spawn_area_kid(0, 0);
	unsigned char buf[64];
	CHECK(mem_read(k.pid, U64(mem_area) + 100, buf, sizeof buf) == (long)sizeof buf);
	for (size_t i = 0; i < sizeof buf; i++)
		CHECK(buf[i] == pattern(100 + i, 1));
	kid_go(&k);
	CHECK(kid_result(&k) == 1);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void mem_lseek_read_write(void)
{
	struct kid k = spawn_area_kid(200, 16);
	int t = trace_attach(k.pid, 0);
	int fd = proc_file(k.pid, "mem", O_RDWR);
	CHECK(fd >= 0);
	uint64_t a = U64(mem_area) + 100;
	CHECK(lseek(fd, (off_t)a, SEEK_SET) == (off_t)a);
	unsigned char buf[16];
	CHECK(read(fd, buf, 16) == 16);
	CHECK(buf[0] == pattern(100, 1) && buf[15] == pattern(115, 1));
	CHECK(lseek(fd, 0, SEEK_CUR) == (off_t)(a + 16));
	CHECK(lseek(fd, (off_t)(U64(mem_area) + 200), SEEK_SET) == (off_t)(U64(mem_area) + 200));
	for (int i = 0; i < 16; i++)
		buf[i] = pattern(200 + (size_t)i, 2);
	CHECK(write(fd, buf, 16) == 16);
	CHECK(lseek(fd, 0, SEEK_CUR) == (off_t)(U64(mem_area) + 216));
	close(fd);
	kid_go(&k);
	CHECK(kid_result(&k) == 1);
	CHECK_EXITED(kid_reap(&k), 0);
	close(t);
}

static void mem_read_write_across_page_boundaries(void)
{
	long off = (long)PAGE - 150, len = (long)PAGE + 300; /* spans all three pages */
	struct kid k = spawn_area_kid(off, len);
	int t = trace_attach(k.pid, 0);
	int fd = proc_file(k.pid, "mem", O_RDWR);
	CHECK(fd >= 0);
	static unsigned char buf[2 * PAGE];
	CHECK(pread(fd, buf, 200, (off_t)(U64(mem_area) + PAGE - 100)) == 200);
	for (size_t i = 0; i < 200; i++)
		CHECK(buf[i] == pattern(PAGE - 100 + i, 1));
	for (long i = 0; i < len; i++)
		buf[i] = pattern((size_t)(off + i), 2);
	CHECK(pwrite(fd, buf, (size_t)len, (off_t)(U64(mem_area) + (uint64_t)off)) == len);
	memset(buf, 0, sizeof buf);
	CHECK(pread(fd, buf, (size_t)len, (off_t)(U64(mem_area) + (uint64_t)off)) == len);
	for (long i = 0; i < len; i++)
		CHECK(buf[i] == pattern((size_t)(off + i), 2));
	close(fd);
	kid_go(&k);
	CHECK(kid_result(&k) == 1);
	CHECK_EXITED(kid_reap(&k), 0);
	close(t);
}

/* Three mapped pages, then a hole (unmapped or PROT_NONE) at page 3. */
static unsigned char *map_with_hole(int prot_none)
{
	unsigned char *p =
	    mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED);
	fill_area(p, 3 * PAGE, 3);
	if (prot_none)
		CHECK(mprotect(p + 3 * PAGE, PAGE, PROT_NONE) == 0);
	else
		CHECK(munmap(p + 3 * PAGE, PAGE) == 0);
	return p;
}

static void mem_transfer_stops_at_hole(int prot_none)
{
	unsigned char *p = map_with_hole(prot_none);
	struct kid k = spawn_kid(body_nothing, 0);
	int t = trace_attach(k.pid, 0);
	int fd = proc_file(k.pid, "mem", O_RDWR);
	CHECK(fd >= 0);
	static unsigned char buf[3 * PAGE];
	long n = pread(fd, buf, 2 * PAGE, (off_t)(U64(p) + 2 * PAGE - 10));
	if (n != (long)PAGE + 10)
		FAILF("read into the hole: %ld, want %lu", n, PAGE + 10);
	CHECK(buf[0] == pattern(2 * PAGE - 10, 3) && buf[PAGE + 9] == pattern(3 * PAGE - 1, 3));
	n = pwrite(fd, buf, 2 * PAGE, (off_t)(U64(p) + 3 * PAGE - 5));
	if (n != 5)
		FAILF("write into the hole: %ld, want 5", n);
	CHECK_ERR(pread(fd, buf, 16, (off_t)(U64(p) + 3 * PAGE)), EIO);
	CHECK_ERR(pwrite(fd, buf, 16, (off_t)(U64(p) + 3 * PAGE)), EIO);
	CHECK_ERR(pread(fd, buf, 1, (off_t)(U64(p) + 3 * PAGE + 100)), EIO);
	close(fd);
	close(t);
	kid_go(&k);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void mem_transfer_stops_at_unmapped_page(void) { mem_transfer_stops_at_hole(0); }
static void mem_transfer_stops_at_inaccessible_page(void) { mem_transfer_stops_at_hole(1); }

static void mem_unmapped_first_byte_eio(void)
{
	unsigned char *p = map_with_hole(0);
	struct kid k = spawn_kid(body_nothing, 0);
	int t = trace_attach(k.pid, 0);
	int fd = proc_file(k.pid, "mem", O_RDWR);
	CHECK(fd >= 0);
	unsigned char buf[64];
	for (int i = 0; i < 3; i++) { /* consistently */
		CHECK_ERR(pread(fd, buf, sizeof buf, (off_t)(U64(p) + 3 * PAGE)), EIO);
		CHECK_ERR(pwrite(fd, buf, sizeof buf, (off_t)(U64(p) + 3 * PAGE)), EIO);
	}
	CHECK(lseek(fd, (off_t)(U64(p) + 3 * PAGE), SEEK_SET) >= 0);
	CHECK_ERR(read(fd, buf, sizeof buf), EIO);
	CHECK(lseek(fd, 0, SEEK_CUR) == (off_t)(U64(p) + 3 * PAGE)); /* offset unchanged */
	close(fd);
	close(t);
	kid_go(&k);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void check_mem_rejected(int fd, void *buf, size_t n, uint64_t addr, int write)
{
	errno = 0;
	long r = write ? pwrite(fd, buf, n, (off_t)addr) : pread(fd, buf, n, (off_t)addr);
	if (r != -1 || (errno != EIO && errno != EINVAL && errno != EFAULT))
		FAILF("%s %zu at %#lx: %ld errno %d, want EIO/EINVAL/EFAULT",
		      write ? "write" : "read", n, (unsigned long)addr, r, errno);
	if (addr < (1UL << 63) && errno != EIO) /* a valid offset: the spec says EIO */
		FAILF("%s at %#lx: errno %d, want EIO", write ? "write" : "read",
		      (unsigned long)addr, errno);
}

static void mem_high_addresses_rejected(void)
{
	struct kid k = spawn_kid(body_nothing, 0);
	int t = trace_attach(k.pid, 0);
	int fd = proc_file(k.pid, "mem", O_RDWR);
	CHECK(fd >= 0);
	unsigned char buf[16] = {0};
	static const uint64_t addrs[] = {USER_TOP,           USER_TOP + PAGE,    0x00ff000000000000,
	                                 0x7ffffffffffff000, 0x7ffffffffffffff8, 0xffff800000000000,
	                                 0xffffffff80000000, 0xfffffffffffffff0};
	for (size_t i = 0; i < sizeof addrs / sizeof addrs[0]; i++) {
		check_mem_rejected(fd, buf, sizeof buf, addrs[i], 0);
		check_mem_rejected(fd, buf, sizeof buf, addrs[i], 1);
	}
	/* A transfer that starts below USER_TOP never reaches past it. */
	long n = pread(fd, buf, sizeof buf, (off_t)(USER_TOP - 8));
	CHECK((n == -1 && errno == EIO) || (n >= 0 && n <= 8));
	close(fd);
	close(t);
	kid_go(&k);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void mem_address_zero_eio(void)
{
	struct kid k = spawn_kid(body_nothing, 0);
	int t = trace_attach(k.pid, 0);
	int fd = proc_file(k.pid, "mem", O_RDWR);
	CHECK(fd >= 0);
	unsigned char buf[16] = {0};
	CHECK_ERR(pread(fd, buf, sizeof buf, 0), EIO);
	CHECK_ERR(pwrite(fd, buf, sizeof buf, 0), EIO);
	CHECK_ERR(pread(fd, buf, 1, 1), EIO);
	close(fd);
	close(t);
	kid_go(&k);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void mem_wrapping_lengths_no_crash(void)
{
	struct kid k = spawn_area_kid(0, 0);
	int t = trace_attach(k.pid, 0);
	int fd = proc_file(k.pid, "mem", O_RDWR);
	CHECK(fd >= 0);
	/* Our buffer: one page with nothing mapped after it. */
	unsigned char *g =
	    mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(g != MAP_FAILED);
	CHECK(munmap(g + PAGE, PAGE) == 0);
	fill_area(g, PAGE, 1);
	static const size_t lens[] = {SIZE_MAX, SIZE_MAX - PAGE, (size_t)1 << 63, (size_t)1 << 47};
	for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
		errno = 0;
		long n = pread(fd, g, lens[i], (off_t)U64(mem_area));
		if (!((n == -1 && (errno == EFAULT || errno == EINVAL)) ||
		      (n >= 0 && n <= (long)PAGE)))
			FAILF("read len %#zx: %ld errno %d", lens[i], n, errno);
		errno = 0;
		n = pwrite(fd, g, lens[i], (off_t)U64(mem_area));
		if (!((n == -1 && (errno == EFAULT || errno == EINVAL)) ||
		      (n >= 0 && n <= (long)PAGE)))
			FAILF("write len %#zx: %ld errno %d", lens[i], n, errno);
		errno = 0;
		n = pread(fd, g, lens[i], (off_t)(USER_TOP - 16));
		if (!(n == -1 && (errno == EIO || errno == EFAULT || errno == EINVAL)))
			FAILF("read len %#zx below USER_TOP: %ld errno %d", lens[i], n, errno);
	}
	close(fd);
	close(t);
	kid_go(&k);
	CHECK(kid_result(&k) == 1); /* its memory is intact (we wrote pattern 1 back) */
	CHECK_EXITED(kid_reap(&k), 0);
	CHECK(syscall(SYS_getpid) == getpid());
}

static void mem_write_needs_tracer_eperm(void)
{
	struct kid k = spawn_area_kid(0, 0);
	int fd = proc_file(k.pid, "mem", O_RDWR);
	CHECK(fd >= 0);
	unsigned char b = 0x55;
	CHECK_ERR(pwrite(fd, &b, 1, (off_t)U64(mem_area)), EPERM);
	CHECK(pread(fd, &b, 1, (off_t)U64(mem_area)) == 1 && b == pattern(0, 1));
	/* Another process being the tracer does not help. */
	int ready[2];
	CHECK(pipe(ready) == 0);
	pid_t tracer = fork();
	CHECK(tracer >= 0);
	if (tracer == 0) {
		int t = trace_attach(k.pid, 0);
		(void)t;
		write(ready[1], "r", 1);
		for (;;)
			pause();
	}
	char c;
	CHECK(read(ready[0], &c, 1) == 1);
	CHECK_ERR(pwrite(fd, &b, 1, (off_t)U64(mem_area)), EPERM);
	kill(tracer, SIGKILL);
	wait_bounded(tracer);
	close(fd);
	kid_go(&k);
	CHECK(kid_result(&k) == 1);
	CHECK_EXITED(kid_reap(&k), 0);
}

static void mem_write_text_gives_private_copy(void)
{
	uint64_t bp = U64(tt_bp_func);
	uint8_t orig = *(volatile uint8_t *)tt_bp_func;
	struct kid a = spawn_kid(body_call_bp, 1), b = spawn_kid(body_call_bp, 1);
	int t = trace_attach(a.pid, 0);
	trace_set(t, PTRACE_STOP_BREAKPOINT);
	mem_poke(a.pid, bp, 0xcc); /* text is read-only for the kid itself */
	CHECK(mem_peek(a.pid, bp) == 0xcc);
	CHECK(mem_peek(b.pid, bp) == orig);
	CHECK(*(volatile uint8_t *)tt_bp_func == orig);
	struct kid c = spawn_kid(body_call_bp, 1); /* started after the write */
	CHECK(mem_peek(c.pid, bp) == orig);
	kid_go(&b);
	CHECK(kid_result(&b) == 1);
	CHECK_EXITED(kid_reap(&b), 0);
	kid_go(&c);
	CHECK(kid_result(&c) == 1);
	CHECK_EXITED(kid_reap(&c), 0);
	CHECK(call_bp_func(41) == 42);
	kid_go(&a);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_STOP_BREAKPOINT, &e);
	CHECK_EQ(e.data[0], bp);
	close(t);
	kid_kill(&a);
}

static void mem_handle_esrch_after_exec(void)
{
	struct kid k = spawn_kid(body_exec_true, 0);
	int t = trace_attach(k.pid, 0);
	int fd = proc_file(k.pid, "mem", O_RDWR);
	CHECK(fd >= 0);
	unsigned char buf[8];
	CHECK(pread(fd, buf, sizeof buf, (off_t)U64(mem_area)) == (long)sizeof buf);
	trace_set(t, PTRACE_STOP_EXEC);
	kid_go(&k);
	struct ptrace_event e;
	EXPECT_EVENT(t, PTRACE_STOP_EXEC, &e);
	CHECK_ERR(pread(fd, buf, sizeof buf, (off_t)e.data[0]), ESRCH);
	CHECK_ERR(pwrite(fd, buf, 1, (off_t)e.data[0]), ESRCH);
	CHECK_ERR(pread(fd, buf, sizeof buf, (off_t)U64(mem_area)), ESRCH);
	int fd2 = proc_file(k.pid, "mem", O_RDONLY); /* a new handle sees the new image */
	CHECK(fd2 >= 0);
	CHECK(pread(fd2, buf, sizeof buf, (off_t)e.data[0]) == (long)sizeof buf);
	close(fd2);
	trace_set(t, 0);
	CHECK_EXITED(kid_reap(&k), 0);
	CHECK_ERR(pread(fd, buf, sizeof buf, (off_t)U64(mem_area)), ESRCH);
	close(fd);
}

static void mem_handle_esrch_after_exit(void)
{
	struct kid k = spawn_kid(body_nothing, 0);
	int fd = proc_file(k.pid, "mem", O_RDONLY);
	CHECK(fd >= 0);
	kid_go(&k);
	wait_until(k.pid, 'Z', ANY_SYSCALL);
	unsigned char buf[8];
	CHECK_ERR(pread(fd, buf, sizeof buf, (off_t)U64(mem_area)), ESRCH);
	CHECK_EXITED(kid_reap(&k), 0);
	CHECK_ERR(pread(fd, buf, sizeof buf, (off_t)U64(mem_area)), ESRCH);
	close(fd);
}

static const struct test tests[] = {
    T(mem_pread_reads_target_memory),
    T(mem_lseek_read_write),
    T(mem_read_write_across_page_boundaries),
    T(mem_transfer_stops_at_unmapped_page),
    T(mem_transfer_stops_at_inaccessible_page),
    T(mem_unmapped_first_byte_eio),
    T(mem_high_addresses_rejected),
    T(mem_address_zero_eio),
    T(mem_wrapping_lengths_no_crash),
    T(mem_write_needs_tracer_eperm),
    T(mem_write_text_gives_private_copy),
    T(mem_handle_esrch_after_exec),
    T(mem_handle_esrch_after_exit),
};

const struct test_area area_mem = TEST_AREA("mem", tests);
