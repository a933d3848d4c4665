/* --json documents of commands that report one value. */
#ifndef LAYOUTDBG_CMDDOC_H
#define LAYOUTDBG_CMDDOC_H

#include <jansson.h>

/* Emit {"command": cmd, key: v} (v stolen; NULL: out of memory). */
int ld_emit_doc(const char *cmd, const char *key, json_t *v);

#endif
