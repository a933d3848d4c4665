/* Evaluating expressions in a frame: the frame, names, registers. */
#include <dwarf.h>
#include <errno.h>
#include <gelf.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/dwtypes.h"
#include "layoutdbg/demangle.h"
#include "layoutdbg/dwvars.h"
#include "layoutdbg/elfread.h"
#include "layoutdbg/error.h"
#include "layoutdbg/mem.h"
#include "layoutdbg/valeval.h"
#include "layoutdbg/valtls.h"
#include "valeval_int.h"

int ld_eval_fail(struct ld_evalctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, sizeof c->err, fmt, ap);
	va_end(ap);
	return -1;
}

int ld_eval_mem(struct ld_evalctx *c, uint64_t addr, void *buf, size_t len)
{
	/* before `run`: the program file's bytes, as gdb reads them */
	if (!c->s->live.proc)
		return ld_elf_read_at(c->s->program.exe, addr, buf, len) ? -1 : 0;
	return ld_session_read(c->s, addr, buf, len) ? -1 : 0;
}

int ld_eval_read(struct ld_evalctx *c, uint64_t addr, void *buf, size_t len)
{
	if (ld_eval_mem(c, addr, buf, len))
		return ld_eval_fail(c, "cannot access memory at address 0x%" PRIx64,
				    addr);
	return 0;
}

/* Where frame i (its canonical frame address cfa) saved register dwreg,
 * by its call frame information: true and *at; false when it did not
 * (the register keeps the value the inner frame gave it). */
static bool saved_at(struct ld_evalctx *c, uint64_t pc, uint64_t cfa,
		     int dwreg, uint64_t *at)
{
	struct ld_cfi *cfi;
	uint64_t bias;
	Dwarf_Frame *fr = NULL;
	Dwarf_Op dummy[3], *ops;
	size_t n;
	bool found = false;

	if (!ld_objs_cfi(&c->s->live.objs, pc, &cfi, &bias) ||
	    dwarf_cfi_addrframe((Dwarf_CFI *)cfi, pc - bias, &fr) != 0)
		return false;
	/* offset(N): [call_frame_cfa, consts/plus_uconst N (, plus)] */
	if (dwarf_frame_register(fr, dwreg, dummy, &ops, &n) == 0 && n >= 1 &&
	    ops[0].atom == DW_OP_call_frame_cfa) {
		int64_t off = 0;

		if (n >= 2 && ops[1].atom == DW_OP_plus_uconst)
			off = (int64_t)ops[1].number;
		else if (n >= 3 && ops[2].atom == DW_OP_plus)
			off = (int64_t)ops[1].number;
		*at = cfa + (uint64_t)off;
		found = n <= 3;
	}
	free(fr);
	return found;
}

/* The memo's level below which the walk for dwreg may stop (its value
 * there in *base), or 0 (frame 0's registers). */
static int memo_level(struct ld_evalctx *c, int dwreg, uint64_t *base)
{
	struct ld_regmemo *m = c->memo;
	int best = 0;

	if (!m || dwreg >= LD_MEMO_REGS || m->tid != c->tid ||
	    m->gen != c->s->cache.gen)
		return 0;
	for (int j = 0; j < 2; j++) {
		int l = m->level[dwreg][j];

		if (l && l <= c->frame && l > best) {
			best = l;
			*base = m->val[dwreg][j];
		}
	}
	return best;
}

/* Keep frame c->frame's dwreg: in the slot of that level, else in place
 * of the lower one (a frame and its caller, asked in turn for an entry
 * value, both stay). */
static void memo_keep(struct ld_evalctx *c, int dwreg, uint64_t v)
{
	struct ld_regmemo *m = c->memo;
	int *l;

	if (!m || dwreg >= LD_MEMO_REGS || c->frame <= 0)
		return;
	if (m->tid != c->tid || m->gen != c->s->cache.gen) {
		memset(m->level, 0, sizeof m->level);
		memset(m->val, 0, sizeof m->val);
		m->tid = c->tid;
		m->gen = c->s->cache.gen;
	}
	l = m->level[dwreg];
	int j = l[0] == c->frame ? 0 : l[1] == c->frame ? 1 : l[0] <= l[1] ? 0 : 1;

	l[j] = c->frame;
	m->val[dwreg][j] = v;
}

