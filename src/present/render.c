/* Text rendering of mappings, breakpoints, snapshots and diffs. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "layoutdbg/frameargs.h"
#include "layoutdbg/output.h"
#include "layoutdbg/render.h"
#include "layoutdbg/watch.h"

/* Whether s goes to the terminal as it is (ld_fout would not escape it). */
static bool plain(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			return false;
	return true;
}

/* The row's numbers and perms formatted once and written as they are,
 * the path escaped: ld_fout's conversions one by one were most of the
 * time of a 20,000-mapping table. */
void ld_render_gdb_mappings(FILE *f, const struct ld_maps *m)
{
	size_t i;

	/* gdb 13 linux-tdep.c: "  %18s %18s %10s %10s  %-5s  %s" */
	ld_fout(f, "  %18s %18s %10s %10s  %-5s  %s\n", "Start Addr", "End Addr",
		"Size", "Offset", "Perms", "objfile");
	for (i = 0; i < m->n; i++) {
		const struct ld_map *mp = &m->v[i];
		char a[24], b[24], sz[24], off[24], line[128];
		int n;

		snprintf(a, sizeof a, "0x%" PRIx64, mp->start);
		snprintf(b, sizeof b, "0x%" PRIx64, mp->end);
		snprintf(sz, sizeof sz, "0x%" PRIx64, mp->end - mp->start);
		snprintf(off, sizeof off, "0x%" PRIx64, mp->offset);
		if (!plain(mp->perms)) {
			ld_fout(f, "  %18s %18s %10s %10s  %-5s  %s\n", a, b, sz, off,
				mp->perms, mp->path);
			continue;
		}
		n = snprintf(line, sizeof line, "  %18s %18s %10s %10s  %-5s  ", a, b, sz,
			     off, mp->perms);
		fwrite(line, 1, (size_t)n, f);
		ld_escape_put(f, mp->path, strlen(mp->path));
		fputc('\n', f);
	}
}

void ld_render_maps_line(FILE *f, const struct ld_map *mp)
{
	char line[160];
	int n;

	/* fs/proc/task_mmu.c: the path starts in column 74 (seq_pad). */
	if (!plain(mp->perms)) {
		n = ld_fout(f, "%08" PRIx64 "-%08" PRIx64 " %s %08" PRIx64 " %02x:%02x %" PRIu64 " ",
			    mp->start, mp->end, mp->perms, mp->offset, mp->dev_major,
			    mp->dev_minor, mp->inode);
	} else {
		n = snprintf(line, sizeof line, "%08" PRIx64 "-%08" PRIx64 " %s %08" PRIx64
			     " %02x:%02x %" PRIu64 " ", mp->start, mp->end, mp->perms,
			     mp->offset, mp->dev_major, mp->dev_minor, mp->inode);
		fwrite(line, 1, (size_t)n, f);
	}
	if (mp->path[0]) {
		if (n < 73)
			fprintf(f, "%*s", 73 - n, "");
		ld_escape_put(f, mp->path, strlen(mp->path));
	}
	fputc('\n', f);
}

/* gdb widens the Type column to its longest word ("read watchpoint"). */
static int type_width(const struct ld_bps *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		if (b->v[i]->num && b->v[i]->type == LD_BP_RWATCH)
			return 15;
	return 14;
}

static void header(FILE *f, int tw)
{
	ld_fout(f, "%-7s %-*s %-4s %-3s %-18s %s\n", "Num", tw, "Type", "Disp",
		"Enb", "Address", "What");
}

/* gdb's lines under a row of `info breakpoints`: hits, then ignores. */
static void hit_lines(FILE *f, const struct ld_bp *bp)
{
	if (bp->cond)
		ld_fout(f, "\tstop only if %s\n", bp->cond);
	if (bp->hits)
		ld_fout(f, "\tbreakpoint already hit %u time%s\n", bp->hits,
			bp->hits == 1 ? "" : "s");
	if (bp->ignore)
		ld_fout(f, "\tignore next %u hits\n",
			bp->ignore);
}

