/* x: the values gdb's examine prints, per format letter. */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/examine.h"
#include "layoutdbg/json.h"
#include "layoutdbg/jsonout.h"
#include "layoutdbg/output.h"

static int examine_json(const struct ld_examine *x)
{
	json_t *d = ld_jdoc("x"), *vals = json_array();
	size_t i;

	ld_json_put_u64(d, "address", x->addr);
	ld_jset(d, "format", json_sprintf("%c", x->fmt));
	ld_jset(d, "unit_size", json_integer((json_int_t)x->size));
	for (i = 0; i < x->count; i++) {
		uint64_t v = 0;
		json_t *o = json_object();

		memcpy(&v, x->buf + i * x->size, x->size);
		ld_json_put_u64(o, "value", v);
		json_array_append_new(vals, o);
	}
	ld_jset(d, "values", vals);
	return ld_emit_json(d);
}

/* " <SYM+OFF>" after an address, or nothing where no symbol covers it
 * (gdb prints nothing there either, never "<??>"). */
static void put_symbol(const struct ld_examine *x, uint64_t addr)
{
	char sym[256];

	x->sym(x->sym_ctx, addr, sym, sizeof sym);
	if (strcmp(sym, "??"))
		ld_out(" <%s>", sym);
}

/* One value after its tab, in format fmt. */
static void put_value(const struct ld_examine *x, uint64_t v)
{
	size_t sz = x->size;
	int b;

	switch (x->fmt) {
	case 'd':
		ld_out("\t%" PRId64, sz == 8 ? (int64_t)v : sz == 4 ? (int32_t)v :
		       sz == 2 ? (int16_t)v : (int8_t)v);
		break;
	case 'u': ld_out("\t%" PRIu64, v); break;
	case 'o': ld_out("\t0%" PRIo64, v); break;
	case 't':
		ld_out("\t");
		for (b = (int)sz * 8 - 1; b >= 0; b--)
			ld_out("%d", (int)((v >> b) & 1));
		break;
	case 'c':
		ld_out("\t%d '%c'", (int)(signed char)v, isprint((int)v) ? (int)v : '.');
		break;
	case 'a':
		ld_out("\t0x%" PRIx64, v);
		put_symbol(x, v);
		break;
	default:
		ld_out("\t0x%0*" PRIx64, (int)sz * 2, v);
	}
}

int ld_show_examine(const struct ld_examine *x)
{
	size_t sz = x->size, per = sz <= 2 ? 8 : sz == 4 ? 4 : 2, i;

	if (ld_json_on())
		return examine_json(x);
	for (i = 0; i < x->count; i++) {
		uint64_t v = 0, at = x->addr + i * sz;

		memcpy(&v, x->buf + i * sz, sz);
		/* the newline is format text: %s arguments are escaped */
		if (i % per == 0 && i)
			ld_out("\n");
		if (i % per == 0) {
			ld_out("0x%" PRIx64, at);
			put_symbol(x, at);
			ld_out(":");
		}
		put_value(x, v);
	}
	ld_out("\n");
	return 0;
}

/* gdb's C string literal on one line: \n \t \" \\ and the other
 * controls as octal (ESC is \033); valid UTF-8 stays as it is, a stray
 * byte is octal too. */
static char *c_literal(const char *str)
{
	static const char named[] = "\aa\bb\ff\nn\rr\tt\vv\"\"\\\\";
	const unsigned char *p = (const unsigned char *)str;
	size_t n = strlen(str), k;
	char *out = malloc(4 * n + 1), *q = out;
	uint32_t cp;

	for (; out && n; p += k, n -= k) {
		const char *c = *p ? memchr(named, *p, sizeof named - 1) : NULL;

		k = ld_utf8_seq(p, n, &cp);
		if (c && (c - named) % 2 == 0) {
			*q++ = '\\';
			*q++ = c[1];
			k = 1;
		} else if (!k || cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0)) {
			for (size_t i = 0; i < (k ? k : 1); i++)
				q += sprintf(q, "\\%03o", p[i]);
			k = k ? k : 1;
		} else {
			memcpy(q, p, k);
			q += k;
		}
	}
	if (out)
		*q = 0;
	return out;
}

static void show_literal(const struct ld_examine *x, const char *str)
{
	char *lit = c_literal(str);

	ld_out("0x%" PRIx64, x->addr);
	put_symbol(x, x->addr);
	ld_out(":\t\"%s\"\n", lit ? lit : "?");
	free(lit);
}

void ld_xstrings_begin(struct ld_xstrings_out *o, uint64_t addr)
{
	o->addr = addr;
	o->rows = ld_json_on() ? json_array() : NULL;
}

void ld_show_xstring(struct ld_xstrings_out *o, const struct ld_examine *x,
		     const char *str)
{
	json_t *j;

	if (!o->rows) {
		show_literal(x, str);
		return;
	}
	j = json_object();
	ld_json_put_u64(j, "address", x->addr);
	ld_json_put_text(j, "text", str);
	json_array_append_new(o->rows, j);
}

int ld_xstrings_end(struct ld_xstrings_out *o, bool ok)
{
	json_t *d;

	if (!o->rows)
		return 0;
	if (!ok) {
		/* the error document stands for the command */
		json_decref(o->rows);
		return 0;
	}
	d = ld_jdoc("x");
	ld_json_put_u64(d, "address", o->addr);
	ld_jset(d, "format", json_string("s"));
	ld_jset(d, "strings", o->rows);
	return ld_emit_json(d);
}
