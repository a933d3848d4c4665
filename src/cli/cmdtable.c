/* The command table: names, aliases, preconditions (flags checked once
 * here, so commands do not re-check them), dispatch with gdb's unique
 * prefixes, the `info`/`set`/`show` sub-tables, help and completion.
 * The commands themselves live in src/commands/, one file per gdb help
 * class. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/args.h"
#include "layoutdbg/breakpoints.h"
#include "layoutdbg/cmdtable.h"
#include "layoutdbg/data.h"
#include "layoutdbg/disas.h"
#include "layoutdbg/cmddoc.h"
#include "layoutdbg/condcmd.h"
#include "layoutdbg/error.h"
#include "layoutdbg/files.h"
#include "layoutdbg/helpview.h"
#include "layoutdbg/heapcmd.h"
#include "layoutdbg/infoaddr.h"
#include "layoutdbg/infrun.h"
#include "layoutdbg/layout.h"
#include "layoutdbg/running.h"
#include "layoutdbg/script.h"
#include "layoutdbg/settings.h"
#include "layoutdbg/snapshots.h"
#include "layoutdbg/stack.h"
#include "layoutdbg/valcmd.h"
#include "layoutdbg/views.h"

/* Preconditions, checked once by the dispatcher. */
#define NEED_PROC  0x1   /* a live, stopped process */
#define NEED_FILE  0x2   /* a program loaded */

struct cmd {
	const char *name;
	const char *aliases;   /* space-separated */
	unsigned flags;
	int (*fn)(struct ld_session *s, char *args);
	const char *usage;
	const char *summary;
};

static bool has_alias(const struct cmd *c, const char *w)
{
	const char *p = c->aliases;
	size_t n = strlen(w);

	while (p && *p) {
		size_t k = strcspn(p, " ");

		if (k == n && !strncmp(p, w, n))
			return true;
		p += k + (p[k] == ' ');
	}
	return false;
}

/* Exact name or alias first, then a unique prefix of a name (gdb's way). */
static const struct cmd *lookup(const struct cmd *table, const char *w,
				bool *ambiguous)
{
	const struct cmd *found = NULL;
	size_t n = strlen(w);

	*ambiguous = false;
	for (const struct cmd *c = table; c->name; c++)
		if (!strcmp(c->name, w) || has_alias(c, w))
			return c;
	for (const struct cmd *c = table; c->name; c++) {
		if (strncmp(c->name, w, n))
			continue;
		if (found) {
			*ambiguous = true;
			return NULL;
		}
		found = c;
	}
	return found;
}

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, prev[64], cur[64];

	if (la >= 63 || lb >= 63)
		return 99;
	for (j = 0; j <= lb; j++)
		prev[j] = j;
	for (i = 1; i <= la; i++) {
		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;

			cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
		}
		memcpy(prev, cur, sizeof cur);
	}
	return prev[lb];
}

static const char *closest(const struct cmd *table, const char *w)
{
	const char *best = NULL;
	size_t bd = 3;

	for (const struct cmd *c = table; c->name; c++) {
		size_t d = edit_distance(w, c->name);

		if (d < bd) {
			bd = d;
			best = c->name;
		}
	}
	return best;
}

static int check_flags(struct ld_session *s, const struct cmd *c,
		       const char *what)
{
	if ((c->flags & NEED_PROC) && !s->live.proc)
		return ld_error("%s: no process: the program is not being run "
				"(use `run`, `start` or `attach PID`)", what);
	if ((c->flags & NEED_FILE) && !s->program.exe)
		return ld_error("%s: no program loaded (use `file PROGRAM`)", what);
	return 0;
}

static int unknown(const struct cmd *table, const char *prefix, const char *w,
		   bool ambiguous)
{
	const char *near = closest(table, w);

	if (ambiguous)
		return ld_error("%s%s: ambiguous command; type `help` for the list",
				prefix, w);
	if (near)
		return ld_error("%s%s: unknown command; did you mean `%s%s`?", prefix,
				w, prefix, near);
	return ld_error("%s%s: unknown command; type `help` for the list", prefix, w);
}

static int sub_dispatch(struct ld_session *s, const struct cmd *table,
			const char *prefix, char *args)
{
	char *w = ld_next_word(&args), what[96];
	const struct cmd *c;
	bool amb;

	if (!w) {
		ld_help_must_follow(prefix);
		for (c = table; c->name; c++)
			ld_help_row(34, c->usage, c->summary);
		return 0;
	}
	c = lookup(table, w, &amb);
	if (!c)
		return unknown(table, prefix, w, amb);
	snprintf(what, sizeof what, "%s%s", prefix, c->name);
	ld_cmd_doc_name(what);
	if (check_flags(s, c, what) < 0)
		return -1;
	return c->fn(s, args);
}

