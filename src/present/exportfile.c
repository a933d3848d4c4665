/* export: a snapshot, a diff or the timeline into a file, in the form its
 * extension names. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "layoutdbg/error.h"
#include "layoutdbg/html.h"
#include "layoutdbg/snapjson.h"
#include "layoutdbg/svg.h"
#include "layoutdbg/tlrender.h"
#include "layoutdbg/exportfile.h"
#include "layoutdbg/safefile.h"

const char *ld_export_ext(const char *path)
{
	const char *dot = strrchr(path, '.');

	return dot && !strchr(dot, '/') ? dot + 1 : "";
}

/* Through safefile.h: errors come back in err with the real cause.  Keys
 * in the order they were set: the first names the file (doc/json). */
static int write_json(json_t *j, const char *path, bool force, char *err, size_t len)
{
	struct ld_safefile sf;
	int r;

	if (!j)
		return ld_fail(err, len, "%s: %s", path, strerror(ENOMEM)), -ENOMEM;
	r = ld_safefile_open(&sf, path, force, err, len);
	if (r == 0) {
		errno = 0;
		if (json_dumpf(j, sf.f, JSON_INDENT(2)) ||
		    fputc('\n', sf.f) == EOF)
			r = errno ? -errno : -EIO;
		r = ld_safefile_commit(&sf, r, err, len);
	}
	json_decref(j);
	return r;
}

static int export_json(const struct ld_snapshot *a, const struct ld_snapshot *b,
		       const char *path, bool force, char *err, size_t len)
{
	struct ld_snap_diff d;
	int r;

	if (!b)
		return write_json(ld_snapshot_to_json(a), path, force, err, len);
	if (ld_snap_diff(a, b, &d) < 0)
		return ld_fail(err, len, "%s", strerror(ENOMEM)), -ENOMEM;
	r = write_json(ld_snap_diff_to_json(&d), path, force, err, len);
	ld_snap_diff_release(&d);
	return r;
}

int ld_export_snapshots(const struct ld_snapshot *a, const struct ld_snapshot *b,
			const char *path, bool force, bool pages, char *err,
			size_t len)
{
	const char *ext = ld_export_ext(path);
	struct ld_safefile sf;
	int r;

	if (!strcmp(ext, "json"))
		return export_json(a, b, path, force, err, len);
	if (strcmp(ext, "svg") && strcmp(ext, "html"))
		return -EINVAL;
	if ((r = ld_safefile_open(&sf, path, force, err, len)) < 0)
		return r;
	if (b && !strcmp(ext, "html"))
		r = ld_export_diff_html(a, b, sf.f);
	else if (b)
		r = ld_export_diff_svg(a, b, sf.f);
	else if (!strcmp(ext, "svg"))
		r = pages ? ld_export_svg_pages(a, sf.f) : ld_export_svg(a, sf.f);
	else
		r = ld_export_html(a, sf.f);
	return ld_safefile_commit(&sf, r, err, len);
}

int ld_export_timeline(const struct ld_timeline *tl, const char *path,
		       bool force, char *err, size_t len)
{
	return write_json(ld_timeline_to_json(tl), path, force, err, len);
}
