/* set and show: the session's settings. */
#include <string.h>

#include "layoutdbg/args.h"
#include "layoutdbg/debugsrc.h"
#include "layoutdbg/error.h"
#include "layoutdbg/heapsrc.h"
#include "layoutdbg/output.h"
#include "layoutdbg/pager.h"
#include "layoutdbg/settings.h"
#include "layoutdbg/setview.h"

static int parse_onoff(const char *what, const char *w, bool *out)
{
	if (w && (!strcmp(w, "on") || !strcmp(w, "1") || !strcmp(w, "yes")))
		*out = true;
	else if (w && (!strcmp(w, "off") || !strcmp(w, "0") || !strcmp(w, "no")))
		*out = false;
	else
		return ld_error("%s: expected \"on\" or \"off\"", what);
	return 0;
}

int ld_cmd_set_args(struct ld_session *s, char *args)
{
	return ld_args_set(s, args);
}

void ld_settings_set_aslr(struct ld_session *s, bool on)
{
	s->settings.aslr = on;
}

int ld_settings_handle(struct ld_session *s, int sig, const char *action)
{
	if (!strcmp(action, "stop") || !strcmp(action, "print"))
		s->settings.handle_stop[sig] = true;
	else if (!strcmp(action, "nostop") || !strcmp(action, "noprint"))
		s->settings.handle_stop[sig] = false;
	else if (!strcmp(action, "pass") || !strcmp(action, "noignore"))
		s->settings.handle_pass[sig] = true;
	else if (!strcmp(action, "nopass") || !strcmp(action, "ignore"))
		s->settings.handle_pass[sig] = false;
	else
		return -1;
	return 0;
}

int ld_cmd_set_disable_randomization(struct ld_session *s, char *args)
{
	bool on;

	if (parse_onoff("set disable-randomization", ld_next_word(&args), &on) < 0)
		return -1;
	s->settings.aslr = !on;
	return 0;
}

int ld_cmd_set_auto_snapshot(struct ld_session *s, char *args)
{
	return parse_onoff("set auto-snapshot", ld_next_word(&args), &s->settings.auto_snapshot);
}

int ld_cmd_set_follow_fork(struct ld_session *s, char *args)
{
	char *w = ld_next_word(&args);

	if (w && !strcmp(w, "child"))
		s->settings.follow_fork_child = true;
	else if (w && !strcmp(w, "parent"))
		s->settings.follow_fork_child = false;
	else
		return ld_error("set follow-fork-mode: expected \"parent\" or \"child\"");
	return 0;
}

int ld_cmd_show_follow_fork(struct ld_session *s, char *args)
{
	ld_show_follow_fork(s->settings.follow_fork_child);
	return 0;
}

static int show_onoff(const char *what, bool on)
{
	ld_show_onoff(what, on);
	return 0;
}

int ld_cmd_set_emulation(struct ld_session *s, char *args)
{
	return parse_onoff("set step-emulation", ld_next_word(&args), &s->settings.emulate);
}

int ld_cmd_set_cpu_pinning(struct ld_session *s, char *args)
{
	return parse_onoff("set cpu-pinning", ld_next_word(&args), &s->settings.cpu_pinning);
}

int ld_cmd_show_cpu_pinning(struct ld_session *s, char *args)
{
	return show_onoff("Running the program and layoutdbg on one CPU while a "
			  "breakpoint is passed over", s->settings.cpu_pinning);
}

int ld_cmd_show_emulation(struct ld_session *s, char *args)
{
	return show_onoff("Stepping off breakpoints by emulating the instruction",
			  s->settings.emulate);
}

int ld_cmd_set_color(struct ld_session *s, char *args)
{
	bool on;

	if (parse_onoff("set color", ld_next_word(&args), &on) < 0)
		return -1;
	ld_color_set(on);
	return 0;
}

int ld_cmd_show_color(struct ld_session *s, char *args)
{
	return show_onoff("Colour in diffs, vmmap and heap diffs", ld_color_on());
}

int ld_cmd_set_pagination(struct ld_session *s, char *args)
{
	bool on;

	if (parse_onoff("set pagination", ld_next_word(&args), &on) < 0)
		return -1;
	ld_pager_set_enabled(on);
	return 0;
}

