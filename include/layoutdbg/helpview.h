/* help and the listing of a command's sub-commands. */
#ifndef LAYOUTDBG_HELPVIEW_H
#define LAYOUTDBG_HELPVIEW_H

/* One command of a list: "  USAGE  SUMMARY", usage padded to width. */
void ld_help_row(int width, const char *usage, const char *summary);
/* `info` alone: the head of the list of what may follow. */
void ld_help_must_follow(const char *prefix);
/* help COMMAND: its usage, summary and aliases ("" : none). */
void ld_help_command(const char *usage, const char *summary,
		     const char *aliases);
void ld_help_example(const char *example);
/* help info X: the arguments or values under the summary. */
void ld_help_detail(const char *detail);
/* help info: the line after the list of sub-commands. */
void ld_help_sub_tail(const char *name);
/* help: the lines around the list of commands. */
void ld_help_head(void);
void ld_help_tail(void);

#endif
