/* The heap commands shown: `heap` (`info heap`), `heap chunk ADDR`,
 * `heap bins`, `heap arenas`, `heap mmapped`.  Text here, the JSON
 * documents from heapjson.c, both from the same walk (heap.h). */
#include <inttypes.h>
#include <stdio.h>

#include "layoutdbg/heapjson.h"
#include "layoutdbg/heapview.h"
#include "layoutdbg/output.h"

static const char *flag_str(uint8_t f, char buf[4])
{
	int n = 0;

	if (f & LD_PREV_INUSE)
		buf[n++] = 'P';
	if (f & LD_IS_MMAPPED)
		buf[n++] = 'M';
	if (f & LD_NON_MAIN_ARENA)
		buf[n++] = 'N';
	if (!n)
		buf[n++] = '-';
	buf[n] = 0;
	return buf;
}

static void source_line(const struct ld_heap_source *src)
{
	ld_out("arena info from: %s", ld_heap_from_name(src->from));
	if (src->from == LD_HEAP_FROM_DEBUG_FILE)
		ld_out(" (%s)", src->debug_file);
	if (src->from == LD_HEAP_FROM_HEURISTICS)
		ld_out(" (glibc %s)", src->glibc[0] ? src->glibc : "version unknown");
	else if (src->glibc[0])
		ld_out(", glibc %s", src->glibc);
	ld_out("\nmain_arena 0x%" PRIx64 " in %s", src->main_arena, src->libc->name);
	if (src->mp)
		ld_out(", mp_ 0x%" PRIx64, src->mp);
	ld_out("\n");
}

static void arena_title(const struct ld_heap *h, size_t i)
{
	const struct ld_arena *a = &h->arenas[i];
	char sz[32];

	ld_out("arena %zu%s 0x%" PRIx64 ": system 0x%" PRIx64 " (%s)", i,
	       a->main ? " (main)" : "", a->addr, a->system_mem,
	       ld_human_size(a->system_mem, sz, sizeof sz));
	for (size_t k = 0; k < a->nheaps; k++) {
		const struct ld_heap_region *r = &a->heaps[k];

		if (r->info)
			ld_out(", heap_info 0x%" PRIx64 " chunks 0x%" PRIx64 "-0x%" PRIx64
			       " (reserved to 0x%" PRIx64 ")", r->info, r->start,
			       r->end, r->reserved_end);
		else
			ld_out(", heap 0x%" PRIx64 "-0x%" PRIx64, r->start, r->end);
	}
	ld_out("\n");
}

static void totals_line(const char *indent, const struct ld_heap_totals *t)
{
	ld_out("%sin use 0x%" PRIx64 " (%" PRIu64 " chunks), free: fastbin 0x%" PRIx64
	       " (%" PRIu64 "), unsorted 0x%" PRIx64 " (%" PRIu64 "), small 0x%" PRIx64
	       " (%" PRIu64 "), large 0x%" PRIx64 " (%" PRIu64 "), top 0x%" PRIx64
	       "; tcache 0x%" PRIx64 " (%" PRIu64 ", counted in use)\n", indent,
	       t->in_use, t->n_in_use, t->fast, t->n_fast, t->unsorted, t->n_unsorted,
	       t->small, t->n_small, t->large, t->n_large, t->top, t->tcache,
	       t->n_tcache);
}

static void chunk_row(const struct ld_chunk *c)
{
	char f[4], st[48];
	bool used = c->state == LD_CH_INUSE || c->state == LD_CH_MMAPPED;

	ld_out("  0x%012" PRIx64 " %#10" PRIx64 "  %-3s %-26s", c->addr, c->size,
	       flag_str(c->flags, f), ld_chunk_describe(c, st, sizeof st));
	if (used)
		ld_out(" 0x%012" PRIx64 " %#" PRIx64, ld_chunk_mem(c), ld_chunk_usable(c));
	ld_out("\n");
}

static void chunk_header(void)
{
	ld_out("  %-14s %10s  %-3s %-26s %-14s %s\n", "chunk", "size", "flg", "state",
	       "user pointer", "usable");
}

static void heap_text(const struct ld_heap_source *src, const struct ld_heap *h,
		      long only)
{
	struct ld_heap_totals t;
	char sz[32];

	source_line(src);
	if (!h->initialized) {
		ld_out("malloc has not been used yet: no heap\n");
		return;
	}
	for (size_t i = 0; i < h->narenas; i++) {
		const struct ld_arena *a = &h->arenas[i];

		if (only >= 0 && (size_t)only != i)
			continue;
		arena_title(h, i);
		chunk_header();
		for (size_t k = 0; k < a->nchunks; k++)
			chunk_row(&a->chunks[k]);
		if (a->error)
			ld_out("  %s\n", a->error);
		totals_line("  ", &a->t);
	}
	if (h->error)
		ld_out("%s\n", h->error);
	ld_heap_sum(h, &t);
	ld_out("mmapped chunks: %zu, 0x%" PRIx64 " (%s)\n", h->nmmapped,
	       h->mmapped_bytes, ld_human_size(h->mmapped_bytes, sz, sizeof sz));
	ld_out("totals: %zu arena%s, system 0x%" PRIx64 ", ", h->narenas,
	       h->narenas == 1 ? "" : "s", t.system);
	totals_line("", &t);
}

