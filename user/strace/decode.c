/* decode: a syscall's arguments and result as strace 6.1 prints them.
 *
 * Each call Procyon has (and a few common Linux ones) has a format string,
 * one letter per printed argument (see the table below); '>' splits the
 * arguments shown at the entry stop from those shown at the exit stop (the
 * buffers and structs the call fills). A call without a format prints its
 * arguments in hex, as strace's printargs does. */
#include "strace.h"
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Format letters:
 *  d int  l long  u unsigned long  U unsigned int  x hex  p pointer (NULL)
 *  f fd  a dirfd (AT_FDCWD)  s path  b buffer in (length: next argument)
 *  B buffer out (length: the result)  O open flags (+ mode with O_CREAT)
 *  m mode (octal)  S struct stat out  N struct utsname out  T timespec in
 *  R timespec out  P pipe fds out  W wait status out  w wait options
 *  g signal  h sigprocmask how  k sigset in  K sigset out  A sigaction in
 *  Z sigaction out  F fcntl command and argument  e lseek whence
 *  E AT_* flags  c access mode  C clock id  t clock_nanosleep flags
 *  I ioctl request and argument  v iovec in (count: next)  V iovec out
 *  D getdents64 out  G getcwd out  r mmap prot  y mmap flags
 *  j arch_prctl code  z O_CLOEXEC-style flags  L rlimit in  M rlimit out
 *  Y resource  Q struct statfs out  H faccessat2 flags  X fallocate mode */
static const char *const formats[SYSENT_MAX] = {
    [0] = "f>Bu",   [1] = "fbu",    [2] = "sO",      [3] = "f",       [4] = "s>S",   [5] = "f>S",
    [6] = "s>S",    [8] = "fle",    [9] = "puryfx",  [10] = "pur",    [11] = "pu",   [12] = "p",
    [13] = "gA>Zu", [14] = "hk>Ku", [16] = "fI",     [17] = "f>Bul",  [18] = "fbul", [19] = "f>Vd",
    [20] = "fvd",   [21] = "sc",    [22] = ">P",     [24] = "",       [32] = "f",    [33] = "ff",
    [34] = "",      [35] = "T>R",   [37] = "U",      [39] = "",       [57] = "",     [58] = "",
    [60] = "d",     [61] = "d>Wwp", [62] = "dg",     [63] = ">N",     [72] = "fF",   [79] = ">Gu",
    [80] = "s",     [81] = "f",     [82] = "ss",     [83] = "sm",     [84] = "s",    [85] = "sm",
    [86] = "ss",    [87] = "s",     [88] = "ss",     [90] = "sm",     [95] = "m",    [97] = "Y>M",
    [137] = "s>Q",  [138] = "f>Q",  [160] = "YL",    [302] = "dYL>M", [102] = "",    [104] = "",
    [105] = "U",    [106] = "U",    [107] = "",      [108] = "",      [109] = "dd",  [110] = "",
    [111] = "",     [112] = "",     [121] = "d",     [124] = "d",     [130] = "ku",  [158] = "jx",
    [186] = "",     [200] = "dg",   [217] = "f>Du",  [218] = "x",     [228] = "C>R", [231] = "d",
    [234] = "ddg",  [257] = "asO",  [262] = "as>SE", [74] = "f",      [75] = "f",    [77] = "fl",
    [73] = "fd",    [135] = "x",    [162] = "",      [255] = "fd",    [263] = "asE", [292] = "ffz",
    [293] = ">Pz",  [269] = "asc",  [439] = "ascH",  [285] = "fXll",  [306] = "f",   [273] = "pu",
};

#define AT_FDCWD_VAL (-100)

/* ------------------------------------------------------------------------ */
/* Small printers.                                                          */
/* ------------------------------------------------------------------------ */

/* "A|B|0x40" for the named bits of v; zero prints as zero_name. */
void fmt_flags(struct sbuf *b, uint64_t v, const struct flag *f, size_t n, const char *zero_name)
{
	if (!v) {
		sb_puts(b, zero_name);
		return;
	}
	const char *sep = "";
	for (size_t i = 0; i < n; i++)
		if (f[i].bit && (v & f[i].bit) == f[i].bit) {
			sb_printf(b, "%s%s", sep, f[i].name);
			v &= ~f[i].bit;
			sep = "|";
		}
	if (v)
		sb_printf(b, "%s%#lx", sep, (unsigned long)v);
}

/* The name of value v, or NULL. */
const char *xlookup(const struct flag *f, size_t n, uint64_t v)
{
	for (size_t i = 0; i < n; i++)
		if (f[i].bit == v)
			return f[i].name;
	return NULL;
}

void fmt_xval(struct sbuf *b, const struct flag *f, size_t n, uint64_t v, const char *unk)
{
	const char *s = xlookup(f, n, v);
	if (s)
		sb_puts(b, s);
	else
		sb_printf(b, unk, (unsigned long)v);
}

void fmt_ptr(struct sbuf *b, uint64_t v)
{
	if (v)
		sb_printf(b, "%#lx", (unsigned long)v);
	else
		sb_puts(b, "NULL");
}

static void fmt_fd(struct sbuf *b, struct tracee *t, int fd)
{
	char path[256];
	sb_long(b, fd);
	if (opt.yflag && fd >= 0 && fd_path(t, fd, path, sizeof path) > 0)
		sb_printf(b, "<%s>", path);
}

static void fmt_dirfd(struct sbuf *b, struct tracee *t, int fd)
{
	if (fd == AT_FDCWD_VAL)
		sb_puts(b, "AT_FDCWD");
	else
		fmt_fd(b, t, fd);
}

/* A NUL-terminated string of at most max bytes (max < 0: strsize). */
void fmt_str(struct sbuf *b, struct tracee *t, uint64_t addr, int max)
{
	if (!addr) {
		sb_puts(b, "NULL");
		return;
	}
	size_t lim = max < 0 ? (size_t)opt.strsize : (size_t)max;
	unsigned char *buf = malloc(lim + 1);
	if (!buf) {
		fmt_ptr(b, addr);
		return;
	}
	size_t got = 0;
	while (got < lim + 1) { /* page by page: a string may end before a hole */
		size_t chunk = 4096 - ((addr + got) & 4095);
		if (chunk > lim + 1 - got)
			chunk = lim + 1 - got;
		ssize_t n = peek(t, addr + got, buf + got, chunk);
		if (n <= 0)
			break;
		got += (size_t)n;
		if (memchr(buf + got - (size_t)n, 0, (size_t)n))
			break;
	}
	if (!got) {
		fmt_ptr(b, addr);
		free(buf);
		return;
	}
	unsigned char *nul = memchr(buf, 0, got);
	if (nul)
		sb_quote(b, buf, (size_t)(nul - buf), 0);
	else
		sb_quote(b, buf, got < lim ? got : lim, got > lim || got == lim);
	free(buf);
}

static void fmt_path(struct sbuf *b, struct tracee *t, uint64_t addr) { fmt_str(b, t, addr, 4096); }

