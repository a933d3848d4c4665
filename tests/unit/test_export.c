/* Unit tests of JSON, SVG and HTML export (src/export.c).
 *
 * Prints TAP; exits 1 if any case failed.  Snapshots are built by hand from
 * the seed walkthrough's maps under $LD_TEST_DATA (tests/data from the cwd
 * when unset): seed_before.txt before the first calloc, seed_after.txt with
 * its [heap].  Well-formedness of SVG and HTML is checked by Python's XML
 * parser (and xmllint when installed); those checks are skipped, not
 * passed, when the tool is missing. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "tap.h"
#include "layoutdbg/html.h"
#include "layoutdbg/snapfile.h"
#include "layoutdbg/snapjson.h"
#include "layoutdbg/snapload.h"
#include "layoutdbg/svg.h"
#include "layoutdbg/maps.h"
#include "layoutdbg/snapshot.h"

#define SEED_EXE "/home/nots/Documents/elf-interrogation/examples/empty/empty"

/* ---- building snapshots ------------------------------------------------ */

static void parse_maps(const char *name, struct ld_maps *m)
{
	const char *dir = getenv("LD_TEST_DATA");
	char path[4096], err[256];
	FILE *f;

	snprintf(path, sizeof path, "%s/maps/%s", dir ? dir : "tests/data", name);
	if (!(f = fopen(path, "r"))) {
		printf("Bail out! cannot open %s: %s\n", path, strerror(errno));
		exit(1);
	}
	if (ld_maps_parse(f, m, err, sizeof err)) {
		printf("Bail out! %s: %s\n", path, err);
		exit(1);
	}
	fclose(f);
}

static void add_frame(struct ld_snap_thread *th, uint64_t pc, uint64_t sp,
		      uint64_t cfa, const char *func, uint64_t off,
		      const char *obj)
{
	struct ld_snap_frame *fr = &th->frames[th->nframes++];

	fr->pc = pc;
	fr->sp = sp;
	fr->cfa = cfa;
	fr->func = func ? strdup(func) : NULL;
	fr->off = off;
	fr->obj = obj ? strdup(obj) : NULL;
}

/* The seed's process stopped in main; brk at heap_end (no heap: the end
 * of the executable's data). */
static struct ld_snapshot *make_snap(struct ld_snapshots *ss,
				     const char *maps, const char *name,
				     uint64_t brk)
{
	struct ld_snapshot *s = ld_snapshot_new(ss, name);
	struct ld_snap_thread *th;

	if (!s) {
		printf("Bail out! out of memory\n");
		exit(1);
	}
	parse_maps(maps, &s->maps);
	s->when.tv_sec = 1714566896;
	s->when.tv_nsec = 789123456;
	s->pid = 230427;
	s->exe = strdup(SEED_EXE);
	s->reason = strdup("breakpoint 1, main () at heap.cpp:10");
	s->start_brk = 0x555555559000;
	s->brk = brk;
	s->brk_valid = true;
	s->threads = calloc(1, sizeof *s->threads);
	s->nthreads = 1;
	th = s->threads;
	th->tid = 230427;
	th->num = 1;
	th->regs_valid = true;
	th->regs.rip = 0x555555555131;
	th->regs.rsp = 0x7fffffffdee0;
	th->regs.rbp = 0x7fffffffdee0;
	th->regs.rax = (uint64_t)-38;   /* -ENOSYS: above INT64_MAX */
	th->regs.orig_rax = (uint64_t)-1;
	th->regs.eflags = 0x246;
	th->frames = calloc(3, sizeof *th->frames);
	add_frame(th, 0x555555555131, 0x7fffffffdee0, 0x7fffffffdef0, "main",
		  8, SEED_EXE);
	add_frame(th, 0x7ffff7da3d90, 0x7fffffffdef0, 0x7fffffffdf90,
		  "__libc_start_call_main", 128,
		  "/usr/lib/x86_64-linux-gnu/libc.so.6");
	add_frame(th, 0x7ffff7da3e40, 0x7fffffffdf90, 0x7fffffffdfe0, NULL, 0,
		  NULL);
	return s;
}

static struct ld_snapshot *seed_before(struct ld_snapshots *ss)
{
	return make_snap(ss, "seed_before.txt", "before", 0x555555559000);
}

static struct ld_snapshot *seed_after(struct ld_snapshots *ss)
{
	return make_snap(ss, "seed_after.txt", NULL, 0x55555557a000);
}

/* ---- helpers ---------------------------------------------------------------- */

static char tmpdir[] = "/tmp/ld-test-export-XXXXXX";

static const char *tmp_path(const char *name)
{
	static char buf[4][256];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof buf[k], "%s/%s", tmpdir, name);
	return buf[k];
}

static bool write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return false;
	fputs(text, f);
	return fclose(f) == 0;
}

/* Whole file, NUL-terminated; NULL on failure.  Caller frees. */
static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1))) {
		len = fread(buf, 1, (size_t)n, f);
		buf[len] = '\0';
	}
	fclose(f);
	return buf;
}

static bool have_tool(const char *name)
{
	char cmd[256];

	snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", name);
	return system(cmd) == 0;
}

/* Well-formed XML by Python's parser, and by xmllint when installed.
 * Sets tap_skip_reason when neither can run. */
