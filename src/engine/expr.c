/* Address expressions: a number, $register, SYMBOL[@LIB][+OFFSET]. */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/elf.h"
#include "layoutdbg/error.h"
#include "layoutdbg/demangle.h"
#include "layoutdbg/expr.h"
#include "layoutdbg/objs.h"
#include "layoutdbg/regtable.h"
#include "layoutdbg/session.h"

/* An address: a number, $register, SYMBOL or SYMBOL+OFFSET. */
int ld_eval_addr(struct ld_session *s, const char *what, const char *expr,
		 uint64_t *out)
{
	char buf[512], *plus, *end;
	uint64_t off = 0;

	snprintf(buf, sizeof buf, "%s", expr);
	if ((plus = strchr(buf, '+'))) {
		*plus++ = 0;
		errno = 0;
		off = strtoull(plus, &end, 0);
		if (errno || *end || end == plus)
			return ld_error("%s: \"%s\": bad offset \"%s\"", what, expr, plus);
	}
	if (buf[0] == '&')
		memmove(buf, buf + 1, strlen(buf));
	if (isdigit((unsigned char)buf[0])) {
		errno = 0;
		*out = strtoull(buf, &end, 0);
		if (errno || *end)
			return ld_error("%s: \"%s\": not an address", what, expr);
	} else if (buf[0] == '$') {
		struct ld_thread *t = s->live.proc ? ld_session_thread(s) : NULL;
		const struct ld_reg_desc *d = ld_reg_by_name(buf + 1);
		ld_regs r;

		if (!t || ld_tregs(t, &r))
			return ld_error("%s: \"%s\": no registers: no process", what,
					expr);
		/* as gdb: $pc and $sp of the selected frame */
		if (s->live.frame > 0 && d && (d->offset == offsetof(ld_regs, rip) ||
					  d->offset == offsetof(ld_regs, rsp))) {
			struct ld_frames fs = { 0 };
			int n = ld_session_stack(s, t->tid, (size_t)s->live.frame + 1, &fs);

			if (n > s->live.frame) {
				r.rip = fs.v[s->live.frame].pc;
				r.rsp = fs.v[s->live.frame].sp;
			}
			ld_frames_release(&fs);
			if (n <= s->live.frame)
				return ld_error("%s: \"%s\": cannot unwind to frame %d",
						what, expr, s->live.frame);
		}
		if (!d)
			return ld_error("%s: \"%s\": unknown register", what, expr);
		*out = ld_reg_value(&r, d);
	} else {
		struct ld_obj *ob;
		char *at = strchr(buf, '@');

		if (at)
			*at++ = 0;
		*out = ld_objs_resolve(&s->live.objs, buf, at, &ob);
		if (!ob)
			return ld_error("%s: no symbol \"%s\" in the loaded objects", what,
				buf);
	}
	*out += off;
	return 0;
}

const char *ld_symbolize_cb(void *session, uint64_t addr, char *buf,
			    size_t len)
{
	return ld_session_symbolize(session, addr, buf, len);
}

const char *ld_symbolize_linkage_cb(void *session, uint64_t addr, char *buf,
				    size_t len)
{
	struct ld_session *s = session;
	const struct ld_symbol *es = NULL;
	struct ld_obj *ob;
	uint64_t off = 0;
	size_t n;

	ld_session_symbolize(s, addr, buf, len);
	/* the symbol gdb would name, by its display name; its linkage name
	   only where that differs (a demangled name: "thrower" is
	   _Z7throweri) */
	if (!s->live.proc && s->program.exe)
		es = ld_elf_symbol_at(s->program.exe, addr, &off);
	else if (s->live.proc)
		es = ld_objs_symbol_at(&s->live.objs, addr, &ob, &off);
	n = es && es->display ? strlen(es->display) : 0;
	if (!n || strncmp(buf, es->display, n) || (buf[n] && buf[n] != '+'))
		return buf;
	if (off)
		snprintf(buf, len, "%s+%llu", es->name, (unsigned long long)off);
	else
		snprintf(buf, len, "%s", es->name);
	return ld_asm_label(s, buf, len);
}

const char *ld_asm_label(void *session, char *buf, size_t len)
{
	struct ld_session *s = session;
	size_t n = strcspn(buf, "@+");
	char name[512], *d;

	if (!s->settings.asm_demangle || !n || n >= sizeof name)
		return buf;
	memcpy(name, buf, n);
	name[n] = 0;
	if (!(d = ld_demangle(name, true)))
		return buf;
	/* the rest, @VERSION or @plt and +OFF, moves behind the new name */
	if (strlen(d) + strlen(buf + n) < len) {
		memmove(buf + strlen(d), buf + n, strlen(buf + n) + 1);
		memcpy(buf, d, strlen(d));
	}
	free(d);
	return buf;
}
