/* Data: x (examine memory), info registers. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/args.h"
#include "layoutdbg/data.h"
#include "layoutdbg/error.h"
#include "layoutdbg/export.h"
#include "layoutdbg/jsonout.h"
#include "layoutdbg/output.h"

int ld_cmd_info_registers(struct ld_session *s, char *args)
{
	struct ld_thread *t = ld_session_thread(s);
	char *want = ld_next_word(&args);
	ld_regs r;
	size_t i, shown = 0;
	int e;

	if (!t)
		return -1;
	if ((e = ld_regs_get(t->tid, &r)))
		return ld_error("info registers: thread %d: %s", (int)t->tid,
				strerror(-e));
	if (ld_json_on()) {
		json_t *d = ld_jdoc("info registers"), *regs = ld_json_registers(&r);

		/* info registers REG: that one only, as in text */
		if (want && regs) {
			const char *name = want[0] == '$' ? want + 1 : want;
			json_t *one = json_object(), *v = json_object_get(regs, name);
			char hex[64];

			snprintf(hex, sizeof hex, "%s_hex", name);
			if (!v) {
				json_decref(one);
				json_decref(regs);
				json_decref(d);
				return ld_error("info registers: no register \"%s\"", want);
			}
			json_object_set(one, name, v);
			json_object_set(one, hex, json_object_get(regs, hex));
			json_decref(regs);
			regs = one;
		}
		ld_jset(d, "tid", json_integer(t->tid));
		ld_jset(d, "thread", json_integer(t->num));
		ld_jset(d, "registers", regs);
		return ld_emit_json(d);
	}
	for (i = 0; i < ld_nregs; i++) {
		uint64_t v = ld_reg_value(&r, &ld_reg_descs[i]);
		const char *name = ld_reg_descs[i].name;

		if (want && strcmp(want, name) && !(want[0] == '$' && !strcmp(want + 1, name)))
			continue;
		if (!strcmp(name, "rip")) {
			char sym[256];

			ld_out("%-15s0x%-18" PRIx64 "0x%" PRIx64 " <%s>\n", name, v, v,
			       ld_session_symbolize(s, v, sym, sizeof sym));
		} else if (!strcmp(name, "rsp") || !strcmp(name, "rbp")) {
			ld_out("%-15s0x%-18" PRIx64 "0x%" PRIx64 "\n", name, v, v);
		} else {
			ld_out("%-15s0x%-18" PRIx64 "%" PRId64 "\n", name, v, (int64_t)v);
		}
		shown++;
	}
	if (want && !shown)
		return ld_error("info registers: no register \"%s\"", want);
	return 0;
}

/* x/NFU ADDR: gdb's examine, for x (hex), d, u, o, t, c, s, a formats and
 * b, h, w, g units. */
int ld_cmd_x(struct ld_session *s, char *args)
{
	unsigned long count = 1;
	char fmt = 'x', unit = 'w', *expr;
	uint64_t addr = 0;
	unsigned i;

	if (*args == '/') {
		char *p = args + 1;

		if (isdigit((unsigned char)*p))
			count = strtoul(p, &p, 10);
		while (*p && !isspace((unsigned char)*p)) {
			if (strchr("xduotcsa", *p))
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
	if (ld_eval_addr(s, "x", expr, &addr) < 0)
		return -1;
	if (fmt == 'a')
		unit = 'g';
	if (fmt == 'c')
		unit = 'b';
	if (fmt == 's') {
		for (i = 0; i < count; i++) {
			char str[4096];
			int r = ld_mem_read_string(s->cur_tid, addr, str, sizeof str);

			if (r && !str[0])
				return ld_error("x: cannot access memory at 0x%" PRIx64, addr);
			ld_out("0x%" PRIx64 ":\t\"%s\"\n", addr, str);
			addr += strlen(str) + 1;
		}
		return 0;
	}
	{
		size_t sz = unit == 'b' ? 1 : unit == 'h' ? 2 : unit == 'w' ? 4 : 8;
		size_t per = sz == 1 ? 8 : sz == 2 ? 8 : sz == 4 ? 4 : 2;
		unsigned char *buf = malloc(count * sz);
		int r;

		if (!buf)
			return ld_error("x: %s", strerror(ENOMEM));
		r = ld_session_read(s, addr, buf, count * sz);
		if (r) {
			free(buf);
			return ld_error("x: cannot access memory at 0x%" PRIx64 ": %s",
					addr, strerror(-r));
		}
		if (ld_json_on()) {
			json_t *d = ld_jdoc("x"), *vals = json_array();

			ld_json_put_u64(d, "address", addr);
			ld_jset(d, "unit_size", json_integer((json_int_t)sz));
			for (i = 0; i < count; i++) {
				uint64_t v = 0;
				json_t *o = json_object();

				memcpy(&v, buf + i * sz, sz);
				ld_json_put_u64(o, "value", v);
				json_array_append_new(vals, o);
			}
			ld_jset(d, "values", vals);
			free(buf);
			return ld_emit_json(d);
		}
		for (i = 0; i < count; i++) {
			uint64_t v = 0;
			char sym[256];

			memcpy(&v, buf + i * sz, sz);
			if (i % per == 0)
				ld_out("%s0x%" PRIx64 " <%s>:", i ? "\n" : "", addr + i * sz,
				       ld_session_symbolize(s, addr + i * sz, sym, sizeof sym));
			switch (fmt) {
			case 'd': {
				int64_t sv = sz == 8 ? (int64_t)v : sz == 4 ? (int32_t)v :
					     sz == 2 ? (int16_t)v : (int8_t)v;

				ld_out("\t%" PRId64, sv);
				break;
			}
			case 'u': ld_out("\t%" PRIu64, v); break;
			case 'o': ld_out("\t0%" PRIo64, v); break;
			case 't': {
				int b;

				ld_out("\t");
				for (b = (int)sz * 8 - 1; b >= 0; b--)
					ld_out("%d", (int)((v >> b) & 1));
				break;
			}
			case 'c':
				ld_out("\t%d '%c'", (int)(signed char)v,
				       isprint((int)v) ? (int)v : '.');
				break;
			case 'a':
				ld_out("\t0x%" PRIx64 " <%s>", v,
				       ld_session_symbolize(s, v, sym, sizeof sym));
				break;
			default:
				ld_out("\t0x%0*" PRIx64, (int)sz * 2, v);
			}
		}
		ld_out("\n");
		free(buf);
	}
	return 0;
}
