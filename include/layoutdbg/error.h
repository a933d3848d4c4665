/* Errors and diagnostics.
 *
 * Low levels return 0 or -errno.  Above them, ld_error() prints the one-line
 * diagnostic every bad input gets ("layoutdbg: what: why") and returns -1, so
 * callers write `return ld_error("...")`.  Only main() and the REPL decide to
 * exit. */
#ifndef LAYOUTDBG_ERROR_H
#define LAYOUTDBG_ERROR_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include "layoutdbg/output.h"

/* Print "layoutdbg: <fmt>" and a newline to the error stream (stderr, or a
 * JSON {"error": ...} document under --json).  Keeps errno.  Returns -1. */
int ld_error(const char *fmt, ...) LD_PRINTF(1, 2);
int ld_verror(const char *fmt, va_list ap) LD_PRINTF(1, 0);

/* A note for the user that is not a failure ("warning: ..."): stderr. */
void ld_warn(const char *fmt, ...) LD_PRINTF(1, 2);

/* Write the reason of a failure into err (when err and len are non-zero)
 * and return -1: for the modules that report into a caller's buffer
 * instead of printing. */
int ld_fail(char *err, size_t len, const char *fmt, ...) LD_PRINTF(3, 4);
/* "line N: <why>" into err for the parsers of /proc text (maps, smaps);
 * returns -EINVAL, the reason a line is rejected. */
int ld_vfail_line(char *err, size_t len, unsigned long lineno, const char *fmt,
		  va_list ap) LD_PRINTF(4, 0);
int ld_fail_line(char *err, size_t len, unsigned long lineno, const char *fmt,
		 ...) LD_PRINTF(4, 5);

/* Number of ld_error() calls so far; -batch exits non-zero when it moved. */
unsigned ld_error_count(void);

/* Redirect diagnostics (tests); NULL restores stderr.  Under --json
 * (ld_json_set) errors are one document {"error": "..."} on stdout. */
void ld_error_set_stream(FILE *f);

/* Put where ("~/.layoutdbgrc:3", kept by pointer) in front of every error
 * and warning until changed; NULL for none.  Returns the previous one. */
const char *ld_error_origin(const char *where);

/* Every %s argument of a diagnostic is escaped for the terminal (see
 * ld_vfout in output.h); a message longer than 4000 bytes loses its
 * middle, never its end (the reason). */

#endif
