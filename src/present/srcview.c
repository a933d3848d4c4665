/* file, info sharedlibrary, info line, list: gdb's text or --json. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "layoutdbg/error.h"
#include "layoutdbg/json.h"
#include "layoutdbg/jsonout.h"
#include "layoutdbg/output.h"
#include "layoutdbg/source.h"
#include "layoutdbg/srcview.h"

void ld_show_reading_symbols(const char *path)
{
	ld_out("Reading symbols from %s...\n", path);
}

/* " <main+33>" as gdb prints it after an address; "" when no symbol
 * covers it. */
static const char *sym_off(ld_symbolize_fn sym, void *ctx, uint64_t addr,
			   char *buf, size_t len)
{
	char name[256];

	if (!strcmp(sym(ctx, addr, name, sizeof name), "??"))
		snprintf(buf, len, "%s", "");
	else
		snprintf(buf, len, " <%s>", name);
	return buf;
}

static int line_json(const struct ld_line_view *v)
{
	json_t *d = ld_jdoc("info line");

	ld_json_put_text(d, "file", v->file);
	ld_jset(d, "line", json_integer(v->line));
	ld_jset(d, "has_code", json_boolean(v->code));
	ld_json_put_u64(d, "start", v->start);
	if (v->code && v->end)
		ld_json_put_u64(d, "end", v->end);
	return ld_emit_json(d);
}

int ld_show_line(const struct ld_line_view *v)
{
	char a[512], b[512];

	if (ld_json_on())
		return line_json(v);
	sym_off(v->sym, v->sym_ctx, v->start, a, sizeof a);
	if (!v->code)
		ld_out("Line %u of \"%s\" is at address %#" PRIx64 "%s but contains "
		       "no code.\n", v->line, v->file, v->start, a);
	else if (!v->end)
		ld_out("Line %u of \"%s\" starts at address %#" PRIx64 "%s.\n",
		       v->line, v->file, v->start, a);
	else
		ld_out("Line %u of \"%s\" starts at address %#" PRIx64 "%s and "
		       "ends at %#" PRIx64 "%s.\n", v->line, v->file, v->start, a,
		       v->end, sym_off(v->sym, v->sym_ctx, v->end, b, sizeof b));
	return 0;
}

int ld_show_no_line(uint64_t addr, ld_symbolize_fn sym, void *ctx)
{
	char buf[512];

	if (ld_json_on()) {
		json_t *d = ld_jdoc("info line");

		ld_json_put_u64(d, "address", addr);
		ld_jset(d, "has_code", json_false());
		return ld_emit_json(d);
	}
	ld_out("No line number information available for address %#" PRIx64
	       "%s\n", addr, sym_off(sym, ctx, addr, buf, sizeof buf));
	return 0;
}

int ld_show_line_out_of_range(unsigned line, const char *file)
{
	if (ld_json_on())
		return ld_error("info line: line number %u is out of range for "
				"\"%s\"", line, file);
	ld_out("Line number %u is out of range for \"%s\".\n", line, file);
	return 0;
}

void ld_show_frame_line(unsigned line, const char *file, const char *text,
			int err)
{
	if (text)
		ld_out("%u\t%s\n", line, text);
	else
		ld_out("%u\tin %s (%s)\n", line, ld_source_shortname(file),
		       strerror(err));
}

/* --json: list's lines, gathered until ld_show_source_end. */
static json_t *list_rows;

void ld_show_source_line(unsigned long n, const char *text)
{
	json_t *o;

	ld_out("%lu\t%s\n", n, text);
	if (!ld_json_on())
		return;
	if (!list_rows)
		list_rows = json_array();
	o = json_pack("{s:I}", "line", (json_int_t)n);
	ld_json_put_text(o, "text", text);
	json_array_append_new(list_rows, o);
}

int ld_show_source_end(const char *file)
{
	json_t *d;

	if (!ld_json_on())
		return 0;
	d = ld_jdoc("list");
	ld_json_put_text(d, "file", file);
	ld_jset(d, "lines", list_rows ? list_rows : json_array());
	list_rows = NULL;
	return ld_emit_json(d);
}
