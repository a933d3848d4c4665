/* Memory residency shown: the `info proc smaps` table (pmap -X's layout),
 * the smaps_rollup totals and one page's state (xinfo), as text and as
 * JSON. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "layoutdbg/error.h"
#include "layoutdbg/json.h"
#include "layoutdbg/output.h"
#include "layoutdbg/pages.h"

/* ---- info proc smaps: text -------------------------------------------- */

/* The columns of the table: pmap -X's, with the clean/dirty split. */
static const enum ld_smaps_field columns[] = {
	LD_SM_SIZE, LD_SM_RSS, LD_SM_PSS, LD_SM_SHARED_CLEAN, LD_SM_SHARED_DIRTY,
	LD_SM_PRIVATE_CLEAN, LD_SM_PRIVATE_DIRTY, LD_SM_REFERENCED,
	LD_SM_ANONYMOUS, LD_SM_SWAP, LD_SM_SWAPPSS, LD_SM_ANONHUGE, LD_SM_LOCKED,
};
#define NCOL (sizeof columns / sizeof columns[0])

/* Whether this kernel printed column c. */
static bool col_have(const struct ld_smaps *sm, size_t c)
{
	return sm->have >> columns[c] & 1;
}

static int digits(uint64_t v)
{
	int n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

struct table {
	int w[NCOL];
	bool on[NCOL];
	uint64_t total[NCOL];
	int flags_w;
};

static void table_measure(const struct ld_smaps *sm, struct table *t)
{
	size_t c, i;

	memset(t, 0, sizeof *t);
	t->flags_w = 7;
	for (c = 0; c < NCOL; c++) {
		t->on[c] = col_have(sm, c);
		t->total[c] = ld_smaps_total(sm, columns[c]);
		t->w[c] = (int)strlen(ld_smaps_field_name(columns[c]));
		if (digits(t->total[c]) > t->w[c])
			t->w[c] = digits(t->total[c]);
	}
	for (i = 0; i < sm->maps.n; i++)
		if (sm->v[i].vmflags && (int)strlen(sm->v[i].vmflags) > t->flags_w)
			t->flags_w = (int)strlen(sm->v[i].vmflags);
}

/* The table goes out through one buffer, written when full, its numbers
 * formatted by hand: a 20,000-row table is 300,000 numbers, and stdio's
 * format parsing and per-call locking were most of the time of writing
 * it. */
#define TBUF (32 * 1024)
#define ROW_FIXED (6 * 24 + (NCOL + 1) * 24)	/* a row but flags and path */

struct tbuf {
	FILE *f;
	size_t len;
	char b[TBUF];
};

static void tb_flush(struct tbuf *t)
{
	fwrite(t->b, 1, t->len, t->f);
	t->len = 0;
}

static void tb_put(struct tbuf *t, const char *s, size_t n)
{
	while (n) {
		size_t k = TBUF - t->len < n ? TBUF - t->len : n;

		memcpy(t->b + t->len, s, k);
		t->len += k;
		s += k;
		n -= k;
		if (t->len == TBUF)
			tb_flush(t);
	}
}

/* n blanks */
static void tb_pad(struct tbuf *t, size_t n)
{
	while (n) {
		size_t k = TBUF - t->len < n ? TBUF - t->len : n;

		memset(t->b + t->len, ' ', k);
		t->len += k;
		n -= k;
		if (t->len == TBUF)
			tb_flush(t);
	}
}

/* n digits of v, last first, into d (at least 20 bytes); "-" when the
 * value is not there. */
static int dec_digits(char *d, uint64_t v, bool have)
{
	int n = 0;

	if (!have) {
		d[0] = '-';
		return 1;
	}
	do
		d[n++] = (char)('0' + v % 10);
	while (v /= 10);
	return n;
}

static int hex_digits(char *d, uint64_t v)
{
	int n = 0;

	do
		d[n++] = "0123456789abcdef"[v & 15];
	while (v >>= 4);
	return n;
}

/* The n digits in d, right-aligned in w columns padded with pad (printf's
 * "%*lu", "%0*lx"); returns the end. */
static char *put_digits(char *p, const char *d, int n, int w, char pad)
{
	for (; w > n; w--)
		*p++ = pad;
	while (n)
		*p++ = d[--n];
	return p;
}

static char *put_dec(char *p, uint64_t v, int w, bool have)
{
	char d[24];

	return put_digits(p, d, dec_digits(d, v, have), w, ' ');
}

static char *put_hex(char *p, uint64_t v, int w, char pad)
{
	char d[24];

	return put_digits(p, d, hex_digits(d, v), w, pad);
}

/* "%16lx %s %08lx %02x:%02x %7lu", by hand */
static char *put_head(char *p, const struct ld_map *mp)
{
	p = put_hex(p, mp->start, 16, ' ');
	*p++ = ' ';
	p = stpcpy(p, mp->perms);
	*p++ = ' ';
	p = put_hex(p, mp->offset, 8, '0');
	*p++ = ' ';
	p = put_hex(p, mp->dev_major, 2, '0');
	*p++ = ':';
	p = put_hex(p, mp->dev_minor, 2, '0');
	*p++ = ' ';
	return put_dec(p, mp->inode, 7, true);
}

static void table_row(struct tbuf *tb, const struct ld_smaps *sm,
		      const struct table *t, size_t i)
{
	const struct ld_map *mp = &sm->maps.v[i];
	const struct ld_smap *m = &sm->v[i];
	char *p;
	size_t c, n;

	if (TBUF - tb->len < ROW_FIXED)
		tb_flush(tb);
	p = put_head(tb->b + tb->len, mp);
	for (c = 0; c < NCOL; c++) {
		if (!t->on[c])
			continue;
		*p++ = ' ';
		p = put_dec(p, m->kb[columns[c]], t->w[c],
			    ld_smap_has(m, columns[c]));
	}
	if (sm->have_thp) {
		*p++ = ' ';
		p = put_dec(p, (uint64_t)m->thp_eligible, 11,
			    m->thp_eligible >= 0);
	}
	tb->len = (size_t)(p - tb->b);
	if (sm->have_vmflags) {
		const char *fl = m->vmflags ? m->vmflags : "-";

		n = strlen(fl);
		tb_put(tb, " ", 1);
		tb_put(tb, fl, n);
		if ((int)n < t->flags_w)
			tb_pad(tb, (size_t)t->flags_w - n);
	}
	tb_put(tb, " ", 1);
	tb_put(tb, mp->path, strlen(mp->path));
	tb_put(tb, "\n", 1);
}

/* Straight to the stream: ld_out flushes every call, and a
 * 20,000-mapping table is 300,000 of them. */
static void table_text(FILE *f, const struct ld_smaps *sm, pid_t pid)
{
	struct table t;
	struct tbuf tb;
	size_t c, i;
	int lead = 16 + 1 + 4 + 1 + 8 + 1 + 5 + 1 + 7;

	table_measure(sm, &t);
	fprintf(f, "process %d\n%16s %-4s %8s %5s %7s", (int)pid, "Address", "Perm",
	       "Offset", "Device", "Inode");
	for (c = 0; c < NCOL; c++)
		if (t.on[c])
			fprintf(f, " %*s", t.w[c], ld_smaps_field_name(columns[c]));
	if (sm->have_thp)
		fprintf(f, " %11s", "THPeligible");
	if (sm->have_vmflags)
		fprintf(f, " %-*s", t.flags_w, "VmFlags");
	fprintf(f, " Mapping\n");
	tb.f = f;
	tb.len = 0;
	for (i = 0; i < sm->maps.n; i++)
		table_row(&tb, sm, &t, i);
	tb_flush(&tb);
	/* pmap -X's totals: a rule, then the sums in KiB */
	fprintf(f, "%*s", lead, "");
	for (c = 0; c < NCOL; c++)
		if (t.on[c])
			fprintf(f, " %.*s", t.w[c], "====================");
	fprintf(f, "\n%*s", lead, "");
	for (c = 0; c < NCOL; c++)
		if (t.on[c])
			fprintf(f, " %*" PRIu64, t.w[c], t.total[c]);
	fprintf(f, " KB (%zu mappings)\n", sm->maps.n);
	fflush(f);
}

/* The fields this kernel did not print: said once, not as zeros. */
static void missing_note(FILE *f, const struct ld_smaps *sm)
{
	char buf[512] = "";
	size_t c, used = 0;

	for (c = 0; c < NCOL; c++) {
		int k;

		if (col_have(sm, c))
			continue;
		k = snprintf(buf + used, sizeof buf - used, "%s%s", used ? ", " : "",
			     ld_smaps_field_name(columns[c]));
		if (k > 0 && (size_t)k < sizeof buf - used)
			used += (size_t)k;
	}
	if (used || !sm->have_thp || !sm->have_vmflags)
		fprintf(f, "note: this kernel does not report %s%s%s%s%s\n", buf,
		       used && !sm->have_thp ? ", " : "",
		       sm->have_thp ? "" : "THPeligible",
		       (used || !sm->have_thp) && !sm->have_vmflags ? ", " : "",
		       sm->have_vmflags ? "" : "VmFlags");
}

void ld_smaps_render(FILE *f, const struct ld_smaps *sm, pid_t pid)
{
	table_text(f, sm, pid);
	if (sm->maps.n)
		missing_note(f, sm);
	if (sm->unknown)
		fprintf(f, "note: %u lines of fields unknown to layoutdbg were "
			"skipped\n", sm->unknown);
	fflush(f);
}

static void rollup_text(const struct ld_smaps *sm, pid_t pid)
{
	const struct ld_smap *m = &sm->v[0];
	char h[32];
	unsigned f;

	ld_out("process %d: totals over every mapping (0x%" PRIx64 "-0x%" PRIx64
	       ", /proc/%d/smaps_rollup)\n", (int)pid, sm->maps.v[0].start,
	       sm->maps.v[0].end, (int)pid);
	for (f = 0; f < LD_SM_N; f++)
		if (ld_smap_has(m, f))
			ld_out("%s:%*s %10" PRIu64 " kB  %s\n", ld_smaps_field_name(f),
			       15 - (int)strlen(ld_smaps_field_name(f)), "",
			       m->kb[f], ld_human_size(m->kb[f] * 1024, h, sizeof h));
}

/* ---- info proc smaps: JSON -------------------------------------------- */

static json_t *missing_json(const struct ld_smaps *sm)
{
	json_t *arr = json_array();
	size_t c;

	for (c = 0; c < NCOL; c++)
		if (!col_have(sm, c))
			json_array_append_new(arr, json_string(ld_smaps_field_json(columns[c])));
	if (!sm->have_thp)
		json_array_append_new(arr, json_string("thp_eligible"));
	if (!sm->have_vmflags)
		json_array_append_new(arr, json_string("vmflags"));
	return arr;
}

static json_t *vmflags_json(const char *flags)
{
	json_t *a = json_array();
	const char *p = flags;

	while (p && *p) {
		size_t n = strcspn(p, " ");

		json_array_append_new(a, json_stringn(p, n));
		p += n;
		p += *p == ' ';
	}
	return a;
}

static json_t *smap_json(const struct ld_smap *m)
{
	json_t *o = json_object();
	unsigned f;

	for (f = 0; f < LD_SM_N; f++)
		if (ld_smap_has(m, f))
			json_object_set_new(o, ld_smaps_field_json(f),
					    json_integer((json_int_t)(m->kb[f] * 1024)));
	if (m->thp_eligible >= 0)
		json_object_set_new(o, "thp_eligible", json_integer(m->thp_eligible));
	if (m->pkey >= 0)
		json_object_set_new(o, "protection_key", json_integer(m->pkey));
	if (m->vmflags)
		json_object_set_new(o, "vmflags", vmflags_json(m->vmflags));
	return o;
}

static json_t *totals_json(const struct ld_smaps *sm)
{
	json_t *o = json_object();
	unsigned f;

	for (f = 0; f < LD_SM_N; f++)
		if (sm->have >> f & 1)
			json_object_set_new(o, ld_smaps_field_json(f),
					    json_integer((json_int_t)(ld_smaps_total(sm, f) * 1024)));
	return o;
}

static json_t *smaps_json(const struct ld_smaps *sm, pid_t pid, bool rollup,
			  const char *note)
{
	json_t *d = ld_jdoc(rollup ? "info proc smaps_rollup" : "info proc smaps");
	json_t *arr = json_array();
	size_t i;

	ld_jset(d, "pid", json_integer(pid));
	for (i = 0; !rollup && i < sm->maps.n; i++) {
		json_t *o = ld_json_mapping(&sm->maps.v[i]);

		ld_jset(o, "smaps", smap_json(&sm->v[i]));
		json_array_append_new(arr, o);
	}
	if (rollup) {
		ld_json_put_u64(d, "start", sm->maps.n ? sm->maps.v[0].start : 0);
		ld_json_put_u64(d, "end", sm->maps.n ? sm->maps.v[0].end : 0);
		json_decref(arr);
	} else {
		ld_jset(d, "mappings", arr);
	}
	ld_jset(d, "totals", totals_json(sm));
	ld_jset(d, "missing", !rollup && sm->maps.n ? missing_json(sm) : json_array());
	ld_jset(d, "unknown_fields", json_integer(sm->unknown));
	if (note && *note)
		ld_json_put_text(d, "note", note);
	return d;
}

int ld_show_smaps(const struct ld_smaps *sm, pid_t pid, bool rollup,
		  const char *note)
{
	if (ld_json_on())
		return ld_emit_json(smaps_json(sm, pid, rollup, note));
	if (rollup && sm->maps.n)
		rollup_text(sm, pid);
	else if (!rollup)
		ld_smaps_render(stdout, sm, pid);
	if (*note)
		ld_warn("%s", note);
	return 0;
}

/* ---- xinfo: one page -------------------------------------------------- */

static const char *absent_meaning(const struct ld_map *mp)
{
	return ld_map_is_file(mp) ?
	       "not present: the next access reads it from the file" :
	       "not present: never touched or dropped; a read gives zeros";
}

void ld_page_render(pid_t pid, const struct ld_page_info *pi, int r,
		    const struct ld_map *mp)
{
	enum ld_page_state st = ld_page_state_of(pi->entry);
	uint64_t e = pi->entry;

	if (r < 0) {
		ld_out("  page      unknown: /proc/%d/pagemap: %s\n", (int)pid,
		       strerror(-r));
		return;
	}

	ld_out("  page      0x%" PRIx64 ": ", pi->page);
	if (st == LD_PS_PRESENT && pi->zero)
		ld_out("present, the shared zero page (read, never written)");
	else if (st == LD_PS_PRESENT)
		ld_out("present, %s%s%s", e & LD_PM_FILE ? "file page (or shared "
		       "anonymous)" : "anonymous", e & LD_PM_EXCLUSIVE ?
		       ", exclusively mapped" : "", e & LD_PM_SOFTDIRTY ?
		       ", soft-dirty" : "");
	else if (st == LD_PS_SWAPPED)
		ld_out("swapped out%s", e & LD_PM_SOFTDIRTY ? ", soft-dirty" : "");
	else
		ld_out("%s", absent_meaning(mp));
	if (st == LD_PS_PRESENT && (e & LD_PM_PFN_MASK))
		ld_out("; PFN 0x%" PRIx64, e & LD_PM_PFN_MASK);
	else if (st == LD_PS_PRESENT)
		ld_out("; PFN hidden (needs CAP_SYS_ADMIN)");
	ld_out("\n");
}


void ld_page_json(json_t *d, const struct ld_page_info *pi, int r)
{
	enum ld_page_state st = ld_page_state_of(pi->entry);
	uint64_t e = pi->entry;
	json_t *o;

	if (r < 0) {
		ld_json_put_text(d, "page_note", strerror(-r));
		return;
	}
	o = json_object();
	ld_json_put_u64(o, "address", pi->page);
	ld_jset(o, "present", json_boolean(st == LD_PS_PRESENT));
	ld_jset(o, "swapped", json_boolean(st == LD_PS_SWAPPED));
	ld_jset(o, "file_or_shared", json_boolean(e & LD_PM_FILE));
	ld_jset(o, "exclusive", json_boolean(e & LD_PM_EXCLUSIVE));
	ld_jset(o, "soft_dirty", json_boolean(e & LD_PM_SOFTDIRTY));
	if (st == LD_PS_PRESENT && (e & LD_PM_PFN_MASK)) {
		ld_json_put_u64(o, "pfn", e & LD_PM_PFN_MASK);
		ld_jset(o, "zero_page", json_boolean(pi->zero));
	}
	ld_jset(d, "page", o);
}
