/* /proc/PID/maps: parsing and lookup.  No ptrace here.
 *
 * The parser takes a FILE *, not a pid, so unit tests feed it text. */
#ifndef LAYOUTDBG_MAPS_H
#define LAYOUTDBG_MAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

struct ld_map {
	uint64_t start, end;    /* [start, end) */
	uint64_t offset;        /* file offset of start */
	char perms[5];          /* "r-xp": always 4 chars + NUL */
	unsigned dev_major, dev_minor;
	uint64_t inode;
	char *path;             /* text after the inode, exactly as the kernel
				   printed it (leading blanks removed), "" if none;
				   never NULL; an interned string (see below) */
	bool deleted;           /* path ends in " (deleted)" */
};

struct ld_maps {
	struct ld_map *v;       /* sorted by start, as the kernel prints them */
	size_t n, cap;
};

/* Paths are interned: equal texts share one reference-counted copy, so a
 * thousand snapshots of one process share their path strings and copying
 * a mapping list allocates only its array.  ld_path_intern returns a
 * reference to the copy of s[0..len) (NULL on ENOMEM); ld_path_ref takes
 * another reference; ld_path_unref drops one (NULL is fine). */
char *ld_path_intern(const char *s, size_t len);
char *ld_path_ref(char *interned);
void ld_path_unref(char *interned);

void ld_maps_init(struct ld_maps *m);
void ld_maps_release(struct ld_maps *m);  /* frees entries; m is reusable */

/* Parse maps text.  Appends to *out (call ld_maps_init first).  On a
 * malformed line returns -EINVAL, leaves *out holding the lines parsed so
 * far, and writes "line N: <why>" into err (if err is non-NULL; truncated
 * to errlen).  Lines must be in ascending, non-overlapping order, as the
 * kernel prints them, also after what *out already holds.  Returns 0 on
 * success (err then ""), -ENOMEM if allocation failed, -errno if reading f
 * failed (err then "line N: <strerror>" too).  Never prints. */
int ld_maps_parse(FILE *f, struct ld_maps *out, char *err, size_t errlen);

/* One maps line (the smaps parser's header lines), appended to *out
 * under ld_maps_parse's rules; line[len] must be '\n' (the quick scans
 * stop there); lineno is used in err.  0,
 * -EINVAL (err "line N: <why>") or -ENOMEM. */
int ld_maps_parse_line(struct ld_maps *out, const char *line, size_t len,
		       unsigned long lineno, char *err, size_t errlen);

/* Read /proc/PID/maps.  Returns 0, -errno from open (ENOENT, or ESRCH,
 * when the process is gone; err then "/proc/PID/maps: <strerror>"), or
 * ld_maps_parse's error.  A process that is not stopped can change its
 * maps during the read; the result may then be rejected as out of order. */
int ld_maps_read(pid_t pid, struct ld_maps *out, char *err, size_t errlen);

/* The file-backed mappings of pid only (PROCMAP_QUERY, Linux 6.11), in
 * address order, without the text of the others: what the loaded objects
 * are found from, at a fraction of the cost of the whole list when a
 * process has thousands of anonymous mappings.  Paths come as the kernel's
 * d_path() gives them (" (deleted)" and all; maps would escape a newline).
 * Returns 0, -ENOTTY or -EINVAL from a kernel without the query (read the
 * whole list then), -ENAMETOOLONG, or another -errno; *out holds what was
 * appended before an error. */
int ld_maps_read_files(pid_t pid, struct ld_maps *out);

/* Deep copy.  dst is overwritten, not released (it may be uninitialised).
 * Returns 0 or -ENOMEM (dst then empty). */
int ld_maps_copy(struct ld_maps *dst, const struct ld_maps *src);

/* The mapping containing addr, or NULL.  Binary search. */
const struct ld_map *ld_maps_find(const struct ld_maps *m, uint64_t addr);

/* The path without the " (deleted)" suffix, in buf (truncated to len).
 * Returns buf, or "" when len is 0. */
const char *ld_map_basepath(const struct ld_map *mp, char *buf, size_t len);

/* True when the mapping is backed by a file (path starts with '/'). */
bool ld_map_is_file(const struct ld_map *mp);

/* ---- diff of two mapping lists ------------------------------------- */

enum ld_map_change_kind {
	LD_MC_ADDED,     /* only in the second list: after is set */
	LD_MC_REMOVED,   /* only in the first: before is set */
	LD_MC_GROWN,     /* same object, same start (brk, mremap) or same
			    end (stack growth, an anonymous mmap merged into
			    the mapping above it), larger */
	LD_MC_SHRUNK,    /* same object, same start or end, smaller */
	LD_MC_MOVED,     /* same object, offset and size at another address
			    (mremap): before and after set */
	LD_MC_PERMS,     /* same range, other permissions */
	LD_MC_SPLIT,     /* one mapping of the first list became several in the
			    second (e.g. RELRO mprotect): before is the old one,
			    after is each piece (one change per piece) */
	LD_MC_MERGED,    /* several became one: before is each piece, after
			    the merged one (one change per piece) */
};

struct ld_map_change {
	enum ld_map_change_kind kind;
	const struct ld_map *before;   /* points into the first list, or NULL */
	const struct ld_map *after;    /* points into the second list, or NULL */
	bool perms_changed;            /* before and after permissions differ:
					  always with PERMS; may be set with
					  GROWN/SHRUNK/MOVED/SPLIT/MERGED */
};

struct ld_map_diff {
	struct ld_map_change *v;
	size_t n, cap;
};

/* after's size minus before's for a change with both (0 without): the
 * one computation behind the text's "by N" and the JSON's size_delta.  A
 * mapping may grow or shrink at either end, so it is never the distance
 * between the two ends alone. */
int64_t ld_map_change_size_delta(const struct ld_map_change *c);

/* A GROWN or SHRUNK change that moved its start (the stack growing down,
 * an mmap merged below, munmap of the low part) rather than its end. */
bool ld_map_change_at_start(const struct ld_map_change *c);

void ld_map_diff_init(struct ld_map_diff *d);
void ld_map_diff_release(struct ld_map_diff *d);

/* Compare a (before) with b (after) in one linear merge over both sorted
 * lists (no quadratic scan), then pair removed/added file mappings into
 * moves by sorting.  Changes are appended in address order: by
 * after->start, or before->start for REMOVED; a MOVED is at its new place.
 * The object of a mapping is its device, inode and path without
 * " (deleted)"; all anonymous mappings are one object, [heap], [stack],
 * [anon:NAME] each their own; a file mapping must also keep its file offset
 * in step with its address to count as the same.  Unchanged mappings
 * (including a file unlinked while mapped) produce nothing; overlaps that
 * no kind describes are reported as REMOVED + ADDED.  The changes point
 * into a and b, which must outlive out.  Returns 0 or -ENOMEM (out then
 * holds the changes found so far). */
int ld_maps_diff(const struct ld_maps *a, const struct ld_maps *b,
		 struct ld_map_diff *out);

const char *ld_map_change_name(enum ld_map_change_kind k);

/* Where the text of a /proc file comes from: a stream, or (f NULL) a file
 * descriptor.  ld_input_read reads at most n bytes into dst: how many, 0
 * at the end, or -errno (EINTR retried).  Shared by the maps and smaps
 * parsers. */
struct ld_input {
	FILE *f;
	int fd;
};
ssize_t ld_input_read(const struct ld_input *in, char *dst, size_t n);

#endif