static const struct cmd info_cmds[] = {
	{ "breakpoints", "b break", 0, ld_cmd_info_breakpoints, "info breakpoints",
	  "breakpoints with their addresses, objects and hit counts" },
	{ "watchpoints", "", 0, ld_cmd_info_watchpoints, "info watchpoints",
	  "the hardware watchpoints (watch, rwatch, awatch)" },
	{ "proc", "", NEED_PROC, ld_cmd_info_proc,
	  "info proc mappings|maps|smaps|smaps_rollup",
	  "gdb's mapping table; maps: /proc/PID/maps at the stop; smaps: "
	  "resident, dirty, shared, swapped per mapping (pmap -X's columns); "
	  "smaps_rollup: their totals" },
	{ "locals", "", NEED_PROC, ld_cmd_info_locals, "info locals",
	  "local variables of the selected frame (DWARF)" },
	{ "args", "", NEED_PROC, ld_cmd_info_args, "info args",
	  "arguments of the selected frame (DWARF)" },
	{ "address", "", NEED_PROC, ld_cmd_info_address, "info address SYMBOL",
	  "where a variable or function is (DWARF location)" },
	{ "scope", "", NEED_PROC, ld_cmd_info_scope, "info scope FUNCTION",
	  "the variables of a function and where each is" },
	{ "registers", "r reg", NEED_PROC, ld_cmd_info_registers, "info registers [REG]",
	  "general registers of the selected thread" },
	{ "threads", "", NEED_PROC, ld_cmd_info_threads, "info threads",
	  "the threads, their LWP ids, names and where each is" },
	{ "frame", "f", NEED_PROC, ld_cmd_info_frame, "info frame",
	  "the selected frame: CFA, rip, saved rip, saved registers" },
	{ "brk", "", NEED_PROC, ld_cmd_info_brk, "info brk",
	  "start_brk, the program break (asked of the kernel), heap size" },
	{ "aslr", "", 0, ld_cmd_info_aslr, "info aslr",
	  "the system's randomization setting and this process's" },
	{ "sections", "", 0, ld_cmd_info_sections, "info sections [OBJ]",
	  "sections at runtime addresses (gdb's maint info sections)" },
	{ "segments", "", 0, ld_cmd_info_segments, "info segments [OBJ]",
	  "program headers, section mapping, the mappings each became" },
	{ "line", "", 0, ld_cmd_info_line, "info line [FILE:LINE|LINE|FUNCTION|*ADDR]",
	  "where a source line's code starts and ends" },
	{ "symbol", "", NEED_PROC, ld_cmd_info_symbol, "info symbol ADDR",
	  "the symbol and section an address is in" },
	{ "heap", "", NEED_PROC, ld_cmd_heap, "info heap [...]", "the same as `heap`" },
	{ "signals", "handle", 0, ld_cmd_info_signals, "info signals",
	  "what each signal does: stop, pass to the program" },
	{ "sharedlibrary", "shared dll", NEED_PROC, ld_cmd_info_sharedlibrary,
	  "info sharedlibrary", "loaded objects, their .text range, and where their symbols came from" },
	{ NULL, NULL, 0, NULL, NULL, NULL }
};

/* One row a setting: it drives `set` and `show`, their help and their
 * completion (the two sub-tables below are made from it). */
struct setting {
	const char *name;
	const char *aliases;
	const char *value;                              /* what `set` takes */
	int (*set)(struct ld_session *s, char *args);
	int (*show)(struct ld_session *s, char *args);  /* NULL: no `show` */
	const char *set_summary, *show_summary;
};

