/* xinfo shown: a line for each thing known about the address (mapping,
 * kind, object, segment, section, symbol, heap, chunk, frame, page), or
 * the --json document. */
#ifndef LAYOUTDBG_XINFOVIEW_H
#define LAYOUTDBG_XINFOVIEW_H

#include "layoutdbg/xinfo.h"

int ld_show_xinfo(const struct ld_xinfo *x);

#endif
