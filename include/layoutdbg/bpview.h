/* What the breakpoint commands show: info breakpoints, ignore, catch. */
#ifndef LAYOUTDBG_BPVIEW_H
#define LAYOUTDBG_BPVIEW_H

#include "layoutdbg/bp.h"

int ld_show_breakpoints(const struct ld_bps *b);
/* info watchpoints */
int ld_show_watchpoints(const struct ld_bps *b);
/* "Hardware watchpoint 2: counter" (gdb's words for each kind) */
void ld_show_watch_set(const struct ld_bp *bp);
/* "Catchpoint 3 (layout [heap]: 0x...-0x... rw-p)", or pending before
 * `run` */
void ld_show_layout_catch(const struct ld_bp *bp);
/* ignore N COUNT: what the next crossings of breakpoint num do. */
void ld_show_ignore(unsigned long num, unsigned long count);
/* "Catchpoint N (KIND[ ARG])" */
void ld_show_catchpoint(int num, const char *kind, const char *arg);
/* A syscall catchpoint set while the process runs without the filter. */
void ld_show_catch_unfiltered(void);

/* condition N with no expression */
void ld_show_unconditional(int num);

#endif
