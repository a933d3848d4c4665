/* --json documents of the commands that have one value: {"command": CMD,
 * KEY: VALUE}, and of those that have none. */
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

void ld_cmd_doc_start(void)
{
	if (ld_json_on())
		ld_json_reset();
}

void ld_cmd_doc_finish(const char *name, bool ok, struct ld_session *s)
{
	json_t *d;

	/* Commands without data of their own report the state. */
	if (!ld_json_on() || ld_json_emitted())
		return;
	d = ld_jdoc(name);
	ld_jset(d, "ok", json_boolean(ok));
	ld_jset(d, "process", ld_json_process(s));
	ld_emit_json(d);
}
