/* /proc/PID/maps: parsing and lookup.
 *
 * The kernel prints one line per mapping in show_map_vma()
 * (fs/proc/task_mmu.c): "%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu ", then,
 * for a named mapping, spaces up to a fixed column and the name.  The parser
 * holds every line to that shape: a line it half understood would become a
 * silently wrong layout.  The text may come from a file or a fuzzer rather
 * than the kernel, so nothing here trusts a length: lines are cut at '\n'
 * in a buffer that grows to hold the longest, and every field is scanned
 * against the end of its line, never a NUL. */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "layoutdbg/error.h"
#include "layoutdbg/maps.h"

#define DELETED_SUFFIX " (deleted)"
#define DELETED_LEN (sizeof(DELETED_SUFFIX) - 1)

/* At most this many bytes of a bad field are quoted back in a message. */
#define QUOTE_MAX 24

/* The line being parsed: [p, end) is what is left of it.  *end is always
 * '\n' (struct linebuf puts one after the last line too), so the quick
 * scans below stop there without testing the bound on every byte. */
struct cursor {
	const char *p, *end;
	unsigned long lineno;
	char *err;
	size_t errlen;
};

/* Write "line N: <why>" into the caller's buffer.  Returns -EINVAL so that
 * `return fail(c, ...)` reads as the reason a line is rejected. */
#define fail(c, ...) ld_fail_line((c)->err, (c)->errlen, (c)->lineno, __VA_ARGS__)

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

/* Each hex digit's value plus one; 0 for any other byte.  A table, not
 * comparisons: which range a digit falls in is not predictable. */
