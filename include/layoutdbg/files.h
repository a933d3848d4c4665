/* The program's files: file, info sharedlibrary, info line, list.
 * Each command takes the rest of its line (args, which it may modify);
 * the command table (cmdtable.c) checked its preconditions.  0, or -1
 * after an error was printed. */
#ifndef LAYOUTDBG_FILES_H
#define LAYOUTDBG_FILES_H

#include "layoutdbg/session.h"

int ld_cmd_file(struct ld_session *s, char *args);
int ld_cmd_info_line(struct ld_session *s, char *args);
int ld_cmd_info_sharedlibrary(struct ld_session *s, char *args);
int ld_cmd_list(struct ld_session *s, char *args);

#endif
