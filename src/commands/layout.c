/* The process's address space as the kernel sees it: info proc,
 * info brk, info aslr (vmmap, layout and xinfo are in views.c). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "layoutdbg/args.h"
#include "layoutdbg/error.h"
#include "layoutdbg/export.h"
#include "layoutdbg/jsonout.h"
#include "layoutdbg/layout.h"
#include "layoutdbg/output.h"
#include "layoutdbg/render.h"
#include "layoutdbg/resident.h"

static int info_proc_mappings(struct ld_session *s, char *args)
{
	const struct ld_maps *m = ld_session_maps(s);
	size_t i;

	if (!m)
		return -1;
	if (ld_json_on()) {
		json_t *d = ld_jdoc("info proc mappings");

		ld_jset(d, "pid", json_integer(s->proc->pid));
		return ld_emit_json(ld_jset(d, "mappings", ld_json_mappings(m)) < 0 ?
				    (json_decref(d), NULL) : d);
	}
	ld_out("process %d\nMapped address spaces:\n\n", (int)s->proc->pid);
	ld_render_gdb_mappings(stdout, m);
	ld_out("\n/proc/%d/maps at the same stop:\n", (int)s->proc->pid);
	for (i = 0; i < m->n; i++)
		ld_render_maps_line(stdout, &m->v[i]);
	fflush(stdout);
	return 0;
}

int ld_cmd_info_proc(struct ld_session *s, char *args)
{
	char *w = ld_next_word(&args);

	if (!w || !strcmp(w, "mappings"))
		return info_proc_mappings(s, args);
	if (!strcmp(w, "smaps") || !strcmp(w, "smaps_rollup"))
		return ld_cmd_info_proc_smaps(s, args, w[5] == '_');
	return ld_error("info proc %s: unknown; try `info proc mappings`, "
			"`info proc smaps` or `info proc smaps_rollup`", w);
}

/* The end of the program's data (its last PT_LOAD's memsz: .bss and any
 * NOBITS after it), where the kernel puts start_brk for a program with
 * an interpreter (fs/binfmt_elf.c, elf_brk).  0 when not known; *apart
 * is set for static-pie (ET_DYN without PT_INTERP), whose break the
 * kernel puts at ELF_ET_DYN_BASE instead, away from the program. */
static uint64_t data_end(struct ld_session *s, bool *apart)
{
	uint64_t end = 0;
	size_t i, k;

	*apart = false;
	for (i = 0; i < s->objs.n; i++) {
		struct ld_obj *ob = &s->objs.v[i];
		struct ld_elf *e = ob->is_exe ? ld_obj_elf(ob) : NULL;

		if (e)
			*apart = ld_elf_type(e) == 3 /* ET_DYN */ && !ld_elf_interp(e);
		for (k = 0; e && k < ld_elf_nsegments(e); k++) {
			const struct ld_segment *g = ld_elf_segment(e, k);

			if (g->type == 1 /* PT_LOAD */ && ob->bias + g->vaddr + g->memsz > end)
				end = ob->bias + g->vaddr + g->memsz;
		}
	}
	return end;
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

int ld_cmd_info_brk(struct ld_session *s, char *args)
{
	uint64_t start, cur, bss_end;
	bool apart;
	char h[32];
	int r = ld_session_brk(s, &start, &cur);

	if (r == -EBUSY)
		return ld_error("info brk: the thread is inside a system call; "
				"continue to its return first");
	if (r)
		return ld_error("info brk: the break is unknown: %s", strerror(-r));
	bss_end = data_end(s, &apart);
	if (ld_json_on()) {
		json_t *d = ld_jdoc("info brk");

		ld_json_put_u64(d, "start_brk", start);
		ld_json_put_u64(d, "brk", cur);
		ld_json_put_u64(d, "heap_size", cur - start);
		if (bss_end) {
			ld_json_put_u64(d, "bss_end", bss_end);
			json_object_set_new(d, "start_brk_after_bss",
					    json_boolean(start >= bss_end));
		}
		return ld_emit_json(d);
	}
	ld_out("start_brk      0x%" PRIx64 "\n", start);
	ld_out("brk            0x%" PRIx64 "%s\n", cur,
	       cur == start ? "  (no heap yet)" : "");
	ld_out("heap size      0x%" PRIx64 " (%s)\n", cur - start,
	       ld_human_size(cur - start, h, sizeof h));
	if (bss_end)
		bss_relation(bss_end, start, apart);
	return 0;
}

static int read_sysctl_int(const char *path, int dflt)
{
	FILE *f = fopen(path, "r");
	int v = dflt;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = dflt;
		fclose(f);
	}
	return v;
}

int ld_cmd_info_aslr(struct ld_session *s, char *args)
{
	static const char *what[] = { "off", "on (stack, mmap, vdso; not brk)",
				      "on (full, brk included)" };
	int v = read_sysctl_int("/proc/sys/kernel/randomize_va_space", -1);

	if (ld_json_on()) {
		json_t *d = ld_jdoc("info aslr");

		ld_jset(d, "randomize_va_space", json_integer(v));
		ld_jset(d, "disable_randomization", json_boolean(!s->aslr));
		if (s->proc)
			ld_jset(d, "process_randomized", json_boolean(s->proc_aslr));
		return ld_emit_json(d);
	}

	ld_out("System: /proc/sys/kernel/randomize_va_space = %d: %s\n", v,
	       v >= 0 && v <= 2 ? what[v] : "unknown");
	ld_out("New processes: address randomization %s "
	       "(set disable-randomization %s)\n", s->aslr ? "on" : "off",
	       s->aslr ? "off" : "on");
	if (s->proc)
		ld_out("Process %d: %s\n", (int)s->proc->pid,
		       s->proc_aslr ? "randomized" : "not randomized");
	return 0;
}
