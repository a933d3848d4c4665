/* The unit tests' TAP harness: run each case, print "ok N - name", "not ok
 * N - name" or "ok N - name # SKIP why", and the plan at the end.  A case
 * returns true when it passed; it sets tap_skip_reason (and returns true)
 * when it cannot run here; a failure is never reported as a skip. */
#ifndef LAYOUTDBG_TAP_H
#define LAYOUTDBG_TAP_H

#include <stdbool.h>
#include <stdio.h>

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

static inline void skip(const char *name, const char *why)
{
	printf("ok %u - %s # SKIP %s\n", ++tap_count, name, why);
	fflush(stdout);
}

/* Print the plan; the exit status of main. */
static inline int tap_done(void)
{
	printf("1..%u\n", tap_count);
	return tap_failed ? 1 : 0;
}

#endif