/* gdb's row of a watchpoint: no address, the expression. */
static void watch_row(FILE *f, const struct ld_bp *bp, int tw)
{
	ld_fout(f, "%-7d %-*s %-4s %-3s %-18s %s\n", bp->num, tw,
		ld_watch_short(bp->type), "keep",
		bp->enabled ? "y" : "n", "", bp->spec);
	hit_lines(f, bp);
}

void ld_render_watchpoints(FILE *f, const struct ld_bps *b)
{
	size_t i, shown = 0;
	int tw = type_width(b);

	for (i = 0; i < b->n; i++) {
		if (!b->v[i]->num || !LD_BP_IS_WATCH(b->v[i]))
			continue;
		if (!shown++)
			header(f, tw);
		watch_row(f, b->v[i], tw);
	}
	if (!shown)
		ld_fout(f, "No watchpoints.\n");
}

/* gdb's rows of a breakpoint with several locations: <MULTIPLE>, its
 * hits, then a row N.M for each location, in address order. */
static void locations(FILE *f, const struct ld_bps *b, const struct ld_bp *bp,
		      int tw)
{
	unsigned m;
	size_t i;

	ld_fout(f, "%-7d %-*s %-4s %-3s %-18s %s\n", bp->num, tw, "breakpoint",
		bp->type == LD_BP_TEMP ? "del" : "keep",
		bp->enabled ? "y" : "n", "<MULTIPLE>", "");
	hit_lines(f, bp);
	for (m = 1; m <= bp->nlocs; m++) {
		const struct ld_bp *o = m == 1 ? bp : NULL;
		char num[32], addr[24];

		for (i = 0; !o && i < b->n; i++)
			if (b->v[i]->parent == bp && b->v[i]->loc == m)
				o = b->v[i];
		if (!o)
			continue;
		snprintf(num, sizeof num, "%d.%u", bp->num, m);
		snprintf(addr, sizeof addr, "0x%016" PRIx64, o->addr);
		ld_fout(f, "%-7s %-*s %-4s %-3s %-18s %s\n", num, tw, "", "",
			"y", addr, o->loc_what ? o->loc_what : "");
	}
}

void ld_render_breakpoints(FILE *f, const struct ld_bps *b)
{
	size_t i, shown = 0;
	int tw = type_width(b);

	for (i = 0; i < b->n; i++) {
		const struct ld_bp *bp = b->v[i];
		char addr[24];

		if (!bp->num)
			continue;
		if (LD_BP_IS_WATCH(bp)) {
			if (!shown++)
				header(f, tw);
			watch_row(f, bp, tw);
			continue;
		}
		if (LD_BP_IS_CATCH(bp)) {
			if (!shown++)
				header(f, tw);
			ld_fout(f, "%-7d %-*s %-4s %-3s %-18s %s\n", bp->num, tw,
				"catchpoint", "keep", bp->enabled ? "y" : "n", "",
				bp->spec);
			if (bp->hits)
				ld_fout(f, "\tcatchpoint already hit %u time%s\n",
					bp->hits, bp->hits == 1 ? "" : "s");
			continue;
		}
		if (!shown++)
			header(f, tw);
		if (bp->nlocs > 1 && !bp->pending) {
			locations(f, b, bp, tw);
			continue;
		}
		/* pending: where the last run had it (gdb keeps it until the
		 * next), else where the program file puts it */
		if (bp->pending && !bp->is_addr && (bp->last_run || bp->file_addr))
			snprintf(addr, sizeof addr, "0x%016" PRIx64,
				 bp->last_run ? bp->addr : bp->file_addr);
		else if (bp->pending && !bp->is_addr)
			snprintf(addr, sizeof addr, "<PENDING>");
		else
			snprintf(addr, sizeof addr, "0x%016" PRIx64, bp->addr);
		ld_fout(f, "%-7d %-*s %-4s %-3s %-18s %s\n", bp->num, tw, "breakpoint",
			bp->type == LD_BP_TEMP ? "del" : "keep",
			bp->enabled ? "y" : "n", addr,
			bp->pending && (bp->last_run || bp->file_addr) && bp->loc_what ?
			bp->loc_what :
			bp->pending || !bp->where ? bp->spec :
			bp->loc_what ? bp->loc_what : bp->where);
		hit_lines(f, bp);
	}
	if (!shown)
		ld_fout(f, "No breakpoints.\n");
}

