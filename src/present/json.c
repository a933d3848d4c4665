/* The one JSON writer: setters and the pieces every document shares
 * (include/layoutdbg/json.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/json.h"
#include "layoutdbg/output.h"

int ld_jset(json_t *o, const char *key, json_t *v)
{
	/* json_object_set_new() releases v when o is not an object and
	 * fails when v is NULL: a failed constructor fails the set. */
	return json_object_set_new(o, key, v) ? -1 : 0;
}

json_t *ld_jdoc(const char *command)
{
	return json_pack("{s:s}", "command", command);
}

/* ---- numbers and text ------------------------------------------------- */

json_t *ld_json_hex(uint64_t v)
{
	char h[24];

	snprintf(h, sizeof h, "0x%" PRIx64, v);
	return json_string(h);
}

json_t *ld_json_words(const char *list)
{
	json_t *v = json_array();
	char *copy = strdup(list), *save = NULL, *w;

	for (w = copy ? strtok_r(copy, " ", &save) : NULL; w; w = strtok_r(NULL, " ", &save))
		json_array_append_new(v, json_string(w));
	free(copy);
	return v;
}

int ld_json_put_u64_in(json_t *num, const char *numk, json_t *hex,
		       const char *hexk, uint64_t v)
{
	return ld_jset(num, numk, v <= INT64_MAX ? json_integer((json_int_t)v) :
						    json_null()) ||
	       ld_jset(hex, hexk, ld_json_hex(v));
}

int ld_json_put_u64(json_t *o, const char *key, uint64_t v)
{
	char hk[64];

	snprintf(hk, sizeof hk, "%s_hex", key);
	return ld_json_put_u64_in(o, key, o, hk, v);
}

static bool utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), k;
	uint32_t cp;

	for (; n; p += k, n -= k)
		if (!(k = ld_utf8_seq(p, n, &cp)))
			return false;
	return true;
}

/* s with every byte that is not part of valid UTF-8 replaced by U+FFFD.
 * NULL when memory ran out. */
static char *utf8_lossy(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), k;
	char *out = malloc(3 * n + 1), *q = out;
	uint32_t cp;

	if (!out)
		return NULL;
	for (; n; p += k, n -= k) {
		k = ld_utf8_seq(p, n, &cp);
		if (!k) {
			memcpy(q, "\xef\xbf\xbd", 3);
			q += 3;
			k = 1;
			continue;
		}
		memcpy(q, p, k);
		q += k;
	}
	*q = '\0';
	return out;
}

static char *hex_bytes(const char *s)
{
	size_t n = strlen(s), i;
	char *out = malloc(2 * n + 1);

	for (i = 0; out && i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", (unsigned char)s[i]);
	if (out)
		out[2 * n] = '\0';
	return out;
}

/* jansson only holds UTF-8, so other bytes get U+FFFD in key and are kept
 * exactly in key_bytes. */
int ld_json_put_text(json_t *o, const char *key, const char *s)
{
	char bk[64], *lossy, *hex;
	int rc = -1;

	if (!s)
		return ld_jset(o, key, json_null());
	if (utf8_valid(s))
		return ld_jset(o, key, json_string(s));
	snprintf(bk, sizeof bk, "%s_bytes", key);
	lossy = utf8_lossy(s);
	hex = hex_bytes(s);
	if (lossy && hex)
		rc = ld_jset(o, key, json_string(lossy)) ||
		     ld_jset(o, bk, json_string(hex));
	free(lossy);
	free(hex);
	return rc;
}

const char *ld_iso_time(const struct timespec *t, char *buf, size_t len)
{
	struct tm tm;

	if (!gmtime_r(&t->tv_sec, &tm)) {
		snprintf(buf, len, "?");
		return buf;
	}
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, t->tv_nsec / 1000000);
	return buf;
}

long long ld_time_ns(const struct timespec *t)
{
	return (long long)t->tv_sec * 1000000000LL + t->tv_nsec;
}

/* ---- the shared pieces ------------------------------------------------ */

