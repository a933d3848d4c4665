/* The layout seen through the ELF objects: mapping classification (vmmap),
 * sections and segments at their runtime addresses, xinfo, the layout
 * diagram.  Computed from the session's maps and objects; printing is
 * text on stdout. */
#ifndef LAYOUTDBG_VIEWS_H
#define LAYOUTDBG_VIEWS_H

#include "layoutdbg/classify.h"
#include "layoutdbg/session.h"

const char *ld_region_kind_name(enum ld_region_kind k);

int ld_cmd_vmmap(struct ld_session *s, char *args);
int ld_cmd_info_sections(struct ld_session *s, char *args);
int ld_cmd_info_segments(struct ld_session *s, char *args);
int ld_cmd_xinfo(struct ld_session *s, char *args);
int ld_cmd_info_symbol(struct ld_session *s, char *args);
int ld_cmd_layout(struct ld_session *s, char *args);

#endif
