/* The layout through the ELF objects: the commands vmmap, info sections,
 * info segments, xinfo, info symbol, layout (each gathers its model from
 * the engine and hands it to present/). */
#include <ctype.h>
#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/capture.h"
#include "layoutdbg/demangle.h"
#include "layoutdbg/elfview.h"
#include "layoutdbg/error.h"
#include "layoutdbg/heapstop.h"
#include "layoutdbg/layoutview.h"
#include "layoutdbg/regions.h"
#include "layoutdbg/resident.h"
#include "layoutdbg/views.h"
#include "layoutdbg/vmmapview.h"
#include "layoutdbg/xinfoview.h"

#define PAGE_DOWN(x) ((x) & ~4095ULL)
#define PAGE_UP(x) (((x) + 4095) & ~4095ULL)

int ld_cmd_vmmap(struct ld_session *s, char *args)
{
	struct ld_vmmap v;
	int r;

	if (ld_vmmap_rows(s, strtok(args, " \t"), &v) < 0)
		return -1;
	r = ld_show_vmmap(&v);
	ld_vmmap_release(&v);
	return r;
}

/* ---- info sections, info segments ------------------------------- */

/* The objects FILTER names (the program when none), loaded ones with an
 * ELF file that reads; NULL after an error (out of memory). */
static struct ld_elf_shown *objects_shown(struct ld_session *s, const char *cmd,
					  const char *filter, size_t *n)
{
	struct ld_elf_shown *v = calloc(s->live.objs.n + 1, sizeof *v);
	size_t i;

	*n = 0;
	if (!v) {
		ld_error("%s: %s", cmd, strerror(ENOMEM));
		return NULL;
	}
	for (i = 0; i < s->live.objs.n; i++) {
		struct ld_obj *ob = &s->live.objs.v[i];
		struct ld_elf *e;

		if (filter ? !strstr(ob->path, filter) : !ob->is_exe)
			continue;
		if (!(e = ld_obj_elf(ob))) {
			ld_error("%s: %s: cannot read the ELF file", cmd, ob->path);
			continue;
		}
		v[(*n)++] = (struct ld_elf_shown){ .e = e, .bias = ob->bias,
			.path = ob->path, .exec = ob->is_exe, .ob = ob };
	}
	return v;
}

int ld_cmd_info_sections(struct ld_session *s, char *args)
{
	char *filter = strtok(args, " \t");
	struct ld_elf_shown *v;
	size_t n;
	int r;

	if (!s->live.proc) {
		if (!s->program.exe)
			return ld_error("info sections: no program loaded");
		if (filter && !strstr(s->program.exe_path, filter))
			return ld_error("info sections %s: not the program; libraries "
					"are known once the program runs", filter);
		return ld_show_sections(&(struct ld_elf_shown){ .e = s->program.exe,
			.path = s->program.exe_path, .exec = true }, 1);
	}
	if (ld_session_rescan(s) < 0)
		return -1;
	if (!(v = objects_shown(s, "info sections", filter, &n)))
		return -1;
	if (!n && filter)
		r = ld_error("info sections %s: no loaded object matches", filter);
	else
		r = ld_show_sections(v, n);
	free(v);
	return r;
}

/* Where ob's segments live: a PT_LOAD in the file mappings of ob that map
 * its pages and the anonymous .bss tail right after one; the other
 * segments that take memory in the mappings they overlap (a TLS segment
 * is a template: each thread has a copy, so it has none). */
static int segment_maps(struct ld_obj *ob, const struct ld_maps *m,
			struct ld_seg_map **out, size_t *n)
{
	struct ld_elf *e = ld_obj_elf(ob);
	size_t i, k, cap = 0;

	*out = NULL;
	*n = 0;
	for (i = 0; i < ld_elf_nsegments(e); i++) {
		const struct ld_segment *g = ld_elf_segment(e, i);
		uint64_t lo = ob->bias + g->vaddr, hi = lo + g->memsz;

		if (g->type != PT_LOAD && g->type != PT_GNU_RELRO &&
		    g->type != PT_DYNAMIC && g->type != PT_GNU_EH_FRAME)
			continue;
		for (k = 0; k < m->n; k++) {
			const struct ld_map *mp = &m->v[k];
			bool in = g->type != PT_LOAD ?
				  mp->start < PAGE_UP(hi) && mp->end > PAGE_DOWN(lo) :
				  ld_map_is_file(mp) ?
				  ld_classify_maps_obj(ob, mp) &&
				  ld_classify_segment_of(ob, mp) == (int)i :
				  k > 0 && m->v[k - 1].end == mp->start &&
				  ld_classify_maps_obj(ob, &m->v[k - 1]) &&
				  ld_classify_bss_of(ob, mp) == (int)i;

			if (!in)
				continue;
			if (*n == cap) {
				struct ld_seg_map *t = realloc(*out, (cap = cap * 2 + 16) *
							       sizeof *t);
				if (!t) {
					free(*out);
					return -ENOMEM;
				}
				*out = t;
			}
			(*out)[(*n)++] = (struct ld_seg_map){ .seg = i, .map = k };
		}
	}
	return 0;
}

static void segments_release(struct ld_segments_view *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free((void *)v[i].live);
	free(v);
}

