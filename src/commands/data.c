/* Data: x (examine memory), info registers. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/args.h"
#include "layoutdbg/data.h"
#include "layoutdbg/disas.h"
#include "layoutdbg/error.h"
#include "layoutdbg/examine.h"
#include "layoutdbg/expr.h"
#include "layoutdbg/regs.h"
#include "layoutdbg/valcmd.h"

int ld_cmd_info_registers(struct ld_session *s, char *args)
{
	struct ld_thread *t = ld_session_thread(s);
	struct ld_regs_view v = { 0 };
	int e;

	if (!t)
		return -1;
	if ((e = ld_tregs(t, &v.regs)))
		return ld_error("info registers: thread %d: %s", (int)t->tid,
				strerror(-e));
	v.tid = t->tid;
	v.thread = t->num;
	v.want = ld_next_word(&args);
	v.sym = ld_symbolize_cb;
	v.sym_ctx = s;
	return ld_show_registers(&v);
}

/* x/s: count strings from addr on. */
static int examine_strings(struct ld_session *s, uint64_t addr,
			   unsigned long count)
{
	struct ld_xstrings_out o;
	unsigned long i;

	ld_xstrings_begin(&o, addr);
	for (i = 0; i < count; i++) {
		struct ld_examine x = { .addr = addr, .sym = ld_symbolize_cb,
					.sym_ctx = s };
		char str[4096];
		int r = ld_mem_read_string(s->live.cur_tid, addr, str, sizeof str);

		if (r && !str[0]) {
			ld_xstrings_end(&o, false);
			return ld_error("x: cannot access memory at 0x%" PRIx64, addr);
		}
		ld_show_xstring(&o, &x, str);
		addr += strlen(str) + 1;
	}
	return ld_xstrings_end(&o, true);
}

/* count units of format fmt from addr on. */
static int examine_units(struct ld_session *s, uint64_t addr,
			 unsigned long count, char fmt, char unit)
{
	struct ld_examine x = { .addr = addr, .fmt = fmt, .count = count,
				.sym = ld_symbolize_cb, .sym_ctx = s };
	unsigned char *buf;
	int r;

	x.size = unit == 'b' ? 1 : unit == 'h' ? 2 : unit == 'w' ? 4 : 8;
	buf = malloc(count * x.size);
	if (!buf)
		return ld_error("x: %s", strerror(ENOMEM));
	r = ld_session_read(s, addr, buf, count * x.size);
	if (r) {
		free(buf);
		return ld_error("x: cannot access memory at 0x%" PRIx64 ": %s",
				addr, strerror(-r));
	}
	x.buf = buf;
	r = ld_show_examine(&x);
	free(buf);
	return r;
}

/* x/NFU ADDR: gdb's examine, for x (hex), d, u, o, t, c, s, a, i formats and
 * b, h, w, g units. */
int ld_cmd_x(struct ld_session *s, char *args)
{
	unsigned long count = 1;
	char fmt = 'x', unit = 'w', *expr;
	uint64_t addr = 0;

	if (*args == '/') {
		char *p = args + 1;

		if (isdigit((unsigned char)*p))
			count = strtoul(p, &p, 10);
		while (*p && !isspace((unsigned char)*p)) {
			if (strchr("xduotcsai", *p))
				fmt = *p;
			else if (strchr("bhwg", *p))
				unit = *p;
			else
				return ld_error("x: unknown format letter '%c'", *p);
			p++;
		}
		args = p;
	}
	if (count == 0 || count > 65536)
		return ld_error("x: count must be from 1 to 65536");
	ld_trim_end(args);
	expr = ld_skip_ws(args);
	if (!*expr)
		return ld_error("x: an address is needed");
	if (ld_x_address(s, expr, &addr) < 0)
		return -1;
	if (fmt == 's')
		return examine_strings(s, addr, count);
	if (fmt == 'i')
		return ld_examine_insns(s, addr, count);
	if (fmt == 'a')
		unit = 'g';
	if (fmt == 'c')
		unit = 'b';
	return examine_units(s, addr, count, fmt, unit);
}
