/* TAP with formatted names, for the unit tests that check many values in
 * one case: ok(cond, "name %d", ...) prints "ok N - name" or "not ok N -
 * name" and returns cond; skip(why, name...) prints a skip; diag() a
 * comment.  The plan: printf("1..%u\n", ntests); exit status nfailed != 0.
 * (tap.h is the one-function-per-case style.) */
#ifndef LAYOUTDBG_TAPF_H
#define LAYOUTDBG_TAPF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#define FORMAT(f, a) __attribute__((format(printf, f, a)))

static unsigned ntests, nfailed;

static bool ok(bool cond, const char *fmt, ...) FORMAT(2, 3);
static void skip(const char *why, const char *fmt, ...) FORMAT(2, 3);
static void diag(const char *fmt, ...) FORMAT(1, 2);

static bool ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %u - ", cond ? "" : "not ", ++ntests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!cond)
		nfailed++;
	fflush(stdout);
	return cond;
}

static void skip(const char *why, const char *fmt, ...)
{
	va_list ap;

	printf("ok %u - ", ++ntests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" # SKIP %s\n", why);
	fflush(stdout);
}

static void diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

#endif
