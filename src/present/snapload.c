/* The validating loader: a "layoutdbg-snapshot" document (snapjson.h)
 * back into a snapshot.  It trusts nothing in a file: every field is
 * checked for type and range before it reaches a struct ld_snapshot, and
 * the snapshot joins the list only once all of it was read, so a bad file
 * leaves no trace. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layoutdbg/error.h"
#include "layoutdbg/heapsnap.h"
#include "layoutdbg/json.h"
#include "layoutdbg/output.h"
#include "layoutdbg/regtable.h"
#include "layoutdbg/snapjson.h"
#include "layoutdbg/snapload.h"

#define DELETED_SUFFIX " (deleted)"

/* ---- JSON in ---------------------------------------------------------- */

/* Where a message goes.  The first failure is the one reported. */
struct rd {
	char *err;
	size_t errlen;
};

/* Record "WHERE.KEY: why" ("KEY: why" at the top level).  Returns -EINVAL
 * so that `return bad(...)` reads as the reason. */
static int bad(const struct rd *r, const char *where, const char *key,
	       const char *fmt, ...) LD_PRINTF(4, 5);
static int bad(const struct rd *r, const char *where, const char *key,
	       const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!r->err || !r->errlen)
		return -EINVAL;
	n = snprintf(r->err, r->errlen, "%s%s%s: ", where, *where ? "." : "",
		     key);
	if (n < 0 || (size_t)n >= r->errlen)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(r->err + n, r->errlen - n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int nomem(const struct rd *r)
{
	ld_fail(r->err, r->errlen, "%s", strerror(ENOMEM));
	return -ENOMEM;
}

static const char *type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a real number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	case JSON_NULL: return "null";
	}
	return "something else";
}

/* A string from the file as it can be quoted in a message: short, and with
 * '?' for bytes that would garble a terminal. */
