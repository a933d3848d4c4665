/* info proc mappings, info brk, info aslr: text or --json. */
#include <inttypes.h>
#include <stdio.h>

#include "layoutdbg/json.h"
#include "layoutdbg/jsonout.h"
#include "layoutdbg/output.h"
#include "layoutdbg/procview.h"
#include "layoutdbg/render.h"

static int proc_json(const char *command, pid_t pid, const struct ld_maps *m)
{
	json_t *d = ld_jdoc(command);

	ld_jset(d, "pid", json_integer(pid));
	return ld_emit_json(ld_jset(d, "mappings", ld_json_mappings(m)) < 0 ?
			    (json_decref(d), NULL) : d);
}

int ld_show_proc_mappings(pid_t pid, const struct ld_maps *m)
{
	if (ld_json_on())
		return proc_json("info proc mappings", pid, m);
	ld_out("process %d\nMapped address spaces:\n\n", (int)pid);
	ld_render_gdb_mappings(stdout, m);
	fflush(stdout);
	return 0;
}

/* The lines as the kernel prints them, nothing around them, so the text
 * can be compared with (or stand in for) /proc/PID/maps itself. */
int ld_show_proc_maps(pid_t pid, const struct ld_maps *m)
{
	size_t i;

	if (ld_json_on())
		return proc_json("info proc maps", pid, m);
	for (i = 0; i < m->n; i++)
		ld_render_maps_line(stdout, &m->v[i]);
	fflush(stdout);
	return 0;
}

/* How start_brk relates to the end of .bss, in words: a gap above it
 * normally; below it (never an unsigned wrap) when the kernel put the
 * heap elsewhere. */
static void bss_relation(uint64_t bss_end, uint64_t start, bool apart)
{
	char h[32];

	if (start >= bss_end) {
		ld_out("end of .bss    0x%" PRIx64 "  (gap to start_brk: 0x%" PRIx64
		       ", %s)\n", bss_end, start - bss_end,
		       ld_human_size(start - bss_end, h, sizeof h));
		return;
	}
	ld_out("end of .bss    0x%" PRIx64 "  (start_brk is 0x%" PRIx64 " (%s) "
	       "below it: %s)\n", bss_end, bss_end - start,
	       ld_human_size(bss_end - start, h, sizeof h),
	       apart ? "static-pie, so the kernel put the heap at "
		       "ELF_ET_DYN_BASE, apart from the program"
		     : "the heap is not placed after the program's data");
}

static int brk_json(const struct ld_brk_view *v)
{
	json_t *d = ld_jdoc("info brk");

	ld_json_put_u64(d, "start_brk", v->start_brk);
	ld_json_put_u64(d, "brk", v->brk);
	ld_json_put_u64(d, "heap_size", v->brk - v->start_brk);
	if (v->bss_end) {
		ld_json_put_u64(d, "bss_end", v->bss_end);
		json_object_set_new(d, "start_brk_after_bss",
				    json_boolean(v->start_brk >= v->bss_end));
	}
	return ld_emit_json(d);
}

int ld_show_brk(const struct ld_brk_view *v)
{
	uint64_t start = v->start_brk, cur = v->brk;
	char h[32];

	if (ld_json_on())
		return brk_json(v);
	ld_out("start_brk      0x%" PRIx64 "\n", start);
	ld_out("brk            0x%" PRIx64 "%s\n", cur,
	       cur == start ? "  (no heap yet)" : "");
	ld_out("heap size      0x%" PRIx64 " (%s)\n", cur - start,
	       ld_human_size(cur - start, h, sizeof h));
	if (v->bss_end)
		bss_relation(v->bss_end, start, v->apart);
	return 0;
}

int ld_show_aslr(const struct ld_aslr_view *v)
{
	static const char *what[] = { "off", "on (stack, mmap, vdso; not brk)",
				      "on (full, brk included)" };
	int r = v->randomize_va_space;

	if (ld_json_on()) {
		json_t *d = ld_jdoc("info aslr");

		ld_jset(d, "randomize_va_space", json_integer(r));
		ld_jset(d, "disable_randomization", json_boolean(!v->new_randomized));
		if (v->pid)
			ld_jset(d, "process_randomized", json_boolean(v->proc_randomized));
		return ld_emit_json(d);
	}
	ld_out("System: /proc/sys/kernel/randomize_va_space = %d: %s\n", r,
	       r >= 0 && r <= 2 ? what[r] : "unknown");
	ld_out("New processes: address randomization %s "
	       "(set disable-randomization %s)\n", v->new_randomized ? "on" : "off",
	       v->new_randomized ? "off" : "on");
	if (v->pid)
		ld_out("Process %d: %s\n", (int)v->pid,
		       v->proc_randomized ? "randomized" : "not randomized");
	return 0;
}
