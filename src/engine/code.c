/* Code listings: the tracee's instructions read with our int3s hidden
 * (ld_session_read), never past the end of the mapping that holds them,
 * decoded (disasm.c) and named. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/capture.h"
#include "layoutdbg/code.h"
#include "layoutdbg/error.h"
#include "layoutdbg/grow.h"
#include "layoutdbg/heapstop.h"
#include "layoutdbg/expr.h"
#include "layoutdbg/lines.h"
#include "layoutdbg/regions.h"

void ld_code_release(struct ld_code *c)
{
	free(c->v);
	free(c->pool);
	memset(c, 0, sizeof *c);
}

const char *ld_code_symbolize(struct ld_session *s, uint64_t addr, char *buf,
			      size_t len)
{
	struct ld_obj *ob = s->live.proc ? ld_objs_at(&s->live.objs, addr) : NULL;

	/* first: in a PLT or GOT the stub's or slot's name is the nearest
	 * one before addr, as gdb's synthetic symbols are (write@got.plt,
	 * not _GLOBAL_OFFSET_TABLE_+32) */
	if (ob && ld_obj_elf(ob) &&
	    ld_elf_plt_name(ob->elf, addr - ob->bias, buf, len))
		return ld_asm_label(s, buf, len);
	if (!s->live.proc && s->program.exe && ld_elf_plt_name(s->program.exe, addr, buf, len))
		return ld_asm_label(s, buf, len);
	/* gdb's labels in code: `set print asm-demangle` */
	ld_symbolize_linkage_cb(s, addr, buf, len);
	if (!strcmp(buf, "??"))
		buf[0] = '\0';
	return buf;
}

/* What addr lies in, in words: ".bss of heap", "[heap]", "stack",
 * "anonymous", "unmapped". */
static void region_text(struct ld_session *s, const struct ld_maps *m,
			const struct ld_region *rg, uint64_t addr, char *buf,
			size_t len)
{
	const struct ld_map *mp = m ? ld_maps_find(m, addr) : NULL;
	const struct ld_region *r;
	const struct ld_section *sec;
	char owner[128];

	if (!mp || !rg) {
		/* before `run` there is no layout: gdb's text alone */
		snprintf(buf, len, "%s", mp || !s->live.proc ? "" : "unmapped");
		return;
	}
	r = &rg[mp - m->v];
	if (r->obj && ld_obj_elf(r->obj) &&
	    (sec = ld_elf_section_at(r->obj->elf, addr - r->obj->bias))) {
		snprintf(buf, len, "%s of %s", sec->name, r->obj->name);
		return;
	}
	switch (r->kind) {
	case LD_RK_HEAP:
		snprintf(buf, len, "[heap]");
		break;
	case LD_RK_STACK:
		snprintf(buf, len, "[stack]");
		break;
	case LD_RK_ANON: case LD_RK_VDSO: case LD_RK_VVAR: case LD_RK_VSYSCALL:
		snprintf(buf, len, "%s", ld_region_kind_name(r->kind));
		break;
	default:
		snprintf(buf, len, "%s of %s", ld_region_kind_name(r->kind),
			 ld_region_owner(r, mp, owner, sizeof owner));
	}
}

static void first_row(struct ld_session *s, struct ld_code *c)
{
	struct ld_obj *ob = ld_objs_at(&s->live.objs, c->v[0].in.addr);
	struct ld_lines *l = ob ? ld_obj_lines(ob) : NULL;
	uint64_t lo = c->v[0].in.addr, hi = c->v[c->n - 1].in.addr + 1;
	struct ld_line row;

	if (l && ld_lines_first_row(l, lo - ob->bias, hi - ob->bias, &row) &&
	    c->v[0].file && !strcmp(row.file, c->v[0].file))
		c->first_line = row.line;
}

/* Keep name in the pool; its offset (0: the empty string at the start),
 * or SIZE_MAX when memory ran out. */
static size_t pool_add(struct ld_code *c, const char *name)
{
	size_t n = strlen(name) + 1, at;

	if (!c->pool_len && !LD_GROW(c->pool, c->pool_cap, 1, 4096))
		c->pool[c->pool_len++] = '\0';
	if (!c->pool_len)
		return SIZE_MAX;
	if (n == 1)
		return 0;
	if (LD_GROW(c->pool, c->pool_cap, c->pool_len + n, 4096))
		return SIZE_MAX;
	at = c->pool_len;
	memcpy(c->pool + at, name, n);
	c->pool_len += n;
	return at;
}