static bool well_formed(const char *path)
{
	char cmd[1024];
	bool checked = false;

	if (have_tool("python3")) {
		snprintf(cmd, sizeof cmd, "python3 -c 'import xml.dom.minidom,sys; "
			 "xml.dom.minidom.parse(sys.argv[1])' '%s'", path);
		if (system(cmd) != 0)
			return false;
		checked = true;
	}
	if (have_tool("xmllint")) {
		snprintf(cmd, sizeof cmd, "xmllint --noout '%s'", path);
		if (system(cmd) != 0)
			return false;
		checked = true;
	}
	if (!checked)
		tap_skip_reason = "neither python3 nor xmllint is installed";
	return true;
}

/* to_json(s) as a document with "id" removed: ids are the session's. */
static json_t *json_noid(const struct ld_snapshot *s)
{
	json_t *j = ld_snapshot_to_json(s);

	if (j)
		json_object_del(j, "id");
	return j;
}

/* Load a JSON text; expect failure with err containing want, and the
 * snapshot list unchanged. */
static bool rejects(const char *text, const char *want)
{
	struct ld_snapshots ss;
	struct ld_snapshot *out = (struct ld_snapshot *)1;
	json_error_t je;
	json_t *j = json_loads(text, 0, &je);
	char err[512];
	bool ok;
	int rc;

	if (!j) {
		printf("# test input is not JSON: %s\n", je.text);
		return false;
	}
	ld_snapshots_init(&ss);
	rc = ld_snapshot_from_json(j, &ss, &out, err, sizeof err);
	ok = rc == -EINVAL && !out && ss.n == 0 && ss.next_id == 1 &&
	     strstr(err, want);
	if (!ok)
		printf("# rc %d, err \"%s\", wanted \"%s\"\n", rc, err, want);
	json_decref(j);
	ld_snapshots_release(&ss);
	return ok;
}

/* The seed snapshot's JSON with one change made by fn, then rejected. */
static bool rejects_edit(void (*fn)(json_t *), const char *want)
{
	struct ld_snapshots ss;
	json_t *j;
	char *text;
	bool ok;

	ld_snapshots_init(&ss);
	j = ld_snapshot_to_json(seed_before(&ss));
	fn(j);
	text = json_dumps(j, 0);
	ok = text && rejects(text, want);
	free(text);
	json_decref(j);
	ld_snapshots_release(&ss);
	return ok;
}

static json_t *mapping(json_t *j, size_t i)
{
	return json_array_get(json_object_get(j, "mappings"), i);
}

/* ---- JSON ------------------------------------------------------------------------ */

static bool t_json_fields(void)
{
	struct ld_snapshots ss;
	struct ld_snapshot *s;
	json_t *j, *m, *vs, *regs, *fr;
	bool ok;

	ld_snapshots_init(&ss);
	s = seed_before(&ss);
	j = ld_snapshot_to_json(s);
	CHECK(j);
	m = mapping(j, 7);
	vs = mapping(j, 21);
	regs = json_object_get(json_array_get(json_object_get(j, "threads"), 0),
			       "regs");
	fr = json_array_get(json_object_get(json_array_get(
		json_object_get(j, "threads"), 0), "frames"), 2);
	ok = !strcmp(json_string_value(json_object_get(j, "format")),
		     "layoutdbg-snapshot") &&
	     json_integer_value(json_object_get(j, "version")) == 1 &&
	     !strcmp(json_string_value(json_object_get(j, "name")), "before") &&
	     !strcmp(json_string_value(json_object_get(j, "time")),
		     "2024-05-01T12:34:56.789Z") &&
	     json_integer_value(json_object_get(j, "time_ns")) ==
		     1714566896789123456LL &&
	     json_array_size(json_object_get(j, "mappings")) == 22 &&
	     json_integer_value(json_object_get(m, "start")) == 0x7ffff7da2000 &&
	     !strcmp(json_string_value(json_object_get(m, "start_hex")),
		     "0x7ffff7da2000") &&
	     json_integer_value(json_object_get(m, "size")) == 0x195000 &&
	     !strcmp(json_string_value(json_object_get(m, "perms")), "r-xp") &&
	     !strcmp(json_string_value(json_object_get(m, "dev")), "103:05") &&
	     json_integer_value(json_object_get(m, "inode")) == 9835249 &&
	     json_is_false(json_object_get(m, "deleted")) &&
	     json_is_null(json_object_get(vs, "start")) &&
	     !strcmp(json_string_value(json_object_get(vs, "start_hex")),
		     "0xffffffffff600000") &&
	     json_is_null(json_object_get(regs, "rax")) &&
	     json_integer_value(json_object_get(regs, "rip")) == 0x555555555131 &&
	     json_is_null(json_object_get(fr, "function")) &&
	     json_is_true(json_object_get(json_object_get(j, "brk"), "valid"));
	json_decref(j);
	ld_snapshots_release(&ss);
	return ok;
}