static const struct setting settings[] = {
	{ "debug-file-directory", "", "DIR", ld_cmd_set_debug_dir, ld_cmd_show_debug_dir,
	  "where separate debug files are looked for (build-id, debuglink)",
	  "where separate debug files are looked for" },
	{ "debuginfod", "", "enabled on/off/ask", ld_cmd_set_debuginfod,
	  ld_cmd_show_debuginfod, "fetch debug files from DEBUGINFOD_URLS",
	  "whether debug files are fetched from DEBUGINFOD_URLS" },
	{ "args", "", "ARGS", ld_cmd_set_args, ld_cmd_show_args,
	  "arguments for `run`", "arguments for `run`" },
	{ "disable-randomization", "", "on|off", ld_cmd_set_disable_randomization,
	  ld_cmd_show_disable_randomization,
	  "on (default): run without ASLR", "whether `run` disables ASLR" },
	{ "auto-snapshot", "", "on|off", ld_cmd_set_auto_snapshot, ld_cmd_show_auto_snapshot,
	  "take a snapshot at every stop", "whether every stop takes a snapshot" },
	{ "color", "colour", "on|off", ld_cmd_set_color, ld_cmd_show_color,
	  "colour in diffs, vmmap and heap diffs",
	  "whether diffs, vmmap and heap diffs are coloured" },
	{ "disassembly-flavor", "", "att|intel", ld_cmd_set_disasm_flavor,
	  ld_cmd_show_disasm_flavor,
	  "the syntax of x/i and disassemble (default att, as gdb)",
	  "the syntax of x/i and disassemble" },
	{ "backtrace", "", "past-main on|off", ld_cmd_set_backtrace, ld_cmd_show_backtrace,
	  "past-main: whether stacks go on below main (default off, as gdb)",
	  "past-main: whether stacks go on below main" },
	{ "print", "", "layout|asm-demangle|pretty on|off, frame-arguments MODE",
	  ld_cmd_set_print, ld_cmd_show_print,
	  "place every printed pointer in the layout (default on; off: gdb's "
	  "text); frame lines' arguments: scalars (default), all, none, presence; "
	  "demangled labels in x and disassembly (default off, as gdb); a "
	  "member a line (pretty, default off)",
	  "layout: whether printed pointers are placed in the layout; "
	  "frame-arguments: the mode of frame lines' arguments; asm-demangle: "
	  "whether labels in x and disassembly are demangled; pretty: whether "
	  "structures show a member a line" },
	{ "follow-fork-mode", "", "parent|child", ld_cmd_set_follow_fork, ld_cmd_show_follow_fork,
	  "after a fork, debug the parent (default; the child runs free) or the child",
	  "which process a fork leaves debugged" },
	{ "step-emulation", "", "on|off", ld_cmd_set_emulation, ld_cmd_show_emulation,
	  "step off breakpoints by emulating simple instructions (default on)",
	  "whether breakpoints are stepped off by emulation" },
	{ "cpu-pinning", "", "on|off", ld_cmd_set_cpu_pinning, ld_cmd_show_cpu_pinning,
	  "one CPU for program and layoutdbg while a breakpoint is passed over "
	  "(default on)",
	  "whether hit loops run on one CPU" },
	{ "vmmap-resident", "", "on|off", ld_cmd_set_vmmap_resident, ld_cmd_show_vmmap_resident,
	  "a resident column (from smaps) in vmmap and layout (default on)",
	  "whether vmmap and layout show what is resident" },
	{ "snapshot-pages", "", "on|off", ld_cmd_set_snapshot_pages, ld_cmd_show_snapshot_pages,
	  "record resident/dirty/swapped page counts in snapshots (default on)",
	  "whether snapshots record page counts" },
	{ "pagination", "", "on|off", ld_cmd_set_pagination, ld_cmd_show_pagination,
	  "stop after each page of a command's output (on a terminal only)",
	  "whether long output stops after each page" },
	{ "height", "", "N|unlimited", ld_cmd_set_height, ld_cmd_show_height,
	  "rows of a page for the pager (0: unlimited)", "rows of a page for the pager" },
};

#define NSETTINGS (sizeof settings / sizeof *settings)

/* The `set` and `show` sub-tables, made from settings[] once, so that
 * dispatch, help and completion treat them as `info`'s. */
static struct cmd set_cmds[NSETTINGS + 1], show_cmds[NSETTINGS + 1];

static void make_setting_tables(void)
{
	static char set_usage[NSETTINGS][96], show_usage[NSETTINGS][48];
	size_t i, k = 0;

	if (set_cmds[0].name)
		return;
	for (i = 0; i < NSETTINGS; i++) {
		const struct setting *t = &settings[i];

		snprintf(set_usage[i], sizeof *set_usage, "set %s %s", t->name, t->value);
		set_cmds[i] = (struct cmd){ t->name, t->aliases, 0, t->set, set_usage[i],
					    t->set_summary };
		if (!t->show)
			continue;
		snprintf(show_usage[k], sizeof *show_usage, "show %s", t->name);
		show_cmds[k] = (struct cmd){ t->name, t->aliases, 0, t->show, show_usage[k],
					     t->show_summary };
		k++;
	}
}

/* --json: `set X` reports X's new value as `show X` would. */
static void show_after_set(struct ld_session *s)
{
	const char *name = ld_cmd_doc_current();
	char none[1] = "";

	for (size_t i = 0; name[0] && i < NSETTINGS; i++)
		if (settings[i].show && !strcmp(settings[i].name, name + strlen("set "))) {
			settings[i].show(s, none);
			return;
		}
}