/* Register dwreg of frame k: from where the nearest inner frame saved it
 * (rbx, rbp, r12-r15 in practice), else frame 0's value.  A memo (a
 * backtrace's, frame after frame) ends the walk where the last one did. */
static int frame_reg(struct ld_evalctx *c, int dwreg, uint64_t *val)
{
	const struct ld_frames *fs = NULL;
	const struct ld_reg_desc *d = ld_reg_by_dwarf((unsigned)dwreg);
	int n = ld_session_stack_ref(c->s, c->tid, (size_t)c->frame + 1, &fs);
	uint64_t base = 0;
	int stop;

	if (!d || n <= c->frame)
		return -1;
	stop = memo_level(c, dwreg, &base);
	for (int i = c->frame - 1; i >= stop; i--) {
		uint64_t cfa = fs->v[i].cfa ? fs->v[i].cfa : fs->v[i + 1].sp;
		uint64_t pc = i ? fs->v[i].pc - 1 : fs->v[i].pc, at;

		if (saved_at(c, pc, cfa, dwreg, &at)) {
			if (ld_session_read(c->s, at, val, sizeof *val))
				return -1;
			memo_keep(c, dwreg, *val);
			return 0;
		}
	}
	*val = stop ? base : ld_reg_value(&c->regs, d);
	memo_keep(c, dwreg, *val);
	return 0;
}

/* Frame k's rbp. */
static uint64_t frame_rbp(struct ld_evalctx *c)
{
	uint64_t rbp = c->regs.rbp;

	frame_reg(c, 6, &rbp);
	return rbp;
}

void ld_eval_find_scopes(struct ld_evalctx *c)
{
	struct ld_regmemo *m = c->memo;
	struct ld_lines *l;

	c->ob = c->s->live.proc ? ld_objs_at(&c->s->live.objs, c->pc) : NULL;
	l = c->ob ? ld_obj_lines(c->ob) : NULL;
	if (!c->s->live.proc) {
		/* before `run`: the program file's globals and types, no
		 * frame */
		c->dw = ld_lines_dwarf(ld_session_exe_lines(c->s));
		c->fn = -1;
		return;
	}
	c->dw = ld_lines_dwarf(l);
	c->fn = -1;
	if (!c->dw)
		return;
	/* copies both ways: a caller's frame evaluated for an entry value
	 * replaces the memo's scopes while this frame still uses its own */
	if (m && m->sc && m->sc_dw == c->dw && m->sc_pc == c->pc - c->ob->bias &&
	    (c->scopes = malloc((size_t)m->nsc * sizeof *c->scopes))) {
		memcpy(c->scopes, m->sc, (size_t)m->nsc * sizeof *c->scopes);
		c->nscopes = m->nsc;
	} else {
		c->nscopes = ld_dw_scopes(c->dw, c->pc - c->ob->bias, &c->scopes);
		if (m && c->nscopes > 0) {
			free(m->sc);
			m->sc = malloc((size_t)c->nscopes * sizeof *m->sc);
			m->nsc = m->sc ? c->nscopes : 0;
			if (m->sc)
				memcpy(m->sc, c->scopes, (size_t)c->nscopes * sizeof *m->sc);
			m->sc_dw = c->dw;
			m->sc_pc = c->pc - c->ob->bias;
		}
	}
	c->own_scopes = true;
	c->fn = ld_dw_function(c->scopes, c->nscopes);
}

void ld_regmemo_release(struct ld_regmemo *m)
{
	free(m->sc);
	m->sc = NULL;
	m->nsc = 0;
	m->sc_dw = NULL;
}

