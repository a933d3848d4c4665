/* Hardware watchpoints (watch, rwatch, awatch) on the x86-64 debug
 * registers, and `catch layout`: the engine's side (src/engine/watch.c,
 * src/engine/laycatch.c).  No software fallback: four debug registers,
 * 1, 2, 4 or 8 aligned bytes each. */
#ifndef LAYOUTDBG_WATCH_H
#define LAYOUTDBG_WATCH_H

#include <stdbool.h>

#include "layoutdbg/bp.h"
#include "layoutdbg/session.h"

/* watch/rwatch/awatch EXPR (type LD_BP_WATCH...): EXPR is `[-l|-location]
 * SYMBOL[+OFF]`, `*ADDRESS` (4 bytes, as gdb's int) or `*(TYPE *) ADDRESS`.
 * The watchpoint is set in every thread.  Returns it, or NULL after an
 * error was printed. */
struct ld_bp *ld_watch(struct ld_session *s, enum ld_bp_type type,
		       const char *expr);

/* Program the debug registers from the enabled watchpoints (slots in
 * number order) and write them into every stopped thread now; the others
 * get them before they next run.  0, or -1 after printing why. */
int ld_watch_update(struct ld_session *s);

/* A new process (run, attach): each enabled watchpoint's expression is
 * evaluated again in it (disabled, with a warning, where it no longer
 * names mapped memory), its value read, the registers written. */
void ld_watch_rearm(struct ld_session *s);

/* The program exec'd: the kernel cleared the debug registers, and the
 * addresses named the old image.  Every watchpoint is disabled. */
void ld_watch_exec(struct ld_session *s);

/* gdb's names: "Hardware watchpoint", "Hardware read watchpoint",
 * "Hardware access (read/write) watchpoint"; and info breakpoints'
 * "hw watchpoint", "read watchpoint", "acc watchpoint". */
const char *ld_watch_title(enum ld_bp_type type);
const char *ld_watch_short(enum ld_bp_type type);

/* catch layout ADDR|REGION: a catchpoint on the mapping holding ADDR (or
 * the first mapping REGION names: "[heap]", "[stack]", a library's
 * name).  Without a process, a number or a region's name stays pending
 * until a memory call maps it (`run` puts the calls under its seccomp
 * filter).  Returns it, or NULL after an error was printed. */
struct ld_bp *ld_catch_layout(struct ld_session *s, const char *arg);

#endif
