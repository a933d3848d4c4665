/* Breakpoints and catchpoints: break, tbreak, delete, enable, disable,
 * ignore, info breakpoints, catch. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "layoutdbg/args.h"
#include "layoutdbg/breakpoints.h"
#include "layoutdbg/bpview.h"
#include "layoutdbg/condcmd.h"
#include "layoutdbg/error.h"
#include "layoutdbg/infrun.h"
#include "layoutdbg/watch.h"

/* gdb's $bpnum: the number of the breakpoint (or watchpoint or
 * catchpoint) set last, when r says one was. */
static int bpnum(struct ld_session *s, int r)
{
	if (r == 0 && s->live.bps.next_num > 1)
		ld_conv_set_scalar(&s->live.conv, "bpnum", SY_INT, 0,
				   (uint64_t)(s->live.bps.next_num - 1));
	return r;
}

int ld_cmd_break(struct ld_session *s, char *args)
{
	return bpnum(s, ld_break_if(s, args, false));
}

int ld_cmd_tbreak(struct ld_session *s, char *args)
{
	return bpnum(s, ld_break_if(s, args, true));
}

/* Apply fn to each breakpoint number in args (all when none). */
static int each_bp(struct ld_session *s, char *args, const char *what,
		   int (*fn)(struct ld_session *, struct ld_bp *, void *), void *arg)
{
	unsigned long n;
	int rc = 0;
	char *w;
	size_t i;

	if (!*ld_skip_ws(args)) {
		for (i = s->live.bps.n; i-- > 0;)
			if (s->live.bps.v[i]->num && fn(s, s->live.bps.v[i], arg) < 0)
				rc = -1;
		return rc;
	}
	while ((w = ld_next_word(&args))) {
		struct ld_bp *bp;

		if (ld_parse_uint(what, w, INT_MAX, &n) < 0) {
			rc = -1;
			continue;
		}
		bp = ld_bp_by_num(&s->live.bps, (int)n);
		if (!bp) {
			rc = ld_error("%s: no breakpoint number %lu", what, n);
			continue;
		}
		if (fn(s, bp, arg) < 0)
			rc = -1;
	}
	return rc;
}

static int do_delete(struct ld_session *s, struct ld_bp *bp, void *arg)
{
	return ld_delete_bp(s, bp);
}

static int do_enable(struct ld_session *s, struct ld_bp *bp, void *arg)
{
	return ld_enable_bp(s, bp, *(bool *)arg);
}

int ld_cmd_delete(struct ld_session *s, char *args)
{
	return each_bp(s, args, "delete", do_delete, NULL);
}

int ld_cmd_enable(struct ld_session *s, char *args)
{
	bool on = true;

	return each_bp(s, args, "enable", do_enable, &on);
}

int ld_cmd_disable(struct ld_session *s, char *args)
{
	bool on = false;

	return each_bp(s, args, "disable", do_enable, &on);
}

int ld_cmd_ignore(struct ld_session *s, char *args)
{
	unsigned long num, count;
	char *w1 = ld_next_word(&args), *w2 = ld_next_word(&args);
	struct ld_bp *bp;

	if (!w1 || !w2)
		return ld_error("ignore: usage: ignore N COUNT");
	if (ld_parse_uint("ignore", w1, INT_MAX, &num) < 0 ||
	    ld_parse_uint("ignore", w2, UINT_MAX, &count) < 0)
		return -1;
	bp = ld_bp_by_num(&s->live.bps, (int)num);
	if (!bp)
		return ld_error("ignore: no breakpoint number %lu", num);
	bp->ignore = (unsigned)count;
	ld_show_ignore(num, count);
	return 0;
}

int ld_cmd_info_breakpoints(struct ld_session *s, char *args)
{
	return ld_show_breakpoints(&s->live.bps);
}

int ld_cmd_info_watchpoints(struct ld_session *s, char *args)
{
	return ld_show_watchpoints(&s->live.bps);
}

static int watch_cmd(struct ld_session *s, char *args, enum ld_bp_type type)
{
	struct ld_bp *bp;

	ld_trim_end(args);
	bp = ld_watch(s, type, ld_skip_ws(args));
	if (!bp)
		return -1;
	ld_show_watch_set(bp);
	return 0;
}

