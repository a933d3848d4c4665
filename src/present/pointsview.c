/* Printed pointers: where each points in the layout, in words or JSON. */
#include <inttypes.h>
#include <stdio.h>

#include "layoutdbg/json.h"
#include "layoutdbg/pointsview.h"

/* " <stack, thread 1, frame #2>" and the other layout notes. */
static void layout_note(const struct ld_points_to *p, char *buf, size_t len)
{
	switch (p->kind) {
	case LD_PT_NULL:
		snprintf(buf, len, " <null>");
		break;
	case LD_PT_UNMAPPED:
		snprintf(buf, len, " <unmapped>");
		break;
	case LD_PT_SYMBOL:
		if (p->code)
			snprintf(buf, len, " <%s>", p->symbol);
		else
			snprintf(buf, len, " <%s> (%s%s%s)", p->symbol, p->object,
				 p->section[0] ? " " : "", p->section);
		break;
	case LD_PT_REGION:
		snprintf(buf, len, " <%s%s%s+0x%" PRIx64 ">", p->region,
			 p->section[0] ? " " : "", p->section, p->region_off);
		break;
	case LD_PT_STACK:
		if (p->frame >= 0)
			snprintf(buf, len, " <stack, thread %d, frame #%d>",
				 p->thread, p->frame);
		else
			snprintf(buf, len, " <stack, thread %d>", p->thread);
		break;
	case LD_PT_TLS:
		snprintf(buf, len, " <TLS of thread %d>", p->thread);
		break;
	}
}

const char *ld_points_to_note(const struct ld_points_to *p, bool layout,
			      char *buf, size_t len)
{
	if (len)
		buf[0] = 0;
	if (layout)
		layout_note(p, buf, len);
	else if (p->kind == LD_PT_SYMBOL)
		snprintf(buf, len, " <%s>", p->symbol);
	return buf;
}

const char *ld_points_to_text(struct ld_session *s, uint64_t addr,
			      char *buf, size_t len)
{
	struct ld_points_to p;
	char note[600] = "";
	int r = ld_points_to(s, addr, &p);

	if (r == 0)
		ld_points_to_note(&p, s->settings.print_layout, note, sizeof note);
	snprintf(buf, len, "0x%" PRIx64 "%s", addr, note);
	return buf;
}

json_t *ld_points_to_json(const struct ld_points_to *p)
{
	json_t *o = json_object();

	ld_jset(o, "kind", json_string(ld_pt_kind_name(p->kind)));
	if (p->object[0])
		ld_json_put_text(o, "object", p->object);
	if (p->section[0])
		ld_json_put_text(o, "section", p->section);
	if (p->kind == LD_PT_SYMBOL) {
		ld_json_put_text(o, "symbol", p->symbol);
		ld_jset(o, "code", json_boolean(p->code));
	}
	if (p->kind == LD_PT_REGION) {
		ld_json_put_text(o, "region", p->region);
		ld_json_put_u64(o, "region_offset", p->region_off);
	}
	if (p->kind == LD_PT_STACK || p->kind == LD_PT_TLS)
		ld_jset(o, "thread", json_integer(p->thread));
	if (p->kind == LD_PT_STACK && p->frame >= 0)
		ld_jset(o, "frame", json_integer(p->frame));
	return o;
}