static bool same_snapshot(const struct ld_snapshot *a,
			  const struct ld_snapshot *b)
{
	size_t i;

	CHECK(a->maps.n == b->maps.n && a->nthreads == b->nthreads);
	for (i = 0; i < a->maps.n; i++) {
		const struct ld_map *x = &a->maps.v[i], *y = &b->maps.v[i];

		CHECK(x->start == y->start && x->end == y->end &&
		      x->offset == y->offset && !strcmp(x->perms, y->perms) &&
		      x->dev_major == y->dev_major && x->dev_minor == y->dev_minor &&
		      x->inode == y->inode && !strcmp(x->path, y->path) &&
		      x->deleted == y->deleted);
	}
	CHECK(!memcmp(&a->threads[0].regs, &b->threads[0].regs,
		      sizeof a->threads[0].regs));
	CHECK(b->threads[0].nframes == 3 && !b->threads[0].frames[2].func);
	CHECK(a->when.tv_sec == b->when.tv_sec &&
	      a->when.tv_nsec == b->when.tv_nsec);
	return a->brk == b->brk && a->start_brk == b->start_brk &&
	       a->pid == b->pid && !strcmp(a->exe, b->exe);
}

static bool t_round_trip(void)
{
	struct ld_snapshots ss;
	struct ld_snapshot *s, *back;
	json_t *j1, *j2;
	char err[256];
	bool ok;

	ld_snapshots_init(&ss);
	s = seed_after(&ss);
	j1 = ld_snapshot_to_json(s);
	CHECK(j1);
	CHECK(ld_snapshot_from_json(j1, &ss, &back, err, sizeof err) == 0);
	j2 = ld_snapshot_to_json(back);
	/* A new id, the rest identical. */
	ok = back->id == 2 && back->name == NULL && ss.n == 2 &&
	     json_integer_value(json_object_get(j2, "id")) == 2 &&
	     !json_object_del(j1, "id") && !json_object_del(j2, "id") &&
	     json_equal(j1, j2) && same_snapshot(s, back);
	json_decref(j1);
	json_decref(j2);
	ld_snapshots_release(&ss);
	return ok;
}

static bool t_name_kept(void)
{
	struct ld_snapshots ss;
	struct ld_snapshot *back;
	json_t *j;
	char err[256];
	bool ok;

	ld_snapshots_init(&ss);
	j = ld_snapshot_to_json(seed_before(&ss));
	ok = ld_snapshot_from_json(j, &ss, &back, err, sizeof err) == 0 &&
	     !strcmp(back->name, "before") && back->id == 2 &&
	     ld_snapshot_find(&ss, "%2") == back;
	json_decref(j);
	ld_snapshots_release(&ss);
	return ok;
}

static bool t_save_load(void)
{
	struct ld_snapshots ss;
	struct ld_snapshot *s, *back;
	const char *path = tmp_path("snap.json");
	json_t *j1, *j2;
	char err[512], *text;
	bool ok;

	ld_snapshots_init(&ss);
	s = seed_before(&ss);
	CHECK(ld_snapshot_save(s, path, false, err, sizeof err) == 0 && !err[0]);
	CHECK(ld_snapshot_load(path, &ss, &back, err, sizeof err) == 0);
	j1 = json_noid(s);
	j2 = json_noid(back);
	text = read_file(path);
	ok = json_equal(j1, j2) && same_snapshot(s, back) && text &&
	     text[strlen(text) - 1] == '\n';
	free(text);
	json_decref(j1);
	json_decref(j2);
	ld_snapshots_release(&ss);
	return ok;
}

static bool t_load_errors(void)
{
	struct ld_snapshots ss;
	struct ld_snapshot *out;
	const char *missing = tmp_path("nonexistent.json");
	char err[512], want[512];

	ld_snapshots_init(&ss);
	CHECK(ld_snapshot_load(missing, &ss, &out, err, sizeof err) == -ENOENT);
	snprintf(want, sizeof want, "%s: No such file or directory", missing);
	CHECK(!strcmp(err, want) && !out);
	CHECK(ld_snapshot_load(tmpdir, &ss, &out, err, sizeof err) == -EISDIR);
	CHECK(ld_snapshot_save(seed_before(&ss), tmpdir, false, err, sizeof err) ==
	      -EISDIR);
	CHECK(strstr(err, tmpdir) == err);
	ld_snapshots_release(&ss);
	return true;
}

static bool t_not_json(void)
{
	struct ld_snapshots ss;
	struct ld_snapshot *out;
	const char *path = tmp_path("garbage.json");
	char err[512];
	bool ok;

	ld_snapshots_init(&ss);
	CHECK(write_file(path, "{\n  \"format\": layoutdbg\n}\n"));
	ok = ld_snapshot_load(path, &ss, &out, err, sizeof err) == -EINVAL &&
	     strstr(err, path) == err && strstr(err, "line 2, column") &&
	     ss.n == 0;
	if (!ok)
		printf("# %s\n", err);
	ld_snapshots_release(&ss);
	return ok;
}

static bool t_truncated(void)
{
	struct ld_snapshots ss;
	struct ld_snapshot *out;
	const char *full = tmp_path("full.json"), *cut = tmp_path("cut.json");
	char err[512], *text;
	bool ok;

	ld_snapshots_init(&ss);
	CHECK(ld_snapshot_save(seed_before(&ss), full, false, err, sizeof err) == 0);
	CHECK((text = read_file(full)));
	text[strlen(text) / 2] = '\0';
	ok = write_file(cut, text) &&
	     ld_snapshot_load(cut, &ss, &out, err, sizeof err) == -EINVAL &&
	     (strstr(err, "end of file") || strstr(err, "premature end of input")) &&
	     strstr(err, "line ") && ss.n == 1;
	if (!ok)
		printf("# %s\n", err);
	free(text);
	ld_snapshots_release(&ss);
	return ok;
}

