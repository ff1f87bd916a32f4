/* sh: the Procyon shell. Reads command lines from stdin, `-c STRING` or a
 * script file; supports quotes, $VAR/$?/$$ expansion, pipelines, < > >>
 * redirections, `;`, background `&`, comments and a few builtins. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define LINE_MAX_LEN 4096
#define MAX_TOKENS 512
#define ARENA_SIZE 32768
#define MAX_ARGS 128
#define MAX_REDIRS 16
#define MAX_PIPE 32

enum tok_kind { T_WORD, T_PIPE, T_LT, T_GT, T_GTGT, T_AMP, T_SEMI };

struct token {
	enum tok_kind kind;
	char *text;
};

struct redir {
	enum tok_kind kind;
	const char *path;
};

struct command {
	char *argv[MAX_ARGS + 1];
	int argc;
	struct redir redirs[MAX_REDIRS];
	int n_redirs;
};

extern char **environ;

static int last_status;
static int interactive;

/* ---- tokenizer ---- */

struct lexer {
	const char *p;
	char arena[ARENA_SIZE];
	size_t used;
	int overflow;
};

static void put_char(struct lexer *lx, char c)
{
	if (lx->used < ARENA_SIZE - 1)
		lx->arena[lx->used++] = c;
	else
		lx->overflow = 1;
}

static void put_str(struct lexer *lx, const char *s)
{
	while (*s)
		put_char(lx, *s++);
}