static const char *clock_of(const struct ld_snapshot *s, char *buf, size_t len)
{
	struct tm tm;

	localtime_r(&s->when.tv_sec, &tm);
	snprintf(buf, len, "%02d:%02d:%02d.%03ld", tm.tm_hour, tm.tm_min,
		 tm.tm_sec, s->when.tv_nsec / 1000000);
	return buf;
}

const char *ld_render_brk(const struct ld_snapshot *s, char *buf, size_t len)
{
	if (s->brk_valid)
		snprintf(buf, len, "0x%" PRIx64, s->brk);
	else if (s->brk_err == EBUSY)	/* nothing can be injected there */
		snprintf(buf, len, "unknown (stopped inside a system call)");
	else if (s->brk_err)
		snprintf(buf, len, "unknown (%s)", strerror(s->brk_err));
	else
		snprintf(buf, len, "unknown");
	return buf;
}

void ld_render_snapshot_list(FILE *f, const struct ld_snapshots *ss)
{
	size_t i;

	if (!ss->n) {
		ld_fout(f, "No snapshots.\n");
		return;
	}
	ld_fout(f, "%-5s %-12s %-12s %-7s %5s %7s  %-18s %s\n", "Snap", "Name",
		"Time", "PID", "Maps", "Threads", "Break", "Stop");
	for (i = 0; i < ss->n; i++) {
		const struct ld_snapshot *s = ss->v[i];
		char id[16], t[32], brk[24];

		snprintf(id, sizeof id, "%%%u", s->id);
		if (s->brk_valid)
			snprintf(brk, sizeof brk, "0x%" PRIx64, s->brk);
		else
			snprintf(brk, sizeof brk, "?");
		ld_fout(f, "%-5s %-12s %-12s %-7d %5zu %7zu  %-18s %s\n", id,
			s->name ? s->name : "-", clock_of(s, t, sizeof t),
			(int)s->pid, s->maps.n, s->nthreads, brk, s->reason);
	}
}

void ld_render_frame(FILE *f, int level, const struct ld_snap_frame *fr,
		     const char *exe)
{
	/* gdb shows no pc for a frame its callee is inlined into: the pc
	 * is the callee's */
	char args[4096];

	ld_frame_args_text(fr->args, args, sizeof args);
	if (fr->at_call)
		ld_fout(f, "#%-2d %s %s", level, fr->func ? fr->func : "??", args);
	else
		ld_fout(f, "#%-2d 0x%016" PRIx64 " in %s %s", level, fr->pc,
			fr->func ? fr->func : "??", args);
	if (fr->func && fr->off && !fr->at_call && !fr->inlined)
		ld_fout(f, " <+%" PRIu64 ">", fr->off);
	if (fr->file)
		ld_fout(f, " at %s:%u", fr->file, fr->line);
	else if (fr->obj && (!exe || strcmp(fr->obj, exe)))
		ld_fout(f, " from %s", fr->obj);
	/* its callee had no call frame information: a heuristic's frame */
	if (fr->fp_guess)
		ld_fout(f, " [frame pointer]");
	fputc('\n', f);
}

/* The kept frames of th below level limit, each after mark (a coloured
 * sign) if given; a run of frames not kept is one line. */
static void frames_below(FILE *f, const struct ld_snap_thread *th,
			 size_t limit, const char *mark, const char *exe)
{
	size_t j, next = 0, depth = ld_snap_depth(th);

	if (limit > depth)
		limit = depth;
	for (j = 0; j < th->nframes && ld_snap_level(th, j) < limit; j++) {
		size_t level = ld_snap_level(th, j);

		if (level > next)
			ld_fout(f, "%s... %zu frames not kept (#%zu to #%zu) ...\n",
				mark ? "    " : "", level - next, next, level - 1);
		if (mark)	/* colour codes go through %s as themselves only
				   when they are ld_c()'s own strings */
			ld_fout(f, "  %s%s%s ", ld_c(*mark == '-' ? LD_C_DEL : LD_C_ADD),
				mark, ld_c(LD_C_RESET));
		ld_render_frame(f, (int)level, &th->frames[j], exe);
		next = level + 1;
	}
	if (next < limit)
		ld_fout(f, "%s... %zu frames not kept (#%zu to #%zu) ...\n",
			mark ? "    " : "", limit - next, next, limit - 1);
}

