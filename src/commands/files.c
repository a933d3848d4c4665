/* The program's files: file, info sharedlibrary, info line, list. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "layoutdbg/infrun.h"
#include "layoutdbg/args.h"
#include "layoutdbg/debugview.h"
#include "layoutdbg/error.h"
#include "layoutdbg/files.h"
#include "layoutdbg/expr.h"
#include "layoutdbg/source.h"
#include "layoutdbg/srcview.h"

int ld_cmd_file(struct ld_session *s, char *args)
{
	char *w;

	ld_trim_end(args);
	w = ld_skip_ws(args);
	if (!*w)
		return ld_error("file: a program is needed");
	if (s->live.proc)
		return ld_error("file: process %d is being debugged; `kill` or "
				"`detach` first", (int)s->live.proc->pid);
	if (ld_program_file(s, w) < 0)
		return -1;
	ld_show_reading_symbols(s->program.exe_path);
	return 0;
}

/* The line table holding addr (runtime address): the object's when the
 * program runs, else the program file's (link-time addresses). */
static struct ld_lines *lines_for(struct ld_session *s, uint64_t addr,
				  uint64_t *bias)
{
	struct ld_obj *ob;

	*bias = 0;
	if (!s->live.proc)
		return ld_session_exe_lines(s);
	ob = ld_objs_at(&s->live.objs, addr);
	if (!ob)
		return NULL;
	*bias = ob->bias;
	return ld_obj_lines(ob);
}

/* A function's entry: its run-time address when the program runs (bound
 * as the dynamic linker would), else its link-time address in the
 * program file.  False when no object defines it. */
static bool func_entry(struct ld_session *s, const char *name, uint64_t *addr)
{
	const struct ld_symbol *sym;
	struct ld_obj *ob;

	if (s->live.proc)
		*addr = ld_objs_resolve(&s->live.objs, name, NULL, &ob);
	else
		*addr = s->program.exe && (sym = ld_elf_lookup_any(s->program.exe, name)) ?
			sym->value : 0;
	return *addr != 0;
}

static int line_report(struct ld_session *s, const char *file, unsigned line,
		       uint64_t start, uint64_t end, bool code)
{
	struct ld_line_view v = { .file = file, .line = line, .start = start,
				  .end = end, .code = code,
				  .sym = ld_symbolize_cb, .sym_ctx = s };

	return ld_show_line(&v);
}

/* The line covering a code address. */
static int line_at_addr(struct ld_session *s, uint64_t addr)
{
	struct ld_lines *l;
	struct ld_line row;
	uint64_t bias, end;

	l = lines_for(s, addr, &bias);
	if (!l || !ld_lines_range(l, addr - bias, &row, &end))
		return ld_show_no_line(addr, ld_symbolize_cb, s);
	return line_report(s, ld_source_shortname(row.file), row.line,
			   row.addr + bias, end ? end + bias : 0, true);
}

/* FILE:LINE or LINE: the first object whose lines know the file. */
static int line_of_source(struct ld_session *s, const char *file, unsigned line)
{
	char err[512] = "no line information";
	struct ld_lines *l = NULL;
	struct ld_line row;
	uint64_t a, bias = 0, end;
	unsigned actual;
	size_t i;
	int r = -1;

	for (i = 0; s->live.proc && i < s->live.objs.n && r < 0; i++) {
		l = ld_obj_lines(&s->live.objs.v[i]);
		bias = s->live.objs.v[i].bias;
		if (l)
			r = ld_lines_line_start(l, file, line, &a, &actual, err, sizeof err);
	}
	if (!s->live.proc && (l = ld_session_exe_lines(s)))
		r = ld_lines_line_start(l, file, line, &a, &actual, err, sizeof err);
	if (r < 0)
		return ld_error("info line: %s", err);
	if (r == 0)
		return ld_show_line_out_of_range(line, file);
	if (!ld_lines_range(l, a, &row, &end))
		return ld_error("info line: %s:%u: no row at %#" PRIx64, file, line, a);
	/* the file as the line table names it, as elsewhere */
	return line_report(s, ld_source_shortname(row.file), line, a + bias,
			   end ? end + bias : 0, actual == line);
}

/* `info line [LOCATION]`, as gdb: where a line's code starts and ends.
 * LOCATION is FILE:LINE, LINE, FUNCTION (its first line, before the
 * prologue) or *ADDRESS; none: the selected frame's line. */
