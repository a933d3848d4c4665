/* The heap as JSON: the `heap` commands' documents (over a walk), a
 * snapshot's chunk lists and the chunk-level diff of two snapshots. */
#include <inttypes.h>
#include <stdio.h>

#include "layoutdbg/heapjson.h"
#include "layoutdbg/json.h"

/* ---- a walk ------------------------------------------------------------ */

json_t *ld_json_chunk(const struct ld_chunk *c)
{
	json_t *o = json_object(), *fl = json_array();
	char st[48];

	ld_json_put_u64(o, "address", c->addr);
	ld_json_put_u64(o, "size", c->size);
	if (c->flags & LD_PREV_INUSE)
		json_array_append_new(fl, json_string("PREV_INUSE"));
	if (c->flags & LD_IS_MMAPPED)
		json_array_append_new(fl, json_string("IS_MMAPPED"));
	if (c->flags & LD_NON_MAIN_ARENA)
		json_array_append_new(fl, json_string("NON_MAIN_ARENA"));
	ld_jset(o, "flags", fl);
	ld_jset(o, "state", json_string(ld_chunk_state_name(c->state)));
	ld_jset(o, "description", json_string(ld_chunk_describe(c, st, sizeof st)));
	if (c->state != LD_CH_INUSE && c->state != LD_CH_TOP &&
	    c->state != LD_CH_MMAPPED && c->state != LD_CH_FENCE &&
	    c->state != LD_CH_FREE)
		ld_jset(o, "bin", json_integer(c->bin));
	ld_jset(o, "last_remainder", json_boolean(c->last_remainder));
	ld_jset(o, "tcache_struct", json_boolean(c->tcache_struct));
	if (c->state == LD_CH_INUSE || c->state == LD_CH_MMAPPED) {
		ld_json_put_u64(o, "user", ld_chunk_mem(c));
		ld_json_put_u64(o, "usable", ld_chunk_usable(c));
	}
	return o;
}

/* key (bytes, with key_hex) and key_chunks (how many). */
static void put_total(json_t *o, const char *key, uint64_t bytes, uint64_t n)
{
	char k[48];

	snprintf(k, sizeof k, "%s_chunks", key);
	ld_json_put_u64(o, key, bytes);
	ld_jset(o, k, json_integer((json_int_t)n));
}

static json_t *totals_json(const struct ld_heap_totals *t)
{
	json_t *o = json_object();

	ld_json_put_u64(o, "system", t->system);
	put_total(o, "in_use", t->in_use, t->n_in_use);
	put_total(o, "fastbin", t->fast, t->n_fast);
	put_total(o, "unsorted", t->unsorted, t->n_unsorted);
	put_total(o, "small", t->small, t->n_small);
	put_total(o, "large", t->large, t->n_large);
	put_total(o, "rest", t->rest, t->n_rest);
	put_total(o, "tcache", t->tcache, t->n_tcache);
	ld_json_put_u64(o, "top", t->top);
	return o;
}

static json_t *bin_json(const struct ld_bin *b)
{
	json_t *o = json_object(), *v = json_array();

	ld_jset(o, "kind", json_string(ld_chunk_state_name(b->kind)));
	ld_jset(o, "index", json_integer(b->index));
	if (b->kind == LD_CH_TCACHE)
		ld_jset(o, "count", json_integer(b->count));
	for (size_t i = 0; i < b->n; i++)
		json_array_append_new(v, ld_json_hex(b->chunks[i]));
	ld_jset(o, "chunks", v);
	if (b->error)
		ld_jset(o, "error", json_string(b->error));
	return o;
}

static json_t *bins_json(const struct ld_bin *b, size_t n)
{
	LD_RETURN_JSON_ARRAY(bin_json, b, n);
}

static json_t *chunks_of(const struct ld_chunk *v, size_t n)
{
	LD_RETURN_JSON_ARRAY(ld_json_chunk, v, n);
}

