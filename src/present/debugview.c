/* Where symbols come from, as gdb shows it: info sharedlibrary, the
 * debuginfod question and its downloads. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "layoutdbg/debugview.h"
#include "layoutdbg/cmddoc.h"
#include "layoutdbg/json.h"
#include "layoutdbg/jsonout.h"
#include "layoutdbg/output.h"

bool ld_ask_debuginfod(const char *urls)
{
	char line[64] = "", copy[4096], *tok, *save = NULL;
	bool yes;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return false;
	snprintf(copy, sizeof copy, "%s", urls);
	ld_out("This layoutdbg supports auto-downloading debuginfo from the "
	       "following URLs:\n");
	for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		ld_out("  <%s>\n", tok);
	ld_out("Enable debuginfod for this session? (y or [n]) ");
	fflush(stdout);
	if (!fgets(line, sizeof line, stdin))
		line[0] = '\0';
	yes = line[0] == 'y' || line[0] == 'Y';
	ld_out("Debuginfod has been %s.\nTo make this setting permanent, add "
	       "'set debuginfod enabled %s' to .layoutdbgrc.\n",
	       yes ? "enabled" : "disabled", yes ? "on" : "off");
	return yes;
}

void ld_show_download(const char *object, long done, long total)
{
	static bool shown;

	if (done < 0) {
		if (shown)
			fputc('\n', stderr);
		shown = false;
		return;
	}
	(void)total;
	if (!shown)
		fprintf(stderr, "Downloading separate debug info for %s...", object);
	shown = true;
	fflush(stderr);
}

/* gdb's From and To: the runtime bounds of the object's .text. */
static void text_bounds(const struct ld_obj *ob, uint64_t *lo, uint64_t *hi)
{
	const struct ld_section *t = ob->elf ? ld_elf_section_by_name(ob->elf, ".text")
					     : NULL;

	*lo = t ? t->addr + ob->bias : ob->lo;
	*hi = t ? t->addr + t->size + ob->bias : ob->hi;
}

static bool has_dwarf(const struct ld_obj *ob)
{
	return ob->dbg.has_dwarf || (ob->elf && ld_elf_has_debug_info(ob->elf));
}

static const char *syms_read(const struct ld_obj *ob)
{
	return !ob->elf ? "No" : has_dwarf(ob) ? "Yes" : "Yes (*)";
}

static json_t *objects_json(const struct ld_objs *objs)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < objs->n; i++) {
		const struct ld_obj *ob = &objs->v[i];
		json_t *o = json_object();
		uint64_t lo, hi;

		text_bounds(ob, &lo, &hi);
		ld_json_put_text(o, "path", ob->path);
		ld_json_put_u64(o, "from", ob->lo);
		ld_json_put_u64(o, "to", ob->hi);
		ld_json_put_u64(o, "bias", ob->bias);
		ld_jset(o, "executable", json_boolean(ob->is_exe));
		ld_jset(o, "interpreter", json_boolean(ob->is_interp));
		ld_json_put_text(o, "name", ob->lm_name ? ob->lm_name : ob->path);
		ld_json_put_u64(o, "text_from", lo);
		ld_json_put_u64(o, "text_to", hi);
		ld_jset(o, "syms_read", json_boolean(ob->elf != NULL));
		ld_jset(o, "debug_info", json_boolean(has_dwarf(ob)));
		ld_jset(o, "symbols_from", json_string(ld_syms_from_name(ob->dbg.from)));
		if (ob->dbg.path && ob->dbg.path[0])
			ld_json_put_text(o, "debug_file", ob->dbg.path);
		json_array_append_new(arr, o);
	}
	return arr;
}

/* gdb lists the dynamic linker first (it knows it before the link map)
 * and then the link map's objects in its order. */
static void library_rows(const struct ld_objs *objs, bool interp, bool *star)
{
	size_t i;

	for (i = 0; i < objs->n; i++) {
		const struct ld_obj *ob = &objs->v[i];
		uint64_t lo, hi;

		if (ob->is_exe || ob->is_interp != interp ||
		    (!interp && !ob->lm_name))
			continue;
		text_bounds(ob, &lo, &hi);
		ld_out("0x%016" PRIx64 "  0x%016" PRIx64 "  %-12s%s\n", lo, hi,
		       syms_read(ob), ob->lm_name ? ob->lm_name : ob->path);
		*star |= ob->elf && !has_dwarf(ob);
	}
}

int ld_show_objects(const struct ld_objs *objs)
{
	bool star = false;
	size_t i;

	if (ld_json_on())
		return ld_emit_doc("info sharedlibrary", "objects", objects_json(objs));
	ld_out("%-20s%-20s%-12s%s\n", "From", "To", "Syms Read", "Shared Object Library");
	library_rows(objs, true, &star);
	library_rows(objs, false, &star);
	if (star)
		ld_out("(*): Shared library is missing debugging information.\n");
	ld_out("\n");
	for (i = 0; i < objs->n; i++) {
		const struct ld_obj *ob = &objs->v[i];
		const char *from = ob->elf ? ld_syms_from_name(ob->dbg.from) : "none";

		ld_out("Symbols of %s: %s%s%s\n", ob->path, from,
		       ob->dbg.path && ob->dbg.path[0] ? " " : "",
		       ob->dbg.path ? ob->dbg.path : "");
	}
	return 0;
}
