/* Output helpers: every %s argument of ld_out, ld_fout and the error
 * helpers is escaped for the terminal (ld_escape_put). */
#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "layoutdbg/output.h"

static int out_quiet;
static int json_on;

/* --json: what one command reported.  Between ld_json_cmd_begin and
 * ld_json_cmd_end the command's document, its errors and its warnings are
 * held, so that it prints exactly one document however many things it had
 * to say (`delete 1 2 99 x`).  `source` runs commands inside a command:
 * scopes nest; beyond SCOPE_MAX documents go out as they come. */
#define SCOPE_MAX 32
struct scope {
	json_t *doc, *errors, *warnings;
	bool nested;	/* commands ran inside this one */
};
static struct scope scopes[SCOPE_MAX];
static int depth;

static struct scope *cur_scope(void)
{
	return json_on && depth > 0 && depth <= SCOPE_MAX ? &scopes[depth - 1] : NULL;
}

void ld_json_set(int on)
{
	json_on = on;
	out_quiet = on;
}

int ld_json_on(void)
{
	return json_on;
}

void ld_json_cmd_begin(void)
{
	if (depth > 0 && depth <= SCOPE_MAX)
		scopes[depth - 1].nested = true;
	if (depth < SCOPE_MAX)
		scopes[depth] = (struct scope){ 0 };
	depth++;
}

int ld_json_emitted(void)
{
	const struct scope *c = cur_scope();

	return c && (c->doc || c->errors || c->nested);
}

static void print_doc(json_t *doc);

/* The document the command reported: its errors (the first as "error",
 * all of them as "errors" when there were several), else its own document
 * or fallback; warnings ride along as "warnings". */
void ld_json_cmd_end(json_t *fallback)
{
	struct scope *c = cur_scope();
	json_t *doc;

	if (depth > 0)
		depth--;
	if (!c) {
		json_decref(fallback);
		return;
	}
	if (c->errors) {
		json_decref(c->doc);
		json_decref(fallback);
		doc = json_object();
		json_object_set(doc, "error", json_array_get(c->errors, 0));
		if (json_array_size(c->errors) > 1)
			json_object_set(doc, "errors", c->errors);
		json_decref(c->errors);
	} else {
		doc = c->doc ? c->doc : fallback;
		if (c->doc)
			json_decref(fallback);
	}
	if (doc && c->warnings)
		json_object_set(doc, "warnings", c->warnings);
	json_decref(c->warnings);
	*c = (struct scope){ 0 };
	if (doc)
		print_doc(doc);
}

/* Diagnostics: error.c formats them, this is where they are written. */
static FILE *diag_stream;
static unsigned diag_errors;

void ld_out_set_diag_stream(FILE *f)
{
	diag_stream = f;
}

unsigned ld_out_error_count(void)
{
	return diag_errors;
}

/* A diagnostic inside a command joins its document (ld_json_cmd_end);
 * one outside any command (the rc file's warning) is a document itself. */
static void diag_json(int warning, const char *where, const char *msg)
{
	struct scope *c = cur_scope();
	json_t **list = c ? (warning ? &c->warnings : &c->errors) : NULL;
	char *full = NULL;
	json_t *text = NULL;

	/* JSON escapes control characters itself: the raw text goes in, with
	 * every byte that is not UTF-8 made '?' (jansson takes UTF-8 only). */
	if (asprintf(&full, "%s%s%s", where ? where : "", where ? ": " : "", msg) >= 0) {
		ld_utf8_fix(full);
		text = json_string(full);
	}
	free(full);
	if (!text)
		text = json_string("out of memory");
	if (list) {
		if (!*list)
			*list = json_array();
		json_array_append_new(*list, text);
		return;
	}
	print_doc(json_pack("{s:o}", warning ? "warning" : "error", text));
}

void ld_out_diag(int warning, const char *where, const char *msg)
{
	FILE *f = diag_stream ? diag_stream : stderr;
	char *w = NULL;

	if (!warning)
		diag_errors++;
	if (json_on) {
		diag_json(warning, where, msg);
		return;
	}
	if (where)
		w = ld_escape(where, strlen(where), NULL);
	fflush(stdout);
	fprintf(f, "layoutdbg: %s%s%s%s\n", w ? w : "", w ? ": " : "",
		warning ? "warning: " : "", msg);
	fflush(f);
	free(w);
}

