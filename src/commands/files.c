/* The program's files: file, info sharedlibrary, info line, list. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "layoutdbg/cmddoc.h"
#include "layoutdbg/args.h"
#include "layoutdbg/error.h"
#include "layoutdbg/files.h"
#include "layoutdbg/export.h"
#include "layoutdbg/jsonout.h"
#include "layoutdbg/output.h"
#include "layoutdbg/source.h"

int ld_cmd_file(struct ld_session *s, char *args)
{
	char *w;

	ld_trim_end(args);
	w = ld_skip_ws(args);
	if (!*w)
		return ld_error("file: a program is needed");
	if (s->proc)
		return ld_error("file: process %d is being debugged; `kill` or "
				"`detach` first", (int)s->proc->pid);
	if (ld_session_file(s, w) < 0)
		return -1;
	ld_out("Reading symbols from %s...\n", s->exe_path);
	return 0;
}

/* The line table holding addr (runtime address): the object's when the
 * program runs, else the program file's (link-time addresses). */
static struct ld_lines *lines_for(struct ld_session *s, uint64_t addr,
				  uint64_t *bias)
{
	struct ld_obj *ob;

	*bias = 0;
	if (!s->proc)
		return ld_session_exe_lines(s);
	ob = ld_objs_at(&s->objs, addr);
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

	if (s->proc)
		*addr = ld_objs_resolve(&s->objs, name, NULL, &ob);
	else
		*addr = s->exe && (sym = ld_elf_lookup_any(s->exe, name)) ?
			sym->value : 0;
	return *addr != 0;
}

/* " <main+33>" as gdb prints it after an address; "" when no symbol
 * covers it. */
static const char *sym_off(struct ld_session *s, uint64_t addr, char *buf,
			   size_t len)
{
	char name[256];

	if (!strcmp(ld_session_symbolize(s, addr, name, sizeof name), "??"))
		snprintf(buf, len, "%s", "");
	else
		snprintf(buf, len, " <%s>", name);
	return buf;
}

static int line_report(struct ld_session *s, const char *file, unsigned line,
		       uint64_t start, uint64_t end, bool code)
{
	char a[512], b[512];

	if (ld_json_on()) {
		json_t *d = ld_jdoc("info line");

		ld_json_put_text(d, "file", file);
		ld_jset(d, "line", json_integer(line));
		ld_jset(d, "has_code", json_boolean(code));
		ld_json_put_u64(d, "start", start);
		if (code && end)
			ld_json_put_u64(d, "end", end);
		return ld_emit_json(d);
	}
	if (!code)
		ld_out("Line %u of \"%s\" is at address %#" PRIx64 "%s but contains "
		       "no code.\n", line, file, start, sym_off(s, start, a, sizeof a));
	else if (!end)
		ld_out("Line %u of \"%s\" starts at address %#" PRIx64 "%s.\n",
		       line, file, start, sym_off(s, start, a, sizeof a));
	else
		ld_out("Line %u of \"%s\" starts at address %#" PRIx64 "%s and "
		       "ends at %#" PRIx64 "%s.\n", line, file, start,
		       sym_off(s, start, a, sizeof a), end, sym_off(s, end, b, sizeof b));
	return 0;
}

