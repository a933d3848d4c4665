/* The objects' ELF headers shown: `info sections`, `info segments` (with
 * the live mappings of each segment) and `info symbol`, as text (gdb's
 * and readelf's layouts) or --json documents. */
#ifndef LAYOUTDBG_ELFVIEW_H
#define LAYOUTDBG_ELFVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "layoutdbg/elf.h"
#include "layoutdbg/maps.h"
#include "layoutdbg/objs.h"

/* One object to show. */
struct ld_elf_shown {
	struct ld_elf *e;
	uint64_t bias;             /* 0 for the program's file before a run */
	const char *path;
	bool exec;                 /* the program, not a library */
	struct ld_obj *ob;         /* the loaded object; NULL before a run */
};

/* `info sections`: each object's sections at their runtime addresses. */
int ld_show_sections(const struct ld_elf_shown *v, size_t n);

/* A mapping that holds (part of) a segment at runtime. */
struct ld_seg_map {
	size_t seg;                /* program header index */
	size_t map;                /* index in the maps */
};

/* `info segments` of one object: its program headers and, when it is
 * loaded (obj.ob), where each segment lives: live[] in segment order. */
struct ld_segments_view {
	struct ld_elf_shown obj;
	const struct ld_maps *m;   /* NULL before a run */
	const struct ld_seg_map *live;
	size_t nlive;
};

int ld_show_segments(const struct ld_segments_view *v, size_t n);

/* `info symbol ADDR`'s answer. */
struct ld_symbol_answer {
	const char *expr;          /* the address as the user wrote it */
	const char *name;          /* NULL: no symbol covers the address; else
				    * demangled with parameters, as gdb */
	const char *linkage_name;  /* as in the symbol table */
	uint64_t offset;           /* from the symbol's start */
	const char *section;       /* NULL: in no section */
	const struct ld_obj *ob;
};

int ld_show_symbol(const struct ld_symbol_answer *a);

#endif
