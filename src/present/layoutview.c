/* `layout`: the address space as a column of blocks, the program break
 * marked, or the same blocks as JSON. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "layoutdbg/json.h"
#include "layoutdbg/layoutview.h"
#include "layoutdbg/output.h"

static const char *block_label(enum ld_block_kind b)
{
	static const char *l[] = {
		[LD_BLK_EXE] = "ELF segments", [LD_BLK_HEAP] = "Heap",
		[LD_BLK_DSO] = "Loaded DSOs", [LD_BLK_ANON] = "Anonymous",
		[LD_BLK_SPECIAL] = "vvar / vdso", [LD_BLK_STACK] = "Stack",
		[LD_BLK_VSYSCALL] = "vsyscall",
		[LD_BLK_THREAD_STACK] = "Thread stack", [LD_BLK_TLS] = "TLS",
		[LD_BLK_DEVZERO] = "/dev/zero", [LD_BLK_MEMFD] = "memfd",
		[LD_BLK_SHM] = "SysV shm", [LD_BLK_DELETED] = "Deleted file",
		[LD_BLK_FILE] = "Mapped file",
	};
	return l[b];
}

/* One name of mapping i for block b into one ("" for none): the thread
 * and the part of it ("thread 2 (LWP 123): stack", only ", guard page"
 * after that thread's other part), or the file's base name. */
static void one_name(const struct ld_layout *l, const struct ld_block *b,
		     size_t i, int *last_thread, char *one, size_t len)
{
	const struct ld_region *r = l->rg ? &l->rg[i] : NULL;
	const char *slash = strrchr(l->m->v[i].path, '/');

	one[0] = 0;
	if (r && (b->kind == LD_BLK_THREAD_STACK || b->kind == LD_BLK_TLS)) {
		const char *part = r->kind == LD_RK_GUARD ? "guard page" :
				   r->kind == LD_RK_TLS ? "TLS" : "stack";

		if (r->thread_num == *last_thread)
			snprintf(one, len, "%s", part);
		else
			snprintf(one, len, "thread %d (LWP %d): %s", r->thread_num,
				 (int)r->tid, part);
		*last_thread = r->thread_num;
	} else if (slash && b->kind != LD_BLK_ANON && b->kind != LD_BLK_DEVZERO) {
		snprintf(one, len, "%s", slash + 1);
	}
}

/* Whose block b is ("thread 2 (LWP 123): guard page, stack", or the names
 * of its files: "libc.so.6, ld.so"), into names; its length. */
static size_t block_names(const struct ld_layout *l, const struct ld_block *b,
			  char *names, size_t len)
{
	size_t i, used = 0;
	int last_thread = -1;

	for (i = b->first; i <= b->last; i++) {
		char one[256];
		int k;

		one_name(l, b, i, &last_thread, one, sizeof one);
		/* a file's name once (threads' parts are told apart by
		 * one_name) */
		if (!one[0] || (used && b->kind != LD_BLK_THREAD_STACK &&
				b->kind != LD_BLK_TLS && strstr(names, one)))
			continue;
		k = snprintf(names + used, len - used, "%s%s", used ? ", " : "", one);
		if (k > 0 && (size_t)k < len - used)
			used += (size_t)k;
	}
	return used;
}

/* "3 mappings, 1.2 MiB (200 KiB resident): libc.so.6, ld.so" */
static void block_detail(const struct ld_layout *l, const struct ld_block *b,
			 char *buf, size_t len)
{
	const struct ld_maps *m = l->m;
	uint64_t size = m->v[b->last].end - m->v[b->first].start;
	char h[32], names[512] = "", r[48] = "", hr[32];
	size_t used = b->kind == LD_BLK_EXE ? 0 : block_names(l, b, names, sizeof names);

	if (l->pg)
		snprintf(r, sizeof r, " (%s resident)",
			 ld_human_size(ld_block_rss(l, b) * 1024, hr, sizeof hr));
	snprintf(buf, len, "%zu mapping%s, %s%s%s%s", b->last - b->first + 1,
		 b->last == b->first ? "" : "s", ld_human_size(size, h, sizeof h),
		 r, used ? ": " : "", names);
}

static json_t *block_json(const struct ld_layout *l, size_t i)
{
	const struct ld_block *b = &l->v[i];
	const struct ld_maps *m = l->m;
	json_t *o = json_object();
	char detail[640];

	block_detail(l, b, detail, sizeof detail);
	ld_jset(o, "kind", json_string(block_label(b->kind)));
	if (l->pg)
		ld_jset(o, "rss", json_integer((json_int_t)ld_block_rss(l, b) * 1024));
	ld_json_put_u64(o, "start", m->v[b->first].start);
	ld_json_put_u64(o, "end", m->v[b->last].end);
	ld_jset(o, "mappings", json_integer((json_int_t)(b->last - b->first + 1)));
	ld_json_put_text(o, "detail", detail);
	ld_jset(o, "gap_before", json_boolean(i > 0 &&
		m->v[l->v[i - 1].last].end != m->v[b->first].start));
	return o;
}

static int layout_json(const struct ld_layout *l)
{
	json_t *d = ld_jdoc("layout"), *arr = json_array();

	for (size_t i = 0; i < l->n; i++)
		json_array_append_new(arr, block_json(l, i));
	ld_jset(d, "blocks", arr);
	if (l->brk_valid) {
		ld_json_put_u64(d, "start_brk", l->start_brk);
		ld_json_put_u64(d, "brk", l->brk);
	}
	return ld_emit_json(d);
}

int ld_show_layout(const struct ld_layout *l)
{
	const char *line = "+----------------+";
	const struct ld_maps *m = l->m;
	bool heap_seen = false;

	if (ld_json_on())
		return layout_json(l);
	for (size_t i = 0; i < l->n; i++) {
		const struct ld_block *b = &l->v[i];
		uint64_t lo = m->v[b->first].start, hi = m->v[b->last].end;
		char detail[640];

		if (i == 0 || m->v[l->v[i - 1].last].end != lo) {
			if (i)
				ld_out("...\n");
			ld_out("%s 0x%" PRIx64 "\n", line, lo);
		}
		block_detail(l, b, detail, sizeof detail);
		ld_out("| %-14s | %s\n", block_label(b->kind), detail);
		ld_out("%s 0x%" PRIx64, line, hi);
		if (b->kind == LD_BLK_HEAP && l->brk_valid) {
			heap_seen = true;
			ld_out(" (program break)");
			if (l->brk != hi)
				ld_out(": break at 0x%" PRIx64, l->brk);
		}
		if (b->kind == LD_BLK_EXE && l->brk_valid && l->brk == l->start_brk &&
		    !heap_seen)
			ld_out("  (program break 0x%" PRIx64 ": no heap yet)", l->brk);
		ld_out("\n");
	}
	return 0;
}
