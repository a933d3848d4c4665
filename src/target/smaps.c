/* /proc/PID/smaps, smaps_rollup and pagemap.
 *
 * smaps is maps with about 28 lines more per mapping, and reading it costs
 * the kernel a walk of every page table it describes, so the parser is
 * built for one pass: the header lines go to the maps parser's quick path
 * (ld_maps_parse_line), a field line's name is first compared with the
 * one the kernel prints next (its order has been fixed since the fields
 * were added), and its number is read in place.  Like the maps parser it
 * trusts no length: the text may come from a file or a test. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "layoutdbg/grow.h"
#include "layoutdbg/error.h"
#include "layoutdbg/output.h"
#include "layoutdbg/smaps.h"

static const struct {
	const char *name, *json;
	unsigned char len;
} fields[LD_SM_N] = {
#define LD_SM_ROW(e, k, j) [LD_SM_##e] = { k, j, sizeof(k) - 1 },
	LD_SMAPS_FIELDS(LD_SM_ROW)
#undef LD_SM_ROW
};

const char *ld_smaps_field_name(enum ld_smaps_field f)
{
	return f < LD_SM_N ? fields[f].name : "?";
}

const char *ld_smaps_field_json(enum ld_smaps_field f)
{
	return f < LD_SM_N ? fields[f].json : "?";
}

void ld_smaps_init(struct ld_smaps *s)
{
	memset(s, 0, sizeof *s);
	ld_maps_init(&s->maps);
}

void ld_smaps_release(struct ld_smaps *s)
{
	size_t i;

	for (i = 0; i < s->maps.n && s->v; i++)
		ld_path_unref(s->v[i].vmflags);
	ld_maps_release(&s->maps);
	free(s->v);
	ld_smaps_init(s);
}

uint64_t ld_smaps_total(const struct ld_smaps *s, enum ld_smaps_field f)
{
	uint64_t t = 0;
	size_t i;

	for (i = 0; i < s->maps.n; i++)
		t += s->v[i].kb[f];
	return t;
}

/* ---- one line -------------------------------------------------------- */

struct parser {
	struct ld_smaps *out;
	unsigned long lineno;
	unsigned next;          /* the field expected next: kernel order */
	char *err;
	size_t errlen;
};

/* "line N: <why>" into the caller's buffer; -EINVAL. */
#define fail(p, ...) ld_fail_line((p)->err, (p)->errlen, (p)->lineno, __VA_ARGS__)

/* A field's name, at most this long, is quoted back in a message. */
#define NAME_QUOTE 32

