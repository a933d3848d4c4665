/* The SVG pictures: a snapshot's address space as one column, the diff
 * of two as two columns lined up by address (include/layoutdbg/svg.h).
 * The rows come from the scale (picture.c); here they are drawn: the
 * mappings coloured by kind or by change, the gaps, the program break,
 * the chunk strip of a heap, the page strip of --pages, the legends. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "layoutdbg/heapsnap.h"
#include "layoutdbg/output.h"
#include "layoutdbg/picture.h"
#include "layoutdbg/svg.h"

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

/* ---- a column ---------------------------------------------------------- */

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
	const struct ld_scale *sc;
	double x;
	const struct mark *marks;   /* one per mapping in a diff, else NULL */
	const struct ld_snap_heap *other;  /* a diff's other side: its chunks
					      tell the changed ones */
	const size_t *strip_at;     /* --pages: each mapping's first page in
				       s->strip (SIZE_MAX: none), else NULL */
	const struct ld_region *rg; /* s's regions, or NULL (draw_column) */
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
	ld_xml_text(f, mp->path[0] ? mp->path : "anonymous");
	fprintf(f, "\n0x%" PRIx64 "-0x%" PRIx64 " %s, offset 0x%" PRIx64 ", %s",
		mp->start, mp->end, mp->perms, mp->offset,
		ld_human_size(mp->end - mp->start, h, sizeof h));
	fputs("</title>\n", f);
}

static void region_label(const struct column *c, const struct ld_map *mp,
			 const struct mark *mk, double y)
{
	char h[32], name[64];

	text_open(c->f, c->x + LABEL_L, y, "");
	ld_xml_text_n(c->f, ld_pic_name(mp, c->rg ? &c->rg[mp - c->s->maps.v] : NULL,
					name, sizeof name), NAME_MAX_CHARS);
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
	double y0 = ld_scale_y(c->sc, mp->start), y1 = ld_scale_y(c->sc, mp->end);
	const char *fill = st == ST_SAME ? ld_kinds[ld_kind_of(mp,
			   c->rg ? &c->rg[i] : NULL, c->s->exe)].fill :
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
static void draw_gap(const struct column *c, const struct ld_row *rw)
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
	y = ld_scale_y(c->sc, c->s->brk);
	fprintf(c->f, "<g class=\"brk\">\n<line x1=\"%.1f\" y1=\"%.1f\" "
		"x2=\"%.1f\" y2=\"%.1f\" stroke=\"#cc0000\" stroke-width=\"1.5\" "
		"stroke-dasharray=\"6 3\"/>\n", c->x + BOX_L - 6, y,
		c->x + BRK_L - 4, y);
	text_open(c->f, c->x + BRK_L, y + 4, "fill=\"#cc0000\"");
	fprintf(c->f, "program break 0x%" PRIx64 "</text>\n</g>\n", c->s->brk);
}

/* In a diff, a row that only the other snapshot maps: an empty frame, so
 * the eye sees that something is missing on this side. */
static void draw_absent(const struct column *c, const struct ld_row *rw)
{
	fprintf(c->f, "<rect class=\"absent\" x=\"%.1f\" y=\"%.1f\" "
		"width=\"%d\" height=\"%.1f\" fill=\"none\" stroke=\"#bbbbbb\" "
		"stroke-width=\"0.5\" stroke-dasharray=\"2 2\"/>\n",
		c->x + BOX_L, rw->y, BOX_W, rw->h);
}

/* ---- the chunk strip ---------------------------------------------------- */

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
	double y0 = ld_scale_y(c->sc, mp->start), y1 = ld_scale_y(c->sc, mp->end);
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