static int cmd_set(struct ld_session *s, char *args)
{
	int r;

	make_setting_tables();
	if (ld_is_assignment(args))
		return ld_cmd_set_var(s, args);
	r = sub_dispatch(s, set_cmds, "set ", args);

	if (r == 0 && ld_json_on())
		show_after_set(s);
	return r;
}

static int cmd_show(struct ld_session *s, char *args)
{
	char *p = ld_skip_ws(args), word[128];
	bool amb;

	make_setting_tables();
	snprintf(word, sizeof word, "%.*s", (int)strcspn(p, " \t"), p);
	if (*word && !lookup(show_cmds, word, &amb) &&
	    ld_snapshot_find(&s->recording.snaps, word))
		return ld_cmd_show_snap(s, word);
	if (*word && (word[0] == '%' || word[0] == '$' ||
		      isdigit((unsigned char)word[0])))
		return ld_cmd_show_snap(s, word);
	return sub_dispatch(s, show_cmds, "show ", args);
}

static int cmd_quit(struct ld_session *s, char *args)
{
	return LD_CMD_QUIT;
}

/* gdb's `source`: the file is read under the -x rule (script.h). */
static int cmd_source(struct ld_session *s, char *args)
{
	char *path;

	ld_trim_end(args);
	path = ld_skip_ws(args);
	if (!*path)
		return ld_error("source: usage: source FILE");
	return ld_script_run(s, path, path, false, ld_execute);
}
static int cmd_help(struct ld_session *s, char *args);
static int cmd_info(struct ld_session *s, char *args);

