/* Code: x/Ni and disassemble [/r] [/s] [FUNC|START,END|START,+LEN]. */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/args.h"
#include "layoutdbg/code.h"
#include "layoutdbg/codeview.h"
#include "layoutdbg/disas.h"
#include "layoutdbg/error.h"
#include "layoutdbg/valcmd.h"

int ld_examine_insns(struct ld_session *s, uint64_t addr, size_t count,
		     uint64_t *next)
{
	struct ld_code c;
	struct ld_code_view v = { .code = &c, .form = LD_CODE_X };
	int r;

	if (ld_code_count(s, addr, count, false, &c) < 0)
		return -1;
	r = ld_show_code(&v);
	if (c.n) {
		*next = c.v[c.n - 1].in.addr + c.v[c.n - 1].in.len;
		/* gdb's $_ (the last instruction listed) and $__ (void) */
		ld_conv_set_scalar(&s->live.conv, "_", SY_I8, 1, c.v[c.n - 1].in.addr);
		ld_conv_set_scalar(&s->live.conv, "__", SY_VOID, 0, 0);
	}
	ld_code_release(&c);
	return r;
}

/* /r /s /m modifiers (gdb's); args moves past them. */
static int modifiers(char **args, struct ld_code_view *v)
{
	char *p = ld_skip_ws(*args);

	while (*p == '/') {
		for (p++; *p && !isspace((unsigned char)*p); p++) {
			if (*p == 'r')
				v->raw = true;
			else if (*p == 's' || *p == 'm')
				v->source = true;
			else
				return ld_error("disassemble: invalid modifier '%c'", *p);
		}
		p = ld_skip_ws(p);
	}
	*args = p;
	return 0;
}

/* START,END or START,+LEN: [lo, hi). */
static int parse_range(struct ld_session *s, char *args, char *comma,
		       uint64_t *lo, uint64_t *hi)
{
	char *end = ld_skip_ws(comma + 1);
	uint64_t n;

	*comma = '\0';
	ld_trim_end(args);
	if (!*args || !*end)
		return ld_error("disassemble: a range is START,END or START,+LENGTH");
	if (ld_eval_addr(s, "disassemble", args, lo) < 0)
		return -1;
	if (*end == '+') {
		if (ld_eval_addr(s, "disassemble", ld_skip_ws(end + 1), &n) < 0)
			return -1;
		if (n > UINT64_MAX - *lo)
			return ld_error("disassemble: range 0x%" PRIx64 ",+0x%" PRIx64
					" wraps past the end of memory", *lo, n);
		*hi = *lo + n;
	} else if (ld_eval_addr(s, "disassemble", end, hi) < 0) {
		return -1;
	}
	if (*hi < *lo)
		return ld_error("disassemble: the end 0x%" PRIx64 " is below the start 0x%"
				PRIx64, *hi, *lo);
	return 0;
}

int ld_cmd_disassemble(struct ld_session *s, char *args)
{
	struct ld_code c;
	struct ld_code_view v = { .code = &c, .form = LD_CODE_FUNCTION };
	char name[128], *comma;
	uint64_t lo, hi, addr;
	int r;

	if (modifiers(&args, &v) < 0)
		return -1;
	ld_trim_end(args);
	if ((comma = strchr(args, ','))) {
		v.form = LD_CODE_RANGE;
		if (parse_range(s, args, comma, &lo, &hi) < 0)
			return -1;
		name[0] = '\0';
	} else {
		/* before `run`, the program file's symbols and DWARF */
		if ((s->live.proc ? ld_eval_addr(s, "disassemble", *args ? args : "$pc", &addr) :
		     ld_expr_address(s, "disassemble", *args ? args : "$pc", &addr)) < 0)
			return -1;
		if (ld_code_function(s, "disassemble", addr, name, sizeof name,
				     &lo, &hi) < 0)
			return -1;
	}
	if (ld_code_range(s, lo, hi, v.source, &c) < 0)
		return -1;
	snprintf(c.func, sizeof c.func, "%s", name);
	r = ld_show_code(&v);
	ld_code_release(&c);
	return r;
}