static const char *quoted(char buf[NAME_QUOTE + 1], const char *s, size_t n)
{
	size_t i, k = n < NAME_QUOTE ? n : NAME_QUOTE;

	for (i = 0; i < k; i++)
		buf[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	buf[k] = 0;
	return buf;
}

static int field_index(struct parser *p, const char *name, size_t n)
{
	unsigned i;

	if (p->next < LD_SM_N && fields[p->next].len == n &&
	    !memcmp(fields[p->next].name, name, n))
		return (int)p->next;
	for (i = 0; i < LD_SM_N; i++)
		if (fields[i].len == n && !memcmp(fields[i].name, name, n))
			return (int)i;
	return -1;
}

/* Decimal digits at *pp (moved past them), at most 19 (no overflow). */
static int number(const char **pp, const char *end, uint64_t *v)
{
	const char *q = *pp;
	uint64_t x = 0;

	while (q < end && *q == ' ')
		q++;
	*pp = q;
	while (q < end && (unsigned)(*q - '0') <= 9 && q - *pp < 19)
		x = x * 10 + (unsigned)(*q++ - '0');
	if (q == *pp || (q < end && (unsigned)(*q - '0') <= 9))
		return -1;
	*pp = q;
	*v = x;
	return 0;
}

static bool vmflags_ok(const char *s, size_t n)
{
	size_t i;

	/* show_smap_vma_flags(): two-character mnemonics, each then a
	 * blank */
	for (i = 0; i < n; i++) {
		char c = s[i];

		if ((i % 3 == 2) != (c == ' '))
			return false;
		if (c != ' ' && !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			return false;
	}
	return n % 3 != 1;
}

/* The previous mapping's flags when they are v[0, n): neighbours mostly
 * share them, and they were checked once already. */
static char *same_vmflags(const struct ld_smaps *s, const char *v, size_t n)
{
	char *prev = s->maps.n > 1 ? s->v[s->maps.n - 2].vmflags : NULL;

	return prev && strlen(prev) == n && !memcmp(prev, v, n) ? prev : NULL;
}

static int vmflags_line(struct parser *p, struct ld_smap *m, const char *v,
			const char *end)
{
	while (v < end && *v == ' ')
		v++;
	while (end > v && end[-1] == ' ')
		end--;
	if (m->vmflags)
		return fail(p, "VmFlags given twice for one mapping");
	m->vmflags = same_vmflags(p->out, v, (size_t)(end - v));
	if (m->vmflags)
		ld_path_ref(m->vmflags);
	else if (!vmflags_ok(v, (size_t)(end - v)))
		return fail(p, "bad VmFlags");
	else
		m->vmflags = ld_path_intern(v, (size_t)(end - v));
	if (!m->vmflags)
		return -ENOMEM;
	p->out->have_vmflags = true;
	return 0;
}

/* THPeligible and ProtectionKey: a bare number. */
static int plain_number(struct parser *p, int *dst, const char *v,
			const char *end, const char *what)
{
	uint64_t x;

	if (*dst >= 0)
		return fail(p, "%s given twice for one mapping", what);
	if (number(&v, end, &x) || x > INT_MAX)
		return fail(p, "bad %s value", what);
	while (v < end && *v == ' ')
		v++;
	if (v != end)
		return fail(p, "junk after %s", what);
	*dst = (int)x;
	return 0;
}

static int size_line(struct parser *p, struct ld_smap *m, int f,
		     const char *v, const char *end)
{
	uint64_t x;

	if (ld_smap_has(m, (enum ld_smaps_field)f))
		return fail(p, "%s given twice for one mapping", fields[f].name);
	if (number(&v, end, &x))
		return fail(p, "bad %s value", fields[f].name);
	if (end - v != 3 || memcmp(v, " kB", 3))
		return fail(p, "%s: expected \"N kB\"", fields[f].name);
	m->kb[f] = x;
	m->have |= UINT32_C(1) << f;
	p->out->have |= UINT32_C(1) << f;
	p->next = (unsigned)f + 1;
	return 0;
}

static int field_line(struct parser *p, const char *line, size_t len)
{
	const char *end = line + len, *colon = memchr(line, ':', len);
	struct ld_smap *m;
	size_t n;
	int f;
	char q[NAME_QUOTE + 1];

	if (!colon || colon == line)
		return fail(p, "expected \"Name: value\", got \"%s\"",
			    quoted(q, line, len));
	n = (size_t)(colon - line);
	if (!p->out->maps.n)
		return fail(p, "field \"%s\" before any mapping",
			    quoted(q, line, n));
	m = &p->out->v[p->out->maps.n - 1];
	/* these three first: they end every mapping, and are not sizes */
	if (n == 7 && !memcmp(line, "VmFlags", 7))
		return vmflags_line(p, m, colon + 1, end);
	if (n == 11 && !memcmp(line, "THPeligible", 11)) {
		p->out->have_thp = true;
		return plain_number(p, &m->thp_eligible, colon + 1, end, "THPeligible");
	}
	if (n == 13 && !memcmp(line, "ProtectionKey", 13))
		return plain_number(p, &m->pkey, colon + 1, end, "ProtectionKey");
	f = field_index(p, line, n);
	if (f >= 0)
		return size_line(p, m, f, colon + 1, end);
	for (; line < colon; line++)
		if (!((*line >= 'A' && *line <= 'Z') || (*line >= 'a' && *line <= 'z') ||
		      (*line >= '0' && *line <= '9') || *line == '_'))
			return fail(p, "bad field name \"%s\"", quoted(q, colon - n, n));
	p->out->unknown++;
	return 0;
}

static int header_line(struct parser *p, const char *line, size_t len)
{
	struct ld_smaps *s = p->out;
	struct ld_smap *m;
	int r;

	if (LD_GROW(s->v, s->cap, s->maps.n, 64) < 0)
		return -ENOMEM;
	r = ld_maps_parse_line(&s->maps, line, len, p->lineno, p->err, p->errlen);
	if (r)
		return r;
	m = &s->v[s->maps.n - 1];
	memset(m, 0, sizeof *m);
	m->thp_eligible = m->pkey = -1;
	p->next = 0;
	return 0;
}

/* line[len] is '\n'.  A header starts with a hex digit of its start
 * address, a field with a capital letter. */
static int one_line(struct parser *p, const char *line, size_t len)
{
	unsigned char c = len ? (unsigned char)line[0] : 0;

	p->lineno++;
	if (!len)
		return fail(p, "empty line");
	/* A NUL byte: the header parser refuses it, a field's checks stop
	 * at it (digits, " kB", mnemonics, name letters) */
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))
		return header_line(p, line, len);
	return field_line(p, line, len);
}