/* gdb's table with a resident column before the file, as vmmap shows it,
 * then the totals: a snapshot that recorded its page counts. */
static void snapshot_pages(FILE *f, const struct ld_snapshot *s)
{
	char a[24], b[24], sz[24], off[24], h[4][32];
	uint64_t size = 0, rss = 0, dirty = 0, swap = 0;
	size_t i;

	ld_fout(f, "  %18s %18s %10s %10s  %-5s %9s  %s\n", "Start Addr", "End Addr",
		"Size", "Offset", "Perms", "Resident", "objfile");
	for (i = 0; i < s->maps.n; i++) {
		const struct ld_map *mp = &s->maps.v[i];
		const struct ld_pages *pg = &s->pages[i];

		snprintf(a, sizeof a, "0x%" PRIx64, mp->start);
		snprintf(b, sizeof b, "0x%" PRIx64, mp->end);
		snprintf(sz, sizeof sz, "0x%" PRIx64, mp->end - mp->start);
		snprintf(off, sizeof off, "0x%" PRIx64, mp->offset);
		ld_fout(f, "  %18s %18s %10s %10s  %-5s %9s  %s\n", a, b, sz, off,
			mp->perms, ld_human_size((uint64_t)pg->rss * 1024, h[0], sizeof h[0]),
			mp->path);
		size += mp->end - mp->start;
		rss += pg->rss;
		dirty += pg->private_dirty;
		swap += pg->swap;
	}
	ld_fout(f, "Resident: %s of %s mapped (private dirty %s, swap %s)\n",
		ld_human_size(rss * 1024, h[0], sizeof h[0]),
		ld_human_size(size, h[1], sizeof h[1]),
		ld_human_size(dirty * 1024, h[2], sizeof h[2]),
		ld_human_size(swap * 1024, h[3], sizeof h[3]));
}

void ld_render_snapshot(FILE *f, const struct ld_snapshot *s)
{
	char label[64], t[32], h1[32], h2[96];
	size_t i;

	ld_fout(f, "Snapshot %s of process %d at %s, stopped by %s%s\n",
		ld_snapshot_label(s, label, sizeof label), (int)s->pid,
		clock_of(s, t, sizeof t), s->reason,
		s->aslr ? " (address randomization on)" : "");
	if (s->pages) {
		snapshot_pages(f, s);
	} else {
		ld_render_gdb_mappings(f, &s->maps);
		if (s->pages_err)
			ld_fout(f, "Resident: not recorded (%s)\n",
				strerror(-s->pages_err));
	}
	if (s->brk_valid)
		ld_fout(f, "Program break: start_brk 0x%" PRIx64 ", brk 0x%" PRIx64
			" (heap %s)\n", s->start_brk, s->brk,
			ld_human_size(s->brk - s->start_brk, h1, sizeof h1));
	else
		ld_fout(f, "Program break: %s\n", ld_render_brk(s, h2, sizeof h2));
	for (i = 0; i < s->nthreads; i++) {
		const struct ld_snap_thread *th = &s->threads[i];

		ld_fout(f, "Thread %d (LWP %d): %zu frame%s", th->num, (int)th->tid,
			ld_snap_depth(th), ld_snap_depth(th) == 1 ? "" : "s");
		if (ld_snap_windowed(th))
			ld_fout(f, ", %zu kept: the %zu innermost and the %zu outermost",
				th->nframes, th->ninner, th->nframes - th->ninner);
		fputc('\n', f);
		frames_below(f, th, SIZE_MAX, NULL, s->exe);
	}
}

static void range(FILE *f, const struct ld_map *mp)
{
	ld_fout(f, "0x%012" PRIx64 "-0x%012" PRIx64 " %s", mp->start, mp->end,
		mp->perms);
}