/* len bytes at addr, shown up to strsize. */
static void fmt_buf(struct sbuf *b, struct tracee *t, uint64_t addr, uint64_t len)
{
	size_t want = len < (uint64_t)opt.strsize ? (size_t)len : (size_t)opt.strsize;
	unsigned char *buf = malloc(want + 1);
	ssize_t n = buf && want ? peek(t, addr, buf, want) : 0;
	if (!buf || n < 0 || (want && n < (ssize_t)want)) {
		fmt_ptr(b, addr);
		free(buf);
		return;
	}
	sb_quote(b, buf, want, len > want);
	free(buf);
}

/* Whether this call's structures are abbreviated: -e abbrev= (all by
 * default; -v is abbrev=none). */
int abbrev(const struct tracee *t)
{
	return t->nr >= SYSENT_MAX || nset_has(&opt.abbrev, (unsigned)t->nr);
}

int peek_all(struct tracee *t, uint64_t addr, void *buf, size_t len)
{
	return addr && peek(t, addr, buf, len) == (ssize_t)len;
}

/* In strace's order: O_SYNC before its O_DSYNC bit, O_TMPFILE (which
 * holds O_DIRECTORY's bit) before O_DIRECTORY, FASYNC last. */
static const struct flag open_flags[] = {
    {O_CREAT, "O_CREAT"},     {O_EXCL, "O_EXCL"},         {O_NOCTTY, "O_NOCTTY"},
    {O_TRUNC, "O_TRUNC"},     {O_APPEND, "O_APPEND"},     {O_NONBLOCK, "O_NONBLOCK"},
    {04010000, "O_SYNC"},     {O_DSYNC, "O_DSYNC"},       {O_DIRECT, "O_DIRECT"},
    {0100000, "O_LARGEFILE"}, {O_NOFOLLOW, "O_NOFOLLOW"}, {O_NOATIME, "O_NOATIME"},
    {O_CLOEXEC, "O_CLOEXEC"}, {04000000, "__O_SYNC"},     {O_PATH, "O_PATH"},
    {020200000, "O_TMPFILE"}, {020000000, "__O_TMPFILE"}, {O_DIRECTORY, "O_DIRECTORY"},
    {020000, "FASYNC"},
};

static void fmt_open_flags(struct sbuf *b, uint64_t v)
{
	static const char *const modes[] = {"O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE"};
	sb_puts(b, modes[v & 3]);
	v &= ~(uint64_t)3;
	if (v) {
		sb_puts(b, "|");
		fmt_flags(b, v, open_flags, NF(open_flags), "0");
	}
}

static void fmt_mode(struct sbuf *b, uint64_t v) { sb_printf(b, "%#03lo", (unsigned long)v); }

static const struct flag signal_flags_unused[] = {{0, ""}};

/* ------------------------------------------------------------------------ */
/* Structs.                                                                 */
/* ------------------------------------------------------------------------ */

struct kstat {
	uint64_t dev, ino, nlink;
	uint32_t mode, uid, gid, pad;
	uint64_t rdev;
	int64_t size, blksize, blocks;
	uint64_t atime, atime_ns, mtime, mtime_ns, ctime, ctime_ns;
	int64_t unused[3];
};

static void fmt_file_type(struct sbuf *b, uint32_t mode)
{
	static const struct flag types[] = {
	    {0140000, "S_IFSOCK"}, {0120000, "S_IFLNK"}, {0100000, "S_IFREG"}, {0060000, "S_IFBLK"},
	    {0040000, "S_IFDIR"},  {0020000, "S_IFCHR"}, {0010000, "S_IFIFO"},
	};
	const char *s = xlookup(types, NF(types), mode & 0170000);
	if (s)
		sb_printf(b, "%s|", s);
	else
		sb_printf(b, "%#o|", mode & 0170000);
	uint32_t rest = mode & 07777;
	if (rest & 07000) {
		static const struct flag special[] = {
		    {04000, "S_ISUID"}, {02000, "S_ISGID"}, {01000, "S_ISVTX"}};
		fmt_flags(b, rest & 07000, special, NF(special), "0");
		sb_printf(b, "|%#03o", rest & 0777);
	} else
		sb_printf(b, "%#03o", rest);
}

static void fmt_makedev(struct sbuf *b, uint64_t dev)
{
	unsigned maj = (unsigned)(((dev >> 32) & 0xfffff000) | ((dev >> 8) & 0xfff));
	unsigned min = (unsigned)(((dev >> 12) & 0xffffff00) | (dev & 0xff));
	sb_printf(b, "makedev(%#x, %#x)", maj, min);
}

static void fmt_time_comment(struct sbuf *b, uint64_t sec, uint64_t ns)
{
	time_t s = (time_t)sec;
	struct tm tm;
	char buf[64];
	if (gmtime_r(&s, &tm) && strftime(buf, sizeof buf, "%FT%T", &tm))
		sb_printf(b, " /* %s.%09lu+0000 */", buf, (unsigned long)ns);
}

static void fmt_stat(struct sbuf *b, struct tracee *t, uint64_t addr)
{
	struct kstat st;
	if (!peek_all(t, addr, &st, sizeof st)) {
		fmt_ptr(b, addr);
		return;
	}
	int is_dev = (st.mode & 0170000) == 0020000 || (st.mode & 0170000) == 0060000;
	if (abbrev(t)) {
		sb_puts(b, "{st_mode=");
		fmt_file_type(b, st.mode);
		if (is_dev) {
			sb_puts(b, ", st_rdev=");
			fmt_makedev(b, st.rdev);
		} else
			sb_printf(b, ", st_size=%ld", (long)st.size);
		sb_puts(b, ", ...}");
		return;
	}
	sb_puts(b, "{st_dev=");
	fmt_makedev(b, st.dev);
	sb_printf(b, ", st_ino=%lu, st_mode=", (unsigned long)st.ino);
	fmt_file_type(b, st.mode);
	sb_printf(b, ", st_nlink=%lu, st_uid=%u, st_gid=%u, st_blksize=%ld, st_blocks=%ld, ",
	          (unsigned long)st.nlink, st.uid, st.gid, (long)st.blksize, (long)st.blocks);
	if (is_dev) {
		sb_puts(b, "st_rdev=");
		fmt_makedev(b, st.rdev);
	} else
		sb_printf(b, "st_size=%ld", (long)st.size);
	const uint64_t tv[3][2] = {
	    {st.atime, st.atime_ns}, {st.mtime, st.mtime_ns}, {st.ctime, st.ctime_ns}};
	const char *const tn[3] = {"atime", "mtime", "ctime"};
	for (int i = 0; i < 3; i++) {
		sb_printf(b, ", st_%s=%lu", tn[i], (unsigned long)tv[i][0]);
		fmt_time_comment(b, tv[i][0], tv[i][1]);
		sb_printf(b, ", st_%s_nsec=%lu", tn[i], (unsigned long)tv[i][1]);
	}
	sb_puts(b, "}");
}

static void fmt_uname(struct sbuf *b, struct tracee *t, uint64_t addr)
{
	char u[6][65];
	if (!peek_all(t, addr, u, sizeof u)) {
		fmt_ptr(b, addr);
		return;
	}
	static const char *const names[] = {"sysname", "nodename", "release",
	                                    "version", "machine",  "domainname"};
	sb_puts(b, "{");
	for (int i = 0; i < (abbrev(t) ? 2 : 6); i++) {
		u[i][64] = 0;
		sb_printf(b, "%s%s=", i ? ", " : "", names[i]);
		sb_quote(b, (unsigned char *)u[i], strlen(u[i]), 0);
	}
	sb_puts(b, abbrev(t) ? ", ...}" : "}");
}

