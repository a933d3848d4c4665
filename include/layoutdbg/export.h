/* Transitional: export.c was split into present/json.c, snapjson.c,
 * snapload.c, picture.c, svg.c and html.c (issue 14).  This header only
 * gathers theirs, for files written before the split; include the one you
 * use instead.  To be removed once no file includes it. */
#ifndef LAYOUTDBG_EXPORT_H
#define LAYOUTDBG_EXPORT_H

#include "layoutdbg/html.h"
#include "layoutdbg/json.h"
#include "layoutdbg/snapjson.h"
#include "layoutdbg/snapload.h"
#include "layoutdbg/svg.h"

#endif
