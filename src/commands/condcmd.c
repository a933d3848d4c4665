/* Conditions: break ... if, tbreak ... if, condition. */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "layoutdbg/args.h"
#include "layoutdbg/bpcond.h"
#include "layoutdbg/bpview.h"
#include "layoutdbg/condcmd.h"
#include "layoutdbg/error.h"
#include "layoutdbg/infrun.h"

/* Where " if " starts the condition in a break's argument (the word if
 * after a space, before a space or '('), or NULL. */
static char *find_if(char *args)
{
	for (char *p = args; (p = strstr(p, "if")); p += 2) {
		bool before = p == args || isspace((unsigned char)p[-1]);
		bool after = !p[2] || isspace((unsigned char)p[2]) || p[2] == '(';

		if (before && after)
			return p;
	}
	return NULL;
}

int ld_break_if(struct ld_session *s, char *args, bool temporary)
{
	const char *what = temporary ? "tbreak" : "break";
	char *cond, err[256];
	struct ld_bp probe = { 0 }, *bp;
	int r;

	ld_trim_end(args);
	args = ld_skip_ws(args);
	if (!(cond = find_if(args)))
		return ld_break(s, args, temporary);
	*cond = 0;
	cond = ld_skip_ws(cond + 2);
	ld_trim_end(args);
	if (!*cond)
		return ld_error("%s: a condition is needed after `if'", what);
	/* parsed first: a bad condition makes no breakpoint */
	if (ld_bp_set_condition(s, &probe, cond, err, sizeof err))
		return ld_error("%s: %s", what, err);
	ld_bp_set_condition(s, &probe, NULL, NULL, 0);
	if ((r = ld_break(s, args, temporary)) < 0)
		return r;
	bp = ld_bp_by_num(&s->live.bps, s->live.bps.next_num - 1);
	if (bp && ld_bp_set_condition(s, bp, cond, err, sizeof err))
		return ld_error("%s: %s", what, err);
	return 0;
}

int ld_cmd_condition(struct ld_session *s, char *args)
{
	char *w = ld_next_word(&args), err[256];
	unsigned long num;
	struct ld_bp *bp;

	if (!w)
		return ld_error("condition: usage: condition N [EXPR]");
	if (ld_parse_uint("condition", w, INT_MAX, &num) < 0)
		return -1;
	if (!(bp = ld_bp_by_num(&s->live.bps, (int)num)))
		return ld_error("condition: no breakpoint number %lu", num);
	ld_trim_end(args);
	args = ld_skip_ws(args);
	if (!*args) {
		ld_bp_set_condition(s, bp, NULL, NULL, 0);
		ld_show_unconditional((int)num);
		return 0;
	}
	if (ld_bp_set_condition(s, bp, args, err, sizeof err))
		return ld_error("condition: %s", err);
	return 0;
}