int ld_cmd_show_pagination(struct ld_session *s, char *args)
{
	return show_onoff("State of pagination", ld_pager_enabled());
}

/* gdb's: a number of rows, 0 or "unlimited" for no paging at all. */
int ld_cmd_set_height(struct ld_session *s, char *args)
{
	char *w = ld_next_word(&args);
	unsigned long n = 0;

	if (!w)
		return ld_error("set height: usage: set height N|unlimited");
	if (strcmp(w, "unlimited") &&
	    ld_parse_uint("set height", w, 1000000, &n) < 0)
		return -1;
	ld_pager_set_height((unsigned)n);
	return 0;
}

int ld_cmd_show_height(struct ld_session *s, char *args)
{
	ld_show_height(ld_pager_height());
	return 0;
}

int ld_cmd_show_args(struct ld_session *s, char *args)
{
	ld_show_args(s->program.args);
	return 0;
}

int ld_cmd_show_disable_randomization(struct ld_session *s, char *args)
{
	return show_onoff("Disabling randomization of debuggee's virtual address "
			  "space", !s->settings.aslr);
}

int ld_cmd_set_vmmap_resident(struct ld_session *s, char *args)
{
	return parse_onoff("set vmmap-resident", ld_next_word(&args), &s->settings.vmmap_resident);
}

int ld_cmd_show_vmmap_resident(struct ld_session *s, char *args)
{
	return show_onoff("The resident column of vmmap and layout", s->settings.vmmap_resident);
}

int ld_cmd_set_snapshot_pages(struct ld_session *s, char *args)
{
	return parse_onoff("set snapshot-pages", ld_next_word(&args), &s->settings.snapshot_pages);
}

int ld_cmd_show_snapshot_pages(struct ld_session *s, char *args)
{
	return show_onoff("Recording page counts in snapshots", s->settings.snapshot_pages);
}

int ld_cmd_show_auto_snapshot(struct ld_session *s, char *args)
{
	return show_onoff("Snapshot at every stop", s->settings.auto_snapshot);
}

int ld_cmd_set_debug_dir(struct ld_session *s, char *args)
{
	ld_heap_set_debug_dir(ld_skip_ws(args));
	return 0;
}

int ld_cmd_show_debug_dir(struct ld_session *s, char *args)
{
	ld_show_debug_dir(ld_debug_dir());
	return 0;
}

/* `set debuginfod enabled on|off|ask` (gdb's spelling: the one
 * subsetting gdb has that layoutdbg needs). */
int ld_cmd_set_debuginfod(struct ld_session *s, char *args)
{
	char *w = ld_next_word(&args), *v = ld_next_word(&args);

	if (!w || strcmp(w, "enabled"))
		return ld_error("set debuginfod: expected \"enabled on|off|ask\"");
	if (v && !strcmp(v, "on"))
		ld_debuginfod_set_mode(LD_DEBUGINFOD_ON);
	else if (v && !strcmp(v, "off"))
		ld_debuginfod_set_mode(LD_DEBUGINFOD_OFF);
	else if (v && !strcmp(v, "ask"))
		ld_debuginfod_set_mode(LD_DEBUGINFOD_ASK);
	else
		return ld_error("set debuginfod enabled: \"on\", \"off\" or \"ask\" "
				"expected%s%s", v ? ", not " : "", v ? v : "");
	return 0;
}

int ld_cmd_show_debuginfod(struct ld_session *s, char *args)
{
	char *w = ld_next_word(&args);

	if (w && strcmp(w, "enabled"))
		return ld_error("show debuginfod: expected \"enabled\", not %s", w);
	ld_show_debuginfod(ld_debuginfod_mode_name(ld_debuginfod_mode()));
	return 0;
}

int ld_cmd_set_disasm_flavor(struct ld_session *s, char *args)
{
	char *w = ld_next_word(&args);

	if (w && !strcmp(w, "intel"))
		s->settings.disasm_intel = true;
	else if (w && !strcmp(w, "att"))
		s->settings.disasm_intel = false;
	else
		return ld_error("set disassembly-flavor: expected \"att\" or \"intel\"");
	return 0;
}

