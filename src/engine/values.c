/* Values and types: DWARF DIEs or C's own types, pointers on top. */
#include <dwarf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/dwtypes.h"
#include "layoutdbg/values.h"

static const struct {
	const char *name;   /* as gdb names its own types */
	enum ld_kind kind;
	unsigned size;
	bool is_signed;
} synths[] = {
	[SY_NONE] = { "void", K_VOID, 1, false },
	[SY_VOID] = { "void", K_VOID, 1, false },
	[SY_BOOL] = { "_Bool", K_BOOL, 1, false },
	[SY_CHAR] = { "char", K_CHAR, 1, true },
	[SY_SCHAR] = { "signed char", K_CHAR, 1, true },
	[SY_UCHAR] = { "unsigned char", K_CHAR, 1, false },
	[SY_SHORT] = { "short", K_INT, 2, true },
	[SY_USHORT] = { "unsigned short", K_INT, 2, false },
	[SY_INT] = { "int", K_INT, 4, true },
	[SY_UINT] = { "unsigned int", K_INT, 4, false },
	[SY_LONG] = { "long", K_INT, 8, true },
	[SY_ULONG] = { "unsigned long", K_INT, 8, false },
	[SY_LLONG] = { "long long", K_INT, 8, true },
	[SY_ULLONG] = { "unsigned long long", K_INT, 8, false },
	[SY_FLOAT] = { "float", K_FLOAT, 4, true },
	[SY_DOUBLE] = { "double", K_FLOAT, 8, true },
	[SY_CODE] = { "void", K_FUNC, 1, false },
	[SY_I8] = { "int8_t", K_INT, 1, true },
	[SY_I16] = { "int16_t", K_INT, 2, true },
	[SY_I32] = { "int32_t", K_INT, 4, true },
	[SY_I64] = { "int64_t", K_INT, 8, true },
};

static const struct {
	const char *words;
	enum ld_synth s;
} synth_words[] = {
	{ "void", SY_VOID }, { "_Bool", SY_BOOL }, { "bool", SY_BOOL },
	{ "char", SY_CHAR }, { "signed char", SY_SCHAR },
	{ "unsigned char", SY_UCHAR }, { "short", SY_SHORT },
	{ "short int", SY_SHORT }, { "signed short", SY_SHORT },
	{ "unsigned short", SY_USHORT }, { "unsigned short int", SY_USHORT },
	{ "int", SY_INT }, { "signed", SY_INT }, { "signed int", SY_INT },
	{ "unsigned", SY_UINT }, { "unsigned int", SY_UINT },
	{ "long", SY_LONG }, { "long int", SY_LONG }, { "signed long", SY_LONG },
	{ "unsigned long", SY_ULONG }, { "unsigned long int", SY_ULONG },
	{ "long unsigned int", SY_ULONG }, { "long long", SY_LLONG },
	{ "long long int", SY_LLONG }, { "unsigned long long", SY_ULLONG },
	{ "long long unsigned int", SY_ULLONG }, { "float", SY_FLOAT },
	{ "double", SY_DOUBLE },
};

enum ld_synth ld_synth_by_words(const char *words)
{
	for (size_t i = 0; i < sizeof synth_words / sizeof synth_words[0]; i++)
		if (!strcmp(words, synth_words[i].words))
			return synth_words[i].s;
	return SY_NONE;
}

struct ld_ty ld_ty_synth(enum ld_synth s)
{
	struct ld_ty t = { .synth = s };

	return t;
}

struct ld_ty ld_ty_die(Dwarf_Die *d, uint64_t bias)
{
	struct ld_ty t = { .bias = bias };

	if (d) {
		t.die = *d;
		t.has_die = true;
	} else {
		t.synth = SY_VOID;
	}
	return t;
}

struct ld_ty ld_ty_pointer(const struct ld_ty *t)
{
	struct ld_ty p = *t;

	p.ptr++;
	return p;
}

