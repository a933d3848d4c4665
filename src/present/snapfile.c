/* Snapshots as files: saved atomically (safefile.c) as the JSON of
 * snapjson.c, loaded with a bound on the size and checked by snapload.c. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "layoutdbg/error.h"
#include "layoutdbg/output.h"
#include "layoutdbg/safefile.h"
#include "layoutdbg/snapfile.h"
#include "layoutdbg/snapjson.h"
#include "layoutdbg/snapload.h"

int ld_snapshot_save(const struct ld_snapshot *s, const char *path, bool force,
		     char *err, size_t errlen)
{
	json_t *j = ld_snapshot_to_json(s);
	struct ld_safefile sf;
	int rc;

	if (!j) {
		ld_fail(err, errlen, "%s: %s", path, strerror(ENOMEM));
		return -ENOMEM;
	}
	rc = ld_safefile_open(&sf, path, force, err, errlen);
	if (rc == 0) {
		errno = 0;
		if (json_dumpf(j, sf.f, JSON_INDENT(2)) || fputc('\n', sf.f) == EOF)
			rc = errno ? -errno : -EIO;
		rc = ld_safefile_commit(&sf, rc, err, errlen);
	}
	json_decref(j);
	if (!rc)
		ld_fail(err, errlen, "%s", "");
	return rc;
}

/* jansson's reader over a stream that may not end (a pipe, a device):
 * stops after LD_SNAPSHOT_MAX_BYTES. */

/* jansson's reader over a stream that may not end (a pipe, a device):
 * stops after LD_SNAPSHOT_MAX_BYTES. */
struct limited { FILE *f; size_t total; bool too_big; };

static size_t read_limited(void *buf, size_t len, void *arg)
{
	struct limited *rd = arg;
	size_t n = fread(buf, 1, len, rd->f);

	rd->total += n;
	if (rd->total > LD_SNAPSHOT_MAX_BYTES) {
		rd->too_big = true;
		return (size_t)-1;
	}
	return n;
}

int ld_snapshot_load(const char *full, struct ld_snapshots *ss,
		     struct ld_snapshot **out, char *err, size_t errlen)
{
	/* in messages a long path is cut, never the reason after it */
	char pbuf[256];
	const char *path = ld_shorten(full, errlen / 2 < sizeof pbuf ? errlen / 2 :
				      sizeof pbuf - 1, pbuf, sizeof pbuf);
	struct limited rd = { 0 };
	json_error_t je;
	struct stat st;
	char why[512];
	json_t *j;
	FILE *f;
	int rc;

	*out = NULL;
	if (!(f = fopen(full, "r"))) {
		rc = -errno;
		ld_fail(err, errlen, "%s: %s", path, strerror(-rc));
		return rc;
	}
	rd.f = f;
	if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size > (off_t)LD_SNAPSHOT_MAX_BYTES) {
		fclose(f);
		ld_fail(err, errlen, "%s: larger than the %u MiB limit (%lld bytes)", path,
		    LD_SNAPSHOT_MAX_BYTES >> 20, (long long)st.st_size);
		return -EFBIG;
	}
	errno = 0;
	j = json_load_callback(read_limited, &rd, JSON_REJECT_DUPLICATES, &je);
	/* A read error (EISDIR...) would look like an end of file to
	 * jansson: ask the stream. */
	rc = rd.too_big ? -EFBIG : ferror(f) ? (errno ? -errno : -EIO) : 0;
	fclose(f);
	if (rc == -EFBIG) {
		json_decref(j);
		ld_fail(err, errlen, "%s: more than the %u MiB limit", path,
		    LD_SNAPSHOT_MAX_BYTES >> 20);
		return rc;
	}
	if (rc) {
		json_decref(j);
		ld_fail(err, errlen, "%s: %s", path, strerror(-rc));
		return rc;
	}
	if (!j) {
		ld_fail(err, errlen, "%s: line %d, column %d: %s", path, je.line,
		    je.column, je.text);
		return -EINVAL;
	}
	rc = ld_snapshot_from_json(j, ss, out, why, sizeof why);
	json_decref(j);
	if (rc)
		ld_fail(err, errlen, "%s: %s", path, why);
	else
		ld_fail(err, errlen, "%s", "");
	return rc;
}
