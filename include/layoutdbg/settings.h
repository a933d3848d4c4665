/* The settings of `set` and `show`.
 * Each command takes the rest of its line (args, which it may modify);
 * the command table (cmdtable.c) checked its preconditions.  0, or -1
 * after an error was printed. */
#ifndef LAYOUTDBG_SETTINGS_H
#define LAYOUTDBG_SETTINGS_H

#include "layoutdbg/session.h"

/* The setters of struct ld_settings for the rest of the front-end (this
 * module owns it).  ld_settings_handle applies one word of `handle` to
 * signal sig: 0, or -1 when action is not one (nothing printed). */
void ld_settings_set_aslr(struct ld_session *s, bool on);
int ld_settings_handle(struct ld_session *s, int sig, const char *action);

int ld_cmd_set_args(struct ld_session *s, char *args);
int ld_cmd_set_disable_randomization(struct ld_session *s, char *args);
int ld_cmd_set_auto_snapshot(struct ld_session *s, char *args);
int ld_cmd_set_follow_fork(struct ld_session *s, char *args);
int ld_cmd_show_follow_fork(struct ld_session *s, char *args);
int ld_cmd_set_emulation(struct ld_session *s, char *args);
int ld_cmd_set_cpu_pinning(struct ld_session *s, char *args);
int ld_cmd_show_cpu_pinning(struct ld_session *s, char *args);
int ld_cmd_show_emulation(struct ld_session *s, char *args);
int ld_cmd_set_color(struct ld_session *s, char *args);
int ld_cmd_show_color(struct ld_session *s, char *args);
int ld_cmd_set_pagination(struct ld_session *s, char *args);
int ld_cmd_show_pagination(struct ld_session *s, char *args);
int ld_cmd_set_height(struct ld_session *s, char *args);
int ld_cmd_show_height(struct ld_session *s, char *args);
int ld_cmd_show_args(struct ld_session *s, char *args);
int ld_cmd_show_disable_randomization(struct ld_session *s, char *args);
int ld_cmd_set_vmmap_resident(struct ld_session *s, char *args);
int ld_cmd_show_vmmap_resident(struct ld_session *s, char *args);
int ld_cmd_set_snapshot_pages(struct ld_session *s, char *args);
int ld_cmd_show_snapshot_pages(struct ld_session *s, char *args);
int ld_cmd_show_auto_snapshot(struct ld_session *s, char *args);
int ld_cmd_set_debug_dir(struct ld_session *s, char *args);
int ld_cmd_show_debug_dir(struct ld_session *s, char *args);
int ld_cmd_set_debuginfod(struct ld_session *s, char *args);
int ld_cmd_show_debuginfod(struct ld_session *s, char *args);

/* set print layout on|off (where printed pointers point), and show it */
int ld_cmd_set_backtrace(struct ld_session *s, char *args);
int ld_cmd_show_backtrace(struct ld_session *s, char *args);
int ld_cmd_set_print(struct ld_session *s, char *args);
int ld_cmd_show_print(struct ld_session *s, char *args);

/* set disassembly-flavor att|intel, and show it */
int ld_cmd_set_disasm_flavor(struct ld_session *s, char *args);
int ld_cmd_show_disasm_flavor(struct ld_session *s, char *args);

#endif