int ld_cmd_watch(struct ld_session *s, char *args)
{
	return bpnum(s, watch_cmd(s, args, LD_BP_WATCH));
}

int ld_cmd_rwatch(struct ld_session *s, char *args)
{
	return bpnum(s, watch_cmd(s, args, LD_BP_RWATCH));
}

int ld_cmd_awatch(struct ld_session *s, char *args)
{
	return bpnum(s, watch_cmd(s, args, LD_BP_AWATCH));
}

static int catch_layout(struct ld_session *s, char *args)
{
	struct ld_bp *bp;

	ld_trim_end(args);
	bp = ld_catch_layout(s, ld_skip_ws(args));
	if (!bp)
		return -1;
	ld_show_layout_catch(bp);
	if (s->live.proc && !s->recording.seccomp)
		ld_show_catch_unfiltered();
	return 0;
}

static struct ld_bp *new_catch(struct ld_session *s, enum ld_bp_type type,
			       const char *spec)
{
	struct ld_bp *bp = ld_bp_add(&s->live.bps, type, spec);

	if (!bp) {
		ld_error("catch: %s", strerror(ENOMEM));
		return NULL;
	}
	bp->pending = false;
	return bp;
}

static int catch_syscall(struct ld_session *s, char *args, bool memory)
{
	struct ld_sysset set;
	char spec[256], *w;
	struct ld_bp *bp;

	ld_sysset_clear(&set);
	if (memory) {
		ld_sysset_memory(&set);
		snprintf(spec, sizeof spec, "syscall memory");
	} else {
		snprintf(spec, sizeof spec, "syscall");
		while ((w = ld_next_word(&args))) {
			long nr = ld_syscall_number(w);

			if (nr < 0)
				return ld_error("catch syscall: unknown system call "
						"\"%s\"", w);
			ld_sysset_add(&set, nr);
			if (strlen(spec) + strlen(w) + 2 < sizeof spec) {
				strcat(spec, " ");
				strcat(spec, w);
			}
		}
		if (ld_sysset_empty(&set))
			ld_sysset_fill(&set);
	}
	bp = new_catch(s, LD_BP_CATCH_SYSCALL, spec);
	if (!bp)
		return -1;
	bp->sys = set;
	ld_show_catchpoint(bp->num, spec, NULL);
	if (s->live.proc && !s->recording.seccomp)
		ld_show_catch_unfiltered();
	return 0;
}

static int catch_cmd(struct ld_session *s, char *args);

int ld_cmd_catch(struct ld_session *s, char *args)
{
	return bpnum(s, catch_cmd(s, args));
}

static int catch_cmd(struct ld_session *s, char *args)
{
	char *w = ld_next_word(&args), *pat;
	struct ld_bp *bp;

	if (!w)
		return ld_error("catch: what? syscall [NAME|NUMBER...], memory, "
				"load [LIB], fork, exec, layout ADDR|REGION");
	if (!strcmp(w, "layout"))
		return catch_layout(s, args);
	if (!strcmp(w, "syscall"))
		return catch_syscall(s, args, false);
	if (!strcmp(w, "memory"))
		return catch_syscall(s, args, true);
	if (!strcmp(w, "load")) {
		pat = ld_next_word(&args);
		bp = new_catch(s, LD_BP_CATCH_LOAD, pat ? pat : "load");
		if (!bp)
			return -1;
		if (pat && !(bp->pattern = strdup(pat)))
			return ld_error("catch: %s", strerror(ENOMEM));
		ld_show_catchpoint(bp->num, "load", pat);
		return 0;
	}
	if (!strcmp(w, "fork") || !strcmp(w, "vfork")) {
		bp = new_catch(s, LD_BP_CATCH_FORK, "fork");
		if (bp)
			ld_show_catchpoint(bp->num, "fork", NULL);
		return bp ? 0 : -1;
	}
	if (!strcmp(w, "exec")) {
		bp = new_catch(s, LD_BP_CATCH_EXEC, "exec");
		if (bp)
			ld_show_catchpoint(bp->num, "exec", NULL);
		return bp ? 0 : -1;
	}
	return ld_error("catch %s: unknown; use syscall, memory, load, fork, exec "
			"or layout", w);
}