static const struct cmd commands[] = {
	{ "run", "r", NEED_FILE, ld_cmd_run, "run [ARGS]",
	  "start the program (killing a running one); ARGS replace `set args`" },
	{ "start", "", NEED_FILE, ld_cmd_start, "start [ARGS]",
	  "temporary breakpoint at main, then run" },
	{ "continue", "c cont fg", NEED_PROC, ld_cmd_continue, "continue [N]",
	  "resume; N: ignore this breakpoint N-1 more times" },
	{ "stepi", "si", NEED_PROC, ld_cmd_stepi, "stepi [N]",
	  "execute N machine instructions" },
	{ "finish", "fin", NEED_PROC, ld_cmd_finish, "finish",
	  "run until the selected frame returns; print rax" },
	{ "next", "n", NEED_PROC, ld_cmd_next, "next [N]",
	  "run to the next source line, over calls (DWARF)" },
	{ "step", "s", NEED_PROC, ld_cmd_step, "step [N]",
	  "run to the next source line, into functions that have line info" },
	{ "until", "u", NEED_PROC, ld_cmd_until, "until [LOCATION]",
	  "like next, but not back into a loop; or run to LOCATION" },
	{ "list", "l", 0, ld_cmd_list, "list [LINE|FILE:LINE|FUNCTION]",
	  "source lines (10; again: the next 10)" },
	{ "kill", "k", NEED_PROC, ld_cmd_kill, "kill", "kill the process" },
	{ "attach", "", 0, ld_cmd_attach, "attach PID", "trace a running process" },
	{ "detach", "", NEED_PROC, ld_cmd_detach, "detach",
	  "let the process go, every breakpoint byte restored" },
	{ "file", "", 0, ld_cmd_file, "file PROGRAM", "load a program to debug" },
	{ "break", "b br", 0, ld_cmd_break, "break LOCATION [if COND]",
	  "breakpoint at SYMBOL, SYMBOL@LIBRARY, FILE:LINE, LINE or *ADDRESS" },
	{ "tbreak", "tb", 0, ld_cmd_tbreak, "tbreak LOCATION [if COND]",
	  "breakpoint deleted when hit" },
	{ "delete", "d", 0, ld_cmd_delete, "delete [N...]",
	  "delete breakpoints (all when none given)" },
	{ "disable", "dis", 0, ld_cmd_disable, "disable [N...]", "disable breakpoints" },
	{ "enable", "en", 0, ld_cmd_enable, "enable [N...]", "enable breakpoints" },
	{ "watch", "", NEED_PROC, ld_cmd_watch, "watch [-l] EXPR",
	  "stop when a write changes EXPR (hardware, 4 at most)" },
	{ "rwatch", "", NEED_PROC, ld_cmd_rwatch, "rwatch [-l] EXPR",
	  "stop when EXPR is read" },
	{ "awatch", "", NEED_PROC, ld_cmd_awatch, "awatch [-l] EXPR",
	  "stop when EXPR is read or written" },
	{ "condition", "", 0, ld_cmd_condition, "condition N [COND]",
	  "stop at breakpoint N only when COND (a C expression) is true" },
	{ "ignore", "", 0, ld_cmd_ignore, "ignore N COUNT",
	  "don't stop at breakpoint N the next COUNT times" },
	{ "info", "i", 0, cmd_info, "info WHAT",
	  "breakpoints, proc mappings, registers, threads, frame, locals, args, "
	  "address, scope, brk, aslr, sharedlibrary" },
	{ "thread", "", NEED_PROC, ld_cmd_thread, "thread [N]", "select thread N" },
	{ "backtrace", "bt where", NEED_PROC, ld_cmd_backtrace, "backtrace [full] [N|-N]",
	  "frames of the selected thread (libunwind); full: with their locals" },
	{ "frame", "f", NEED_PROC, ld_cmd_frame, "frame [N]", "select frame N" },
	{ "up", "", NEED_PROC, ld_cmd_up, "up [N]", "select the caller's frame" },
	{ "down", "", NEED_PROC, ld_cmd_down, "down [N]", "select the callee's frame" },
	{ "print", "p inspect", 0, ld_cmd_print, "print[/F] [EXPR]",
	  "value of a C or C++ expression in the selected frame (DWARF), as $N" },
	{ "output", "", 0, ld_cmd_output, "output[/F] EXPR",
	  "value of EXPR, no $N, no newline" },
	{ "ptype", "", 0, ld_cmd_ptype, "ptype EXPR|TYPE",
	  "type of EXPR or TYPE, structs and classes spelled out" },
	{ "whatis", "", 0, ld_cmd_whatis, "whatis EXPR|TYPE",
	  "type name of EXPR or TYPE" },
	{ "x", "", 0, ld_cmd_x, "x/NFU ADDRESS",
	  "examine memory (F: x z d u o t c a f s i; U: b h w g)" },
	{ "disassemble", "", 0, ld_cmd_disassemble,
	  "disassemble [/r] [/s] [FUNC|START,END|START,+LEN]",
	  "instructions of a function (default: the selected frame's) or a range; "
	  "/r: bytes, /s: source lines; a rip-relative operand's region follows its "
	  "comment" },
	{ "vmmap", "maps", NEED_PROC, ld_cmd_vmmap, "vmmap [FILTER]",
	  "mappings classified (segment, heap, stack, thread stack, ...) with "
	  "their sections" },
	{ "heap", "", NEED_PROC, ld_cmd_heap,
	  "heap [N|chunk ADDR|bins|arenas|mmapped]",
	  "glibc malloc's arenas, chunks and bins (arena N only)" },
	{ "xinfo", "", NEED_PROC, ld_cmd_xinfo, "xinfo ADDR",
	  "mapping, object, segment, section, symbol of an address" },
	{ "layout", "", 0, ld_cmd_layout, "layout [SNAP]",
	  "the address-space diagram" },
	{ "catch", "", 0, ld_cmd_catch, "catch WHAT",
	  "syscall [NAME|NUMBER...], memory, load [LIB], fork, exec, layout "
	  "ADDR|REGION (the mapping unmapped, moved, reprotected)" },
	{ "trace", "", NEED_FILE, ld_cmd_trace, "trace memory [until N|exit]",
	  "run, recording every memory system call and its layout change; "
	  "N: a breakpoint number (`info breakpoints`)" },
	{ "timeline", "", 0, ld_cmd_timeline, "timeline [N]",
	  "the recorded memory calls; N: one entry in full" },
	{ "handle", "", 0, ld_cmd_handle, "handle SIGNAL [stop|nostop|pass|nopass]",
	  "what a signal does when the program receives it" },
	{ "snapshot", "snap", NEED_PROC, ld_cmd_snapshot, "snapshot [NAME]",
	  "capture maps, break, frames and registers (as %1, %2, ... or NAME)" },
	{ "snapshots", "", 0, ld_cmd_snapshots, "snapshots", "list snapshots" },
	{ "drop", "", 0, ld_cmd_drop, "drop SNAP", "forget a snapshot" },
	{ "diff", "", 0, ld_cmd_diff, "diff [--by-object|--heap-only] [A [B]]",
	  "what changed between two snapshots (default: the last two), heap "
	  "chunks below; --by-object: by object and offset, for runs with "
	  "other bases; --heap-only: the chunks alone" },
	{ "save", "", 0, ld_cmd_save, "save [--force] SNAP FILE",
	  "write a snapshot as JSON (atomically; --force: through a symlink, onto a device)" },
	{ "load", "", 0, ld_cmd_load, "load FILE", "read a saved snapshot (at most 64 MiB)" },
	{ "source", "", 0, cmd_source, "source FILE",
	  "run the commands in FILE (a safe file, as for -x)" },
	{ "export", "", 0, ld_cmd_export, "export [--force] SNAP|A..B|timeline FILE",
	  "write .json, .svg (a picture; A..B: a diff) or .html (a page; A..B too)" },
	{ "set", "", 0, cmd_set, "set WHAT VALUE | set [var] $NAME = EXPR | set var LVALUE = EXPR",
	  "change a setting (`help set` lists them), a convenience variable, a "
	  "register ($rax, $pc: frame 0), or the program's memory (a variable, "
	  "member, element or *pointer)" },
	{ "show", "", 0, cmd_show, "show SNAP | show WHAT",
	  "print a snapshot, or a setting" },
	{ "help", "h ?", 0, cmd_help, "help [COMMAND]", "this list" },
	{ "quit", "q exit", 0, cmd_quit, "quit",
	  "leave (a spawned process is killed, an attached one detached)" },
	{ NULL, NULL, 0, NULL, NULL, NULL }
};

