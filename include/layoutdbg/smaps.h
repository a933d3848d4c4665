/* /proc/PID/smaps, smaps_rollup and pagemap: how much of each mapping is
 * resident, dirty, shared, swapped.  No ptrace here.
 *
 * The parsers take a FILE * (or text), not a pid, so unit tests feed them
 * text.  The kernel prints, per mapping, the maps line then "Name: N kB"
 * lines (show_smap() and __show_smap() in fs/proc/task_mmu.c), then
 * "THPeligible: N", "ProtectionKey: N" and "VmFlags: xx yy ..."; older
 * kernels lack some of the lines (Pss_Dirty came in 6.0, SwapPss in 4.3,
 * THPeligible in 5.0), so every field says whether it was seen. */
#ifndef LAYOUTDBG_SMAPS_H
#define LAYOUTDBG_SMAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "layoutdbg/maps.h"

/* The "N kB" fields: X(ENUM, kernel name, JSON name). */
#define LD_SMAPS_FIELDS(X)                                      \
	X(SIZE, "Size", "size")                                 \
	X(KPAGE, "KernelPageSize", "kernel_page_size")          \
	X(MMUPAGE, "MMUPageSize", "mmu_page_size")              \
	X(RSS, "Rss", "rss")                                    \
	X(PSS, "Pss", "pss")                                    \
	X(PSS_DIRTY, "Pss_Dirty", "pss_dirty")                  \
	X(PSS_ANON, "Pss_Anon", "pss_anon")                     \
	X(PSS_FILE, "Pss_File", "pss_file")                     \
	X(PSS_SHMEM, "Pss_Shmem", "pss_shmem")                  \
	X(SHARED_CLEAN, "Shared_Clean", "shared_clean")         \
	X(SHARED_DIRTY, "Shared_Dirty", "shared_dirty")         \
	X(PRIVATE_CLEAN, "Private_Clean", "private_clean")      \
	X(PRIVATE_DIRTY, "Private_Dirty", "private_dirty")      \
	X(REFERENCED, "Referenced", "referenced")               \
	X(ANONYMOUS, "Anonymous", "anonymous")                  \
	X(KSM, "KSM", "ksm")                                    \
	X(LAZYFREE, "LazyFree", "lazy_free")                    \
	X(ANONHUGE, "AnonHugePages", "anon_huge_pages")         \
	X(SHMEMPMD, "ShmemPmdMapped", "shmem_pmd_mapped")       \
	X(FILEPMD, "FilePmdMapped", "file_pmd_mapped")          \
	X(SHARED_HUGETLB, "Shared_Hugetlb", "shared_hugetlb")   \
	X(PRIVATE_HUGETLB, "Private_Hugetlb", "private_hugetlb") \
	X(SWAP, "Swap", "swap")                                 \
	X(SWAPPSS, "SwapPss", "swap_pss")                       \
	X(LOCKED, "Locked", "locked")

enum ld_smaps_field {
#define LD_SM_ENUM(e, k, j) LD_SM_##e,
	LD_SMAPS_FIELDS(LD_SM_ENUM)
#undef LD_SM_ENUM
	LD_SM_N
};

/* "Rss", "rss" for field f. */
const char *ld_smaps_field_name(enum ld_smaps_field f);
const char *ld_smaps_field_json(enum ld_smaps_field f);

struct ld_smap {
	uint64_t kb[LD_SM_N];   /* KiB, as the kernel prints them */
	uint32_t have;          /* bit f: field f's line was there */
	int thp_eligible;       /* THPeligible, -1 when absent */
	int pkey;               /* ProtectionKey, -1 when absent */
	char *vmflags;          /* VmFlags ("rd wr mr mw me ac"), interned
				   (ld_path_intern); NULL when absent */
};

struct ld_smaps {
	struct ld_maps maps;    /* the header lines: a mapping list */
	struct ld_smap *v;      /* v[i] belongs to maps.v[i] */
	size_t cap;
	uint32_t have;          /* union of every mapping's have */
	bool have_thp, have_vmflags;
	unsigned unknown;       /* well-formed lines of fields this parser
				   does not know (newer kernels): skipped */
};

