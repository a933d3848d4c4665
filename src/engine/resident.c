/* What is in memory at a stop: smaps tables, the resident column, xinfo's
 * page state and the page counts of snapshots. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "layoutdbg/error.h"
#include "layoutdbg/export.h"
#include "layoutdbg/jsonout.h"
#include "layoutdbg/output.h"
#include "layoutdbg/resident.h"

/* ---- the smaps of this stop --------------------------------------------- */

int ld_session_smaps(struct ld_session *s, const struct ld_smaps **out,
		     char *err, size_t errlen)
{
	pid_t pid;
	int r;

	*out = NULL;
	err[0] = 0;
	if (!s->proc) {
		snprintf(err, errlen, "no process");
		return -ESRCH;
	}
	pid = s->proc->pid;
	if (s->smaps && s->smaps_gen == s->stop_gen && s->smaps_pid == pid) {
		*out = s->smaps;
		return 0;
	}
	if (!s->smaps) {
		s->smaps = malloc(sizeof *s->smaps);
		if (!s->smaps) {
			snprintf(err, errlen, "%s", strerror(ENOMEM));
			return -ENOMEM;
		}
	} else {
		ld_smaps_release(s->smaps);
	}
	ld_smaps_init(s->smaps);
	s->smaps_pid = 0;
	r = ld_smaps_read(pid, false, s->smaps, err, errlen);
	if (r < 0 && !s->smaps->maps.n)
		return r;
	*out = s->smaps;
	if (r == 0) {
		s->smaps_gen = s->stop_gen;
		s->smaps_pid = pid;
	}
	return r;
}

bool ld_smaps_matches(const struct ld_smaps *sm, const struct ld_maps *m)
{
	size_t i;

	if (sm->maps.n != m->n)
		return false;
	for (i = 0; i < m->n; i++)
		if (sm->maps.v[i].start != m->v[i].start ||
		    sm->maps.v[i].end != m->v[i].end)
			return false;
	return true;
}

void ld_resident_prime(struct ld_session *s)
{
	const struct ld_smaps *sm;
	char err[256];

	if (!s->snapshot_pages || !s->proc || s->maps_gen == s->stop_gen)
		return;
	if (ld_session_smaps(s, &sm, err, sizeof err) < 0 || !sm->maps.n)
		return;
	ld_maps_release(&s->maps);
	if (ld_maps_copy(&s->maps, &sm->maps) == 0)
		s->maps_gen = s->stop_gen;
}

const struct ld_smaps *ld_resident_column(struct ld_session *s,
					  const struct ld_maps *m,
					  const char *cmd)
{
	const struct ld_smaps *sm;
	char err[256];
	int r;

	if (!s->vmmap_resident || !s->proc)
		return NULL;
	r = ld_session_smaps(s, &sm, err, sizeof err);
	if (r < 0) {
		ld_warn("%s: no resident column: %s", cmd, err);
		return NULL;
	}
	if (!ld_smaps_matches(sm, m)) {
		ld_warn("%s: no resident column: smaps and maps differ (the "
			"process changed or exited during the read)", cmd);
		return NULL;
	}
	return sm;
}

/* ---- info proc smaps -------------------------------------------------- */