/* The sub-commands of command c (`info`, `set`, `show`), else NULL. */
static const struct cmd *sub_table(const struct cmd *c)
{
	if (!c)
		return NULL;
	make_setting_tables();
	return c->fn == cmd_info ? info_cmds : c->fn == cmd_set ? set_cmds :
	       c->fn == cmd_show ? show_cmds : NULL;
}

static int cmd_info(struct ld_session *s, char *args)
{
	return sub_dispatch(s, info_cmds, "info ", args);
}

static const char *const examples[][2] = {
	{ "break", "break calloc  |  break malloc@libc.so.6  |  break heap.c:12  |  "
	  "break *0x401136  |  break visit if n->val == 3" },
	{ "run", "run --verbose input.txt" },
	{ "continue", "continue 100   (ignore this breakpoint 99 more times)" },
	{ "snapshot", "snapshot before  |  snapshot  (the first unnamed one is %1)" },
	{ "diff", "diff  |  diff before after  |  diff %1  (against now)  |  diff @15" },
	{ "x", "x/8xg $sp  |  x/s 0x402010  |  x/4dw &counter  |  x/16i $pc" },
	{ "disassemble", "disassemble  |  disassemble /r main  |  disassemble /s main  |  "
	  "disassemble $pc,+32" },
	{ "vmmap", "vmmap  |  vmmap libc  |  vmmap 0x7ffff7dd3000" },
	{ "xinfo", "xinfo $rax  |  xinfo &counter  |  xinfo calloc" },
	{ "catch", "catch memory  |  catch syscall brk mmap  |  catch load libm  |  "
	  "catch layout 0x7ffff7fbc000  |  catch layout [heap]" },
	{ "watch", "watch counter  |  watch -l counter  |  watch *(long *) 0x4010  |  "
	  "watch *0x4010  (4 bytes)" },
	{ "trace", "trace memory until exit  |  trace memory until 2" },
	{ "export", "export %1 layout.svg  |  export %1..%2 diff.svg  |  export timeline t.json" },
	{ "handle", "handle SIGUSR1 nostop pass" },
	{ "print", "print *node  |  p/x mask  |  p arr[2].name  |  p (long) $rsp  |  "
	  "p $1  |  p *this  |  p ns::counter" },
	{ "ptype", "ptype struct node  |  ptype head  |  whatis head->next" },
	{ "condition", "condition 1 n == 3  |  condition 1  (unconditional again)  |  "
	  "break hit if n < 0" },
	{ "list", "list  |  list heap.c:10  |  list main" },
	{ "info", "info proc mappings  |  info sections libc  |  info line heap.c:12" },
};

/* The commands that take a snapshot, and how one is named: not `$N`,
 * which is gdb's value history (finish prints "Value returned is $1"). */
static const char *const snap_takers[] = {
	"snapshot", "snapshots", "show", "drop", "diff", "save", "export", "layout",
};

static void help_snap_names(const char *name)
{
	for (size_t k = 0; k < sizeof snap_takers / sizeof *snap_takers; k++)
		if (!strcmp(snap_takers[k], name))
			ld_help_detail("SNAP: %N (unnamed snapshots are %1, %2, ...), "
				       "NAME, % (the last), %% (the one before); $N is "
				       "the value history of finish, never a snapshot");
}

/* What `help info X`, `help set X` and `help show X` add to the usage and
 * summary: the arguments, or the values a setting takes and its default. */
