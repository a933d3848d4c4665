/* show SETTING: the sentences gdb prints. */
#include <stddef.h>

#include "layoutdbg/output.h"
#include "layoutdbg/setview.h"

void ld_show_onoff(const char *what, bool on)
{
	ld_out("%s is %s.\n", what, on ? "on" : "off");
}

void ld_show_disasm_flavor(const char *flavor)
{
	ld_out("The disassembly flavor is \"%s\".\n", flavor);
}

void ld_show_follow_fork(bool child)
{
	ld_out("Debugger response to a program call of fork is \"%s\".\n",
	       child ? "child" : "parent");
}

void ld_show_args(char *const *args)
{
	size_t i;

	ld_out("Argument list to give program being debugged when it is started is \"");
	for (i = 0; args[i]; i++)
		ld_out("%s%s", i ? " " : "", args[i]);
	ld_out("\".\n");
}

void ld_show_debug_dir(const char *dir)
{
	ld_out("The directory of separate debug files is \"%s\".\n", dir);
}
