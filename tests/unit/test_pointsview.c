/* The words a placed pointer is printed with (pointsview.h), for every
 * kind, with the layout on and off (off: gdb's `<sym+off>` or nothing),
 * and without a process (the bare address).  The kinds themselves are
 * checked against /proc/PID/maps by tests/e2e/test_pointsto.py. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "layoutdbg/pointsview.h"

static const char *note(const struct ld_points_to *p, bool layout)
{
	static char buf[700];

	return ld_points_to_note(p, layout, buf, sizeof buf);
}

static bool test_kinds(void)
{
	struct ld_points_to p = { .kind = LD_PT_NULL, .frame = -1 };

	CHECK(!strcmp(note(&p, true), " <null>") && !strcmp(note(&p, false), ""));
	p.kind = LD_PT_UNMAPPED;
	CHECK(!strcmp(note(&p, true), " <unmapped>") && !strcmp(note(&p, false), ""));
	p = (struct ld_points_to){ .kind = LD_PT_REGION, .region = "[heap]",
				   .region_off = 0x2a0, .frame = -1 };
	CHECK(!strcmp(note(&p, true), " <[heap]+0x2a0>") && !strcmp(note(&p, false), ""));
	p = (struct ld_points_to){ .kind = LD_PT_REGION, .region = "libc.so.6",
				   .object = "libc.so.6", .section = ".rodata",
				   .region_off = 0x10, .frame = -1 };
	CHECK(!strcmp(note(&p, true), " <libc.so.6 .rodata+0x10>"));
	p = (struct ld_points_to){ .kind = LD_PT_SYMBOL, .symbol = "main_arena",
				   .object = "libc.so.6", .section = ".data", .frame = -1 };
	CHECK(!strcmp(note(&p, true), " <main_arena> (libc.so.6 .data)"));
	CHECK(!strcmp(note(&p, false), " <main_arena>"));
	p.code = true;
	snprintf(p.symbol, sizeof p.symbol, "main+4");
	CHECK(!strcmp(note(&p, true), " <main+4>") && !strcmp(note(&p, false), " <main+4>"));
	p = (struct ld_points_to){ .kind = LD_PT_STACK, .thread = 1, .frame = 2 };
	CHECK(!strcmp(note(&p, true), " <stack, thread 1, frame #2>"));
	p.frame = -1;
	CHECK(!strcmp(note(&p, true), " <stack, thread 1>") && !strcmp(note(&p, false), ""));
	p = (struct ld_points_to){ .kind = LD_PT_TLS, .thread = 3, .frame = -1 };
	CHECK(!strcmp(note(&p, true), " <TLS of thread 3>"));
	return true;
}

static bool test_json(void)
{
	struct ld_points_to p = { .kind = LD_PT_STACK, .thread = 2, .frame = 1 };
	json_t *o = ld_points_to_json(&p);
	char *s = json_dumps(o, JSON_COMPACT);
	bool good = s && !strcmp(s, "{\"kind\":\"stack\",\"thread\":2,\"frame\":1}");

	free(s);
	json_decref(o);
	CHECK(good);
	return true;
}

static bool test_no_process(void)
{
	static struct ld_session s;
	char buf[64];

	ld_session_init(&s);
	CHECK(!strcmp(ld_points_to_text(&s, 0x401136, buf, sizeof buf), "0x401136"));
	CHECK(!strcmp(ld_points_to_text(&s, 0, buf, sizeof buf), "0x0 <null>"));
	CHECK(!strcmp(ld_points_to_text(&s, 0x5555555592a0, buf, 8), "0x55555"));
	ld_session_release(&s);
	return true;
}

int main(void)
{
	run("each kind's note, layout on and off", test_kinds);
	run("the points_to JSON object", test_json);
	run("without a process: the bare address, null still null, cut to len",
	    test_no_process);
	return tap_done();
}