static const char *const sub_details[][2] = {
	{ "info breakpoints", "columns: Num Type Disp Enb Address What, hit counts below" },
	{ "info watchpoints", "the rows of info breakpoints that are watchpoints: "
	  "type hw/read/acc watchpoint, the expression, its address and length" },
	{ "info proc", "WHAT: mappings (gdb's table), maps (/proc/PID/maps as the "
	  "kernel prints it), smaps (pmap -X's columns), smaps_rollup (totals); "
	  "default: mappings" },
	{ "info registers", "REG: a register name (rax, rip, eflags, ...); "
	  "default: every general register" },
	{ "info threads", "no arguments; * marks the selected thread" },
	{ "info frame", "no arguments; the frame chosen by frame, up, down" },
	{ "info brk", "no arguments; the break is asked of the kernel (brk(0) run "
	  "in the program)" },
	{ "info aslr", "no arguments; randomize_va_space 0 off, 1 partial, 2 full" },
	{ "info sections", "OBJ: part of a loaded object's path (libc, heap); "
	  "default: every object" },
	{ "info segments", "OBJ: part of a loaded object's path; default: every object" },
	{ "info line", "LOCATION: FILE:LINE, LINE, FUNCTION or *ADDRESS; "
	  "default: the line of the selected frame" },
	{ "info symbol", "ADDR: a number, $register or SYMBOL[+OFFSET]" },
	{ "info heap", "the arguments of `heap`: N, chunk ADDR, bins, arenas, mmapped" },
	{ "info signals", "no arguments; `handle` changes them" },
	{ "info sharedlibrary", "no arguments" },
	{ "info locals", "no arguments; the selected frame's, innermost block first" },
	{ "info args", "no arguments; the selected frame's function's parameters" },
	{ "info address", "SYMBOL: a variable (of the selected frame, a static or a "
	  "global) or a function" },
	{ "info scope", "FUNCTION: a function with DWARF" },
	{ "set debug-file-directory", "DIR: a directory; default: /usr/lib/debug" },
	{ "set debuginfod", "enabled VALUE: fetch debug files from the servers in "
	  "DEBUGINFOD_URLS (cache: DEBUGINFOD_CACHE_PATH); values: on, off, ask; "
	  "default: ask (asked once on a terminal, else off)" },
	{ "set args", "ARGS: words, quoted as in a shell; default: none" },
	{ "set disable-randomization", "values: on, off; default: on" },
	{ "set auto-snapshot", "values: on, off; default: off" },
	{ "set color", "values: on, off; default: from --color (auto: on a "
	  "terminal when NO_COLOR is unset or empty)" },
	{ "set follow-fork-mode", "values: parent, child; default: parent" },
	{ "set step-emulation", "values: on, off; default: on" },
	{ "set cpu-pinning", "values: on, off; default: on" },
	{ "set vmmap-resident", "values: on, off; default: on" },
	{ "set snapshot-pages", "values: on, off; default: on" },
	{ "set pagination", "values: on, off; default: on when the REPL runs on a "
	  "terminal, off under -batch, --json or when output is not a terminal" },
	{ "set height", "values: a number of rows, 0 or unlimited (never page); "
	  "default: the terminal's rows" },
	{ "show pagination", "prints on or off; `set pagination on|off` changes it" },
	{ "show height", "prints the rows of a page or unlimited; `set height N` changes it" },
	{ "show debug-file-directory", "prints the directory; `set debug-file-directory DIR` changes it" },
	{ "show debuginfod", "enabled: prints on, off or ask; `set debuginfod "
	  "enabled on|off|ask` changes it" },
	{ "show args", "prints the arguments; `set args` changes them" },
	{ "show disable-randomization", "prints on or off; `set disable-randomization on|off` changes it" },
	{ "show auto-snapshot", "prints on or off; `set auto-snapshot on|off` changes it" },
	{ "show follow-fork-mode", "prints parent or child; `set follow-fork-mode parent|child` changes it" },
	{ "show step-emulation", "prints on or off; `set step-emulation on|off` changes it" },
	{ "show cpu-pinning", "prints on or off; `set cpu-pinning on|off` changes it" },
	{ "show vmmap-resident", "prints on or off; `set vmmap-resident on|off` changes it" },
	{ "show snapshot-pages", "prints on or off; `set snapshot-pages on|off` changes it" },
	{ "show color", "prints on or off; `set color on|off` changes it" },
	{ "set backtrace", "past-main VALUE: values: on, off; default: off (as gdb): "
	  "a stack ends at the program's main, whose callers in the C library "
	  "(__libc_start_call_main, _start) are neither shown nor looked up; "
	  "on: bt, frame and snapshots go on to the last frame" },
	{ "show backtrace", "past-main: prints on or off; `set backtrace past-main "
	  "on|off` changes it" },
	{ "set print", "values: on, off; default: on; set print layout on: every printed "
	  "pointer says where it points (<[heap]+0x2a0>, <stack, thread 1, frame #2>, "
	  "<TLS of thread 1>); off: gdb's text; frame-arguments: scalars (default: "
	  "a struct, union or array argument is ...), all, none (n=...), presence ((...)); "
	  "asm-demangle: off (default, as gdb: <_Z7throweri+14>), on (<thrower(int)+14>); "
	  "pretty: off (default), on (gdb's indented form, a member a line)" },
	{ "show print", "show print layout: prints on or off; `set print layout on|off` "
	  "changes it; show print frame-arguments: prints the mode, as gdb; show print "
	  "asm-demangle, show print pretty: gdb's sentences" },
	{ "set disassembly-flavor", "values: att (default, as gdb), intel; used by "
	  "x/i and disassemble" },
	{ "show disassembly-flavor", "prints att or intel; `set disassembly-flavor "
	  "att|intel` changes it" },
};

