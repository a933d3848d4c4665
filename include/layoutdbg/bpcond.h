/* Breakpoint conditions: `break LOC if EXPR`, `condition N [EXPR]`.
 * Parsed once when set; at each hit evaluated in the stopped thread's
 * innermost frame, the scopes of the last pc kept so a loop of hits
 * looks nothing up twice. */
#ifndef LAYOUTDBG_BPCOND_H
#define LAYOUTDBG_BPCOND_H

#include <stddef.h>
#include <sys/types.h>

struct ld_session;
struct ld_bp;

/* Give bp the condition expr (NULL or blank: none).  A syntax error
 * leaves bp as it was: -1 with the reason in err. */
int ld_bp_set_condition(struct ld_session *s, struct ld_bp *bp,
			const char *expr, char *err, size_t errlen);

/* Does bp's condition hold in thread tid now?  1 yes (or bp has none), 0
 * no, -1 it could not be evaluated (the reason in err). */
int ld_bp_test_condition(struct ld_session *s, struct ld_bp *bp, pid_t tid,
			 char *err, size_t errlen);

#endif