/* The line covering a code address. */
static int line_at_addr(struct ld_session *s, uint64_t addr)
{
	struct ld_lines *l;
	struct ld_line row;
	uint64_t bias, end;
	char buf[512];

	l = lines_for(s, addr, &bias);
	if (!l || !ld_lines_range(l, addr - bias, &row, &end)) {
		if (ld_json_on()) {
			json_t *d = ld_jdoc("info line");

			ld_json_put_u64(d, "address", addr);
			ld_jset(d, "has_code", json_false());
			return ld_emit_json(d);
		}
		ld_out("No line number information available for address %#" PRIx64
		       "%s\n", addr, sym_off(s, addr, buf, sizeof buf));
		return 0;
	}
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

	for (i = 0; s->proc && i < s->objs.n && r < 0; i++) {
		l = ld_obj_lines(&s->objs.v[i]);
		bias = s->objs.v[i].bias;
		if (l)
			r = ld_lines_line_start(l, file, line, &a, &actual, err, sizeof err);
	}
	if (!s->proc && (l = ld_session_exe_lines(s)))
		r = ld_lines_line_start(l, file, line, &a, &actual, err, sizeof err);
	if (r < 0)
		return ld_error("info line: %s", err);
	if (r == 0) {
		if (ld_json_on())
			return ld_error("info line: line number %u is out of range for "
					"\"%s\"", line, file);
		ld_out("Line number %u is out of range for \"%s\".\n", line, file);
		return 0;
	}
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
		struct ld_thread *t = s->proc ? ld_session_thread(s) : NULL;
		uint64_t pc;
		int n;

		if (!t)
			return ld_error("info line: no process: give a location "
					"(FILE:LINE, FUNCTION or *ADDRESS)");
		n = ld_session_stack(s, t->tid, (size_t)s->frame + 1, &fs);
		pc = n > s->frame ? fs.v[s->frame].pc : 0;
		ld_frames_release(&fs);
		if (n <= s->frame)
			return ld_error("info line: cannot unwind to frame %d", s->frame);
		/* a caller's line is the one of its call, before the return */
		return line_at_addr(s, pc - (s->frame > 0));
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
	if (ld_json_on()) {
		json_t *arr = json_array();

		for (i = 0; i < s->objs.n; i++) {
			struct ld_obj *ob = &s->objs.v[i];
			json_t *o = json_object();

			ld_obj_elf(ob);
			ld_json_put_text(o, "path", ob->path);
			ld_json_put_u64(o, "from", ob->lo);
			ld_json_put_u64(o, "to", ob->hi);
			ld_json_put_u64(o, "bias", ob->bias);
			ld_jset(o, "executable", json_boolean(ob->is_exe));
			ld_jset(o, "interpreter", json_boolean(ob->is_interp));
			json_array_append_new(arr, o);
		}
		return ld_emit_doc("info sharedlibrary", "objects", arr);
	}
	ld_out("%-18s %-18s %-18s %s\n", "From", "To", "Bias", "Object");
	for (i = 0; i < s->objs.n; i++) {
		struct ld_obj *ob = &s->objs.v[i];

		ld_obj_elf(ob);
		ld_out("0x%016" PRIx64 " 0x%016" PRIx64 " 0x%016" PRIx64 " %s%s%s\n",
		       ob->lo, ob->hi, ob->bias, ob->path,
		       ob->is_exe ? "  (executable)" : "",
		       ob->is_interp ? "  (dynamic linker)" : "");
	}
	return 0;
}

static char list_file[4096];

static unsigned list_next;

/* list: 10 lines around LINE, FILE:LINE or FUNCTION; again: the next 10. */
int ld_cmd_list(struct ld_session *s, char *args)
{
	char *w, file[4096] = "";
	unsigned long center = 0, first, i;
	long count;

	ld_trim_end(args);
	w = ld_skip_ws(args);
	if (*w) {
		char *colon = strrchr(w, ':');
		char *digits = colon ? colon + 1 : w;

		if (*digits && strspn(digits, "0123456789") == strlen(digits)) {
			errno = 0;
			center = strtoul(digits, NULL, 10);
			/* source lines are unsigned: above that, no such line */
			if (errno || center > UINT_MAX)
				return ld_error("list: line %s is out of range (at most %u)",
						digits, UINT_MAX);
			if (colon)
				snprintf(file, sizeof file, "%.*s", (int)(colon - w), w);
		} else {
			/* a function: its first line */
			struct ld_lines *l;
			struct ld_line row;
			uint64_t a, bias;

			if (func_entry(s, w, &a) && (l = lines_for(s, a, &bias)) &&
			    ld_lines_at(l, a - bias, &row)) {
				snprintf(file, sizeof file, "%s", row.file);
				center = row.line;
			} else {
				return ld_error("list %s: no function \"%s\" with line "
						"information", w, w);
			}
		}
	}
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
		if (!center) {
			struct ld_line row;
			struct ld_thread *t = s->proc ? ld_proc_thread(s->proc, s->cur_tid) : NULL;
			ld_regs r;

			center = t && ld_regs_get(t->tid, &r) == 0 &&
				 ld_objs_line_at(&s->objs, r.rip, &row) ? row.line : 1;
		}
		first = center > 5 ? center - 5 : 1;
	}
	/* a file named without its directory: the full path of the unit */
	if (!strchr(file, '/') || access(file, R_OK) != 0) {
		const char *def = ld_default_source(s);

		if (def && strlen(def) >= strlen(file) &&
		    !strcmp(def + strlen(def) - strlen(file), file))
			snprintf(file, sizeof file, "%s", def);
	}
	count = ld_source_count(file);
	if (count < 0) {
		/* a missing source file is a note, not a failure */
		ld_warn("list: %s: %s", ld_source_shortname(file), strerror((int)-count));
		return 0;
	}
	if (first > (unsigned long)count)
		return ld_error("list: line %lu is out of range for \"%s\" (%ld lines)",
				center ? center : first, ld_source_shortname(file), count);
	for (i = first; i < first + 10 && (long)i <= count; i++)
		ld_out("%lu\t%s\n", i, ld_source_line(file, (unsigned)i));
	snprintf(list_file, sizeof list_file, "%s", file);
	list_next = (unsigned)i;
	return 0;
}