void fmt_timespec(struct sbuf *b, struct tracee *t, uint64_t addr)
{
	int64_t ts[2];
	if (!addr) {
		sb_puts(b, "NULL");
		return;
	}
	if (!peek_all(t, addr, ts, sizeof ts)) {
		fmt_ptr(b, addr);
		return;
	}
	sb_printf(b, "{tv_sec=%ld, tv_nsec=%ld}", (long)ts[0], (long)ts[1]);
}

static void fmt_timeval(struct sbuf *b, struct tracee *t, uint64_t addr)
{
	int64_t tv[2];
	if (!addr) {
		sb_puts(b, "NULL");
		return;
	}
	if (!peek_all(t, addr, tv, sizeof tv)) {
		fmt_ptr(b, addr);
		return;
	}
	sb_printf(b, "{tv_sec=%ld, tv_usec=%ld}", (long)tv[0], (long)tv[1]);
}

static void fmt_wait_status(struct sbuf *b, int s)
{
	if ((s & 0x7f) == 0)
		sb_printf(b, "[{WIFEXITED(s) && WEXITSTATUS(s) == %d}]", (s >> 8) & 0xff);
	else if ((s & 0xff) == 0x7f)
		sb_printf(b, "[{WIFSTOPPED(s) && WSTOPSIG(s) == %s}]",
		          signal_name((s >> 8) & 0xff));
	else if (s == 0xffff)
		sb_puts(b, "[{WIFCONTINUED(s)}]");
	else
		sb_printf(b, "[{WIFSIGNALED(s) && WTERMSIG(s) == %s%s}]", signal_name(s & 0x7f),
		          s & 0x80 ? " && WCOREDUMP(s)" : "");
}

static const struct flag sa_flags[] = {
    {0x04000000, "SA_RESTORER"}, {0x08000000, "SA_ONSTACK"},   {0x10000000, "SA_RESTART"},
    {0x40000000, "SA_NODEFER"},  {0x80000000, "SA_RESETHAND"}, {4, "SA_SIGINFO"},
    {1, "SA_NOCLDSTOP"},         {2, "SA_NOCLDWAIT"},
};

static void fmt_sigaction(struct sbuf *b, struct tracee *t, uint64_t addr)
{
	uint64_t sa[4]; /* handler, flags, restorer, mask */
	if (!addr) {
		sb_puts(b, "NULL");
		return;
	}
	if (!peek_all(t, addr, sa, sizeof sa)) {
		fmt_ptr(b, addr);
		return;
	}
	sb_puts(b, "{sa_handler=");
	if (sa[0] == 0)
		sb_puts(b, "SIG_DFL");
	else if (sa[0] == 1)
		sb_puts(b, "SIG_IGN");
	else
		sb_printf(b, "%#lx", (unsigned long)sa[0]);
	sb_puts(b, ", sa_mask=");
	fmt_sigset(b, &sa[3], 1);
	sb_puts(b, ", sa_flags=");
	fmt_flags(b, sa[1], sa_flags, NF(sa_flags), "0");
	if (sa[1] & 0x04000000)
		sb_printf(b, ", sa_restorer=%#lx", (unsigned long)sa[2]);
	sb_puts(b, "}");
}

static void fmt_sigset_at(struct sbuf *b, struct tracee *t, uint64_t addr, uint64_t size)
{
	uint64_t set;
	if (!addr) {
		sb_puts(b, "NULL");
		return;
	}
	if (size != 8 || !peek_all(t, addr, &set, sizeof set)) {
		fmt_ptr(b, addr);
		return;
	}
	fmt_sigset(b, &set, 1);
}

static void fmt_iovec(struct sbuf *b, struct tracee *t, uint64_t addr, uint64_t count,
                      int64_t total)
{
	uint64_t left = total < 0 ? UINT64_MAX : (uint64_t)total;
	sb_puts(b, "[");
	for (uint64_t i = 0; i < count; i++) {
		uint64_t iov[2];
		if (i == (uint64_t)opt.strsize) {
			sb_puts(b, ", ...");
			break;
		}
		if (!peek_all(t, addr + 16 * i, iov, sizeof iov)) {
			sb_printf(b, "%s... /* %#lx */", i ? ", " : "",
			          (unsigned long)(addr + 16 * i));
			break;
		}
		uint64_t len = iov[1] < left ? iov[1] : left;
		sb_printf(b, "%s{iov_base=", i ? ", " : "");
		fmt_buf(b, t, iov[0], len);
		left -= len;
		sb_printf(b, ", iov_len=%lu}", (unsigned long)iov[1]);
	}
	sb_puts(b, "]");
}

static void fmt_dirents(struct sbuf *b, struct tracee *t, uint64_t addr, int64_t ret)
{
	if (ret < 0) {
		fmt_ptr(b, addr);
		return;
	}
	unsigned char *buf = malloc((size_t)ret + 1);
	if (!buf || (ret && !peek_all(t, addr, buf, (size_t)ret))) {
		free(buf);
		fmt_ptr(b, addr);
		return;
	}
	int n = 0;
	for (int64_t off = 0; off + 19 <= ret;) {
		uint16_t reclen;
		memcpy(&reclen, buf + off + 16, 2);
		if (!reclen)
			break;
		n++;
		off += reclen;
	}
	if (abbrev(t)) {
		fmt_ptr(b, addr);
		sb_printf(b, " /* %d entries */", n);
		free(buf);
		return;
	}
	static const char *const dt[] = {"DT_UNKNOWN", "DT_FIFO", "DT_CHR", "?",      "DT_DIR",
	                                 "?",          "DT_BLK",  "?",      "DT_REG", "?",
	                                 "DT_LNK",     "?",       "DT_SOCK"};
	sb_puts(b, "[");
	int i = 0;
	for (int64_t off = 0; off + 19 <= ret; i++) {
		uint64_t ino, doff;
		uint16_t reclen;
		memcpy(&ino, buf + off, 8);
		memcpy(&doff, buf + off + 8, 8);
		memcpy(&reclen, buf + off + 16, 2);
		if (!reclen)
			break;
		unsigned type = buf[off + 18];
		const char *name = (const char *)buf + off + 19;
		size_t nl = strnlen(name, (size_t)(ret - off - 19));
		sb_printf(
		    b, "%s{d_ino=%lu, d_off=%lu, d_reclen=%u, d_type=%s, d_name=", i ? ", " : "",
		    (unsigned long)ino, (unsigned long)doff, reclen, type < 13 ? dt[type] : "?");
		sb_quote(b, (const unsigned char *)name, nl, 0);
		sb_puts(b, "}");
		off += reclen;
	}
	sb_puts(b, "]");
	free(buf);
}

/* ------------------------------------------------------------------------ */
/* Constants.                                                               */
/* ------------------------------------------------------------------------ */

static const struct flag prot_flags[] = {{1, "PROT_READ"},
                                         {2, "PROT_WRITE"},
                                         {4, "PROT_EXEC"},
                                         {0x1000000, "PROT_GROWSDOWN"},
                                         {0x2000000, "PROT_GROWSUP"}};
