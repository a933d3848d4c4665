/* Code listings in gdb's form.  The one addition: a rip-relative
 * operand's comment names the region it reaches (`# 0x4010 <counter>
 * (.bss of heap)`), where gdb stops after the symbol. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "layoutdbg/codeview.h"
#include "layoutdbg/error.h"
#include "layoutdbg/json.h"
#include "layoutdbg/output.h"
#include "layoutdbg/source.h"

/* Append to a line being built (cut at its end). */
struct line {
	char text[1024];
	size_t at;
};

__attribute__((format(printf, 2, 3)))
static void add(struct line *ln, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (ln->at + 1 >= sizeof ln->text)
		return;
	va_start(ap, fmt);
	n = vsnprintf(ln->text + ln->at, sizeof ln->text - ln->at, fmt, ap);
	va_end(ap);
	if (n > 0)
		ln->at += (size_t)n < sizeof ln->text - ln->at ? (size_t)n :
			sizeof ln->text - ln->at - 1;
}

static void put_label(const struct ld_code_view *v, const struct ld_code_line *l,
		      struct line *ln)
{
	const char *mark = l->current ? "=> " : "   ";
	uint64_t a = l->in.addr;

	if (v->form == LD_CODE_X)
		add(ln, "%s0x%" PRIx64, mark, a);
	else
		add(ln, "%s0x%016" PRIx64, mark, a);
	if (v->form == LD_CODE_FUNCTION) {
		const char *plus = strrchr(l->where, '+');

		add(ln, " <+%s>", plus ? plus + 1 : "0");
	} else if (l->where[0]) {
		/* gdb's ranges say <main+0>, its x/i <main> */
		add(ln, " <%s%s>", l->where, v->form == LD_CODE_RANGE &&
		    !strchr(l->where, '+') ? "+0" : "");
	}
	add(ln, ":\t");
}

/* /r: objdump's byte column, padded so short instructions line up */
static void put_bytes(const struct ld_insn *in, struct line *ln)
{
	char hex[3 * LD_INSN_MAX + 1];
	size_t at = 0;

	for (size_t k = 0; k < in->len; k++)
		at += (size_t)snprintf(hex + at, sizeof hex - at, "%s%02x",
				       k ? " " : "", in->bytes[k]);
	add(ln, "%-19s\t", hex);
}

static void put_insn(const struct ld_code_line *l, struct line *ln)
{
	const struct ld_insn *in = &l->in;

	if (!in->operands[0]) {
		add(ln, "%s", in->mnemonic);
		return;
	}
	add(ln, "%-6s %s", in->mnemonic, in->operands);
	if (in->has_target && l->target[0])
		add(ln, " <%s>", l->target);
	if (in->has_ref) {
		add(ln, "        # 0x%" PRIx64, in->ref);
		if (l->ref[0])
			add(ln, " <%s>", l->ref);
		if (l->region[0])
			add(ln, " (%s)", l->region);
	}
}

/* /s, as gdb 13's do_mixed_source_and_assembly lays it out: each block of
 * instructions of one line follows a blank line (but the first), the
 * file name when the file changes, and its source line.  Before it, the
 * lines up to it that no instruction of the listing belongs to (comments,
 * declarations): for the first block from the line table's first line in
 * the range (a function's opening brace), later ones back to the first
 * line that has code of its own. */
struct src_state {
	const char *file;
	unsigned last;
	bool any;
};

static bool has_code(const struct ld_code *c, const char *file, unsigned line)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].line == line && c->v[i].file && !strcmp(c->v[i].file, file))
			return true;
	return false;
}

static void put_line(const char *file, unsigned n)
{
	const char *text = ld_source_line(file, n);

	if (text)
		ld_out("%u\t%s\n", n, text);
	else
		ld_out("%u\tin %s\n", n, ld_source_shortname(file));
}