static bool t_duplicate_keys(void)
{
	struct ld_snapshots ss;
	struct ld_snapshot *out;
	const char *path = tmp_path("dup.json");
	char err[512];
	bool ok;

	ld_snapshots_init(&ss);
	CHECK(write_file(path, "{\"format\": \"layoutdbg-snapshot\", "
			 "\"format\": \"x\"}"));
	ok = ld_snapshot_load(path, &ss, &out, err, sizeof err) == -EINVAL &&
	     strstr(err, "duplicate");
	if (!ok)
		printf("# %s\n", err);
	ld_snapshots_release(&ss);
	return ok;
}

static bool t_foreign(void)
{
	CHECK(rejects("{\"format\": \"x\"}",
		      "not a layoutdbg snapshot (format \"x\")"));
	CHECK(rejects("[1, 2]", "not a layoutdbg snapshot (expected a JSON object, "
		      "got an array)"));
	CHECK(rejects("{\"name\": \"x\"}", "not a layoutdbg snapshot (no \"format\")"));
	CHECK(rejects("{\"format\": 3}", "not a layoutdbg snapshot"));
	CHECK(rejects("{\"format\": \"layoutdbg-snapshot\", \"version\": 2}",
		      "version 2: this build reads version 1"));
	CHECK(rejects("{\"format\": \"layoutdbg-snapshot\"}", "version: missing"));
	return true;
}

static void drop_mappings(json_t *j) { json_object_del(j, "mappings"); }
static void drop_start(json_t *j) { json_object_del(mapping(j, 3), "start"); }
static void drop_start_hex(json_t *j)
{
	json_object_del(mapping(j, 3), "start_hex");
}
static void drop_frames(json_t *j)
{
	json_object_del(json_array_get(json_object_get(j, "threads"), 0),
			"frames");
}
static void drop_rip(json_t *j)
{
	json_object_del(json_object_get(json_array_get(
		json_object_get(j, "threads"), 0), "regs_hex"), "rip");
}

static bool t_missing_fields(void)
{
	CHECK(rejects_edit(drop_mappings, "mappings: missing"));
	CHECK(rejects_edit(drop_start, "mappings[3].start: missing"));
	CHECK(rejects_edit(drop_start_hex, "mappings[3].start_hex: missing"));
	CHECK(rejects_edit(drop_frames, "threads[0].frames: missing"));
	CHECK(rejects_edit(drop_rip, "threads[0].regs_hex.rip: missing"));
	return true;
}

static void start_string(json_t *j)
{
	json_object_set_new(mapping(j, 3), "start", json_string("0x1000"));
}
static void pid_string(json_t *j) { json_object_set_new(j, "pid", json_string("1")); }
static void aslr_int(json_t *j) { json_object_set_new(j, "aslr", json_integer(1)); }
static void path_null(json_t *j)
{
	json_object_set_new(mapping(j, 0), "path", json_null());
}
static void name_int(json_t *j) { json_object_set_new(j, "name", json_integer(4)); }
static void mapping_array(json_t *j)
{
	json_array_set_new(json_object_get(j, "mappings"), 5, json_array());
}
static void frame_func_real(json_t *j)
{
	json_t *fr = json_array_get(json_object_get(json_array_get(
		json_object_get(j, "threads"), 0), "frames"), 1);

	json_object_set_new(fr, "function", json_real(1.5));
}

static bool t_wrong_types(void)
{
	CHECK(rejects_edit(start_string,
			   "mappings[3].start: expected an integer, got a string"));
	CHECK(rejects_edit(pid_string, "pid: expected an integer, got a string"));
	CHECK(rejects_edit(aslr_int, "aslr: expected a boolean, got an integer"));
	CHECK(rejects_edit(path_null,
			   "mappings[0].path: expected a string, got null"));
	CHECK(rejects_edit(name_int,
			   "name: expected a string or null, got an integer"));
	CHECK(rejects_edit(mapping_array,
			   "mappings[5]: expected an object, got an array"));
	CHECK(rejects_edit(frame_func_real, "threads[0].frames[1].function: "
			   "expected a string or null, got a real number"));
	return true;
}

static void swap_2_3(json_t *j)
{
	json_t *a = json_object_get(j, "mappings");
	json_t *m2 = json_incref(json_array_get(a, 2));

	json_array_set(a, 2, json_array_get(a, 3));
	json_array_set_new(a, 3, m2);
}

static void overlap(json_t *j)
{
	json_t *m = mapping(j, 1);

	json_object_set_new(m, "start", json_integer(0x555555554800));
	json_object_set_new(m, "start_hex", json_string("0x555555554800"));
	json_object_set_new(m, "size", json_integer(0x1800));
	json_object_set_new(m, "size_hex", json_string("0x1800"));
}