static json_t *arena_json(const struct ld_arena *a, size_t idx, bool chunks)
{
	json_t *o = json_object(), *hv = json_array();

	ld_jset(o, "index", json_integer((json_int_t)idx));
	ld_jset(o, "main", json_boolean(a->main));
	ld_json_put_u64(o, "address", a->addr);
	ld_json_put_u64(o, "top", a->top);
	ld_json_put_u64(o, "top_size", a->top_size);
	ld_json_put_u64(o, "last_remainder", a->last_remainder);
	ld_json_put_u64(o, "system_mem", a->system_mem);
	ld_json_put_u64(o, "max_system_mem", a->max_system_mem);
	for (size_t k = 0; k < a->nheaps; k++) {
		json_t *r = json_object();

		if (a->heaps[k].info)
			ld_json_put_u64(r, "heap_info", a->heaps[k].info);
		ld_json_put_u64(r, "start", a->heaps[k].start);
		ld_json_put_u64(r, "end", a->heaps[k].end);
		ld_json_put_u64(r, "reserved_end", a->heaps[k].reserved_end);
		json_array_append_new(hv, r);
	}
	ld_jset(o, "heaps", hv);
	ld_jset(o, "totals", totals_json(&a->t));
	ld_jset(o, "nchunks", json_integer((json_int_t)a->nchunks));
	if (chunks)
		ld_jset(o, "chunks", chunks_of(a->chunks, a->nchunks));
	ld_jset(o, "error", a->error ? json_string(a->error) : json_null());
	return o;
}

json_t *ld_json_heap(const struct ld_heap_source *src, const struct ld_heap *h,
		     const char *cmd, bool chunks)
{
	json_t *d = ld_jdoc(cmd), *av = json_array();
	struct ld_heap_totals t;

	ld_jset(d, "glibc", json_true());
	ld_jset(d, "source", json_string(ld_heap_from_name(src->from)));
	if (src->debug_file[0])
		ld_json_put_text(d, "debug_file", src->debug_file);
	ld_jset(d, "glibc_version", src->glibc[0] ? json_string(src->glibc) :
		json_null());
	ld_json_put_u64(d, "main_arena", src->main_arena);
	if (src->mp)
		ld_json_put_u64(d, "mp", src->mp);
	ld_jset(d, "initialized", json_boolean(h->initialized));
	for (size_t i = 0; i < h->narenas; i++)
		json_array_append_new(av, arena_json(&h->arenas[i], i, chunks));
	ld_jset(d, "arenas", av);
	ld_jset(d, "mmapped", chunks_of(h->mmapped, h->nmmapped));
	ld_json_put_u64(d, "mmapped_bytes", h->mmapped_bytes);
	if (h->mp_valid) {
		ld_jset(d, "mp_n_mmaps", json_integer(h->mp_n_mmaps));
		ld_json_put_u64(d, "mp_mmapped_mem", h->mp_mmapped_mem);
	}
	ld_heap_sum(h, &t);
	ld_jset(d, "totals", totals_json(&t));
	ld_jset(d, "error", h->error ? json_string(h->error) : json_null());
	return d;
}

/* ---- the heap commands' documents ------------------------------------- */

json_t *ld_json_heap_chunk(uint64_t addr, const struct ld_chunk *c, int arena)
{
	json_t *d = ld_jdoc("heap chunk");

	ld_json_put_u64(d, "address", addr);
	ld_jset(d, "chunk", c ? ld_json_chunk(c) : json_null());
	ld_jset(d, "arena", json_integer(c ? arena : -1));
	return d;
}

static json_t *tcache_json(const struct ld_tcache *t)
{
	json_t *o = json_object();

	ld_json_put_u64(o, "chunk", t->chunk);
	ld_jset(o, "arena", json_integer(t->arena));
	ld_jset(o, "bins", bins_json(t->bins, t->nbins));
	return o;
}

json_t *ld_json_heap_bins(const struct ld_heap *h)
{
	json_t *d = ld_jdoc("heap bins"), *tv = json_array(), *av = json_array();

	for (size_t i = 0; i < h->ntcaches; i++)
		json_array_append_new(tv, tcache_json(&h->tcaches[i]));
	for (size_t i = 0; i < h->narenas; i++) {
		json_t *o = json_object();

		ld_jset(o, "index", json_integer((json_int_t)i));
		ld_jset(o, "bins", bins_json(h->arenas[i].bins, h->arenas[i].nbins));
		json_array_append_new(av, o);
	}
	ld_jset(d, "tcaches", tv);
	ld_jset(d, "arenas", av);
	return d;
}

