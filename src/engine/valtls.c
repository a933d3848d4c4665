/* Where a library's __thread variables are in one thread (x86-64, glibc):
 *   tp = fs_base; dtv = *(tp + dtvp); block = dtv[modid].pointer.val
 * with modid = link_map->l_tls_modid.  The offsets come from glibc's own
 * descriptors for libthread_db (nptl_db/structs.def): each of
 * _thread_db_pthread_dtvp, _thread_db_link_map_l_tls_modid,
 * _thread_db_dtv_dtv and _thread_db_dtv_t_pointer_val is three uint32:
 * size in bits, count, offset. */
#include <string.h>

#include "layoutdbg/elfread.h"
#include "layoutdbg/error.h"
#include "layoutdbg/valtls.h"

struct desc {
	uint32_t bits, count, offset;
};

/* Descriptor name from whichever loaded object defines it (libc.so.6). */
static bool descriptor(struct ld_session *s, const char *name, struct desc *d)
{
	struct ld_objs *o = &s->live.objs;

	for (size_t i = 0; i < o->n; i++) {
		struct ld_elf *e = ld_obj_elf(&o->v[i]);
		const struct ld_symbol *sym = e ? ld_elf_lookup_any(e, name) : NULL;

		if (sym && !ld_elf_read_at(e, sym->value, d, sizeof *d))
			return true;
	}
	return false;
}

/* ob's entry in the link map (its l_ld lies inside ob): 0 if none. */
static uint64_t link_map_of(struct ld_session *s, const struct ld_obj *ob)
{
	uint64_t lm, ent[5];

	if (!s->live.objs.r_debug ||
	    ld_session_read(s, s->live.objs.r_debug + 8, &lm, sizeof lm))
		return 0;
	for (int n = 0; lm && n < 4096; n++, lm = ent[3]) {
		if (ld_session_read(s, lm, ent, sizeof ent))
			return 0;
		if (ent[2] >= ob->lo && ent[2] < ob->hi)
			return lm;
	}
	return 0;
}

static int read_field(struct ld_session *s, uint64_t addr, unsigned bytes,
		      uint64_t *v)
{
	*v = 0;
	return bytes > 8 ? -1 : ld_session_read(s, addr, v, bytes);
}

int ld_tls_block(struct ld_session *s, struct ld_obj *ob, uint64_t fs_base,
		 uint64_t *block, char *err, size_t errlen)
{
	struct desc dtvp, modid_d, dtv_d, val_d;
	uint64_t lm = link_map_of(s, ob), modid, dtv;

	if (!descriptor(s, "_thread_db_pthread_dtvp", &dtvp) ||
	    !descriptor(s, "_thread_db_link_map_l_tls_modid", &modid_d) ||
	    !descriptor(s, "_thread_db_dtv_dtv", &dtv_d) ||
	    !descriptor(s, "_thread_db_dtv_t_pointer_val", &val_d))
		return ld_fail(err, errlen, "cannot find thread-local storage "
			       "(no glibc TLS descriptors)");
	if (!lm)
		return ld_fail(err, errlen, "cannot find thread-local storage "
			       "(%s is not in the link map)", ob->name);
	if (read_field(s, lm + modid_d.offset, modid_d.bits / 8, &modid) ||
	    read_field(s, fs_base + dtvp.offset, dtvp.bits / 8, &dtv) || !dtv ||
	    read_field(s, dtv + modid * (dtv_d.bits / 8) + val_d.offset,
		       val_d.bits / 8, block))
		return ld_fail(err, errlen, "cannot find thread-local storage");
	if (!*block || *block == UINT64_MAX)    /* TLS_DTV_UNALLOCATED */
		return ld_fail(err, errlen, "the TLS block of %s is not "
			       "allocated in this thread yet", ob->name);
	return 0;
}
