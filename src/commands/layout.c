/* The process's address space as the kernel sees it: info proc,
 * info brk, info aslr (vmmap, layout and xinfo are in views.c). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "layoutdbg/capture.h"
#include "layoutdbg/args.h"
#include "layoutdbg/error.h"
#include "layoutdbg/layout.h"
#include "layoutdbg/procview.h"
#include "layoutdbg/pagescmd.h"

static int info_proc_mappings(struct ld_session *s, bool raw)
{
	const struct ld_maps *m = ld_session_maps(s);

	if (!m)
		return -1;
	return raw ? ld_show_proc_maps(s->live.proc->pid, m)
		   : ld_show_proc_mappings(s->live.proc->pid, m);
}

int ld_cmd_info_proc(struct ld_session *s, char *args)
{
	char *w = ld_next_word(&args);

	if (!w || !strcmp(w, "mappings") || !strcmp(w, "maps"))
		return info_proc_mappings(s, w && !strcmp(w, "maps"));
	if (!strcmp(w, "smaps") || !strcmp(w, "smaps_rollup"))
		return ld_cmd_info_proc_smaps(s, args, w[5] == '_');
	return ld_error("info proc %s: unknown; try `info proc mappings`, "
			"`info proc maps`, `info proc smaps` or "
			"`info proc smaps_rollup`", w);
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
	for (i = 0; i < s->live.objs.n; i++) {
		struct ld_obj *ob = &s->live.objs.v[i];
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

int ld_cmd_info_brk(struct ld_session *s, char *args)
{
	struct ld_brk_view v = { 0 };
	int r = ld_session_brk(s, &v.start_brk, &v.brk);

	if (r == -EBUSY)
		return ld_error("info brk: the thread is inside a system call; "
				"continue to its return first");
	if (r)
		return ld_error("info brk: the break is unknown: %s", strerror(-r));
	v.bss_end = data_end(s, &v.apart);
	return ld_show_brk(&v);
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
	struct ld_aslr_view v = {
		.randomize_va_space =
			read_sysctl_int("/proc/sys/kernel/randomize_va_space", -1),
		.new_randomized = s->settings.aslr,
		.pid = s->live.proc ? s->live.proc->pid : 0,
		.proc_randomized = s->live.proc_aslr,
	};

	return ld_show_aslr(&v);
}
