/* The program's files as the commands show them: file, info
 * sharedlibrary, info line, list. */
#ifndef LAYOUTDBG_SRCVIEW_H
#define LAYOUTDBG_SRCVIEW_H

#include <stdbool.h>
#include <stdint.h>

#include "layoutdbg/cmddoc.h"
#include "layoutdbg/objs.h"

/* file PROGRAM: "Reading symbols from PATH..." */
void ld_show_reading_symbols(const char *path);

/* info line: where line of file starts (and ends, when end); code false:
 * the line has no code of its own and start is the next line's. */
struct ld_line_view {
	const char *file;
	unsigned line;
	uint64_t start, end;
	bool code;
	ld_symbolize_fn sym;
	void *sym_ctx;
};
int ld_show_line(const struct ld_line_view *v);
/* info line: addr has no line information. */
int ld_show_no_line(uint64_t addr, ld_symbolize_fn sym, void *ctx);
/* info line: line is past the end of file (an error under --json). */
int ld_show_line_out_of_range(unsigned line, const char *file);

/* list: one numbered source line. */
void ld_show_source_line(unsigned long n, const char *text);
/* The line under a stop's or a selected frame's location: its text, or
 * where it would be and why it is not (err, an errno). */
void ld_show_frame_line(unsigned line, const char *file, const char *text,
			int err);
/* After the lines of list: --json prints {"command": "list", "file",
 * "lines": [{"line", "text"}]}. */
int ld_show_source_end(const char *file);

#endif
