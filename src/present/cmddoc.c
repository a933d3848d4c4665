/* --json documents of the commands that have one value: {"command": CMD,
 * KEY: VALUE}. */
#include "layoutdbg/jsonout.h"
#include "layoutdbg/output.h"
#include "layoutdbg/cmddoc.h"

/* --json: the document {"command": CMD, KEY: V} (V stolen). */
int ld_emit_doc(const char *cmd, const char *key, json_t *v)
{
	json_t *d = ld_jdoc(cmd);

	if (ld_jset(d, key, v) < 0) {
		json_decref(d);
		d = NULL;
	}
	return ld_emit_json(d);
}