int ld_eval_frame_lazy(struct ld_evalctx *c, struct ld_session *s, pid_t tid,
		       uint64_t hint)
{
	struct ld_thread *t = s->live.proc ? ld_proc_thread(s->live.proc, tid) : NULL;

	(void)hint;
	memset(c, 0, sizeof *c);
	c->s = s;
	c->tid = tid;
	c->fn = -1;
	if (!s->live.proc)
		return 0;       /* the program file alone, or none (no registers) */
	if (!t)
		return ld_eval_fail(c, "no process: the program is not being run "
				    "(use `run`, `start` or `attach PID`)");
	if (ld_tregs(t, &c->regs))
		return ld_eval_fail(c, "cannot read the registers of thread %d",
				    (int)tid);
	c->regs_ok = true;
	c->pc = c->regs.rip;
	c->sp = c->regs.rsp;
	c->rbp = c->regs.rbp;
	return 0;
}

/* Frame 0's canonical frame address from its call frame information
 * alone (a register plus an offset, the rule compilers emit): no unwind,
 * no memory read, what a condition tested at each hit wants.  False when
 * the rule is anything else. */
static bool cfa_from_cfi(struct ld_evalctx *c)
{
	struct ld_cfi *cfi;
	uint64_t bias, v;
	Dwarf_Frame *fr = NULL;
	Dwarf_Op *ops;
	size_t n;
	bool ok = false;

	if (!ld_objs_cfi(&c->s->live.objs, c->pc, &cfi, &bias) ||
	    dwarf_cfi_addrframe((Dwarf_CFI *)cfi, c->pc - bias, &fr) != 0)
		return false;
	if (dwarf_frame_cfa(fr, &ops, &n) == 0 && n == 1 &&
	    ops[0].atom == DW_OP_bregx && ld_reg_by_dwarf((unsigned)ops[0].number)) {
		v = ld_reg_value(&c->regs, ld_reg_by_dwarf((unsigned)ops[0].number));
		c->cfa = v + ops[0].number2;
		ok = c->frame == 0 && c->regs_ok;
	}
	free(fr);
	return ok;
}

/* Frame 0's canonical frame address, found when first needed. */
static void need_cfa(struct ld_evalctx *c)
{
	const struct ld_frames *fs = NULL;
	int n;

	if (c->cfa || c->cfa_tried)
		return;
	c->cfa_tried = true;
	if (cfa_from_cfi(c))
		return;
	n = ld_session_stack_ref(c->s, c->tid, 2, &fs);
	if (n > 0)
		c->cfa = fs->v[0].cfa;
	/* the caller's sp is this frame's canonical frame address */
	if (!c->cfa && n > 1)
		c->cfa = fs->v[1].sp;
}

int ld_eval_frame(struct ld_evalctx *c, struct ld_session *s, pid_t tid,
		  int frame)
{
	return ld_eval_frame_memo(c, s, tid, frame, NULL);
}

int ld_eval_frame_memo(struct ld_evalctx *c, struct ld_session *s, pid_t tid,
		       int frame, struct ld_regmemo *memo)
{
	const struct ld_frames *fs = NULL;
	int n;

	if (ld_eval_frame_lazy(c, s, tid, 0))
		return -1;
	c->memo = memo;
	if (!s->live.proc) {
		ld_eval_find_scopes(c);
		return 0;
	}
	c->frame = frame;
	if (frame > 0) {
		c->cfa_tried = true;
		n = ld_session_stack_ref(s, tid, (size_t)frame + 2, &fs);
		if (n <= frame)
			return ld_eval_fail(c, "cannot unwind to frame %d", frame);
		c->cfa = fs->v[frame].cfa;
		if (!c->cfa && n > frame + 1)
			c->cfa = fs->v[frame + 1].sp;
		/* a return address: the call is just before it */
		c->pc = fs->v[frame].pc - 1;
		c->sp = fs->v[frame].sp;
		c->rbp = frame_rbp(c);
	}
	ld_eval_find_scopes(c);
	return 0;
}

void ld_eval_release(struct ld_evalctx *c)
{
	if (c->own_scopes)
		free(c->scopes);
	c->scopes = NULL;
	c->nscopes = 0;
}

