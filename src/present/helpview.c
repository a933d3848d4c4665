/* help: the command list, one command in full, sub-command lists. */
#include "layoutdbg/helpview.h"
#include "layoutdbg/output.h"

void ld_help_row(int width, const char *usage, const char *summary)
{
	ld_out("  %-*s %s\n", width, usage, summary);
}

void ld_help_must_follow(const char *prefix)
{
	ld_out("\"%s\" must be followed by one of:\n", prefix);
}

void ld_help_command(const char *usage, const char *summary,
		     const char *aliases)
{
	ld_out("%s\n  %s\n", usage, summary);
	if (*aliases)
		ld_out("  aliases: %s\n", aliases);
}

void ld_help_example(const char *example)
{
	ld_out("  example: %s\n", example);
}

void ld_help_head(void)
{
	ld_out("Commands:\n");
}

void ld_help_tail(void)
{
	ld_out("Type `help COMMAND` for more.\n");
}

void ld_help_detail(const char *detail)
{
	ld_out("  %s\n", detail);
}

void ld_help_sub_tail(const char *name)
{
	ld_out("Type `help %s WHAT` for more.\n", name);
}
