/* Snapshots and diffs as JSON (jansson), SVG and HTML.
 *
 * The JSON format is described in include/layoutdbg/export.h.  The loader
 * trusts nothing in a file: every field is checked for type and range
 * before it reaches a struct ld_snapshot, and the snapshot joins the list
 * only once all of it was read, so a bad file leaves no trace.
 *
 * The pictures are drawn on a "scale": the sorted boundaries of every
 * mapping shown cut the address space into rows, mapped rows get a height
 * from log2 of their size, unmapped ones a small fixed band.  A diff builds
 * one scale from both snapshots, so its two columns line up by address. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "layoutdbg/error.h"
#include "layoutdbg/export.h"
#include "layoutdbg/heapsnap.h"
#include "layoutdbg/output.h"
#include "layoutdbg/safefile.h"

#define SNAP_FORMAT "layoutdbg-snapshot"
#define DIFF_FORMAT "layoutdbg-diff"
#define FORMAT_VERSION 1
#define DELETED_SUFFIX " (deleted)"

/* ---- text: UTF-8, sizes, times -------------------------------------- */

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

/* ISO 8601 in UTC with milliseconds: "2024-05-01T12:34:56.789Z". */
static const char *iso_time(const struct timespec *t, char *buf, size_t len)
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

static long long time_ns(const struct timespec *t)
{
	return (long long)t->tv_sec * 1000000000LL + t->tv_nsec;
}

/* "$3", or "$3 (name)" when named. */
static const char *snap_title(const struct ld_snapshot *s, char *buf,
			      size_t len)
{
	if (s->name)
		snprintf(buf, len, "$%u (%s)", s->id, s->name);
	else
		snprintf(buf, len, "$%u", s->id);
	return buf;
}

/* ---- kinds of mappings (colours of the pictures) -------------------- */

enum kind {
	K_EXE_CODE, K_EXE_RO, K_EXE_DATA,
	K_LIB_CODE, K_LIB_RO, K_LIB_DATA,
	K_HEAP, K_STACK, K_ANON, K_SPECIAL,
	K_COUNT
};

static const struct {
	const char *fill, *name;
} kinds[K_COUNT] = {
	[K_EXE_CODE] = { "#e8743b", "program code" },
	[K_EXE_RO] = { "#f6c28b", "program read-only" },
	[K_EXE_DATA] = { "#f19a5b", "program data" },
	[K_LIB_CODE] = { "#3c78d8", "library code" },
	[K_LIB_RO] = { "#a4c2f4", "library read-only" },
	[K_LIB_DATA] = { "#6d9eeb", "library data" },
	[K_HEAP] = { "#c27ba0", "heap" },
	[K_STACK] = { "#8e7cc3", "stack" },
	[K_ANON] = { "#cccccc", "anonymous" },
	[K_SPECIAL] = { "#76a5af", "vdso, vvar, vsyscall" },
};

/* From the mapping alone (no ELF reading here): the executable's own
 * mappings are those of its path; code is what is executable, data what is
 * writable, the rest read-only.  "[stack:TID]" is how kernels before 4.5
 * named thread stacks; "[anon:NAME]" is prctl(PR_SET_VMA_ANON_NAME). */
static enum kind kind_of(const struct ld_map *mp, const char *exe)
{
	char buf[PATH_MAX];
	int shade = mp->perms[2] == 'x' ? 0 : mp->perms[1] == 'w' ? 2 : 1;

	if (!strcmp(mp->path, "[heap]"))
		return K_HEAP;
	if (!strncmp(mp->path, "[stack", 6))
		return K_STACK;
	if (!mp->path[0] || !strncmp(mp->path, "[anon", 5))
		return K_ANON;
	if (!ld_map_is_file(mp))
		return K_SPECIAL;
	if (exe && !strcmp(ld_map_basepath(mp, buf, sizeof buf), exe))
		return (enum kind)(K_EXE_CODE + shade);
	return (enum kind)(K_LIB_CODE + shade);
}

/* What a mapping is called in a picture: the file's base name, or the
 * kernel's name for it. */
static const char *object_name(const struct ld_map *mp)
{
	const char *slash;

	if (!mp->path[0])
		return "anonymous";
	if (!ld_map_is_file(mp))
		return mp->path;
	slash = strrchr(mp->path, '/');
	return slash + 1;
}

/* ---- JSON out --------------------------------------------------------- */

/* json_object_set_new() fails (and releases v) when v is NULL, so a
 * constructor that ran out of memory fails the set; `set(...) || set(...)`
 * stops building at the first failure. */
static int set(json_t *o, const char *key, json_t *v)
{
	return json_object_set_new(o, key, v);
}

/* An unsigned 64-bit value as the header describes: numk holds the integer
 * (null above INT64_MAX: it would not fit json_int_t), hexk the hex text. */
static int put_u64_in(json_t *num, const char *numk, json_t *hex,
		      const char *hexk, uint64_t v)
{
	char h[24];

	snprintf(h, sizeof h, "0x%" PRIx64, v);
	return set(num, numk, v <= INT64_MAX ? json_integer((json_int_t)v) :
						json_null()) ||
	       set(hex, hexk, json_string(h));
}

