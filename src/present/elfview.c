/* `info sections`, `info segments` and `info symbol` shown: text in gdb's
 * and readelf's layouts, or their --json documents, from the same
 * answers (elfview.h). */
#include <elf.h>
#include <inttypes.h>
#include <stdio.h>

#include "layoutdbg/elfview.h"
#include "layoutdbg/json.h"
#include "layoutdbg/output.h"

static int emit_objects(const char *cmd, json_t *objs)
{
	json_t *d = ld_jdoc(cmd);

	ld_jset(d, "objects", objs);
	return ld_emit_json(d);
}

/* ---- info sections ----------------------------------------------- */

static json_t *sections_json(const struct ld_elf_shown *o)
{
	json_t *j = json_object(), *arr = json_array();
	size_t i;

	ld_json_put_text(j, "path", o->path);
	ld_jset(j, "executable", json_boolean(o->exec));
	ld_json_put_u64(j, "bias", o->bias);
	for (i = 0; i < ld_elf_nsections(o->e); i++) {
		const struct ld_section *sec = ld_elf_section(o->e, i);
		uint64_t a = sec->flags & SHF_ALLOC ? o->bias + sec->addr : sec->addr;
		char words[128];
		json_t *x;

		if (sec->type == SHT_NULL)
			continue;
		x = json_object();
		ld_jset(x, "index", json_integer(sec->index));
		ld_json_put_text(x, "name", sec->name);
		ld_json_put_u64(x, "start", a);
		ld_json_put_u64(x, "end", a + sec->data_size);
		ld_json_put_u64(x, "size", sec->data_size);
		ld_json_put_u64(x, "file_size", sec->size);
		ld_jset(x, "compressed", json_boolean(sec->compressed));
		ld_json_put_u64(x, "offset", sec->offset);
		ld_jset(x, "allocated", json_boolean(sec->flags & SHF_ALLOC));
		ld_jset(x, "flags", ld_json_words(ld_section_flag_words(sec, words,
									sizeof words)));
		json_array_append_new(arr, x);
	}
	ld_jset(j, "sections", arr);
	return j;
}

static void sections_text(const struct ld_elf_shown *o)
{
	size_t i;

	ld_out("%s file: `%s', file type elf64-x86-64.\n",
	       o->exec ? "Exec" : "Object", o->path);
	for (i = 0; i < ld_elf_nsections(o->e); i++) {
		const struct ld_section *sec = ld_elf_section(o->e, i);
		uint64_t a = sec->flags & SHF_ALLOC ? o->bias + sec->addr : sec->addr;
		char idx[16], words[128];

		/* BFD lists no section for the null entry or for the symbol
		 * and string tables it consumes; its index is shndx - 1. */
		if (sec->type == SHT_NULL || sec->type == SHT_SYMTAB ||
		    (sec->type == SHT_STRTAB && !(sec->flags & SHF_ALLOC)))
			continue;
		snprintf(idx, sizeof idx, "[%u]", sec->index - 1);
		ld_out(" %-8s 0x%08" PRIx64 "->0x%08" PRIx64 " at 0x%08" PRIx64 ": %s %s\n",
		       idx, a, a + sec->data_size, sec->offset, sec->name,
		       ld_section_flag_words(sec, words, sizeof words));
	}
}

int ld_show_sections(const struct ld_elf_shown *v, size_t n)
{
	json_t *objs;
	size_t i;

	if (!ld_json_on()) {
		for (i = 0; i < n; i++)
			sections_text(&v[i]);
		return 0;
	}
	objs = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(objs, sections_json(&v[i]));
	return emit_objects("info sections", objs);
}

/* ---- info segments ----------------------------------------------- */

static void phdrs_text(struct ld_elf *e)
{
	size_t i;

	ld_out("Program Headers:\n");
	ld_out("  Type           Offset   VirtAddr           PhysAddr           "
	       "FileSiz  MemSiz   Flg Align\n");
	for (i = 0; i < ld_elf_nsegments(e); i++) {
		const struct ld_segment *g = ld_elf_segment(e, i);
		char type[32], fl[4];

		ld_out("  %-14.14s 0x%6.6" PRIx64 " 0x%16.16" PRIx64 " 0x%16.16" PRIx64
		       " 0x%6.6" PRIx64 " 0x%6.6" PRIx64 " %s %#" PRIx64 "\n",
		       ld_segment_type_name(g->type, type, sizeof type), g->offset,
		       g->vaddr, g->paddr, g->filesz, g->memsz,
		       ld_segment_flag_str(g->flags, fl), g->align);
		if (g->type == PT_INTERP && ld_elf_interp(e))
			ld_out("      [Requesting program interpreter: %s]\n",
			       ld_elf_interp(e));
	}
	ld_out("\n Section to Segment mapping:\n  Segment Sections...\n");
	for (i = 0; i < ld_elf_nsegments(e); i++) {
		const struct ld_segment *g = ld_elf_segment(e, i);
		size_t k;

		ld_out("   %2.2zu     ", i);
		for (k = 0; k < ld_elf_nsections(e); k++) {
			const struct ld_section *sec = ld_elf_section(e, k);

			if (sec->type != SHT_NULL && ld_elf_section_in_segment(sec, g))
				ld_out("%s ", sec->name);
		}
		ld_out("\n");
	}
}