static bool is_typename(void *arg, const char *name)
{
	struct ld_evalctx *c = arg;
	Dwarf_Die d;
	int tag;

	if (!c->dw || !ld_dwt_find(c->dw, name, &d))
		return false;
	tag = dwarf_tag(&d);
	/* C++ names its classes without a keyword */
	return tag == DW_TAG_typedef ||
	       (ld_dwt_is_cplus(&d) && (tag == DW_TAG_structure_type ||
					tag == DW_TAG_class_type ||
					tag == DW_TAG_union_type ||
					tag == DW_TAG_enumeration_type));
}

struct ld_cx *ld_eval_parse(struct ld_evalctx *c, const char *src)
{
	return ld_cx_parse(src, is_typename, c, c->err, sizeof c->err);
}

/* ---- reading variables through DWARF locations ---- */

struct varctx {
	struct ld_evalctx *c;
	struct ld_obj *ob;
};

/* DWARF 17-32: xmm0-15, never saved by a callee (the same value in
 * every frame, gdb's rule for registers the CFI does not mention). */
static bool is_xmm(int dwreg)
{
	return dwreg >= 17 && dwreg <= 32;
}

static int reg_cb(void *arg, int dwreg, uint64_t *val)
{
	struct ld_evalctx *c = ((struct varctx *)arg)->c;
	const struct ld_reg_desc *d = ld_reg_by_dwarf((unsigned)dwreg);

	if (c->regs_ok && is_xmm(dwreg) && c->s->live.proc)
		return ld_xmm_get(c->tid, dwreg - 17, val) ? -1 : 0;
	if (!d || !c->regs_ok)
		return -1;
	if (dwreg == 7) {
		*val = c->sp;
		return 0;
	}
	if (dwreg == 6) {
		*val = c->rbp;
		return 0;
	}
	/* gdb's rule for outer frames: a register the call frame
	 * information does not say was saved has the inner frame's value
	 * (DWARF2_FRAME_REG_UNSPECIFIED is "same value" on x86-64) */
	if (c->frame > 0)
		return frame_reg(c, dwreg, val);
	*val = ld_reg_value(&c->regs, d);
	return 0;
}

static int mem_cb(void *arg, uint64_t addr, void *buf, size_t len)
{
	return ld_eval_mem(((struct varctx *)arg)->c, addr, buf, len);
}

/* The executable's TLS block sits right below the thread pointer (x86-64
 * TLS variant II): at fs_base - round_up(p_memsz, p_align).  The variable's
 * own object decides (not the frame's: a frame in libc has libc's
 * PT_TLS). */
static int tls_cb(void *arg, uint64_t off, uint64_t *addr)
{
	struct varctx *v = arg;
	Dwarf *dw = v->ob ? ld_lines_dwarf(ld_obj_lines(v->ob)) : NULL;
	Elf *elf = v->ob && v->ob->is_exe && dw ? dwarf_getelf(dw) : NULL;
	size_t n;
	uint64_t block;

	if (!v->ob || !v->c->regs_ok)
		return -1;
	/* any object's, the program's too: through the thread's DTV
	 * (valtls.h); else (no glibc descriptors: a static program) the
	 * program's block by the arithmetic below */
	if (!ld_tls_block(v->c->s, v->ob, v->c->regs.fs_base, &block,
			  v->c->err, sizeof v->c->err)) {
		*addr = block + off;
		return 0;
	}
	if (!elf || elf_getphdrnum(elf, &n))
		return -1;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_TLS)
			continue;
		uint64_t align = ph.p_align ? ph.p_align : 1;
		uint64_t size = (ph.p_memsz + align - 1) / align * align;

		*addr = v->c->regs.fs_base - size + off;
		return 0;
	}
	return -1;
}