bool ld_ty_peeled(const struct ld_ty *t, Dwarf_Die *out)
{
	Dwarf_Die d = t->die;

	return t->has_die && ld_dwt_strip(&d, out);
}

static enum ld_kind base_kind(Dwarf_Die *d)
{
	switch (ld_dwt_encoding(d)) {
	case DW_ATE_boolean: return K_BOOL;
	case DW_ATE_float: return K_FLOAT;
	case DW_ATE_signed_char: case DW_ATE_unsigned_char: return K_CHAR;
	case DW_ATE_UTF: return K_CHAR;
	default: return K_INT;
	}
}

enum ld_kind ld_ty_kind(const struct ld_ty *t)
{
	Dwarf_Die d;

	if (t->rep)
		return K_ARRAY;
	if (t->ptr)
		return K_PTR;
	if (!t->has_die)
		return synths[t->synth].kind;
	if (!ld_ty_peeled(t, &d))
		return K_VOID;
	switch (dwarf_tag(&d)) {
	case DW_TAG_base_type: return base_kind(&d);
	case DW_TAG_enumeration_type: return K_ENUM;
	case DW_TAG_pointer_type: return K_PTR;
	case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type: return K_REF;
	case DW_TAG_array_type: return K_ARRAY;
	case DW_TAG_structure_type:
	case DW_TAG_class_type: return K_STRUCT;
	case DW_TAG_union_type: return K_UNION;
	case DW_TAG_subroutine_type:
	case DW_TAG_subprogram: return K_FUNC;
	default: return K_INT;
	}
}

bool ld_ty_signed(const struct ld_ty *t)
{
	Dwarf_Die d;
	int enc;

	if (t->ptr || t->rep)
		return false;
	if (!t->has_die)
		return synths[t->synth].is_signed;
	if (!ld_ty_peeled(t, &d))
		return false;
	if (dwarf_tag(&d) == DW_TAG_enumeration_type) {
		Dwarf_Die u;

		/* an enum with no negative enumerator is unsigned in GCC */
		return ld_dwt_target(&d, &u) ? ld_dwt_encoding(&u) == DW_ATE_signed : false;
	}
	enc = ld_dwt_encoding(&d);
	return enc == DW_ATE_signed || enc == DW_ATE_signed_char ||
	       enc == DW_ATE_float;
}

uint64_t ld_ty_count(const struct ld_ty *t)
{
	Dwarf_Die d;

	if (t->rep)
		return t->rep;
	if (t->ptr || !ld_ty_peeled(t, &d) || dwarf_tag(&d) != DW_TAG_array_type)
		return 0;
	return ld_dwt_array_count(&d, t->skip);
}

bool ld_ty_target(const struct ld_ty *t, struct ld_ty *out)
{
	Dwarf_Die d, e;

	if (t->rep) {
		*out = *t;
		out->rep = 0;
		return true;
	}
	if (t->ptr) {
		*out = *t;
		out->ptr--;
		return true;
	}
	if (!ld_ty_peeled(t, &d))
		return false;
	switch (dwarf_tag(&d)) {
	case DW_TAG_array_type:
		if (t->skip + 1 < ld_dwt_array_dims(&d)) {
			*out = *t;
			out->die = d;
			out->skip++;
			return true;
		}
		/* fall through */
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type:
		*out = ld_ty_die(ld_dwt_target(&d, &e), t->bias);
		return true;
	default:
		return false;
	}
}

uint64_t ld_ty_size(const struct ld_ty *t)
{
	struct ld_ty e;
	Dwarf_Die d;

	if (t->rep) {
		ld_ty_target(t, &e);
		return t->rep * ld_ty_size(&e);
	}
	if (t->ptr)
		return 8;
	if (!t->has_die)
		return synths[t->synth].size;
	if (t->skip && ld_ty_peeled(t, &d) && ld_ty_target(t, &e))
		return ld_ty_count(t) * ld_ty_size(&e);
	return ld_dwt_size((Dwarf_Die *)&t->die);
}

