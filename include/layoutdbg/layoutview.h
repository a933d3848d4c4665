/* `layout` shown: the diagram of the address space's blocks, or its
 * --json document {"blocks": [...], "start_brk", "brk"}. */
#ifndef LAYOUTDBG_LAYOUTVIEW_H
#define LAYOUTDBG_LAYOUTVIEW_H

#include "layoutdbg/blocks.h"

int ld_show_layout(const struct ld_layout *l);

#endif