int ld_show_heap(const struct ld_heap_source *src, const struct ld_heap *h,
		 long only)
{
	if (ld_json_on())
		return ld_emit_json(ld_json_heap(src, h, "heap", true));
	heap_text(src, h, only);
	return 0;
}

int ld_show_heap_not_glibc(const struct ld_heap_source *src, const char *cmd)
{
	if (ld_json_on())
		return ld_emit_json(ld_json_not_glibc(src, cmd));
	if (src->other[0])
		ld_out("the heap is not glibc's: malloc is defined by %s; the heap "
		       "commands walk glibc's malloc only\n", src->other);
	else
		ld_out("no glibc malloc state found in %s: the heap is not glibc's "
		       "(or this C library is unknown)\n",
		       src->libc ? src->libc->name : "the program");
	return 0;
}

int ld_show_heap_chunk(uint64_t addr, const struct ld_chunk *c, int arena)
{
	if (ld_json_on())
		return ld_emit_json(ld_json_heap_chunk(addr, c, arena));
	if (!c) {
		ld_out("0x%" PRIx64 " is not in a chunk of the heap\n", addr);
		return 0;
	}
	ld_out("0x%" PRIx64 " is %s chunk 0x%" PRIx64 " of %s:\n", addr,
	       addr - c->addr < 16 ? "in the header of" : "inside",
	       c->addr, arena < 0 ? "no arena (mmapped)" :
	       arena == 0 ? "the main arena" : "a thread arena");
	chunk_header();
	chunk_row(c);
	return 0;
}

static void bin_row(const char *name, const struct ld_bin *b)
{
	ld_out("  %s[%u]", name, b->index);
	if (b->kind == LD_CH_TCACHE)
		ld_out(" count %u", b->count);
	ld_out(": %zu chunk%s", b->n, b->n == 1 ? "" : "s");
	for (size_t k = 0; k < b->n && k < 16; k++)
		ld_out(" 0x%" PRIx64, b->chunks[k]);
	if (b->n > 16)
		ld_out(" ...");
	if (b->error)
		ld_out(" (%s)", b->error);
	ld_out("\n");
}

int ld_show_heap_bins(const struct ld_heap *h)
{
	if (ld_json_on())
		return ld_emit_json(ld_json_heap_bins(h));
	for (size_t i = 0; i < h->ntcaches; i++) {
		const struct ld_tcache *t = &h->tcaches[i];

		ld_out("tcache 0x%" PRIx64 " (arena %d):%s\n", t->chunk, t->arena,
		       t->nbins ? "" : " empty");
		for (size_t k = 0; k < t->nbins; k++)
			bin_row("tcache", &t->bins[k]);
	}
	for (size_t i = 0; i < h->narenas; i++) {
		const struct ld_arena *a = &h->arenas[i];

		ld_out("arena %zu%s 0x%" PRIx64 ":%s\n", i, a->main ? " (main)" : "",
		       a->addr, a->nbins ? "" : " every bin empty");
		for (size_t k = 0; k < a->nbins; k++)
			bin_row(ld_chunk_state_name(a->bins[k].kind), &a->bins[k]);
	}
	return 0;
}

int ld_show_heap_arenas(const struct ld_heap_source *src, const struct ld_heap *h)
{
	if (ld_json_on())
		return ld_emit_json(ld_json_heap(src, h, "heap arenas", false));
	source_line(src);
	for (size_t i = 0; i < h->narenas; i++) {
		arena_title(h, i);
		totals_line("  ", &h->arenas[i].t);
	}
	return 0;
}

int ld_show_heap_mmapped(const struct ld_heap *h)
{
	char sz[32];

	if (ld_json_on())
		return ld_emit_json(ld_json_heap_mmapped(h));
	ld_out("%zu mmapped chunk%s, 0x%" PRIx64 " (%s)\n", h->nmmapped,
	       h->nmmapped == 1 ? "" : "s", h->mmapped_bytes,
	       ld_human_size(h->mmapped_bytes, sz, sizeof sz));
	if (h->nmmapped)
		chunk_header();
	for (size_t i = 0; i < h->nmmapped; i++)
		chunk_row(&h->mmapped[i]);
	return 0;
}
