/* What the command renderers share: the --json document of a command
 * that reports one value, and the way they name addresses. */
#ifndef LAYOUTDBG_CMDDOC_H
#define LAYOUTDBG_CMDDOC_H

#include <jansson.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

#include "layoutdbg/session.h"

/* Emit {"command": cmd, key: v} (v stolen; NULL: out of memory). */
int ld_emit_doc(const char *cmd, const char *key, json_t *v);

/* Around each command: --json counts the documents it prints, and a
 * command that printed none reports {"command": name, "ok": ok,
 * "process": the session's state}. */
void ld_cmd_doc_start(void);
void ld_cmd_doc_finish(const char *name, bool ok, struct ld_session *s);
/* The full name of the running command ("info signals", "set args") for
 * its "command" field, set by the sub-command dispatch. */
void ld_cmd_doc_name(const char *name);
/* That name ("" before the command table set it). */
const char *ld_cmd_doc_current(void);
/* A stop event printed while the command runs: a run-control command's
 * document repeats the last one as "stop" (a new reference is taken). */
void ld_cmd_doc_stop(json_t *stop);

/* Names an address for a renderer ("main+4", "??" when no symbol covers
 * it); returns buf.  Renderers name only what they print. */
typedef const char *(*ld_symbolize_fn)(void *ctx, uint64_t addr, char *buf,
				       size_t len);

#endif