static bool t_unsorted(void)
{
	CHECK(rejects_edit(swap_2_3, "mappings[3].start: 0x555555556000 below "
			   "the end of the previous mapping (0x555555558000)"));
	CHECK(rejects_edit(overlap, "mappings[1].start: 0x555555554800 below"));
	return true;
}

static const char *bad_perm;
static void set_perms(json_t *j)
{
	json_object_set_new(mapping(j, 0), "perms", json_string(bad_perm));
}

static bool t_bad_perms(void)
{
	static const char *const bad[] = { "rwzp", "rw", "r-xpp", "R-xp",
					   "r-x-", "" };
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		bad_perm = bad[i];
		CHECK(rejects_edit(set_perms, "mappings[0].perms: expected 4 "
				   "characters matching [r-][w-][x-][ps]"));
	}
	return true;
}

static void size_wrong(json_t *j)
{
	json_object_set_new(mapping(j, 2), "size", json_integer(0x2000));
	json_object_set_new(mapping(j, 2), "size_hex", json_string("0x2000"));
}
static void hex_disagrees(json_t *j)
{
	json_object_set_new(mapping(j, 2), "start", json_integer(0x1000));
}
static void end_below_start(json_t *j)
{
	json_t *m = mapping(j, 0);

	json_object_set_new(m, "end", json_integer(0x555555554000));
	json_object_set_new(m, "end_hex", json_string("0x555555554000"));
}
static void deleted_wrong(json_t *j)
{
	json_object_set_new(mapping(j, 0), "deleted", json_true());
}
static void bad_dev(json_t *j)
{
	json_object_set_new(mapping(j, 0), "dev", json_string("103-05"));
}
static void time_wrong(json_t *j)
{
	json_object_set_new(j, "time", json_string("2024-05-01T12:34:57.789Z"));
}
static void brk_below(json_t *j)
{
	json_t *b = json_object_get(j, "brk");

	json_object_set_new(b, "current", json_integer(0x1000));
	json_object_set_new(b, "current_hex", json_string("0x1000"));
}

static bool t_inconsistent(void)
{
	CHECK(rejects_edit(size_wrong, "mappings[2].size: 0x2000, but end - "
			   "start is 0x1000"));
	CHECK(rejects_edit(hex_disagrees, "mappings[2].start: 4096 disagrees "
			   "with start_hex 0x555555556000"));
	CHECK(rejects_edit(end_below_start, "mappings[0].end: 0x555555554000 "
			   "not above start 0x555555554000"));
	CHECK(rejects_edit(deleted_wrong, "mappings[0].deleted: true, but the "
			   "path does not end in \" (deleted)\""));
	CHECK(rejects_edit(bad_dev, "mappings[0].dev: expected MAJOR:MINOR"));
	CHECK(rejects_edit(time_wrong, "time: \"2024-05-01T12:34:57.789Z\" is "
			   "not time_ns"));
	CHECK(rejects_edit(brk_below, "brk.current: 0x1000 below start"));
	return true;
}

static void pid_huge(json_t *j)
{
	json_object_set_new(j, "pid", json_integer(1LL << 40));
}
static void start_null_small(json_t *j)
{
	json_object_set_new(mapping(j, 0), "start", json_null());
}
static void hex_long(json_t *j)
{
	json_object_set_new(mapping(j, 0), "start_hex",
			    json_string("0x10000000000000000"));
}
static void tid_negative(json_t *j)
{
	json_object_set_new(json_array_get(json_object_get(j, "threads"), 0),
			    "tid", json_integer(-1));
}
static void vsyscall_signed(json_t *j)
{
	/* The signed reinterpretation of 0xffffffffff600000: not accepted,
	 * null is the way to say "too big". */
	json_object_set_new(mapping(j, 21), "start", json_integer(-10485760));
}

static bool t_huge_numbers(void)
{
	CHECK(rejects_edit(pid_huge, "pid: 1099511627776 is out of range"));
	CHECK(rejects_edit(start_null_small, "mappings[0].start: null, but "
			   "start_hex is 0x555555554000"));
	CHECK(rejects_edit(hex_long, "mappings[0].start_hex: expected \"0x\" "
			   "and 1 to 16 hex digits"));
	CHECK(rejects_edit(tid_negative, "threads[0].tid: -1 is out of range"));
	CHECK(rejects_edit(vsyscall_signed, "mappings[21].start: -10485760 "
			   "disagrees"));
	return true;
}

static bool t_huge_literal(void)
{
	struct ld_snapshots ss;
	struct ld_snapshot *out;
	const char *path = tmp_path("huge.json");
	char err[512];
	bool ok;

	ld_snapshots_init(&ss);
	CHECK(write_file(path, "{\"format\": \"layoutdbg-snapshot\",\n"
			 " \"pid\": 18446744073709551615}\n"));
	ok = ld_snapshot_load(path, &ss, &out, err, sizeof err) == -EINVAL &&
	     strstr(err, "line 2") && strstr(err, "too big integer");
	if (!ok)
		printf("# %s\n", err);
	ld_snapshots_release(&ss);
	return ok;
}

