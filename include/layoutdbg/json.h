/* The one JSON writer (jansson) of every document layoutdbg writes: the
 * snapshot and diff files, the timeline, and each command's --json
 * document.  The vocabulary is shared, so a mapping or a frame reads the
 * same in all of them.
 *
 * Unsigned 64-bit values (addresses, sizes, offsets, inodes, registers)
 * are written twice: X_hex ("0x" and lowercase hex digits) is always there
 * and is the value; X is the same value as a JSON integer when it is at
 * most INT64_MAX, else null (jansson holds integers in int64).  Text that
 * is not valid UTF-8 is written with each bad byte replaced by U+FFFD, its
 * exact bytes in X_bytes (two hex digits a byte).
 *
 * Setters take the value's reference (also on failure) and return 0, or
 * -1 when o or v is NULL (a constructor that ran out of memory) or on
 * ENOMEM, so `ld_jset(...) || ld_jset(...)` stops at the first failure.
 * Constructors return a new reference or NULL. */
#ifndef LAYOUTDBG_JSON_H
#define LAYOUTDBG_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "layoutdbg/maps.h"
#include "layoutdbg/snapshot.h"

/* o[key] = v, stealing v. */
int ld_jset(json_t *o, const char *key, json_t *v);
/* {"command": command}: the start of every --json document. */
json_t *ld_jdoc(const char *command);

/* key and key_hex. */
int ld_json_put_u64(json_t *o, const char *key, uint64_t v);
/* The same value split over two objects: num[numk] and hex[hexk] (the
 * registers' "regs" and "regs_hex"). */
int ld_json_put_u64_in(json_t *num, const char *numk, json_t *hex,
		       const char *hexk, uint64_t v);
/* Text (and key_bytes when it is not UTF-8), or null for NULL. */
int ld_json_put_text(json_t *o, const char *key, const char *s);
/* "0x1f": a hex string alone, where a list holds addresses. */
json_t *ld_json_hex(uint64_t v);

/* ["a", "b"] from "a b": a space-separated list of words. */
json_t *ld_json_words(const char *list);
/* In a function returning json_t *: return the array [f(&v[0]), ...,
 * f(&v[n - 1])], or NULL (and nothing leaked) when one of them failed. */
#define LD_RETURN_JSON_ARRAY(f, v, n) do { \
		json_t *a_ = json_array(); \
		for (size_t i_ = 0; a_ && i_ < (n); i_++) { \
			if (json_array_append_new(a_, f(&(v)[i_]))) { \
				json_decref(a_); \
				return NULL; \
			} \
		} \
		return a_; \
	} while (0)

/* ISO 8601 in UTC with milliseconds: "2024-05-01T12:34:56.789Z". */
const char *ld_iso_time(const struct timespec *t, char *buf, size_t len);
/* Nanoseconds since the epoch. */
long long ld_time_ns(const struct timespec *t);

/* MAPPING: {"start", "end", "size", "perms", "offset", "dev", "inode",
 * "path", "deleted"}. */
json_t *ld_json_mapping(const struct ld_map *mp);
json_t *ld_json_mappings(const struct ld_maps *m);
/* FRAME: {"pc", "sp", "cfa", "function", "offset", "object"} and "file",
 * "line" when known. */
json_t *ld_json_frame(const struct ld_snap_frame *fr);
json_t *ld_json_frames(const struct ld_snap_frame *v, size_t n);
/* CHANGE: {"kind", "before", "after", "perms_changed"} and "size_delta"
 * when both sides are there. */
json_t *ld_json_change(const struct ld_map_change *c);

/* The fields of struct ld_pages, in the order they are written. */
#define LD_PAGE_FIELDS(X) X(rss) X(pss) X(shared_clean) X(shared_dirty) \
	X(private_clean) X(private_dirty) X(anonymous) X(swap) X(locked)
/* Page counts in bytes: {"rss": N, "pss": N, "shared_clean": N, ...}. */
json_t *ld_json_pages(const struct ld_pages *p);
/* "pages_before", "pages_after" (null for a side without the mapping)
 * and "pages_delta" (after - before in bytes, a missing side counting as
 * zeros) into o.  0 or -ENOMEM. */
int ld_json_put_pages_change(json_t *o, const struct ld_pages *a,
			     const struct ld_pages *b);

#endif
