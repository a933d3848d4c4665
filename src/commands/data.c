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
#include "layoutdbg/output.h"
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
	v.layout = s->settings.print_layout ? s : NULL;
	return ld_show_registers(&v);
}

/* What x remembers between commands, as gdb does: the last format and
 * unit size (a new x without /FMT takes them), the last count (`x` alone
 * repeats it) and where the last one ended (`x` without an address goes
 * on from there).  One a layoutdbg, like gdb's. */
static struct {
	char fmt, unit;
	unsigned long count;
	uint64_t next;
	bool have_next;
} xlast = { 'x', 'w', 1, 0, false };

/* gdb's $_ (the last unit examined, an intN_t *) and $__ (its contents;
 * void for strings and instructions: contents NULL). */
static void set_last(struct ld_session *s, uint64_t at, unsigned size,
		     const unsigned char *contents)
{
	static const enum ld_synth by_size[9] = { [1] = SY_I8, [2] = SY_I16,
						  [4] = SY_I32, [8] = SY_I64 };
	uint64_t v = 0;

	ld_conv_set_scalar(&s->live.conv, "_", by_size[contents ? size : 1], 1, at);
	if (contents)
		memcpy(&v, contents, size);
	ld_conv_set_scalar(&s->live.conv, "__", contents ? by_size[size] : SY_VOID, 0, v);
}

/* x/s: count strings from addr on, each cut at LD_XSTRING_MAX
 * characters; read through ld_session_read, so a breakpoint's int3 is
 * never shown. */
static int examine_strings(struct ld_session *s, uint64_t addr,
			   unsigned long count)
{
	struct ld_xstrings_out o;
	unsigned long i;

	ld_xstrings_begin(&o, addr);
	for (i = 0; i < count; i++) {
		struct ld_examine x = { .addr = addr, .sym = ld_symbolize_cb,
					.sym_ctx = s };
		char str[LD_XSTRING_MAX + 1];
		size_t n = 0;

		if (!ld_session_read_any(s, addr, str, sizeof str))
			n = strnlen(str, LD_XSTRING_MAX);
		else    /* the string may end before an unreadable page */
			while (n < LD_XSTRING_MAX &&
			       !ld_session_read_any(s, addr + n, str + n, 1) && str[n])
				n++;
		if (n < LD_XSTRING_MAX && ld_session_read_any(s, addr + n, str + n, 1)) {
			ld_xstrings_end(&o, false);
			return ld_error("x: cannot access memory at 0x%" PRIx64,
					addr + n);
		}
		str[n] = 0;
		ld_show_xstring(&o, &x, str, n, n == LD_XSTRING_MAX);
		set_last(s, addr, 1, NULL);
		addr += n + (n < LD_XSTRING_MAX);
		xlast.next = addr;
	}
	return ld_xstrings_end(&o, true);
}

/* x/sh, x/sw: count strings of 2- or 4-byte units (UTF-16, UTF-32), each
 * cut at LD_XSTRING_MAX units. */
static int examine_wide(struct ld_session *s, uint64_t addr,
			unsigned long count, size_t width)
{
	struct ld_xstrings_out o;

	ld_xstrings_begin(&o, addr);
	for (unsigned long i = 0; i < count; i++) {
		struct ld_examine x = { .addr = addr, .sym = ld_symbolize_cb,
					.sym_ctx = s, .size = width };
		uint32_t u[LD_XSTRING_MAX];
		size_t n = 0;

		for (; n < LD_XSTRING_MAX; n++) {
			u[n] = 0;
			if (ld_session_read_any(s, addr + n * width, &u[n], width)) {
				ld_xstrings_end(&o, false);
				return ld_error("x: cannot access memory at 0x%" PRIx64,
						addr + n * width);
			}
			if (!u[n])
				break;
		}
		ld_show_xwstring(&o, &x, u, n, n == LD_XSTRING_MAX);
		addr += (n + (n < LD_XSTRING_MAX)) * width;
		xlast.next = addr;
	}
	return ld_xstrings_end(&o, true);
}

/* The units of [addr, addr + want * size) that read: all of them, or
 * those before the first unreadable one (*err: why it is not). */
static size_t read_units(struct ld_session *s, uint64_t addr, size_t want,
			 size_t size, unsigned char *buf, int *err)
{
	size_t n = 0;

	if (!(*err = ld_session_read_any(s, addr, buf, want * size)))
		return want;
	while (n < want && !(*err = ld_session_read_any(s, addr + n * size,
						      buf + n * size, size)))
		n++;
	return n;
}