static bool t_vsyscall_round_trip(void)
{
	struct ld_snapshots ss;
	struct ld_snapshot *s, *back;
	char err[256];
	json_t *j;
	bool ok;

	ld_snapshots_init(&ss);
	s = seed_before(&ss);
	s->threads[0].frames[2].pc = 0xffffffffff600400;
	j = ld_snapshot_to_json(s);
	CHECK(ld_snapshot_from_json(j, &ss, &back, err, sizeof err) == 0);
	ok = back->maps.v[21].start == 0xffffffffff600000 &&
	     back->maps.v[21].end == 0xffffffffff601000 &&
	     back->threads[0].regs.rax == (uint64_t)-38 &&
	     back->threads[0].regs.orig_rax == UINT64_MAX &&
	     back->threads[0].frames[2].pc == 0xffffffffff600400;
	json_decref(j);
	ld_snapshots_release(&ss);
	return ok;
}

static bool t_not_utf8(void)
{
	struct ld_snapshots ss;
	struct ld_snapshot *s, *back;
	const char *path = tmp_path("latin1.json");
	char err[256];
	json_t *j, *m;
	bool ok;

	ld_snapshots_init(&ss);
	s = seed_before(&ss);
	ld_path_unref(s->maps.v[6].path);
	s->maps.v[6].path = ld_path_intern("/opt/caf\xe9/libc.so.6", strlen("/opt/caf\xe9/libc.so.6"));
	CHECK((j = ld_snapshot_to_json(s)));
	m = mapping(j, 6);
	ok = !strcmp(json_string_value(json_object_get(m, "path")),
		     "/opt/caf\xef\xbf\xbd/libc.so.6") &&
	     !strcmp(json_string_value(json_object_get(m, "path_bytes")),
		     "2f6f70742f636166e92f6c6962632e736f2e36");
	json_decref(j);
	CHECK(ok);
	CHECK(ld_snapshot_save(s, path, false, err, sizeof err) == 0);
	CHECK(ld_snapshot_load(path, &ss, &back, err, sizeof err) == 0);
	ok = !strcmp(back->maps.v[6].path, "/opt/caf\xe9/libc.so.6");
	ld_snapshots_release(&ss);
	return ok;
}

static bool t_empty_snapshot(void)
{
	struct ld_snapshots ss;
	struct ld_snapshot *s, *back;
	char err[256];
	json_t *j1, *j2;
	bool ok;

	ld_snapshots_init(&ss);
	s = ld_snapshot_new(&ss, NULL);
	CHECK(s);
	/* One thread whose registers could not be read, with no frames. */
	CHECK((s->threads = calloc(1, sizeof *s->threads)));
	s->nthreads = 1;
	s->threads[0].tid = 7;
	j1 = ld_snapshot_to_json(s);
	CHECK(ld_snapshot_from_json(j1, &ss, &back, err, sizeof err) == 0);
	j2 = ld_snapshot_to_json(back);
	ok = json_is_null(json_object_get(j1, "exe")) &&
	     !json_object_del(j1, "id") && !json_object_del(j2, "id") &&
	     json_equal(j1, j2) && !back->exe && !back->maps.n &&
	     back->nthreads == 1 && !back->threads[0].regs_valid &&
	     !back->threads[0].nframes && !back->brk_valid;
	json_decref(j1);
	json_decref(j2);
	ld_snapshots_release(&ss);
	return ok;
}

static bool t_diff_json(void)
{
	struct ld_snapshots ss;
	struct ld_snap_diff d;
	json_t *j, *c, *t;
	bool ok;

	ld_snapshots_init(&ss);
	CHECK(ld_snap_diff(seed_before(&ss), seed_after(&ss), &d) == 0);
	j = ld_snap_diff_to_json(&d);
	CHECK(j);
	c = json_array_get(json_object_get(j, "changes"), 0);
	t = json_array_get(json_object_get(j, "threads"), 0);
	ok = !strcmp(json_string_value(json_object_get(j, "format")),
		     "layoutdbg-diff") &&
	     json_array_size(json_object_get(j, "changes")) == 1 &&
	     !strcmp(json_string_value(json_object_get(c, "kind")), "added") &&
	     json_is_null(json_object_get(c, "before")) &&
	     !strcmp(json_string_value(json_object_get(
		     json_object_get(c, "after"), "path")), "[heap]") &&
	     !json_object_get(c, "size_delta") &&
	     json_integer_value(json_object_get(json_object_get(j, "brk"),
						"delta")) == 0x21000 &&
	     !strcmp(json_string_value(json_object_get(
		     json_object_get(j, "a"), "label")), "before") &&
	     !strcmp(json_string_value(json_object_get(t, "state")), "present") &&
	     json_integer_value(json_object_get(t, "common")) == 3;
	json_decref(j);
	ld_snap_diff_release(&d);
	ld_snapshots_release(&ss);
	return ok;
}

/* ---- SVG and HTML ------------------------------------------------------------ */

/* Write with fn into a file; its text in *text (caller frees). */
static bool export_to(const char *name, int (*fn)(const struct ld_snapshot *,
						    FILE *),
		      const struct ld_snapshot *s, char **text)
{
	const char *path = tmp_path(name);
	FILE *f = fopen(path, "w");
	int rc;

	if (!f)
		return false;
	rc = fn(s, f);
	fclose(f);
	if (rc) {
		printf("# export returned %d\n", rc);
		return false;
	}
	*text = read_file(path);
	return *text != NULL;
}