static inline bool ld_smap_has(const struct ld_smap *m, enum ld_smaps_field f)
{
	return m->have >> f & 1;
}

void ld_smaps_init(struct ld_smaps *s);
void ld_smaps_release(struct ld_smaps *s);   /* s is reusable */

/* Parse smaps (or smaps_rollup) text, appending to *out.  A header line
 * is held to ld_maps_parse's rules; a field line must be "Name:", blanks,
 * a decimal number and, for the sizes, " kB" (VmFlags: two-letter words).
 * A field line before any header, a size field given twice for one
 * mapping, a bad number: -EINVAL, err "line N: <why>", *out holding what
 * was parsed before.  Unknown field names are counted and skipped.
 * -ENOMEM; -errno when reading f failed (err "line N: <strerror>"; what
 * came before is kept).  Never prints. */
int ld_smaps_parse(FILE *f, struct ld_smaps *out, char *err, size_t errlen);

/* Read /proc/PID/smaps (rollup: /proc/PID/smaps_rollup).  Returns 0,
 * -errno from open ("/proc/PID/smaps: <strerror>"), or ld_smaps_parse's
 * error.  Reads in large blocks straight from the file descriptor: the
 * kernel walks the page tables of every mapping it prints, and each read()
 * resumes that walk (fs/seq_file.c). */
int ld_smaps_read(pid_t pid, bool rollup, struct ld_smaps *out, char *err,
		  size_t errlen);

/* Sum of field f over every mapping (0 when no mapping has it). */
uint64_t ld_smaps_total(const struct ld_smaps *s, enum ld_smaps_field f);

/* ---- compact page counts, as a snapshot keeps them ------------------ */

/* KiB, 32 bits each (4 TiB per mapping): the fields a diff compares. */
struct ld_pages {
	uint32_t rss, pss;
	uint32_t shared_clean, shared_dirty, private_clean, private_dirty;
	uint32_t anonymous, swap, locked;
};

/* The compact counts of one mapping (fields it lacks: 0). */
void ld_pages_of(const struct ld_smap *m, struct ld_pages *out);
bool ld_pages_equal(const struct ld_pages *a, const struct ld_pages *b);

/* "rss 4 KiB -> 136 KiB (+132 KiB, private dirty +132 KiB)" into buf:
 * the rss change, then each other count that changed; when none of those
 * did, the Pss (or Anonymous) change: "rss 8 KiB -> 8 KiB (+0 B, pss
 * -4 KiB)".  NULL counts are zeros (a mapping added or removed).  Returns
 * buf. */
const char *ld_pages_delta_text(const struct ld_pages *a,
				const struct ld_pages *b, char *buf,
				size_t len);

/* ---- /proc/PID/pagemap ---------------------------------------------- */

/* One 64-bit entry per page (Documentation/admin-guide/mm/pagemap.rst). */
#define LD_PM_PRESENT   (UINT64_C(1) << 63)
#define LD_PM_SWAPPED   (UINT64_C(1) << 62)
#define LD_PM_FILE      (UINT64_C(1) << 61)  /* file page or shared anon */
#define LD_PM_EXCLUSIVE (UINT64_C(1) << 56)  /* mapped once (4.2+) */
#define LD_PM_SOFTDIRTY (UINT64_C(1) << 55)
#define LD_PM_PFN_MASK  ((UINT64_C(1) << 55) - 1)

/* Page states a snapshot's page strip keeps, one byte a page. */
enum ld_page_state { LD_PS_ABSENT, LD_PS_PRESENT, LD_PS_SWAPPED,
		     LD_PS_UNKNOWN /* pagemap could not say */ };

/* Open /proc/PID/pagemap: an fd or -errno. */
int ld_pagemap_open(pid_t pid);

/* The entries of the n pages from addr (page aligned) into out.  0 or
 * -errno (EIO, EINVAL for a bad range; a short read is -EIO). */
int ld_pagemap_read(int fd, uint64_t addr, size_t n, uint64_t *out);

/* The state of a page from its entry. */
enum ld_page_state ld_page_state_of(uint64_t entry);

#endif