int ld_cmd_show_disasm_flavor(struct ld_session *s, char *args)
{
	ld_show_disasm_flavor(s->settings.disasm_intel ? "intel" : "att");
	return 0;
}

static const char *const frame_args_modes[] = {
	[LD_FA_SCALARS] = "scalars", [LD_FA_ALL] = "all",
	[LD_FA_NONE] = "none", [LD_FA_PRESENCE] = "presence",
};

/* set print frame-arguments all|scalars|none|presence (gdb's). */
static int set_frame_args(struct ld_session *s, const char *w)
{
	if (!w)
		return ld_error("set print frame-arguments: an argument is needed "
				"(all, scalars, none or presence)");
	for (size_t i = 0; i < sizeof frame_args_modes / sizeof *frame_args_modes; i++) {
		if (!strcmp(w, frame_args_modes[i])) {
			s->settings.frame_args = (enum ld_frame_args_mode)i;
			return 0;
		}
	}
	return ld_error("set print frame-arguments: undefined item \"%s\" (all, "
			"scalars, none or presence)", w);
}

/* set print layout on|off | frame-arguments MODE | asm-demangle on|off:
 * the words after `print` (gdb's `set print` family; layout is
 * layoutdbg's own). */
int ld_cmd_set_print(struct ld_session *s, char *args)
{
	char *w = ld_next_word(&args);

	if (!w)
		return ld_error("set print: which setting? (layout, frame-arguments, "
				"asm-demangle, pretty)");
	if (!strcmp(w, "frame-arguments"))
		return set_frame_args(s, ld_next_word(&args));
	if (!strcmp(w, "asm-demangle"))
		return parse_onoff("set print asm-demangle", ld_next_word(&args),
				   &s->settings.asm_demangle);
	if (!strcmp(w, "pretty"))
		return parse_onoff("set print pretty", ld_next_word(&args),
				   &s->settings.print_pretty);
	if (strcmp(w, "layout"))
		return ld_error("set print: no setting \"%s\" (there are layout, "
				"frame-arguments, asm-demangle, pretty)", w);
	return parse_onoff("set print layout", ld_next_word(&args),
			   &s->settings.print_layout);
}

int ld_cmd_show_print(struct ld_session *s, char *args)
{
	char *w = ld_next_word(&args);

	if (w && !strcmp(w, "frame-arguments")) {
		ld_show_frame_args(frame_args_modes[s->settings.frame_args]);
		return 0;
	}
	if (w && !strcmp(w, "asm-demangle"))
		return show_onoff("Demangling of C++/ObjC names in disassembly listings",
				  s->settings.asm_demangle);
	if (w && !strcmp(w, "pretty"))
		return show_onoff("Pretty formatting of structures",
				  s->settings.print_pretty);
	if (w && strcmp(w, "layout"))
		return ld_error("show print: no setting \"%s\" (there are layout, "
				"frame-arguments, asm-demangle, pretty)", w);
	return show_onoff("Placing printed pointers in the layout",
			  s->settings.print_layout);
}

/* set backtrace past-main on|off (gdb's; past-entry is always off). */
int ld_cmd_set_backtrace(struct ld_session *s, char *args)
{
	char *w = ld_next_word(&args);
	bool on;

	if (!w)
		return ld_error("set backtrace: which setting? (past-main)");
	if (strcmp(w, "past-main"))
		return ld_error("set backtrace: no setting \"%s\" (there is past-main)", w);
	if (parse_onoff("set backtrace past-main", ld_next_word(&args), &on) < 0)
		return -1;
	if (s->settings.past_main != on)
		ld_session_forget_stacks(s);
	s->settings.past_main = on;
	return 0;
}

int ld_cmd_show_backtrace(struct ld_session *s, char *args)
{
	char *w = ld_next_word(&args);

	if (w && strcmp(w, "past-main"))
		return ld_error("show backtrace: no setting \"%s\" (there is past-main)", w);
	return show_onoff("Whether backtraces should continue past \"main\"",
			  s->settings.past_main);
}
