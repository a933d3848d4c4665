/* The commands of the layout seen through the ELF objects: vmmap,
 * sections and segments at their runtime addresses, xinfo, info symbol,
 * the layout diagram.  Each gathers its model from the engine (regions.h,
 * xinfo.h, blocks.h) and hands it to present/ (vmmapview.h, xinfoview.h,
 * layoutview.h, elfview.h). */
#ifndef LAYOUTDBG_VIEWS_H
#define LAYOUTDBG_VIEWS_H

#include "layoutdbg/classify.h"
#include "layoutdbg/session.h"

int ld_cmd_vmmap(struct ld_session *s, char *args);
int ld_cmd_info_sections(struct ld_session *s, char *args);
int ld_cmd_info_segments(struct ld_session *s, char *args);
int ld_cmd_xinfo(struct ld_session *s, char *args);
int ld_cmd_info_symbol(struct ld_session *s, char *args);
int ld_cmd_layout(struct ld_session *s, char *args);

#endif