static void draw_column(const struct column *col)
{
	struct column with = *col, *c = &with;
	size_t i;

	with.rg = ld_pic_regions(col->s);	/* NULL: the names alone */

	for (i = 0; i < c->sc->n; i++) {
		const struct ld_row *rw = &c->sc->v[i];

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
	free((void *)with.rg);
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
	ld_xml_text(f, name);
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

	for (k = 0; k < LD_K_COUNT; k++)
		legend_item(f, first + k, y, ld_kinds[k].fill, opacity,
			    ld_kinds[k].name);
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



static void svg_heading(FILE *f, const struct ld_snapshot *s)
{
	char label[128];

	fputs("<title>layoutdbg snapshot ", f);
	ld_xml_text(f, ld_snap_title(s, label, sizeof label));
	fputs(" of ", f);
	ld_xml_text(f, s->exe ? s->exe : "an unknown program");
	fputs(", ", f);
	ld_pic_facts_who(f, s, SIZE_MAX);
	fputs("</title>\n", f);
	/* Long texts are cut to fit the width; the <title> has them whole. */
	text_open(f, 10, 24, "font-size=\"15\" font-weight=\"bold\"");
	ld_xml_text_n(f, s->exe ? s->exe : "(unknown program)", 84);
	fputs("</text>\n", f);
	text_open(f, 10, 44, "");
	fputs("snapshot ", f);
	ld_xml_text_n(f, ld_snap_title(s, label, sizeof label), 30);
	fputs(" \xc2\xb7 ", f);
	ld_pic_facts_who(f, s, 60);
	fputs("</text>\n", f);
	text_open(f, 10, 62, "");
	ld_pic_facts_when(f, s);
	fputs("</text>\n", f);
	text_open(f, 10, 80, "fill=\"#555555\"");
	fputs("low addresses at the top; heights grow with log2 of the size; "
	      "unmapped gaps not to scale</text>\n", f);
}



int ld_svg_snapshot(FILE *f, const struct ld_snapshot *s, bool standalone,
		    const size_t *strip_at)
{
	const struct ld_maps *lists[] = { &s->maps };
	struct ld_scale sc;
	struct column c = { f, s, &sc, 0, NULL, NULL, strip_at, NULL };
	double legend_y;

	if (ld_scale_build(&sc, lists, 1, MAP_TOP))
		return -ENOMEM;
	legend_y = sc.bottom + 40;
	svg_begin(f, COL_W, legend_y + legend_h(LD_K_COUNT + (s->heap ? CL_COUNT : 0)) +
		  10, standalone);
	svg_heading(f, s);
	draw_column(&c);
	fputs("<g class=\"legend\">\n", f);
	legend_kinds(f, legend_y, 0, "1");
	if (s->heap)
		legend_chunks(f, legend_y, LD_K_COUNT, false);
	fputs("</g>\n</svg>\n", f);
	ld_scale_release(&sc);
	return 0;
}

int ld_export_svg(const struct ld_snapshot *s, FILE *out)
{
	return ld_pic_finish(out, ld_svg_snapshot(out, s, true, NULL));
}

int ld_export_svg_pages(const struct ld_snapshot *s, FILE *out)
{
	uint64_t pg = (uint64_t)sysconf(_SC_PAGESIZE);
	size_t *at = malloc((s->maps.n + 1) * sizeof *at), i, k = 0;
	int rc;

	if (!at)
		return ld_pic_finish(out, -ENOMEM);
	for (i = 0; i < s->maps.n; i++) {
		size_t n = (size_t)((s->maps.v[i].end - s->maps.v[i].start) / pg);

		at[i] = SIZE_MAX;
		if (!s->strip || n > LD_STRIP_MAX_PAGES || k + n > s->nstrip)
			continue;
		at[i] = k;
		k += n;
	}
	rc = ld_svg_snapshot(out, s, true, at);
	free(at);
	return ld_pic_finish(out, rc);
}

/* ---- diffs ------------------------------------------------------------- */

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

	ld_snap_title(a, la, sizeof la);
	ld_snap_title(b, lb, sizeof lb);
	fputs("<title>layoutdbg diff ", f);
	ld_xml_text(f, la);
	fputs(" \xe2\x86\x92 ", f);
	ld_xml_text(f, lb);
	fputs("</title>\n", f);
	text_open(f, 10, 24, "font-size=\"15\" font-weight=\"bold\"");
	fputs("diff ", f);
	ld_xml_text(f, la);
	fputs(" \xe2\x86\x92 ", f);
	ld_xml_text(f, lb);
	fputs(": ", f);
	ld_xml_text_n(f, b->exe ? b->exe : "(unknown program)", 120);
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
	ld_xml_text_n(c->f, ld_snap_title(c->s, label, sizeof label), 30);
	fputs(" \xc2\xb7 stopped by ", c->f);
	ld_xml_text_n(c->f, c->s->reason ? c->s->reason : "?", 50);
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
		legend_chunks(f, y, LEGEND_PER_ROW + LD_K_COUNT, true);
	fputs("</g>\n", f);
}

/* ---- measuring: the diff is as wide as its texts --------------------- */

#define CHAR_EM 0.6             /* a monospace character's width, in em */
#define MARGIN 12.0

/* Characters of XML text: an entity is one, UTF-8 continuation bytes none. */
static size_t xml_chars(const char *p, const char *end)
{
	size_t n = 0;

	for (; p < end; p++) {
		if (*p == '&') {
			const char *semi = memchr(p, ';', (size_t)(end - p));

			if (semi)
				p = semi;
		}
		if ((*p & 0xc0) != 0x80)
			n++;
	}
	return n;
}

/* The right edge of the widest <text> in svg (x plus its characters at
 * CHAR_EM of its font size; these texts are anchored at their start or
 * end only where the end is x). */
static double texts_right(const char *svg)
{
	const char *p = svg;
	double right = 0;

	while ((p = strstr(p, "<text "))) {
		const char *gt = strchr(p, '>'), *end = gt ? strstr(gt, "</text>") : NULL;
		const char *xs = strstr(p, " x=\""), *fs = strstr(p, "font-size=\"");
		double x, size = 11, r;

		if (!end)
			break;
		x = xs && xs < gt ? strtod(xs + 4, NULL) : 0;
		if (fs && fs < gt)
			size = strtod(fs + 11, NULL);
		r = x;
		if (!strstr(p, "text-anchor=\"end\"") || strstr(p, "text-anchor=\"end\"") > gt)
			r += CHAR_EM * size * (double)xml_chars(gt + 1, end);
		if (r > right)
			right = r;
		p = end;
	}
	return right;
}

/* Draw c into a buffer (*buf, free it), and return the right edge of
 * its widest text. */
static double column_drawn(struct column *c, const char *which, char **buf)
{
	size_t len = 0;
	FILE *f = open_memstream(buf, &len);
	FILE *out = c->f;

	if (!f)
		return -1;
	c->f = f;
	column_heading(c, which);
	draw_column(c);
	c->f = out;
	if (fclose(f))
		return -1;
	return texts_right(*buf);
}

static int svg_diff(FILE *f, const struct ld_snapshot *a,
		    const struct ld_snapshot *b, const struct ld_map_diff *md,
		    const struct mark *ma, const struct mark *mb, bool standalone)
{
	const struct ld_maps *lists[] = { &a->maps, &b->maps };
	struct ld_scale sc;
	struct column ca = { f, a, &sc, 0, ma, b->heap, NULL, NULL },
		      cb = { f, b, &sc, 0, mb, a->heap, NULL, NULL };
	bool heap = a->heap || b->heap;
	char *bufa = NULL, *bufb = NULL, *head = NULL;
	double ly, w, right;
	size_t hlen = 0;
	FILE *hf;
	int rc = -ENOMEM;

	/* One scale for both: a row is the same addresses on either side. */
	if (ld_scale_build(&sc, lists, 2, MAP_TOP))
		return -ENOMEM;
	ly = sc.bottom + 40;
	/* Column B starts where A's widest label ends; the canvas ends
	 * where B's does, or the heading's, or the legend's. */
	right = column_drawn(&ca, "A", &bufa);
	cb.x = right < BRK_L ? BRK_L : right + MARGIN;
	if (right < 0 || (right = column_drawn(&cb, "B", &bufb)) < 0 ||
	    !(hf = open_memstream(&head, &hlen)))
		goto out;
	diff_heading(hf, a, b, md);
	if (fclose(hf))
		goto out;
	w = texts_right(head) > right ? texts_right(head) : right;
	if (w < 10 + LEGEND_PER_ROW * LEGEND_W)
		w = 10 + LEGEND_PER_ROW * LEGEND_W;
	svg_begin(f, w + MARGIN, ly + legend_h(LEGEND_PER_ROW + LD_K_COUNT +
					       (heap ? CL_COUNT + 1 : 0)) + 10, standalone);
	fputs(head, f);
	fprintf(f, "<line x1=\"%.1f\" y1=\"72\" x2=\"%.1f\" y2=\"%.1f\" "
		"stroke=\"#bbbbbb\"/>\n", cb.x - 4, cb.x - 4, sc.bottom + 20);
	fputs(bufa, f);
	fputs(bufb, f);
	diff_legend(f, ly, heap);
	fputs("</svg>\n", f);
	rc = 0;
out:
	free(bufa);
	free(bufb);
	free(head);
	ld_scale_release(&sc);
	return rc;
}

int ld_export_diff_svg(const struct ld_snapshot *a,
		       const struct ld_snapshot *b, FILE *out)
{
	return ld_pic_finish(out, ld_svg_diff(out, a, b, true));
}

int ld_svg_diff(FILE *out, const struct ld_snapshot *a,
		const struct ld_snapshot *b, bool standalone)
{
	struct mark *ma = calloc(a->maps.n + 1, sizeof *ma);
	struct mark *mb = calloc(b->maps.n + 1, sizeof *mb);
	struct ld_map_diff md;
	int rc = -ENOMEM;

	ld_map_diff_init(&md);
	if (ma && mb && !ld_maps_diff(&a->maps, &b->maps, &md)) {
		mark_changes(&md, a, b, ma, mb);
		mark_touched(a, b, ma, mb);
		rc = svg_diff(out, a, b, &md, ma, mb, standalone);
	}
	ld_map_diff_release(&md);
	free(ma);
	free(mb);
	return rc;
}