static int is_name_char(char c, int first)
{
	if (c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return 1;
	return !first && c >= '0' && c <= '9';
}

/* Expand the `$...` at lx->p (which points just past the '$'). */
static void expand_dollar(struct lexer *lx)
{
	char num[24], name[128];
	size_t n = 0;
	int braced = *lx->p == '{';
	if (*lx->p == '?' || *lx->p == '$') {
		snprintf(num, sizeof(num), "%d", *lx->p == '?' ? last_status : (int)getpid());
		put_str(lx, num);
		lx->p++;
		return;
	}
	const char *q = lx->p + braced;
	while (is_name_char(*q, n == 0) && n < sizeof(name) - 1)
		name[n++] = *q++;
	name[n] = '\0';
	if (n == 0 || (braced && *q != '}')) {
		put_char(lx, '$');
		return;
	}
	lx->p = q + braced;
	const char *val = getenv(name);
	if (val)
		put_str(lx, val);
}

static int is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static int is_op(char c) { return c == '|' || c == '<' || c == '>' || c == '&' || c == ';'; }

/* Copy a double-quoted section; lx->p is just past the opening quote. */
static int lex_double_quoted(struct lexer *lx)
{
	while (*lx->p && *lx->p != '"') {
		char c = *lx->p++;
		if (c == '\\' && (*lx->p == '"' || *lx->p == '\\' || *lx->p == '$'))
			put_char(lx, *lx->p++);
		else if (c == '$')
			expand_dollar(lx);
		else
			put_char(lx, c);
	}
	if (*lx->p != '"')
		return -1;
	lx->p++;
	return 0;
}

/* Lex one word at lx->p into the arena. Returns 1 if the word should be
 * kept (non-empty or quoted), 0 if it expanded to nothing, -1 on error. */
static int lex_word(struct lexer *lx)
{
	int quoted = 0;
	size_t start = lx->used;
	while (*lx->p && !is_blank(*lx->p) && !is_op(*lx->p)) {
		char c = *lx->p++;
		if (c == '\'') {
			quoted = 1;
			while (*lx->p && *lx->p != '\'')
				put_char(lx, *lx->p++);
			if (*lx->p != '\'')
				return -1;
			lx->p++;
		} else if (c == '"') {
			quoted = 1;
			if (lex_double_quoted(lx) < 0)
				return -1;
		} else if (c == '\\' && *lx->p) {
			put_char(lx, *lx->p++);
		} else if (c == '$') {
			expand_dollar(lx);
		} else {
			put_char(lx, c);
		}
	}
	put_char(lx, '\0');
	return quoted || lx->used - start > 1;
}

static enum tok_kind lex_op(struct lexer *lx)
{
	char c = *lx->p++;
	switch (c) {
	case '|': return T_PIPE;
	case '<': return T_LT;
	case '&': return T_AMP;
	case ';': return T_SEMI;
	default:
		if (*lx->p == '>') {
			lx->p++;
			return T_GTGT;
		}
		return T_GT;
	}
}

/* Tokenize from lx->p up to and including the next `;` or `&` (or the end
 * of the line), so that `$?` and `$VAR` see the effect of earlier commands.
 * Returns the token count (0 at end of line) or -1 after printing an error. */
static int tokenize_next(struct lexer *lx, struct token *toks)
{
	int n = 0;
	lx->used = 0;
	lx->overflow = 0;
	for (;;) {
		while (is_blank(*lx->p))
			lx->p++;
		if (*lx->p == '\0' || *lx->p == '#')
			break;
		if (n == MAX_TOKENS) {
			fprintf(stderr, "sh: line has too many words\n");
			return -1;
		}
		if (is_op(*lx->p)) {
			toks[n].kind = lex_op(lx);
			if (toks[n++].kind == T_SEMI || toks[n - 1].kind == T_AMP)
				break;
			continue;
		}
		char *text = lx->arena + lx->used;
		int r = lex_word(lx);
		if (r < 0) {
			fprintf(stderr, "sh: syntax error: unterminated quote\n");
			return -1;
		}
		if (r > 0)
			toks[n++] = (struct token){T_WORD, text};
	}
	if (lx->overflow) {
		fprintf(stderr, "sh: line too long after expansion\n");
		return -1;
	}
	return n;
}

/* ---- parsing ---- */

static const char *tok_name(enum tok_kind k)
{
	static const char *names[] = {"word", "|", "<", ">", ">>", "&", ";"};
	return names[k];
}

static int syntax_error(const struct token *t)
{
	fprintf(stderr, "sh: syntax error near '%s'\n", t ? tok_name(t->kind) : "end of line");
	return -1;
}

/* Parse toks[0..n) (no | ; &) into one command. */
static int parse_command(struct token *toks, int n, struct command *cmd)
{
	cmd->argc = 0;
	cmd->n_redirs = 0;
	for (int i = 0; i < n; i++) {
		if (toks[i].kind == T_WORD) {
			if (cmd->argc == MAX_ARGS) {
				fprintf(stderr, "sh: too many arguments\n");
				return -1;
			}
			cmd->argv[cmd->argc++] = toks[i].text;
			continue;
		}
		if (i + 1 >= n || toks[i + 1].kind != T_WORD)
			return syntax_error(i + 1 < n ? &toks[i + 1] : NULL);
		if (cmd->n_redirs == MAX_REDIRS) {
			fprintf(stderr, "sh: too many redirections\n");
			return -1;
		}
		cmd->redirs[cmd->n_redirs++] = (struct redir){toks[i].kind, toks[i + 1].text};
		i++;
	}
	cmd->argv[cmd->argc] = NULL;
	return 0;
}

/* Parse a pipeline toks[0..n) into cmds; returns the command count or -1. */
static int parse_pipeline(struct token *toks, int n, struct command *cmds)
{
	int count = 0, start = 0;
	for (int i = 0; i <= n; i++) {
		if (i < n && toks[i].kind != T_PIPE)
			continue;
		if (count == MAX_PIPE) {
			fprintf(stderr, "sh: pipeline too long\n");
			return -1;
		}
		if (parse_command(toks + start, i - start, &cmds[count]) < 0)
			return -1;
		if (cmds[count].argc == 0 && cmds[count].n_redirs == 0)
			return syntax_error(i < n ? &toks[i] : NULL);
		count++;
		start = i + 1;
	}
	return count;
}

/* ---- execution ---- */

static int status_code(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return 1;
}

/* Apply redirections in order; returns 0 or -1 after printing an error. */
static int apply_redirs(const struct command *cmd)
{
	for (int i = 0; i < cmd->n_redirs; i++) {
		const struct redir *r = &cmd->redirs[i];
		int flags = O_RDONLY, target = 0;
		if (r->kind == T_GT)
			flags = O_WRONLY | O_CREAT | O_TRUNC, target = 1;
		else if (r->kind == T_GTGT)
			flags = O_WRONLY | O_CREAT | O_APPEND, target = 1;
		int fd = open(r->path, flags, 0644);
		if (fd < 0) {
			fprintf(stderr, "sh: %s: %s\n", r->path, strerror(errno));
			return -1;
		}
		if (fd != target) {
			dup2(fd, target);
			close(fd);
		}
	}
	return 0;
}

static int builtin_cd(struct command *cmd)
{
	const char *dir = cmd->argc > 1 ? cmd->argv[1] : getenv("HOME");
	if (!dir)
		dir = "/";
	if (chdir(dir) < 0) {
		fprintf(stderr, "sh: cd: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	return 0;
}

static int builtin_pwd(void)
{
	char buf[4096];
	if (!getcwd(buf, sizeof(buf))) {
		fprintf(stderr, "sh: pwd: %s\n", strerror(errno));
		return 1;
	}
	printf("%s\n", buf);
	fflush(stdout);
	return 0;
}

static int builtin_export(struct command *cmd)
{
	int rc = 0;
	for (int i = 1; i < cmd->argc; i++) {
		char *eq = strchr(cmd->argv[i], '=');
		if (!eq) {
			if (!getenv(cmd->argv[i]) && setenv(cmd->argv[i], "", 1) < 0)
				rc = 1;
			continue;
		}
		*eq = '\0';
		if (eq == cmd->argv[i] || setenv(cmd->argv[i], eq + 1, 1) < 0) {
			fprintf(stderr, "sh: export: bad variable name '%s'\n", cmd->argv[i]);
			rc = 1;
		}
		*eq = '=';
	}
	return rc;
}

static int builtin_exit(struct command *cmd)
{
	fflush(stdout);
	exit(cmd->argc > 1 ? atoi(cmd->argv[1]) & 0xff : last_status);
}

static int is_builtin(const struct command *cmd)
{
	static const char *names[] = {"cd", "pwd", "export", "exit"};
	if (cmd->argc == 0)
		return 1;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(cmd->argv[0], names[i]) == 0)
			return 1;
	return 0;
}

static int run_builtin(struct command *cmd)
{
	if (cmd->argc == 0)
		return 0;
	if (strcmp(cmd->argv[0], "cd") == 0)
		return builtin_cd(cmd);
	if (strcmp(cmd->argv[0], "pwd") == 0)
		return builtin_pwd();
	if (strcmp(cmd->argv[0], "export") == 0)
		return builtin_export(cmd);
	return builtin_exit(cmd);
}

/* Run a builtin in the shell itself, with its redirections undone after. */
static int run_builtin_here(struct command *cmd)
{
	int saved0 = fcntl(0, F_DUPFD_CLOEXEC, 10);
	int saved1 = fcntl(1, F_DUPFD_CLOEXEC, 10);
	int rc = 1;
	if (apply_redirs(cmd) == 0)
		rc = run_builtin(cmd);
	fflush(stdout);
	if (saved0 >= 0) {
		dup2(saved0, 0);
		close(saved0);
	}
	if (saved1 >= 0) {
		dup2(saved1, 1);
		close(saved1);
	}
	return rc;
}

/* Try execve on each PATH candidate; never returns. */
static void exec_command(struct command *cmd)
{
	const char *name = cmd->argv[0];
	int err = ENOENT;
	if (strchr(name, '/') || strchr(name, ':')) {
		execve(name, cmd->argv, environ);
		err = errno;
	} else {
		const char *path = getenv("PATH");
		if (!path || !*path)
			path = "/bin";
		while (*path) {
			size_t len = strcspn(path, ":");
			char full[4096];
			snprintf(full, sizeof(full), "%.*s/%s", (int)len, path, name);
			execve(full, cmd->argv, environ);
			if (errno != ENOENT && errno != ENOTDIR)
				err = errno;
			path += len + (path[len] == ':');
		}
	}
	if (err == ENOENT) {
		fprintf(stderr, "sh: %s: not found\n", name);
		_exit(127);
	}
	fprintf(stderr, "sh: %s: %s\n", name, strerror(err));
	_exit(126);
}

/* Body of a forked pipeline member: wire up fds and run the command. */
static void child_run(struct command *cmd, int in_fd, int out_fd, int close_fd)
{
	if (in_fd >= 0) {
		dup2(in_fd, 0);
		close(in_fd);
	}
	if (out_fd >= 0) {
		dup2(out_fd, 1);
		close(out_fd);
	}
	if (close_fd >= 0)
		close(close_fd);
	if (apply_redirs(cmd) < 0)
		_exit(1);
	if (is_builtin(cmd)) {
		int rc = run_builtin(cmd);
		fflush(stdout);
		_exit(rc);
	}
	exec_command(cmd);
}

/* Fork every member of the pipeline; returns how many were started.
 * Children get the default SIGINT/SIGQUIT back (the interactive shell
 * ignores them); background jobs get a process group of their own so the
 * console's ^C, sent to the foreground group, leaves them alone. */
static int spawn_pipeline(struct command *cmds, int n, pid_t *pids, int bg)
{
	int prev = -1, started = 0;
	for (int i = 0; i < n; i++) {
		int p[2] = {-1, -1};
		if (i < n - 1 && pipe(p) < 0) {
			fprintf(stderr, "sh: pipe: %s\n", strerror(errno));
			break;
		}
		pid_t pid = fork();
		if (pid == 0) {
			signal(SIGINT, SIG_DFL);
			signal(SIGQUIT, SIG_DFL);
			if (bg)
				setpgid(0, 0);
			child_run(&cmds[i], prev, p[1], p[0]);
		}
		if (pid < 0)
			fprintf(stderr, "sh: fork: %s\n", strerror(errno));
		if (prev >= 0)
			close(prev);
		if (p[1] >= 0)
			close(p[1]);
		prev = p[0];
		if (pid < 0)
			break;
		pids[started++] = pid;
	}
	if (prev >= 0)
		close(prev);
	return started;
}

/* Run one pipeline (in the background if bg); returns its status. */
static int run_pipeline(struct command *cmds, int n, int bg)
{
	pid_t pids[MAX_PIPE];
	if (n == 1 && !bg && is_builtin(&cmds[0]))
		return run_builtin_here(&cmds[0]);
	fflush(stdout);
	int started = spawn_pipeline(cmds, n, pids, bg);
	if (started == 0)
		return 1;
	if (bg) {
		fprintf(stderr, "[%d]\n", (int)pids[started - 1]);
		return 0;
	}
	int st = 0, status = 1;
	for (int i = 0; i < started; i++) {
		while (waitpid(pids[i], &st, 0) < 0 && errno == EINTR)
			;
		if (i == started - 1)
			status = started == n ? status_code(st) : 1;
	}
	return status;
}

/* Run one `;`/`&`-terminated piece toks[0..n); returns -1 on syntax error. */
static int run_piece(struct token *toks, int n)
{
	static struct command cmds[MAX_PIPE];
	int bg = toks[n - 1].kind == T_AMP;
	int len = n - (bg || toks[n - 1].kind == T_SEMI);
	if (len == 0)
		return syntax_error(&toks[n - 1]);
	int count = parse_pipeline(toks, len, cmds);
	if (count < 0)
		return -1;
	last_status = run_pipeline(cmds, count, bg);
	return 0;
}

/* Execute a whole command line, piece by piece. */
static void run_line(const char *line)
{
	static struct lexer lx;
	static struct token toks[MAX_TOKENS];
	lx.p = line;
	for (;;) {
		int n = tokenize_next(&lx, toks);
		if (n == 0)
			return;
		if (n < 0 || run_piece(toks, n) < 0) {
			last_status = 2;
			return;
		}
	}
}

/* ---- input ---- */

/* Reap finished background jobs without blocking. */
static void reap_jobs(void)
{
	int st;
	pid_t pid;
	while ((pid = waitpid(-1, &st, WNOHANG)) > 0)
		if (interactive)
			fprintf(stderr, "[%d] done (%d)\n", (int)pid, status_code(st));
}

/* Read one line from fd byte by byte (so children share the rest of the
 * input). Returns 1 with a line, 0 at end of input. */
static int read_line(int fd, char *buf, size_t size)
{
	size_t n = 0;
	int got = 0;
	for (;;) {
		char c;
		ssize_t r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got = 1;
		if (c == '\n')
			break;
		if (n < size - 1)
			buf[n++] = c;
	}
	buf[n] = '\0';
	if (n == size - 1)
		fprintf(stderr, "sh: line too long, truncated\n");
	return got;
}

static void run_fd(int fd, int prompt)
{
	static char line[LINE_MAX_LEN];
	for (;;) {
		reap_jobs();
		if (prompt)
			fputs("$ ", stderr);
		if (!read_line(fd, line, sizeof(line)))
			break;
		run_line(line);
	}
}

int main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "-c") == 0) {
		run_line(argv[2]);
		fflush(stdout);
		return last_status;
	}
	if (argc >= 2) {
		int fd = open(argv[1], O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			fprintf(stderr, "sh: %s: %s\n", argv[1], strerror(errno));
			return 127;
		}
		run_fd(fd, 0);
		close(fd);
		fflush(stdout);
		return last_status;
	}
	interactive = isatty(0) || getenv("PS1_FORCE") != NULL;
	if (interactive) { /* ^C interrupts the foreground job, not the shell */
		signal(SIGINT, SIG_IGN);
		signal(SIGQUIT, SIG_IGN);
	}
	run_fd(0, interactive);
	if (interactive)
		fputs("\n", stderr);
	fflush(stdout);
	return last_status;
}
