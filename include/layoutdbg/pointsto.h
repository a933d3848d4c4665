/* Where an address points in the layout of this stop: nowhere (null, not
 * mapped), a symbol of a loaded object, a thread's stack frame, a thread's
 * TLS, or a region (the heap, an anonymous mapping, an object's section
 * where no symbol covers it).  Built on xinfo's placing (no heap walk, no
 * page information), for every pointer value a command prints. */
#ifndef LAYOUTDBG_POINTSTO_H
#define LAYOUTDBG_POINTSTO_H

#include <stdbool.h>
#include <stdint.h>

#include "layoutdbg/classify.h"
#include "layoutdbg/session.h"

enum ld_pt_kind {
	LD_PT_NULL,        /* 0 */
	LD_PT_SYMBOL,      /* a symbol of a loaded object covers it */
	LD_PT_REGION,      /* a mapping, named by region (and object) */
	LD_PT_STACK,       /* a thread's stack (a frame's, when frame >= 0) */
	LD_PT_TLS,         /* a thread's static TLS block or its TCB */
	LD_PT_UNMAPPED,    /* no mapping holds it */
};

struct ld_points_to {
	enum ld_pt_kind kind;
	uint64_t addr;
	enum ld_region_kind region_kind;   /* mapped kinds only */
	/* in a loaded object (SYMBOL, and REGION of an object): */
	char object[256];       /* its file's basename; "": none */
	char section[64];       /* "": in none */
	uint64_t section_off;
	bool code;              /* the section (or segment) is executable */
	/* SYMBOL: gdb's "sym+off" (off decimal, none when 0) */
	char symbol[256];
	/* REGION: "[heap]", "[anonymous]", "libc.so.6" ...; the offset from
	 * the start of its mapping (of its section when section is set) */
	char region[256];
	uint64_t region_off;
	int thread;             /* STACK, TLS: gdb's thread number */
	int frame;              /* STACK: #N in its thread's backtrace; -1 */
};

/* Where addr points at this stop.  0, or -1 when nothing can be said:
 * no process (nothing printed), or the maps or objects unreadable (the
 * error was reported). */
int ld_points_to(struct ld_session *s, uint64_t addr, struct ld_points_to *p);

/* The name of k in JSON: "null", "symbol", "region", "stack", "tls",
 * "unmapped". */
const char *ld_pt_kind_name(enum ld_pt_kind k);

#endif
