/* Diagnostics: the one place that formats "layoutdbg: what: why". */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/error.h"
#include "layoutdbg/output.h"

static const char *origin;	/* "FILE:LINE" of the command file line */

void ld_error_set_stream(FILE *f)
{
	ld_out_set_diag_stream(f);
}

unsigned ld_error_count(void)
{
	return ld_out_error_count();
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

static void emit(const char *prefix, const char *fmt, va_list ap)
	LD_PRINTF(2, 0);

static void emit(const char *prefix, const char *fmt, va_list ap)
{
	size_t len = 0;
	char *msg;
	va_list raw;

	/* Under --json the sink escapes for JSON itself and wants the raw
	 * text; on a terminal every %s argument is escaped here. */
	va_copy(raw, ap);
	if (ld_json_on()) {
		if (vasprintf(&msg, fmt, raw) < 0)
			msg = NULL;
		len = msg ? strlen(msg) : 0;
	} else {
		msg = format_text(fmt, ap, &len);
	}
	va_end(raw);
	if (!msg)
		return;
	msg = shorten(msg, len);
	ld_out_diag(*prefix == 'w', origin, msg);
	free(msg);
}

int ld_verror(const char *fmt, va_list ap)
{
	int saved = errno;

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

int ld_fail_line(char *err, size_t len, unsigned long lineno, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = ld_vfail_line(err, len, lineno, fmt, ap);
	va_end(ap);
	return r;
}
