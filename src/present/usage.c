/* --help, --version, the banner, bad options, Ctrl-D. */
#include <stdio.h>

#include "layoutdbg/usage.h"

void ld_show_usage(const char *text)
{
	fputs(text, stdout);
}

void ld_show_version(const char *version)
{
	printf("layoutdbg %s\n", version);
}

void ld_show_banner(const char *version)
{
	printf("layoutdbg %s: live memory-layout debugger.  Type `help` "
	       "for commands.\n", version);
}

int ld_show_bad_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "layoutdbg: ");
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	fprintf(stderr, fmt, arg);
#pragma GCC diagnostic pop
	fprintf(stderr, "\nTry 'layoutdbg --help' for more information.\n");
	return 2;
}

void ld_show_eof(void)
{
	putchar('\n');
}
