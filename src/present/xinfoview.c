/* xinfo: what an address is, as lines of text or a JSON document. */
#include <elf.h>
#include <inttypes.h>
#include <stdio.h>

#include "layoutdbg/heapsnap.h"
#include "layoutdbg/json.h"
#include "layoutdbg/output.h"
#include "layoutdbg/pages.h"
#include "layoutdbg/regions.h"
#include "layoutdbg/xinfoview.h"

/* "main arena", "arena 2", "mmapped" */
static const char *arena_word(int arena, char *buf, size_t len)
{
	if (arena < 0)
		snprintf(buf, len, "mmapped");
	else if (arena == 0)
		snprintf(buf, len, "main arena");
	else
		snprintf(buf, len, "arena %d", arena);
	return buf;
}

/* An mmapped chunk is in use by definition: say so like the others. */
static const char *chunk_state_word(const struct ld_chunk *c, char *buf,
				    size_t len)
{
	if (c->state == LD_CH_MMAPPED)
		return ld_chunk_describe(&(struct ld_chunk){ .state = LD_CH_INUSE },
					 buf, len);
	return ld_chunk_describe(c, buf, len);
}

/* ---- text ---------------------------------------------------------- */

static void segments_text(const struct ld_obj *ob, uint64_t link)
{
	struct ld_elf *e = ob->elf;

	for (size_t i = 0; i < ld_elf_nsegments(e); i++) {
		const struct ld_segment *g = ld_elf_segment(e, i);
		char fl[4];

		if (g->type == PT_LOAD && link >= g->vaddr && link < g->vaddr + g->memsz)
			ld_out("  segment   LOAD[%zu] %s 0x%" PRIx64 "-0x%" PRIx64
			       ", +0x%" PRIx64 "%s\n", i, ld_segment_flag_str(g->flags, fl),
			       ob->bias + g->vaddr, ob->bias + g->vaddr + g->memsz,
			       link - g->vaddr,
			       link >= g->vaddr + g->filesz ? " (zero-filled, not in the file)" : "");
	}
}

static void object_text(const struct ld_xinfo *x)
{
	const struct ld_obj *ob = x->region.obj;
	uint64_t link = x->addr - ob->bias;
	const struct ld_symbol *sym = x->sym;

	ld_out("  object    %s, load bias 0x%" PRIx64 ", offset 0x%" PRIx64
	       " from its base 0x%" PRIx64 "\n", ob->path, ob->bias,
	       x->addr - ob->lo, ob->lo);
	if (!ob->elf)
		return;
	segments_text(ob, link);
	if (x->sec)
		ld_out("  section   %s 0x%" PRIx64 "-0x%" PRIx64 ", +0x%" PRIx64 "\n",
		       x->sec->name, ob->bias + x->sec->addr,
		       ob->bias + x->sec->addr + x->sec->size, link - x->sec->addr);
	if (sym)
		ld_out("  symbol    %s+%" PRIu64 " (%s, %" PRIu64 " bytes)\n", sym->display,
		       x->sym_off, sym->type == STT_FUNC ? "function" :
		       sym->type == STT_OBJECT ? "object" : "symbol", sym->size);
	else
		ld_out("  symbol    ?? (no symbol covers it)\n");
}

static void chunk_text(const struct ld_xinfo *x)
{
	const struct ld_chunk *c = x->chunk;
	char st[64], aw[32];

	ld_out("  chunk     in heap chunk 0x%" PRIx64 " (0x%" PRIx64 ", %s, %s), "
	       "+0x%" PRIx64 " into it", c->addr, c->size,
	       chunk_state_word(c, st, sizeof st), arena_word(x->arena, aw, sizeof aw),
	       x->addr - c->addr);
	if (x->addr - c->addr < 16)
		ld_out(" (its header)");
	else
		ld_out(" (user pointer 0x%" PRIx64 "+0x%" PRIx64 ")", ld_chunk_mem(c),
		       x->addr - ld_chunk_mem(c));
	ld_out("\n");
}

static void mapping_text(const struct ld_xinfo *x)
{
	const struct ld_map *mp = x->mp;
	const struct ld_region *r = &x->region;
	bool plain = r->kind == LD_RK_ANON && !mp->path[0];
	char size[32], owner[512];

	ld_out("  mapping   0x%" PRIx64 "-0x%" PRIx64 " %s %s, offset 0x%" PRIx64
	       " into it%s%s\n", mp->start, mp->end, mp->perms,
	       ld_human_size(mp->end - mp->start, size, sizeof size),
	       x->addr - mp->start, mp->path[0] ? ", " : "", mp->path);
	ld_out("  kind      %s%s%s\n", ld_region_kind_name(r->kind), plain ? "" : ": ",
	       plain ? "" : ld_region_owner(r, mp, owner, sizeof owner));
}