/* The columns of the table: pmap -X's, with the clean/dirty split. */
static const enum ld_smaps_field columns[] = {
	LD_SM_SIZE, LD_SM_RSS, LD_SM_PSS, LD_SM_SHARED_CLEAN, LD_SM_SHARED_DIRTY,
	LD_SM_PRIVATE_CLEAN, LD_SM_PRIVATE_DIRTY, LD_SM_REFERENCED,
	LD_SM_ANONYMOUS, LD_SM_SWAP, LD_SM_SWAPPSS, LD_SM_ANONHUGE, LD_SM_LOCKED,
};
#define NCOL (sizeof columns / sizeof columns[0])

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
		t->on[c] = sm->have >> columns[c] & 1;
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
static void missing_note(FILE *f, const struct ld_smaps *sm, json_t *arr)
{
	char buf[512] = "";
	size_t c, used = 0;

	for (c = 0; c < NCOL; c++) {
		const char *n = ld_smaps_field_name(columns[c]);
		int k;

		if (sm->have >> columns[c] & 1)
			continue;
		if (arr) {
			json_array_append_new(arr, json_string(ld_smaps_field_json(columns[c])));
			continue;
		}
		k = snprintf(buf + used, sizeof buf - used, "%s%s", used ? ", " : "", n);
		if (k > 0 && (size_t)k < sizeof buf - used)
			used += (size_t)k;
	}
	if (!sm->have_thp && arr)
		json_array_append_new(arr, json_string("thp_eligible"));
	if (!sm->have_vmflags && arr)
		json_array_append_new(arr, json_string("vmflags"));
	if (!arr && (used || !sm->have_thp || !sm->have_vmflags))
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
		missing_note(f, sm, NULL);
	if (sm->unknown)
		fprintf(f, "note: %u lines of fields unknown to layoutdbg were "
			"skipped\n", sm->unknown);
	fflush(f);
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

static int smaps_json(const struct ld_smaps *sm, pid_t pid, bool rollup,
		      const char *note)
{
	json_t *d = ld_jdoc(rollup ? "info proc smaps_rollup" : "info proc smaps");
	json_t *arr = json_array(), *miss = json_array();
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
	if (!rollup && sm->maps.n)
		missing_note(NULL, sm, miss);
	ld_jset(d, "missing", miss);
	ld_jset(d, "unknown_fields", json_integer(sm->unknown));
	if (note && *note)
		ld_json_put_text(d, "note", note);
	return ld_emit_json(d);
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

/* A smaps read for the command: the whole of it, or what came before a
 * failure with a note; NULL after an error. */
static const struct ld_smaps *smaps_for(struct ld_session *s, bool rollup,
					struct ld_smaps *own, char *note,
					size_t len)
{
	const char *cmd = rollup ? "info proc smaps_rollup" : "info proc smaps";
	const struct ld_smaps *sm = NULL;
	char err[256];
	int r;

	note[0] = 0;
	if (rollup) {
		ld_smaps_init(own);
		r = ld_smaps_read(s->proc->pid, true, own, err, sizeof err);
		sm = own;
		if (r < 0 && !own->maps.n) {
			ld_smaps_release(own);
			ld_error("%s: %s", cmd, err);
			return NULL;
		}
	} else {
		r = ld_session_smaps(s, &sm, err, sizeof err);
		if (!sm) {
			ld_error("%s: %s", cmd, err);
			return NULL;
		}
	}
	if (r < 0)
		snprintf(note, len, "/proc/%d/%s: %s: showing what was read "
			 "before it", (int)s->proc->pid,
			 rollup ? "smaps_rollup" : "smaps", err);
	else if (!sm->maps.n)
		snprintf(note, len, "no mappings: the process is exiting");
	return sm;
}

int ld_cmd_info_proc_smaps(struct ld_session *s, char *args, bool rollup)
{
	struct ld_smaps own;
	const struct ld_smaps *sm;
	char note[400];
	int r = 0;

	(void)args;
	sm = smaps_for(s, rollup, &own, note, sizeof note);
	if (!sm)
		return -1;
	if (ld_json_on()) {
		r = smaps_json(sm, s->proc->pid, rollup, note);
	} else {
		if (rollup && sm->maps.n)
			rollup_text(sm, s->proc->pid);
		else if (!rollup)
			ld_smaps_render(stdout, sm, s->proc->pid);
		if (*note)
			ld_warn("%s", note);
	}
	if (rollup)
		ld_smaps_release(&own);
	return r;
}

/* ---- xinfo: one page ------------------------------------------------- */

static const char *absent_meaning(const struct ld_map *mp)
{
	return ld_map_is_file(mp) ?
	       "not present: the next access reads it from the file" :
	       "not present: never touched or dropped; a read gives zeros";
}

/* Whether pfn is the shared zero page, from /proc/kpageflags (KPF_ZERO_PAGE,
 * bit 24; readable with CAP_SYS_ADMIN only, like the PFN itself). */
static bool zero_page(uint64_t pfn)
{
	int fd = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
	uint64_t fl = 0;
	bool z;

	if (fd < 0)
		return false;
	z = pread(fd, &fl, sizeof fl, (off_t)(pfn * 8)) == (ssize_t)sizeof fl &&
	    (fl >> 24 & 1);
	close(fd);
	return z;
}

static void page_json(json_t *d, uint64_t page, uint64_t e, bool zero)
{
	enum ld_page_state st = ld_page_state_of(e);
	json_t *o = json_object();

	ld_json_put_u64(o, "address", page);
	ld_jset(o, "present", json_boolean(st == LD_PS_PRESENT));
	ld_jset(o, "swapped", json_boolean(st == LD_PS_SWAPPED));
	ld_jset(o, "file_or_shared", json_boolean(e & LD_PM_FILE));
	ld_jset(o, "exclusive", json_boolean(e & LD_PM_EXCLUSIVE));
	ld_jset(o, "soft_dirty", json_boolean(e & LD_PM_SOFTDIRTY));
	if (st == LD_PS_PRESENT && (e & LD_PM_PFN_MASK)) {
		ld_json_put_u64(o, "pfn", e & LD_PM_PFN_MASK);
		ld_jset(o, "zero_page", json_boolean(zero));
	}
	ld_jset(d, "page", o);
}

static void page_text(uint64_t page, uint64_t e, bool zero,
		      const struct ld_map *mp)
{
	enum ld_page_state st = ld_page_state_of(e);

	ld_out("  page      0x%" PRIx64 ": ", page);
	if (st == LD_PS_PRESENT && zero)
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

void ld_xinfo_page(struct ld_session *s, uint64_t addr,
		   const struct ld_map *mp, json_t *d)
{
	uint64_t pg = (uint64_t)sysconf(_SC_PAGESIZE), e, page = addr & ~(pg - 1);
	int fd = ld_pagemap_open(s->proc->pid), r = fd;
	bool zero;

	if (fd >= 0) {
		r = ld_pagemap_read(fd, page, 1, &e);
		close(fd);
	}
	if (r < 0) {
		if (d)
			ld_json_put_text(d, "page_note", strerror(-r));
		else
			ld_out("  page      unknown: /proc/%d/pagemap: %s\n",
			       (int)s->proc->pid, strerror(-r));
		return;
	}
	zero = (e & LD_PM_PRESENT) && (e & LD_PM_PFN_MASK) &&
	       zero_page(e & LD_PM_PFN_MASK);
	if (d)
		page_json(d, page, e, zero);
	else
		page_text(page, e, zero, mp);
}

/* ---- snapshots ------------------------------------------------------- */

/* Adjacent small mappings are read from pagemap together, up to this many
 * pages (holes between them included: the kernel fills them with 0). */
#define STRIP_READ 8192

static bool strip_small(const struct ld_map *mp, uint64_t pg)
{
	return (mp->end - mp->start) / pg <= LD_STRIP_MAX_PAGES;
}

/* The states of mappings [i, j), whose pages are in e[] from lo on. */
static size_t strip_fill(struct ld_snapshot *snap, size_t i, size_t j,
			 uint64_t lo, const uint64_t *e, uint64_t pg, size_t out)
{
	for (; i < j; i++) {
		const struct ld_map *mp = &snap->maps.v[i];
		uint64_t a;

		for (a = mp->start; a < mp->end; a += pg)
			snap->strip[out++] = e ? (uint8_t)ld_page_state_of(e[(a - lo) / pg]) :
					       LD_PS_UNKNOWN;
	}
	return out;
}

/* smaps already says that no page is present or swapped: nothing to ask
 * pagemap.  Not for PFN and I/O maps ([vvar]), whose present pages smaps
 * does not count. */
static bool nothing_there(const struct ld_smap *m)
{
	return !m->kb[LD_SM_RSS] && !m->kb[LD_SM_SWAP] &&
	       (!m->vmflags || (!strstr(m->vmflags, "pf") && !strstr(m->vmflags, "io")));
}

/* A mapping whose pages pagemap is asked for. */
static bool strip_read(const struct ld_smaps *sm, size_t i, uint64_t pg)
{
	return strip_small(&sm->maps.v[i], pg) && !nothing_there(&sm->v[i]);
}

static int capture_strip(pid_t pid, const struct ld_smaps *sm,
			 struct ld_snapshot *snap)
{
	uint64_t pg = (uint64_t)sysconf(_SC_PAGESIZE), total = 0, *e;
	const struct ld_maps *m = &snap->maps;
	size_t i, j, out = 0;
	int fd;

	for (i = 0; i < m->n; i++)
		if (strip_small(&m->v[i], pg))
			total += (m->v[i].end - m->v[i].start) / pg;
	fd = ld_pagemap_open(pid);
	if (fd < 0) {
		snap->strip_err = fd;
		return 0;
	}
	e = malloc(STRIP_READ * sizeof *e);
	snap->strip = malloc(total ? total : 1);
	if (!e || !snap->strip) {
		free(e);
		close(fd);
		return -ENOMEM;
	}
	for (i = 0; i < m->n; i = j) {
		uint64_t lo = m->v[i].start;

		j = i + 1;
		if (!strip_small(&m->v[i], pg))
			continue;
		if (nothing_there(&sm->v[i])) {
			memset(snap->strip + out, LD_PS_ABSENT,
			       (m->v[i].end - m->v[i].start) / pg);
			out += (m->v[i].end - m->v[i].start) / pg;
			continue;
		}
		while (j < m->n && strip_read(sm, j, pg) &&
		       (m->v[j].end - lo) / pg <= STRIP_READ)
			j++;
		/* [vsyscall] lies above the user address space that
		 * pagemap covers: its pages are unknown */
		if (ld_pagemap_read(fd, lo, (m->v[j - 1].end - lo) / pg, e) < 0)
			out = strip_fill(snap, i, j, lo, NULL, pg, out);
		else
			out = strip_fill(snap, i, j, lo, e, pg, out);
	}
	snap->nstrip = out;
	free(e);
	close(fd);
	return 0;
}

int ld_snapshot_pages(struct ld_session *s, struct ld_snapshot *snap)
{
	const struct ld_smaps *sm;
	char err[256];
	size_t i;
	int r;

	if (!s->snapshot_pages)
		return 0;
	r = ld_session_smaps(s, &sm, err, sizeof err);
	if (r == 0 && !ld_smaps_matches(sm, &snap->maps)) {
		r = -ESTALE;
		snprintf(err, sizeof err, "smaps and maps differ (the process "
			 "changed or exited during the read)");
	}
	if (r < 0) {
		snap->pages_err = r;
		ld_warn("snapshot: page counts not recorded: %s", err);
		return 0;
	}
	snap->pages = malloc((snap->maps.n ? snap->maps.n : 1) * sizeof *snap->pages);
	if (!snap->pages)
		return -ENOMEM;
	for (i = 0; i < snap->maps.n; i++)
		ld_pages_of(&sm->v[i], &snap->pages[i]);
	return capture_strip(s->proc->pid, sm, snap);
}