static int const_value(struct ld_evalctx *c, Dwarf_Die *var, struct ld_val *out)
{
	Dwarf_Attribute a;
	Dwarf_Block b;
	Dwarf_Sword sv;
	Dwarf_Word uv;

	dwarf_attr_integrate(var, DW_AT_const_value, &a);
	/* libdw gives DW_FORM_dataN as blocks too: those are numbers here */
	if (dwarf_whatform(&a) != DW_FORM_data1 && dwarf_whatform(&a) != DW_FORM_data2 &&
	    dwarf_whatform(&a) != DW_FORM_data4 && dwarf_whatform(&a) != DW_FORM_data8 &&
	    dwarf_formblock(&a, &b) == 0)
		return ld_val_make(out, &out->ty, b.data, b.length) ? -1 : 0;
	if (dwarf_formsdata(&a, &sv) == 0)
		return ld_val_scalar(out, &out->ty, (uint64_t)sv) ? -1 : 0;
	if (dwarf_formudata(&a, &uv) == 0)
		return ld_val_scalar(out, &out->ty, uv) ? -1 : 0;
	return ld_eval_fail(c, "bad DW_AT_const_value");
}

/* The first n bytes of one piece into buf: 0, 1 when the piece is
 * optimized out (empty, or in a register this frame does not know), -1
 * when its memory cannot be read. */
static int piece_bytes(struct ld_evalctx *c, const struct ld_dwpart *p,
		       uint8_t *buf, size_t n)
{
	uint64_t rv;

	switch (p->kind) {
	case LD_LOC_VALUE:
		memcpy(buf, &p->val, n < 8 ? n : 8);
		return 0;
	case LD_LOC_IMPLICIT:
		memcpy(buf, p->data, n < p->len ? n : p->len);
		return 0;
	case LD_LOC_REG:
		if ((!ld_reg_by_dwarf((unsigned)p->reg) && !is_xmm(p->reg)) || n > 8 ||
		    reg_cb(&(struct varctx){ .c = c }, p->reg, &rv))
			return 1;
		memcpy(buf, &rv, n);
		return 0;
	case LD_LOC_MEM:
		return ld_eval_read(c, p->addr, buf, n) ? -1 : 0;
	default:
		return 1;
	}
}

/* A value assembled from DW_OP_piece parts, in order from its first
 * byte; the bytes of empty parts (and past the last) <optimized out>.
 * Not an lvalue, as in gdb. */
static int from_pieces(struct ld_evalctx *c, const struct ld_dwloc *loc,
		       struct ld_val *out)
{
	struct ld_ty t = out->ty;
	uint64_t size = ld_ty_size(&t), off = 0;

	if (size > (1u << 24) || ld_val_make(out, &t, NULL, (size_t)size))
		return ld_eval_fail(c, "%s", strerror(ENOMEM));
	for (unsigned i = 0; i < loc->npieces && off < size; i++) {
		const struct ld_dwpart *p = &loc->piece[i];
		size_t n = (size_t)(p->size < size - off ? p->size : size - off);
		int r = piece_bytes(c, p, out->bytes + off, n);

		if (r < 0 || (r == 1 && ld_val_mark_optout(out, (size_t)off, n))) {
			ld_val_release(out);
			return r < 0 ? -1 : ld_eval_fail(c, "%s", strerror(ENOMEM));
		}
		off += p->size;
	}
	if (off < size && ld_val_mark_optout(out, (size_t)off,
					     (size_t)(size - off))) {
		ld_val_release(out);
		return ld_eval_fail(c, "%s", strerror(ENOMEM));
	}
	ld_val_settle(out);
	return 0;
}

/* Fill a value of type out->ty from loc. */
static int from_location(struct ld_evalctx *c, const struct ld_dwloc *loc,
			 struct ld_val *out)
{
	struct ld_ty t = out->ty;
	uint64_t size = ld_ty_size(&t), rv;
	const struct ld_reg_desc *d;

