/* `vmmap` shown: a row a mapping (address range, permissions, size,
 * resident size, kind, owner, sections), coloured on a terminal, or the
 * --json document {"regions": [...]}.  A filter that selects nothing is
 * an error in text, an empty list in JSON. */
#ifndef LAYOUTDBG_VMMAPVIEW_H
#define LAYOUTDBG_VMMAPVIEW_H

#include "layoutdbg/regions.h"

int ld_show_vmmap(const struct ld_vmmap *v);

#endif
