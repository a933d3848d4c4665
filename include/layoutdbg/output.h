/* Where output goes: ld_out for text on stdout, helpers shared by the
 * renderers (sizes in human units, colour). */
#ifndef LAYOUTDBG_OUTPUT_H
#define LAYOUTDBG_OUTPUT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define LD_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* Text on stdout (suppressed under --json for messages that are not the
 * command's document). */
void ld_out(const char *fmt, ...) LD_PRINTF(1, 2);
void ld_out_set_quiet(int quiet);

/* Terminal hygiene: text from outside (names, paths, arguments) must not
 * drive the terminal.  ld_fout/ld_vfout are fprintf except that every %s
 * argument is escaped: C0 (but tab) and C1 control characters and DEL
 * become \n, \r, \e or \xHH (the colour codes of ld_c pass as they are).  ld_out,
 * the renderers and the error helpers print through them. */
/* Both return the bytes written, as fprintf. */
int ld_fout(FILE *f, const char *fmt, ...) LD_PRINTF(2, 3);
int ld_vfout(FILE *f, const char *fmt, va_list ap) LD_PRINTF(2, 0);
/* The escaped form of s[0..n) (malloc'd, NUL-terminated; its length in
 * *outlen when not NULL), or NULL when memory ran out. */
char *ld_escape(const char *s, size_t n, size_t *outlen);
/* Make s valid UTF-8 in place: each byte that is not becomes '?'. */
/* Length of the valid UTF-8 sequence at p (n bytes left), or 0; the code
 * point in *cp.  As strict as jansson (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF), so what passes here json_string()
 * takes. */
size_t ld_utf8_seq(const unsigned char *p, size_t n, uint32_t *cp);
void ld_utf8_fix(char *s);
/* Write s[0..n) escaped to f; returns the bytes written. */
size_t ld_escape_put(FILE *f, const char *s, size_t n);

/* --json: text output is off and each command prints one JSON document.
 * ld_emit_json gives doc (printed compact, on one line, when the command
 * ends; at once outside a command) and takes the reference; it
 * returns 0, or -1 after an error document when doc is NULL (ENOMEM). */
#include <jansson.h>
void ld_json_set(int on);
int ld_json_on(void);
int ld_emit_json(json_t *doc);
/* One compact document (from json_dumps with JSON_ENSURE_ASCII) and a
 * newline, with DEL escaped too. */
void ld_put_json_line(FILE *f, const char *text);
/* Around each command (cmdtable.c): its document and diagnostics are held
 * until ld_json_cmd_end prints them as one document: the errors if any
 * ({"error": first, "errors": [all] when several}), else the command's
 * document, else fallback (stolen); warnings as "warnings": [...].
 * ld_json_emitted: whether the command has a document, an error or ran
 * commands of its own (source), so needs no fallback. */
void ld_json_cmd_begin(void);
void ld_json_cmd_end(json_t *fallback);
int ld_json_emitted(void);

/* Where diagnostics are written (error.c formats them): "layoutdbg:
 * [WHERE: ][warning: ]MSG" on the diagnostic stream (stderr unless set;
 * WHERE escaped, MSG already escaped by the caller), or under --json one
 * document {"error"|"warning": "WHERE: MSG"} on stdout, MSG raw.  Errors
 * (not warnings) are counted. */
void ld_out_diag(int warning, const char *where, const char *msg);
void ld_out_set_diag_stream(FILE *f);
unsigned ld_out_error_count(void);

/* s, or when longer than max bytes its head and tail around "..." in buf
 * (len > max): for a long argument in a message of bounded size, so the
 * reason after it stays. */
const char *ld_shorten(const char *s, size_t max, char *buf, size_t len);

/* "132 KiB", "1.6 MiB", "12 B" */
const char *ld_human_size(uint64_t n, char *buf, size_t len);

/* ANSI colour when enabled (--color), else "". */
enum ld_color { LD_C_RESET, LD_C_ADD, LD_C_DEL, LD_C_CHG, LD_C_DIM, LD_C_BOLD };
void ld_color_set(int on);
int ld_color_on(void);
const char *ld_c(enum ld_color c);

#endif
