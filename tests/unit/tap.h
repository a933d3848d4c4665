/* The unit tests' one TAP harness.  Two ways to report, one count:
 *
 *  - a case per function: run("name", fn) prints "ok N - name" or "not ok
 *    N - name"; fn returns true when it passed, and sets tap_skip_reason
 *    (and returns true) when it cannot run here; CHECK(cond) fails it;
 *  - a check per value: ok(cond, "name %d", ...) prints the same line with
 *    a formatted name and returns cond; diag() prints a comment.
 *
 * skip(why, "name", ...) reports a case that cannot run here; a failure is
 * never reported as a skip.  main ends with `return tap_done();`, which
 * prints the plan and gives the exit status. */
#ifndef LAYOUTDBG_TAP_H
#define LAYOUTDBG_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#define TAP_FORMAT(f, a) __attribute__((format(printf, f, a)))

static unsigned tap_count;
static bool tap_failed;
static const char *tap_skip_reason;

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			printf("# %s:%d: failed: %s\n", __FILE__,	\
			       __LINE__, #cond);			\
			return false;					\
		}							\
	} while (0)

static inline void run(const char *name, bool (*fn)(void))
{
	bool ok;

	tap_skip_reason = NULL;
	ok = fn();
	if (ok && tap_skip_reason)
		printf("ok %u - %s # SKIP %s\n", ++tap_count, name, tap_skip_reason);
	else
		printf("%sok %u - %s\n", ok ? "" : "not ", ++tap_count, name);
	fflush(stdout);
	tap_failed |= !ok;
}

static inline bool ok(bool cond, const char *fmt, ...) TAP_FORMAT(2, 3);
static inline bool ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %u - ", cond ? "" : "not ", ++tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	tap_failed |= !cond;
	fflush(stdout);
	return cond;
}

static inline void skip(const char *why, const char *fmt, ...) TAP_FORMAT(2, 3);
static inline void skip(const char *why, const char *fmt, ...)
{
	va_list ap;

	printf("ok %u - ", ++tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" # SKIP %s\n", why);
	fflush(stdout);
}

static inline void diag(const char *fmt, ...) TAP_FORMAT(1, 2);
static inline void diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* Print the plan; the exit status of main. */
static inline int tap_done(void)
{
	printf("1..%u\n", tap_count);
	return tap_failed ? 1 : 0;
}

#endif