static int oom(const char *msg)
{
	ld_out_diag(0, NULL, msg);
	return -1;
}

void ld_put_json_line(FILE *f, const char *text)
{
	/* JSON leaves DEL as it is; it can only be inside a string, where
	 * \u007f means the same and does not reach the terminal raw */
	for (; *text; text++) {
		size_t n = strcspn(text, "\x7f");

		fwrite(text, 1, n, f);
		text += n;
		if (!*text)
			break;
		fputs("\\u007f", f);
	}
	fputc('\n', f);
}

static void print_doc(json_t *doc)
{
	char *text = doc ? json_dumps(doc, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;

	json_decref(doc);
	if (text)
		ld_put_json_line(stdout, text);
	else
		fputs("{\"error\":\"cannot print the JSON document: out of memory\"}\n",
		      stdout);
	fflush(stdout);
	free(text);
}

int ld_emit_json(json_t *doc)
{
	struct scope *c = cur_scope();

	if (!doc)
		return oom("cannot build the JSON document: out of memory");
	if (!c) {
		print_doc(doc);
		return 0;
	}
	/* One document a command: a second one would break the contract
	 * (doc/json/README.md), so the first stands. */
	if (c->doc)
		json_decref(doc);
	else
		c->doc = doc;
	return 0;
}static int color_on;

void ld_out_set_quiet(int quiet)
{
	out_quiet = quiet;
}

static int out_hold;

void ld_out_hold(int on)
{
	out_hold = on;
	if (!on)
		fflush(stdout);
}

void ld_out(const char *fmt, ...)
{
	va_list ap;

	if (out_quiet)
		return;
	va_start(ap, fmt);
	ld_vfout(stdout, fmt, ap);
	va_end(ap);
	if (!out_hold)
		fflush(stdout);
}

int ld_fout(FILE *f, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = ld_vfout(f, fmt, ap);
	va_end(ap);
	return n;
}

const char *ld_human_size(uint64_t n, char *buf, size_t len)
{
	static const char *unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	double v = (double)n;
	int u = 0;

	while (v >= 1024 && u < 6) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%llu B", (unsigned long long)n);
	else if (v == (double)(uint64_t)v)
		snprintf(buf, len, "%.0f %s", v, unit[u]);
	else
		snprintf(buf, len, "%.1f %s", v, unit[u]);
	return buf;
}

const char *ld_shorten(const char *s, size_t max, char *buf, size_t len)
{
	size_t n = strlen(s), keep;

	if (n <= max || max < 8 || len < max + 1)
		return s;
	keep = (max - 3) / 2;
	snprintf(buf, len, "%.*s...%s", (int)keep, s, s + n - keep);
	return buf;
}

void ld_color_set(int on)
{
	color_on = on;
}

int ld_color_on(void)
{
	return color_on;
}

static const char *const codes[] = {
	[LD_C_RESET] = "\033[0m", [LD_C_ADD] = "\033[32m",
	[LD_C_DEL] = "\033[31m", [LD_C_CHG] = "\033[33m",
	[LD_C_DIM] = "\033[2m", [LD_C_BOLD] = "\033[1m",
};

const char *ld_c(enum ld_color c)
{
	return color_on ? codes[c] : "";
}

/* ---- terminal hygiene ------------------------------------------------- */

/* A %s argument that is one of our own colour codes (the very pointer
 * ld_c returned) goes out raw; any other text is escaped. */
static bool is_color_code(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof codes / sizeof *codes; i++)
		if (s == codes[i])
			return true;
	return false;
}

