/* Diagnostics: the one place that formats "layoutdbg: what: why". */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "layoutdbg/error.h"
#include "layoutdbg/output.h"

static FILE *err_stream;
static unsigned err_count;
static int err_json;

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

static void emit(const char *prefix, const char *fmt, va_list ap)
	LD_PRINTF(2, 0);

static void emit(const char *prefix, const char *fmt, va_list ap)
{
	char buf[4096];

	vsnprintf(buf, sizeof buf, fmt, ap);
	if (err_json) {
		json_t *o = json_pack("{s:s}", *prefix == 'w' ? "warning" : "error", buf);
		char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;

		/* Errors are documents on stdout so a consumer sees them in order. */
		if (s)
			printf("%s\n", s);
		if (*prefix != 'w')
			ld_json_note_error();
		free(s);
		json_decref(o);
		fflush(stdout);
		return;
	}
	fflush(stdout);
	fprintf(stream(), "layoutdbg: %s%s\n", prefix, buf);
	fflush(stream());
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