	switch (loc->kind) {
	case LD_LOC_OPTOUT:
		ld_val_make(out, &t, NULL, 0);
		out->optout = true;
		return 0;
	case LD_LOC_VALUE:
		return ld_val_scalar(out, &t, loc->val) ? -1 : 0;
	case LD_LOC_IMPLICIT:
		return ld_val_make(out, &t, loc->data,
				   loc->len < size ? loc->len : size) ? -1 : 0;
	case LD_LOC_REG:
		d = ld_reg_by_dwarf((unsigned)loc->reg);
		if ((!d && !is_xmm(loc->reg)) || size > 8) {
			ld_val_make(out, &t, NULL, 0);
			out->optout = true;
			return 0;
		}
		if (reg_cb(&(struct varctx){ .c = c }, loc->reg, &rv)) {
			ld_val_make(out, &t, NULL, 0);
			out->optout = true;
			return 0;
		}
		if (ld_val_scalar(out, &t, rv))
			return -1;
		out->lval = LV_REG;
		out->reg = loc->reg;
		return 0;
	case LD_LOC_MEM:
		return ld_eval_at(c, &t, loc->addr, out);
	case LD_LOC_PIECES:
		return from_pieces(c, loc, out);
	}
	return -1;
}

static int entry_cb(void *arg, int dwreg, uint64_t *val)
{
	return ld_entry_reg(((struct varctx *)arg)->c, dwreg, val);
}

int ld_eval_attr_value(struct ld_evalctx *c, Dwarf_Die *die, unsigned at,
		       uint64_t *val)
{
	struct varctx vc = { .c = c, .ob = c->ob };
	struct ld_dwctx dc = {
		.pc = c->pc - (c->ob ? c->ob->bias : 0),
		.bias = c->ob ? c->ob->bias : 0, .reg = reg_cb, .mem = mem_cb,
		.tls = tls_cb, .entry = entry_cb, .arg = &vc,
	};
	struct ld_dwloc loc;

	if (c->fn >= 0)
		need_cfa(c);
	dc.cfa = c->cfa;
	if (ld_dw_eval_attr(&dc, die, at, c->fn >= 0 ? &c->scopes[c->fn] : NULL,
			    &loc, c->err, sizeof c->err))
		return -1;
	switch (loc.kind) {
	case LD_LOC_MEM:        /* no DW_OP_stack_value: the value itself */
		*val = loc.addr;
		return 0;
	case LD_LOC_VALUE:
		*val = loc.val;
		return 0;
	case LD_LOC_REG:
		return reg_cb(&vc, loc.reg, val);
	default:
		return ld_eval_fail(c, "not a value");
	}
}

int ld_eval_var(struct ld_evalctx *c, Dwarf_Die *var, struct ld_obj *ob,
		int fn, struct ld_val *out)
{
	struct varctx vc = { .c = c, .ob = ob };
	struct ld_dwctx dc = {
		.pc = c->pc - (ob ? ob->bias : 0), .bias = ob ? ob->bias : 0,
		.cfa = c->cfa, .reg = reg_cb, .mem = mem_cb, .tls = tls_cb,
		.entry = entry_cb, .arg = &vc,
	};
	struct ld_dwloc loc;
	Dwarf_Die t;

	memset(out, 0, sizeof *out);
	if (fn >= 0) {
		need_cfa(c);
		dc.cfa = c->cfa;
	}
	out->ty = ld_ty_die(ld_dwt_target(var, &t), dc.bias);
	if (dwarf_hasattr_integrate(var, DW_AT_const_value) &&
	    !dwarf_hasattr_integrate(var, DW_AT_location))
		return const_value(c, var, out);
	if (ld_dw_location(&dc, var, fn >= 0 ? &c->scopes[fn] : NULL, &loc,
			   c->err, sizeof c->err))
		/* before `run` only registers and TLS are missing */
		return c->s->live.proc ? -1 :
		       ld_eval_fail(c, "cannot read `%s' without registers",
				    dwarf_diename(var));
	return from_location(c, &loc, out);
}

int ld_eval_at(struct ld_evalctx *c, const struct ld_ty *t, uint64_t addr,
	       struct ld_val *out)
{
	uint64_t size = ld_ty_size(t);
	enum ld_kind k = ld_ty_kind(t);

