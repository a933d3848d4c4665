/* show SETTING: gdb's sentences. */
#ifndef LAYOUTDBG_SETVIEW_H
#define LAYOUTDBG_SETVIEW_H

#include <stdbool.h>

/* gdb's form for a boolean setting: "WHAT is on." */
void ld_show_onoff(const char *what, bool on);
void ld_show_follow_fork(bool child);
/* show print frame-arguments: gdb's sentence with the mode's name. */
void ld_show_frame_args(const char *mode);
/* args: NULL-terminated */
void ld_show_args(char *const *args);
void ld_show_debug_dir(const char *dir);
void ld_show_debuginfod(const char *mode);
/* gdb's `show height`; 0: unlimited. */
void ld_show_height(unsigned rows);
void ld_show_disasm_flavor(const char *flavor);

#endif