/* ---- reading ----------------------------------------------------------- */

/* Big reads: each read() of smaps resumes the kernel's walk at the next
 * mapping and fills at most its seq_file buffer, which grows to hold a
 * mapping's whole text; asking for more than a page costs nothing. */
#define CHUNK (256 * 1024)

/* Each field's name and colon, NUL-padded (to 16 bytes and more): the quick path
 * compares a line's first 16 bytes with it as two words. */
static const char name_colon[LD_SM_N][24] = {
#define LD_SM_PAT(e, k, j) [LD_SM_##e] = k ":",
	LD_SMAPS_FIELDS(LD_SM_PAT)
#undef LD_SM_PAT
};

static uint64_t word(const char *p)
{
	uint64_t w;

	memcpy(&w, p, sizeof w);
	return w;
}

/* The low n bytes of a word (x86-64: little-endian), n <= 8. */
static uint64_t low_bytes(size_t n)
{
	return n >= 8 ? ~UINT64_C(0) : (UINT64_C(1) << (8 * n)) - 1;
}

/* Whether q (16 bytes readable) starts with field f's "Name:". */
static bool name_at(const char *q, unsigned f)
{
	size_t n = fields[f].len + 1u;
	uint64_t m0 = low_bytes(n), m1 = n > 8 ? low_bytes(n - 8) : 0;

	return !((word(q) ^ word(name_colon[f])) & m0) &&
	       !((word(q + 8) ^ word(name_colon[f] + 8)) & m1);
}

/* Past the blanks at r: the kernel pads each value to column 16 and
 * right-aligns it in 8 more, so a line holds a dozen blanks; a word at a
 * time. */
static const char *skip_blanks(const char *r, const char *end)
{
	static const uint64_t blanks = UINT64_C(0x2020202020202020);

	while (end - r >= 8) {
		uint64_t x = word(r) ^ blanks;

		if (x)
			return r + __builtin_ctzll(x) / 8;
		r += 8;
	}
	while (r < end && *r == ' ')
		r++;
	return r;
}

/* The usual line, in one pass: the field the kernel prints next, its
 * blanks, digits, " kB\n".  Returns the start of the next line, or NULL
 * for anything else (the careful path then reads the line). */
static const char *quick_field(struct parser *p, const char *q, const char *end)
{
	unsigned f = p->next;
	const char *r, *d;
	struct ld_smap *m;
	uint64_t x = 0;

	/* 16 bytes: the longest name and colon, or a name, colon, blanks */
	if (f >= LD_SM_N || !p->out->maps.n || end - q < 16 || !name_at(q, f))
		return NULL;
	m = &p->out->v[p->out->maps.n - 1];
	if (ld_smap_has(m, f))
		return NULL;
	r = skip_blanks(q + fields[f].len + 1, end);
	for (d = r; r < end && (unsigned)(*r - '0') <= 9 && r - d < 19; r++)
		x = x * 10 + (unsigned)(*r - '0');
	if (r == d || end - r < 4 || memcmp(r, " kB\n", 4))
		return NULL;
	m->kb[f] = x;
	m->have |= UINT32_C(1) << f;
	p->out->have |= UINT32_C(1) << f;
	p->next = f + 1;
	p->lineno++;
	return r + 4;
}