static const struct flag map_flags[] = {
    {0x10, "MAP_FIXED"},      {0x20, "MAP_ANONYMOUS"},
    {0x40, "MAP_32BIT"},      {0x100, "MAP_GROWSDOWN"},
    {0x800, "MAP_DENYWRITE"}, {0x1000, "MAP_EXECUTABLE"},
    {0x2000, "MAP_LOCKED"},   {0x4000, "MAP_NORESERVE"},
    {0x8000, "MAP_POPULATE"}, {0x10000, "MAP_NONBLOCK"},
    {0x20000, "MAP_STACK"},   {0x40000, "MAP_HUGETLB"},
    {0x80000, "MAP_SYNC"},    {0x100000, "MAP_FIXED_NOREPLACE"},
};
static const struct flag wait_flags[] = {{1, "WNOHANG"},          {2, "WSTOPPED"},
                                         {4, "WEXITED"},          {8, "WCONTINUED"},
                                         {0x01000000, "WNOWAIT"}, {0x20000000, "__WNOTHREAD"},
                                         {0x40000000, "__WALL"},  {0x80000000, "__WCLONE"}};
static const struct flag whences[] = {
    {0, "SEEK_SET"}, {1, "SEEK_CUR"}, {2, "SEEK_END"}, {3, "SEEK_DATA"}, {4, "SEEK_HOLE"}};
static const struct flag at_flags[] = {{0x100, "AT_SYMLINK_NOFOLLOW"}, {0x200, "AT_REMOVEDIR"},
                                       {0x400, "AT_SYMLINK_FOLLOW"},   {0x800, "AT_NO_AUTOMOUNT"},
                                       {0x1000, "AT_EMPTY_PATH"},      {0x8000, "AT_RECURSIVE"}};
static const struct flag access_modes[] = {{4, "R_OK"}, {2, "W_OK"}, {1, "X_OK"}};
static const struct flag clocks[] = {
    {0, "CLOCK_REALTIME"},          {1, "CLOCK_MONOTONIC"},     {2, "CLOCK_PROCESS_CPUTIME_ID"},
    {3, "CLOCK_THREAD_CPUTIME_ID"}, {4, "CLOCK_MONOTONIC_RAW"}, {5, "CLOCK_REALTIME_COARSE"},
    {6, "CLOCK_MONOTONIC_COARSE"},  {7, "CLOCK_BOOTTIME"},      {8, "CLOCK_REALTIME_ALARM"},
    {9, "CLOCK_BOOTTIME_ALARM"},    {11, "CLOCK_TAI"}};
static const struct flag hows[] = {{0, "SIG_BLOCK"}, {1, "SIG_UNBLOCK"}, {2, "SIG_SETMASK"}};
static const struct flag arch_codes[] = {{0x1001, "ARCH_SET_GS"},    {0x1002, "ARCH_SET_FS"},
                                         {0x1003, "ARCH_GET_FS"},    {0x1004, "ARCH_GET_GS"},
                                         {0x1011, "ARCH_GET_CPUID"}, {0x1012, "ARCH_SET_CPUID"}};
static const struct flag fcntl_cmds[] = {
    {0, "F_DUPFD"},         {1, "F_GETFD"},         {2, "F_SETFD"},
    {3, "F_GETFL"},         {4, "F_SETFL"},         {5, "F_GETLK"},
    {6, "F_SETLK"},         {7, "F_SETLKW"},        {8, "F_SETOWN"},
    {9, "F_GETOWN"},        {10, "F_SETSIG"},       {11, "F_GETSIG"},
    {15, "F_SETOWN_EX"},    {16, "F_GETOWN_EX"},    {1024, "F_SETLEASE"},
    {1025, "F_GETLEASE"},   {1026, "F_NOTIFY"},     {1030, "F_DUPFD_CLOEXEC"},
    {1031, "F_SETPIPE_SZ"}, {1032, "F_GETPIPE_SZ"}, {1033, "F_ADD_SEALS"},
    {1034, "F_GET_SEALS"}};
static const struct flag rlimits[] = {
    {0, "RLIMIT_CPU"},       {1, "RLIMIT_FSIZE"}, {2, "RLIMIT_DATA"},    {3, "RLIMIT_STACK"},
    {4, "RLIMIT_CORE"},      {5, "RLIMIT_RSS"},   {6, "RLIMIT_NPROC"},   {7, "RLIMIT_NOFILE"},
    {8, "RLIMIT_MEMLOCK"},   {9, "RLIMIT_AS"},    {10, "RLIMIT_LOCKS"},  {11, "RLIMIT_SIGPENDING"},
    {12, "RLIMIT_MSGQUEUE"}, {13, "RLIMIT_NICE"}, {14, "RLIMIT_RTPRIO"}, {15, "RLIMIT_RTTIME"}};
static void fmt_statfs(struct sbuf *b, struct tracee *t, uint64_t addr)
{
	static const struct flag types[] = {
	    {0xef53, "EXT2_SUPER_MAGIC"}, {0x01021994, "TMPFS_MAGIC"},
	    {0x9fa0, "PROC_SUPER_MAGIC"}, {0x858458f6, "RAMFS_MAGIC"},
	    {0x50495045, "PIPEFS_MAGIC"}, {0x62656572, "SYSFS_MAGIC"}};
	static const struct flag flags[] = {
	    {1, "ST_RDONLY"},      {2, "ST_NOSUID"},       {4, "ST_NODEV"},
	    {8, "ST_NOEXEC"},      {16, "ST_SYNCHRONOUS"}, {32, "ST_VALID"},
	    {64, "ST_MANDLOCK"},   {128, "ST_WRITE"},      {256, "ST_APPEND"},
	    {512, "ST_IMMUTABLE"}, {1024, "ST_NOATIME"},   {2048, "ST_NODIRATIME"},
	    {4096, "ST_RELATIME"}};
	struct {
		int64_t type, bsize;
		uint64_t blocks, bfree, bavail, files, ffree;
		int32_t fsid[2];
		int64_t namelen, frsize, flags, spare[4];
	} sf;
	if (!peek_all(t, addr, &sf, sizeof sf)) {
		fmt_ptr(b, addr);
		return;
	}
	sb_puts(b, "{f_type=");
	fmt_xval(b, types, NF(types), (uint64_t)sf.type, "%#lx");
	sb_printf(b,
	          ", f_bsize=%ld, f_blocks=%lu, f_bfree=%lu, f_bavail=%lu, f_files=%lu, "
	          "f_ffree=%lu, f_fsid={val=[",
	          (long)sf.bsize, (unsigned long)sf.blocks, (unsigned long)sf.bfree,
	          (unsigned long)sf.bavail, (unsigned long)sf.files, (unsigned long)sf.ffree);
	sb_printf(b, sf.fsid[0] ? "%#x, " : "%u, ", (unsigned)sf.fsid[0]);
	sb_printf(b, sf.fsid[1] ? "%#x]}" : "%u]}", (unsigned)sf.fsid[1]);
	sb_printf(b, ", f_namelen=%ld, f_frsize=%ld, f_flags=", (long)sf.namelen, (long)sf.frsize);
	fmt_flags(b, (uint64_t)sf.flags, flags, NF(flags), "0");
	sb_puts(b, "}");
}

