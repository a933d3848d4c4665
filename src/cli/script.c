/* Command files: the safety rule for ~/.layoutdbgrc, -x and `source`, and
 * the line loop shared with commands read from a pipe. */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "layoutdbg/error.h"
#include "layoutdbg/script.h"

/* `source` inside `source`: deep enough for any real use, shallow enough
 * that a file sourcing itself ends with a message, not a stack overflow. */
#define MAX_DEPTH 16

static unsigned depth;

static const char *kind_of(mode_t m)
{
	return S_ISDIR(m) ? "a directory" : S_ISFIFO(m) ? "a FIFO" :
	       S_ISCHR(m) ? "a character device" : S_ISBLK(m) ? "a block device" :
	       S_ISSOCK(m) ? "a socket" : "not a regular file";
}

const char *ld_script_unsafe(const struct stat *st, uid_t uid, char *why,
			     size_t len)
{
	if (!S_ISREG(st->st_mode)) {
		snprintf(why, len, "%s", kind_of(st->st_mode));
	} else if (st->st_uid != uid && st->st_uid != 0) {
		struct passwd *pw = getpwuid(st->st_uid);

		snprintf(why, len, "owned by %s%s%u%s, not by you or root",
			 pw ? pw->pw_name : "uid ", pw ? " (uid " : "",
			 (unsigned)st->st_uid, pw ? ")" : "");
	} else if (st->st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(why, len, "writable by %s (mode %04o)",
			 st->st_mode & S_IWOTH ? "others" : "group",
			 (unsigned)(st->st_mode & 07777));
	} else if (st->st_size > (off_t)LD_SCRIPT_MAX) {
		snprintf(why, len, "larger than the %u MiB limit (%lld bytes)",
			 LD_SCRIPT_MAX >> 20, (long long)st->st_size);
	} else {
		return NULL;
	}
	return why;
}

/* Open path and decide on the opened file itself (no window between the
 * check and the read).  O_NONBLOCK: a FIFO must not hang the open. */
static FILE *open_checked(const char *path, const char *shown, bool rc)
{
	char why[160];
	struct stat st;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	FILE *f;

	if (fd < 0) {
		if (!(rc && errno == ENOENT))
			ld_error("%s: %s", shown, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0) {
		ld_error("%s: %s", shown, strerror(errno));
		close(fd);
		return NULL;
	}
	if (ld_script_unsafe(&st, geteuid(), why, sizeof why)) {
		if (rc)
			ld_warn("%s: not read: %s", shown, why);
		else
			ld_error("%s: not read: %s", shown, why);
		close(fd);
		return NULL;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	f = fdopen(fd, "r");
	if (!f) {
		ld_error("%s: %s", shown, strerror(errno));
		close(fd);
	}
	return f;
}

int ld_script_run(struct ld_session *s, const char *path, const char *shown,
		  bool rc, ld_line_fn exec)
{
	FILE *f;
	int r;

	if (depth >= MAX_DEPTH)
		return ld_error("%s: not read: command files nested more than %d deep",
				shown, MAX_DEPTH);
	f = open_checked(path, shown, rc);
	if (!f)
		return -1;
	depth++;
	r = ld_script_stream(s, f, shown, exec);
	depth--;
	fclose(f);
	return r;
}

/* One line, at most the size limit: a file that grows while read (or a
 * pipe that never ends) stops with a message instead of eating memory. */
static ssize_t read_line(FILE *f, char **line, size_t *cap, size_t *total)
{
	ssize_t n;

	for (;;) {
		errno = 0;
		n = getline(line, cap, f);
		/* A Ctrl-C while waiting for input is not the end of it. */
		if (n < 0 && errno == EINTR && !ld_terminate) {
			clearerr(f);
			ld_interrupted = 0;
			continue;
		}
		break;
	}
	if (n > 0)
		*total += (size_t)n;
	return n;
}

int ld_script_stream(struct ld_session *s, FILE *f, const char *name,
		     ld_line_fn exec)
{
	char *line = NULL, where[4096];
	size_t cap = 0, total = 0;
	unsigned long no = 0;
	const char *outer = NULL;
	ssize_t n;
	int r = 0;

	while (!ld_terminate && (n = read_line(f, &line, &cap, &total)) >= 0) {
		no++;
		if (name && total > LD_SCRIPT_MAX) {
			ld_error("%s:%lu: stopped: input beyond the %u MiB limit", name,
				 no, LD_SCRIPT_MAX >> 20);
			break;
		}
		if (n && line[n - 1] == '\n')
			line[n - 1] = 0;
		if (name) {
			snprintf(where, sizeof where, "%s:%lu", name, no);
			outer = ld_error_origin(where);
		}
		/* A Ctrl-C before this command is not meant for it. */
		ld_interrupted = 0;
		r = exec(s, line);
		if (name)
			ld_error_origin(outer);
		if (r > 0)	/* quit */
			break;
		r = 0;
	}
	free(line);
	return r;
}
