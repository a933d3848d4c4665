/* Finding an object's separate debug file: libdwfl's standard search
 * (build ID under the debug directory, then .gnu_debuglink next to the
 * object, in its .debug/ and under DIR/<objdir>/, CRC checked), then
 * debuginfod (libdebuginfod, its own cache), then MiniDebugInfo. */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <elfutils/debuginfod.h>
#include <elfutils/libdwfl.h>

#include "layoutdbg/debugsrc.h"
#include "layoutdbg/error.h"
#include "elf_int.h"

#define MINI_MAX (256u << 20)	/* a MiniDebugInfo larger than this is bogus */

static char debug_dir[PATH_MAX] = "/usr/lib/debug";
static enum ld_debuginfod_mode dmode = LD_DEBUGINFOD_ASK;
static struct ld_debug_hooks hooks;
static debuginfod_client *client;
/* libdebuginfod, loaded on the first download allowed: linked, it brings
 * libcurl with its TLS, Kerberos and LDAP libraries into every start
 * (some 5 MiB of memory and their relocation). */
static struct {
	bool tried;
	debuginfod_client *(*begin)(void);
	void (*set_progressfn)(debuginfod_client *, debuginfod_progressfn_t);
	int (*find_debuginfo)(debuginfod_client *, const unsigned char *, int,
			      char **);
} dl;
static const char *downloading;	/* the object a download is for */

void ld_debug_set_dir(const char *dir)
{
	snprintf(debug_dir, sizeof debug_dir, "%s", dir);
}

const char *ld_debug_dir(void)
{
	return debug_dir;
}

void ld_debuginfod_set_mode(enum ld_debuginfod_mode m)
{
	dmode = m;
}

enum ld_debuginfod_mode ld_debuginfod_mode(void)
{
	return dmode;
}

const char *ld_debuginfod_mode_name(enum ld_debuginfod_mode m)
{
	return m == LD_DEBUGINFOD_ON ? "on" : m == LD_DEBUGINFOD_OFF ? "off" : "ask";
}

void ld_debug_set_hooks(const struct ld_debug_hooks *h)
{
	if (h)
		hooks = *h;
	else
		memset(&hooks, 0, sizeof hooks);
}

const char *ld_syms_from_name(enum ld_syms_from f)
{
	switch (f) {
	case LD_SYMS_NONE: return "none";
	case LD_SYMS_OWN: return "own";
	case LD_SYMS_MINIDEBUGINFO: return "minidebuginfo";
	case LD_SYMS_BUILD_ID: return "build-id";
	case LD_SYMS_DEBUGLINK: return "debuglink";
	case LD_SYMS_DEBUGINFOD: return "debuginfod";
	}
	return "?";
}

bool ld_debug_names_on(void)
{
	static int on = -1;

	if (on < 0) {
		const char *v = getenv("LAYOUTDBG_DEBUG_NAMES");

		on = !(v && !strcmp(v, "off"));
	}
	return on;
}

void ld_debug_file_release(struct ld_debug_file *d)
{
	ld_elf_free(d->elf);
	free(d->path);
	memset(d, 0, sizeof *d);
}

/* Open what was found; one warning when it cannot be read. */
static bool adopt(struct ld_debug_file *d, const char *path, const char *shown,
		  enum ld_syms_from from)
{
	char err[256];

	if (ld_elf_open(path, &d->elf, err, sizeof err) < 0) {
		ld_warn("%s: %s; its symbols are not used", shown, err);
		d->elf = NULL;
		return false;
	}
	d->path = strdup(shown);
	if (!d->path) {
		ld_elf_free(d->elf);
		d->elf = NULL;
		return false;
	}
	d->from = from;
	d->has_dwarf = ld_elf_has_debug_info(d->elf);
	return true;
}

/* libdwfl's finder for one file, debuginfod kept out of it (that is ours,
 * below, so that `set debuginfod enabled` rules it).  A malloc'd path or
 * NULL. */
