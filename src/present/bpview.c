/* info breakpoints (text or --json), ignore and catch messages. */
#include <inttypes.h>
#include <stdio.h>

#include "layoutdbg/bpview.h"
#include "layoutdbg/cmddoc.h"
#include "layoutdbg/jsonout.h"
#include "layoutdbg/output.h"
#include "layoutdbg/render.h"
#include "layoutdbg/watch.h"

int ld_show_breakpoints(const struct ld_bps *b)
{
	if (ld_json_on())
		return ld_emit_doc("info breakpoints", "breakpoints",
				   ld_json_breakpoints(b));
	ld_render_breakpoints(stdout, b);
	return 0;
}

int ld_show_watchpoints(const struct ld_bps *b)
{
	if (ld_json_on())
		return ld_emit_doc("info watchpoints", "watchpoints",
				   ld_json_watchpoints(b));
	ld_render_watchpoints(stdout, b);
	return 0;
}

void ld_show_watch_set(const struct ld_bp *bp)
{
	ld_out("%s %d: %s\n", ld_watch_title(bp->type), bp->num, bp->spec);
}

void ld_show_layout_catch(const struct ld_bp *bp)
{
	if (!bp->lay.pid) {
		ld_out("Catchpoint %d (%s) pending: found when the program maps "
		       "it\n", bp->num, bp->spec);
		return;
	}
	ld_out("Catchpoint %d (%s: 0x%" PRIx64 "-0x%" PRIx64 " %s)\n", bp->num,
	       bp->spec, bp->lay.start, bp->lay.end, bp->lay.perms);
}

void ld_show_unconditional(int num)
{
	ld_out("Breakpoint %d now unconditional.\n", num);
}

void ld_show_ignore(unsigned long num, unsigned long count)
{
	/* gdb's three sentences (breakpoint.c, map_breakpoint_number) */
	if (count > 1)
		ld_out("Will ignore next %lu crossings of breakpoint %lu.\n", count,
		       num);
	else if (count == 1)
		ld_out("Will ignore next crossing of breakpoint %lu.\n", num);
	else
		ld_out("Will stop next time breakpoint %lu is reached.\n", num);
}

void ld_show_catchpoint(int num, const char *kind, const char *arg)
{
	ld_out("Catchpoint %d (%s%s%s)\n", num, kind, arg ? " " : "",
	       arg ? arg : "");
}

void ld_show_catch_unfiltered(void)
{
	ld_out("(the process runs without a seccomp filter: every system "
	       "call stops it briefly; start it after `catch` for "
	       "filtered stops)\n");
}