static const char *label_of(const struct ld_map *mp)
{
	return mp->path[0] ? mp->path : "[anonymous]";
}

static void size_note(FILE *f, uint64_t n)
{
	char h[32];

	ld_fout(f, "0x%" PRIx64 " (%s)", n, ld_human_size(n, h, sizeof h));
}

/* The size change as JSON's size_delta has it; a mapping grows or shrinks
 * at its end (brk, mremap) or at its start (the stack, an mmap merged
 * below it), and the text says which when it is the start. */
static void grown_or_shrunk(FILE *f, const struct ld_map_change *c)
{
	const struct ld_map *b = c->before, *a = c->after;
	int64_t delta = ld_map_change_size_delta(c);

	ld_fout(f, "%s~ %s ", ld_c(LD_C_CHG),
		c->kind == LD_MC_GROWN ? "grown  " : "shrunk ");
	range(f, a);
	ld_fout(f, "  %c by ", delta < 0 ? '-' : '+');
	size_note(f, delta < 0 ? -(uint64_t)delta : (uint64_t)delta);
	ld_fout(f, "%s (was 0x%" PRIx64 "-0x%" PRIx64 ")  %s",
		ld_map_change_at_start(c) ? " at its start" : "", b->start,
		b->end, label_of(a));
}

void ld_render_change(FILE *f, const struct ld_map_change *c)
{
	const struct ld_map *b = c->before, *a = c->after;

	switch (c->kind) {
	case LD_MC_ADDED:
		ld_fout(f, "%s+ added   ", ld_c(LD_C_ADD));
		range(f, a);
		ld_fout(f, "  ");
		size_note(f, a->end - a->start);
		ld_fout(f, "  %s", label_of(a));
		break;
	case LD_MC_REMOVED:
		ld_fout(f, "%s- removed ", ld_c(LD_C_DEL));
		range(f, b);
		ld_fout(f, "  ");
		size_note(f, b->end - b->start);
		ld_fout(f, "  %s", label_of(b));
		break;
	case LD_MC_GROWN:
	case LD_MC_SHRUNK:
		grown_or_shrunk(f, c);
		break;
	case LD_MC_MOVED:
		ld_fout(f, "%s~ moved   ", ld_c(LD_C_CHG));
		range(f, a);
		ld_fout(f, "  from 0x%" PRIx64 "-0x%" PRIx64 "  %s", b->start,
			b->end, label_of(a));
		break;
	case LD_MC_PERMS:
		ld_fout(f, "%s~ perms   ", ld_c(LD_C_CHG));
		range(f, a);
		ld_fout(f, "  %s -> %s  %s", b->perms, a->perms, label_of(a));
		break;
	case LD_MC_SPLIT:
		ld_fout(f, "%s~ split   ", ld_c(LD_C_CHG));
		range(f, a);
		ld_fout(f, "  piece of 0x%" PRIx64 "-0x%" PRIx64 " %s", b->start,
			b->end, b->perms);
		if (c->perms_changed)
			ld_fout(f, ", now %s", a->perms);
		ld_fout(f, "  %s", label_of(a));
		break;
	case LD_MC_MERGED:
		ld_fout(f, "%s~ merged  ", ld_c(LD_C_CHG));
		range(f, b);
		ld_fout(f, "  into 0x%" PRIx64 "-0x%" PRIx64 " %s  %s", a->start,
			a->end, a->perms, label_of(a));
		break;
	}
	if (c->perms_changed && c->kind != LD_MC_PERMS && c->kind != LD_MC_SPLIT)
		ld_fout(f, " (perms %s -> %s)", b->perms, a->perms);
	ld_fout(f, "%s\n", ld_c(LD_C_RESET));
}

static void frame_counts(FILE *f, const struct ld_frame_change *fc)
{
	size_t u = fc->uncertain;

	ld_fout(f, "thread %d (LWP %d): ", fc->num, (int)fc->tid);
	if (!u) {
		ld_fout(f, "%zu frame%s popped, %zu pushed\n", fc->popped,
			fc->popped == 1 ? "" : "s", fc->pushed);
		return;
	}
	/* the frames no snapshot kept on both sides: each either shared or
	 * popped and pushed again, which the windows cannot tell */
	ld_fout(f, "%zu to %zu frames popped, %zu to %zu pushed (%zu frames "
		"outside the kept windows not compared)\n", fc->popped,
		fc->popped + u, fc->pushed, fc->pushed + u, u);
}