int ld_cmd_info_segments(struct ld_session *s, char *args)
{
	char *filter = strtok(args, " \t");
	const struct ld_maps *m;
	struct ld_elf_shown *obj;
	struct ld_segments_view *v;
	size_t i, n;
	int r;

	if (!s->live.proc) {
		if (!s->program.exe)
			return ld_error("info segments: no program loaded");
		return ld_show_segments(&(struct ld_segments_view){ .obj = {
			.e = s->program.exe, .path = ld_elf_path(s->program.exe), .exec = true } }, 1);
	}
	if (ld_session_rescan(s) < 0 || !(m = ld_session_maps(s)))
		return -1;
	if (!(obj = objects_shown(s, "info segments", filter, &n)))
		return -1;
	v = calloc(n + 1, sizeof *v);
	for (i = 0; v && i < n; i++) {
		struct ld_seg_map *live;

		v[i].obj = obj[i];
		v[i].m = m;
		if (segment_maps(obj[i].ob, m, &live, &v[i].nlive) < 0)
			break;
		v[i].live = live;
	}
	free(obj);
	if (!v || i < n)
		r = ld_error("info segments: %s", strerror(ENOMEM));
	else if (!n)
		r = ld_error("info segments%s%s: no loaded object matches",
			     filter ? " " : "", filter ? filter : "");
	else
		r = ld_show_segments(v, n);
	segments_release(v, i);
	return r;
}

/* ---- xinfo / info symbol ------------------------------------------ */

int ld_cmd_xinfo(struct ld_session *s, char *args)
{
	struct ld_xinfo x;
	uint64_t addr;

	while (isspace((unsigned char)*args))
		args++;
	if (!*args)
		return ld_error("xinfo: an address is needed");
	if (ld_eval_addr(s, "xinfo", args, &addr) < 0)
		return -1;
	if (ld_xinfo_at(s, addr, &x) < 0)
		return -1;
	return ld_show_xinfo(&x);
}

int ld_cmd_info_symbol(struct ld_session *s, char *args)
{
	struct ld_symbol_answer a = { 0 };
	const struct ld_symbol *sym;
	struct ld_obj *ob;
	const struct ld_section *sec;
	char *full = NULL;
	uint64_t addr;
	int r;

	while (isspace((unsigned char)*args))
		args++;
	a.expr = args;
	if (!*args)
		return ld_error("info symbol: an address is needed");
	if (ld_eval_addr(s, "info symbol", args, &addr) < 0)
		return -1;
	if ((sym = ld_objs_symbol_at(&s->live.objs, addr, &ob, &a.offset))) {
		/* gdb names a minimal symbol with its parameters here */
		full = ld_demangle(sym->name, true);
		a.name = full ? full : sym->name;
		a.linkage_name = sym->name;
		sec = ld_elf_section_at(ob->elf, addr - ob->bias);
		a.section = sec ? sec->name : NULL;
		a.ob = ob;
	}
	r = ld_show_symbol(&a);
	free(full);
	return r;
}

/* ---- layout: the seed's summary diagram, from real data ----------- */

/* l with its regions (rg, m->n of them, the caller's) drawn. */
static int show_layout(struct ld_layout *l, const struct ld_maps *m,
		       const char *exe, struct ld_region *rg)
{
	int r;

	l->rg = rg;
	if (ld_layout_blocks(m, exe, l) < 0)
		return ld_error("layout: %s", strerror(ENOMEM));
	r = ld_show_layout(l);
	ld_layout_release(l);
	return r;
}

static int layout_of_snapshot(struct ld_session *s, const char *key)
{
	struct ld_snapshot *snap = ld_snapshot_find(&s->recording.snaps, key);
	struct ld_layout l = { 0 };
	struct ld_region *rg;
	int r;

	if (!snap)
		return ld_error("layout: no snapshot \"%s\" (see `snapshots`)%s", key,
				ld_snapshot_hint(key));
	l.brk_valid = snap->brk_valid;
	l.start_brk = snap->start_brk;
	l.brk = snap->brk;
	l.pg = s->settings.vmmap_resident ? snap->pages : NULL;
	if (!(rg = calloc(snap->maps.n + 1, sizeof *rg)))
		return ld_error("layout: %s", strerror(ENOMEM));
	ld_classify_snapshot(snap, rg);
	r = show_layout(&l, &snap->maps, snap->exe, rg);
	free(rg);
	return r;
}

/* The layout now, with the resident sizes of this stop when allowed. */
static int live_layout(struct ld_session *s)
{
	const struct ld_maps *m = ld_session_maps(s);
	const struct ld_smaps *sm;
	struct ld_pages *pg = NULL;
	struct ld_region *rg;
	struct ld_layout l = { 0 };
	int r;

	if (!m)
		return -1;
	l.brk_valid = ld_session_brk(s, &l.start_brk, &l.brk) == 0;
	m = ld_session_maps(s);
	sm = ld_resident_column(s, m, "layout");
	rg = calloc(m->n + 1, sizeof *rg);
	if (!rg || (sm && !(pg = calloc(m->n + 1, sizeof *pg)))) {
		free(rg);
		return ld_error("layout: %s", strerror(ENOMEM));
	}
	for (size_t i = 0; pg && i < m->n; i++)
		ld_pages_of(&sm->v[i], &pg[i]);
	l.pg = pg;
	ld_session_classify(s, m, ld_heap_cached(s), rg);
	r = show_layout(&l, m, s->program.exe_path, rg);
	free(pg);
	free(rg);
	return r;
}

int ld_cmd_layout(struct ld_session *s, char *args)
{
	char *key = strtok(args, " \t");

	if (key)
		return layout_of_snapshot(s, key);
	if (!s->live.proc)
		return ld_error("layout: no process: the program is not being run "
				"(or give a snapshot: layout SNAP)");
	return live_layout(s);
}