static void fmt_rlim(struct sbuf *b, uint64_t v)
{
	if (v == UINT64_MAX)
		sb_puts(b, "RLIM64_INFINITY");
	else if (v && v % (1024 * 1024) == 0)
		sb_printf(b, "%lu*1024*1024", (unsigned long)(v / 1024 / 1024));
	else if (v && v % 1024 == 0)
		sb_printf(b, "%lu*1024", (unsigned long)(v / 1024));
	else
		sb_printf(b, "%lu", (unsigned long)v);
}

static void fmt_pollfds(struct sbuf *b, struct tracee *t, uint64_t addr, uint64_t n, int revents)
{
	static const struct flag pf[] = {
	    {1, "POLLIN"},         {2, "POLLPRI"},       {4, "POLLOUT"},
	    {8, "POLLERR"},        {0x10, "POLLHUP"},    {0x20, "POLLNVAL"},
	    {0x40, "POLLRDNORM"},  {0x80, "POLLRDBAND"}, {0x100, "POLLWRNORM"},
	    {0x200, "POLLWRBAND"}, {0x400, "POLLMSG"},   {0x2000, "POLLRDHUP"}};
	sb_puts(b, "[");
	int shown = 0;
	for (uint64_t i = 0; i < n; i++) {
		struct {
			int32_t fd;
			int16_t events, revents;
		} p;
		if (!peek_all(t, addr + 8 * i, &p, sizeof p))
			break;
		if (revents && !p.revents)
			continue;
		sb_printf(b, "%s{fd=", shown++ ? ", " : "");
		fmt_fd(b, t, p.fd);
		sb_puts(b, revents ? ", revents=" : ", events=");
		fmt_flags(b, (uint16_t)(revents ? p.revents : p.events), pf, NF(pf), "0");
		sb_puts(b, "}");
	}
	sb_puts(b, "]");
}

static void fmt_fdset(struct sbuf *b, struct tracee *t, uint64_t addr, int nfds)
{
	if (!addr) {
		sb_puts(b, "NULL");
		return;
	}
	uint64_t bits[16] = {0};
	size_t bytes = nfds > 0 ? (size_t)((nfds + 63) / 64) * 8 : 0;
	if (bytes > sizeof bits || (bytes && !peek_all(t, addr, bits, bytes))) {
		fmt_ptr(b, addr);
		return;
	}
	sb_puts(b, "[");
	const char *sep = "";
	for (int i = 0; i < nfds && i < 1024; i++)
		if ((bits[i / 64] >> (i % 64)) & 1) {
			sb_puts(b, sep);
			fmt_fd(b, t, i);
			sep = " ";
		}
	sb_puts(b, "]");
}

/* ------------------------------------------------------------------------ */
/* Generic argument printing.                                               */
/* ------------------------------------------------------------------------ */

const char *syscall_name(uint64_t nr, char *buf, size_t size)
{
	if (nr < SYSENT_MAX && sysents[nr].name)
		return sysents[nr].name;
	snprintf(buf, size, "syscall_%#lx", (unsigned long)nr);
	return buf;
}

static const char *format_of(const struct tracee *t)
{
	if (t->nr >= SYSENT_MAX || nset_has(&opt.raw, (unsigned)t->nr) || !formats[t->nr])
		return NULL;
	return formats[t->nr];
}

static int nargs_of(const struct tracee *t)
{
	return t->nr < SYSENT_MAX && sysents[t->nr].name ? sysents[t->nr].nargs : 6;
}

/* Print format letter c for argument *ai. Returns 0 if nothing was printed
 * (an argument left out, such as open's mode without O_CREAT). */
