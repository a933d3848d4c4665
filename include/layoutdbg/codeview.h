/* Code listings as gdb prints them (`x/Ni`, `disassemble [/r] [/s]`),
 * each rip-relative operand's comment followed by the region it reaches,
 * or the --json document. */
#ifndef LAYOUTDBG_CODEVIEW_H
#define LAYOUTDBG_CODEVIEW_H

#include <stdbool.h>

#include "layoutdbg/code.h"

enum ld_code_form {
	LD_CODE_X,          /* x/Ni: `=> 0x...161 <main+8>:` */
	LD_CODE_FUNCTION,   /* disassemble FUNC: `=> 0x000...161 <+8>:` */
	LD_CODE_RANGE,      /* disassemble START,END: `<main+8>` */
};

struct ld_code_view {
	const struct ld_code *code;
	enum ld_code_form form;
	bool raw;           /* /r: the bytes */
	bool source;        /* /s: source lines between */
};

/* 0, or -1 when the listing was cut by unreadable memory (the error is
 * printed after what could be decoded, as gdb does). */
int ld_show_code(const struct ld_code_view *v);

#endif
