/* Code: x/Ni, disassemble (the flavour is a setting: settings.h).
 * Each command takes the rest of its line (args, which it may modify);
 * the command table (cmdtable.c) checked its preconditions.  0, or -1
 * after an error was printed. */
#ifndef LAYOUTDBG_DISAS_H
#define LAYOUTDBG_DISAS_H

#include <stddef.h>
#include <stdint.h>

#include "layoutdbg/session.h"

/* x/Ni ADDR: count instructions from addr (x calls it for format i);
 * *next: the address after the last one shown (unchanged: none). */
int ld_examine_insns(struct ld_session *s, uint64_t addr, size_t count,
		     uint64_t *next);
int ld_cmd_disassemble(struct ld_session *s, char *args);

#endif