static int fmt_one(struct sbuf *b, struct tracee *t, char c, int *ai, int at_exit, int64_t ret)
{
	int i = *ai;
	uint64_t v = i < 6 ? t->args[i] : 0, next = i + 1 < 6 ? t->args[i + 1] : 0;
	int failed = at_exit && ret < 0 && ret >= -4095;
	*ai = i + 1;
	/* -e verbose=SET: outside the set, structures are not fetched, their
	 * addresses are shown (strings and buffers still are), as strace does. */
	if (t->nr < SYSENT_MAX && !nset_has(&opt.verbose, (unsigned)t->nr) && v &&
	    strchr("SNTRPWAkK", c)) {
		fmt_ptr(b, v);
		return 1;
	}
	switch (c) {
	case 'd': sb_long(b, (int)v); break;
	case 'l': sb_long(b, (long)v); break;
	case 'u': sb_printf(b, "%lu", (unsigned long)v); break;
	case 'U': sb_printf(b, "%u", (unsigned)v); break;
	case 'x': sb_printf(b, "%#lx", (unsigned long)v); break;
	case 'p': fmt_ptr(b, v); break;
	case 'f': fmt_fd(b, t, (int)v); break;
	case 'a': fmt_dirfd(b, t, (int)v); break;
	case 's': fmt_path(b, t, v); break;
	case 'b': fmt_buf(b, t, v, next); break;
	case 'B':
		if (failed || !v)
			fmt_ptr(b, v);
		else
			fmt_buf(b, t, v, (uint64_t)ret);
		break;
	case 'O':
		fmt_open_flags(b, v);
		if (v & (O_CREAT | 020000000)) { /* O_CREAT or __O_TMPFILE: a mode */
			sb_puts(b, ", ");
			fmt_mode(b, next);
		}
		*ai = i + 2;
		break;
	case 'm': fmt_mode(b, v); break;
	case 'S':
		if (failed)
			fmt_ptr(b, v);
		else
			fmt_stat(b, t, v);
		break;
	case 'N':
		if (failed)
			fmt_ptr(b, v);
		else
			fmt_uname(b, t, v);
		break;
	case 'T': fmt_timespec(b, t, v); break;
	case 'R':
		if (failed && v)
			fmt_ptr(b, v);
		else
			fmt_timespec(b, t, v);
		break;
	case 'P': {
		int32_t fds[2];
		if (failed || !peek_all(t, v, fds, sizeof fds)) {
			fmt_ptr(b, v);
			break;
		}
		sb_puts(b, "[");
		fmt_fd(b, t, fds[0]);
		sb_puts(b, ", ");
		fmt_fd(b, t, fds[1]);
		sb_puts(b, "]");
		break;
	}
	case 'W': {
		int32_t s;
		if (!v)
			sb_puts(b, "NULL");
		else if (failed || ret == 0 || !peek_all(t, v, &s, sizeof s))
			fmt_ptr(b, v);
		else
			fmt_wait_status(b, s);
		break;
	}
	case 'w': fmt_flags(b, (uint32_t)v, wait_flags, NF(wait_flags), "0"); break;
	case 'g':
		if ((int)v == 0)
			sb_puts(b, "0");
		else
			sb_puts(b, signal_name((int)v));
		break;
	case 'h': fmt_xval(b, hows, NF(hows), v, "%#lx /* SIG_??? */"); break;
	case 'k': fmt_sigset_at(b, t, v, t->args[3] ? t->args[3] : t->args[1]); break;
	case 'K':
		if (failed && v)
			fmt_ptr(b, v);
		else
			fmt_sigset_at(b, t, v, t->args[3]);
		break;
	case 'A': fmt_sigaction(b, t, v); break;
	case 'Z':
		if (failed && v)
			fmt_ptr(b, v);
		else
			fmt_sigaction(b, t, v);
		break;
	case 'F': {
		const char *n = xlookup(fcntl_cmds, NF(fcntl_cmds), (uint32_t)v);
		if (n)
			sb_puts(b, n);
		else
			sb_printf(b, "%#x /* F_??? */", (unsigned)v);
		switch ((int)v) {
		case 0:
		case 1030:
		case 8:
		case 10:
		case 1031: sb_printf(b, ", %ld", (long)next); break;
		case 2: sb_puts(b, ", "), sb_puts(b, (next & 1) ? "FD_CLOEXEC" : "0"); break;
		case 4: sb_puts(b, ", "), fmt_open_flags(b, next); break;
		case 1:
		case 3:
		case 9:
		case 11:
		case 1025:
		case 1032:
		case 1034: break;
		default: sb_printf(b, ", %#lx", (unsigned long)next);
		}
		*ai = i + 2;
		break;
	}
	case 'e': fmt_xval(b, whences, NF(whences), (uint32_t)v, "%#lx /* SEEK_??? */"); break;
	case 'E': fmt_flags(b, (uint32_t)v, at_flags, NF(at_flags), "0"); break;
	case 'c': fmt_flags(b, (uint32_t)v, access_modes, NF(access_modes), "F_OK"); break;
	case 'C': fmt_xval(b, clocks, NF(clocks), (uint32_t)v, "%#lx /* CLOCK_??? */"); break;
	case 't': sb_puts(b, v == 1 ? "TIMER_ABSTIME" : v ? "" : "0"); break;
	case 'I':
		fmt_ioctl_entry(b, t, v, next);
		*ai = i + 2;
		break;
	case 'v': fmt_iovec(b, t, v, next, -1); break;
	case 'V':
		if (failed)
			fmt_ptr(b, v);
		else
			fmt_iovec(b, t, v, next, ret);
		break;
	case 'D': fmt_dirents(b, t, v, failed ? -1 : ret); break;
	case 'G':
		if (failed || ret <= 0)
			fmt_ptr(b, v);
		else
			fmt_str(b, t, v, (int)ret);
		break;
	case 'r': fmt_flags(b, v, prot_flags, NF(prot_flags), "PROT_NONE"); break;
	case 'y': {
		static const char *const types[] = {"0", "MAP_SHARED", "MAP_PRIVATE",
		                                    "MAP_SHARED_VALIDATE"};
		sb_puts(b, types[v & 3]);
		if (v & ~(uint64_t)3) {
			sb_puts(b, "|");
			fmt_flags(b, v & ~(uint64_t)3, map_flags, NF(map_flags), "0");
		}
		break;
	}
	case 'j': fmt_xval(b, arch_codes, NF(arch_codes), v, "%#lx /* ARCH_??? */"); break;
	case 'z': fmt_flags(b, (uint32_t)v, open_flags, NF(open_flags), "0"); break;
	case 'Y': fmt_xval(b, rlimits, NF(rlimits), (uint32_t)v, "%#lx /* RLIMIT_??? */"); break;
	case 'H':
	case 'X': {
		static const struct flag acc[] = {{0x100, "AT_SYMLINK_NOFOLLOW"},
		                                  {0x200, "AT_EACCESS"},
		                                  {0x1000, "AT_EMPTY_PATH"}};
		static const struct flag fal[] = {
		    {1, "FALLOC_FL_KEEP_SIZE"},     {2, "FALLOC_FL_PUNCH_HOLE"},
		    {4, "FALLOC_FL_NO_HIDE_STALE"}, {8, "FALLOC_FL_COLLAPSE_RANGE"},
		    {16, "FALLOC_FL_ZERO_RANGE"},   {32, "FALLOC_FL_INSERT_RANGE"},
		    {64, "FALLOC_FL_UNSHARE_RANGE"}};
		const struct flag *tab = c == 'H' ? acc : fal;
		size_t n = c == 'H' ? NF(acc) : NF(fal);
		uint64_t named = 0;
		for (size_t k = 0; k < n; k++)
			named |= tab[k].bit;
		fmt_flags(b, (uint32_t)v, tab, n, "0");
		if ((uint32_t)v && !((uint32_t)v & named)) /* printflags: only unnamed bits */
			sb_puts(b, c == 'H' ? " /* AT_??? */" : " /* FALLOC_FL_??? */");
		break;
	}
	case 'Q':
		if (failed)
			fmt_ptr(b, v);
		else
			fmt_statfs(b, t, v);
		break;
	case 'L':
	case 'M': {
		uint64_t r[2];
		if (!v) {
			sb_puts(b, "NULL");
			break;
		}
		if (failed || !peek_all(t, v, r, sizeof r)) {
			fmt_ptr(b, v);
			break;
		}
		sb_puts(b, "{rlim_cur=");
		fmt_rlim(b, r[0]);
		sb_puts(b, ", rlim_max=");
		fmt_rlim(b, r[1]);
		sb_puts(b, "}");
		break;
	}
	default: sb_printf(b, "%#lx", (unsigned long)v);
	}
	return 1;
}

/* Format letters from..to of fmt, each preceded by ", " but the first
 * argument of the call. */
static void fmt_letters(struct sbuf *b, struct tracee *t, const char *fmt, int *ai, int first,
                        int at_exit, int64_t ret)
{
	for (const char *c = fmt; *c && *c != '>'; c++) {
		if (!first)
			sb_puts(b, ", ");
		first = 0;
		fmt_one(b, t, *c, ai, at_exit, ret);
	}
}

static void fmt_argv(struct sbuf *b, struct tracee *t, uint64_t addr, int is_env)
{
	if (!addr) {
		sb_puts(b, "NULL");
		return;
	}
	int n = 0;
	uint64_t p = 1;
	if (is_env && abbrev(t)) {
		while (n < 100000 && peek_all(t, addr + 8 * (uint64_t)n, &p, sizeof p) && p)
			n++;
		fmt_ptr(b, addr);
		if (!p)
			sb_printf(b, " /* %d var%s */", n, n == 1 ? "" : "s");
		return;
	}
	sb_puts(b, "[");
	for (;; n++) {
		if (!peek_all(t, addr + 8 * (uint64_t)n, &p, sizeof p)) {
			sb_printf(b, "%s%#lx", n ? ", " : "",
			          (unsigned long)(addr + 8 * (uint64_t)n));
			break;
		}
		if (!p)
			break;
		if (n == opt.strsize) {
			int more = 0;
			while (peek_all(t, addr + 8 * (uint64_t)(n + more), &p, sizeof p) && p)
				more++;
			sb_printf(b, ", ...");
			break;
		}
		if (n)
			sb_puts(b, ", ");
		fmt_str(b, t, p, -1);
	}
	sb_puts(b, "]");
}