int ld_cmd_info_line(struct ld_session *s, char *args)
{
	char *w = ld_skip_ws(args), *colon;
	uint64_t a;

	ld_trim_end(w);
	if (!*w) {
		struct ld_frames fs = { 0 };
		struct ld_thread *t = s->live.proc ? ld_session_thread(s) : NULL;
		uint64_t pc;
		bool ret = false;
		int n;

		if (!t)
			return ld_error("info line: no process: give a location "
					"(FILE:LINE, FUNCTION or *ADDRESS)");
		n = ld_session_stack(s, t->tid, (size_t)s->live.frame + 1, &fs);
		pc = n > s->live.frame ? fs.v[s->live.frame].pc : 0;
		/* a frame of frame 0's inlined code is where the thread is */
		ret = n > s->live.frame && s->live.frame > 0 &&
		      !fs.v[s->live.frame].in_frame0;
		ld_frames_release(&fs);
		if (n <= s->live.frame)
			return ld_error("info line: cannot unwind to frame %d", s->live.frame);
		/* a caller's line is the one of its call, before the return */
		return line_at_addr(s, pc - (ret ? 1 : 0));
	}
	if (*w == '*') {
		if (ld_eval_addr(s, "info line", w + 1, &a) < 0)
			return -1;
		return line_at_addr(s, a);
	}
	colon = strrchr(w, ':');
	if (strspn(colon ? colon + 1 : w, "0123456789") == strlen(colon ? colon + 1 : w) &&
	    *(colon ? colon + 1 : w)) {
		unsigned long line = strtoul(colon ? colon + 1 : w, NULL, 10);
		const char *file = ld_default_source(s);
		char name[4096];

		if (line == 0 || line > UINT_MAX)
			return ld_error("info line: %s: not a line number", w);
		if (colon) {
			snprintf(name, sizeof name, "%.*s", (int)(colon - w), w);
			file = name;
		}
		if (!file)
			return ld_error("info line: no source file known (no DWARF line "
					"information); give FILE:LINE");
		return line_of_source(s, file, (unsigned)line);
	}
	/* a function: its entry */
	if (!func_entry(s, w, &a))
		return ld_error("info line: function \"%s\" not defined", w);
	return line_at_addr(s, a);
}

int ld_cmd_info_sharedlibrary(struct ld_session *s, char *args)
{
	size_t i;

	if (ld_session_rescan(s) < 0)
		return -1;
	for (i = 0; i < s->live.objs.n; i++)
		/* opening the ELF gives an unlisted object its bias */
		ld_obj_debug(&s->live.objs.v[i]);
	return ld_show_objects(&s->live.objs);
}

static char list_file[4096];

static unsigned list_next;

/* list's LOCATION w (not empty): LINE or FILE:LINE (*center; file set
 * when named), or FUNCTION (its first line).  0 or -1 after an error. */
static int list_location(struct ld_session *s, char *w, char *file,
			 size_t len, unsigned long *center)
{
	char *colon = strrchr(w, ':');
	char *digits = colon ? colon + 1 : w;
	struct ld_lines *l;
	struct ld_line row;
	uint64_t a, bias;

	if (*digits && strspn(digits, "0123456789") == strlen(digits)) {
		errno = 0;
		*center = strtoul(digits, NULL, 10);
		/* source lines are unsigned: above that, no such line */
		if (errno || *center > UINT_MAX)
			return ld_error("list: line %s is out of range (at most %u)",
					digits, UINT_MAX);
		if (colon)
			snprintf(file, len, "%.*s", (int)(colon - w), w);
		return 0;
	}
	/* a function: its first line */
	if (func_entry(s, w, &a) && (l = lines_for(s, a, &bias)) &&
	    ld_lines_at(l, a - bias, &row)) {
		snprintf(file, len, "%s", row.file);
		*center = row.line;
		return 0;
	}
	return ld_error("list %s: no function \"%s\" with line information", w, w);
}

/* The line of the selected thread's pc, else 1. */
static unsigned long pc_line(struct ld_session *s)
{
	struct ld_line row;
	struct ld_thread *t = s->live.proc ? ld_proc_thread(s->live.proc, s->live.cur_tid) : NULL;
	ld_regs r;

	return t && ld_tregs(t, &r) == 0 &&
	       ld_objs_line_at(&s->live.objs, r.rip, &row) ? row.line : 1;
}

/* Lines first.. (10) of file; center is the line asked for (0: none). */
static int list_lines(struct ld_session *s, char *file, size_t len,
		      unsigned long first, unsigned long center)
{
	unsigned long i;
	long count;

	/* a file named without its directory: the full path of the unit */
	if (!strchr(file, '/') || access(file, R_OK) != 0) {
		const char *def = ld_default_source(s);

		if (def && strlen(def) >= strlen(file) &&
		    !strcmp(def + strlen(def) - strlen(file), file))
			snprintf(file, len, "%s", def);
	}
	count = ld_source_count(file);
	if (count < 0) {
		/* a missing source file is a note, not a failure (libc's,
		 * named by its debug file: ./malloc/malloc.c) */
		ld_warn("list: %s: %s", ld_source_shortname(file), strerror((int)-count));
		return ld_show_source_end(file);
	}
	if (first > (unsigned long)count)
		return ld_error("list: line %lu is out of range for \"%s\" (%ld lines)",
				center ? center : first, ld_source_shortname(file), count);
	for (i = first; i < first + 10 && (long)i <= count; i++)
		ld_show_source_line(i, ld_source_line(file, (unsigned)i));
	ld_show_source_end(file);
	snprintf(list_file, sizeof list_file, "%s", file);
	list_next = (unsigned)i;
	return 0;
}

/* list: 10 lines around LINE, FILE:LINE or FUNCTION; again: the next 10. */
int ld_cmd_list(struct ld_session *s, char *args)
{
	char *w, file[4096] = "";
	unsigned long center = 0, first;

	ld_trim_end(args);
	w = ld_skip_ws(args);
	if (*w && list_location(s, w, file, sizeof file, &center) < 0)
		return -1;
	if (!*file) {
		const char *def = *list_file && !*w ? list_file : ld_default_source(s);

		if (!def)
			return ld_error("list: no source file known (no DWARF line "
					"information); give FILE:LINE");
		snprintf(file, sizeof file, "%s", def);
	}
	if (!center && !*w && *list_file && !strcmp(file, list_file)) {
		first = list_next;
	} else {
		if (!center)
			center = pc_line(s);
		first = center > 5 ? center - 5 : 1;
	}
	return list_lines(s, file, sizeof file, first, center);
}
