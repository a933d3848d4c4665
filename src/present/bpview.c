/* info breakpoints (text or --json), ignore and catch messages. */
#include <stdio.h>

#include "layoutdbg/bpview.h"
#include "layoutdbg/cmddoc.h"
#include "layoutdbg/jsonout.h"
#include "layoutdbg/output.h"
#include "layoutdbg/render.h"

int ld_show_breakpoints(const struct ld_bps *b)
{
	if (ld_json_on())
		return ld_emit_doc("info breakpoints", "breakpoints",
				   ld_json_breakpoints(b));
	ld_render_breakpoints(stdout, b);
	return 0;
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
