/* libFuzzer target: the snapshot reader behind `load` (JSON text to a
 * snapshot, every field checked), then what a loaded snapshot goes
 * through: the text renderers, the JSON writer, the diff against itself
 * and against an empty one (both kinds), and the SVG and HTML exports. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "layoutdbg/html.h"
#include "layoutdbg/render.h"
#include "layoutdbg/snapjson.h"
#include "layoutdbg/snapload.h"
#include "layoutdbg/svg.h"
#include "layoutdbg/snapshot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *sink;

static void diffs(const struct ld_snapshot *a, const struct ld_snapshot *b)
{
	struct ld_snap_diff d;
	struct ld_objdiff od;

	if (ld_snap_diff(a, b, &d) == 0) {
		ld_render_diff(sink, &d);
		json_decref(ld_snap_diff_to_json(&d));
		ld_snap_diff_release(&d);
	}
	if (ld_snap_diff_by_object(a, b, &od) == 0) {
		ld_render_objdiff(sink, a, b, &od);
		ld_objdiff_release(&od);
	}
	ld_export_diff_svg(a, b, sink);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ld_snapshots ss;
	struct ld_snapshot *snap, *empty;
	json_error_t je;
	char err[512];
	json_t *j;

	if (!sink && !(sink = fopen("/dev/null", "w")))
		return 0;
	j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je);
	if (!j)
		return 0;
	ld_snapshots_init(&ss);
	if (ld_snapshot_from_json(j, &ss, &snap, err, sizeof err) == 0) {
		ld_render_snapshot(sink, snap);
		ld_render_snapshot_list(sink, &ss);
		json_decref(ld_snapshot_to_json(snap));
		ld_export_svg(snap, sink);
		ld_export_html(snap, sink);
		diffs(snap, snap);
		if ((empty = ld_snapshot_new(&ss, NULL))) {
			diffs(empty, snap);
			diffs(snap, empty);
		}
	}
	json_decref(j);
	ld_snapshots_release(&ss);
	return 0;
}