static void put_source(const struct ld_code *c, struct src_state *st,
		       const struct ld_code_line *l)
{
	bool new_file = !st->any || strcmp(st->file, l->file);
	unsigned from = 0, k;

	if (new_file) {
		if (!st->any && c->first_line && c->first_line < l->line)
			from = c->first_line;
	} else if (l->line == st->last) {
		return;			/* the same line goes on */
	} else if (st->last && l->line > st->last + 1) {
		for (k = l->line - 1; k > st->last; k--)
			if (has_code(c, l->file, k))
				break;
		if (k < l->line - 1)
			from = k + 1;
	}
	if (st->any)
		ld_out("\n");
	if (new_file)
		ld_out("%s:\n", ld_source_shortname(l->file));
	for (k = from; from && k < l->line; k++)
		put_line(l->file, k);
	put_line(l->file, l->line);
	st->file = l->file;
	st->last = l->line;
	st->any = true;
}

static json_t *line_json(const struct ld_code_line *l)
{
	json_t *o = json_object();
	char hex[3 * LD_INSN_MAX + 1];
	size_t at = 0;

	for (size_t k = 0; k < l->in.len; k++)
		at += (size_t)snprintf(hex + at, sizeof hex - at, "%s%02x",
				       k ? " " : "", l->in.bytes[k]);
	ld_json_put_u64(o, "address", l->in.addr);
	ld_json_put_text(o, "symbol", l->where[0] ? l->where : NULL);
	ld_jset(o, "bytes", json_string(hex));
	ld_jset(o, "mnemonic", json_string(l->in.mnemonic));
	ld_jset(o, "operands", json_string(l->in.operands));
	ld_jset(o, "current", json_boolean(l->current));
	/* keys that may be absent are never null (doc/json/README.md) */
	if (l->in.has_target) {
		ld_json_put_u64(o, "target", l->in.target);
		if (l->target[0])
			ld_json_put_text(o, "target_symbol", l->target);
	}
	if (l->in.has_ref) {
		ld_json_put_u64(o, "ref", l->in.ref);
		if (l->ref[0])
			ld_json_put_text(o, "ref_symbol", l->ref);
		if (l->region[0])
			ld_json_put_text(o, "ref_region", l->region);
	}
	if (l->line) {
		ld_json_put_text(o, "file", l->file);
		ld_jset(o, "line", json_integer(l->line));
	}
	return o;
}

static int code_json(const struct ld_code_view *v)
{
	const struct ld_code *c = v->code;
	json_t *d = ld_jdoc(v->form == LD_CODE_X ? "x" : "disassemble");
	json_t *a = json_array();

	if (v->form == LD_CODE_X)
		ld_jset(d, "format", json_string("i"));
	if (c->func[0])
		ld_json_put_text(d, "function", c->func);
	for (size_t i = 0; i < c->n; i++)
		json_array_append_new(a, line_json(&c->v[i]));
	ld_jset(d, "instructions", a);
	if (c->fault)
		ld_json_put_u64(d, "fault", c->fault);
	return ld_emit_json(d);
}

int ld_show_code(const struct ld_code_view *v)
{
	const struct ld_code *c = v->code;
	struct src_state st = { 0 };

	if (ld_json_on()) {
		code_json(v);
		return c->fault ? -1 : 0;
	}
	ld_out_hold(1);
	if (v->form == LD_CODE_FUNCTION)
		ld_out("Dump of assembler code for function %s:\n", c->func);
	else if (v->form == LD_CODE_RANGE)
		ld_out("Dump of assembler code from 0x%" PRIx64 " to 0x%" PRIx64 ":\n",
		       c->lo, c->hi);
	for (size_t i = 0; i < c->n; i++) {
		const struct ld_code_line *l = &c->v[i];

		if (v->source && l->line)
			put_source(c, &st, l);
		struct line ln = { .at = 0 };

		put_label(v, l, &ln);
		if (v->raw)
			put_bytes(&l->in, &ln);
		put_insn(l, &ln);
		/* one piece a line; ld_out escapes what names brought in */
		ld_out("%s\n", ln.text);
	}
	ld_out_hold(0);
	if (c->fault)
		return ld_error("cannot access memory at address 0x%" PRIx64, c->fault);
	if (v->form != LD_CODE_X)
		ld_out("End of assembler dump.\n");
	return 0;
}