	if (k == K_FUNC || k == K_VOID)
		size = 0;
	if (size > (1u << 24)) {
		ld_val_make(out, t, NULL, 0);
		out->unavailable = true;
	} else if (ld_val_make(out, t, NULL, (size_t)size)) {
		return ld_eval_fail(c, "%s", strerror(ENOMEM));
	} else if (size && ld_eval_read(c, addr, out->bytes, (size_t)size)) {
		ld_val_release(out);
		return -1;
	}
	out->lval = LV_MEM;
	out->addr = addr;
	return 0;
}

/* ---- names ---- */

/* A function called name defined in dw: true and *out. */
static bool find_function(Dwarf *dw, const char *name, Dwarf_Die *out)
{
	Dwarf_Off off = 0, next;
	size_t hsize;

	while (dw && dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu, d;

		if (dwarf_offdie(dw, off + hsize, &cu) && dwarf_child(&cu, &d) == 0)
			do {
				const char *n = dwarf_diename(&d);

				if (dwarf_tag(&d) == DW_TAG_subprogram && n &&
				    !strcmp(n, name) && dwarf_hasattr(&d, DW_AT_low_pc)) {
					*out = d;
					return true;
				}
			} while (dwarf_siblingof(&d, &d) == 0);
		off = next;
	}
	return false;
}

int ld_eval_function(struct ld_evalctx *c, Dwarf_Die *fn, uint64_t bias,
		     struct ld_val *out)
{
	Dwarf_Addr lo;

	if (dwarf_lowpc(fn, &lo))
		return ld_eval_fail(c, "function without an address");
	memset(out, 0, sizeof *out);
	out->ty = ld_ty_die(fn, bias);
	out->lval = LV_MEM;
	out->addr = lo + bias;
	return 0;
}

int ld_eval_lookup(struct ld_evalctx *c, const char *name, Dwarf_Die *out,
		   struct ld_obj **ob, int *fn)
{
	struct ld_objs *o = &c->s->live.objs;
	char within[256];
	int at;

	*fn = -1;
	/* the object list may be new memory since the frame was set up */
	if (c->s->live.proc && c->ob)
		c->ob = ld_objs_at(&c->s->live.objs, c->pc);
	*ob = c->ob;
	if (c->nscopes && ld_dw_lookup_scoped(c->scopes, c->nscopes, name, out, &at)) {
		*fn = c->fn >= 0 && at <= c->fn ? c->fn : -1;
		return LD_FOUND_VAR;
	}
	ld_dw_qualifier(c->fn >= 0 ? &c->scopes[c->fn] : NULL, within, sizeof within);
	if (c->dw && ld_dw_lookup_global(c->dw, name, within, out))
		return LD_FOUND_VAR;
	if (c->dw && find_function(c->dw, name, out))
		return LD_FOUND_FUNC;
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; c->s->live.proc && i < o->n; i++) {
			Dwarf *dw = ld_lines_dwarf(ld_obj_lines(&o->v[i]));

			*ob = &o->v[i];
			if (dw && !pass && ld_dw_lookup_global(dw, name, within, out))
				return LD_FOUND_VAR;
			if (dw && pass && find_function(dw, name, out))
				return LD_FOUND_FUNC;
		}
	*ob = NULL;
	return 0;
}

int ld_eval_name(struct ld_evalctx *c, const char *name, struct ld_val *out)
{
	Dwarf_Die d;
	struct ld_obj *ob, *where;
	int fn;

	switch (ld_eval_lookup(c, name, &d, &ob, &fn)) {
	case LD_FOUND_VAR:
		return ld_eval_var(c, &d, ob, fn, out);
	case LD_FOUND_FUNC:
		return ld_eval_function(c, &d, ob ? ob->bias : 0, out);
	default:
		break;
	}
	if (c->s->live.proc) {
		ld_objs_resolve(&c->s->live.objs, name, NULL, &where);
		if (where)
			return ld_eval_fail(c, "'%s' has unknown type; cast it to "
					    "its declared type", name);
	}
	return ld_eval_fail(c, "no symbol \"%s\" in current context", name);
}