/* Parse the complete lines of b[0, len); returns how many bytes were
 * used (the rest is the start of a line), or a negative error. */
static ssize_t parse_lines(struct parser *p, char *b, size_t len)
{
	char *q = b, *end = b + len, *nl;
	const char *nq;
	int r;

	while (q < end) {
		if ((nq = quick_field(p, q, end))) {
			q = (char *)nq;
			continue;
		}
		nl = memchr(q, '\n', (size_t)(end - q));
		if (!nl)
			break;
		r = one_line(p, q, (size_t)(nl - q));
		if (r)
			return r;
		q = nl + 1;
	}
	return q - b;
}

static int parse_input(const struct ld_input *in, struct parser *p)
{
	size_t cap = CHUNK + 1, len = 0;
	char *b = malloc(cap), *nb;
	ssize_t got = 0, used;
	int r = 0;

	if (!b)
		return -ENOMEM;
	for (;;) {
		if (cap - len < CHUNK / 2 + 1) {
			if (cap > SIZE_MAX / 2 || !(nb = realloc(b, cap * 2))) {
				r = -ENOMEM;
				goto out;
			}
			b = nb;
			cap *= 2;
		}
		got = ld_input_read(in, b + len, cap - len - 1);
		if (got <= 0)
			break;
		len += (size_t)got;
		used = parse_lines(p, b, len);
		if (used < 0) {
			r = (int)used;
			goto out;
		}
		len -= (size_t)used;
		memmove(b, b + used, len);
	}
	if (len) {          /* a last line without its newline */
		b[len] = '\n';
		r = one_line(p, b, len);
	}
	if (!r && got < 0) {
		r = (int)got;
		p->lineno++;
		fail(p, "%s", strerror(-r));
	}
out:
	free(b);
	return r;
}

int ld_smaps_parse(FILE *f, struct ld_smaps *out, char *err, size_t errlen)
{
	struct parser p = { .out = out, .err = err, .errlen = errlen };
	struct ld_input in = { .f = f, .fd = -1 };

	if (err && errlen)
		err[0] = 0;
	return parse_input(&in, &p);
}

int ld_smaps_read(pid_t pid, bool rollup, struct ld_smaps *out, char *err,
		  size_t errlen)
{
	struct parser p = { .out = out, .err = err, .errlen = errlen };
	struct ld_input in = { .f = NULL };
	char path[48];
	int r;

	snprintf(path, sizeof path, "/proc/%d/%s", (int)pid,
		 rollup ? "smaps_rollup" : "smaps");
	in.fd = open(path, O_RDONLY | O_CLOEXEC);
	if (in.fd < 0) {
		r = -errno;
		if (err && errlen)
			snprintf(err, errlen, "%s: %s", path, strerror(-r));
		return r;
	}
	if (err && errlen)
		err[0] = 0;
	r = parse_input(&in, &p);
	close(in.fd);
	return r;
}

/* ---- compact counts ---------------------------------------------------- */

