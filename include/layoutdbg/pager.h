/* The pager of long output (gdb's `set pagination`, `set height`). */
#ifndef LAYOUTDBG_PAGER_H
#define LAYOUTDBG_PAGER_H

#include <stdbool.h>

/* Put the pager in stdout's place (the REPL does so when stdout is a
 * terminal and --json is off; -batch never runs the REPL).  Returns 0 or
 * -errno; the real stdout stays when it fails. */
int ld_pager_install(void);
/* stdout back as it was, everything paged so far written. */
void ld_pager_remove(void);
/* A command starts: a fresh page (and the window's size asked again
 * unless `set height` fixed it). */
void ld_pager_command_start(void);
/* `show pagination`: on only while installed and not turned off. */
bool ld_pager_enabled(void);
void ld_pager_set_enabled(bool on);
/* Rows of a page, 0 for unlimited (never paged, or `set height 0`). */
unsigned ld_pager_height(void);
void ld_pager_set_height(unsigned n);

#endif