static int xinfo_text(const struct ld_xinfo *x)
{
	const struct ld_xinfo_frame *f = &x->frame;

	ld_out("0x%" PRIx64 ":\n", x->addr);
	if (!x->mp) {
		ld_out("  not mapped\n");
		return 0;
	}
	mapping_text(x);
	if (x->region.obj)
		object_text(x);
	if (x->brk_known)
		ld_out("  heap      0x%" PRIx64 " from start_brk, break at 0x%" PRIx64
		       "%s\n", x->addr - x->start_brk, x->brk,
		       x->addr >= x->brk ? " (beyond the break)" : "");
	if (x->chunk)
		chunk_text(x);
	if (f->found)
		ld_out("  frame     #%d of thread %d (%s), sp 0x%" PRIx64
		       ", frame at 0x%" PRIx64 ", cfa%+" PRId64 "\n", f->index,
		       f->thread_num, f->function, f->sp, f->cfa,
		       (int64_t)(x->addr - f->cfa));
	ld_page_render(x->pid, &x->page, x->page_err, x->mp);
	return 0;
}

/* ---- JSON ---------------------------------------------------------- */

static json_t *chunk_json(const struct ld_xinfo *x)
{
	const struct ld_chunk *c = x->chunk;
	json_t *o = json_object();
	char st[64];

	ld_json_put_u64(o, "address", c->addr);
	ld_json_put_u64(o, "size", c->size);
	ld_jset(o, "state", json_string(ld_chunk_state_name(c->state)));
	ld_jset(o, "description", json_string(chunk_state_word(c, st, sizeof st)));
	ld_jset(o, "arena", json_integer(x->arena));
	ld_json_put_u64(o, "offset", x->addr - c->addr);
	ld_json_put_u64(o, "user", ld_chunk_mem(c));
	return o;
}

static void object_json(json_t *d, const struct ld_xinfo *x)
{
	const struct ld_obj *ob = x->region.obj;

	ld_json_put_text(d, "object", ob->path);
	ld_json_put_u64(d, "bias", ob->bias);
	ld_json_put_u64(d, "object_offset", x->addr - ob->lo);
	if (x->region.segment >= 0)
		ld_jset(d, "segment", json_integer(x->region.segment));
	if (x->sec) {
		ld_json_put_text(d, "section", x->sec->name);
		ld_json_put_u64(d, "section_offset", x->addr - ob->bias - x->sec->addr);
	}
	if (x->sym) {
		ld_json_put_text(d, "symbol", x->sym->display);
		ld_json_put_text(d, "linkage_name", x->sym->name);
		ld_json_put_u64(d, "symbol_offset", x->sym_off);
	}
}

static int xinfo_json(const struct ld_xinfo *x)
{
	const struct ld_region *r = &x->region;
	json_t *d = ld_jdoc("xinfo");
	char owner[512];

	ld_json_put_u64(d, "address", x->addr);
	ld_jset(d, "mapped", json_boolean(x->mp));
	if (!x->mp)
		return ld_emit_json(d);
	ld_jset(d, "mapping", ld_json_mapping(x->mp));
	ld_json_put_u64(d, "mapping_offset", x->addr - x->mp->start);
	ld_jset(d, "kind", json_string(ld_region_kind_name(r->kind)));
	ld_json_put_text(d, "owner", ld_region_owner(r, x->mp, owner, sizeof owner));
	if (r->obj && r->obj->elf)
		object_json(d, x);
	if (r->thread_num)
		ld_jset(d, "thread", json_integer(r->thread_num));
	if (x->brk_known) {
		ld_json_put_u64(d, "heap_offset", x->addr - x->start_brk);
		ld_json_put_u64(d, "brk", x->brk);
	}
	if (x->chunk)
		ld_jset(d, "heap_chunk", chunk_json(x));
	ld_page_json(d, &x->page, x->page_err);
	return ld_emit_json(d);
}

int ld_show_xinfo(const struct ld_xinfo *x)
{
	return ld_json_on() ? xinfo_json(x) : xinfo_text(x);
}
