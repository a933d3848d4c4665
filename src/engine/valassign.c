/* Assignment to the program's memory: gdb's `set var LVAL = EXPR` and
 * `print LVAL = EXPR`.  The one place values are written to the tracee. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/error.h"
#include "layoutdbg/maps.h"
#include "layoutdbg/mem.h"
#include "layoutdbg/proc.h"
#include "layoutdbg/regtable.h"
#include "layoutdbg/session.h"
#include "layoutdbg/stopcache.h"
#include "layoutdbg/valeval.h"
#include "valeval_int.h"

/* The bytes of a bitfield's storage with v's bits put in. */
static void put_bits(uint8_t *storage, size_t len, const struct ld_val *lv,
		     uint64_t x)
{
	for (unsigned i = 0; i < lv->bitsize; i++) {
		unsigned bit = lv->bitpos + i;

		if (bit / 8 >= len)
			break;
		if ((x >> i) & 1)
			storage[bit / 8] |= (uint8_t)(1u << (bit % 8));
		else
			storage[bit / 8] &= (uint8_t)~(1u << (bit % 8));
	}
}

int ld_eval_assign(struct ld_evalctx *c, const struct ld_val *lv,
		   struct ld_val *rv, struct ld_val *out)
{
	struct ld_session *s = c->s;
	const struct ld_map *m;
	struct ld_val nv;
	uint8_t *bytes;
	size_t len;
	int r;

	memset(out, 0, sizeof *out);
	if (!s->live.proc)
		return ld_eval_fail(c, "no process: the program's memory is written "
				    "only while it runs");
	if (lv->lval == LV_REG)
		return ld_eval_fail(c, "registers are not written");
	if (lv->lval != LV_MEM || lv->optout)
		return ld_eval_fail(c, "left operand of assignment is not an lvalue");
	if (ld_eval_convert(c, rv, &lv->ty, &nv))
		return -1;
	if (!nv.bytes || !lv->bytes || (!lv->bitfield && nv.len != lv->len)) {
		ld_val_release(&nv);
		return ld_eval_fail(c, "cannot assign a value of %zu bytes to %zu",
				    nv.len, lv->len);
	}
	/* code stays as the file and the breakpoints have it */
	m = ld_maps_find(ld_session_maps(s), lv->addr);
	if (!m || !strchr(m->perms, 'w') || lv->len > m->end - lv->addr) {
		ld_val_release(&nv);
		return ld_eval_fail(c, "cannot write to 0x%" PRIx64 ": %s", lv->addr,
				    !m ? "not mapped" : !strchr(m->perms, 'w') ?
				    "not writable memory (code, or read-only data)" :
				    "the value runs past its mapping's end");
	}
	len = lv->len;
	if (!(bytes = malloc(len ? len : 1))) {
		ld_val_release(&nv);
		return ld_eval_fail(c, "out of memory");
	}
	if (lv->bitfield && lv->bitsize < 63) {
		int64_t x = ld_val_int(&nv), lim = (int64_t)1 << lv->bitsize;

		if (ld_ty_signed(&lv->ty) ? x < -lim / 2 || x >= lim / 2 :
					    ld_val_uint(&nv) >= (uint64_t)lim)
			ld_warn("Value does not fit in %u bits.", lv->bitsize);
	}
	if (lv->bitfield) {     /* the storage's other bits as they are */
		memcpy(bytes, lv->bytes, len);
		put_bits(bytes, len, lv, ld_val_uint(&nv));
	} else {
		memcpy(bytes, nv.bytes, len);
	}
	r = ld_mem_write(c->tid, lv->addr, bytes, len);
	free(bytes);
	if (r) {
		ld_val_release(&nv);
		return ld_eval_fail(c, "cannot write to 0x%" PRIx64 ": %s", lv->addr,
				    strerror(-r));
	}
	/* what was read at this stop (stacks, values) may have changed */
	ld_stop_cache_invalidate(&s->cache);
	if (!lv->bitfield) {
		*out = nv;
	} else {
		/* the value as the field now holds it: its storage's bytes */
		r = ld_val_copy(out, lv);
		if (r == 0)
			put_bits(out->bytes, out->len, out, ld_val_uint(&nv));
		ld_val_release(&nv);
		if (r)
			return ld_eval_fail(c, "out of memory");
	}
	out->lval = LV_MEM;
	out->addr = lv->addr;
	return 0;
}

int ld_eval_assign_reg(struct ld_evalctx *c, const struct ld_reg_desc *d,
		       uint64_t x)
{
	struct ld_session *s = c->s;
	struct ld_thread *t = s->live.proc ? ld_session_thread(s) : NULL;
	ld_regs r;
	int e;

	if (!t)
		return ld_eval_fail(c, "no process: registers are written only while "
				    "the program runs");
	if (s->live.frame > 0)
		return ld_eval_fail(c, "only the innermost frame's registers are "
				    "written (frame 0 is not selected)");
	if ((e = ld_tregs(t, &r)) || (memcpy((char *)&r + d->offset, &x, sizeof x),
				      (e = ld_tregs_set(t, &r))))
		return ld_eval_fail(c, "cannot write $%s: %s", d->name, strerror(-e));
	/* the stack and the frame's place change with the registers */
	ld_stop_cache_invalidate(&s->cache);
	return 0;
}
