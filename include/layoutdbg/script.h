/* Command files: ~/.layoutdbgrc, -x FILE and `source FILE`.
 *
 * A command file runs with the user's authority (and through `run`, starts
 * programs), so it is read only when nobody else could have written it:
 * a regular file owned by the user or by root, not writable by group or
 * others, at most LD_SCRIPT_MAX bytes.  Errors inside it name the file and
 * the line ("layoutdbg: ~/.layoutdbgrc:3: ..."). */
#ifndef LAYOUTDBG_SCRIPT_H
#define LAYOUTDBG_SCRIPT_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>

#include "layoutdbg/session.h"

#define LD_SCRIPT_MAX (64u << 20)

/* What runs each line: the command table's ld_execute (passed in by the
 * caller, so the line loop does not depend on the table that runs
 * `source`).  A value > 0 (LD_CMD_QUIT) ends the loop. */
typedef int (*ld_line_fn)(struct ld_session *s, const char *line);

/* Why st (the file as opened) may not be trusted by a user with effective
 * uid `uid`: NULL when it may; else a reason written into why. */
const char *ld_script_unsafe(const struct stat *st, uid_t uid, char *why,
			     size_t len);

/* Run the commands in path.  shown: the name used in messages (e.g.
 * "~/.layoutdbgrc").  rc: a missing file is silent and an unsafe one a
 * warning (the user did not name it); otherwise both are errors.  Returns
 * LD_CMD_QUIT when the file said quit, 0, or -1 when it was not read. */
int ld_script_run(struct ld_session *s, const char *path, const char *shown,
		  bool rc, ld_line_fn exec);

/* Run every line of f as a command; name (NULL for standard input) goes
 * with the line number in front of errors.  A SIGINT ends the running
 * command only.  Returns LD_CMD_QUIT when quit was read, else 0. */
int ld_script_stream(struct ld_session *s, FILE *f, const char *name,
		     ld_line_fn exec);

#endif