static char *dwfl_find(const char *path)
{
	static const Dwfl_Callbacks base = {
		.find_elf = dwfl_build_id_find_elf,
		.find_debuginfo = dwfl_standard_find_debuginfo,
	};
	char *urls = getenv("DEBUGINFOD_URLS"), *saved = urls ? strdup(urls) : NULL;
	char search[PATH_MAX + 16], *sp = search, *found = NULL;
	const char *main_file, *dbg = NULL;
	Dwfl_Callbacks cb = base;
	Dwfl_Module *mod;
	Dwarf_Addr bias;
	Dwfl *dwfl;

	/* + : CRC checked; "" the object's dir, .debug under it, then DIR */
	snprintf(search, sizeof search, "+:.debug%s%s", debug_dir[0] ? ":" : "",
		 debug_dir);
	cb.debuginfo_path = &sp;
	if (!(dwfl = dwfl_begin(&cb))) {
		free(saved);
		return NULL;
	}
	unsetenv("DEBUGINFOD_URLS");
	dwfl_report_begin(dwfl);
	mod = dwfl_report_elf(dwfl, "obj", path, -1, 0, false);
	dwfl_report_end(dwfl, NULL, NULL);
	if (mod) {
		if (!dwfl_module_getdwarf(mod, &bias))
			dwfl_module_getsymtab(mod);
		dwfl_module_info(mod, NULL, NULL, NULL, NULL, NULL, &main_file, &dbg);
		if (dbg && strcmp(dbg, path))
			found = strdup(dbg);
	}
	dwfl_end(dwfl);
	if (saved)
		setenv("DEBUGINFOD_URLS", saved, 1);
	free(saved);
	return found;
}

/* DIR/.build-id/xx/rest.debug of e, into buf; false without a build ID. */
static bool build_id_path(const struct ld_elf *e, char *buf, size_t len)
{
	uint8_t id[64];
	size_t n = ld_elf_build_id(e, id, sizeof id), i;
	size_t at;

	if (n < 2 || n > sizeof id || !debug_dir[0])
		return false;
	at = (size_t)snprintf(buf, len, "%s/.build-id/%02x/", debug_dir, id[0]);
	for (i = 1; i < n && at + 3 < len; i++)
		at += (size_t)snprintf(buf + at, len - at, "%02x", id[i]);
	return at + 7 < len && snprintf(buf + at, len - at, ".debug") > 0;
}

static int progress(debuginfod_client *c, long done, long total)
{
	(void)c;
	if (hooks.progress && downloading)
		hooks.progress(downloading, done, total);
	return 0;
}

static bool debuginfod_allowed(void)
{
	const char *urls = getenv("DEBUGINFOD_URLS");

	if (!urls || !*urls)
		return false;
	if (dmode == LD_DEBUGINFOD_ASK)
		dmode = hooks.ask && hooks.ask(urls) ? LD_DEBUGINFOD_ON : LD_DEBUGINFOD_OFF;
	return dmode == LD_DEBUGINFOD_ON;
}

static bool load_libdebuginfod(void)
{
	void *h;

	if (!dl.tried) {
		dl.tried = true;
		h = dlopen("libdebuginfod.so.1", RTLD_NOW | RTLD_LOCAL);
		if (h) {
			*(void **)&dl.begin = dlsym(h, "debuginfod_begin");
			*(void **)&dl.set_progressfn = dlsym(h, "debuginfod_set_progressfn");
			*(void **)&dl.find_debuginfo = dlsym(h, "debuginfod_find_debuginfo");
		}
		if (!h || !dl.begin || !dl.set_progressfn || !dl.find_debuginfo)
			ld_warn("libdebuginfod.so.1: %s; no downloads",
				h ? "incomplete" : dlerror());
	}
	return dl.begin && dl.set_progressfn && dl.find_debuginfo;
}

static bool from_debuginfod(struct ld_elf *own, const char *path,
			    struct ld_debug_file *d)
{
	uint8_t id[64];
	size_t n = ld_elf_build_id(own, id, sizeof id);
	char *file = NULL;
	int fd;
	bool ok;

	if (n < 2 || n > sizeof id || !debuginfod_allowed())
		return false;
	if (!load_libdebuginfod() || (!client && !(client = dl.begin())))
		return false;
	dl.set_progressfn(client, progress);
	downloading = path;
	fd = dl.find_debuginfo(client, id, (int)n, &file);
	if (hooks.progress)
		hooks.progress(path, -1, 0);
	downloading = NULL;
	if (fd < 0)
		return false;
	close(fd);
	ok = adopt(d, file, file, LD_SYMS_DEBUGINFOD);
	free(file);
	return ok;
}

