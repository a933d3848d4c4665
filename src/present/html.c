/* A snapshot as a self-contained HTML page: the picture (svg.c), the
 * program break, a table of the mappings and each thread's frames. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

#include "layoutdbg/maps.h"

#include "layoutdbg/html.h"
#include "layoutdbg/output.h"
#include "layoutdbg/picture.h"
#include "layoutdbg/svg.h"

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

/* From the doctype to the start of the <h1> title, which is what (the
 * <title> too). */
static void html_open(FILE *f, const char *what)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	      "<meta charset=\"utf-8\"/>\n<title>layoutdbg ", f);
	ld_xml_text(f, what);
	fputs("</title>\n<style>\n", f);
	fputs(html_css, f);
	fputs("</style>\n</head>\n<body>\n<h1>layoutdbg ", f);
	ld_xml_text(f, what);
}

static void html_head(FILE *f, const struct ld_snapshot *s)
{
	char label[128], what[160], h[32];

	ld_snap_title(s, label, sizeof label);
	snprintf(what, sizeof what, "snapshot %s", label);
	html_open(f, what);
	fputs(": ", f);
	ld_xml_text(f, s->exe ? s->exe : "(unknown program)");
	fputs("</h1>\n<p>", f);
	ld_pic_facts_who(f, s, SIZE_MAX);
	fputs(" \xc2\xb7 ", f);
	ld_pic_facts_when(f, s);
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
			     const struct ld_map *mp, const struct ld_region *r)
{
	enum ld_kind k = ld_kind_of(mp, r, s->exe);
	char h[32];

	fprintf(f, "<tr><td>0x%" PRIx64 "</td><td>0x%" PRIx64 "</td>"
		"<td class=\"n\">0x%" PRIx64 "</td><td class=\"n\">%s</td>"
		"<td class=\"n\">0x%" PRIx64 "</td><td>%s</td>"
		"<td>%02x:%02x</td><td class=\"n\">%" PRIu64 "</td>"
		"<td><span class=\"sw\" style=\"background:%s\"></span>%s</td><td>",
		mp->start, mp->end, mp->end - mp->start,
		ld_human_size(mp->end - mp->start, h, sizeof h), mp->offset,
		mp->perms, mp->dev_major, mp->dev_minor, mp->inode,
		ld_kinds[k].fill, ld_kinds[k].name);
	ld_xml_text(f, mp->path);
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
	struct ld_region *rg = ld_pic_regions(s);
	size_t i;

	fputs("<h2>Mappings</h2>\n<table>\n<tr><th>Start</th><th>End</th>"
	      "<th>Size</th><th></th><th>Offset</th><th>Perms</th><th>Dev</th>"
	      "<th>Inode</th><th>Kind</th><th>Object</th>", f);
	if (s->pages)
		fputs("<th>Resident</th><th>Private dirty</th><th>Swap</th>", f);
	fputs("</tr>\n", f);
	for (i = 0; i < s->maps.n; i++)
		html_mapping_row(f, s, &s->maps.v[i], rg ? &rg[i] : NULL);
	fputs("</table>\n", f);
	free(rg);
}

static void html_frame_row(FILE *f, size_t level,
			   const struct ld_snap_frame *fr)
{
	fprintf(f, "<tr><td>#%zu</td><td>0x%016" PRIx64 "</td><td>", level,
		fr->pc);
	ld_xml_text(f, fr->func ? fr->func : "??");
	if (fr->func && fr->off)
		fprintf(f, "+%" PRIu64, fr->off);
	fputs("</td><td>", f);
	ld_xml_text(f, fr->obj ? fr->obj : "");
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
	rc = ld_svg_snapshot(out, s, false, NULL);
	fputs("</div>\n", out);
	html_mappings(out, s);
	if (s->nthreads)
		fputs("<h2>Threads</h2>\n", out);
	for (i = 0; i < s->nthreads; i++)
		html_thread(out, &s->threads[i]);
	fputs("</body>\n</html>\n", out);
	return ld_pic_finish(out, rc);
}


/* ---- the diff page --------------------------------------------------- */

static void html_brk(FILE *f, const struct ld_snapshot *a, const struct ld_snapshot *b)
{
	fputs("<p>program break: ", f);
	if (a->brk_valid && b->brk_valid)
		fprintf(f, "0x%" PRIx64 " \xe2\x86\x92 0x%" PRIx64 " (%+" PRId64 ")",
			a->brk, b->brk, (int64_t)(b->brk - a->brk));
	else
		fputs("not known on both sides", f);
	fputs("</p>\n", f);
}

/* One side of a change: "0x1000-0x2000 rw-p" or an empty cell. */
static void change_cell(FILE *f, const struct ld_map *mp)
{
	fputs("<td>", f);
	if (mp)
		fprintf(f, "0x%" PRIx64 "-0x%" PRIx64 " %s", mp->start, mp->end,
			mp->perms);
	fputs("</td>", f);
}

static int html_changes(FILE *f, const struct ld_snapshot *a,
			const struct ld_snapshot *b)
{
	struct ld_map_diff md;
	size_t i;
	int r;

	ld_map_diff_init(&md);
	r = ld_maps_diff(&a->maps, &b->maps, &md);
	fprintf(f, "<h2>Changes</h2>\n<p>%zu changed mapping%s</p>\n<table>\n"
		"<tr><th>Change</th><th>Before</th><th>After</th>"
		"<th>Size change</th><th>Object</th></tr>\n", md.n, md.n == 1 ? "" : "s");
	for (i = 0; !r && i < md.n; i++) {
		const struct ld_map_change *c = &md.v[i];
		const struct ld_map *mp = c->after ? c->after : c->before;

		fprintf(f, "<tr><td>%s%s</td>", ld_map_change_name(c->kind),
			c->perms_changed && c->kind != LD_MC_PERMS ? ", permissions" : "");
		change_cell(f, c->before);
		change_cell(f, c->after);
		fprintf(f, "<td class=\"n\">%+" PRId64 "</td><td>",
			ld_map_change_size_delta(c));
		ld_xml_text(f, mp->path[0] ? mp->path : "[anonymous]");
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
	ld_map_diff_release(&md);
	return r;
}

int ld_export_diff_html(const struct ld_snapshot *a, const struct ld_snapshot *b,
			FILE *out)
{
	char la[128], lb[128], what[300];
	int rc, r;

	ld_snap_title(a, la, sizeof la);
	ld_snap_title(b, lb, sizeof lb);
	snprintf(what, sizeof what, "diff %s \xe2\x86\x92 %s", la, lb);
	html_open(out, what);
	fputs(": ", out);
	ld_xml_text(out, b->exe ? b->exe : "(unknown program)");
	fputs("</h1>\n", out);
	if (a->pid != b->pid)
		fprintf(out, "<p>processes %d and %d (other runs: addresses need not "
			"compare)</p>\n", (int)a->pid, (int)b->pid);
	else
		fprintf(out, "<p>process %d</p>\n", (int)a->pid);
	html_brk(out, a, b);
	fputs("<div class=\"map\">\n", out);
	rc = ld_svg_diff(out, a, b, false);
	fputs("</div>\n", out);
	r = html_changes(out, a, b);
	fputs("</body>\n</html>\n", out);
	return ld_pic_finish(out, rc ? rc : r);
}