char *ld_ty_name(const struct ld_ty *t, const char *decl, char *buf,
		 size_t len)
{
	char d[512];
	struct ld_ty base = *t;
	enum ld_kind bk;

	if (t->rep) {
		char d2[512];

		base.rep = 0;
		snprintf(d2, sizeof d2, "%s[%llu]", decl, (unsigned long long)t->rep);
		return ld_ty_name(&base, d2, buf, len);
	}
	base.ptr = 0;
	bk = ld_ty_kind(&base);
	if (t->ptr) {
		char stars[64];
		unsigned n = t->ptr < 60 ? t->ptr : 60;

		memset(stars, '*', n);
		stars[n] = 0;
		if (bk == K_ARRAY || bk == K_FUNC)
			snprintf(d, sizeof d, "(%s%s)", stars, decl);
		else
			snprintf(d, sizeof d, "%s%s", stars, decl);
		decl = d;
	}
	if (!t->has_die) {
		if (t->synth == SY_CODE)
			snprintf(buf, len, "void %s()", decl);
		else
			snprintf(buf, len, "%s%s%s", synths[t->synth].name,
				 *decl ? " " : "", decl);
		return buf;
	}
	if (t->skip) {
		Dwarf_Die p;

		if (ld_ty_peeled(&base, &p))
			return ld_dwt_name_dims(&p, t->skip, decl, buf, len);
	}
	return ld_dwt_name((Dwarf_Die *)&t->die, decl, buf, len);
}

void ld_val_release(struct ld_val *v)
{
	free(v->bytes);
	free(v->optmask);
	memset(v, 0, sizeof *v);
}

int ld_val_copy(struct ld_val *to, const struct ld_val *from)
{
	*to = *from;
	to->bytes = NULL;
	if (from->len) {
		if (!(to->bytes = malloc(from->len)))
			return -ENOMEM;
		memcpy(to->bytes, from->bytes, from->len);
	}
	to->optmask = NULL;
	if (from->optmask && from->len) {
		if (!(to->optmask = malloc(from->len))) {
			free(to->bytes);
			to->bytes = NULL;
			return -ENOMEM;
		}
		memcpy(to->optmask, from->optmask, from->len);
	}
	return 0;
}

int ld_val_mark_optout(struct ld_val *v, size_t off, size_t len)
{
	if (off >= v->len)
		return 0;
	if (len > v->len - off)
		len = v->len - off;
	if (!v->optmask && !(v->optmask = calloc(1, v->len)))
		return -ENOMEM;
	memset(v->optmask + off, 1, len);
	return 0;
}

void ld_val_settle(struct ld_val *v)
{
	size_t flagged = 0;
	enum ld_kind k = ld_ty_kind(&v->ty);
	bool aggregate = k == K_STRUCT || k == K_UNION || k == K_ARRAY;

	if (!v->optmask)
		return;
	for (size_t i = 0; i < v->len; i++)
		flagged += v->optmask[i];
	if (flagged && (flagged == v->len || !aggregate))
		v->optout = true;
	if (!flagged || v->optout) {
		free(v->optmask);
		v->optmask = NULL;
	}
}

int ld_val_sub_mask(struct ld_val *out, const struct ld_val *from, size_t off)
{
	if (!from->optmask || !out->len || off >= from->len)
		return 0;
	if (!(out->optmask = calloc(1, out->len)))
		return -ENOMEM;
	memcpy(out->optmask, from->optmask + off,
	       out->len < from->len - off ? out->len : from->len - off);
	ld_val_settle(out);
	return 0;
}

int ld_val_make(struct ld_val *v, const struct ld_ty *t, const void *src,
		size_t len)
{
	memset(v, 0, sizeof *v);
	v->ty = *t;
	v->len = len;
	if (len) {
		if (!(v->bytes = calloc(1, len)))
			return -ENOMEM;
		if (src)
			memcpy(v->bytes, src, len);
	}
	return 0;
}

