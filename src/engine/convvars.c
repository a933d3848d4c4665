/* Convenience variables ($name): a small table of values by name. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/convvars.h"
#include "layoutdbg/grow.h"

void ld_conv_release(struct ld_convvars *cv)
{
	for (size_t i = 0; i < cv->n; i++) {
		free(cv->v[i].name);
		ld_val_release(&cv->v[i].v);
	}
	free(cv->v);
	memset(cv, 0, sizeof *cv);
}

static struct ld_convvar *find(const struct ld_convvars *cv, const char *name)
{
	for (size_t i = 0; i < cv->n; i++)
		if (!strcmp(cv->v[i].name, name))
			return &cv->v[i];
	return NULL;
}

const struct ld_val *ld_conv_get(const struct ld_convvars *cv, const char *name)
{
	const struct ld_convvar *c = find(cv, name);

	return c ? &c->v : NULL;
}

int ld_conv_set(struct ld_convvars *cv, const char *name, const struct ld_val *v)
{
	struct ld_convvar *c = find(cv, name);
	struct ld_val copy;

	if (ld_val_copy(&copy, v))
		return -ENOMEM;
	/* a value is its contents: where it was read from is no more */
	copy.lval = LV_NONE;
	if (c) {
		ld_val_release(&c->v);
		c->v = copy;
		return 0;
	}
	if (LD_GROW(cv->v, cv->cap, cv->n, 8) < 0 ||
	    !(cv->v[cv->n].name = strdup(name)))
		goto fail;
	cv->v[cv->n++].v = copy;
	return 0;
fail:
	ld_val_release(&copy);
	return -ENOMEM;
}

int ld_conv_set_scalar(struct ld_convvars *cv, const char *name,
		       enum ld_synth sy, unsigned ptr, uint64_t x)
{
	struct ld_ty t = ld_ty_synth(sy);
	struct ld_val v;
	int r;

	t.ptr = ptr;
	if (ld_val_scalar(&v, &t, x))
		return -ENOMEM;
	r = ld_conv_set(cv, name, &v);
	ld_val_release(&v);
	return r;
}

void ld_conv_forget_typed(struct ld_convvars *cv, const Dwarf *keep)
{
	size_t i = 0;

	while (i < cv->n) {
		if (ld_val_typed_by(&cv->v[i].v, keep)) {
			i++;
			continue;
		}
		free(cv->v[i].name);
		ld_val_release(&cv->v[i].v);
		cv->v[i] = cv->v[--cv->n];
	}
}