static const char *quote(char buf[40], const char *s)
{
	size_t i, n = strlen(s), k = n < 32 ? n : 32;

	for (i = 0; i < k; i++)
		buf[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	strcpy(buf + k, n > k ? "..." : "");
	return buf;
}

/* The member key of object o, which must be there and of type t. */
static int get(const struct rd *r, const json_t *o, const char *where,
	       const char *key, json_type t, json_t **v)
{
	static const char *const expect[] = {
		[JSON_OBJECT] = "an object", [JSON_ARRAY] = "an array",
		[JSON_STRING] = "a string", [JSON_INTEGER] = "an integer",
		[JSON_TRUE] = "a boolean", [JSON_FALSE] = "a boolean",
	};

	*v = json_object_get(o, key);
	if (!*v)
		return bad(r, where, key, "missing");
	if (json_typeof(*v) == t ||
	    (t == JSON_TRUE && json_typeof(*v) == JSON_FALSE))
		return 0;
	return bad(r, where, key, "expected %s, got %s", expect[t],
		   type_name(*v));
}

static int get_int(const struct rd *r, const json_t *o, const char *where,
		   const char *key, long long min, long long max,
		   long long *out)
{
	json_t *v;
	int rc = get(r, o, where, key, JSON_INTEGER, &v);

	if (rc)
		return rc;
	*out = json_integer_value(v);
	if (*out < min || *out > max)
		return bad(r, where, key, "%lld is out of range (%lld to %lld)",
			   *out, min, max);
	return 0;
}

static int get_bool(const struct rd *r, const json_t *o, const char *where,
		    const char *key, bool *out)
{
	json_t *v;
	int rc = get(r, o, where, key, JSON_TRUE, &v);

	if (!rc)
		*out = json_is_true(v);
	return rc;
}

static int hexdig(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The exact bytes of key_bytes (two hex digits each, no NUL byte). */
static int unhex_bytes(const struct rd *r, const char *where, const char *key,
		       const char *hex, char **out)
{
	size_t n = strlen(hex), i;
	char *s;

	if (n % 2)
		return bad(r, where, key, "odd number of hex digits");
	if (!(s = malloc(n / 2 + 1)))
		return nomem(r);
	for (i = 0; i < n / 2; i++) {
		int hi = hexdig(hex[2 * i]), lo = hexdig(hex[2 * i + 1]);

		if (hi < 0 || lo < 0 || (hi | lo) == 0) {
			free(s);
			return bad(r, where, key, hi < 0 || lo < 0 ?
				   "expected hex digits" : "holds a NUL byte");
		}
		s[i] = (char)(hi << 4 | lo);
	}
	s[n / 2] = '\0';
	*out = s;
	return 0;
}

/* Text written by ld_json_put_text(): a string (or null if nullable), or its
 * exact bytes from key_bytes when that is there.  *out is malloc'ed, or
 * NULL for null. */
static int get_text(const struct rd *r, const json_t *o, const char *where,
		    const char *key, bool nullable, char **out)
{
	json_t *v = json_object_get(o, key), *b;
	char bk[64];

	*out = NULL;
	if (!v)
		return bad(r, where, key, "missing");
	if (nullable && json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return bad(r, where, key, "expected a string%s, got %s",
			   nullable ? " or null" : "", type_name(v));
	if (json_string_length(v) != strlen(json_string_value(v)))
		return bad(r, where, key, "holds a NUL character");
	snprintf(bk, sizeof bk, "%s_bytes", key);
	b = json_object_get(o, bk);
	if (b && !json_is_string(b))
		return bad(r, where, bk, "expected a string, got %s", type_name(b));
	if (b)
		return unhex_bytes(r, where, bk, json_string_value(b), out);
	*out = strdup(json_string_value(v));
	return *out ? 0 : nomem(r);
}

/* "0x" and 1 to 16 hex digits. */
static bool parse_hex(const char *s, uint64_t *v)
{
	size_t i, n;

	if (s[0] != '0' || s[1] != 'x')
		return false;
	n = strlen(s + 2);
	if (n < 1 || n > 16)
		return false;
	*v = 0;
	for (i = 0; i < n; i++) {
		int d = hexdig(s[2 + i]);

		if (d < 0)
			return false;
		*v = *v << 4 | (uint64_t)d;
	}
	return true;
}

/* A value written by ld_json_put_u64_in(): hexk in hexo is the value, numk in
 * numo must agree with it (null exactly when it is above INT64_MAX). */
static int get_u64_in(const struct rd *r, const json_t *numo,
		      const char *numw, const char *numk, const json_t *hexo,
		      const char *hexw, const char *hexk, uint64_t *out)
{
	json_t *h, *n = json_object_get(numo, numk);
	char q[40];

	if (get(r, hexo, hexw, hexk, JSON_STRING, &h))
		return -EINVAL;
	if (!parse_hex(json_string_value(h), out))
		return bad(r, hexw, hexk, "expected \"0x\" and 1 to 16 hex "
			   "digits, got \"%s\"", quote(q, json_string_value(h)));
	if (n && json_is_null(n)) {
		if (*out > INT64_MAX)
			return 0;
		return bad(r, numw, numk, "null, but %s is %s (null stands only "
			   "for values above INT64_MAX)", hexk,
			   json_string_value(h));
	}
	if (get(r, numo, numw, numk, JSON_INTEGER, &n))
		return -EINVAL;
	if (json_integer_value(n) < 0 || (uint64_t)json_integer_value(n) != *out)
		return bad(r, numw, numk, "%" JSON_INTEGER_FORMAT " disagrees "
			   "with %s %s", json_integer_value(n), hexk,
			   json_string_value(h));
	return 0;
}

static int get_u64(const struct rd *r, const json_t *o, const char *where,
		   const char *key, uint64_t *out)
{
	char hk[64];

	snprintf(hk, sizeof hk, "%s_hex", key);
	return get_u64_in(r, o, where, key, o, where, hk, out);
}

/* "fd:01": major and minor in hex, as /proc/PID/maps prints them. */
static bool parse_dev(const char *s, unsigned *major, unsigned *minor)
{
	uint64_t v[2] = { 0, 0 };
	size_t k = 0, digits = 0;

	for (; *s; s++) {
		int d = hexdig(*s);

		if (*s == ':' && k == 0 && digits) {
			k = 1;
			digits = 0;
			continue;
		}
		if (d < 0 || ++digits > 8)
			return false;
		v[k] = v[k] << 4 | (uint64_t)d;
	}
	if (k != 1 || !digits)
		return false;
	*major = (unsigned)v[0];
	*minor = (unsigned)v[1];
	return true;
}

static bool perms_ok(const char *p)
{
	return strlen(p) == 4 && (p[0] == 'r' || p[0] == '-') &&
	       (p[1] == 'w' || p[1] == '-') && (p[2] == 'x' || p[2] == '-') &&
	       (p[3] == 'p' || p[3] == 's');
}

static int get_perms_dev(const struct rd *r, const json_t *o, const char *w,
			 struct ld_map *mp)
{
	json_t *v;
	char q[40];

	if (get(r, o, w, "perms", JSON_STRING, &v))
		return -EINVAL;
	if (!perms_ok(json_string_value(v)))
		return bad(r, w, "perms", "expected 4 characters matching "
			   "[r-][w-][x-][ps], got \"%s\"",
			   quote(q, json_string_value(v)));
	memcpy(mp->perms, json_string_value(v), 5);
	if (get(r, o, w, "dev", JSON_STRING, &v))
		return -EINVAL;
	if (!parse_dev(json_string_value(v), &mp->dev_major, &mp->dev_minor))
		return bad(r, w, "dev", "expected MAJOR:MINOR in hex, got \"%s\"",
			   quote(q, json_string_value(v)));
	return 0;
}

static bool ends_deleted(const char *path)
{
	size_t n = strlen(path), k = strlen(DELETED_SUFFIX);

	return n >= k && !strcmp(path + n - k, DELETED_SUFFIX);
}

/* Range and size; prev_end is where the previous mapping ended (0 for the
 * first), as mappings are sorted and never overlap. */
static int get_range(const struct rd *r, const json_t *o, const char *w,
		     uint64_t prev_end, struct ld_map *mp)
{
	uint64_t size;

	if (get_u64(r, o, w, "start", &mp->start) ||
	    get_u64(r, o, w, "end", &mp->end) ||
	    get_u64(r, o, w, "size", &size))
		return -EINVAL;
	if (mp->start >= mp->end)
		return bad(r, w, "end", "0x%" PRIx64 " not above start 0x%" PRIx64,
			   mp->end, mp->start);
	if (size != mp->end - mp->start)
		return bad(r, w, "size", "0x%" PRIx64 ", but end - start is 0x%"
			   PRIx64, size, mp->end - mp->start);
	if (mp->start < prev_end)
		return bad(r, w, "start", "0x%" PRIx64 " below the end of the "
			   "previous mapping (0x%" PRIx64 "): mappings must be "
			   "sorted and must not overlap", mp->start, prev_end);
	return 0;
}

static int get_mapping(const struct rd *r, const json_t *o, const char *w,
		       uint64_t prev_end, struct ld_map *mp)
{
	int rc;

	if (!json_is_object(o))
		return bad(r, "", w, "expected an object, got %s", type_name(o));
	if (get_range(r, o, w, prev_end, mp) ||
	    get_u64(r, o, w, "offset", &mp->offset) ||
	    get_u64(r, o, w, "inode", &mp->inode) ||
	    get_perms_dev(r, o, w, mp) || get_bool(r, o, w, "deleted", &mp->deleted))
		return -EINVAL;
	if ((rc = get_text(r, o, w, "path", false, &mp->path)) == 0 && mp->path) {
		/* mapping paths are interned (maps.h) */
		char *own = mp->path;

		mp->path = ld_path_intern(own, strlen(own));
		free(own);
		if (!mp->path)
			rc = -ENOMEM;
	}
	if (rc)
		return rc;
	if (mp->deleted != ends_deleted(mp->path))
		return bad(r, w, "deleted", "%s, but the path %s in \"%s\"",
			   mp->deleted ? "true" : "false",
			   mp->deleted ? "does not end" : "ends", DELETED_SUFFIX);
	return 0;
}

static int get_mappings(const struct rd *r, const json_t *top,
			struct ld_maps *m)
{
	json_t *a;
	size_t i, n;

	if (get(r, top, "", "mappings", JSON_ARRAY, &a))
		return -EINVAL;
	n = json_array_size(a);
	if (n && !(m->v = calloc(n, sizeof *m->v)))
		return nomem(r);
	m->cap = n;
	for (i = 0; i < n; i++) {
		char w[48];
		int rc;

		snprintf(w, sizeof w, "mappings[%zu]", i);
		/* Counted before it is filled: release frees a NULL path. */
		m->n++;
		rc = get_mapping(r, json_array_get(a, i), w,
				 i ? m->v[i - 1].end : 0, &m->v[i]);
		if (rc)
			return rc;
	}
	return 0;
}

/* One mapping's "pages": each count a whole number of KiB, in bytes. */
static int get_pages(const struct rd *r, const json_t *o, const char *w,
		     struct ld_pages *p)
{
	long long v;

#define GP(f) \
	if (get_int(r, o, w, #f, 0, (long long)UINT32_MAX * 1024, &v)) \
		return -EINVAL; \
	if (v % 1024) \
		return bad(r, w, #f, "%lld is not a whole number of KiB", v); \
	p->f = (uint32_t)(v / 1024);
	LD_PAGE_FIELDS(GP)
#undef GP
	return 0;
}

static int get_strip(const struct rd *r, const json_t *o, const char *w,
		     const struct ld_map *mp, struct ld_snapshot *s)
{
	uint64_t pg = (uint64_t)sysconf(_SC_PAGESIZE);
	json_t *v = json_object_get(o, "page_strip");
	size_t n, i;
	const char *t;
	uint8_t *ns;

	if (!v)
		return 0;
	if (!json_is_string(v))
		return bad(r, w, "page_strip", "expected a string, got %s", type_name(v));
	n = json_string_length(v);
	t = json_string_value(v);
	if (n != (mp->end - mp->start) / pg || n > LD_STRIP_MAX_PAGES)
		return bad(r, w, "page_strip", "%zu pages for a mapping of %" PRIu64,
			   n, (mp->end - mp->start) / pg);
	if (!(ns = realloc(s->strip, s->nstrip + n + 1)))
		return nomem(r);
	s->strip = ns;
	for (i = 0; i < n; i++) {
		if (t[i] < '0' || t[i] > '0' + LD_PS_UNKNOWN)
			return bad(r, w, "page_strip", "page %zu: '%c' is not a "
				   "page state (0 to %d)", i, t[i], LD_PS_UNKNOWN);
		s->strip[s->nstrip++] = (uint8_t)(t[i] - '0');
	}
	return 0;
}

/* Page counts: on every mapping or on none (an older file). */
static int get_all_pages(const struct rd *r, const json_t *top,
			 struct ld_snapshot *s)
{
	json_t *a = json_object_get(top, "mappings");
	size_t i;
	int rc;

	if (!s->maps.n || !json_object_get(json_array_get(a, 0), "pages"))
		return 0;
	if (!(s->pages = calloc(s->maps.n, sizeof *s->pages)))
		return nomem(r);
	for (i = 0; i < s->maps.n; i++) {
		const json_t *o = json_array_get(a, i);
		char w[48];

		snprintf(w, sizeof w, "mappings[%zu]", i);
		if (!json_is_object(json_object_get(o, "pages")))
			return bad(r, w, "pages", "missing or not an object: page "
				   "counts must be on every mapping or on none");
		snprintf(w, sizeof w, "mappings[%zu].pages", i);
		if (get_pages(r, json_object_get(o, "pages"), w, &s->pages[i]))
			return -EINVAL;
		snprintf(w, sizeof w, "mappings[%zu]", i);
		if ((rc = get_strip(r, o, w, &s->maps.v[i], s)))
			return rc;
	}
	return 0;
}

/* A frame's "args" (optional: files saved before they were kept, frames
 * without DWARF): name, value, entry_value (equal to value: the compact
 * name=name@entry=V form). */
static int get_args(const struct rd *r, const json_t *o, const char *w,
		    struct ld_snap_frame *fr)
{
	json_t *a = json_object_get(o, "args");
	size_t n = json_array_size(a);
	int rc = 0;

	if (!a)
		return 0;
	if (!json_is_array(a))
		return bad(r, w, "args", "expected an array, got %s", type_name(a));
	if (!(fr->args = calloc(1, sizeof *fr->args)) ||
	    (n && !(fr->args->v = calloc(n, sizeof *fr->args->v))))
		return nomem(r);
	for (size_t i = 0; i < n && !rc; i++) {
		const json_t *e = json_array_get(a, i);
		struct ld_frame_arg *g = &fr->args->v[i];
		char aw[160];

		snprintf(aw, sizeof aw, "%s.args[%zu]", w, i);
		fr->args->n = i + 1;
		if (!json_is_object(e))
			return bad(r, "", aw, "expected an object, got %s", type_name(e));
		if ((rc = get_text(r, e, aw, "name", false, &g->name)) ||
		    (rc = get_text(r, e, aw, "value", false, &g->value)))
			break;
		if (json_object_get(e, "entry_value") &&
		    !(rc = get_text(r, e, aw, "entry_value", false, &g->entry)) &&
		    !strcmp(g->entry, g->value)) {
			free(g->entry);
			g->entry = NULL;
			g->compact = true;
		}
	}
	return rc;
}

static int get_frame(const struct rd *r, const json_t *o, const char *w,
		     struct ld_snap_frame *fr)
{
	int rc;

	if (!json_is_object(o))
		return bad(r, "", w, "expected an object, got %s", type_name(o));
	if (get_u64(r, o, w, "pc", &fr->pc) || get_u64(r, o, w, "sp", &fr->sp) ||
	    get_u64(r, o, w, "cfa", &fr->cfa) ||
	    get_u64(r, o, w, "offset", &fr->off))
		return -EINVAL;
	if ((rc = get_text(r, o, w, "function", true, &fr->func)))
		return rc;
	if ((rc = get_text(r, o, w, "object", true, &fr->obj)))
		return rc;
	/* inline frames: optional (files saved before they were known) */
	if (json_object_get(o, "linkage_name") &&
	    (rc = get_text(r, o, w, "linkage_name", true, &fr->linkage)))
		return rc;
	if (fr->linkage && fr->func && !strcmp(fr->linkage, fr->func)) {
		free(fr->linkage);
		fr->linkage = NULL;
	}
	if ((json_object_get(o, "inline") &&
	     (rc = get_bool(r, o, w, "inline", &fr->inlined))) ||
	    (json_object_get(o, "at_call") &&
	     (rc = get_bool(r, o, w, "at_call", &fr->at_call))) ||
	    (json_object_get(o, "frame_pointer") &&
	     (rc = get_bool(r, o, w, "frame_pointer", &fr->fp_guess))))
		return rc;
	/* file and line: optional (frames with source information) */
	if (json_object_get(o, "file")) {
		long long line;

		if ((rc = get_text(r, o, w, "file", true, &fr->file)) ||
		    (rc = get_int(r, o, w, "line", 0, UINT32_MAX, &line)))
			return rc;
		fr->line = (unsigned)line;
	}
	return get_args(r, o, w, fr);
}

static int get_frames(const struct rd *r, const json_t *o, const char *w,
		      struct ld_snap_thread *th)
{
	json_t *a;
	size_t i, n;

	if (get(r, o, w, "frames", JSON_ARRAY, &a))
		return -EINVAL;
	n = json_array_size(a);
	if (n && !(th->frames = calloc(n, sizeof *th->frames)))
		return nomem(r);
	th->nframes = n;   /* zeroed entries free cleanly */
	for (i = 0; i < n; i++) {
		char fw[80];
		int rc;

		snprintf(fw, sizeof fw, "%s.frames[%zu]", w, i);
		if ((rc = get_frame(r, json_array_get(a, i), fw, &th->frames[i])))
			return rc;
	}
	return 0;
}

static int get_regs(const struct rd *r, const json_t *o, const char *w,
		    struct ld_snap_thread *th)
{
	json_t *num = json_object_get(o, "regs"), *hex;
	char nw[80], hw[80];
	size_t i;

	if (num && json_is_null(num)) {
		hex = json_object_get(o, "regs_hex");
		if (hex && json_is_null(hex))
			return 0;
		return bad(r, w, "regs_hex", "expected null, as regs is null");
	}
	if (get(r, o, w, "regs", JSON_OBJECT, &num) ||
	    get(r, o, w, "regs_hex", JSON_OBJECT, &hex))
		return -EINVAL;
	snprintf(nw, sizeof nw, "%s.regs", w);
	snprintf(hw, sizeof hw, "%s.regs_hex", w);
	for (i = 0; i < ld_nregs; i++) {
		const struct ld_reg_desc *d = ld_reg_in_struct(i);
		uint64_t v;

		if (get_u64_in(r, num, nw, d->name, hex, hw, d->name, &v))
			return -EINVAL;
		*ld_reg_slot(&th->regs, d) = v;
	}
	th->regs_valid = true;
	return 0;
}

/* "depth" and "window" (optional: without them "frames" is the whole
 * stack): which levels the frames are. */
static int get_window(const struct rd *r, const json_t *o, const char *w,
		      struct ld_snap_thread *th)
{
	long long depth, inner, outer;
	json_t *win;
	char ww[80];

	if (!json_object_get(o, "depth") && !json_object_get(o, "window"))
		return 0;
	if (get_int(r, o, w, "depth", (long long)th->nframes, LLONG_MAX, &depth) ||
	    get(r, o, w, "window", JSON_OBJECT, &win))
		return -EINVAL;
	snprintf(ww, sizeof ww, "%s.window", w);
	if (get_int(r, win, ww, "innermost", 0, (long long)th->nframes, &inner) ||
	    get_int(r, win, ww, "outermost", 0, (long long)th->nframes, &outer))
		return -EINVAL;
	if ((size_t)(inner + outer) != th->nframes)
		return bad(r, ww, "outermost", "innermost and outermost make %lld, "
			   "not the %zu frames", inner + outer, th->nframes);
	if ((size_t)depth > th->nframes) {
		th->depth = (size_t)depth;
		th->ninner = (size_t)inner;
	}
	return 0;
}

static int get_thread(const struct rd *r, const json_t *o, const char *w,
		      struct ld_snap_thread *th)
{
	long long tid, num;
	int rc;

	if (!json_is_object(o))
		return bad(r, "", w, "expected an object, got %s", type_name(o));
	if (get_int(r, o, w, "tid", 1, INT_MAX, &tid) ||
	    get_int(r, o, w, "num", 0, INT_MAX, &num) || get_regs(r, o, w, th))
		return -EINVAL;
	th->tid = (pid_t)tid;
	th->num = (int)num;
	rc = get_frames(r, o, w, th);
	return rc ? rc : get_window(r, o, w, th);
}

static int get_threads(const struct rd *r, const json_t *top,
		       struct ld_snapshot *s)
{
	json_t *a;
	size_t i, n;

	if (get(r, top, "", "threads", JSON_ARRAY, &a))
		return -EINVAL;
	n = json_array_size(a);
	if (n && !(s->threads = calloc(n, sizeof *s->threads)))
		return nomem(r);
	s->nthreads = n;   /* zeroed threads release cleanly */
	for (i = 0; i < n; i++) {
		char w[48];
		int rc;

		snprintf(w, sizeof w, "threads[%zu]", i);
		if ((rc = get_thread(r, json_array_get(a, i), w, &s->threads[i])))
			return rc;
	}
	return 0;
}

static int get_brk(const struct rd *r, const json_t *top,
		   struct ld_snapshot *s)
{
	json_t *o;

	if (get(r, top, "", "brk", JSON_OBJECT, &o) ||
	    get_u64(r, o, "brk", "start", &s->start_brk) ||
	    get_u64(r, o, "brk", "current", &s->brk) ||
	    get_bool(r, o, "brk", "valid", &s->brk_valid))
		return -EINVAL;
	/* The kernel never lets brk below start_brk (mm/mmap.c, brk()). */
	if (s->brk_valid && s->brk < s->start_brk)
		return bad(r, "brk", "current", "0x%" PRIx64 " below start 0x%"
			   PRIx64, s->brk, s->start_brk);
	return 0;
}

/* "time" is derived from "time_ns"; both must tell the same instant. */
static int get_time(const struct rd *r, const json_t *top,
		    struct ld_snapshot *s)
{
	long long ns;
	json_t *v;
	char t[64], q[40];

	if (get_int(r, top, "", "time_ns", 0, LLONG_MAX, &ns) ||
	    get(r, top, "", "time", JSON_STRING, &v))
		return -EINVAL;
	s->when.tv_sec = (time_t)(ns / 1000000000LL);
	s->when.tv_nsec = (long)(ns % 1000000000LL);
	if (strcmp(json_string_value(v), ld_iso_time(&s->when, t, sizeof t)))
		return bad(r, "", "time", "\"%s\" is not time_ns %lld (%s)",
			   quote(q, json_string_value(v)), ns, t);
	return 0;
}

static int get_header(const struct rd *r, const json_t *top)
{
	json_t *f;
	long long version;
	char q[40];

	if (!json_is_object(top)) {
		ld_fail(r->err, r->errlen, "not a layoutdbg snapshot (expected a "
		    "JSON object, got %s)", type_name(top));
		return -EINVAL;
	}
	f = json_object_get(top, "format");
	if (!f || !json_is_string(f)) {
		ld_fail(r->err, r->errlen, "not a layoutdbg snapshot (%s \"format\")",
		    f ? "no string in" : "no");
		return -EINVAL;
	}
	if (strcmp(json_string_value(f), LD_SNAP_FORMAT)) {
		ld_fail(r->err, r->errlen, "not a layoutdbg snapshot (format \"%s\")",
		    quote(q, json_string_value(f)));
		return -EINVAL;
	}
	if (get_int(r, top, "", "version", LLONG_MIN, LLONG_MAX, &version))
		return -EINVAL;
	if (version != LD_FORMAT_VERSION) {
		ld_fail(r->err, r->errlen, "layoutdbg snapshot version %lld: this "
		    "build reads version %d", version, LD_FORMAT_VERSION);
		return -EINVAL;
	}
	return 0;
}

static int get_snapshot(const struct rd *r, const json_t *top,
			struct ld_snapshot *s)
{
	long long id, pid;
	int rc;

	if (get_header(r, top))
		return -EINVAL;
	/* The saved id is checked, not kept: ids are the session's. */
	if (get_int(r, top, "", "id", 0, UINT_MAX, &id) ||
	    get_int(r, top, "", "pid", 0, INT_MAX, &pid) ||
	    get_bool(r, top, "", "aslr", &s->aslr) || get_time(r, top, s) ||
	    get_brk(r, top, s))
		return -EINVAL;
	s->pid = (pid_t)pid;
	if ((rc = get_text(r, top, "", "name", true, &s->name)) ||
	    (rc = get_text(r, top, "", "exe", true, &s->exe)) ||
	    (rc = get_text(r, top, "", "reason", true, &s->reason)) ||
	    (rc = get_mappings(r, top, &s->maps)) ||
	    (rc = get_all_pages(r, top, s)))
		return rc;
	return get_threads(r, top, s);
}

/* "chunks": [addr, size|state, ...] */
static struct ld_snap_chunk *chunks_from(const json_t *a, size_t *n, bool *ok)
{
	size_t len = json_is_array(a) ? json_array_size(a) : 1;
	struct ld_snap_chunk *v;

	*n = 0;
	if (len % 2) {
		*ok = false;
		return NULL;
	}
	v = malloc((len ? len / 2 : 1) * sizeof *v);
	if (!v) {
		*ok = false;
		return NULL;
	}
	for (size_t i = 0; i + 1 < len; i += 2) {
		json_t *x = json_array_get(a, i), *y = json_array_get(a, i + 1);

		if (!json_is_integer(x) || !json_is_integer(y) ||
		    (json_integer_value(y) & 15) >= LD_CH_NSTATES)
			*ok = false;
		v[i / 2] = (struct ld_snap_chunk){ (uint64_t)json_integer_value(x),
						   (uint64_t)json_integer_value(y) };
	}
	*n = len / 2;
	return v;
}

/* "heap": the chunk lists (heapjson.h).  NULL (and a reason in err) when
 * j is not a heap document. */
static struct ld_snap_heap *heap_from_json(const json_t *j, char *err,
					   size_t errlen)
{
	struct ld_snap_heap *h = calloc(1, sizeof *h);
	const json_t *av = json_object_get(j, "arenas");
	bool ok = h && json_is_array(av);

	if (ok) {
		const char *src = json_string_value(json_object_get(j, "source"));

		snprintf(h->source, sizeof h->source, "%s", src ? src : "");
		h->arenas = calloc(json_array_size(av) + 1, sizeof *h->arenas);
		ok = h->arenas != NULL;
	}
	for (size_t i = 0; ok && i < json_array_size(av); i++) {
		const json_t *a = json_array_get(av, i);
		const json_t *addr = json_object_get(a, "address");

		h->arenas[i].addr = json_is_integer(addr) ? (uint64_t)json_integer_value(addr) : 0;
		h->arenas[i].main = json_is_true(json_object_get(a, "main"));
		h->arenas[i].chunks = chunks_from(json_object_get(a, "chunks"),
						  &h->arenas[i].n, &ok);
		h->narenas++;
	}
	if (ok)
		h->mmapped = chunks_from(json_object_get(j, "mmapped"), &h->nmmapped, &ok);
	if (!ok) {
		snprintf(err, errlen, "\"heap\": not a heap of chunks");
		ld_snap_heap_free(h);
		return NULL;
	}
	return h;
}

int ld_snapshot_from_json(json_t *j, struct ld_snapshots *ss,
			  struct ld_snapshot **out, char *err, size_t errlen)
{
	struct rd r = { err, errlen };
	struct ld_snapshot *tmp, *snap = NULL;
	unsigned id;
	int rc;

	*out = NULL;
	ld_fail(err, errlen, "%s", "");
	/* Built aside and added last, so a bad file leaves ss untouched. */
	if (!(tmp = calloc(1, sizeof *tmp)))
		return nomem(&r);
	ld_maps_init(&tmp->maps);
	rc = get_snapshot(&r, j, tmp);
	if (!rc && json_object_get(j, "heap") &&
	    !(tmp->heap = heap_from_json(json_object_get(j, "heap"), err, errlen)))
		rc = -EINVAL;
	if (!rc && !(snap = ld_snapshot_new(ss, NULL)))
		rc = nomem(&r);
	if (rc) {
		ld_snapshot_free(tmp);
		return rc;
	}
	id = snap->id;
	*snap = *tmp;   /* snap held nothing yet: no name, no maps */
	snap->id = id;
	free(tmp);
	*out = snap;
	return 0;
}