static int put_u64(json_t *o, const char *key, uint64_t v)
{
	char hk[64];

	snprintf(hk, sizeof hk, "%s_hex", key);
	return put_u64_in(o, key, o, hk, v);
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

/* Text, or null for NULL.  jansson only holds UTF-8, so other bytes get
 * U+FFFD in key and are kept exactly in key_bytes. */
static int put_text(json_t *o, const char *key, const char *s)
{
	char bk[64], *lossy, *hex;
	int rc = -1;

	if (!s)
		return set(o, key, json_null());
	if (utf8_valid(s))
		return set(o, key, json_string(s));
	snprintf(bk, sizeof bk, "%s_bytes", key);
	lossy = utf8_lossy(s);
	hex = hex_bytes(s);
	if (lossy && hex)
		rc = set(o, key, json_string(lossy)) ||
		     set(o, bk, json_string(hex));
	free(lossy);
	free(hex);
	return rc;
}

static json_t *mapping_json(const struct ld_map *mp)
{
	json_t *o = json_object();
	char dev[32];

	snprintf(dev, sizeof dev, "%02x:%02x", mp->dev_major, mp->dev_minor);
	if (!o || put_u64(o, "start", mp->start) || put_u64(o, "end", mp->end) ||
	    put_u64(o, "size", mp->end - mp->start) ||
	    put_text(o, "perms", mp->perms) ||
	    put_u64(o, "offset", mp->offset) ||
	    set(o, "dev", json_string(dev)) ||
	    put_u64(o, "inode", mp->inode) || put_text(o, "path", mp->path) ||
	    set(o, "deleted", json_boolean(mp->deleted))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *frame_json(const struct ld_snap_frame *fr)
{
	json_t *o = json_object();

	if (!o || put_u64(o, "pc", fr->pc) || put_u64(o, "sp", fr->sp) ||
	    put_u64(o, "cfa", fr->cfa) || put_text(o, "function", fr->func) ||
	    put_u64(o, "offset", fr->off) || put_text(o, "object", fr->obj) ||
	    (fr->file && (put_text(o, "file", fr->file) ||
			  json_object_set_new(o, "line", json_integer(fr->line))))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* struct user_regs_struct, field by field, in its own order. */
#define REG(r) { #r, offsetof(ld_regs, r) }
static const struct {
	const char *name;
	size_t off;
} regs_table[] = {
	REG(r15), REG(r14), REG(r13), REG(r12), REG(rbp), REG(rbx),
	REG(r11), REG(r10), REG(r9), REG(r8), REG(rax), REG(rcx),
	REG(rdx), REG(rsi), REG(rdi), REG(orig_rax), REG(rip), REG(cs),
	REG(eflags), REG(rsp), REG(ss), REG(fs_base), REG(gs_base),
	REG(ds), REG(es), REG(fs), REG(gs),
};
#undef REG
#define NREGS (sizeof regs_table / sizeof regs_table[0])
/* A register added to the struct must be added to the table. */
_Static_assert(sizeof(ld_regs) == NREGS * sizeof(uint64_t),
	       "regs_table does not cover struct user_regs_struct");

static int put_regs(json_t *t, const struct ld_snap_thread *th)
{
	json_t *num, *hex;
	size_t i;

	if (!th->regs_valid)
		return set(t, "regs", json_null()) ||
		       set(t, "regs_hex", json_null());
	/* t owns each once set (or released it), and we keep borrowing. */
	if (set(t, "regs", num = json_object()))
		return -1;
	if (set(t, "regs_hex", hex = json_object()))
		return -1;
	for (i = 0; i < NREGS; i++) {
		uint64_t v;

		memcpy(&v, (const char *)&th->regs + regs_table[i].off, sizeof v);
		if (put_u64_in(num, regs_table[i].name, hex, regs_table[i].name, v))
			return -1;
	}
	return 0;
}

/* A JSON array of the n frames at v, or NULL. */
static json_t *frames_json(const struct ld_snap_frame *v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < n; i++) {
		if (json_array_append_new(a, frame_json(&v[i]))) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

/* Which frames of the stack "frames" holds: the innermost ones, then the
 * outermost (the whole stack: all innermost). */
static json_t *window_json(const struct ld_snap_thread *th)
{
	size_t inner = ld_snap_windowed(th) ? th->ninner : th->nframes;

	return json_pack("{s:I,s:I}", "innermost", (json_int_t)inner,
			 "outermost", (json_int_t)(th->nframes - inner));
}

static json_t *thread_json(const struct ld_snap_thread *th)
{
	json_t *o = json_object();

	if (!o || set(o, "tid", json_integer(th->tid)) ||
	    set(o, "num", json_integer(th->num)) || put_regs(o, th) ||
	    set(o, "frames", frames_json(th->frames, th->nframes)) ||
	    set(o, "depth", json_integer((json_int_t)ld_snap_depth(th))) ||
	    set(o, "window", window_json(th))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *brk_json(const struct ld_snapshot *s)
{
	json_t *o = json_object();

	if (!o || put_u64(o, "start", s->start_brk) ||
	    put_u64(o, "current", s->brk) ||
	    set(o, "valid", json_boolean(s->brk_valid))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *mappings_json(const struct ld_maps *m)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < m->n; i++) {
		if (json_array_append_new(a, mapping_json(&m->v[i]))) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static json_t *threads_json(const struct ld_snapshot *s)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < s->nthreads; i++) {
		if (json_array_append_new(a, thread_json(&s->threads[i]))) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

#define PAGE_FIELDS(X) X(rss) X(pss) X(shared_clean) X(shared_dirty) \
	X(private_clean) X(private_dirty) X(anonymous) X(swap) X(locked)

static json_t *pages_json(const struct ld_pages *p)
{
	json_t *o = json_object();

#define PF(f) \
	if (o && set(o, #f, json_integer((json_int_t)p->f * 1024))) \
		return NULL;
	PAGE_FIELDS(PF)
#undef PF
	return o;
}

/* A page strip as text: one digit a page (enum ld_page_state). */
static json_t *strip_json(const uint8_t *st, size_t n)
{
	char *t = malloc(n + 1);
	json_t *v;
	size_t i;

	if (!t)
		return NULL;
	for (i = 0; i < n; i++)
		t[i] = (char)('0' + st[i]);
	v = json_stringn(t, n);
	free(t);
	return v;
}

/* "pages" and "page_strip" of each mapping, when the snapshot has them. */
static int put_pages(json_t *maps, const struct ld_snapshot *s)
{
	uint64_t pg = (uint64_t)sysconf(_SC_PAGESIZE);
	size_t i, at = 0;

	for (i = 0; s->pages && i < s->maps.n; i++) {
		const struct ld_map *mp = &s->maps.v[i];
		json_t *o = json_array_get(maps, i);
		size_t n = (size_t)((mp->end - mp->start) / pg);

		if (set(o, "pages", pages_json(&s->pages[i])))
			return -ENOMEM;
		if (!s->strip || n > LD_STRIP_MAX_PAGES || at + n > s->nstrip)
			continue;
		if (set(o, "page_strip", strip_json(s->strip + at, n)))
			return -ENOMEM;
		at += n;
	}
	return 0;
}

json_t *ld_snapshot_to_json(const struct ld_snapshot *s)
{
	json_t *o = json_object();
	char t[64];

	if (!o || set(o, "format", json_string(SNAP_FORMAT)) ||
	    set(o, "version", json_integer(FORMAT_VERSION)) ||
	    set(o, "id", json_integer(s->id)) || put_text(o, "name", s->name) ||
	    set(o, "time", json_string(iso_time(&s->when, t, sizeof t))) ||
	    set(o, "time_ns", json_integer(time_ns(&s->when))) ||
	    set(o, "pid", json_integer(s->pid)) || put_text(o, "exe", s->exe) ||
	    put_text(o, "reason", s->reason) ||
	    set(o, "aslr", json_boolean(s->aslr)) ||
	    set(o, "brk", brk_json(s)) ||
	    set(o, "mappings", mappings_json(&s->maps)) ||
	    set(o, "threads", threads_json(s)) ||
	    (s->heap && set(o, "heap", ld_snap_heap_to_json(s->heap))) ||
	    put_pages(json_object_get(o, "mappings"), s)) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* ---- JSON out: diffs ------------------------------------------------- */

static json_t *snapref_json(const struct ld_snapshot *s)
{
	json_t *o = json_object();
	char label[64], t[64];

	ld_snapshot_label(s, label, sizeof label);
	if (!o || set(o, "id", json_integer(s->id)) ||
	    put_text(o, "name", s->name) || put_text(o, "label", label) ||
	    set(o, "pid", json_integer(s->pid)) ||
	    set(o, "time", json_string(iso_time(&s->when, t, sizeof t))) ||
	    set(o, "time_ns", json_integer(time_ns(&s->when)))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *map_or_null(const struct ld_map *mp)
{
	return mp ? mapping_json(mp) : json_null();
}

static json_t *change_json(const struct ld_map_change *c)
{
	json_t *o = json_object();

	if (!o || set(o, "kind", json_string(ld_map_change_name(c->kind))) ||
	    set(o, "before", map_or_null(c->before)) ||
	    set(o, "after", map_or_null(c->after)) ||
	    set(o, "perms_changed", json_boolean(c->perms_changed)))
		goto fail;
	if (c->before && c->after &&
	    set(o, "size_delta", json_integer(ld_map_change_size_delta(c))))
		goto fail;
	return o;
fail:
	json_decref(o);
	return NULL;
}

/* Page counts of both sides and their difference (after - before, bytes;
 * a side without the mapping counts as zeros). */
int ld_json_put_pages_change(json_t *o, const struct ld_pages *a,
			    const struct ld_pages *b)
{
	static const struct ld_pages zero;
	json_t *dl = json_object();

	if (set(o, "pages_before", a ? pages_json(a) : json_null()) ||
	    set(o, "pages_after", b ? pages_json(b) : json_null()))
		return -ENOMEM;
	a = a ? a : &zero;
	b = b ? b : &zero;
#define PD(f) \
	if (dl && set(dl, #f, json_integer(((json_int_t)b->f - a->f) * 1024))) \
		return -ENOMEM;
	PAGE_FIELDS(PD)
#undef PD
	return set(o, "pages_delta", dl);
}

static json_t *diff_change_json(const struct ld_snap_diff *d,
				const struct ld_map_change *c)
{
	json_t *o = change_json(c);

	if (o && d->pages &&
	    ld_json_put_pages_change(o, ld_snap_pages(d->a, c->before),
			     ld_snap_pages(d->b, c->after))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *touched_json(const struct ld_snap_diff *d)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < d->ntouched; i++) {
		const struct ld_touched *t = &d->touched[i];
		json_t *o = json_object();

		if (!o || set(o, "kind", json_string("touched")) ||
		    set(o, "before", mapping_json(t->before)) ||
		    set(o, "after", mapping_json(t->after)) ||
		    ld_json_put_pages_change(o, ld_snap_pages(d->a, t->before),
				     ld_snap_pages(d->b, t->after)) ||
		    json_array_append_new(a, o)) {
			json_decref(o);
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static json_t *diff_brk_json(const struct ld_snap_diff *d)
{
	json_t *o = json_object();

	if (!o || set(o, "valid", json_boolean(d->brk_valid)))
		goto fail;
	if (d->brk_valid &&
	    (put_u64(o, "before", d->a->brk) || put_u64(o, "after", d->b->brk) ||
	     set(o, "delta", json_integer(d->brk_delta))))
		goto fail;
	return o;
fail:
	json_decref(o);
	return NULL;
}

/* The kept frames of th below level limit, each with its "level". */
static json_t *frames_below_json(const struct ld_snap_thread *th, size_t limit)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && th && i < th->nframes && ld_snap_level(th, i) < limit; i++) {
		json_t *fr = frame_json(&th->frames[i]);

		if (set(fr, "level", json_integer((json_int_t)ld_snap_level(th, i))) ||
		    json_array_append_new(a, fr)) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static json_t *frame_change_json(const struct ld_frame_change *fc)
{
	json_t *o = json_object();
	const char *state = !fc->a ? "new" : !fc->b ? "gone" : "present";

	if (!o || set(o, "tid", json_integer(fc->tid)) ||
	    set(o, "num", json_integer(fc->num)) ||
	    set(o, "state", json_string(state)) ||
	    set(o, "common", json_integer((json_int_t)fc->common)) ||
	    set(o, "uncertain", json_integer((json_int_t)fc->uncertain)) ||
	    set(o, "popped", json_integer((json_int_t)fc->popped)) ||
	    set(o, "pushed", json_integer((json_int_t)fc->pushed)) ||
	    set(o, "popped_frames", frames_below_json(fc->a, fc->popped)) ||
	    set(o, "pushed_frames", frames_below_json(fc->b, fc->pushed))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *diff_lists_json(const struct ld_snap_diff *d, bool threads)
{
	json_t *a = json_array();
	size_t i, n = threads ? d->nthreads : d->maps.n;

	for (i = 0; a && i < n; i++) {
		json_t *v = threads ? frame_change_json(&d->threads[i]) :
				      diff_change_json(d, &d->maps.v[i]);

		if (json_array_append_new(a, v)) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

json_t *ld_snap_diff_to_json(const struct ld_snap_diff *d)
{
	json_t *o = json_object();

	if (!o || set(o, "format", json_string(DIFF_FORMAT)) ||
	    set(o, "version", json_integer(FORMAT_VERSION)) ||
	    set(o, "a", snapref_json(d->a)) || set(o, "b", snapref_json(d->b)) ||
	    set(o, "different_process", json_boolean(d->different_process)) ||
	    set(o, "changes", diff_lists_json(d, false)) ||
	    set(o, "brk", diff_brk_json(d)) ||
	    set(o, "threads", diff_lists_json(d, true)) ||
	    set(o, "pages", json_boolean(d->pages)) ||
	    set(o, "touched", touched_json(d))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* ---- JSON in ---------------------------------------------------------- */

/* Where a message goes.  The first failure is the one reported. */
struct rd {
	char *err;
	size_t errlen;
};

static int say(char *err, size_t errlen, const char *fmt, ...) LD_PRINTF(3, 4);
static int say(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return 0;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return 0;
}

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
	say(r->err, r->errlen, "%s", strerror(ENOMEM));
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

/* Text written by put_text(): a string (or null if nullable), or its
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

/* A value written by put_u64_in(): hexk in hexo is the value, numk in
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
	PAGE_FIELDS(GP)
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
	/* file and line: optional (frames with source information) */
	if (json_object_get(o, "file")) {
		long long line;

		if ((rc = get_text(r, o, w, "file", true, &fr->file)) ||
		    (rc = get_int(r, o, w, "line", 0, UINT32_MAX, &line)))
			return rc;
		fr->line = (unsigned)line;
	}
	return 0;
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
	for (i = 0; i < NREGS; i++) {
		const char *name = regs_table[i].name;
		uint64_t v;

		if (get_u64_in(r, num, nw, name, hex, hw, name, &v))
			return -EINVAL;
		memcpy((char *)&th->regs + regs_table[i].off, &v, sizeof v);
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
	if (strcmp(json_string_value(v), iso_time(&s->when, t, sizeof t)))
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
		say(r->err, r->errlen, "not a layoutdbg snapshot (expected a "
		    "JSON object, got %s)", type_name(top));
		return -EINVAL;
	}
	f = json_object_get(top, "format");
	if (!f || !json_is_string(f)) {
		say(r->err, r->errlen, "not a layoutdbg snapshot (%s \"format\")",
		    f ? "no string in" : "no");
		return -EINVAL;
	}
	if (strcmp(json_string_value(f), SNAP_FORMAT)) {
		say(r->err, r->errlen, "not a layoutdbg snapshot (format \"%s\")",
		    quote(q, json_string_value(f)));
		return -EINVAL;
	}
	if (get_int(r, top, "", "version", LLONG_MIN, LLONG_MAX, &version))
		return -EINVAL;
	if (version != FORMAT_VERSION) {
		say(r->err, r->errlen, "layoutdbg snapshot version %lld: this "
		    "build reads version %d", version, FORMAT_VERSION);
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

int ld_snapshot_from_json(json_t *j, struct ld_snapshots *ss,
			  struct ld_snapshot **out, char *err, size_t errlen)
{
	struct rd r = { err, errlen };
	struct ld_snapshot *tmp, *snap = NULL;
	unsigned id;
	int rc;

	*out = NULL;
	say(err, errlen, "%s", "");
	/* Built aside and added last, so a bad file leaves ss untouched. */
	if (!(tmp = calloc(1, sizeof *tmp)))
		return nomem(&r);
	ld_maps_init(&tmp->maps);
	rc = get_snapshot(&r, j, tmp);
	if (!rc && json_object_get(j, "heap") &&
	    !(tmp->heap = ld_snap_heap_from_json(json_object_get(j, "heap"), err,
						 errlen)))
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

/* ---- files -------------------------------------------------------------- */

int ld_snapshot_save(const struct ld_snapshot *s, const char *path, bool force,
		     char *err, size_t errlen)
{
	json_t *j = ld_snapshot_to_json(s);
	struct ld_safefile sf;
	int rc;

	if (!j)
		return say(err, errlen, "%s: %s", path, strerror(ENOMEM)), -ENOMEM;
	rc = ld_safefile_open(&sf, path, force, err, errlen);
	if (rc == 0) {
		errno = 0;
		if (json_dumpf(j, sf.f, JSON_INDENT(2)) || fputc('\n', sf.f) == EOF)
			rc = errno ? -errno : -EIO;
		rc = ld_safefile_commit(&sf, rc, err, errlen);
	}
	json_decref(j);
	if (!rc)
		say(err, errlen, "%s", "");
	return rc;
}

/* jansson's reader over a stream that may not end (a pipe, a device):
 * stops after LD_SNAPSHOT_MAX_BYTES. */
struct limited { FILE *f; size_t total; bool too_big; };

static size_t read_limited(void *buf, size_t len, void *arg)
{
	struct limited *rd = arg;
	size_t n = fread(buf, 1, len, rd->f);

	rd->total += n;
	if (rd->total > LD_SNAPSHOT_MAX_BYTES) {
		rd->too_big = true;
		return (size_t)-1;
	}
	return n;
}

int ld_snapshot_load(const char *full, struct ld_snapshots *ss,
		     struct ld_snapshot **out, char *err, size_t errlen)
{
	/* in messages a long path is cut, never the reason after it */
	char pbuf[256];
	const char *path = ld_shorten(full, errlen / 2 < sizeof pbuf ? errlen / 2 :
				      sizeof pbuf - 1, pbuf, sizeof pbuf);
	struct limited rd = { 0 };
	json_error_t je;
	struct stat st;
	char why[512];
	json_t *j;
	FILE *f;
	int rc;

	*out = NULL;
	if (!(f = fopen(full, "r"))) {
		rc = -errno;
		say(err, errlen, "%s: %s", path, strerror(-rc));
		return rc;
	}
	rd.f = f;
	if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size > (off_t)LD_SNAPSHOT_MAX_BYTES) {
		fclose(f);
		say(err, errlen, "%s: larger than the %u MiB limit (%lld bytes)", path,
		    LD_SNAPSHOT_MAX_BYTES >> 20, (long long)st.st_size);
		return -EFBIG;
	}
	errno = 0;
	j = json_load_callback(read_limited, &rd, JSON_REJECT_DUPLICATES, &je);
	/* A read error (EISDIR...) would look like an end of file to
	 * jansson: ask the stream. */
	rc = rd.too_big ? -EFBIG : ferror(f) ? (errno ? -errno : -EIO) : 0;
	fclose(f);
	if (rc == -EFBIG) {
		json_decref(j);
		say(err, errlen, "%s: more than the %u MiB limit", path,
		    LD_SNAPSHOT_MAX_BYTES >> 20);
		return rc;
	}
	if (rc) {
		json_decref(j);
		say(err, errlen, "%s: %s", path, strerror(-rc));
		return rc;
	}
	if (!j) {
		say(err, errlen, "%s: line %d, column %d: %s", path, je.line,
		    je.column, je.text);
		return -EINVAL;
	}
	rc = ld_snapshot_from_json(j, ss, out, why, sizeof why);
	json_decref(j);
	if (rc)
		say(err, errlen, "%s: %s", path, why);
	else
		say(err, errlen, "%s", "");
	return rc;
}

/* ---- pictures: XML text ------------------------------------------------ */

/* One character in XML text.  XML 1.0 cannot carry the other C0 controls,
 * U+FFFE or U+FFFF at all, not even as references: they become U+FFFD. */
static void xml_char(FILE *f, const unsigned char *p, size_t k, uint32_t cp)
{
	switch (cp) {
	case '&': fputs("&amp;", f); return;
	case '<': fputs("&lt;", f); return;
	case '>': fputs("&gt;", f); return;
	case '"': fputs("&quot;", f); return;
	case '\'': fputs("&#39;", f); return;
	}
	if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') ||
	    cp == 0xfffe || cp == 0xffff)
		fputs("\xef\xbf\xbd", f);
	else
		fwrite(p, 1, k, f);
}

/* s escaped, at most max characters of it ("…" marks a cut).  File names
 * are bytes, not UTF-8: a bad byte becomes U+FFFD, so the document stays
 * well-formed. */
static void xml_text_n(FILE *f, const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), k, count = 0;
	uint32_t cp;

	for (; n; p += k, n -= k) {
		if (count++ == max) {
			fputs("\xe2\x80\xa6", f);
			return;
		}
		k = ld_utf8_seq(p, n, &cp);
		if (!k) {
			fputs("\xef\xbf\xbd", f);
			k = 1;
			continue;
		}
		xml_char(f, p, k, cp);
	}
}

static void xml_text(FILE *f, const char *s)
{
	xml_text_n(f, s, SIZE_MAX);
}

/* ---- pictures: the scale ---------------------------------------------- */

#define ROW_MIN_H 16.0          /* a 4 KiB page: one line of 11px text */
#define ROW_PER_DOUBLING 6.0    /* and this much more per doubling */
#define GAP_H 20.0              /* an unmapped gap, whatever its size */

/* x offsets inside a column */
#define ADDR_R 140              /* right edge of the addresses */
#define BOX_L 148
#define BOX_W 180
#define LABEL_L (BOX_L + BOX_W + 8)
#define BRK_L 590               /* the program break's label */
#define COL_W 810
#define MAP_TOP 104.0
#define LEGEND_ROW 20.0
#define LEGEND_PER_ROW 5
#define LEGEND_W 160
#define NAME_MAX_CHARS 32

/* A row of the picture: the addresses [lo, hi), drawn from y to y + h. */
struct row {
	uint64_t lo, hi;
	double y, h;
	bool gap;               /* no mapping shown covers it */
};

struct scale {
	struct row *v;
	size_t n;
	double top, bottom;
};

/* log2 without libm: the integer part, then linear between powers of
 * two, which is all a picture needs. */
static double log2_u64(uint64_t v)
{
	int k = 0;

	if (!v)
		return 0;
	while (k < 63 && v >> (k + 1))
		k++;
	return k + (double)(v - (1ULL << k)) / (double)(1ULL << k);
}

static double row_height(uint64_t size)
{
	double l = log2_u64(size) - 12;

	return ROW_MIN_H + ROW_PER_DOUBLING * (l > 0 ? l : 0);
}

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

static bool covered(const struct ld_maps *const *lists, size_t nl,
		    uint64_t addr)
{
	size_t k;

	for (k = 0; k < nl; k++)
		if (ld_maps_find(lists[k], addr))
			return true;
	return false;
}

/* Sorted, unique boundaries of every mapping of the lists, in *out. */
static int boundaries(const struct ld_maps *const *lists, size_t nl,
		      uint64_t **out, size_t *nout)
{
	size_t total = 0, n = 0, i, k;
	uint64_t *b;

	for (k = 0; k < nl; k++)
		total += 2 * lists[k]->n;
	if (!(b = malloc((total + 1) * sizeof *b)))
		return -ENOMEM;
	for (k = 0; k < nl; k++) {
		for (i = 0; i < lists[k]->n; i++) {
			b[n++] = lists[k]->v[i].start;
			b[n++] = lists[k]->v[i].end;
		}
	}
	qsort(b, n, sizeof *b, cmp_u64);
	for (i = k = 0; i < n; i++)
		if (!k || b[i] != b[k - 1])
			b[k++] = b[i];
	*out = b;
	*nout = k;
	return 0;
}

static int scale_build(struct scale *sc, const struct ld_maps *const *lists,
		       size_t nl, double top)
{
	uint64_t *b;
	size_t nb, i;
	double y = top;

	memset(sc, 0, sizeof *sc);
	sc->top = sc->bottom = top;
	if (boundaries(lists, nl, &b, &nb))
		return -ENOMEM;
	if (!(sc->v = calloc(nb + 1, sizeof *sc->v))) {
		free(b);
		return -ENOMEM;
	}
	for (i = 0; i + 1 < nb; i++) {
		struct row *rw = &sc->v[sc->n++];

		rw->lo = b[i];
		rw->hi = b[i + 1];
		rw->gap = !covered(lists, nl, rw->lo);
		rw->h = rw->gap ? GAP_H : row_height(rw->hi - rw->lo);
		rw->y = y;
		y += rw->h;
	}
	sc->bottom = y;
	free(b);
	return 0;
}

/* Where addr is drawn: linear inside its row (for the program break, which
 * may fall anywhere), clamped to the picture. */
static double y_of(const struct scale *sc, uint64_t addr)
{
	size_t lo = 0, hi = sc->n;
	const struct row *rw;

	if (!sc->n || addr <= sc->v[0].lo)
		return sc->top;
	if (addr >= sc->v[sc->n - 1].hi)
		return sc->bottom;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (sc->v[mid].hi <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	rw = &sc->v[lo];
	return rw->y + rw->h * ((double)(addr - rw->lo) / (double)(rw->hi - rw->lo));
}

/* ---- pictures: drawing -------------------------------------------------- */

/* How a diff marks a mapping. */
enum status { ST_SAME, ST_ADDED, ST_REMOVED, ST_CHANGED, ST_PAGES };

struct mark {
	enum status st;
	const char *tag;        /* the change's name, NULL when the same */
};

static const struct {
	const char *cls, *fill, *name;
} status_look[] = {
	[ST_SAME] = { "region", "#cccccc", "unchanged (faded)" },
	[ST_ADDED] = { "region added", "#43a047", "added" },
	[ST_REMOVED] = { "region removed", "#e53935", "removed" },
	[ST_CHANGED] = { "region changed", "#fdd835",
			 "changed: grown, shrunk, moved, perms, split, merged" },
	[ST_PAGES] = { "region touched", "#90caf9", "same range, resident size changed" },
};

/* A snapshot drawn as one column at x. */
struct column {
	FILE *f;
	const struct ld_snapshot *s;
	const struct scale *sc;
	double x;
	const struct mark *marks;   /* one per mapping in a diff, else NULL */
	const struct ld_snap_heap *other;  /* a diff's other side: its chunks
					      tell the changed ones */
	const size_t *strip_at;     /* --pages: each mapping's first page in
				       s->strip (SIZE_MAX: none), else NULL */
};

static void svg_begin(FILE *f, double w, double h, bool standalone)
{
	if (standalone)
		fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
		"width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
		"font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\" "
		"font-size=\"11\">\n", w, h, w, h);
	fprintf(f, "<rect width=\"%.0f\" height=\"%.0f\" fill=\"#ffffff\"/>\n",
		w, h);
}

static void text_open(FILE *f, double x, double y, const char *attrs)
{
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\"%s%s>", x, y, *attrs ? " " : "",
		attrs);
}

static void addr_text(const struct column *c, double y, uint64_t addr)
{
	text_open(c->f, c->x + ADDR_R, y, "text-anchor=\"end\"");
	fprintf(c->f, "0x%" PRIx64 "</text>\n", addr);
}

static void region_tooltip(FILE *f, const struct ld_map *mp)
{
	char h[32];

	fputs("<title>", f);
	xml_text(f, mp->path[0] ? mp->path : "anonymous");
	fprintf(f, "\n0x%" PRIx64 "-0x%" PRIx64 " %s, offset 0x%" PRIx64 ", %s",
		mp->start, mp->end, mp->perms, mp->offset,
		ld_human_size(mp->end - mp->start, h, sizeof h));
	fputs("</title>\n", f);
}

static void region_label(const struct column *c, const struct ld_map *mp,
			 const struct mark *mk, double y)
{
	char h[32];

	text_open(c->f, c->x + LABEL_L, y, "");
	xml_text_n(c->f, object_name(mp), NAME_MAX_CHARS);
	fprintf(c->f, " \xc2\xb7 %s \xc2\xb7 %s", mp->perms,
		ld_human_size(mp->end - mp->start, h, sizeof h));
	if (mk && mk->tag)
		fprintf(c->f, " \xc2\xb7 %s", mk->tag);
	fputs("</text>\n", c->f);
}

/* The resident fraction (smaps' Rss / size) as a bar along the bottom
 * of the box, its width to scale; the numbers ride along for tools. */
static void resident_bar(const struct column *c, size_t i, double y0, double y1)
{
	const struct ld_map *mp = &c->s->maps.v[i];
	uint64_t size = mp->end - mp->start, rss = (uint64_t)c->s->pages[i].rss * 1024;
	double h = y1 - y0 < 9 ? (y1 - y0) / 3 : 3, frac = size ? (double)rss / size : 0;

	if (frac > 1)
		frac = 1;
	fprintf(c->f, "<rect class=\"resident\" x=\"%.1f\" y=\"%.1f\" width=\"%.3f\" "
		"height=\"%.1f\" fill=\"#1565c0\" data-rss=\"%" PRIu64 "\" "
		"data-size=\"%" PRIu64 "\"/>\n", c->x + BOX_L, y1 - h, BOX_W * frac, h,
		rss, size);
}

/* --pages: one cell per page of a small mapping, to scale along the box:
 * present, swapped, not present (enum ld_page_state). */
static void page_strip(const struct column *c, size_t i, size_t at,
		       double y0, double y1)
{
	static const char *fill[] = { "#eeeeee", "#2e7d32", "#ef6c00", "#9e9e9e" };
	const struct ld_map *mp = &c->s->maps.v[i];
	uint64_t pg = (uint64_t)sysconf(_SC_PAGESIZE);
	size_t n = (size_t)((mp->end - mp->start) / pg), k;
	double w = (double)BOX_W / (double)n, h = (y1 - y0) / 3;

	fprintf(c->f, "<g class=\"page-strip\" data-pages=\"%zu\">\n", n);
	for (k = 0; k < n; k++)
		fprintf(c->f, "<rect x=\"%.3f\" y=\"%.1f\" width=\"%.3f\" height=\"%.1f\" "
			"fill=\"%s\" data-state=\"%d\"/>\n", c->x + BOX_L + k * w, y0 + h,
			w, h, fill[c->s->strip[at + k] & 3], c->s->strip[at + k]);
	fputs("</g>\n", c->f);
}

static void draw_region(const struct column *c, size_t i)
{
	const struct ld_map *mp = &c->s->maps.v[i];
	const struct mark *mk = c->marks ? &c->marks[i] : NULL;
	enum status st = mk ? mk->st : ST_SAME;
	double y0 = y_of(c->sc, mp->start), y1 = y_of(c->sc, mp->end);
	const char *fill = st == ST_SAME ? kinds[kind_of(mp, c->s->exe)].fill :
					   status_look[st].fill;

	fprintf(c->f, "<g class=\"%s\">\n", status_look[st].cls);
	region_tooltip(c->f, mp);
	fprintf(c->f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" "
		"fill=\"%s\" fill-opacity=\"%s\" stroke=\"%s\" "
		"stroke-width=\"%s\"/>\n", c->x + BOX_L, y0, BOX_W, y1 - y0,
		fill, mk && st == ST_SAME ? "0.35" : "1",
		st == ST_SAME ? "#555555" : "#000000",
		st == ST_SAME ? "0.5" : "1.5");
	if (c->s->pages)
		resident_bar(c, i, y0, y1);
	if (c->strip_at && c->strip_at[i] != SIZE_MAX)
		page_strip(c, i, c->strip_at[i], y0, y1);
	addr_text(c, y0 + 11, mp->start);
	/* Where the next mapping does not start right here, say where this
	 * one ends. */
	if (i + 1 == c->s->maps.n || c->s->maps.v[i + 1].start != mp->end)
		addr_text(c, y1 + 11, mp->end);
	region_label(c, mp, mk, (y0 + y1) / 2 + 4);
	fputs("</g>\n", c->f);
}

/* x86-64 user addresses end below 0x800000000000; a gap across that is
 * mostly the non-canonical hole no mapping can ever use. */
static void draw_gap(const struct column *c, const struct row *rw)
{
	char h[32];

	fprintf(c->f, "<g class=\"gap\">\n<rect x=\"%.1f\" y=\"%.1f\" "
		"width=\"%d\" height=\"%.1f\" fill=\"#f4f4f4\" stroke=\"#999999\" "
		"stroke-width=\"0.5\" stroke-dasharray=\"3 3\"/>\n",
		c->x + BOX_L, rw->y, BOX_W, rw->h);
	text_open(c->f, c->x + LABEL_L, rw->y + 14,
		  "fill=\"#777777\" font-style=\"italic\"");
	fprintf(c->f, "unmapped %s%s</text>\n</g>\n",
		ld_human_size(rw->hi - rw->lo, h, sizeof h),
		rw->lo <= 0x800000000000ULL && rw->hi > 0x800000000000ULL ?
		", with the non-canonical hole" : "");
}

static void draw_brk(const struct column *c)
{
	double y;

	if (!c->s->brk_valid)
		return;
	y = y_of(c->sc, c->s->brk);
	fprintf(c->f, "<g class=\"brk\">\n<line x1=\"%.1f\" y1=\"%.1f\" "
		"x2=\"%.1f\" y2=\"%.1f\" stroke=\"#cc0000\" stroke-width=\"1.5\" "
		"stroke-dasharray=\"6 3\"/>\n", c->x + BOX_L - 6, y,
		c->x + BRK_L - 4, y);
	text_open(c->f, c->x + BRK_L, y + 4, "fill=\"#cc0000\"");
	fprintf(c->f, "program break 0x%" PRIx64 "</text>\n</g>\n", c->s->brk);
}

/* In a diff, a row that only the other snapshot maps: an empty frame, so
 * the eye sees that something is missing on this side. */
static void draw_absent(const struct column *c, const struct row *rw)
{
	fprintf(c->f, "<rect class=\"absent\" x=\"%.1f\" y=\"%.1f\" "
		"width=\"%d\" height=\"%.1f\" fill=\"none\" stroke=\"#bbbbbb\" "
		"stroke-width=\"0.5\" stroke-dasharray=\"2 2\"/>\n",
		c->x + BOX_L, rw->y, BOX_W, rw->h);
}

/* ---- pictures: the chunk strip ------------------------------------------ */

/* Inside a mapping that holds an arena's chunks ([heap], a thread arena's
 * heap), a strip of one rectangle per chunk, x and width to scale of the
 * mapping's size.  Past STRIP_MAX chunks in one mapping, runs of chunks
 * that look the same are one rectangle (data-count says how many). */
#define STRIP_H 10.0
#define STRIP_PAD 3.0
#define STRIP_MAX 4096

enum chunk_look { CL_INUSE, CL_FREE, CL_TOP, CL_COUNT };

static const struct {
	const char *cls, *fill, *name;
} chunk_looks[CL_COUNT] = {
	[CL_INUSE] = { "inuse", "#283593", "chunk in use" },
	[CL_FREE] = { "free", "#00c853", "free chunk (tcache, bins)" },
	[CL_TOP] = { "top", "#ff6d00", "top chunk" },
};

static enum chunk_look look_of(unsigned st)
{
	switch (st) {
	case LD_CH_TOP:
		return CL_TOP;
	case LD_CH_TCACHE: case LD_CH_FAST: case LD_CH_UNSORTED:
	case LD_CH_SMALL: case LD_CH_LARGE: case LD_CH_FREE:
		return CL_FREE;
	default:
		return CL_INUSE;
	}
}

/* Whether the other snapshot has this very chunk (address, size, state). */
static bool chunk_same(const struct ld_snap_heap *h, const struct ld_snap_chunk *c)
{
	for (size_t i = 0; h && i < h->narenas; i++) {
		const struct ld_snap_arena *a = &h->arenas[i];
		size_t lo = 0, hi = a->n;

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (a->chunks[mid].addr < c->addr)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < a->n && a->chunks[lo].addr == c->addr)
			return a->chunks[lo].size_state == c->size_state;
	}
	return false;
}

struct strip {
	const struct column *c;
	const struct ld_map *mp;
	double x0, scale, y;
};

static void strip_rect(const struct strip *sp, const struct ld_snap_chunk *c,
		       uint64_t end, size_t count, bool changed)
{
	uint64_t lo = c->addr, hi = end < sp->mp->end ? end : sp->mp->end;
	enum chunk_look lk = look_of(ld_snap_chunk_state(c));
	bool faded = sp->c->marks && !changed;

	fprintf(sp->c->f, "<rect class=\"chunk %s%s\" x=\"%.3f\" y=\"%.1f\" "
		"width=\"%.3f\" height=\"%.1f\" fill=\"%s\" fill-opacity=\"%s\" "
		"stroke=\"%s\" stroke-width=\"%s\" data-addr=\"0x%" PRIx64 "\" "
		"data-size=\"0x%" PRIx64 "\" data-state=\"%s\" data-count=\"%zu\">",
		chunk_looks[lk].cls, changed ? " changed" : "",
		sp->x0 + (double)(lo - sp->mp->start) * sp->scale, sp->y,
		(double)(hi - lo) * sp->scale, STRIP_H, chunk_looks[lk].fill,
		faded ? "0.35" : "1", changed ? "#000000" : "none",
		changed ? "0.8" : "0", lo, hi - lo,
		ld_chunk_state_name(ld_snap_chunk_state(c)), count);
	fprintf(sp->c->f, "<title>chunk 0x%" PRIx64 " 0x%" PRIx64 " %s%s%s</title>"
		"</rect>\n", lo, hi - lo, ld_chunk_state_name(ld_snap_chunk_state(c)),
		count > 1 ? " (and the chunks that follow it)" : "",
		changed ? ", changed" : "");
}

/* The chunks of arena a that lie in the strip's mapping. */
static void strip_arena(const struct strip *sp, const struct ld_snap_arena *a)
{
	size_t i = 0, n = 0, k;

	while (i < a->n && a->chunks[i].addr < sp->mp->start)
		i++;
	for (k = i; k < a->n && a->chunks[k].addr < sp->mp->end; k++)
		n++;
	for (k = i; k < i + n;) {
		const struct ld_snap_chunk *c = &a->chunks[k];
		bool changed = sp->c->marks && !chunk_same(sp->c->other, c);
		size_t run = 1;

		while (n > STRIP_MAX && k + run < i + n &&
		       look_of(ld_snap_chunk_state(&a->chunks[k + run])) ==
		       look_of(ld_snap_chunk_state(c)) &&
		       (sp->c->marks && !chunk_same(sp->c->other,
						    &a->chunks[k + run])) == changed)
			run++;
		strip_rect(sp, c, a->chunks[k + run - 1].addr +
			   ld_snap_chunk_size(&a->chunks[k + run - 1]), run, changed);
		k += run;
	}
}

static void draw_chunks(const struct column *c, size_t i)
{
	const struct ld_map *mp = &c->s->maps.v[i];
	double y0 = y_of(c->sc, mp->start), y1 = y_of(c->sc, mp->end);
	struct strip sp = { c, mp, c->x + BOX_L + STRIP_PAD,
			    (BOX_W - 2 * STRIP_PAD) / (double)(mp->end - mp->start),
			    (y0 + y1) / 2 - STRIP_H / 2 };

	if (!c->s->heap || y1 - y0 < STRIP_H + 2)
		return;
	fprintf(c->f, "<g class=\"chunks\" data-start=\"0x%" PRIx64 "\" "
		"data-end=\"0x%" PRIx64 "\">\n", mp->start, mp->end);
	for (size_t k = 0; k < c->s->heap->narenas; k++)
		strip_arena(&sp, &c->s->heap->arenas[k]);
	fputs("</g>\n", c->f);
}

/* Whether some arena's chunks lie in mapping mp. */
static bool holds_chunks(const struct ld_snap_heap *h, const struct ld_map *mp)
{
	for (size_t k = 0; h && k < h->narenas; k++) {
		const struct ld_snap_arena *a = &h->arenas[k];

		if (a->n && a->chunks[0].addr < mp->end &&
		    a->chunks[a->n - 1].addr >= mp->start)
			return true;
	}
	return false;
}

static void draw_column(const struct column *c)
{
	size_t i;

	for (i = 0; i < c->sc->n; i++) {
		const struct row *rw = &c->sc->v[i];

		if (rw->gap)
			draw_gap(c, rw);
		else if (!ld_maps_find(&c->s->maps, rw->lo))
			draw_absent(c, rw);
	}
	for (i = 0; i < c->s->maps.n; i++) {
		draw_region(c, i);
		if (holds_chunks(c->s->heap, &c->s->maps.v[i]))
			draw_chunks(c, i);
	}
	draw_brk(c);
}

static void legend_item(FILE *f, size_t i, double y0, const char *fill,
			const char *opacity, const char *name)
{
	double x = 10 + (double)(i % LEGEND_PER_ROW) * LEGEND_W;
	double y = y0 + (double)(i / LEGEND_PER_ROW) * LEGEND_ROW;

	fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" "
		"fill=\"%s\" fill-opacity=\"%s\" stroke=\"#555555\" "
		"stroke-width=\"0.5\"/>\n", x, y, fill, opacity);
	text_open(f, x + 18, y + 10, "");
	xml_text(f, name);
	fputs("</text>\n", f);
}

/* Height of a legend of n items. */
static double legend_h(size_t n)
{
	return (double)((n + LEGEND_PER_ROW - 1) / LEGEND_PER_ROW) * LEGEND_ROW;
}

/* The kinds' legend, its items numbered from first (for its place). */
static void legend_kinds(FILE *f, double y, size_t first, const char *opacity)
{
	size_t k;

	for (k = 0; k < K_COUNT; k++)
		legend_item(f, first + k, y, kinds[k].fill, opacity,
			    kinds[k].name);
}

/* The chunk strip's legend: only pictures with a heap have one. */
static void legend_chunks(FILE *f, double y, size_t first, bool diff)
{
	for (size_t k = 0; k < CL_COUNT; k++)
		legend_item(f, first + k, y, chunk_looks[k].fill, diff ? "0.35" : "1",
			    chunk_looks[k].name);
	if (diff)
		legend_item(f, first + CL_COUNT, y, "#ffffff", "1",
			    "chunk changed (outlined)");
}

/* "process 1234 · stopped by REASON", escaped; the reason cut to max
 * characters. */
static void facts_who(FILE *f, const struct ld_snapshot *s, size_t max)
{
	fprintf(f, "process %d \xc2\xb7 stopped by ", (int)s->pid);
	xml_text_n(f, s->reason ? s->reason : "?", max);
}

/* "TIME · ASLR off · 22 mappings" */
static void facts_when(FILE *f, const struct ld_snapshot *s)
{
	char t[64];

	fprintf(f, "%s \xc2\xb7 ASLR %s \xc2\xb7 %zu mapping%s",
		iso_time(&s->when, t, sizeof t), s->aslr ? "on" : "off",
		s->maps.n, s->maps.n == 1 ? "" : "s");
}

static void svg_heading(FILE *f, const struct ld_snapshot *s)
{
	char label[128];

	fputs("<title>layoutdbg snapshot ", f);
	xml_text(f, snap_title(s, label, sizeof label));
	fputs(" of ", f);
	xml_text(f, s->exe ? s->exe : "an unknown program");
	fputs(", ", f);
	facts_who(f, s, SIZE_MAX);
	fputs("</title>\n", f);
	/* Long texts are cut to fit the width; the <title> has them whole. */
	text_open(f, 10, 24, "font-size=\"15\" font-weight=\"bold\"");
	xml_text_n(f, s->exe ? s->exe : "(unknown program)", 84);
	fputs("</text>\n", f);
	text_open(f, 10, 44, "");
	fputs("snapshot ", f);
	xml_text_n(f, snap_title(s, label, sizeof label), 30);
	fputs(" \xc2\xb7 ", f);
	facts_who(f, s, 60);
	fputs("</text>\n", f);
	text_open(f, 10, 62, "");
	facts_when(f, s);
	fputs("</text>\n", f);
	text_open(f, 10, 80, "fill=\"#555555\"");
	fputs("low addresses at the top; heights grow with log2 of the size; "
	      "unmapped gaps not to scale</text>\n", f);
}

/* Flushed, so that a full disk shows up here and not at fclose(). */
static int finish(FILE *out, int rc)
{
	if (fflush(out))
		return rc ? rc : -errno;
	if (ferror(out))
		return rc ? rc : -EIO;
	return rc;
}

static int svg_snapshot(FILE *f, const struct ld_snapshot *s,
			bool standalone, const size_t *strip_at)
{
	const struct ld_maps *lists[] = { &s->maps };
	struct scale sc;
	struct column c = { f, s, &sc, 0, NULL, NULL, strip_at };
	double legend_y;

	if (scale_build(&sc, lists, 1, MAP_TOP))
		return -ENOMEM;
	legend_y = sc.bottom + 40;
	svg_begin(f, COL_W, legend_y + legend_h(K_COUNT + (s->heap ? CL_COUNT : 0)) +
		  10, standalone);
	svg_heading(f, s);
	draw_column(&c);
	fputs("<g class=\"legend\">\n", f);
	legend_kinds(f, legend_y, 0, "1");
	if (s->heap)
		legend_chunks(f, legend_y, K_COUNT, false);
	fputs("</g>\n</svg>\n", f);
	free(sc.v);
	return 0;
}

int ld_export_svg(const struct ld_snapshot *s, FILE *out)
{
	return finish(out, svg_snapshot(out, s, true, NULL));
}

int ld_export_svg_pages(const struct ld_snapshot *s, FILE *out)
{
	uint64_t pg = (uint64_t)sysconf(_SC_PAGESIZE);
	size_t *at = malloc((s->maps.n + 1) * sizeof *at), i, k = 0;
	int rc;

	if (!at)
		return finish(out, -ENOMEM);
	for (i = 0; i < s->maps.n; i++) {
		size_t n = (size_t)((s->maps.v[i].end - s->maps.v[i].start) / pg);

		at[i] = SIZE_MAX;
		if (!s->strip || n > LD_STRIP_MAX_PAGES || k + n > s->nstrip)
			continue;
		at[i] = k;
		k += n;
	}
	rc = svg_snapshot(out, s, true, at);
	free(at);
	return finish(out, rc);
}

/* ---- pictures: diffs ---------------------------------------------------- */

static void mark_changes(const struct ld_map_diff *md,
			 const struct ld_snapshot *a, const struct ld_snapshot *b,
			 struct mark *ma, struct mark *mb)
{
	size_t i;

	for (i = 0; i < md->n; i++) {
		const struct ld_map_change *c = &md->v[i];
		const char *tag = ld_map_change_name(c->kind);

		/* The changes point into the lists they were made from. */
		if (c->before) {
			ma[c->before - a->maps.v].st =
				c->kind == LD_MC_REMOVED ? ST_REMOVED : ST_CHANGED;
			ma[c->before - a->maps.v].tag = tag;
		}
		if (c->after) {
			mb[c->after - b->maps.v].st =
				c->kind == LD_MC_ADDED ? ST_ADDED : ST_CHANGED;
			mb[c->after - b->maps.v].tag = tag;
		}
	}
}

/* Mappings left alone by the layout diff whose resident size moved. */
static void mark_touched(const struct ld_snapshot *a, const struct ld_snapshot *b,
			 struct mark *ma, struct mark *mb)
{
	struct ld_snap_diff d;
	size_t i;

	if (ld_snap_diff(a, b, &d) < 0)
		return;
	for (i = 0; i < d.ntouched; i++) {
		size_t x = (size_t)(d.touched[i].before - a->maps.v);
		size_t y = (size_t)(d.touched[i].after - b->maps.v);

		if (d.touched[i].before->end - d.touched[i].before->start == 0 ||
		    a->pages[x].rss == b->pages[y].rss || ma[x].st || mb[y].st)
			continue;
		ma[x].st = mb[y].st = ST_PAGES;
		ma[x].tag = mb[y].tag = "resident size changed";
	}
	ld_snap_diff_release(&d);
}

static void brk_note(FILE *f, const struct ld_snapshot *a,
		     const struct ld_snapshot *b)
{
	bool up = b->brk > a->brk;
	char h[32];

	if (!a->brk_valid || !b->brk_valid)
		fputs("program break not known in both", f);
	else if (a->brk == b->brk)
		fprintf(f, "program break unchanged at 0x%" PRIx64, b->brk);
	else
		fprintf(f, "program break 0x%" PRIx64 " \xe2\x86\x92 0x%" PRIx64
			" (%c%s)", a->brk, b->brk, up ? '+' : '-',
			ld_human_size(up ? b->brk - a->brk : a->brk - b->brk, h,
				   sizeof h));
}

static void change_counts(FILE *f, const struct ld_map_diff *md)
{
	size_t i, n[3] = { 0, 0, 0 };

	for (i = 0; i < md->n; i++)
		n[md->v[i].kind == LD_MC_ADDED ? 0 :
		  md->v[i].kind == LD_MC_REMOVED ? 1 : 2]++;
	fprintf(f, "%zu added, %zu removed, %zu changed", n[0], n[1], n[2]);
}

static void diff_heading(FILE *f, const struct ld_snapshot *a,
			 const struct ld_snapshot *b,
			 const struct ld_map_diff *md)
{
	char la[128], lb[128];

	snap_title(a, la, sizeof la);
	snap_title(b, lb, sizeof lb);
	fputs("<title>layoutdbg diff ", f);
	xml_text(f, la);
	fputs(" \xe2\x86\x92 ", f);
	xml_text(f, lb);
	fputs("</title>\n", f);
	text_open(f, 10, 24, "font-size=\"15\" font-weight=\"bold\"");
	fputs("diff ", f);
	xml_text(f, la);
	fputs(" \xe2\x86\x92 ", f);
	xml_text(f, lb);
	fputs(": ", f);
	xml_text_n(f, b->exe ? b->exe : "(unknown program)", 120);
	fputs("</text>\n", f);
	text_open(f, 10, 44, "");
	if (a->pid != b->pid)
		fprintf(f, "processes %d and %d (other runs: addresses need not "
			"compare)", (int)a->pid, (int)b->pid);
	else
		fprintf(f, "process %d", (int)a->pid);
	fputs(" \xc2\xb7 ", f);
	change_counts(f, md);
	fputs(" \xc2\xb7 ", f);
	brk_note(f, a, b);
	fputs("</text>\n", f);
	text_open(f, 10, 62, "fill=\"#555555\"");
	fputs("rows line up by address; heights grow with log2 of the size; "
	      "unmapped gaps not to scale</text>\n", f);
}

static void column_heading(const struct column *c, const char *which)
{
	char label[128];

	text_open(c->f, c->x + 10, 88, "font-weight=\"bold\"");
	fprintf(c->f, "%s: snapshot ", which);
	xml_text_n(c->f, snap_title(c->s, label, sizeof label), 30);
	fputs(" \xc2\xb7 stopped by ", c->f);
	xml_text_n(c->f, c->s->reason ? c->s->reason : "?", 50);
	fprintf(c->f, " \xc2\xb7 %zu mapping%s</text>\n", c->s->maps.n,
		c->s->maps.n == 1 ? "" : "s");
}

static void diff_legend(FILE *f, double y, bool heap)
{
	size_t i;

	fputs("<g class=\"legend\">\n", f);
	for (i = 0; i < sizeof status_look / sizeof status_look[0]; i++)
		legend_item(f, i, y, status_look[i].fill,
			    i == ST_SAME ? "0.35" : "1", status_look[i].name);
	legend_kinds(f, y, LEGEND_PER_ROW, "0.35");
	if (heap)
		legend_chunks(f, y, LEGEND_PER_ROW + K_COUNT, true);
	fputs("</g>\n", f);
}

static int svg_diff(FILE *f, const struct ld_snapshot *a,
		    const struct ld_snapshot *b, const struct ld_map_diff *md,
		    const struct mark *ma, const struct mark *mb)
{
	const struct ld_maps *lists[] = { &a->maps, &b->maps };
	struct scale sc;
	struct column ca = { f, a, &sc, 0, ma, b->heap, NULL },
		      cb = { f, b, &sc, COL_W, mb, a->heap, NULL };
	bool heap = a->heap || b->heap;
	double ly;

	/* One scale for both: a row is the same addresses on either side. */
	if (scale_build(&sc, lists, 2, MAP_TOP))
		return -ENOMEM;
	ly = sc.bottom + 40;
	svg_begin(f, 2 * COL_W, ly + legend_h(LEGEND_PER_ROW + K_COUNT +
					       (heap ? CL_COUNT + 1 : 0)) + 10, true);
	diff_heading(f, a, b, md);
	column_heading(&ca, "A");
	column_heading(&cb, "B");
	fprintf(f, "<line x1=\"%d\" y1=\"72\" x2=\"%d\" y2=\"%.1f\" "
		"stroke=\"#bbbbbb\"/>\n", COL_W - 4, COL_W - 4, sc.bottom + 20);
	draw_column(&ca);
	draw_column(&cb);
	diff_legend(f, ly, heap);
	fputs("</svg>\n", f);
	free(sc.v);
	return 0;
}

int ld_export_diff_svg(const struct ld_snapshot *a,
		       const struct ld_snapshot *b, FILE *out)
{
	struct mark *ma = calloc(a->maps.n + 1, sizeof *ma);
	struct mark *mb = calloc(b->maps.n + 1, sizeof *mb);
	struct ld_map_diff md;
	int rc = -ENOMEM;

	ld_map_diff_init(&md);
	if (ma && mb && !ld_maps_diff(&a->maps, &b->maps, &md)) {
		mark_changes(&md, a, b, ma, mb);
		mark_touched(a, b, ma, mb);
		rc = svg_diff(out, a, b, &md, ma, mb);
	}
	ld_map_diff_release(&md);
	free(ma);
	free(mb);
	return finish(out, rc);
}

/* ---- HTML ----------------------------------------------------------------- */

/* The page is also well-formed XML (every tag closed, no entities but
 * XML's), so the same checker serves both. */
static const char html_css[] =
	"body{font-family:sans-serif;margin:1.5em;color:#222}\n"
	"h1{font-size:1.3em}h2{font-size:1.1em;margin-top:1.5em}\n"
	"h3{font-size:1em}.map{overflow-x:auto}\n"
	"table{border-collapse:collapse;font-family:monospace;font-size:12px}\n"
	"th,td{border:1px solid #ccc;padding:2px 6px;text-align:left}\n"
	"th{background:#f0f0f0}td.n{text-align:right}\n"
	".sw{display:inline-block;width:10px;height:10px;border:1px solid #555;"
	"margin-right:4px;vertical-align:middle}\n";

static void html_head(FILE *f, const struct ld_snapshot *s)
{
	char label[128], h[32];

	snap_title(s, label, sizeof label);
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	      "<meta charset=\"utf-8\"/>\n<title>layoutdbg snapshot ", f);
	xml_text(f, label);
	fputs("</title>\n<style>\n", f);
	fputs(html_css, f);
	fputs("</style>\n</head>\n<body>\n<h1>layoutdbg snapshot ", f);
	xml_text(f, label);
	fputs(": ", f);
	xml_text(f, s->exe ? s->exe : "(unknown program)");
	fputs("</h1>\n<p>", f);
	facts_who(f, s, SIZE_MAX);
	fputs(" \xc2\xb7 ", f);
	facts_when(f, s);
	fputs("</p>\n<p>", f);
	if (s->brk_valid)
		fprintf(f, "program break: start 0x%" PRIx64 ", now 0x%" PRIx64
			" (heap %s)", s->start_brk, s->brk,
			ld_human_size(s->brk - s->start_brk, h, sizeof h));
	else
		fputs("program break: not known", f);
	fputs("</p>\n", f);
}

static void html_mapping_row(FILE *f, const struct ld_snapshot *s,
			     const struct ld_map *mp)
{
	enum kind k = kind_of(mp, s->exe);
	char h[32];

	fprintf(f, "<tr><td>0x%" PRIx64 "</td><td>0x%" PRIx64 "</td>"
		"<td class=\"n\">0x%" PRIx64 "</td><td class=\"n\">%s</td>"
		"<td class=\"n\">0x%" PRIx64 "</td><td>%s</td>"
		"<td>%02x:%02x</td><td class=\"n\">%" PRIu64 "</td>"
		"<td><span class=\"sw\" style=\"background:%s\"></span>%s</td><td>",
		mp->start, mp->end, mp->end - mp->start,
		ld_human_size(mp->end - mp->start, h, sizeof h), mp->offset,
		mp->perms, mp->dev_major, mp->dev_minor, mp->inode,
		kinds[k].fill, kinds[k].name);
	xml_text(f, mp->path);
	fputs("</td>", f);
	if (s->pages) {
		const struct ld_pages *pg = &s->pages[mp - s->maps.v];

		fprintf(f, "<td class=\"n\">%s</td>",
			ld_human_size((uint64_t)pg->rss * 1024, h, sizeof h));
		fprintf(f, "<td class=\"n\">%s</td>",
			ld_human_size((uint64_t)pg->private_dirty * 1024, h, sizeof h));
		fprintf(f, "<td class=\"n\">%s</td>",
			ld_human_size((uint64_t)pg->swap * 1024, h, sizeof h));
	}
	fputs("</tr>\n", f);
}

static void html_mappings(FILE *f, const struct ld_snapshot *s)
{
	size_t i;

	fputs("<h2>Mappings</h2>\n<table>\n<tr><th>Start</th><th>End</th>"
	      "<th>Size</th><th></th><th>Offset</th><th>Perms</th><th>Dev</th>"
	      "<th>Inode</th><th>Kind</th><th>Object</th>", f);
	if (s->pages)
		fputs("<th>Resident</th><th>Private dirty</th><th>Swap</th>", f);
	fputs("</tr>\n", f);
	for (i = 0; i < s->maps.n; i++)
		html_mapping_row(f, s, &s->maps.v[i]);
	fputs("</table>\n", f);
}

static void html_frame_row(FILE *f, size_t level,
			   const struct ld_snap_frame *fr)
{
	fprintf(f, "<tr><td>#%zu</td><td>0x%016" PRIx64 "</td><td>", level,
		fr->pc);
	xml_text(f, fr->func ? fr->func : "??");
	if (fr->func && fr->off)
		fprintf(f, "+%" PRIu64, fr->off);
	fputs("</td><td>", f);
	xml_text(f, fr->obj ? fr->obj : "");
	fprintf(f, "</td><td>0x%" PRIx64 "</td><td>0x%" PRIx64 "</td></tr>\n",
		fr->sp, fr->cfa);
}

static void html_thread(FILE *f, const struct ld_snap_thread *th)
{
	size_t j;

	fprintf(f, "<h3>Thread %d (LWP %d)</h3>\n", th->num, (int)th->tid);
	if (th->regs_valid)
		fprintf(f, "<p>rip 0x%llx, rsp 0x%llx, rbp 0x%llx</p>\n",
			th->regs.rip, th->regs.rsp, th->regs.rbp);
	if (!th->nframes) {
		fputs("<p>no frames</p>\n", f);
		return;
	}
	fputs("<table>\n<tr><th>#</th><th>PC</th><th>Function</th>"
	      "<th>Object</th><th>SP</th><th>CFA</th></tr>\n", f);
	for (j = 0; j < th->nframes; j++) {
		if (ld_snap_windowed(th) && j == th->ninner && j)
			fprintf(f, "<tr><td colspan=\"6\">... %zu frames not kept ..."
				"</td></tr>\n", th->depth - th->nframes);
		html_frame_row(f, ld_snap_level(th, j), &th->frames[j]);
	}
	fputs("</table>\n", f);
}

int ld_export_html(const struct ld_snapshot *s, FILE *out)
{
	size_t i;
	int rc;

	html_head(out, s);
	fputs("<div class=\"map\">\n", out);
	rc = svg_snapshot(out, s, false, NULL);
	fputs("</div>\n", out);
	html_mappings(out, s);
	if (s->nthreads)
		fputs("<h2>Threads</h2>\n", out);
	for (i = 0; i < s->nthreads; i++)
		html_thread(out, &s->threads[i]);
	fputs("</body>\n</html>\n", out);
	return finish(out, rc);
}

/* ---- building blocks for the other JSON documents (--json) ---------- */

int ld_json_put_u64(json_t *o, const char *key, uint64_t v)
{
	return put_u64(o, key, v);
}

int ld_json_put_text(json_t *o, const char *key, const char *s)
{
	return put_text(o, key, s);
}

json_t *ld_json_mapping(const struct ld_map *mp)
{
	return mapping_json(mp);
}

json_t *ld_json_mappings(const struct ld_maps *m)
{
	return mappings_json(m);
}

json_t *ld_json_frames(const struct ld_snap_frame *v, size_t n)
{
	return frames_json(v, n);
}

json_t *ld_json_pages(const struct ld_pages *p)
{
	return pages_json(p);
}

json_t *ld_json_change(const struct ld_map_change *c)
{
	return change_json(c);
}