static void render_frames(FILE *f, const struct ld_snap_diff *d)
{
	size_t i;

	for (i = 0; i < d->nthreads; i++) {
		const struct ld_frame_change *fc = &d->threads[i];

		if (!fc->a) {
			ld_fout(f, "thread %d (LWP %d): new, %zu frame%s\n", fc->num,
				(int)fc->tid, fc->pushed, fc->pushed == 1 ? "" : "s");
			continue;
		}
		if (!fc->b) {
			ld_fout(f, "thread %d (LWP %d): gone\n", fc->num, (int)fc->tid);
			continue;
		}
		if (!fc->popped && !fc->pushed && !fc->uncertain)
			continue;
		frame_counts(f, fc);
		frames_below(f, fc->a, fc->popped, "-", d->a->exe);
		frames_below(f, fc->b, fc->pushed, "+", d->b->exe);
	}
}

/* Say which side's break is not known, rather than dropping the line. */
static void brk_unknown(FILE *f, const struct ld_snap_diff *d)
{
	char la[64], b[96];
	const struct ld_snapshot *u = d->a->brk_valid ? d->b : d->a;

	ld_fout(f, "program break: %s in %s\n", ld_render_brk(u, b, sizeof b),
		ld_snapshot_label(u, la, sizeof la));
}

/* Under a change: how its resident pages moved, when both snapshots
 * know. */
static void pages_note(FILE *f, const struct ld_snap_diff *d,
		       const struct ld_map_change *c)
{
	const struct ld_pages *pa = ld_snap_pages(d->a, c->before);
	const struct ld_pages *pb = ld_snap_pages(d->b, c->after);
	char t[256];

	if (!d->pages || (pa && pb && ld_pages_equal(pa, pb)))
		return;
	fprintf(f, "    %s %s\n", label_of(c->after ? c->after : c->before),
		ld_pages_delta_text(pa, pb, t, sizeof t));
}

/* "~ touched": the same range, other pages. */
static void render_touched(FILE *f, const struct ld_snap_diff *d,
			   const struct ld_touched *t)
{
	char buf[256];

	fprintf(f, "%s~ touched ", ld_c(LD_C_CHG));
	range(f, t->after);
	fprintf(f, "  %s %s%s\n", label_of(t->after),
		ld_pages_delta_text(ld_snap_pages(d->a, t->before),
				    ld_snap_pages(d->b, t->after), buf, sizeof buf),
		ld_c(LD_C_RESET));
}

static uint64_t change_addr(const struct ld_map_change *c)
{
	return c->after ? c->after->start : c->before->start;
}

void ld_render_diff(FILE *f, const struct ld_snap_diff *d)
{
	char la[64], lb[64];
	size_t i, k = 0;

	ld_fout(f, "diff %s -> %s", ld_snapshot_label(d->a, la, sizeof la),
		ld_snapshot_label(d->b, lb, sizeof lb));
	if (d->different_process)
		ld_fout(f, " (processes %d and %d: addresses of different runs)\n",
			(int)d->a->pid, (int)d->b->pid);
	else
		ld_fout(f, " (process %d)\n", (int)d->a->pid);
	if (d->a->aslr != d->b->aslr || (d->different_process && d->a->aslr))
		ld_fout(f, "note: at least one run was randomized: bases differ\n");
	for (i = 0; i < d->maps.n; i++) {
		const struct ld_map_change *c = &d->maps.v[i];

		for (; k < d->ntouched && d->touched[k].after->start < change_addr(c); k++)
			render_touched(f, d, &d->touched[k]);
		ld_render_change(f, c);
		pages_note(f, d, c);
		/* RELRO and the like: name the sections whose protection
		 * changed */
		if (c->perms_changed && c->after && d->b->sections) {
			const char *secs = d->b->sections[c->after - d->b->maps.v];

			if (secs && *secs)
				ld_fout(f, "    sections now %s: %s\n", c->after->perms, secs);
		}
	}
	for (; k < d->ntouched; k++)
		render_touched(f, d, &d->touched[k]);
	if (!d->maps.n)
		ld_fout(f, "mappings: no change (%zu mappings)\n", d->b->maps.n);
	if (d->brk_valid && d->brk_delta) {
		uint64_t mag = (uint64_t)(d->brk_delta < 0 ? -d->brk_delta : d->brk_delta);

		ld_fout(f, "program break: 0x%" PRIx64 " -> 0x%" PRIx64 " (%c",
			d->a->brk, d->b->brk, d->brk_delta < 0 ? '-' : '+');
		size_note(f, mag);
		ld_fout(f, ")\n");
	} else if (d->brk_valid) {
		ld_fout(f, "program break: unchanged at 0x%" PRIx64 "\n", d->b->brk);
	} else {
		brk_unknown(f, d);
	}
	if (!d->pages && !d->different_process && (d->a->pages || d->b->pages))
		fprintf(f, "pages: not compared (%s has no page counts)\n",
			ld_snapshot_label(d->a->pages ? d->b : d->a, la, sizeof la));
	render_frames(f, d);
}