json_t *ld_json_mapping(const struct ld_map *mp)
{
	json_t *o = json_object();
	char dev[32];

	snprintf(dev, sizeof dev, "%02x:%02x", mp->dev_major, mp->dev_minor);
	if (!o || ld_json_put_u64(o, "start", mp->start) ||
	    ld_json_put_u64(o, "end", mp->end) ||
	    ld_json_put_u64(o, "size", mp->end - mp->start) ||
	    ld_json_put_text(o, "perms", mp->perms) ||
	    ld_json_put_u64(o, "offset", mp->offset) ||
	    ld_jset(o, "dev", json_string(dev)) ||
	    ld_json_put_u64(o, "inode", mp->inode) ||
	    ld_json_put_text(o, "path", mp->path) ||
	    ld_jset(o, "deleted", json_boolean(mp->deleted))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *ld_json_frame(const struct ld_snap_frame *fr)
{
	json_t *o = json_object();

	if (!o || ld_json_put_u64(o, "pc", fr->pc) ||
	    ld_json_put_u64(o, "sp", fr->sp) ||
	    ld_json_put_u64(o, "cfa", fr->cfa) ||
	    ld_json_put_text(o, "function", fr->func) ||
	    ld_json_put_text(o, "linkage_name", fr->linkage ? fr->linkage : fr->func) ||
	    ld_jset(o, "inline", json_boolean(fr->inlined)) ||
	    ld_jset(o, "at_call", json_boolean(fr->at_call)) ||
	    ld_jset(o, "frame_pointer", json_boolean(fr->fp_guess)) ||
	    ld_json_put_u64(o, "offset", fr->off) ||
	    ld_json_put_text(o, "object", fr->obj) ||
	    (fr->file && (ld_json_put_text(o, "file", fr->file) ||
			  ld_jset(o, "line", json_integer(fr->line))))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *ld_json_frames(const struct ld_snap_frame *v, size_t n)
{
	LD_RETURN_JSON_ARRAY(ld_json_frame, v, n);
}

json_t *ld_json_mappings(const struct ld_maps *m)
{
	LD_RETURN_JSON_ARRAY(ld_json_mapping, m->v, m->n);
}

static json_t *map_or_null(const struct ld_map *mp)
{
	return mp ? ld_json_mapping(mp) : json_null();
}

json_t *ld_json_change(const struct ld_map_change *c)
{
	json_t *o = json_object();

	if (!o || ld_jset(o, "kind", json_string(ld_map_change_name(c->kind))) ||
	    ld_jset(o, "before", map_or_null(c->before)) ||
	    ld_jset(o, "after", map_or_null(c->after)) ||
	    ld_jset(o, "perms_changed", json_boolean(c->perms_changed)))
		goto fail;
	if (c->before && c->after &&
	    ld_jset(o, "size_delta", json_integer(ld_map_change_size_delta(c))))
		goto fail;
	return o;
fail:
	json_decref(o);
	return NULL;
}

json_t *ld_json_pages(const struct ld_pages *p)
{
	json_t *o = json_object();

#define PF(f) \
	if (o && ld_jset(o, #f, json_integer((json_int_t)p->f * 1024))) { \
		json_decref(o); \
		return NULL; \
	}
	LD_PAGE_FIELDS(PF)
#undef PF
	return o;
}

/* Page counts of both sides and their difference (after - before, bytes;
 * a side without the mapping counts as zeros). */
int ld_json_put_pages_change(json_t *o, const struct ld_pages *a,
			     const struct ld_pages *b)
{
	static const struct ld_pages zero;
	json_t *dl = json_object();

	if (ld_jset(o, "pages_before", a ? ld_json_pages(a) : json_null()) ||
	    ld_jset(o, "pages_after", b ? ld_json_pages(b) : json_null()))
		return -ENOMEM;
	a = a ? a : &zero;
	b = b ? b : &zero;
#define PD(f) \
	if (dl && ld_jset(dl, #f, json_integer(((json_int_t)b->f - a->f) * 1024))) \
		return -ENOMEM;
	LD_PAGE_FIELDS(PD)
#undef PD
	return ld_jset(o, "pages_delta", dl);
}