static bool t_svg(void)
{
	struct ld_snapshots ss;
	char *svg = NULL;
	bool ok;

	ld_snapshots_init(&ss);
	CHECK(export_to("after.svg", ld_export_svg, seed_after(&ss), &svg));
	ok = strstr(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\"") &&
	     strstr(svg, ">[heap] \xc2\xb7 rw-p \xc2\xb7 132 KiB<") &&
	     strstr(svg, ">libc.so.6 \xc2\xb7 r-xp \xc2\xb7 1.6 MiB<") &&
	     strstr(svg, ">empty \xc2\xb7 r--p \xc2\xb7 4 KiB<") &&
	     strstr(svg, "program break 0x55555557a000") &&
	     strstr(svg, ">0x7ffff7da2000<") &&
	     strstr(svg, ">0xffffffffff600000<") &&
	     strstr(svg, "unmapped 100 KiB") &&
	     strstr(svg, "non-canonical hole") &&
	     strstr(svg, "breakpoint 1, main () at heap.cpp:10") &&
	     strstr(svg, "stack") && strstr(svg, "library code") &&
	     well_formed(tmp_path("after.svg"));
	free(svg);
	ld_snapshots_release(&ss);
	return ok;
}

static bool t_svg_escaping(void)
{
	struct ld_snapshots ss;
	struct ld_snapshot *s;
	char *svg = NULL;
	bool ok;

	ld_snapshots_init(&ss);
	s = seed_before(&ss);
	ld_path_unref(s->maps.v[6].path);
	s->maps.v[6].path = ld_path_intern("/tmp/a&b<c>\"d'e.so", strlen("/tmp/a&b<c>\"d'e.so"));
	ld_path_unref(s->maps.v[7].path);
	s->maps.v[7].path = ld_path_intern("/tmp/bad\xff\x01name.so", strlen("/tmp/bad\xff\x01name.so"));
	free(s->reason);
	s->reason = strdup("signal <SIGSEGV> & more");
	CHECK(export_to("escape.svg", ld_export_svg, s, &svg));
	ok = strstr(svg, "a&amp;b&lt;c&gt;&quot;d&#39;e.so") &&
	     !strstr(svg, "a&b") &&
	     strstr(svg, "bad\xef\xbf\xbd\xef\xbf\xbdname.so") &&
	     strstr(svg, "signal &lt;SIGSEGV&gt; &amp; more") &&
	     well_formed(tmp_path("escape.svg"));
	free(svg);
	ld_snapshots_release(&ss);
	return ok;
}

static bool t_svg_empty(void)
{
	struct ld_snapshots ss;
	char *svg = NULL;
	bool ok;

	ld_snapshots_init(&ss);
	CHECK(export_to("empty.svg", ld_export_svg, ld_snapshot_new(&ss, NULL),
			&svg));
	ok = strstr(svg, "</svg>") && !strstr(svg, "program break") &&
	     well_formed(tmp_path("empty.svg"));
	free(svg);
	ld_snapshots_release(&ss);
	return ok;
}

/* The text of the <g> element holding the label "needle", or NULL. */
static const char *group_of(const char *svg, const char *needle, char *buf,
			    size_t len)
{
	const char *hit = strstr(svg, needle), *start, *end;

	if (!hit)
		return NULL;
	for (start = hit; start > svg && strncmp(start, "<g ", 3); start--)
		;
	end = strstr(hit, "</g>");
	if (!end || (size_t)(end - start) >= len)
		return NULL;
	memcpy(buf, start, end - start);
	buf[end - start] = '\0';
	return buf;
}

static bool t_diff_svg(void)
{
	struct ld_snapshots ss;
	const char *path = tmp_path("diff.svg");
	char *svg, g[2048];
	FILE *f;
	bool ok;
	int rc;

	ld_snapshots_init(&ss);
	seed_before(&ss);
	seed_after(&ss);
	CHECK((f = fopen(path, "w")));
	rc = ld_export_diff_svg(ss.v[0], ss.v[1], f);
	fclose(f);
	CHECK(rc == 0 && (svg = read_file(path)));
	ok = group_of(svg, "[heap] \xc2\xb7", g, sizeof g) &&
	     strstr(g, "class=\"region added\"") &&
	     strstr(g, "fill=\"#43a047\"") && strstr(g, "\xc2\xb7 added<") &&
	     !strstr(svg, "region removed") && !strstr(svg, "region changed") &&
	     strstr(svg, "1 added, 0 removed, 0 changed") &&
	     strstr(svg, "program break 0x555555559000 \xe2\x86\x92 "
		    "0x55555557a000 (+132 KiB)") &&
	     strstr(svg, "A: snapshot %1 (before)") &&
	     strstr(svg, "B: snapshot %2") && well_formed(path);
	free(svg);
	ld_snapshots_release(&ss);
	return ok;
}