int ld_eval_type(struct ld_evalctx *c, const struct ld_cx_type *t,
		 struct ld_ty *out)
{
	enum ld_synth sy = ld_synth_by_words(t->base);
	struct ld_objs *o = &c->s->live.objs;
	Dwarf_Die d;
	bool found = false;

	if (t->array)
		return ld_eval_fail(c, "casts to array types are not supported");
	if (sy != SY_NONE) {
		*out = ld_ty_synth(sy);
	} else if (c->dw && ld_dwt_find(c->dw, t->base, &d)) {
		*out = ld_ty_die(&d, c->ob ? c->ob->bias : 0);
		found = true;
	} else {
		for (size_t i = 0; c->s->live.proc && i < o->n && !found; i++) {
			Dwarf *dw = ld_lines_dwarf(ld_obj_lines(&o->v[i]));

			if (dw && ld_dwt_find(dw, t->base, &d)) {
				*out = ld_ty_die(&d, o->v[i].bias);
				found = true;
			}
		}
		if (!found) {
			if (!strncmp(t->base, "struct ", 7))
				return ld_eval_fail(c, "no struct type named %s",
						    t->base + 7);
			if (!strncmp(t->base, "union ", 6))
				return ld_eval_fail(c, "no union type named %s",
						    t->base + 6);
			if (!strncmp(t->base, "enum ", 5))
				return ld_eval_fail(c, "no enum type named %s",
						    t->base + 5);
			return ld_eval_fail(c, "no symbol \"%s\" in current context",
					    t->base);
		}
	}
	out->ptr += t->ptr;
	return 0;
}

/* Register $name of the frame. */
int ld_eval_reg(struct ld_evalctx *c, const char *name, struct ld_val *out)
{
	const struct ld_reg_desc *d = ld_reg_by_name(name);
	struct ld_ty t;
	uint64_t v;

	if (!d) {
		/* a convenience variable; never set: void, as gdb's */
		const struct ld_val *cv = ld_conv_get(&c->s->live.conv, name);

		if (cv ? ld_val_copy(out, cv) : ld_val_scalar(out, &(struct ld_ty){
			.synth = SY_VOID }, 0))
			return ld_eval_fail(c, "%s", strerror(ENOMEM));
		return 0;
	}
	if (!c->regs_ok)
		return ld_eval_fail(c, "no registers: no process");
	v = ld_reg_value(&c->regs, d);
	if (d->offset == offsetof(ld_regs, rip)) {
		t = ld_ty_synth(SY_CODE);
		t.ptr = 1;
		v = c->frame ? c->pc + 1 : c->pc;
	} else if (d->offset == offsetof(ld_regs, rsp) ||
		   d->offset == offsetof(ld_regs, rbp)) {
		t = ld_ty_synth(SY_VOID);
		t.ptr = 1;
		v = d->offset == offsetof(ld_regs, rsp) ? c->sp : c->rbp;
	} else {
		if (c->frame > 0)
			return ld_eval_fail(c, "register $%s of frame %d is not "
					    "known", name, c->frame);
		t = ld_ty_synth(SY_LONG);
	}
	if (ld_val_scalar(out, &t, v))
		return ld_eval_fail(c, "%s", strerror(ENOMEM));
	out->lval = LV_REG;
	out->reg = d->dwarf;
	return 0;
}

int ld_eval_history(struct ld_evalctx *c, const struct ld_cx *e,
		    struct ld_val *out)
{
	const struct ld_history *h = &c->s->live.history;
	long k = e->hist_rel ? (long)h->n - e->hist : e->hist;

	if (e->hist_rel && !h->n && !e->hist) {
		memset(out, 0, sizeof *out);   /* gdb: an empty history is void */
		out->ty = ld_ty_synth(SY_VOID);
		return 0;
	}
	if (k <= 0 || (size_t)k > h->n)
		return ld_eval_fail(c, k > 0 ? "history has not yet reached $%ld" :
				    "history is empty before $%ld", k);
	if (ld_val_copy(out, &h->v[k - 1]))
		return ld_eval_fail(c, "%s", strerror(ENOMEM));
	return 0;
}
