/* ktest: FIFOs in /tmp (mkfifo, mknod S_IFIFO): blocking opens as on
 * Linux (a reader waits for a writer, a writer for a reader), O_NONBLOCK
 * opens (read-only succeeds, write-only with no reader is ENXIO), O_RDWR
 * never waits, data flows like a pipe, an interrupted open is EINTR. */
#define _GNU_SOURCE
#include "ktest.h"

static char fifo_path[256];

static const char *make_fifo(const char *name)
{
	const char *d = kt_dir(name);
	snprintf(fifo_path, sizeof fifo_path, "%s/fifo", d);
	CHECK(mkfifo(fifo_path, 0644) == 0);
	return d;
}

static void fifo_mkfifo_mknod(void)
{
	const char *d = make_fifo("fifomk");
	struct stat st;
	char path[300];
	CHECK(stat(fifo_path, &st) == 0 && S_ISFIFO(st.st_mode) && (st.st_mode & 0777) == 0644);
	CHECK(st.st_size == 0 && st.st_nlink == 1);
	CHECK_ERR(mkfifo(fifo_path, 0644), EEXIST);
	snprintf(path, sizeof path, "%s/node", d);
	CHECK(mknod(path, S_IFIFO | 0600, 0) == 0);
	CHECK(lstat(path, &st) == 0 && S_ISFIFO(st.st_mode));
	snprintf(path, sizeof path, "%s/plain", d);
	CHECK(mknod(path, S_IFREG | 0600, 0) == 0);
	CHECK(lstat(path, &st) == 0 && S_ISREG(st.st_mode));
	CHECK(mknodat(AT_FDCWD, path, S_IFIFO | 0600, 0) == -1 && errno == EEXIST);
	snprintf(path, sizeof path, "%s/none/x", d);
	CHECK_ERR(mkfifo(path, 0644), ENOENT);
	DIR *dir = opendir(d);
	struct dirent *e;
	int fifos = 0;
	while ((e = readdir(dir)))
		fifos += e->d_type == DT_FIFO;
	closedir(dir);
	CHECK(fifos == 2);
	CHECK(check_tree(d) == 3);
	rm_tree(d);
}

static void fifo_nonblocking_opens(void)
{
	const char *d = make_fifo("fifonb");
	char buf[16];
	CHECK_ERR(open(fifo_path, O_WRONLY | O_NONBLOCK), ENXIO); /* no reader */
	int r = open(fifo_path, O_RDONLY | O_NONBLOCK);
	CHECK(r >= 0);
	CHECK(read(r, buf, sizeof buf) == 0); /* no writer: end of file */
	int w = open(fifo_path, O_WRONLY | O_NONBLOCK);
	CHECK(w >= 0);
	CHECK_ERR(read(r, buf, sizeof buf), EAGAIN); /* a writer, no data */
	CHECK(write(w, "data", 4) == 4);
	struct pollfd pf = {r, POLLIN, 0};
	CHECK(poll(&pf, 1, 1000) == 1 && (pf.revents & POLLIN));
	CHECK(read(r, buf, sizeof buf) == 4 && memcmp(buf, "data", 4) == 0);
	CHECK_ERR(lseek(r, 0, SEEK_SET), ESPIPE);
	struct stat st;
	CHECK(fstat(r, &st) == 0 && S_ISFIFO(st.st_mode));
	close(w);
	CHECK(read(r, buf, sizeof buf) == 0);
	close(r);
	/* O_RDWR never waits, and is its own reader and writer */
	int rw = open(fifo_path, O_RDWR);
	CHECK(rw >= 0);
	CHECK(write(rw, "self", 4) == 4);
	CHECK(read(rw, buf, sizeof buf) == 4);
	close(rw);
	rm_tree(d);
}

static void fifo_writer_waits_for_reader(void)
{
	const char *d = make_fifo("fifow");
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		int w = open(fifo_path, O_WRONLY); /* blocks until the reader comes */
		_exit(w >= 0 && write(w, "hi", 2) == 2 ? 0 : 1);
	}
	sleep_ms(150);
	int status;
	CHECK(waitpid(pid, &status, WNOHANG) == 0); /* still waiting in open */
	int r = open(fifo_path, O_RDONLY);
	CHECK(r >= 0);
	char buf[8];
	CHECK(read(r, buf, sizeof buf) == 2 && memcmp(buf, "hi", 2) == 0);
	CHECK_EXITED(wait_for(pid), 0);
	CHECK(read(r, buf, sizeof buf) == 0);
	close(r);
	rm_tree(d);
}

static void fifo_reader_waits_for_writer(void)
{
	const char *d = make_fifo("fifor");
	int p[2];
	CHECK(pipe(p) == 0);
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		int r = open(fifo_path, O_RDONLY); /* blocks until a writer comes */
		char buf[8];
		ssize_t n = r >= 0 ? read(r, buf, sizeof buf) : -1;
		_exit(n == 3 && memcmp(buf, "abc", 3) == 0 ? 0 : 1);
	}
	close(p[1]);
	sleep_ms(150);
	int status;
	CHECK(waitpid(pid, &status, WNOHANG) == 0);
	int w = open(fifo_path, O_WRONLY);
	CHECK(w >= 0);
	CHECK(write(w, "abc", 3) == 3);
	CHECK_EXITED(wait_for(pid), 0);
	close(w);
	rm_tree(d);
}

static void fifo_open_interrupted_eintr(void)
{
	const char *d = make_fifo("fifointr");
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		set_handler(SIGUSR1, record_handler, 0); /* no SA_RESTART */
		int r = open(fifo_path, O_RDONLY);
		_exit(r == -1 && errno == EINTR && got_sig == SIGUSR1 ? 0 : 1);
	}
	sleep_ms(150);
	CHECK(kill(pid, SIGUSR1) == 0);
	CHECK_EXITED(wait_for(pid), 0);
	/* nothing stayed attached: a non-blocking writer still finds no reader */
	CHECK_ERR(open(fifo_path, O_WRONLY | O_NONBLOCK), ENXIO);
	rm_tree(d);
}

static void fifo_unlinked_while_open(void)
{
	const char *d = make_fifo("fifoul");
	int rw = open(fifo_path, O_RDWR);
	CHECK(rw >= 0);
	CHECK(unlink(fifo_path) == 0);
	char buf[8];
	CHECK(write(rw, "still", 5) == 5);
	CHECK(read(rw, buf, sizeof buf) == 5);
	close(rw);
	CHECK(check_tree(d) == 0);
	rm_tree(d);
}

static const struct test tests[] = {T(fifo_mkfifo_mknod),
                                    T(fifo_nonblocking_opens),
                                    T(fifo_writer_waits_for_reader),
                                    T(fifo_reader_waits_for_writer),
                                    T(fifo_open_interrupted_eintr),
                                    T(fifo_unlinked_while_open)};
const struct test_area area_fifo = TEST_AREA("fifo", tests);
