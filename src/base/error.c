/* Diagnostics: the one place that formats "layoutdbg: what: why". */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "layoutdbg/error.h"
#include "layoutdbg/output.h"

static FILE *err_stream;
static unsigned err_count;
static int err_json;
static const char *origin;	/* "FILE:LINE" of the command file line */

void ld_error_set_stream(struct _IO_FILE *f)
{
	err_stream = f;
}

void ld_error_set_json(int on)
{
	err_json = on;
}

unsigned ld_error_count(void)
{
	return err_count;
}

static FILE *stream(void)
{
	return err_stream ? err_stream : stderr;
}

const char *ld_error_origin(const char *where)
{
	const char *old = origin;

	origin = where;
	return old;
}

/* Longer messages keep their head and their tail (the reason comes last:
 * "what: why"), and lose the middle of the argument in between. */
#define MAX_MESSAGE 4000
#define KEEP_END 1000

static char *shorten(char *msg, size_t len)
{
	char *out;

	if (len <= MAX_MESSAGE)
		return msg;
	if (asprintf(&out, "%.*s...[%zu bytes left out]...%s", MAX_MESSAGE - 2 * KEEP_END,
		     msg, len - (MAX_MESSAGE - KEEP_END), msg + len - KEEP_END) < 0)
		return msg;
	free(msg);
	return out;
}

/* The message as text: every %s argument escaped for the terminal. */
static char *format_text(const char *fmt, va_list ap, size_t *len)
	LD_PRINTF(1, 0);

static char *format_text(const char *fmt, va_list ap, size_t *len)
{
	char *buf = NULL;
	FILE *m = open_memstream(&buf, len);

	if (!m)
		return NULL;
	ld_vfout(m, fmt, ap);
	if (fclose(m) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static void emit_json(const char *prefix, const char *fmt, va_list ap)
	LD_PRINTF(2, 0);

static void emit_json(const char *prefix, const char *fmt, va_list ap)
{
	char *msg = NULL, *full = NULL, *s = NULL;
	json_t *o = NULL;

	/* JSON escapes control characters itself: the raw text goes in, with
	 * every byte that is not UTF-8 made U+FFFD (jansson takes UTF-8 only). */
	if (vasprintf(&msg, fmt, ap) >= 0 &&
	    asprintf(&full, "%s%s%s", origin ? origin : "", origin ? ": " : "", msg) >= 0) {
		full = shorten(full, strlen(full));
		ld_utf8_fix(full);
		o = json_pack("{s:s}", *prefix == 'w' ? "warning" : "error", full);
		s = o ? json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
	}
	/* Errors are documents on stdout so a consumer sees them in order. */
	if (s)
		ld_put_json_line(stdout, s);
	if (*prefix != 'w')
		ld_json_note_error();
	free(s);
	free(msg);
	free(full);
	json_decref(o);
	fflush(stdout);
}

static void emit(const char *prefix, const char *fmt, va_list ap)
	LD_PRINTF(2, 0);

static void emit(const char *prefix, const char *fmt, va_list ap)
{
	size_t len = 0;
	char *msg, *where = NULL;

	if (err_json) {
		emit_json(prefix, fmt, ap);
		return;
	}
	msg = format_text(fmt, ap, &len);
	if (!msg)
		return;
	msg = shorten(msg, len);
	if (origin)
		where = ld_escape(origin, strlen(origin), NULL);
	fflush(stdout);
	fprintf(stream(), "layoutdbg: %s%s%s%s\n", where ? where : "", where ? ": " : "",
		prefix, msg);
	fflush(stream());
	free(where);
	free(msg);
}

int ld_verror(const char *fmt, va_list ap)
{
	int saved = errno;

	err_count++;
	emit("", fmt, ap);
	errno = saved;
	return -1;
}

int ld_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ld_verror(fmt, ap);
	va_end(ap);
	return -1;
}

void ld_warn(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	emit("warning: ", fmt, ap);
	va_end(ap);
	errno = saved;
}

int ld_fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (err && len) {
		va_start(ap, fmt);
		vsnprintf(err, len, fmt, ap);
		va_end(ap);
	}
	return -1;
}

int ld_vfail_line(char *err, size_t len, unsigned long lineno, const char *fmt,
		  va_list ap)
{
	int n;

	if (!err || !len)
		return -EINVAL;
	n = snprintf(err, len, "line %lu: ", lineno);
	if (n >= 0 && (size_t)n < len)
		vsnprintf(err + n, len - n, fmt, ap);
	return -EINVAL;
}
