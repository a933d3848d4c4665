/* xinfo's answer: everything known about one address at this stop (its
 * mapping and region, the object, segment, section and symbol, the heap
 * chunk, the stack frame, the page). */
#ifndef LAYOUTDBG_XINFO_H
#define LAYOUTDBG_XINFO_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "layoutdbg/classify.h"
#include "layoutdbg/elf.h"
#include "layoutdbg/heap.h"
#include "layoutdbg/resident.h"
#include "layoutdbg/session.h"

/* The frame whose stack holds the address (sp <= addr < cfa). */
struct ld_xinfo_frame {
	bool found;
	int index;                 /* #N in its thread's backtrace */
	int thread_num;
	char function[256];        /* as backtrace shows it */
	uint64_t sp, cfa;
};

struct ld_xinfo {
	uint64_t addr;
	const struct ld_map *mp;   /* NULL: not mapped, nothing else is set */
	struct ld_region region;
	/* in an object whose ELF file reads (region.obj->elf): */
	const struct ld_section *sec;      /* NULL: in none */
	const struct ld_symbol *sym;       /* NULL: none covers it */
	uint64_t sym_off;
	/* in [heap]: */
	bool brk_known;
	uint64_t start_brk, brk;
	/* in a chunk of the heap walk of this stop: */
	const struct ld_chunk *chunk;      /* NULL: none */
	int arena;                         /* -1: mmapped */
	struct ld_xinfo_frame frame;       /* stacks only */
	pid_t pid;
	struct ld_page_info page;
	int page_err;                      /* -errno: pagemap unreadable */
};

/* The answer for addr (the maps are read again first).  0, or -1 after an
 * error was reported.  Valid until the process resumes. */
int ld_xinfo_at(struct ld_session *s, uint64_t addr, struct ld_xinfo *x);
/* The cheap part of that answer, for an address printed among many (x,
 * info registers, print): the mapping, region, section, symbol and frame;
 * no heap walk (the kinds use one made at this stop), no brk, no page. */
int ld_xinfo_place(struct ld_session *s, uint64_t addr, struct ld_xinfo *x);
/* The frame of a stopped thread whose stack holds addr (out->found). */
void ld_xinfo_frame_of(struct ld_session *s, uint64_t addr,
		       struct ld_xinfo_frame *out);

#endif