static uint32_t kb32(uint64_t v)
{
	return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

void ld_pages_of(const struct ld_smap *m, struct ld_pages *o)
{
	o->rss = kb32(m->kb[LD_SM_RSS]);
	o->pss = kb32(m->kb[LD_SM_PSS]);
	o->shared_clean = kb32(m->kb[LD_SM_SHARED_CLEAN]);
	o->shared_dirty = kb32(m->kb[LD_SM_SHARED_DIRTY]);
	o->private_clean = kb32(m->kb[LD_SM_PRIVATE_CLEAN]);
	o->private_dirty = kb32(m->kb[LD_SM_PRIVATE_DIRTY]);
	o->anonymous = kb32(m->kb[LD_SM_ANONYMOUS]);
	o->swap = kb32(m->kb[LD_SM_SWAP]);
	o->locked = kb32(m->kb[LD_SM_LOCKED]);
}

bool ld_pages_equal(const struct ld_pages *a, const struct ld_pages *b)
{
	return !memcmp(a, b, sizeof *a);
}

static void signed_size(char *buf, size_t len, int64_t kb)
{
	char h[32];

	snprintf(buf, len, "%c%s", kb < 0 ? '-' : '+',
		 ld_human_size((uint64_t)(kb < 0 ? -kb : kb) * 1024, h, sizeof h));
}

/* ", NAME +N KiB" at buf + *used */
static void put_delta(char *buf, size_t len, size_t *used, const char *name,
		      uint32_t x, uint32_t y)
{
	char d[40];
	int k;

	signed_size(d, sizeof d, (int64_t)y - x);
	k = snprintf(buf + *used, len - *used, ", %s %s", name, d);
	if (k > 0 && (size_t)k < len - *used)
		*used += (size_t)k;
}

const char *ld_pages_delta_text(const struct ld_pages *a,
				const struct ld_pages *b, char *buf, size_t len)
{
	static const struct { const char *name; size_t off; } more[] = {
		{ "private dirty", offsetof(struct ld_pages, private_dirty) },
		{ "private clean", offsetof(struct ld_pages, private_clean) },
		{ "shared dirty", offsetof(struct ld_pages, shared_dirty) },
		{ "shared clean", offsetof(struct ld_pages, shared_clean) },
		{ "swap", offsetof(struct ld_pages, swap) },
		{ "locked", offsetof(struct ld_pages, locked) },
	};
	static const struct ld_pages zero;
	char ha[32], hb[32], d[40];
	size_t i, used;
	int k, shown = 0;

	a = a ? a : &zero;
	b = b ? b : &zero;
	signed_size(d, sizeof d, (int64_t)b->rss - a->rss);
	k = snprintf(buf, len, "rss %s -> %s (%s",
		     ld_human_size((uint64_t)a->rss * 1024, ha, sizeof ha),
		     ld_human_size((uint64_t)b->rss * 1024, hb, sizeof hb), d);
	used = k > 0 && (size_t)k < len ? (size_t)k : len - 1;
	for (i = 0; i < sizeof more / sizeof more[0]; i++) {
		uint32_t x = *(const uint32_t *)((const char *)a + more[i].off);
		uint32_t y = *(const uint32_t *)((const char *)b + more[i].off);

		if (x != y) {
			put_delta(buf, len, &used, more[i].name, x, y);
			shown++;
		}
	}
	/* nothing above moved: say what did (another process mapping the
	 * same file changes the Pss) rather than a bare "+0 B" */
	if (!shown && a->rss == b->rss && a->pss != b->pss)
		put_delta(buf, len, &used, "pss", a->pss, b->pss);
	else if (!shown && a->rss == b->rss && a->anonymous != b->anonymous)
		put_delta(buf, len, &used, "anonymous", a->anonymous, b->anonymous);
	snprintf(buf + used, len - used, ")");
	return buf;
}

/* ---- pagemap ----------------------------------------------------------- */

int ld_pagemap_open(pid_t pid)
{
	char path[48];
	int fd;

	snprintf(path, sizeof path, "/proc/%d/pagemap", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int ld_pagemap_read(int fd, uint64_t addr, size_t n, uint64_t *out)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	size_t want = n * sizeof *out, got = 0;
	ssize_t r;

	if (n > SIZE_MAX / sizeof *out || addr / page > (uint64_t)INT64_MAX / 8)
		return -EINVAL;
	while (got < want) {
		r = pread(fd, (char *)out + got, want - got,
			  (off_t)(addr / page * 8 + got));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -EIO;
		got += (size_t)r;
	}
	return 0;
}

enum ld_page_state ld_page_state_of(uint64_t e)
{
	if (e & LD_PM_PRESENT)
		return LD_PS_PRESENT;
	if (e & LD_PM_SWAPPED)
		return LD_PS_SWAPPED;
	return LD_PS_ABSENT;
}