size_t ld_utf8_seq(const unsigned char *p, size_t n, uint32_t *cp)
{
	size_t len, i;
	uint32_t c;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	len = p[0] >= 0xc2 && p[0] <= 0xdf ? 2 : p[0] >= 0xe0 && p[0] <= 0xef ? 3 :
	      p[0] >= 0xf0 && p[0] <= 0xf4 ? 4 : 0;
	if (!len || n < len)
		return 0;
	c = p[0] & (0x7fu >> len);
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	/* as strict as jansson: no overlong forms, surrogates or > U+10FFFF */
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

void ld_utf8_fix(char *s)
{
	unsigned char *p = (unsigned char *)s;
	size_t n = strlen(s), k;
	uint32_t cp;

	for (; n; p += k, n -= k)
		if (!(k = ld_utf8_seq(p, n, &cp))) {
			*p = '?';
			k = 1;
		}
}

/* Does code point cp act on a terminal instead of showing?  C0 controls
 * but the tab (source lines have them), DEL and C1 controls (U+0080..U+009F
 * or a stray byte there). */
static bool is_control(unsigned cp)
{
	return (cp < 0x20 && cp != '\t') || cp == 0x7f || (cp >= 0x80 && cp < 0xa0);
}

char *ld_escape(const char *s, size_t n, size_t *outlen)
{
	const unsigned char *p = (const unsigned char *)s;
	char *out = malloc(4 * n + 1), *q = out;
	size_t k, i;
	uint32_t cp;

	if (!out)
		return NULL;
	for (; n; p += k, n -= k) {
		k = ld_utf8_seq(p, n, &cp);
		if (!k) {		/* a stray byte: C1 range escaped, else kept */
			k = 1;
			cp = p[0];
		}
		if (!is_control(cp)) {
			memcpy(q, p, k);
			q += k;
			continue;
		}
		for (i = 0; i < k; i++) {
			static const char named[] = { '\n', 'n', '\r', 'r', 033, 'e' };
			const char *c = memchr(named, p[i], sizeof named);

			*q++ = '\\';
			if (c && (c - named) % 2 == 0)
				*q++ = c[1];
			else
				q += sprintf(q, "x%02x", p[i]);
		}
	}
	*q = 0;
	if (outlen)
		*outlen = (size_t)(q - out);
	return out;
}

size_t ld_escape_put(FILE *f, const char *s, size_t n)
{
	size_t len;
	char *e = ld_escape(s, n, &len);

	if (!e) {		/* out of memory: drop the text rather than risk it */
		fputs("?", f);
		return 1;
	}
	fwrite(e, 1, len, f);
	free(e);
	return len;
}

struct spec {
	bool left;
	int width, prec;	/* -1: none */
	char len[3];		/* length modifier */
	char conv;
	char text[64];		/* the conversion with '*' filled in */
};

/* v >= 0 in decimal at b (at most 10 digits, no NUL); the length. */
static size_t put_decimal(char *b, int v)
{
	char tmp[12];
	size_t n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	for (size_t i = 0; i < n; i++)
		b[i] = tmp[n - 1 - i];
	return n;
}

/* Parse the conversion at *pp (just after '%'), taking '*' values from
 * ap; leaves *pp after it. */
static void parse_spec(const char **pp, va_list *ap, struct spec *sp)
{
	const char *p = *pp;
	size_t t = 0;
	int v;

	memset(sp, 0, sizeof *sp);
	sp->width = sp->prec = -1;
	sp->text[t++] = '%';
	while (*p && strchr("-+ #0'", *p)) {
		sp->left |= *p == '-';
		if (t < 8)
			sp->text[t++] = *p;
		p++;
	}
	if (*p == '*') {
		v = va_arg(*ap, int);
		sp->left |= v < 0;
		sp->width = v < 0 ? -v : v;
		p++;
	} else if (isdigit((unsigned char)*p)) {
		sp->width = (int)strtol(p, (char **)&p, 10);
	}
	if (*p == '.') {
		p++;
		if (*p == '*') {
			v = va_arg(*ap, int);
			sp->prec = v < 0 ? -1 : v;
			p++;
		} else {
			sp->prec = (int)strtol(p, (char **)&p, 10);
		}
	}
	while (*p && strchr("hlzjtL", *p) && strlen(sp->len) < 2)
		sp->len[strlen(sp->len)] = *p++;
	sp->conv = *p ? *p++ : 0;
	/* by hand: three snprintf calls were most of a frame line's cost */
	if (sp->width >= 0)
		t += put_decimal(sp->text + t, sp->width);
	if (sp->prec >= 0) {
		sp->text[t++] = '.';
		t += put_decimal(sp->text + t, sp->prec);
	}
	for (const char *l = sp->len; *l; l++)
		sp->text[t++] = *l;
	sp->text[t++] = sp->conv;
	sp->text[t] = 0;
	*pp = p;
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
/* One numeric, character or pointer conversion, its argument from ap. */
static int put_value(FILE *f, const struct spec *sp, va_list *ap)
{
	const char *l = sp->len;

	switch (sp->conv) {
	case 'd': case 'i':
		if (!strcmp(l, "l"))
			return fprintf(f, sp->text, va_arg(*ap, long));
		else if (!strcmp(l, "ll") || !strcmp(l, "j"))
			return fprintf(f, sp->text, va_arg(*ap, long long));
		else if (!strcmp(l, "z") || !strcmp(l, "t"))
			return fprintf(f, sp->text, va_arg(*ap, ssize_t));
		else
			return fprintf(f, sp->text, va_arg(*ap, int));
	case 'u': case 'o': case 'x': case 'X':
		if (!strcmp(l, "l"))
			return fprintf(f, sp->text, va_arg(*ap, unsigned long));
		else if (!strcmp(l, "ll") || !strcmp(l, "j"))
			return fprintf(f, sp->text, va_arg(*ap, unsigned long long));
		else if (!strcmp(l, "z") || !strcmp(l, "t"))
			return fprintf(f, sp->text, va_arg(*ap, size_t));
		else
			return fprintf(f, sp->text, va_arg(*ap, unsigned));
	case 'c':	/* %lc: a wide character, not escaped */
		return fprintf(f, sp->text, va_arg(*ap, int));
	case 'p':
		return fprintf(f, sp->text, va_arg(*ap, void *));
	case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case 'a': case 'A':
		if (!strcmp(l, "L"))
			return fprintf(f, sp->text, va_arg(*ap, long double));
		else
			return fprintf(f, sp->text, va_arg(*ap, double));
	default:		/* %n and unknowns: not ours to print */
		return 0;
	}
	return 0;
}
#pragma GCC diagnostic pop

/* %s and %c: the text (n bytes) escaped, then padded to the width. */
/* Printable ASCII and tabs only: ld_escape would copy it unchanged. */
static bool plain_ascii(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((s[i] < 0x20 || s[i] > 0x7e) && s[i] != '\t')
			return false;
	return true;
}

static size_t put_text(FILE *f, const struct spec *sp, const char *s, size_t n)
{
	size_t len, pad;
	char *e;

	if (is_color_code(s))
		return fwrite(s, 1, n, f);
	/* the common case without a copy (a 10,000-line listing) */
	e = plain_ascii(s, n) ? (char *)s : ld_escape(s, n, &len);
	if (e == s)
		len = n;
	if (!e)
		return 0;
	for (pad = len; !sp->left && pad < (size_t)(sp->width > 0 ? sp->width : 0); pad++)
		fputc(' ', f);
	fwrite(e, 1, len, f);
	for (pad = len; sp->left && pad < (size_t)(sp->width > 0 ? sp->width : 0); pad++)
		fputc(' ', f);
	if (e != s)
		free(e);
	return sp->width > 0 && (size_t)sp->width > len ? (size_t)sp->width : len;
}

int ld_vfout(FILE *f, const char *fmt, va_list ap)
{
	const char *p = fmt;
	struct spec sp;
	size_t n = 0;
	va_list aq;

	va_copy(aq, ap);
	while (*p) {
		size_t lit = strcspn(p, "%");

		n += fwrite(p, 1, lit, f);
		p += lit;
		if (!*p)
			break;
		if (p[1] == '%') {
			fputc('%', f);
			n++;
			p += 2;
			continue;
		}
		p++;
		parse_spec(&p, &aq, &sp);
		if (sp.conv == 's') {
			const char *t = va_arg(aq, const char *);

			if (!t)
				t = "(null)";
			n += put_text(f, &sp, t, sp.prec >= 0 ? strnlen(t, (size_t)sp.prec)
							       : strlen(t));
		} else if (sp.conv == 'c' && !*sp.len) {
			char c = (char)va_arg(aq, int);

			n += put_text(f, &sp, &c, 1);
		} else
			n += (size_t)put_value(f, &sp, &aq);
	}
	va_end(aq);
	return n > INT_MAX ? INT_MAX : (int)n;
}
