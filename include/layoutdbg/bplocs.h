/* Breakpoints with several locations, as gdb sets them on a function:
 * its out-of-line code and every inlined copy of it (gdb's N.1, N.2...),
 * each location a site of its own, the hits counted on the breakpoint. */
#ifndef LAYOUTDBG_BPLOCS_H
#define LAYOUTDBG_BPLOCS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "layoutdbg/session.h"

/* Set bp (on a function, resolved at bp->addr when have_addr) at every
 * inlined copy of the function in the loaded objects as well: bp->addr
 * becomes the lowest location, the others are added (not armed; dropped
 * first if bp had some).  Returns the number of locations: 0 when there
 * is none (no address and no copy). */
/* gdb's What of a breakpoint with one location, "in FUNC at FILE:LINE"
 * (bp->loc_what; NULL where there is no line). */
void ld_bp_set_what(struct ld_session *s, struct ld_bp *bp);

size_t ld_bp_find_locations(struct ld_session *s, struct ld_bp *bp,
			    bool have_addr);

/* Take out and forget bp's other locations. */
void ld_bp_drop_locations(struct ld_session *s, struct ld_bp *bp);

/* Enable or disable bp's other locations with it. */
void ld_bp_enable_locations(struct ld_session *s, struct ld_bp *bp, bool on);

/* Of breakpoint bp, the location at pc (bp itself or another); NULL. */
struct ld_bp *ld_bp_location_at(struct ld_bps *b, struct ld_bp *bp,
				uint64_t pc);

/* Before `run`, in the program e and its lines l: the locations of
 * function sym (every overload of a C++ name, every inlined copy) whose
 * out-of-line code (after its prologue) is at *addr (0: none): their
 * count, *addr the lowest. */
size_t ld_bp_static_locations(const struct ld_elf *e, struct ld_lines *l,
			      const char *sym, uint64_t *addr);

#endif