/* help info X, help set X, help show X. */
static int help_sub(const struct cmd *table, const char *prefix, const char *w)
{
	char full[96];
	const struct cmd *c;
	bool amb;

	c = lookup(table, w, &amb);
	if (!c)
		return unknown(table, prefix, w, amb);
	ld_help_command(c->usage, c->summary, c->aliases);
	snprintf(full, sizeof full, "%s%s", prefix, c->name);
	for (size_t k = 0; k < sizeof sub_details / sizeof *sub_details; k++)
		if (!strcmp(sub_details[k][0], full))
			ld_help_detail(sub_details[k][1]);
	return 0;
}

static int cmd_help(struct ld_session *s, char *args)
{
	char *w = ld_next_word(&args), *sub;
	const struct cmd *c;
	bool amb;

	if (w) {
		c = lookup(commands, w, &amb);
		if (!c)
			return unknown(commands, "help ", w, amb);
		sub = ld_next_word(&args);
		if (sub && sub_table(c)) {
			char prefix[32];

			snprintf(prefix, sizeof prefix, "%s ", c->name);
			return help_sub(sub_table(c), prefix, sub);
		}
		ld_help_command(c->usage, c->summary, c->aliases);
		for (size_t k = 0; k < sizeof examples / sizeof *examples; k++)
			if (!strcmp(examples[k][0], c->name))
				ld_help_example(examples[k][1]);
		help_snap_names(c->name);
		if (sub_table(c)) {
			for (const struct cmd *t = sub_table(c); t->name; t++)
				ld_help_row(34, t->usage, t->summary);
			ld_help_sub_tail(c->name);
		}
		return 0;
	}
	ld_help_head();
	for (c = commands; c->name; c++)
		ld_help_row(22, c->usage, c->summary);
	ld_help_tail();
	return 0;
}

int ld_execute(struct ld_session *s, const char *line)
{
	char *buf = strdup(line), *args, *w, name[64];
	const struct cmd *c;
	bool amb;
	int r;

	if (!buf)
		return ld_error("%s", strerror(ENOMEM));
	args = ld_skip_ws(buf);
	ld_trim_end(args);
	if (!*args || *args == '#') {
		free(buf);
		return LD_CMD_OK;
	}
	ld_poll_process(s);
	/* "x/4xg" glues the format to the name. */
	w = args;
	while (*args && !isspace((unsigned char)*args) && *args != '/')
		args++;
	snprintf(name, sizeof name, "%.*s", (int)(args - w), w);
	if (*args && *args != '/')
		args++;
	c = lookup(commands, name, &amb);
	ld_cmd_doc_start();
	if (!c) {
		if (strlen(name) > 40)
			name[40] = 0;
		r = unknown(commands, "", name, amb);
	} else if ((ld_cmd_doc_name(c->name), r = check_flags(s, c, c->name)) == 0) {
		r = c->fn(s, args);
	}
	ld_cmd_doc_finish(c ? c->name : name, r >= 0, s);
	free(buf);
	fflush(stdout);
	return r;
}

const char *ld_command_at(const char *of, size_t i)
{
	const struct cmd *t = commands;
	size_t n = 0;
	bool amb;

	if (of && !(t = sub_table(lookup(commands, of, &amb))))
		return NULL;
	while (t[n].name && n < i)
		n++;
	return t[n].name;
}