void decode_entry(struct sbuf *b, struct tracee *t)
{
	char nb[32];
	int ai = 0;
	sb_clear(b);
	sb_puts(b, syscall_name(t->nr, nb, sizeof nb));
	sb_puts(b, "(");
	const char *fmt = format_of(t);
	if (t->nr < SYSENT_MAX && !nset_has(&opt.raw, (unsigned)t->nr))
		switch (t->nr) { /* threads.c */
		case 56: fmt_clone_entry(b, t); return;
		case 202: fmt_futex(b, t); return;
		case 274: sb_printf(b, "%d, ", (int)t->args[0]); return;
		default: break;
		}
	if (!fmt || nset_has(&opt.raw, (unsigned)t->nr)) {
		if (t->nr == 59 && !nset_has(&opt.raw, 59))
			goto execve;
		if (t->nr == 15 && !nset_has(&opt.raw, 15))
			return;     /* rt_sigreturn: at exit */
		if (t->nr == 219) { /* restart_syscall */
			sb_printf(b, "<... resuming interrupted %s ...>",
			          t->restart_nr ? syscall_name(t->restart_nr, nb, sizeof nb)
			                        : "call");
			return;
		}
		if ((t->nr == 7 || t->nr == 271) && !nset_has(&opt.raw, (unsigned)t->nr)) {
			fmt_pollfds(b, t, t->args[0], t->args[1], 0);
			sb_printf(b, ", %lu, ", (unsigned long)t->args[1]);
			if (t->nr == 7)
				sb_printf(b, "%d", (int)t->args[2]);
			else {
				fmt_timespec(b, t, t->args[2]);
				sb_puts(b, ", ");
				fmt_sigset_at(b, t, t->args[3], t->args[4]);
				sb_printf(b, ", %lu", (unsigned long)t->args[4]);
			}
			return;
		}
		if ((t->nr == 23 || t->nr == 270) && !nset_has(&opt.raw, (unsigned)t->nr)) {
			int n = (int)t->args[0];
			sb_printf(b, "%d, ", n);
			for (int i = 1; i < 4; i++) {
				fmt_fdset(b, t, t->args[i], n);
				sb_puts(b, ", ");
			}
			if (t->nr == 23)
				fmt_timeval(b, t, t->args[4]);
			else {
				fmt_timespec(b, t, t->args[4]);
				sb_puts(b, ", ");
				fmt_ptr(b, t->args[5]);
			}
			return;
		}
		if (t->nr == 230 && !nset_has(&opt.raw, 230)) {
			fmt_one(b, t, 'C', &ai, 0, 0);
			sb_puts(b, ", ");
			fmt_one(b, t, 't', &ai, 0, 0);
			sb_puts(b, ", ");
			fmt_one(b, t, 'T', &ai, 0, 0);
			sb_puts(b, ", ");
			return;
		}
		int n = nargs_of(t);
		for (int i = 0; i < n; i++)
			sb_printf(b, "%s%#lx", i ? ", " : "", (unsigned long)t->args[i]);
		return;
	}
	fmt_letters(b, t, fmt, &ai, 1, 0, 0);
	if (strchr(fmt, '>') && fmt[0] != '>')
		sb_puts(b, ", ");
	return;
execve:
	fmt_path(b, t, t->args[0]);
	sb_puts(b, ", ");
	if (!nset_has(&opt.verbose, 59)) { /* -e verbose=: the arrays' addresses */
		fmt_ptr(b, t->args[1]);
		sb_puts(b, ", ");
		fmt_ptr(b, t->args[2]);
		return;
	}
	fmt_argv(b, t, t->args[1], 0);
	sb_puts(b, ", ");
	fmt_argv(b, t, t->args[2], 1);
}

void fmt_ret_error(struct sbuf *b, int64_t ret)
{
	const char *name = errno_name(-ret);
	long e = (long)-ret;
	if (e >= 512 && e <= 530 && name)
		sb_printf(b, "? %s (%s)", name, errno_text(e));
	else if (name)
		sb_printf(b, "-1 %s (%s)", name, errno_text(e));
	else
		sb_printf(b, "-1 %ld (errno %ld)", e, e);
}

/* The result and what strace adds after it. */
static void fmt_result(struct sbuf *b, struct tracee *t, int64_t ret)
{
	uint64_t nr = t->nr;
	int raw = nr < SYSENT_MAX && nset_has(&opt.raw, (unsigned)nr);
	if (ret < 0 && ret >= -4095 && !(nr == 9 && 0)) {
		if (raw)
			sb_printf(b, "-1 (errno %ld)", (long)-ret);
		else
			fmt_ret_error(b, ret);
		return;
	}
	if (raw) {
		sb_printf(b, "%#lx", (unsigned long)ret);
		return;
	}
	switch (nr) {
	case 9:
	case 12: sb_printf(b, "%#lx", (unsigned long)ret); return;
	case 95: sb_printf(b, "%#03lo", (unsigned long)ret); return;
	case 72:
		if ((int)t->args[1] == 1 && ret) {
			sb_printf(b, "%#lx (flags ", (unsigned long)ret);
			sb_puts(b, (ret & 1) ? "FD_CLOEXEC" : "0");
			if (ret & ~1)
				sb_printf(b, "|%#lx", (unsigned long)(ret & ~1));
			sb_puts(b, ")");
			return;
		}
		if ((int)t->args[1] == 3) {
			sb_printf(b, "%#lx (flags ", (unsigned long)ret);
			fmt_open_flags(b, (uint64_t)ret);
			sb_puts(b, ")");
			return;
		}
		break;
	case 7:
	case 271:
		if (ret == 0) {
			sb_puts(b, "0 (Timeout)");
			return;
		}
		sb_printf(b, "%ld (", (long)ret);
		fmt_pollfds(b, t, t->args[0], t->args[1], 1);
		if (nr == 271 && t->args[2]) {
			sb_puts(b, ", left ");
			fmt_timespec(b, t, t->args[2]);
		}
		sb_puts(b, ")");
		return;
	case 23:
	case 270:
		if (ret == 0) {
			sb_puts(b, "0 (Timeout)");
			return;
		}
		sb_printf(b, "%ld (", (long)ret);
		{
			static const char *const kind[] = {"in", "out", "except"};
			const char *sep = "";
			for (int i = 1; i < 4; i++) {
				if (!t->args[i])
					continue;
				struct sbuf tmp;
				sb_clear(&tmp);
				fmt_fdset(&tmp, t, t->args[i], (int)t->args[0]);
				if (strcmp(tmp.s, "[]") == 0)
					continue;
				sb_printf(b, "%s%s %s", sep, kind[i - 1], tmp.s);
				sep = ", ";
			}
			if (t->args[4]) { /* the time left, as the kernel wrote it back */
				sb_printf(b, "%sleft ", sep);
				if (nr == 23)
					fmt_timeval(b, t, t->args[4]);
				else
					fmt_timespec(b, t, t->args[4]);
			}
		}
		sb_puts(b, ")");
		return;
	default: break;
	}
	if (opt.yflag && ret >= 0 && nr < SYSENT_MAX && (sysents[nr].cls & C_DESC) &&
	    (nr == 2 || nr == 257 || nr == 32 || nr == 33 || nr == 292 ||
	     (nr == 72 && ((int)t->args[1] == 0 || (int)t->args[1] == 1030)))) {
		fmt_fd(b, t, (int)ret);
		return;
	}
	sb_long(b, (long)ret);
}