/* The names of one line, as pool offsets (pointers once the pool stops
 * growing: fix_names). */
static bool name_one(struct ld_session *s, struct ld_code *c, const struct ld_maps *m,
		     const struct ld_region *rg, struct ld_code_line *l, size_t off[4])
{
	char buf[256];

	off[0] = pool_add(c, ld_code_symbolize(s, l->in.addr, buf, sizeof buf));
	off[1] = off[2] = off[3] = 0;
	if (l->in.has_target)
		off[1] = pool_add(c, ld_code_symbolize(s, l->in.target, buf, sizeof buf));
	if (l->in.has_ref) {
		off[2] = pool_add(c, ld_code_symbolize(s, l->in.ref, buf, sizeof buf));
		region_text(s, m, rg, l->in.ref, buf, sizeof buf);
		off[3] = pool_add(c, buf);
	}
	return off[0] != SIZE_MAX && off[1] != SIZE_MAX && off[2] != SIZE_MAX &&
		off[3] != SIZE_MAX;
}

/* Names of the addresses each line mentions; the regions of rip-relative
 * operands (the mappings classified once for the listing).  0, or -1
 * after an error was printed. */
static int name_lines(struct ld_session *s, struct ld_code *c, bool with_source)
{
	const struct ld_maps *m = ld_session_maps(s);
	struct ld_region *rg = NULL;
	size_t (*off)[4] = calloc(c->n ? c->n : 1, sizeof *off);
	uint64_t pc = 0;
	bool have_pc = s->live.proc && ld_session_thread(s) &&
		ld_eval_addr(s, "disassemble", "$pc", &pc) == 0;
	bool ok = off != NULL;

	if (m && (rg = calloc(m->n ? m->n : 1, sizeof *rg)))
		ld_session_classify(s, m, ld_heap_cached(s), rg);
	for (size_t i = 0; ok && i < c->n; i++) {
		struct ld_code_line *l = &c->v[i];
		struct ld_line row;

		ok = name_one(s, c, m, rg, l, off[i]);
		l->current = have_pc && pc == l->in.addr;
		if (with_source && ld_objs_line_at(&s->live.objs, l->in.addr, &row)) {
			l->file = row.file;
			l->line = row.line;
		}
	}
	for (size_t i = 0; ok && i < c->n; i++) {
		c->v[i].where = c->pool + off[i][0];
		c->v[i].target = c->pool + off[i][1];
		c->v[i].ref = c->pool + off[i][2];
		c->v[i].region = c->pool + off[i][3];
	}
	free(off);
	free(rg);
	if (!ok)
		return ld_error("disassemble: %s", strerror(ENOMEM));
	if (with_source && c->n)
		first_row(s, c);
	return 0;
}

/* The readable bytes from addr on, at most want: up to the end of the
 * mapping holding addr (and the mappings that follow it without a gap).
 * 0, or -1 after an error was printed. */
static int read_code(struct ld_session *s, const char *what, uint64_t addr,
		     size_t want, uint8_t **buf, size_t *got)
{
	const struct ld_maps *m = s->live.proc ? ld_session_maps(s) : NULL;
	const struct ld_map *mp = m ? ld_maps_find(m, addr) : NULL;
	uint64_t end = addr;
	int r;

	while (mp && mp->perms[0] == 'r' && end - addr < want) {
		end = mp->end;
		mp = ld_maps_find(m, end);
	}
	if (!s->live.proc && s->program.exe)	/* before `run`: the file's */
		end = addr + ld_session_file_readable(s, addr, want);
	if (end - addr < want)
		want = end - addr;
	if (!want) {
		if (!s->live.proc)
			return ld_error("%s: the program is not being run", what);
		return ld_error("%s: cannot access memory at 0x%" PRIx64, what, addr);
	}
	if (!(*buf = malloc(want)))
		return ld_error("%s: %s", what, strerror(ENOMEM));
	if ((r = ld_session_read_any(s, addr, *buf, want))) {
		free(*buf);
		return ld_error("%s: cannot access memory at 0x%" PRIx64 ": %s",
				what, addr, strerror(-r));
	}
	*got = want;
	return 0;
}

/* Decode from buf (len bytes at addr) while keep(): count instructions or
 * up to hi.  An instruction cut off by the end of what could be read is
 * where the listing stops (c->fault). */