void ld_render_objdiff(FILE *f, const struct ld_snapshot *a,
		       const struct ld_snapshot *b, const struct ld_objdiff *d)
{
	char la[64], lb[64], h[32], t[256];
	size_t i;

	/* the newline in the format: ld_fout escapes one in an argument */
	ld_fout(f, "diff --by-object %s -> %s (process%s %d", ld_snapshot_label(a, la, sizeof la),
		ld_snapshot_label(b, lb, sizeof lb), a->pid == b->pid ? "" : "es",
		(int)a->pid);
	if (a->pid != b->pid)
		ld_fout(f, " and %d", (int)b->pid);
	ld_fout(f, ")\n");
	for (i = 0; i < d->n; i++) {
		const struct ld_objchange *c = &d->v[i];

		if (c->kind == 't') {
			ld_fout(f, "%s~ touched %s: %s%s\n", ld_c(LD_C_CHG), c->key,
				ld_pages_delta_text(c->pages_a, c->pages_b, t, sizeof t),
				ld_c(LD_C_RESET));
			continue;
		}
		if (c->kind == '+') {
			ld_fout(f, "%s+ %s: %s %s%s\n", ld_c(LD_C_ADD), c->key, c->perms_b,
				ld_human_size(c->size_b, h, sizeof h), ld_c(LD_C_RESET));
		} else if (c->kind == '-') {
			ld_fout(f, "%s- %s: %s %s%s\n", ld_c(LD_C_DEL), c->key, c->perms_a,
				ld_human_size(c->size_a, h, sizeof h), ld_c(LD_C_RESET));
		} else {
			ld_fout(f, "%s~ %s: %s 0x%" PRIx64 " -> %s 0x%" PRIx64, ld_c(LD_C_CHG),
				c->key, c->perms_a, c->size_a, c->perms_b, c->size_b);
			if (c->size_a != c->size_b) {
				uint64_t dlt = c->size_b > c->size_a ? c->size_b - c->size_a :
					       c->size_a - c->size_b;

				ld_fout(f, " (%c%s)", c->size_b > c->size_a ? '+' : '-',
					ld_human_size(dlt, h, sizeof h));
			}
			ld_fout(f, "%s\n", ld_c(LD_C_RESET));
		}
		/* under a change, as diff says it: how its pages moved */
		if (d->pages && !(c->pages_a && c->pages_b &&
				  ld_pages_equal(c->pages_a, c->pages_b)))
			ld_fout(f, "    %s\n", ld_pages_delta_text(c->pages_a, c->pages_b,
								t, sizeof t));
	}
	if (!d->pages && (a->pages || b->pages))
		ld_fout(f, "pages: not compared (%s has no page counts)\n",
			ld_snapshot_label(a->pages ? b : a, la, sizeof la));
	ld_fout(f, "%zu mapping%s the same by object and offset%s\n", d->same,
		d->same == 1 ? "" : "s", d->n ? "" : ": no change");
}
