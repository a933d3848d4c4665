/* The heap commands (the walk itself is heapstop.h's). */
#ifndef LAYOUTDBG_HEAPCMD_H
#define LAYOUTDBG_HEAPCMD_H

#include "layoutdbg/session.h"

/* heap [N] | heap chunk ADDR | heap bins | heap arenas | heap mmapped */
int ld_cmd_heap(struct ld_session *s, char *args);

#endif