static int decode(struct ld_code *c, const uint8_t *buf, size_t len,
		  uint64_t addr, size_t count, uint64_t hi, enum ld_flavor f)
{
	struct ld_disasm *d = ld_disasm_new();
	size_t at = 0;

	if (!d)
		return ld_error("disassemble: cannot open the decoder: %s",
				strerror(ENOMEM));
	while (at < len && c->n < count && addr + at < hi) {
		struct ld_code_line *l;
		size_t n;

		if (LD_GROW(c->v, c->cap, c->n + 1, 64)) {
			ld_disasm_free(d);
			return ld_error("disassemble: %s", strerror(ENOMEM));
		}
		l = &c->v[c->n];
		memset(l, 0, sizeof *l);
		n = ld_disasm_one(d, f, buf + at, len - at, addr + at, &l->in);
		/* within an instruction's length of the end of what could be
		 * read, an undecodable byte is one cut off there */
		if (l->in.bad && len - at < LD_INSN_MAX) {
			c->fault = addr + len;
			break;
		}
		c->n++;
		at += n;
	}
	ld_disasm_free(d);
	return 0;
}

static enum ld_flavor flavor(const struct ld_session *s)
{
	return s->settings.disasm_intel ? LD_FLAVOR_INTEL : LD_FLAVOR_ATT;
}

int ld_code_count(struct ld_session *s, uint64_t addr, size_t count,
		  bool with_source, struct ld_code *c)
{
	uint8_t *buf;
	size_t len;

	memset(c, 0, sizeof *c);
	c->lo = addr;
	if (count > SIZE_MAX / LD_INSN_MAX)
		return ld_error("x: count too large");
	if (read_code(s, "x", addr, count * LD_INSN_MAX, &buf, &len) < 0)
		return -1;
	if (decode(c, buf, len, addr, count, UINT64_MAX, flavor(s)) < 0) {
		free(buf);
		return -1;
	}
	free(buf);
	if (c->n < count && !c->fault)
		c->fault = addr + len;
	c->hi = c->n ? c->v[c->n - 1].in.addr + c->v[c->n - 1].in.len : addr;
	if (name_lines(s, c, with_source) < 0) {
		ld_code_release(c);
		return -1;
	}
	return 0;
}

int ld_code_range(struct ld_session *s, uint64_t lo, uint64_t hi,
		  bool with_source, struct ld_code *c)
{
	uint8_t *buf;
	size_t len, want;

	memset(c, 0, sizeof *c);
	c->lo = lo;
	c->hi = hi;
	if (hi <= lo)
		return 0;
	/* the last instruction may reach LD_INSN_MAX - 1 bytes past hi */
	want = hi - lo > SIZE_MAX - LD_INSN_MAX ? SIZE_MAX : hi - lo + LD_INSN_MAX - 1;
	if (read_code(s, "disassemble", lo, want, &buf, &len) < 0)
		return -1;
	if (decode(c, buf, len, lo, SIZE_MAX, hi, flavor(s)) < 0) {
		free(buf);
		return -1;
	}
	free(buf);
	if (!c->fault && len < hi - lo)
		c->fault = lo + len;
	if (name_lines(s, c, with_source) < 0) {
		ld_code_release(c);
		return -1;
	}
	return 0;
}

int ld_code_function(struct ld_session *s, const char *what, uint64_t addr,
		     char *name, size_t len, uint64_t *lo, uint64_t *hi)
{
	struct ld_obj *ob = s->live.proc ? ld_objs_at(&s->live.objs, addr) : NULL;
	struct ld_elf *e = ob ? ld_obj_elf(ob) : s->live.proc ? NULL : s->program.exe;
	uint64_t bias = ob ? ob->bias : 0, off;
	const struct ld_symbol *sym = !e ? NULL : ob ? ld_obj_symbol_at(ob, addr - bias, &off)
					: ld_elf_symbol_at(e, addr - bias, &off);

	if (!sym || !sym->size)
		return ld_error("%s: no function contains specified address 0x%" PRIx64,
				what, addr);
	/* gdb's "Dump of assembler code for function _Z7throweri:", the
	 * linkage name whatever `set print asm-demangle` says */
	snprintf(name, len, "%s", sym->name);
	*lo = sym->value + bias;
	*hi = *lo + sym->size;
	return 0;
}