/* count units of format fmt from addr on. */
static int examine_units(struct ld_session *s, uint64_t addr,
			 unsigned long count, char fmt, char unit)
{
	struct ld_examine x = { .addr = addr, .fmt = fmt, .sym = ld_symbolize_cb,
				.sym_ctx = s, .session = s,
				.layout = s->settings.print_layout };
	unsigned char *buf;
	int r, err = 0;

	x.size = unit == 'b' ? 1 : unit == 'h' ? 2 : unit == 'w' ? 4 : 8;
	buf = malloc(count * x.size + 1);
	if (!buf)
		return ld_error("x: %s", strerror(ENOMEM));
	x.count = read_units(s, addr, count, x.size, buf, &err);
	x.buf = buf;
	if (x.count)
		set_last(s, addr + (x.count - 1) * x.size, x.size,
			 buf + (x.count - 1) * x.size);
	/* --json: an error alone stands for the command */
	r = x.count == count || !ld_json_on() ? ld_show_examine(&x) : 0;
	free(buf);
	xlast.next = addr + x.count * x.size;
	if (x.count < count)
		return ld_error("x: cannot access memory at 0x%" PRIx64 ": %s",
				addr + x.count * x.size, strerror(-err));
	return r;
}

/* The unit a format takes when /FMT names none (gdb's rules: an address
 * is a giant word, a float a word or giant word, a char a byte). */
static char default_unit(char fmt)
{
	char last = xlast.unit;

	switch (fmt) {
	case 'a': return 'g';
	case 'c': case 's': return 'b';
	case 'f': return last == 'w' || last == 'g' ? last : 'g';
	default: return last;
	}
}

/* /NFU after x: count (negative: that many units before the address),
 * format and unit; *args moves past it. */
static int parse_fmt(char **args, long *count, char *fmt, char *unit)
{
	char *p = *args + 1;

	if (*p == '-' || isdigit((unsigned char)*p)) {
		errno = 0;
		*count = strtol(p, &p, 10);
		/* gdb prints nothing for 0; here it is a mistake said */
		if (errno || !*count || *count < -65536 || *count > 65536)
			return ld_error("x: count must be from 1 to 65536");
	}
	for (; *p && !isspace((unsigned char)*p); p++) {
		if (strchr("xzduotcsafi", *p))
			*fmt = *p;
		else if (strchr("bhwg", *p))
			*unit = *p;
		else
			return ld_error("x: unknown format letter '%c'", *p);
	}
	*args = p;
	return 0;
}

static int examine(struct ld_session *s, uint64_t addr, long count, char fmt,
		   char unit)
{
	if (fmt == 's' && unit == 'g')
		return ld_error("x: /s takes units b, h or w (8-byte characters are none)");
	if (fmt == 's' || fmt == 'i') {
		if (count < 0)
			return ld_error("x: a negative count with /%c is not supported",
					fmt);
		if (fmt == 's' && unit != 'b')
			return examine_wide(s, addr, (unsigned long)count,
					    unit == 'h' ? 2 : 4);
		if (fmt == 's')
			return examine_strings(s, addr, (unsigned long)count);
		return ld_examine_insns(s, addr, (size_t)count, &xlast.next);
	}
	if (fmt == 'a')
		unit = 'g';     /* a pointer whatever the unit */
	if (count < 0) {
		unsigned long n = (unsigned long)-count;

		addr -= n * (unit == 'b' ? 1 : unit == 'h' ? 2 : unit == 'w' ? 4 : 8);
		count = (long)n;
	}
	return examine_units(s, addr, (unsigned long)count, fmt, unit);
}

/* x[/NFU] [ADDR]: gdb's examine, in every format of gdb's (x z d u o t c
 * a f s i) and unit (b h w g), remembering as gdb does. */
int ld_cmd_x(struct ld_session *s, char *args)
{
	long count = 1;
	char fmt = xlast.fmt, unit = 0, *expr;
	bool slash = *args == '/';
	uint64_t addr = xlast.next;

	if (slash && parse_fmt(&args, &count, &fmt, &unit) < 0)
		return -1;
	ld_trim_end(args);
	expr = ld_skip_ws(args);
	if (!*expr && !slash)
		count = (long)xlast.count;
	if (!*expr && !xlast.have_next)
		return ld_error("x: an address is needed");
	if (*expr && ld_expr_address(s, "x", expr, &addr) < 0)
		return -1;
	if (!unit)
		unit = fmt == 'i' ? xlast.unit : default_unit(fmt);
	xlast.fmt = fmt;
	xlast.unit = fmt == 'a' ? 'g' : fmt == 's' ? 'b' : unit;  /* gdb's, even after x/sw */
	xlast.count = (unsigned long)(count < 0 ? -count : count);
	xlast.have_next = true;
	xlast.next = addr;
	return examine(s, addr, count, fmt, unit);
}
