/* Host unit test for kernel/fs/scheme_pipe.c (unity build with scheme.c and
 * file.c). waitq_sleep is a stub that runs a test hook standing in for the
 * other end (or reports a signal: -EINTR), so blocking paths run in one
 * thread. Covers data order across the ring's wrap, EOF, EPIPE/SIGPIPE,
 * O_NONBLOCK, PIPE_BUF atomicity, EINTR, EFAULT, poll bits and freeing. */
#include "fs_host.h"
#include "../../kernel/fs/scheme.c"
#include "../../kernel/fs/file.c"
#include "../../kernel/fs/scheme_pipe.c"

static struct proc me;
static struct tgroup my_group = {.leader = &me}; /* a process of one thread */
static struct proc me = {.tg = &my_group};
struct proc *current = &me;
static int last_signal, signals_sent, sleeps, wakes;
static int (*sleep_hook)(void); /* what "another process" does; NULL: -EINTR */

static int last_code, last_sender;

int signal_send_thread(struct proc *p, const struct ksiginfo *info)
{
	CHECK(p == current);
	last_signal = info->signo;
	last_code = info->code;
	last_sender = info->pid;
	signals_sent++;
	return 0;
}

int waitq_sleep(struct waitq *q)
{
	(void)q;
	sleeps++;
	if (sleeps > 1000) {
		printf("Bail out! sleeping forever\n");
		exit(2);
	}
	return sleep_hook ? sleep_hook() : -EINTR;
}

void waitq_wake(struct waitq *q)
{
	(void)q;
	wakes++;
}

static struct file *rd_end, *wr_end;
static long base_allocs;

static void make(void)
{
	base_allocs = fs_host_allocs;
	sleep_hook = NULL;
	sleeps = wakes = signals_sent = last_signal = 0;
	CHECK_EQ(pipe_create(&rd_end, &wr_end), 0);
}

static void done(void)
{
	if (rd_end)
		file_put(rd_end);
	if (wr_end)
		file_put(wr_end);
	rd_end = wr_end = NULL;
	CHECK_EQ(fs_host_allocs, base_allocs);
}

static long pw(const void *buf, size_t n)
{
	return wr_end->ops->write(wr_end, U(buf), n, &wr_end->off);
}

static long pr(void *buf, size_t n) { return rd_end->ops->read(rd_end, U(buf), n, &rd_end->off); }

TEST(ends_and_stat)
{
	make();
	CHECK_EQ(rd_end->flags & O_ACCMODE, O_RDONLY);
	CHECK_EQ(wr_end->flags & O_ACCMODE, O_WRONLY);
	struct kstat a, b;
	CHECK_EQ(rd_end->ops->stat(rd_end, &a), 0);
	CHECK_EQ(wr_end->ops->stat(wr_end, &b), 0);
	CHECK_EQ(a.mode & S_IFMT, S_IFIFO);
	CHECK_EQ(a.ino, b.ino);
	char c = 'x';
	CHECK_EQ(rd_end->ops->write(rd_end, U(&c), 1, &rd_end->off), -EBADF);
	CHECK_EQ(wr_end->ops->read(wr_end, U(&c), 1, &wr_end->off), -EBADF);
	done();
	struct file *f;
	pipe_scheme_init();
	CHECK_EQ(file_open("pipe:", O_RDONLY, 0, &f), -ENOENT);
}

TEST(write_then_read)
{
	make();
	CHECK_EQ(pw("hello world", 11), 11);
	CHECK(wakes > 0);
	char buf[16] = {0};
	CHECK_EQ(pr(buf, 5), 5);
	CHECK(memcmp(buf, "hello", 5) == 0);
	CHECK_EQ(pr(buf, sizeof buf), 6); /* the rest stays for the next read */
	CHECK(memcmp(buf, " world", 6) == 0);
	CHECK_EQ(pr(buf, 0), 0);
	done();
}

TEST(empty_read_blocks)
{
	char buf[8];
	make();
	rd_end->flags |= O_NONBLOCK;
	CHECK_EQ(pr(buf, sizeof buf), -EAGAIN);
	CHECK_EQ(sleeps, 0);
	rd_end->flags &= ~O_NONBLOCK;
	CHECK_EQ(pr(buf, sizeof buf), -EINTR); /* the stub reports a signal */
	CHECK_EQ(sleeps, 1);
	done();
}

static int hook_write_abc(void)
{
	CHECK_EQ(pw("abc", 3), 3);
	return 0;
}

TEST(blocked_read_gets_data)
{
	char buf[8] = {0};
	make();
	sleep_hook = hook_write_abc;
	CHECK_EQ(pr(buf, sizeof buf), 3);
	CHECK(memcmp(buf, "abc", 3) == 0);
	CHECK_EQ(sleeps, 1);
	done();
}

static int hook_close_writer(void)
{
	file_put(wr_end);
	wr_end = NULL;
	return 0;
}