/* The segments that take memory at runtime, each with its mappings. */
static void runtime_text(const struct ld_segments_view *v)
{
	const struct ld_obj *ob = v->obj.ob;
	struct ld_elf *e = v->obj.e;
	size_t i, k = 0;

	ld_out("\n Runtime (%s, load bias 0x%" PRIx64 "):\n", ob->path, ob->bias);
	ld_out("  Seg Type           Start              End                Live mappings\n");
	for (i = 0; i < ld_elf_nsegments(e); i++) {
		const struct ld_segment *g = ld_elf_segment(e, i);
		uint64_t lo = ob->bias + g->vaddr, hi = lo + g->memsz;
		char type[32];
		int n = 0;

		if (g->type != PT_LOAD && g->type != PT_GNU_RELRO &&
		    g->type != PT_DYNAMIC && g->type != PT_TLS &&
		    g->type != PT_GNU_EH_FRAME)
			continue;
		ld_out("  %2.2zu  %-14s 0x%016" PRIx64 " 0x%016" PRIx64 " ", i,
		       ld_segment_type_name(g->type, type, sizeof type), lo, hi);
		for (; k < v->nlive && v->live[k].seg < i; k++)
			;
		for (; k < v->nlive && v->live[k].seg == i; k++) {
			const struct ld_map *mp = &v->m->v[v->live[k].map];

			ld_out("%s0x%" PRIx64 "-0x%" PRIx64 " %s%s", n++ ? ", " : "",
			       mp->start, mp->end, mp->perms,
			       ld_map_is_file(mp) ? "" : " (anonymous .bss)");
		}
		if (g->type == PT_GNU_RELRO)
			ld_out("%s", n ? "  (made read-only after relocation)" : "");
		ld_out("\n");
	}
}

/* A PT_LOAD's mappings (the other segments have none of their own). */
static json_t *live_json(const struct ld_segments_view *v, size_t seg)
{
	json_t *maps = json_array();
	size_t k;

	if (ld_elf_segment(v->obj.e, seg)->type != PT_LOAD)
		return maps;
	for (k = 0; k < v->nlive; k++)
		if (v->live[k].seg == seg)
			json_array_append_new(maps,
					      ld_json_mapping(&v->m->v[v->live[k].map]));
	return maps;
}

static json_t *segment_json(const struct ld_segments_view *v, size_t i)
{
	const struct ld_segment *g = ld_elf_segment(v->obj.e, i);
	json_t *x = json_object(), *secs = json_array();
	char type[32], fl[4];
	size_t k;

	ld_jset(x, "index", json_integer((json_int_t)i));
	ld_jset(x, "type", json_string(ld_segment_type_name(g->type, type,
							     sizeof type)));
	ld_json_put_u64(x, "offset", g->offset);
	ld_json_put_u64(x, "vaddr", g->vaddr);
	ld_json_put_u64(x, "paddr", g->paddr);
	ld_json_put_u64(x, "filesz", g->filesz);
	ld_json_put_u64(x, "memsz", g->memsz);
	ld_jset(x, "flags", json_string(ld_segment_flag_str(g->flags, fl)));
	ld_json_put_u64(x, "align", g->align);
	for (k = 0; k < ld_elf_nsections(v->obj.e); k++) {
		const struct ld_section *sec = ld_elf_section(v->obj.e, k);

		if (sec->type != SHT_NULL && ld_elf_section_in_segment(sec, g))
			json_array_append_new(secs, json_string(sec->name));
	}
	ld_jset(x, "sections", secs);
	if (v->obj.ob) {
		ld_json_put_u64(x, "runtime_start", v->obj.bias + g->vaddr);
		ld_json_put_u64(x, "runtime_end", v->obj.bias + g->vaddr + g->memsz);
		ld_jset(x, "mappings", live_json(v, i));
	}
	return x;
}

static json_t *segments_json(const struct ld_segments_view *v)
{
	json_t *o = json_object(), *arr = json_array();
	size_t i;

	ld_json_put_text(o, "path", v->obj.path);
	ld_json_put_u64(o, "bias", v->obj.bias);
	for (i = 0; i < ld_elf_nsegments(v->obj.e); i++)
		json_array_append_new(arr, segment_json(v, i));
	ld_jset(o, "segments", arr);
	return o;
}

int ld_show_segments(const struct ld_segments_view *v, size_t n)
{
	json_t *objs;
	size_t i;

	if (ld_json_on()) {
		objs = json_array();
		for (i = 0; i < n; i++)
			json_array_append_new(objs, segments_json(&v[i]));
		return emit_objects("info segments", objs);
	}
	for (i = 0; i < n; i++) {
		if (!v[i].obj.ob) {     /* the program's file: no runtime */
			phdrs_text(v[i].obj.e);
			continue;
		}
		if (i)
			ld_out("\n");
		ld_out("%s:\n\n", v[i].obj.path);
		phdrs_text(v[i].obj.e);
		runtime_text(&v[i]);
	}
	return 0;
}

/* ---- info symbol ------------------------------------------------- */

int ld_show_symbol(const struct ld_symbol_answer *a)
{
	json_t *d;

	if (!a->name && ld_json_on())
		return ld_emit_json(json_pack("{s:s, s:n}", "command",
					      "info symbol", "symbol"));
	if (!a->name) {
		ld_out("No symbol matches %s.\n", a->expr);
		return 0;
	}
	if (ld_json_on()) {
		d = ld_jdoc("info symbol");
		ld_json_put_text(d, "symbol", a->name);
		ld_json_put_text(d, "linkage_name", a->linkage_name);
		ld_json_put_u64(d, "offset", a->offset);
		ld_json_put_text(d, "section", a->section ? a->section : "");
		ld_json_put_text(d, "object", a->ob->path);
		return ld_emit_json(d);
	}
	ld_out("%s", a->name);
	if (a->offset)
		ld_out(" + %" PRIu64, a->offset);
	ld_out(" in section %s", a->section ? a->section : "??");
	/* gdb names the object once it has more than one (a running
	 * program has ld.so and the vdso at least), the program too */
	if (a->ob->path[0] == '/')
		ld_out(" of %s", a->ob->path);
	ld_out("\n");
	return 0;
}
