/* Asking about debuginfod and showing its downloads, as gdb does. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "layoutdbg/debugview.h"
#include "layoutdbg/output.h"

bool ld_ask_debuginfod(const char *urls)
{
	char line[64] = "", copy[4096], *tok, *save = NULL;
	bool yes;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return false;
	snprintf(copy, sizeof copy, "%s", urls);
	ld_out("This layoutdbg supports auto-downloading debuginfo from the "
	       "following URLs:\n");
	for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		ld_out("  <%s>\n", tok);
	ld_out("Enable debuginfod for this session? (y or [n]) ");
	fflush(stdout);
	if (!fgets(line, sizeof line, stdin))
		line[0] = '\0';
	yes = line[0] == 'y' || line[0] == 'Y';
	ld_out("Debuginfod has been %s.\nTo make this setting permanent, add "
	       "'set debuginfod enabled %s' to .layoutdbgrc.\n",
	       yes ? "enabled" : "disabled", yes ? "on" : "off");
	return yes;
}

void ld_show_download(const char *object, long done, long total)
{
	static bool shown;

	if (done < 0) {
		if (shown)
			fputc('\n', stderr);
		shown = false;
		return;
	}
	(void)total;
	if (!shown)
		fprintf(stderr, "Downloading separate debug info for %s...", object);
	shown = true;
	fflush(stderr);
}