static const unsigned char hex1[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5,
	['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

static int hexval(unsigned char ch)
{
	return hex1[ch] - 1;
}

/* A hex field of at most maxdig digits (16 for 64-bit values, so a longer
 * one is an overflow, not a value to wrap), then sep.  The careful version,
 * which says what is wrong; hex_field() below tries a quick pass first. */
__attribute__((noinline, cold))
static int hex_field_slow(struct cursor *c, const char *what, unsigned maxdig,
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

__attribute__((noinline, cold))
static int perms_field_slow(struct cursor *c, char perms[5])
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

__attribute__((noinline, cold))
static int inode_field_slow(struct cursor *c, uint64_t *v)
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

/* ---- the quick pass ------------------------------------------------ */

/* Nearly every line is well formed, so each field is first read in one
 * pass that only recognises the usual case; whatever else it meets goes
 * to the careful version above, which accepts exactly the same lines and
 * is the one source of the messages. */

/* Digits, then sep.  Inlined: it runs five times a line. */
static inline __attribute__((always_inline))
int hex_field(struct cursor *c, const char *what, unsigned maxdig, char sep,
	      uint64_t *v)
{
	const char *p = c->p;
	uint64_t x = 0;
	unsigned d;
	size_t n;

	/* Each digit is added one too high (hex1 is value + 1), so x ends
	 * up 0x11...1, n ones, above the number. */
	while ((d = hex1[(unsigned char)*p])) {
		x = x * 16 + d;
		p++;
	}
	n = p - c->p;
	if (!n || n > maxdig || p == c->end || *p != sep)
		return hex_field_slow(c, what, maxdig, sep, v);
	*v = x - (UINT64_C(0x1111111111111111) >> 4 * (16 - n));
	c->p = p + 1;
	return 0;
}

/* Four good letters, then a blank. */
static int perms_field(struct cursor *c, char perms[5])
{
	const char *p = c->p;

	if (c->end - p > 4 && (p[0] == 'r' || p[0] == '-') &&
	    (p[1] == 'w' || p[1] == '-') && (p[2] == 'x' || p[2] == '-') &&
	    (p[3] == 'p' || p[3] == 's') && p[4] == ' ') {
		memcpy(perms, p, 4);
		perms[4] = '\0';
		c->p = p + 5;
		return 0;
	}
	return perms_field_slow(c, perms);
}

/* Up to 19 digits (no 19-digit number overflows), then a blank or the
 * end of the line. */
static int inode_field(struct cursor *c, uint64_t *v)
{
	const char *p = c->p;
	uint64_t x = 0;
	unsigned d;

	while ((d = (unsigned char)*p - '0') <= 9) {
		x = x * 10 + d;
		p++;
	}
	if (p == c->p || p - c->p > 19 || (p < c->end && *p != ' '))
		return inode_field_slow(c, v);
	*v = x;
	c->p = p < c->end ? p + 1 : p;
	return 0;
}

#define ONES UINT64_C(0x0101010101010101)

/* p[0..8) as a number whose lowest byte is p[0], on any byte order. */
static uint64_t load8(const char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

/* Past the blanks from p on, never past end: eight at a time, as the
 * kernel pads a name out to its column with twenty or more. */
static const char *skip_blanks(const char *p, const char *end)
{
	uint64_t x;

	for (; end - p >= 8; p += 8) {
		x = load8(p) ^ ONES * ' ';
		if (x)
			return p + __builtin_ctzll(x) / 8;
	}
	while (p < end && *p == ' ')
		p++;
	return p;
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

/* One released entry array, kept for the next list that starts empty.
 * Reading the maps again at each stop of a big process would otherwise
 * free a megabyte or two and allocate as much again, and malloc gives the
 * top of its heap back to the kernel on a large free (glibc's trim
 * threshold): faulting those pages in again cost more than parsing the
 * text (1 ms of 12 for 20,000 mappings here).  Arrays too small to
 * matter or too big to hold on to are freed.  Like the path table below,
 * not thread-safe. */
#define SPARE_MIN 1024
#define SPARE_MAX 65536		/* vm.max_map_count defaults to 65530 */

static struct ld_map *spare;
static size_t spare_cap;

/* Make room for one more entry; capacity doubles, so appends are O(1). */
static int grow(struct ld_maps *m)
{
	struct ld_map *v;
	size_t cap;

	if (m->n < m->cap)
		return 0;
	if (!m->v && spare) {
		m->v = spare;
		m->cap = spare_cap;
		spare = NULL;
		spare_cap = 0;
		return 0;
	}
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

/* A reference to the interned copy of path[0..len).  Neighbours often
 * share a path (the segments of one library, runs of anonymous memory), so
 * the last entry's is tried before the table. */
static char *path_for(const struct ld_maps *m, const char *path, size_t len)
{
	if (m->n && m->v[m->n - 1].path) {
		struct istr *last = istr_of(m->v[m->n - 1].path);

		if (last->len == len && (!len || !memcmp(last->s, path, len)))
			return ld_path_ref(last->s);
	}
	return ld_path_intern(path, len);
}

static int append(struct ld_maps *m, const struct ld_map *mp,
		  const char *path, size_t len)
{
	struct ld_map *dst;
	char *s;

	if (grow(m) || !(s = path_for(m, path, len)))
		return -ENOMEM;
	dst = &m->v[m->n++];
	*dst = *mp;
	dst->path = s;
	dst->deleted = len >= DELETED_LEN &&
		       !memcmp(s + len - DELETED_LEN, DELETED_SUFFIX,
			       DELETED_LEN);
	return 0;
}

/* One line, without its newline; linebuf_parse() has made sure it holds
 * no NUL byte. */
static int add_line(struct ld_maps *out, struct cursor *c,
		    const char *line, size_t len)
{
	struct ld_map m = { 0 };
	const struct ld_map *prev = out->n ? &out->v[out->n - 1] : NULL;

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
	c->p = skip_blanks(c->p, c->end);
	if (append(out, &m, c->p, c->end - c->p)) {
		fail(c, "%s", strerror(ENOMEM));
		return -ENOMEM;
	}
	return 0;
}

/* ---- reading ------------------------------------------------------- */

ssize_t ld_input_read(const struct ld_input *in, char *dst, size_t n)
{
	size_t got;
	ssize_t r;

	if (n > SSIZE_MAX)
		n = SSIZE_MAX;
	if (!in->f) {
		do
			r = read(in->fd, dst, n);
		while (r < 0 && errno == EINTR);
		return r < 0 ? -errno : r;
	}
	/* fread() leaves errno alone at end of file; only ferror() tells
	 * a short read from a failed one. */
	errno = 0;
	got = fread(dst, 1, n, in->f);
	if (got || !ferror(in->f))
		return (ssize_t)got;
	return errno > 0 ? -errno : -EIO;
}

/* The buffer lines are read into.  Each read() of /proc/PID/maps makes
 * the kernel find its place in the VMA tree again and returns at most one
 * seq_file buffer (a page; fs/seq_file.c, seq_read_iter()), so asking for
 * less than that costs extra walks: stdio asks for st_blksize, which
 * procfs gives as 1 KiB.  The buffer starts on the stack, so reading a
 * process allocates nothing but its list; a line too long for it moves
 * to the heap, doubling as needed. */
#define READ_MIN (8 * 1024)
#define LINE_PAD 8	/* '\n' bytes kept after the text: see struct cursor */

struct linebuf {
	char *b;
	size_t len, cap;	/* b[0, len) read and not yet parsed, then
				   LINE_PAD newlines (linebuf_seal) */
	size_t scanned;		/* no newline nor NUL in b[0, scanned) */
	char stack[2 * READ_MIN + LINE_PAD];
};

static void linebuf_seal(struct linebuf *lb)
{
	memset(lb->b + lb->len, '\n', LINE_PAD);
}

static void linebuf_init(struct linebuf *lb)
{
	lb->b = lb->stack;
	lb->len = lb->scanned = 0;
	lb->cap = sizeof(lb->stack);
	linebuf_seal(lb);
}

static void linebuf_release(struct linebuf *lb)
{
	if (lb->b != lb->stack)
		free(lb->b);
}

/* At least READ_MIN bytes free after len, and LINE_PAD more.  Returns 0
 * or -ENOMEM. */
static int linebuf_room(struct linebuf *lb)
{
	size_t cap = lb->cap;
	char *b;

	while (cap - lb->len < READ_MIN + LINE_PAD) {
		if (cap > SIZE_MAX / 2)
			return -ENOMEM;
		cap *= 2;
	}
	if (cap == lb->cap)
		return 0;
	if (lb->b == lb->stack) {
		b = malloc(cap);
		if (b)
			memcpy(b, lb->b, lb->len + LINE_PAD);
	} else {
		b = realloc(lb->b, cap);
	}
	if (!b)
		return -ENOMEM;
	lb->b = b;
	lb->cap = cap;
	return 0;
}

/* Parse every complete line in the buffer, then move the rest (the start
 * of a line) to its front.  A line ends at '\n' only, as for getline().
 * One scan finds both the newline and a NUL byte before it: the padding
 * after the text bounds strchrnul(), and a line with a NUL in it is
 * refused whether or not its end has been read yet. */
static int linebuf_parse(struct linebuf *lb, struct ld_maps *out,
			 struct cursor *c)
{
	const char *p = lb->b, *end = lb->b + lb->len, *q;
	int rc;

	for (q = strchrnul(p + lb->scanned, '\n'); q < end;
	     q = strchrnul(p, '\n')) {
		c->lineno++;
		if (!*q)
			return fail(c, "embedded NUL byte");
		rc = add_line(out, c, p, q - p);
		if (rc)
			return rc;
		p = q + 1;
	}
	lb->len = end - p;
	lb->scanned = lb->len;
	if (p != lb->b) {
		memmove(lb->b, p, lb->len);
		linebuf_seal(lb);
	}
	return 0;
}

/* Read and parse to the end of the input.  A read error ends the text
 * there: what came before it is parsed (a last partial line too, as
 * getline() returns it), then the error is blamed on the next line. */
static int parse_input(const struct ld_input *in, struct ld_maps *out,
		       struct cursor *c)
{
	struct linebuf lb;
	ssize_t got;
	int rc = 0;

	linebuf_init(&lb);
	for (;;) {
		if (linebuf_room(&lb) < 0) {
			got = -ENOMEM;
			lb.len = 0;	/* the line did not fit: not a line */
			break;
		}
		got = ld_input_read(in, lb.b + lb.len, lb.cap - lb.len - LINE_PAD);
		if (got <= 0)
			break;
		lb.len += (size_t)got;
		linebuf_seal(&lb);
		rc = linebuf_parse(&lb, out, c);
		if (rc)
			goto out;
	}
	if (lb.len) {
		c->lineno++;
		rc = add_line(out, c, lb.b, lb.len);
	}
	if (!rc && got < 0) {
		rc = (int)got;
		c->lineno++;
		fail(c, "%s", strerror(-rc));
	}
out:
	linebuf_release(&lb);
	return rc;
}

int ld_maps_parse(FILE *f, struct ld_maps *out, char *err, size_t errlen)
{
	struct cursor c = { .err = err, .errlen = errlen };
	struct ld_input in = { .f = f, .fd = -1 };

	if (err && errlen)
		err[0] = '\0';
	return parse_input(&in, out, &c);
}

int ld_maps_parse_line(struct ld_maps *out, const char *line, size_t len,
		       unsigned long lineno, char *err, size_t errlen)
{
	struct cursor c = { .err = err, .errlen = errlen, .lineno = lineno };

	/* The quick scans stop at '\n' or the end; a NUL would end the
	 * path early. */
	if (memchr(line, '\0', len))
		return fail(&c, "embedded NUL byte");
	return add_line(out, &c, line, len);
}

int ld_maps_read(pid_t pid, struct ld_maps *out, char *err, size_t errlen)
{
	struct cursor c = { .err = err, .errlen = errlen };
	struct ld_input in = { .f = NULL };
	char path[32];
	int rc;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	in.fd = open(path, O_RDONLY | O_CLOEXEC);
	if (in.fd < 0) {
		rc = -errno;
		if (err && errlen)
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return rc;
	}
	if (err && errlen)
		err[0] = '\0';
	/* The kernel fills each read() from the live VMA tree, so a process
	 * that is not stopped can show a torn list; the parser rejects one
	 * that went out of order rather than return it. */
	rc = parse_input(&in, out, &c);
	close(in.fd);
	return rc;
}

/* ---- file mappings by ioctl ----------------------------------------- */

/* PROCMAP_QUERY (Linux 6.11, include/uapi/linux/fs.h): one mapping per
 * call, found in the VMA tree; declared here for older headers. */
struct ld_procmap_query {
	uint64_t size, query_flags, query_addr;
	uint64_t vma_start, vma_end, vma_flags, vma_page_size, vma_offset;
	uint64_t inode;
	uint32_t dev_major, dev_minor, vma_name_size, build_id_size;
	uint64_t vma_name_addr, build_id_addr;
};
#define LD_PROCMAP_QUERY _IOWR('f', 17, struct ld_procmap_query)
#define LD_PQ_READ 0x01
#define LD_PQ_WRITE 0x02
#define LD_PQ_EXEC 0x04
#define LD_PQ_SHARED 0x08
#define LD_PQ_COVERING_OR_NEXT 0x10
#define LD_PQ_FILE_BACKED 0x20

static void query_to_map(const struct ld_procmap_query *q, struct ld_map *m)
{
	memset(m, 0, sizeof *m);
	m->start = q->vma_start;
	m->end = q->vma_end;
	m->offset = q->vma_offset;
	m->perms[0] = q->vma_flags & LD_PQ_READ ? 'r' : '-';
	m->perms[1] = q->vma_flags & LD_PQ_WRITE ? 'w' : '-';
	m->perms[2] = q->vma_flags & LD_PQ_EXEC ? 'x' : '-';
	m->perms[3] = q->vma_flags & LD_PQ_SHARED ? 's' : 'p';
	m->dev_major = q->dev_major;
	m->dev_minor = q->dev_minor;
	m->inode = q->inode;
}

/* The file mappings from fd (/proc/PID/maps), the kernel skipping the
 * others; then errno ENOENT: no more. */
static int query_files(int fd, struct ld_maps *out)
{
	char name[PATH_MAX + 16];
	struct ld_procmap_query q;
	struct ld_map m;
	uint64_t addr = 0;

	for (;;) {
		memset(&q, 0, sizeof q);
		q.size = sizeof q;
		q.query_flags = LD_PQ_COVERING_OR_NEXT | LD_PQ_FILE_BACKED;
		q.query_addr = addr;
		q.vma_name_addr = (uint64_t)(uintptr_t)name;
		q.vma_name_size = sizeof name;
		if (ioctl(fd, LD_PROCMAP_QUERY, &q) < 0)
			return errno == ENOENT ? 0 : -errno;
		if (q.vma_end <= addr)
			return -EIO;	/* not ascending: no loop forever */
		query_to_map(&q, &m);
		/* vma_name_size counts the NUL */
		if (append(out, &m, name, q.vma_name_size ? q.vma_name_size - 1 : 0))
			return -ENOMEM;
		addr = q.vma_end;
	}
}

int ld_maps_read_files(pid_t pid, struct ld_maps *out)
{
	char path[32];
	int fd, rc;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	rc = query_files(fd, out);
	close(fd);
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
	if (m->cap >= SPARE_MIN && m->cap <= SPARE_MAX) {
		free(spare);
		spare = m->v;
		spare_cap = m->cap;
	} else {
		free(m->v);
	}
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