uint64_t ld_val_uint(const struct ld_val *v)
{
	uint64_t x = 0;

	if (!v->bytes)
		return 0;       /* optimized out, void: no contents */
	if (v->bitfield) {
		unsigned first = v->bitpos / 8, shift = v->bitpos % 8;
		size_t n = v->len > first ? v->len - first : 0;

		memcpy(&x, v->bytes + first, n < 8 ? n : 8);
		x >>= shift;
		if (v->bitsize < 64)
			x &= (1ULL << v->bitsize) - 1;
		return x;
	}
	memcpy(&x, v->bytes, v->len < 8 ? v->len : 8);
	return x;
}

int64_t ld_val_int(const struct ld_val *v)
{
	uint64_t x = ld_val_uint(v);
	unsigned bits = v->bitfield ? v->bitsize : (unsigned)(v->len * 8);

	if (ld_ty_signed(&v->ty) && bits && bits < 64 && (x >> (bits - 1)) & 1)
		x |= ~0ULL << bits;
	return (int64_t)x;
}

double ld_val_double(const struct ld_val *v)
{
	if (ld_ty_kind(&v->ty) == K_FLOAT) {
		if (v->len == 4) {
			float f;

			memcpy(&f, v->bytes, 4);
			return f;
		}
		if (v->len >= 8) {
			double d;

			memcpy(&d, v->bytes, 8);
			return d;
		}
	}
	return ld_ty_signed(&v->ty) ? (double)ld_val_int(v) :
				      (double)ld_val_uint(v);
}

int ld_val_truth(const struct ld_val *v, char *err, size_t errlen)
{
	enum ld_kind k = ld_ty_kind(&v->ty);
	char name[256];

	if (v->optout)
		return snprintf(err, errlen, "value has been optimized out"), -1;
	if (k == K_FLOAT)
		return ld_val_double(v) != 0;
	if (k == K_INT || k == K_BOOL || k == K_CHAR || k == K_ENUM || k == K_PTR)
		return ld_val_uint(v) != 0;
	snprintf(err, errlen, "a value of type `%s' is not a number",
		 ld_ty_name(&v->ty, "", name, sizeof name));
	return -1;
}

int ld_val_scalar(struct ld_val *v, const struct ld_ty *t, uint64_t x)
{
	size_t n = (size_t)ld_ty_size(t);

	if (n > 8)
		n = 8;
	return ld_val_make(v, t, &x, n ? n : 1);
}

int ld_val_float(struct ld_val *v, const struct ld_ty *t, double x)
{
	if (ld_ty_size(t) == 4) {
		float f = (float)x;

		return ld_val_make(v, t, &f, 4);
	}
	return ld_val_make(v, t, &x, 8);
}

void ld_history_release(struct ld_history *h)
{
	for (size_t i = 0; i < h->n; i++)
		ld_val_release(&h->v[i]);
	free(h->v);
	memset(h, 0, sizeof *h);
}

bool ld_val_typed_by(const struct ld_val *v, const Dwarf *keep)
{
	return !v->ty.has_die ||
	       (keep && dwarf_cu_getdwarf(v->ty.die.cu) == keep);
}

void ld_history_forget_foreign(struct ld_history *h, const Dwarf *keep)
{
	for (size_t i = 0; i < h->n; i++) {
		if (ld_val_typed_by(&h->v[i], keep))
			continue;
		ld_val_release(&h->v[i]);
		if (ld_val_scalar(&h->v[i], &(struct ld_ty){ .synth = SY_VOID }, 0))
			memset(&h->v[i], 0, sizeof h->v[i]);
	}
}

int ld_history_add(struct ld_history *h, const struct ld_val *v)
{
	if (h->n == h->cap) {
		size_t cap = h->cap ? 2 * h->cap : 16;
		struct ld_val *nv = realloc(h->v, cap * sizeof *nv);

		if (!nv)
			return -1;
		h->v = nv;
		h->cap = cap;
	}
	if (ld_val_copy(&h->v[h->n], v))
		return -1;
	return (int)++h->n;
}
