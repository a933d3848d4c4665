/* /proc/PID/maps: parsing and lookup.
 *
 * The kernel prints one line per mapping in show_map_vma()
 * (fs/proc/task_mmu.c): "%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu ", then,
 * for a named mapping, spaces up to a fixed column and the name.  The parser
 * holds every line to that shape: a line it half understood would become a
 * silently wrong layout.  The text may come from a file or a fuzzer rather
 * than the kernel, so nothing here trusts a length: lines come from getline()
 * and every field is scanned against the end of its line, never a NUL. */
#include <errno.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/error.h"
#include "layoutdbg/maps.h"

#define DELETED_SUFFIX " (deleted)"
#define DELETED_LEN (sizeof(DELETED_SUFFIX) - 1)

/* At most this many bytes of a bad field are quoted back in a message. */
#define QUOTE_MAX 24

/* The line being parsed: [p, end) is what is left of it. */
struct cursor {
	const char *p, *end;
	unsigned long lineno;
	char *err;
	size_t errlen;
};

/* Write "line N: <why>" into the caller's buffer.  Returns -EINVAL so that
 * `return fail(c, ...)` reads as the reason a line is rejected. */
static int fail(const struct cursor *c, const char *fmt, ...) LD_PRINTF(2, 3);
static int fail(const struct cursor *c, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!c->err || !c->errlen)
		return -EINVAL;
	n = snprintf(c->err, c->errlen, "line %lu: ", c->lineno);
	if (n < 0 || (size_t)n >= c->errlen)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(c->err + n, c->errlen - n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* A field as it can be shown in a message: truncated, and with '?' for
 * bytes that would garble a terminal (the text may be anything). */
static const char *quote(char buf[QUOTE_MAX + 4], const char *s, size_t n)
{
	size_t i, k = n < QUOTE_MAX ? n : QUOTE_MAX;

	for (i = 0; i < k; i++) {
		unsigned char ch = s[i];

		buf[i] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
	}
	strcpy(buf + k, n > k ? "..." : "");
	return buf;
}

/* Length of the next field: it ends at a blank, at sep or at the end of the
 * line.  Fields never contain blanks, so a missing one shows up as an empty
 * field rather than as its neighbour read under the wrong name. */
static size_t field_len(const struct cursor *c, char sep)
{
	const char *q = c->p;

	while (q < c->end && *q != ' ' && *q != sep)
		q++;
	return q - c->p;
}

/* Step over the separator that ends a field.  At the end of the line there
 * is none; the next field then reports itself missing. */
static int skip_sep(struct cursor *c, char sep, const char *what)
{
	if (c->p == c->end)
		return 0;
	if (*c->p != sep)
		return fail(c, "expected '%c' after %s", sep, what);
	c->p++;
	return 0;
}

static int hexval(unsigned char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* A hex field of at most maxdig digits (16 for 64-bit values, so a longer
 * one is an overflow, not a value to wrap), then sep. */
static int hex_field(struct cursor *c, const char *what, unsigned maxdig,
		     char sep, uint64_t *v)
{
	size_t n = field_len(c, sep), i;
	char q[QUOTE_MAX + 4];

	if (!n)
		return fail(c, "missing %s", what);
	for (i = 0; i < n; i++)
		if (hexval(c->p[i]) < 0)
			return fail(c, "bad %s \"%s\"", what,
				    quote(q, c->p, n));
	if (n > maxdig)
		return fail(c, "%s has more than %u hex digits", what, maxdig);
	*v = 0;
	for (i = 0; i < n; i++)
		*v = *v << 4 | (uint64_t)hexval(c->p[i]);
	c->p += n;
	return skip_sep(c, sep, what);
}

static int perms_field(struct cursor *c, char perms[5])
{
	static const char allowed[4][3] = { "r-", "w-", "x-", "ps" };
	size_t n = field_len(c, ' '), i;
	char q[QUOTE_MAX + 4];

	if (!n)
		return fail(c, "missing permissions");
	for (i = 0; i < 4 && n == 4; i++)
		if (c->p[i] != allowed[i][0] && c->p[i] != allowed[i][1])
			break;
	if (i != 4)
		return fail(c, "bad permissions \"%s\"", quote(q, c->p, n));
	memcpy(perms, c->p, 4);
	perms[4] = '\0';
	c->p += 4;
	return skip_sep(c, ' ', "permissions");
}

static int inode_field(struct cursor *c, uint64_t *v)
{
	size_t n = field_len(c, ' '), i;
	char q[QUOTE_MAX + 4];

	if (!n)
		return fail(c, "missing inode");
	*v = 0;
	for (i = 0; i < n; i++) {
		unsigned d = (unsigned char)c->p[i] - '0';

		if (d > 9)
			return fail(c, "bad inode \"%s\"", quote(q, c->p, n));
		if (*v > (UINT64_MAX - d) / 10)
			return fail(c, "inode out of range");
		*v = *v * 10 + d;
	}
	c->p += n;
	return skip_sep(c, ' ', "inode");
}

/* Every field before the path, each followed by its separator. */
static int parse_fields(struct cursor *c, struct ld_map *mp)
{
	uint64_t maj, min;

	if (hex_field(c, "start address", 16, '-', &mp->start) ||
	    hex_field(c, "end address", 16, ' ', &mp->end) ||
	    perms_field(c, mp->perms) ||
	    hex_field(c, "offset", 16, ' ', &mp->offset) ||
	    hex_field(c, "device major", 8, ':', &maj) ||
	    hex_field(c, "device minor", 8, ' ', &min) ||
	    inode_field(c, &mp->inode))
		return -EINVAL;
	mp->dev_major = (unsigned)maj;
	mp->dev_minor = (unsigned)min;
	return 0;
}

/* Make room for one more entry; capacity doubles, so appends are O(1). */
static int grow(struct ld_maps *m)
{
	struct ld_map *v;
	size_t cap;

	if (m->n < m->cap)
		return 0;
	if (m->cap > SIZE_MAX / 2 / sizeof(*v))
		return -ENOMEM;
	cap = m->cap ? m->cap * 2 : 32;
	v = realloc(m->v, cap * sizeof(*v));
	if (!v)
		return -ENOMEM;
	m->v = v;
	m->cap = cap;
	return 0;
}

/* ---- interned paths ------------------------------------------------ */

struct istr {
	uint32_t refs;
	uint32_t hash;
	size_t len;
	char s[];
};

static struct istr **itab;		/* open addressing; NULL: empty */
static size_t icap, icount;

static uint32_t fnv1a(const char *s, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static struct istr *istr_of(char *s)
{
	return (struct istr *)(s - offsetof(struct istr, s));
}

static int itab_grow(void)
{
	size_t cap = icap ? 2 * icap : 256, i, k;
	struct istr **t = calloc(cap, sizeof *t);

	if (!t)
		return -ENOMEM;
	for (i = 0; i < icap; i++) {
		if (!itab[i])
			continue;
		for (k = itab[i]->hash & (cap - 1); t[k]; k = (k + 1) & (cap - 1))
			;
		t[k] = itab[i];
	}
	free(itab);
	itab = t;
	icap = cap;
	return 0;
}

char *ld_path_intern(const char *s, size_t len)
{
	uint32_t h = fnv1a(s, len);
	struct istr *e;
	size_t k;

	if ((icount + 1) * 2 > icap && itab_grow() < 0)
		return NULL;
	for (k = h & (icap - 1); itab[k]; k = (k + 1) & (icap - 1)) {
		e = itab[k];
		if (e->hash == h && e->len == len && !memcmp(e->s, s, len)) {
			e->refs++;
			return e->s;
		}
	}
	e = malloc(sizeof *e + len + 1);
	if (!e)
		return NULL;
	e->refs = 1;
	e->hash = h;
	e->len = len;
	memcpy(e->s, s, len);
	e->s[len] = 0;
	itab[k] = e;
	icount++;
	return e->s;
}

char *ld_path_ref(char *s)
{
	istr_of(s)->refs++;
	return s;
}

/* Remove e from the table, re-placing the cluster after it (linear
 * probing needs no tombstones then). */
static void itab_remove(struct istr *e)
{
	size_t k = e->hash & (icap - 1), j;

	while (itab[k] != e)
		k = (k + 1) & (icap - 1);
	itab[k] = NULL;
	icount--;
	for (j = (k + 1) & (icap - 1); itab[j]; j = (j + 1) & (icap - 1)) {
		struct istr *x = itab[j];
		size_t home = x->hash & (icap - 1);

		itab[j] = NULL;
		while (itab[home])
			home = (home + 1) & (icap - 1);
		itab[home] = x;
	}
}

void ld_path_unref(char *s)
{
	struct istr *e;

	if (!s)
		return;
	e = istr_of(s);
	if (--e->refs)
		return;
	itab_remove(e);
	free(e);
}

static int append(struct ld_maps *m, const struct ld_map *mp,
		  const char *path, size_t len)
{
	struct ld_map *dst;
	char *s;

	if (grow(m) || !(s = ld_path_intern(path, len)))
		return -ENOMEM;
	dst = &m->v[m->n++];
	*dst = *mp;
	dst->path = s;
	dst->deleted = len >= DELETED_LEN &&
		       !memcmp(s + len - DELETED_LEN, DELETED_SUFFIX,
			       DELETED_LEN);
	return 0;
}

/* One line of getline() output, newline included if there was one. */
static int add_line(struct ld_maps *out, struct cursor *c,
		    const char *line, size_t len)
{
	struct ld_map m = { 0 };
	const struct ld_map *prev = out->n ? &out->v[out->n - 1] : NULL;

	if (len && line[len - 1] == '\n')
		len--;
	if (memchr(line, '\0', len))
		return fail(c, "embedded NUL byte");
	if (!len)
		return fail(c, "empty line");
	c->p = line;
	c->end = line + len;
	if (parse_fields(c, &m))
		return -EINVAL;
	if (m.start >= m.end)
		return fail(c, "start 0x%" PRIx64 " not below end 0x%" PRIx64,
			    m.start, m.end);
	if (prev && m.start < prev->end)
		return fail(c, "start 0x%" PRIx64 " below the end of the "
			    "previous mapping 0x%" PRIx64, m.start, prev->end);
	/* The kernel pads with spaces up to the name; the name itself is
	 * kept byte for byte, blanks and all. */
	while (c->p < c->end && *c->p == ' ')
		c->p++;
	if (append(out, &m, c->p, c->end - c->p)) {
		fail(c, "%s", strerror(ENOMEM));
		return -ENOMEM;
	}
	return 0;
}

int ld_maps_parse(FILE *f, struct ld_maps *out, char *err, size_t errlen)
{
	struct cursor c = { .err = err, .errlen = errlen };
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int rc = 0;

	if (err && errlen)
		err[0] = '\0';
	for (;;) {
		/* getline() leaves errno alone at end of file; only ferror()
		 * tells a short read from a failed one. */
		errno = 0;
		len = getline(&line, &cap, f);
		if (len < 0)
			break;
		c.lineno++;
		rc = add_line(out, &c, line, (size_t)len);
		if (rc)
			break;
	}
	if (!rc && ferror(f)) {
		rc = errno > 0 ? -errno : -EIO;
		c.lineno++;
		fail(&c, "%s", strerror(-rc));
	}
	free(line);
	return rc;
}

int ld_maps_read(pid_t pid, struct ld_maps *out, char *err, size_t errlen)
{
	char path[32];
	FILE *f;
	int rc;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	f = fopen(path, "re");
	if (!f) {
		rc = -errno;
		if (err && errlen)
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return rc;
	}
	/* The kernel fills each read() from the live VMA tree, so a process
	 * that is not stopped can show a torn list; ld_maps_parse() rejects
	 * one that went out of order rather than return it. */
	rc = ld_maps_parse(f, out, err, errlen);
	fclose(f);
	return rc;
}

void ld_maps_init(struct ld_maps *m)
{
	m->v = NULL;
	m->n = m->cap = 0;
}

void ld_maps_release(struct ld_maps *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		ld_path_unref(m->v[i].path);
	free(m->v);
	ld_maps_init(m);
}

int ld_maps_copy(struct ld_maps *dst, const struct ld_maps *src)
{
	size_t i;

	ld_maps_init(dst);
	if (!src->n)
		return 0;
	dst->v = calloc(src->n, sizeof(*dst->v));
	if (!dst->v)
		return -ENOMEM;
	dst->cap = src->n;
	for (i = 0; i < src->n; i++) {
		dst->v[i] = src->v[i];
		dst->v[i].path = ld_path_ref(src->v[i].path);
		dst->n++;
	}
	return 0;
}

const struct ld_map *ld_maps_find(const struct ld_maps *m, uint64_t addr)
{
	size_t lo = 0, hi = m->n;

	/* Entries below lo start at or below addr; from hi on, above it.
	 * The candidate is the last one starting at or below addr. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->v[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo || addr >= m->v[lo - 1].end)
		return NULL;
	return &m->v[lo - 1];
}

const char *ld_map_basepath(const struct ld_map *mp, char *buf, size_t len)
{
	size_t n = strlen(mp->path);

	if (!len)
		return "";
	if (mp->deleted && n >= DELETED_LEN)
		n -= DELETED_LEN;
	if (n >= len)
		n = len - 1;
	memcpy(buf, mp->path, n);
	buf[n] = '\0';
	/* The kernel prints a newline in a path as "\012" (seq_file's
	 * escaping in show_map): the file itself has the newline. */
	{
		char *p = buf;

		while ((p = strstr(p, "\\012"))) {
			*p = '\n';
			memmove(p + 1, p + 4, strlen(p + 4) + 1);
			p++;
		}
	}
	return buf;
}

bool ld_map_is_file(const struct ld_map *mp)
{
	return mp->path[0] == '/';
}
