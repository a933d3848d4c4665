/* The front-end's side of finding debug files (layoutdbg/debugsrc.h): the
 * question `set debuginfod enabled ask` asks, a download's progress line,
 * info sharedlibrary. */
#ifndef LAYOUTDBG_DEBUGVIEW_H
#define LAYOUTDBG_DEBUGVIEW_H

#include <stdbool.h>

#include "layoutdbg/objs.h"

/* gdb's question, once, when stdin and stdout are a terminal; false
 * (no) otherwise or on anything but y/yes. */
bool ld_ask_debuginfod(const char *urls);

/* "Downloading separate debug info for OBJECT..." on stderr at a
 * download's first progress report, the end of the line when it ends
 * (done < 0). */
void ld_show_download(const char *object, long done, long total);

/* info sharedlibrary: gdb's table of the shared objects (From and To the
 * runtime bounds of .text, Syms Read Yes, Yes (*) without DWARF, No when
 * unreadable, the link map's name), its (*) footnote, then one line per
 * object, the executable too, saying where its symbols came from.  The
 * objects' companions must have been looked for (ld_obj_debug). */
int ld_show_objects(const struct ld_objs *objs);

#endif