/* Decompress .gnu_debugdata (an xz stream holding an ELF) into a memfd. */
static int unxz_to_memfd(const uint8_t *in, size_t inlen)
{
	lzma_stream st = LZMA_STREAM_INIT;
	uint8_t out[65536];
	lzma_ret r;
	int fd = memfd_create("minidebuginfo", MFD_CLOEXEC);
	size_t total = 0;

	if (fd < 0)
		return -1;
	if (lzma_stream_decoder(&st, UINT64_MAX, 0) != LZMA_OK) {
		close(fd);
		return -1;
	}
	st.next_in = in;
	st.avail_in = inlen;
	do {
		st.next_out = out;
		st.avail_out = sizeof out;
		r = lzma_code(&st, LZMA_FINISH);
		total += sizeof out - st.avail_out;
		if ((r != LZMA_OK && r != LZMA_STREAM_END) || total > MINI_MAX ||
		    write(fd, out, sizeof out - st.avail_out) < 0)
			r = LZMA_DATA_ERROR;
	} while (r == LZMA_OK);
	lzma_end(&st);
	if (r != LZMA_STREAM_END) {
		close(fd);
		return -1;
	}
	return fd;
}

static bool from_minidebuginfo(struct ld_elf *own, const char *path,
			       struct ld_debug_file *d)
{
	const struct ld_section *s = ld_elf_section_by_name(own, ".gnu_debugdata");
	Elf_Scn *scn;
	Elf_Data *data;
	char proc[64];
	int fd;
	bool ok;

	if (!s || !(scn = elf_getscn(own->elf, s->index)) ||
	    !(data = elf_getdata(scn, NULL)) || !data->d_buf)
		return false;
	if ((fd = unxz_to_memfd(data->d_buf, data->d_size)) < 0) {
		ld_warn("%s: .gnu_debugdata is not an xz stream; its symbols are "
			"not used", path);
		return false;
	}
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
	ok = adopt(d, proc, path, LD_SYMS_MINIDEBUGINFO);
	if (ok) {
		free(d->path);
		d->path = strdup("");
	}
	close(fd);
	return ok && d->path;
}

/* A build-ID file libdwfl would not take: say why when it is not a
 * readable ELF file (another build's file it rejects quietly, as gdb). */
static void complain(const char *path)
{
	struct ld_elf *e;
	char err[256];

	if (ld_elf_open(path, &e, err, sizeof err) < 0)
		ld_warn("%s: %s; its symbols are not used", path, err);
	else
		ld_elf_free(e);
}

/* DIR/.build-id/xx/rest.debug when it is there with the same build ID:
 * what libdwfl's search finds first, without its opening the file's
 * DWARF (which inflates every compressed .debug_* section) only to tell
 * us its name. */
static bool by_build_id(struct ld_elf *own, const char *bid, struct ld_debug_file *d)
{
	uint8_t a[64], b[64];
	size_t n = ld_elf_build_id(own, a, sizeof a);
	struct ld_elf *e;
	char err[256];

	if (n < 2 || n > sizeof a || access(bid, R_OK) ||
	    ld_elf_open(bid, &e, err, sizeof err) < 0)
		return false;
	if (ld_elf_build_id(e, b, sizeof b) != n || memcmp(a, b, n) ||
	    !(d->path = strdup(bid))) {
		ld_elf_free(e);
		return false;
	}
	d->elf = e;
	d->from = LD_SYMS_BUILD_ID;
	d->has_dwarf = ld_elf_has_debug_info(e);
	return true;
}

void ld_debug_find(struct ld_elf *own, const char *path, struct ld_debug_file *d)
{
	char bid[PATH_MAX], *found;
	bool have_bid;

	memset(d, 0, sizeof *d);
	if (ld_elf_has_debug_info(own)) {
		d->from = LD_SYMS_OWN;
		return;
	}
	have_bid = build_id_path(own, bid, sizeof bid);
	if (have_bid && by_build_id(own, bid, d))
		return;
	if ((found = dwfl_find(path))) {
		bool ok = adopt(d, found, found, strstr(found, "/.build-id/") ?
				LD_SYMS_BUILD_ID : LD_SYMS_DEBUGLINK);

		free(found);
		if (ok)
			return;
	} else if (have_bid && !access(bid, F_OK)) {
		complain(bid);
	}
	if (from_debuginfod(own, path, d) || from_minidebuginfo(own, path, d))
		return;
	d->from = ld_elf_has_symtab(own) || ld_elf_nsections(own) ? LD_SYMS_OWN
								  : LD_SYMS_NONE;
}
