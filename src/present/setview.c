/* show SETTING: the sentences gdb prints. */
#include <stddef.h>

#include "layoutdbg/cmddoc.h"
#include "layoutdbg/json.h"
#include "layoutdbg/output.h"
#include "layoutdbg/setview.h"

/* --json: {"command": "show X" (or "set X"), "value": v}. */
static void value_doc(json_t *v)
{
	if (ld_json_on())
		ld_emit_doc(ld_cmd_doc_current(), "value", v);
	else
		json_decref(v);
}

void ld_show_onoff(const char *what, bool on)
{
	ld_out("%s is %s.\n", what, on ? "on" : "off");
	value_doc(json_boolean(on));
}

void ld_show_disasm_flavor(const char *flavor)
{
	ld_out("The disassembly flavor is \"%s\".\n", flavor);
	value_doc(json_string(flavor));
}

void ld_show_frame_args(const char *mode)
{
	ld_out("Printing of non-scalar frame arguments is \"%s\".\n", mode);
	value_doc(json_string(mode));
}

void ld_show_follow_fork(bool child)
{
	ld_out("Debugger response to a program call of fork is \"%s\".\n",
	       child ? "child" : "parent");
	value_doc(json_string(child ? "child" : "parent"));
}

void ld_show_args(char *const *args)
{
	json_t *v = ld_json_on() ? json_array() : NULL;
	size_t i;

	ld_out("Argument list to give program being debugged when it is started is \"");
	for (i = 0; args[i]; i++) {
		ld_out("%s%s", i ? " " : "", args[i]);
		if (v) {
			json_t *o = json_object();

			ld_json_put_text(o, "arg", args[i]);
			json_array_append_new(v, json_incref(json_object_get(o, "arg")));
			json_decref(o);
		}
	}
	ld_out("\".\n");
	if (v)
		value_doc(v);
}

void ld_show_height(unsigned rows)
{
	if (rows)
		ld_out("Number of lines layoutdbg thinks are in a page is %u.\n", rows);
	else
		ld_out("Number of lines layoutdbg thinks are in a page is unlimited.\n");
	value_doc(json_integer(rows));	/* 0: unlimited, as `set height 0` */
}

void ld_show_debuginfod(const char *mode)
{
	ld_out("Debuginfod functionality is currently set to \"%s\".\n", mode);
	value_doc(json_string(mode));
}

void ld_show_debug_dir(const char *dir)
{
	ld_out("The directory of separate debug files is \"%s\".\n", dir);
	value_doc(json_string(dir));
}