void decode_exit(struct sbuf *b, struct tracee *t, int64_t ret)
{
	const char *fmt = format_of(t);
	if (t->nr == 15 && !nset_has(&opt.raw, 15)) {
		/* rt_sigreturn({mask=[...]}): the mask the frame restores */
		uint64_t regs[27], mask;
		if (t->args[5] || (peek_regs(t, regs, sizeof regs) == 0 &&
		                   peek_all(t, regs[19] + 296, &mask, sizeof mask))) {
			if (t->args[5])
				mask = t->args[4];
			sb_puts(b, "{mask=");
			fmt_sigset(b, &mask, 1);
			sb_puts(b, "}");
		}
	} else if (t->nr == 56 && !nset_has(&opt.raw, 56)) {
		fmt_clone_exit(b, t, ret);
	} else if (t->nr == 274 && !nset_has(&opt.raw, 274)) {
		fmt_get_robust_list_exit(b, t, ret);
	} else if (t->nr == 230 && !nset_has(&opt.raw, 230)) {
		int ai = 3;
		fmt_one(b, t, 'R', &ai, 1, ret);
	} else if (fmt && strchr(fmt, '>')) {
		const char *rest = strchr(fmt, '>') + 1;
		int ai = 0;
		for (const char *c = fmt; c < rest - 1; c++) /* skip the entry letters */
			ai += (*c == 'O' || *c == 'F' || *c == 'I') ? 2 : 1;
		fmt_letters(b, t, rest, &ai, 1, 1, ret);
	} else if (t->nr == 16 && fmt) {
		fmt_ioctl_exit(b, t, t->args[1], t->args[2], ret);
	}
	sb_puts(b, ")");
	(void)signal_flags_unused;
	t->entry_col = 0;
	(void)fmt_result;
}

/* Whether the call shows more than its result at the exit stop: a call
 * that never gets there (its thread killed in it) then reads
 * "... <unfinished ...>) = ?", as strace prints it. */
int decode_has_exit_part(const struct tracee *t)
{
	if (t->nr >= SYSENT_MAX || nset_has(&opt.raw, (unsigned)t->nr))
		return 0;
	switch (t->nr) {
	case 56: return clone_has_exit_part(t);
	case 16: return ioctl_has_exit_part(t->args[1]);
	case 7:
	case 23:
	case 230:
	case 270:
	case 271:
	case 274: return 1;
	default: break;
	}
	const char *fmt = format_of(t);
	return fmt && strchr(fmt, '>');
}

/* The result with its padding: called by main.c after decode_exit. */
void decode_result(struct sbuf *b, struct tracee *t, int64_t ret);
void decode_result(struct sbuf *b, struct tracee *t, int64_t ret) { fmt_result(b, t, ret); }

/* ------------------------------------------------------------------------ */
/* Signals.                                                                 */
/* ------------------------------------------------------------------------ */

static const char *si_code_name(int sig, int code, char *buf, size_t size)
{
	switch (code) {
	case 0: return "SI_USER";
	case 0x80: return "SI_KERNEL";
	case -1: return "SI_QUEUE";
	case -2: return "SI_TIMER";
	case -3: return "SI_MESGQ";
	case -4: return "SI_ASYNCIO";
	case -5: return "SI_SIGIO";
	case -6: return "SI_TKILL";
	default: break;
	}
	static const char *const chld[] = {"CLD_EXITED",  "CLD_KILLED",  "CLD_DUMPED",
	                                   "CLD_TRAPPED", "CLD_STOPPED", "CLD_CONTINUED"};
	static const char *const segv[] = {"SEGV_MAPERR", "SEGV_ACCERR", "SEGV_BNDERR",
	                                   "SEGV_PKUERR"};
	static const char *const ill[] = {"ILL_ILLOPC", "ILL_ILLOPN", "ILL_ILLADR", "ILL_ILLTRP",
	                                  "ILL_PRVOPC", "ILL_PRVREG", "ILL_COPROC", "ILL_BADSTK"};
	static const char *const fpe[] = {"FPE_INTDIV", "FPE_INTOVF", "FPE_FLTDIV", "FPE_FLTOVF",
	                                  "FPE_FLTUND", "FPE_FLTRES", "FPE_FLTINV", "FPE_FLTSUB"};
	static const char *const bus[] = {"BUS_ADRALN", "BUS_ADRERR", "BUS_OBJERR", "BUS_MCEERR_AR",
	                                  "BUS_MCEERR_AO"};
	static const char *const trap[] = {"TRAP_BRKPT", "TRAP_TRACE", "TRAP_BRANCH",
	                                   "TRAP_HWBKPT"};
	const char *const *tab = NULL;
	int n = 0;
	switch (sig) {
	case 17: tab = chld, n = 6; break;
	case 11: tab = segv, n = 4; break;
	case 4: tab = ill, n = 8; break;
	case 8: tab = fpe, n = 8; break;
	case 7: tab = bus, n = 5; break;
	case 5: tab = trap, n = 4; break;
	default: break;
	}
	if (tab && code >= 1 && code <= n)
		return tab[code - 1];
	snprintf(buf, size, "%d", code);
	return buf;
}

void decode_siginfo(struct sbuf *b, struct tracee *t, const struct ptrace_event *e)
{
	union {
		unsigned char raw[128];
		struct {
			int32_t signo, errno_, code, pad;
			union {
				struct {
					int32_t pid;
					uint32_t uid;
					int32_t status;
					int32_t pad2;
					int64_t utime, stime;
				} k;
				uint64_t addr;
			} u;
		} s;
	} si;
	char path[48], cb[16];
	memset(&si, 0, sizeof si);
	snprintf(path, sizeof path, "proc:%d/siginfo", t->pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int have = fd >= 0 && pread(fd, si.raw, sizeof si.raw, 0) == (ssize_t)sizeof si.raw &&
	           si.s.signo == (int32_t)e->data[0];
	if (fd >= 0)
		close(fd);
	if (!have) {
		si.s.signo = (int32_t)e->data[0];
		si.s.code = (int32_t)e->data[2];
		if (si.s.code > 0 && si.s.code != 0x80 && si.s.signo != 17)
			si.s.u.addr = e->data[3];
		else
			si.s.u.k.pid = (int32_t)e->data[3];
	}
	int sig = si.s.signo, code = si.s.code;
	sb_printf(b, "{si_signo=%s, si_code=%s", signal_name(sig),
	          si_code_name(sig, code, cb, sizeof cb));
	if (si.s.errno_)
		sb_printf(b, ", si_errno=%d", si.s.errno_);
	if (code <= 0 && code != -2) {
		sb_printf(b, ", si_pid=%d, si_uid=%u", si.s.u.k.pid, si.s.u.k.uid);
		if (code == -1 || code == -3)
			sb_printf(b, ", si_int=%d, si_ptr=%#x", si.s.u.k.status,
			          (unsigned)si.s.u.k.status);
	} else if (code == 0x80) {
		/* SI_KERNEL: nothing more */
	} else if (sig == 17) {
		sb_printf(b, ", si_pid=%d, si_uid=%u, si_status=", si.s.u.k.pid, si.s.u.k.uid);
		if (code == 1 || (code >= 3 && code <= 6 && code != 6) || code == 2)
			sb_puts(b, code == 1 ? "" : signal_name(si.s.u.k.status));
		if (code == 1)
			sb_printf(b, "%d", si.s.u.k.status);
		else if (code == 6)
			sb_puts(b, signal_name(si.s.u.k.status));
		sb_printf(b, ", si_utime=%ld, si_stime=%ld", (long)si.s.u.k.utime,
		          (long)si.s.u.k.stime);
	} else if (sig == 11 || sig == 4 || sig == 8 || sig == 7 || sig == 5) {
		sb_puts(b, ", si_addr=");
		fmt_ptr(b, si.s.u.addr);
	}
	sb_puts(b, "}");
}