static bool t_diff_svg_changed(void)
{
	struct ld_snapshots ss;
	struct ld_snapshot *a, *b;
	const char *path = tmp_path("diff2.svg");
	char *svg, g[2048];
	FILE *f;
	bool ok;
	int rc;

	/* b: libc's r-xp made rw-p (perms), [vvar] unmapped (removed). */
	ld_snapshots_init(&ss);
	a = seed_before(&ss);
	b = seed_before(&ss);
	memcpy(b->maps.v[7].perms, "rw-p", 5);
	ld_path_unref(b->maps.v[13].path);
	memmove(&b->maps.v[13], &b->maps.v[14],
		(b->maps.n - 14) * sizeof b->maps.v[0]);
	b->maps.n--;
	CHECK((f = fopen(path, "w")));
	rc = ld_export_diff_svg(a, b, f);
	fclose(f);
	CHECK(rc == 0 && (svg = read_file(path)));
	ok = group_of(svg, "[vvar] \xc2\xb7", g, sizeof g) &&
	     strstr(g, "class=\"region removed\"") &&
	     group_of(svg, "libc.so.6 \xc2\xb7 r-xp", g, sizeof g) &&
	     strstr(g, "class=\"region changed\"") &&
	     group_of(svg, "libc.so.6 \xc2\xb7 rw-p \xc2\xb7 1.6 MiB", g,
		      sizeof g) &&
	     strstr(g, "class=\"region changed\"") &&
	     strstr(g, "\xc2\xb7 perms<") && well_formed(path);
	free(svg);
	ld_snapshots_release(&ss);
	return ok;
}

static bool t_html(void)
{
	struct ld_snapshots ss;
	char *html = NULL;
	bool ok;

	ld_snapshots_init(&ss);
	CHECK(export_to("after.html", ld_export_html, seed_after(&ss), &html));
	ok = !strncmp(html, "<!DOCTYPE html>", 15) &&
	     strstr(html, "<style>") && strstr(html, "<svg xmlns=") &&
	     !strstr(html, "<?xml") &&
	     strstr(html, "<td>/usr/lib/x86_64-linux-gnu/libc.so.6</td>") &&
	     strstr(html, "<td>[heap]</td>") &&
	     strstr(html, "__libc_start_call_main+128") &&
	     strstr(html, "program break: start 0x555555559000, now "
		    "0x55555557a000 (heap 132 KiB)") &&
	     !strstr(html, "<link") && !strstr(html, "src=") &&
	     !strstr(html, "href=") && !strstr(html, "url(") &&
	     well_formed(tmp_path("after.html"));
	free(html);
	ld_snapshots_release(&ss);
	return ok;
}

/* /dev/full fails every write with ENOSPC: the error must come back. */
static bool t_write_errors(void)
{
	struct ld_snapshots ss;
	struct ld_snapshot *s;
	char err[256];
	FILE *f;
	int rc;

	if (access("/dev/full", W_OK)) {
		tap_skip_reason = "no writable /dev/full";
		return true;
	}
	ld_snapshots_init(&ss);
	s = seed_after(&ss);
	/* a device is refused, unless forced; then its error is the cause */
	CHECK(ld_snapshot_save(s, "/dev/full", false, err, sizeof err) == -EINVAL);
	CHECK(!strcmp(err, "/dev/full: is a character device (--force writes to it)"));
	CHECK(ld_snapshot_save(s, "/dev/full", true, err, sizeof err) == -ENOSPC);
	CHECK(!strcmp(err, "/dev/full: No space left on device"));
	CHECK((f = fopen("/dev/full", "w")));
	rc = ld_export_svg(s, f);
	fclose(f);
	CHECK(rc == -ENOSPC);
	CHECK((f = fopen("/dev/full", "w")));
	rc = ld_export_html(s, f);
	fclose(f);
	CHECK(rc == -ENOSPC);
	ld_snapshots_release(&ss);
	return true;
}

int main(void)
{
	char cmd[256];

	if (!mkdtemp(tmpdir)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	run("json: fields and values", t_json_fields);
	run("json: round trip gives the same document", t_round_trip);
	run("json: loaded snapshot keeps its name, gets a new id", t_name_kept);
	run("json: save and load through a file", t_save_load);
	run("json: missing file, directory", t_load_errors);
	run("json: not JSON", t_not_json);
	run("json: truncated file", t_truncated);
	run("json: duplicate keys", t_duplicate_keys);
	run("json: foreign documents and versions", t_foreign);
	run("json: missing fields", t_missing_fields);
	run("json: wrong types", t_wrong_types);
	run("json: unsorted and overlapping mappings", t_unsorted);
	run("json: bad perms", t_bad_perms);
	run("json: inconsistent fields", t_inconsistent);
	run("json: numbers out of range", t_huge_numbers);
	run("json: integer literal beyond int64", t_huge_literal);
	run("json: addresses above INT64_MAX round-trip", t_vsyscall_round_trip);
	run("json: path not in UTF-8 round-trips", t_not_utf8);
	run("json: empty snapshot", t_empty_snapshot);
	run("json: diff of the seed (heap added)", t_diff_json);
	run("svg: labels, gaps, program break, well-formed", t_svg);
	run("svg: text is escaped", t_svg_escaping);
	run("svg: empty snapshot", t_svg_empty);
	run("svg: diff marks the heap added", t_diff_svg);
	run("svg: diff marks removed and changed", t_diff_svg_changed);
	run("html: self-contained page", t_html);
	run("write errors are returned", t_write_errors);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (!getenv("LD_TEST_KEEP") && system(cmd) != 0)
		printf("# could not remove %s\n", tmpdir);
	return tap_done();
}