json_t *ld_json_heap_mmapped(const struct ld_heap *h)
{
	json_t *d = ld_jdoc("heap mmapped");

	ld_jset(d, "mmapped", chunks_of(h->mmapped, h->nmmapped));
	ld_json_put_u64(d, "bytes", h->mmapped_bytes);
	return d;
}

json_t *ld_json_not_glibc(const struct ld_heap_source *src, const char *cmd)
{
	json_t *d = ld_jdoc(cmd);

	ld_jset(d, "glibc", json_false());
	ld_json_put_text(d, "allocator", src->other);
	return d;
}

/* ---- snapshots and their diff ---------------------------------------- */

static json_t *sums_json(const struct ld_heap_sums *s)
{
	json_t *o = json_object();

	put_total(o, "in_use", s->in_use, s->n_in_use);
	put_total(o, "free", s->free, s->n_free);
	ld_json_put_u64(o, "top", s->top);
	ld_json_put_u64(o, "mmapped", s->mmapped);
	return o;
}

static json_t *heap_change_json(const struct ld_heap_change *c)
{
	static const char *const kinds[] = { "alloc", "free", "moved", "top", "split",
		"consolidated", "arena added", "arena removed", "mmap", "munmap" };
	json_t *x = json_object();
	char line[256], w[48];

	ld_heap_change_text(c, line, sizeof line);
	ld_jset(x, "kind", json_string(kinds[c->what]));
	ld_jset(x, "arena", json_integer(c->arena));
	ld_json_put_u64(x, "address", c->addr);
	ld_json_put_u64(x, "size", c->size);
	if (c->size2 || c->addr2) {
		ld_json_put_u64(x, "other_address", c->addr2);
		ld_json_put_u64(x, "other_size", c->size2);
	}
	ld_jset(x, "before", json_string(ld_heap_where(c->state_a, c->size2 ? c->size2 :
						       c->size, w, sizeof w)));
	ld_jset(x, "after", json_string(ld_heap_where(c->state_b, c->size, w, sizeof w)));
	if (c->count)
		ld_jset(x, "count", json_integer((json_int_t)c->count));
	ld_jset(x, "text", json_string(line));
	return x;
}

json_t *ld_heap_diff_to_json(const struct ld_heap_diff *d)
{
	json_t *o = json_object(), *v = json_array();

	for (size_t i = 0; i < d->n; i++)
		json_array_append_new(v, heap_change_json(&d->v[i]));
	ld_jset(o, "changes", v);
	ld_jset(o, "before", sums_json(&d->a));
	ld_jset(o, "after", sums_json(&d->b));
	return o;
}

/* Chunks as one flat array [addr, size|state, addr, size|state, ...]:
 * compact, and exact (integers up to 2^63 in jansson). */
static json_t *chunks_json(const struct ld_snap_chunk *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++) {
		json_array_append_new(a, json_integer((json_int_t)v[i].addr));
		json_array_append_new(a, json_integer((json_int_t)v[i].size_state));
	}
	return a;
}

json_t *ld_snap_heap_to_json(const struct ld_snap_heap *h)
{
	json_t *o = json_object(), *av = json_array();

	ld_jset(o, "source", json_string(h->source));
	for (size_t i = 0; i < h->narenas; i++) {
		json_t *a = json_object();

		ld_json_put_u64(a, "address", h->arenas[i].addr);
		ld_jset(a, "main", json_boolean(h->arenas[i].main));
		ld_jset(a, "chunks", chunks_json(h->arenas[i].chunks, h->arenas[i].n));
		json_array_append_new(av, a);
	}
	ld_jset(o, "arenas", av);
	ld_jset(o, "mmapped", chunks_json(h->mmapped, h->nmmapped));
	return o;
}
