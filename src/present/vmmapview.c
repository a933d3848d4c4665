/* `vmmap`: the classified mappings as a table or JSON. */
#include <inttypes.h>
#include <stdio.h>

#include "layoutdbg/error.h"
#include "layoutdbg/json.h"
#include "layoutdbg/output.h"
#include "layoutdbg/vmmapview.h"

/* vmmap's colours (only on a terminal, --color): code bold, heap green,
 * stacks yellow, guard pages and anonymous memory dim. */
static const char *kind_color(const struct ld_region *r, const struct ld_map *mp)
{
	switch (r->kind) {
	case LD_RK_SEGMENT:
		return mp->perms[2] == 'x' ? ld_c(LD_C_BOLD) : "";
	case LD_RK_HEAP:
	case LD_RK_ARENA_HEAP:
	case LD_RK_MMAPPED:
		return ld_c(LD_C_ADD);
	case LD_RK_STACK:
	case LD_RK_THREAD_STACK:
		return ld_c(LD_C_CHG);
	case LD_RK_GUARD:
	case LD_RK_ANON:
	case LD_RK_TLS:
	case LD_RK_BSS:
		return ld_c(LD_C_DIM);
	default:
		return "";
	}
}

static json_t *region_json(const struct ld_vmmap *v, size_t i)
{
	const struct ld_map *mp = &v->m->v[i];
	const struct ld_region *r = &v->rg[i];
	char owner[512], secs[2048] = "";
	json_t *o = ld_json_mapping(mp);

	ld_jset(o, "kind", json_string(ld_region_kind_name(r->kind)));
	ld_json_put_text(o, "owner", ld_region_owner(r, mp, owner, sizeof owner));
	if (r->obj) {
		ld_json_put_text(o, "object", r->obj->path);
		ld_sections_in(r->obj, mp->start, mp->end, secs, sizeof secs);
	}
	if (r->segment >= 0)
		ld_jset(o, "segment", json_integer(r->segment));
	if (r->thread_num)
		ld_jset(o, "thread", json_integer(r->thread_num));
	ld_jset(o, "sections", ld_json_words(secs));
	if (v->sm)
		ld_jset(o, "rss", json_integer((json_int_t)v->sm->v[i].kb[LD_SM_RSS] * 1024));
	return o;
}

static int vmmap_json(const struct ld_vmmap *v)
{
	json_t *d = ld_jdoc("vmmap"), *arr = json_array();

	for (size_t k = 0; k < v->nrows; k++)
		json_array_append_new(arr, region_json(v, v->rows[k]));
	ld_jset(d, "regions", arr);
	return ld_emit_json(d);
}

static void row_text(const struct ld_vmmap *v, size_t i)
{
	const struct ld_map *mp = &v->m->v[i];
	const struct ld_region *r = &v->rg[i];
	char owner[512], secs[2048] = "", size[32], res[32] = "", rs[32];

	if (r->obj)
		ld_sections_in(r->obj, mp->start, mp->end, secs, sizeof secs);
	if (v->sm)
		snprintf(res, sizeof res, " %9s ",
			 ld_human_size(v->sm->v[i].kb[LD_SM_RSS] * 1024, rs, sizeof rs));
	ld_out("%s0x%016" PRIx64 " 0x%016" PRIx64 " %-5s %9s %s %-12s %-34s %s%s\n",
	       kind_color(r, mp), mp->start, mp->end, mp->perms,
	       ld_human_size(mp->end - mp->start, size, sizeof size), res,
	       ld_region_kind_name(r->kind), ld_region_owner(r, mp, owner, sizeof owner),
	       secs, ld_c(LD_C_RESET));
}

int ld_show_vmmap(const struct ld_vmmap *v)
{
	if (ld_json_on())
		return vmmap_json(v);
	ld_out("%-18s %-18s %-5s %9s %s %-12s %-34s %s\n", "Start", "End", "Perms",
	       "Size", v->sm ? " Resident " : "", "Kind", "Object / owner", "Sections");
	for (size_t k = 0; k < v->nrows; k++)
		row_text(v, v->rows[k]);
	/* the JSON document's empty list says it without an error */
	if (v->filter && !v->nrows)
		return ld_error("vmmap %s: no mapping matches", v->filter);
	return 0;
}