TEST(eof_when_writers_gone)
{
	char buf[8];
	make();
	CHECK_EQ(pw("xy", 2), 2);
	sleep_hook = hook_close_writer;
	CHECK_EQ(pr(buf, 1), 1);
	CHECK_EQ(pr(buf, 8), 1); /* data before EOF */
	CHECK_EQ(rd_end->ops->poll(rd_end, POLLIN), 0);
	CHECK_EQ(pr(buf, 8), 0); /* writer closed while we slept: EOF */
	CHECK_EQ(rd_end->ops->poll(rd_end, POLLIN), POLLHUP);
	CHECK_EQ(pr(buf, 8), 0);
	CHECK_EQ(sleeps, 1);
	done();
}

TEST(no_readers_epipe)
{
	make();
	file_put(rd_end);
	rd_end = NULL;
	CHECK_EQ(pw("x", 1), -EPIPE);
	CHECK_EQ(last_signal, SIGPIPE);
	CHECK_EQ(last_code, SI_USER); /* as Linux's send_sig: the writer itself sent it */
	CHECK_EQ(last_sender, current->pid);
	CHECK_EQ(signals_sent, 1);
	CHECK_EQ(wr_end->ops->poll(wr_end, POLLOUT), POLLERR);
	done();
}

TEST(full_ring_and_wrap)
{
	static uint8_t out[PIPE_SIZE + 1000], in[PIPE_SIZE + 1000];
	for (size_t i = 0; i < sizeof out; i++)
		out[i] = (uint8_t)(i * 7 + i / 251);
	make();
	wr_end->flags |= O_NONBLOCK;
	CHECK_EQ(wr_end->ops->poll(wr_end, POLLOUT), POLLOUT);
	CHECK_EQ(pw(out, PIPE_SIZE), PIPE_SIZE);
	CHECK_EQ(pw(out, 1), -EAGAIN);
	CHECK_EQ(wr_end->ops->poll(wr_end, POLLOUT), 0);
	CHECK_EQ(rd_end->ops->poll(rd_end, POLLIN), POLLIN);
	CHECK_EQ(pr(in, 1000), 1000);
	CHECK_EQ(wr_end->ops->poll(wr_end, POLLOUT), 0); /* less than PIPE_BUF free */
	CHECK_EQ(pw(out + PIPE_SIZE, 1000), 1000);       /* wraps around the ring end */
	CHECK_EQ(pr(in + 1000, PIPE_SIZE), PIPE_SIZE);   /* one read across the wrap */
	CHECK(memcmp(in, out, sizeof in) == 0);
	CHECK_EQ(pr(in, sizeof in), -EINTR); /* empty again: blocks (the stub: a signal) */
	done();
}

TEST(pipe_buf_atomicity)
{
	static uint8_t data[2 * PIPE_SIZE];
	char sink[PIPE_SIZE];
	make();
	wr_end->flags |= O_NONBLOCK;
	CHECK_EQ(pw(data, PIPE_SIZE - PIPE_BUF + 1), PIPE_SIZE - PIPE_BUF + 1);
	/* PIPE_BUF - 1 bytes free: a PIPE_BUF write is all or nothing. */
	CHECK_EQ(pw(data, PIPE_BUF), -EAGAIN);
	CHECK_EQ(pw(data, PIPE_BUF - 1), PIPE_BUF - 1);
	CHECK_EQ(pr(sink, sizeof sink), PIPE_SIZE);
	/* A large write may be split: it takes what fits. */
	CHECK_EQ(pw(data, PIPE_SIZE - 100), PIPE_SIZE - 100);
	CHECK_EQ(pw(data, sizeof data), 100);
	CHECK_EQ(pr(sink, sizeof sink), PIPE_SIZE);
	done();
}

static int hook_drain(void)
{
	static char sink[PIPE_SIZE];
	CHECK(pr(sink, sizeof sink) > 0);
	return 0;
}

TEST(blocked_write_completes)
{
	static uint8_t data[PIPE_SIZE * 2 + 123];
	make();
	sleep_hook = hook_drain;
	CHECK_EQ(pw(data, sizeof data), (long)sizeof data);
	CHECK_EQ(sleeps, 2);
	char sink[200];
	CHECK_EQ(pr(sink, sizeof sink), 123);
	done();
}

TEST(interrupted_write_returns_progress)
{
	static uint8_t data[PIPE_SIZE + 10];
	make();
	CHECK_EQ(pw(data, sizeof data), PIPE_SIZE); /* stub sleep: -EINTR after a full ring */
	CHECK_EQ(sleeps, 1);
	CHECK_EQ(pw(data, 1), -EINTR);
	done();
}

TEST(bad_buffers)
{
	char buf[4];
	make();
	CHECK_EQ(wr_end->ops->write(wr_end, 0x100, 4, &wr_end->off), -EFAULT);
	CHECK_EQ(pw("abcd", 4), 4);
	CHECK_EQ(rd_end->ops->read(rd_end, 0x100, 4, &rd_end->off), -EFAULT);
	CHECK_EQ(pr(buf, 4), 4); /* a failed read consumed nothing */
	CHECK(memcmp(buf, "abcd", 4) == 0);
	done();
}

TEST(kernel_buffer_read)
{
	char buf[8] = {0};
	make();
	CHECK_EQ(pw("kern", 4), 4);
	CHECK_EQ(file_read_kernel(rd_end, buf, sizeof buf, 0), 4);
	CHECK(memcmp(buf, "kern", 4) == 0);
	done();
}

int main(void) { return tap_main(); }
