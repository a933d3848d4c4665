/* x: the values gdb's examine prints, per format letter. */
#include <ctype.h>
#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "layoutdbg/examine.h"
#include "layoutdbg/json.h"
#include "layoutdbg/jsonout.h"
#include "layoutdbg/output.h"
#include "layoutdbg/pointsview.h"

/* gdb's `repeat_count_threshold`: a run of more equal characters than
 * this is printed as `'a' <repeats N times>`. */
#define REPEAT_THRESHOLD 10

static uint64_t unit_at(const struct ld_examine *x, size_t i)
{
	uint64_t v = 0;

	memcpy(&v, x->buf + i * x->size, x->size);
	return v;
}

/* Is v's place in the layout said after it?  x/a: always (gdb names its
 * symbol); a whole-word hex value: when layout is on and v is mapped. */
static bool placed(const struct ld_examine *x, uint64_t v,
		   struct ld_points_to *p)
{
	if (!x->session || ld_points_to(x->session, v, p) < 0)
		return false;
	if (x->fmt == 'a')
		return true;
	return x->layout && x->size == 8 && (x->fmt == 'x' || x->fmt == 'z') &&
	       p->kind != LD_PT_NULL && p->kind != LD_PT_UNMAPPED;
}

static int examine_json(const struct ld_examine *x)
{
	json_t *d = ld_jdoc("x"), *vals = json_array();
	struct ld_points_to p;
	size_t i;

	ld_json_put_u64(d, "address", x->addr);
	ld_jset(d, "format", json_sprintf("%c", x->fmt));
	ld_jset(d, "unit_size", json_integer((json_int_t)x->size));
	for (i = 0; i < x->count; i++) {
		uint64_t v = unit_at(x, i);
		json_t *o = json_object();

		ld_json_put_u64(o, "value", v);
		if (placed(x, v, &p))
			ld_jset(o, "points_to", ld_points_to_json(&p));
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

/* c as gdb writes it between quotes q: the named escapes, \q and \\,
 * octal for the other controls and for bytes above 0x7e.  Returns the
 * bytes written to out (at most 4). */
static int escape_byte(char *out, unsigned char c, char q)
{
	static const char named[] = "\aa\bb\ff\nn\rr\tt\vv";
	const char *n = c ? memchr(named, c, sizeof named - 1) : NULL;

	if (n && (n - named) % 2 == 0)
		return sprintf(out, "\\%c", n[1]);
	if (c == (unsigned char)q || c == '\\')
		return sprintf(out, "\\%c", c);
	if (c < 0x20 || c >= 0x7f)
		return sprintf(out, "\\%03o", c);
	out[0] = (char)c;
	return 1;
}

/* x/f: gdb's %g with the digits the type holds (9 for a float, 17 for a
 * double), and a NaN with its mantissa. */
static void put_float(const struct ld_examine *x, uint64_t v)
{
	bool dbl = x->size == 8;
	uint64_t mant = dbl ? v & ((1ULL << 52) - 1) : v & ((1U << 23) - 1);
	bool neg = dbl ? v >> 63 : (v >> 31) & 1;
	double d;
	float f;

	if (dbl) {
		memcpy(&d, &v, sizeof d);
	} else {
		uint32_t w = (uint32_t)v;

		memcpy(&f, &w, sizeof f);
		d = f;
	}
	if (isnan(d))
		ld_out("\t%snan(0x%" PRIx64 ")", neg ? "-" : "", mant);
	else
		ld_out("\t%.*g", dbl ? 17 : 9, d);
}

static int64_t signed_of(uint64_t v, size_t sz)
{
	return sz == 8 ? (int64_t)v : sz == 4 ? (int32_t)v :
	       sz == 2 ? (int16_t)v : (int8_t)v;
}

/* " <note>" after a value whose place in the layout is said. */
static void put_place(const struct ld_examine *x, uint64_t v)
{
	struct ld_points_to p;
	char note[600];

	if (placed(x, v, &p))
		ld_out("%s", ld_points_to_note(&p, x->layout, note, sizeof note));
}

/* One value after its tab, in format fmt. */
static void put_value(const struct ld_examine *x, uint64_t v)
{
	size_t sz = x->size;
	char esc[8];
	int b;

	switch (x->fmt == 'f' && sz < 4 ? 'd' : x->fmt) {
	case 'd': ld_out("\t%" PRId64, signed_of(v, sz)); break;
	case 'u': ld_out("\t%" PRIu64, v); break;
	case 'o': ld_out(v ? "\t0%" PRIo64 : "\t%" PRIo64, v); break;
	case 'f': put_float(x, v); break;
	case 't':
		ld_out("\t");
		for (b = (int)sz * 8 - 1; b >= 0; b--)
			ld_out("%d", (int)((v >> b) & 1));
		break;
	case 'c':
		/* the low byte, as a char: gdb's x/cw shows words so too */
		esc[escape_byte(esc, (unsigned char)v, '\'')] = 0;
		ld_out("\t%d '%s'", (int)(signed char)v, esc);
		break;
	case 'a':
		ld_out("\t0x%" PRIx64, v);
		put_place(x, v);
		break;
	default:
		ld_out("\t0x%0*" PRIx64, (int)sz * 2, v);
		put_place(x, v);
	}
}

int ld_show_examine(const struct ld_examine *x)
{
	size_t sz = x->size, per = sz <= 2 ? 8 : sz == 4 ? 4 : 2, i;

	if (ld_json_on())
		return examine_json(x);
	for (i = 0; i < x->count; i++) {
		uint64_t at = x->addr + i * sz;

		/* the newline is format text: %s arguments are escaped */
		if (i % per == 0 && i)
			ld_out("\n");
		if (i % per == 0) {
			ld_out("0x%" PRIx64, at);
			put_symbol(x, at);
			ld_out(":");
		}
		put_value(x, unit_at(x, i));
	}
	if (x->count)
		ld_out("\n");
	return 0;
}

/* A string literal being built: quoted runs and repeat blocks, joined by
 * ", " as gdb joins them. */
struct literal {
	char *q;
	bool open, any;
};

static void lit_sep(struct literal *l)
{
	if (l->any) {
		memcpy(l->q, ", ", 2);
		l->q += 2;
	}
	l->any = true;
}

static void lit_quote(struct literal *l, bool open)
{
	if (l->open == open)
		return;
	if (open)
		lit_sep(l);
	*l->q++ = '"';
	l->open = open;
}

/* The bytes str[0..n) as gdb prints a char array: valid UTF-8 as it is,
 * other bytes escaped, long runs as repeat blocks.  Needs 6n + 3 bytes
 * of out (a repeat block of r > 10 bytes takes at most 30). */
static void c_literal(const char *str, size_t n, char *out)
{
	const unsigned char *p = (const unsigned char *)str;
	struct literal l = { out, false, false };
	size_t i = 0, r, k;
	uint32_t cp;

	while (i < n) {
		for (r = 1; i + r < n && p[i + r] == p[i]; r++)
			;
		if (r > REPEAT_THRESHOLD) {
			lit_quote(&l, false);
			lit_sep(&l);
			*l.q++ = '\'';
			l.q += escape_byte(l.q, p[i], '\'');
			l.q += sprintf(l.q, "' <repeats %zu times>", r);
			i += r;
			continue;
		}
		lit_quote(&l, true);
		k = ld_utf8_seq(p + i, n - i, &cp);
		if (k > 1 && cp >= 0xa0) {
			memcpy(l.q, p + i, k);
			l.q += k;
			i += k;
		} else {
			l.q += escape_byte(l.q, p[i++], '"');
		}
	}
	if (!l.any)
		lit_quote(&l, true);
	lit_quote(&l, false);
	*l.q = 0;
}

/* ---- x/sh, x/sw --------------------------------------------------- */

/* One character of a wide string: its code point when valid, else the
 * units that failed to decode (a lone surrogate, a value beyond
 * U+10FFFF), escaped one by one as gdb does. */
struct wchar {
	uint32_t cp, units[2];
	size_t nunits;
	bool valid;
};

static size_t next_wchar(const uint32_t *u, size_t n, size_t width,
			 struct wchar *c)
{
	bool hi = width == 2 && u[0] >= 0xd800 && u[0] < 0xdc00;

	c->units[0] = u[0];
	c->units[1] = 0;
	c->nunits = 1;
	c->cp = u[0];
	c->valid = u[0] <= 0x10ffff && !(u[0] >= 0xd800 && u[0] < 0xe000);
	if (hi && n > 1 && u[1] >= 0xdc00 && u[1] < 0xe000) {
		c->units[1] = u[1];
		c->nunits = 2;
		c->cp = 0x10000 + ((u[0] - 0xd800) << 10) + (u[1] - 0xdc00);
		c->valid = true;
	}
	return c->nunits;
}

static bool same_wchar(const struct wchar *a, const struct wchar *b)
{
	return a->nunits == b->nunits && a->units[0] == b->units[0] &&
	       (a->nunits == 1 || a->units[1] == b->units[1]);
}

/* gdb prints a wide character as it is where the host's iswprint says
 * so, in its UTF-8 locale. */
static bool wide_printable(uint32_t cp)
{
	static locale_t utf8;
	static bool tried;

	if (!tried) {
		utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
		tried = true;
	}
	if (cp < 0x80)
		return cp >= 0x20 && cp < 0x7f;
	return utf8 && iswprint_l((wint_t)cp, utf8);
}

static size_t put_utf8(char *q, uint32_t cp)
{
	if (cp < 0x80)
		return (size_t)sprintf(q, "%c", (int)cp);
	if (cp < 0x800)
		return (size_t)sprintf(q, "%c%c", 0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
	if (cp < 0x10000)
		return (size_t)sprintf(q, "%c%c%c", 0xe0 | (cp >> 12),
				       0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
	return (size_t)sprintf(q, "%c%c%c%c", 0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f),
			       0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
}

/* c between quotes q: a named escape, the character, or its units as
 * \ooo (values up to 0777) or \xHEX; a hex digit right after a \x
 * escape is escaped too (it would extend it). */
static void put_wchar(struct literal *l, const struct wchar *c, char q,
		      bool *need_esc)
{
	static const char named[] = "\aa\bb\ff\nn\rr\tt\vv";
	const char *nm = c->cp && c->cp < 0x80 ? memchr(named, (int)c->cp,
							sizeof named - 1) : NULL;

	if (c->valid && nm && (nm - named) % 2 == 0) {
		l->q += sprintf(l->q, "\\%c", nm[1]);
	} else if (c->valid && (c->cp == (uint32_t)q || c->cp == '\\')) {
		l->q += sprintf(l->q, "\\%c", (int)c->cp);
	} else if (c->valid && wide_printable(c->cp) &&
		   !(*need_esc && c->cp < 0x80 && isxdigit((int)c->cp))) {
		l->q += put_utf8(l->q, c->cp);
	} else {
		for (size_t i = 0; i < c->nunits; i++) {
			*need_esc = c->units[i] > 0777;
			l->q += sprintf(l->q, *need_esc ? "\\x%" PRIx32 : "\\%03" PRIo32,
					c->units[i]);
		}
		return;
	}
	*need_esc = false;
}

/* units[0..n) as gdb prints a char16_t or char32_t array, in out (12
 * bytes a unit and 64 more are enough). */
static void wide_literal(const uint32_t *u, size_t n, size_t width, char *out)
{
	struct literal l = { out, false, false };
	struct wchar c, d;
	bool esc = false;
	size_t i = 0, k, r, j;

	*l.q++ = width == 2 ? 'u' : 'U';
	while (i < n) {
		k = next_wchar(u + i, n - i, width, &c);
		for (r = 1, j = i + k; j < n && j + k <= n; r++, j += k)
			if (next_wchar(u + j, n - j, width, &d) != k || !same_wchar(&c, &d))
				break;
		if (r > REPEAT_THRESHOLD) {
			lit_quote(&l, false);
			lit_sep(&l);
			*l.q++ = '\'';
			esc = false;
			put_wchar(&l, &c, '\'', &esc);
			l.q += sprintf(l.q, "' <repeats %zu times>", r);
			i = j;
			esc = false;
			continue;
		}
		if (!l.open)
			esc = false;
		lit_quote(&l, true);
		put_wchar(&l, &c, '"', &esc);
		i += k;
	}
	if (!l.any)
		lit_quote(&l, true);
	lit_quote(&l, false);
	*l.q = 0;
}

/* The text for JSON: the code points in UTF-8, U+FFFD for what does
 * not decode. */
static char *wide_utf8(const uint32_t *u, size_t n, size_t width)
{
	char *out = malloc(4 * n + 1), *q = out;
	struct wchar c;

	for (size_t i = 0; out && i < n; i += next_wchar(u + i, n - i, width, &c))
		q += put_utf8(q, (next_wchar(u + i, n - i, width, &c), c.valid) ?
			      c.cp : 0xfffd);
	if (out)
		*q = 0;
	return out;
}

void ld_show_xwstring(struct ld_xstrings_out *o, const struct ld_examine *x,
		      const uint32_t *units, size_t n, bool cut)
{
	char *text;

	if (o->rows) {
		json_t *j = json_object();

		text = wide_utf8(units, n, x->size);
		ld_json_put_u64(j, "address", x->addr);
		ld_json_put_text(j, "text", text ? text : "");
		ld_jset(j, "cut", json_boolean(cut));
		json_array_append_new(o->rows, j);
		free(text);
		return;
	}
	text = malloc(12 * n + 64);
	ld_out("0x%" PRIx64, x->addr);
	put_symbol(x, x->addr);
	if (text)
		wide_literal(units, n, x->size, text);
	ld_out(":\t%s%s\n", text ? text : "?", cut ? "..." : "");
	free(text);
}

void ld_xstrings_begin(struct ld_xstrings_out *o, uint64_t addr)
{
	o->addr = addr;
	o->rows = ld_json_on() ? json_array() : NULL;
}

void ld_show_xstring(struct ld_xstrings_out *o, const struct ld_examine *x,
		     const char *str, size_t len, bool cut)
{
	char *lit;
	json_t *j;

	if (o->rows) {
		j = json_object();
		ld_json_put_u64(j, "address", x->addr);
		ld_json_put_text(j, "text", str);
		ld_jset(j, "cut", json_boolean(cut));
		json_array_append_new(o->rows, j);
		return;
	}
	lit = malloc(6 * len + 3);
	ld_out("0x%" PRIx64, x->addr);
	put_symbol(x, x->addr);
	if (lit)
		c_literal(str, len, lit);
	ld_out(":\t%s%s\n", lit ? lit : "?", cut ? "..." : "");
	free(lit);
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
