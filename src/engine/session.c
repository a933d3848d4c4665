/* Session state: loading a program, maps/objects caches, memory, unwinding.
 * The floor under run control (infrun.c and its neighbours) and snapshot
 * capture (capture.c): nothing here calls up into them. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "layoutdbg/elfread.h"
#include "layoutdbg/error.h"
#include "layoutdbg/inlframes.h"
#include "layoutdbg/session.h"
#include "layoutdbg/source.h"

void ld_session_init(struct ld_session *s)
{
	int i;

	memset(s, 0, sizeof *s);
	ld_stop_cache_init(&s->cache);
	ld_objs_init(&s->live.objs);
	ld_bps_init(&s->live.bps);
	ld_bps_watch_maps(&s->live.bps, &s->cache.maps);
	ld_snapshots_init(&s->recording.snaps);
	ld_timeline_init(&s->recording.timeline);
	s->program.args = calloc(1, sizeof *s->program.args);
	s->settings.emulate = true;
	s->settings.cpu_pinning = true;
	s->settings.vmmap_resident = true;
	s->settings.snapshot_pages = true;
	s->settings.print_layout = true;
	s->settings.frame_args = LD_FA_SCALARS;
	s->live.tty = isatty(STDIN_FILENO) && tcgetpgrp(STDIN_FILENO) == getpgrp() ?
		 STDIN_FILENO : -1;
	for (i = 1; i < 65; i++) {
		s->settings.handle_pass[i] = true;
		s->settings.handle_stop[i] = true;
	}
	/* gdb's defaults: these belong to the debugger, not the program. */
	s->settings.handle_pass[SIGINT] = false;
	s->settings.handle_pass[SIGTRAP] = false;
	s->settings.handle_stop[SIGALRM] = s->settings.handle_stop[SIGCHLD] = false;
	s->settings.handle_stop[SIGWINCH] = s->settings.handle_stop[SIGURG] = false;
	s->settings.handle_stop[SIGPROF] = s->settings.handle_stop[SIGIO] = false;
}

static void free_args(char **args)
{
	size_t i;

	for (i = 0; args && args[i]; i++)
		free(args[i]);
	free(args);
}

void ld_program_set_args(struct ld_session *s, char **args)
{
	free_args(s->program.args);
	s->program.args = args;
}

void ld_select_thread(struct ld_session *s, pid_t tid)
{
	s->live.cur_tid = tid;
	s->live.frame = 0;
}

void ld_select_frame(struct ld_session *s, int level)
{
	s->live.frame = level;
}

void ld_trace_memory(struct ld_session *s, int until, bool until_exit)
{
	s->recording.trace_until = until;
	if (until_exit) /* until the process ends (a new run clears it) */
		s->recording.trace_until_exit = true;
	s->recording.tracing = true;
}

void ld_session_release(struct ld_session *s)
{
	ld_elf_free(s->program.exe);
	free(s->program.exe_path);
	ld_lines_free(s->program.exe_lines);
	free_args(s->program.args);
	ld_stop_cache_release(&s->cache);
	ld_objs_release(&s->live.objs);
	ld_history_release(&s->live.history);
	ld_conv_release(&s->live.conv);
	ld_bps_release(&s->live.bps);
	ld_snapshots_release(&s->recording.snaps);
	ld_timeline_release(&s->recording.timeline);
	ld_unwinder_free(s->live.unw);
	s->live.unw = NULL;
	ld_stop_report_release(&s->live.last_stop);
}

/* Find PROGRAM the way a shell would when it has no slash: in PATH, but
 * the current directory first (as gdb does). */
static char *locate(const char *path)
{
	const char *p = getenv("PATH");
	char buf[PATH_MAX];

	char *full;

	if (strchr(path, '/') || access(path, F_OK) == 0 || !p) {
		full = realpath(path, NULL);
		return full ? full : strdup(path);
	}
	while (*p) {
		size_t n = strcspn(p, ":");

		snprintf(buf, sizeof buf, "%.*s/%s", (int)n, n ? p : ".", path);
		if (access(buf, X_OK) == 0)
			return realpath(buf, NULL);
		p += n + (p[n] == ':');
	}
	return strdup(path);
}

static const char *elf_type_name(unsigned type)
{
	switch (type) {
	case 0: return "ELF type 0, ET_NONE";
	case 1: return "a relocatable object file, ELF type 1";
	case 4: return "a core file, ELF type 4";
	default: return "ELF type unknown";
	}
}

int ld_session_file(struct ld_session *s, const char *path)
{
	char err[512], *full = locate(path);
	struct ld_elf *e = NULL;
	struct stat st;

	if (!full)
		return ld_error("%s: %s", path, strerror(ENOMEM));
	if (stat(full, &st) == 0 && S_ISDIR(st.st_mode)) {
		free(full);
		return ld_error("%s: is a directory", path);
	}
	if (ld_elf_open(full, &e, err, sizeof err) < 0) {
		free(full);
		return ld_error("%s: %s", path, err);
	}
	if (ld_elf_type(e) != 2 /* ET_EXEC */ && ld_elf_type(e) != 3 /* ET_DYN */) {
		/* the type is read before the ELF is freed */
		unsigned type = ld_elf_type(e);

		ld_elf_free(e);
		free(full);
		return ld_error("%s: not an executable (%s)", path, elf_type_name(type));
	}
	if (!ld_elf_first_load(e)) {
		ld_elf_free(e);
		free(full);
		return ld_error("%s: not an executable (no loadable segment)", path);
	}
	if (access(full, X_OK) != 0)
		ld_warn("%s: not executable (%s); `run` will fail", path,
			strerror(errno));
	ld_objs_unlend(&s->live.objs);
	/* values typed by the old program's DWARF */
	ld_history_forget_foreign(&s->live.history, NULL);
	ld_conv_forget_typed(&s->live.conv, NULL);
	ld_elf_free(s->program.exe);
	free(s->program.exe_path);
	ld_lines_free(s->program.exe_lines);
	s->program.exe_lines = NULL;
	s->program.exe_lines_failed = false;
	ld_source_flush();
	s->program.exe = e;
	s->program.exe_path = full;
	return 0;
}

int ld_session_file_as(struct ld_session *s, const char *path, const char *name)
{
	char *copy = strdup(name);

	if (!copy)
		return ld_error("%s: %s", name, strerror(ENOMEM));
	if (ld_session_file(s, path) < 0) {
		free(copy);
		return -1;
	}
	free(s->program.exe_path);
	s->program.exe_path = copy;
	return 0;
}

const struct ld_maps *ld_session_maps(struct ld_session *s)
{
	char err[256];
	int r;

	if (!s->live.proc)
		return NULL;
	if (s->cache.maps_gen == s->cache.gen && s->cache.maps.n)
		return &s->cache.maps;
	ld_maps_release(&s->cache.maps);
	r = ld_maps_read(ld_proc_mem_tid(s->live.proc), &s->cache.maps, err, sizeof err);
	if (r == -EINVAL) {
		ld_error("/proc/%d/maps: %s", (int)s->live.proc->pid, err);
		return NULL;
	}
	if (r < 0) {
		ld_error("/proc/%d/maps: %s", (int)s->live.proc->pid, strerror(-r));
		return NULL;
	}
	s->cache.maps_gen = s->cache.gen;
	return &s->cache.maps;
}

static char *exe_of(pid_t pid)
{
	char path[64], buf[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof path, "/proc/%d/exe", (int)pid);
	n = readlink(path, buf, sizeof buf - 1);
	if (n <= 0)
		return NULL;
	buf[n] = 0;
	/* The link of a replaced file reads "PATH (deleted)". */
	if (n > 10 && !strcmp(buf + n - 10, " (deleted)"))
		buf[n - 10] = 0;
	return strdup(buf);
}

static int scan_objects(struct ld_session *s, const struct ld_maps *m)
{
	char *exe = exe_of(ld_proc_mem_tid(s->live.proc));
	int r;

	r = ld_objs_scan(&s->live.objs, ld_proc_mem_tid(s->live.proc), m, exe ? exe : s->program.exe_path,
			 ld_auxv_get(ld_proc_mem_tid(s->live.proc), 7 /* AT_BASE */));
	free(exe);
	if (r < 0)
		return ld_error("reading the loaded objects: %s", strerror(-r));
	/* what `break` read before `run` serves the process too */
	ld_objs_lend(&s->live.objs, s->program.exe_path, s->program.exe,
		     s->program.exe_lines);
	return 0;
}

int ld_session_rescan(struct ld_session *s)
{
	const struct ld_maps *m = ld_session_maps(s);

	if (!m)
		return -1;
	return scan_objects(s, m);
}

int ld_session_rescan_files(struct ld_session *s)
{
	struct ld_maps files;
	int r;

	if (!s->live.proc || (s->cache.maps_gen == s->cache.gen && s->cache.maps.n))
		return ld_session_rescan(s);
	ld_maps_init(&files);
	r = ld_maps_read_files(ld_proc_mem_tid(s->live.proc), &files);
	/* a kernel before 6.11, or a stranger failure that the whole
	 * list's read reports in its words */
	if (r == 0)
		r = scan_objects(s, &files);
	else
		r = ld_session_rescan(s);
	ld_maps_release(&files);
	return r;
}

struct ld_thread *ld_session_thread(struct ld_session *s)
{
	struct ld_thread *t;

	if (!s->live.proc) {
		ld_error("no process: the program is not being run");
		return NULL;
	}
	t = ld_proc_thread(s->live.proc, s->live.cur_tid);
	if (!t || t->state == LD_T_GONE) {
		size_t i;

		for (i = 0; i < s->live.proc->nthreads; i++) {
			if (s->live.proc->threads[i].state != LD_T_GONE) {
				s->live.cur_tid = s->live.proc->threads[i].tid;
				return &s->live.proc->threads[i];
			}
		}
		ld_error("no live thread in process %d", (int)s->live.proc->pid);
		return NULL;
	}
	return t;
}

int ld_session_read(struct ld_session *s, uint64_t addr, void *buf, size_t len)
{
	int r;

	if (!s->live.proc)
		return -ESRCH;
	r = ld_mem_read(s->live.cur_tid ? s->live.cur_tid : ld_proc_mem_tid(s->live.proc), addr, buf, len);
	if (!r)
		ld_bp_shadow(&s->live.bps, addr, buf, len);
	return r;
}

/* How many of the want bytes from link-time addr the program file's
 * allocated sections hold without a gap (gdb reads the executable's
 * sections, not the ELF header its first segment also maps; .bss reads
 * as zeros). */
size_t ld_session_file_readable(struct ld_session *s, uint64_t addr, size_t want)
{
	const struct ld_elf *e = s->program.exe;
	size_t got = 0;

	while (e && got < want) {
		const struct ld_section *sc = ld_elf_section_at(e, addr + got);

		if (!sc)
			break;
		got = sc->addr + sc->size - addr < want ?
		      (size_t)(sc->addr + sc->size - addr) : want;
	}
	return got;
}

int ld_session_read_any(struct ld_session *s, uint64_t addr, void *buf, size_t len)
{
	if (s->live.proc || !s->program.exe)
		return ld_session_read(s, addr, buf, len);
	if (ld_session_file_readable(s, addr, len) < len)
		return -EIO;
	return ld_elf_read_at(s->program.exe, addr, buf, len);
}

const char *ld_session_symbolize(struct ld_session *s, uint64_t addr,
				 char *buf, size_t len)
{
	const struct ld_symbol *es;
	struct ld_obj *ob;
	const char *sym = NULL;
	uint64_t off = 0;

	/* before `run`: the program file's symbols, link-time addresses */
	if (!s->live.proc && s->program.exe && (es = ld_elf_symbol_at(s->program.exe, addr, &off)))
		sym = es->display;
	if (sym || (s->live.proc && ld_objs_symbolize(&s->live.objs, addr, &ob, &sym, &off))) {
		if (off)
			snprintf(buf, len, "%s+%llu", sym, (unsigned long long)off);
		else
			snprintf(buf, len, "%s", sym);
	} else {
		snprintf(buf, len, "??");
	}
	return buf;
}

/* start_brk is field 47 of /proc/PID/stat (proc(5)); the comm field may
 * hold spaces and parentheses, so count from the last ')'. */
int ld_session_start_brk(pid_t pid, uint64_t *start_brk)
{
	char path[64], buf[4096], *p;
	unsigned long long v = 0;
	int field = 2, fd;
	ssize_t n;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = 0;
	p = strrchr(buf, ')');
	if (!p)
		return -EIO;
	for (p++; *p && field < 47; p++)
		if (*p == ' ')
			field++;
	if (field != 47 || sscanf(p, "%llu", &v) != 1)
		return -EIO;
	*start_brk = v;
	return 0;
}

static struct ld_unwinder *unwinder(struct ld_session *s)
{
	if (!s->live.unw && (s->live.unw = ld_unwinder_new()))
		ld_unwinder_set_lookup(s->live.unw, ld_objs_cfi, &s->live.objs);
	return s->live.unw;
}

/* A return address outside executable memory means the unwinder has left
 * the real stack (a thread that has not run yet, a corrupt frame): the
 * frames from there on are not believed.  The count believed. */
static int believed(struct ld_session *s, const struct ld_frame *f, int n)
{
	const struct ld_maps *m = n > 1 ? ld_session_maps(s) : NULL;
	const struct ld_map *mp = NULL;
	int i;

	for (i = 1; m && i < n; i++) {
		/* a recursion returns into the same mapping frame after frame */
		if (!mp || f[i].pc - 1 < mp->start || f[i].pc - 1 >= mp->end)
			mp = ld_maps_find(m, f[i].pc - 1);
		if (!mp || mp->perms[2] != 'x')
			return i;
	}
	return n;
}

/* gdb's `set backtrace past-main off`: the stack a user sees ends at
 * the program's main, so the C library's start-up frames below it are
 * neither shown nor looked up (their debug information is the biggest
 * the program loads).  The count up to main, or n when main is not on
 * the stack (a thread of its own, a stop before main). */
static int upto_main(struct ld_session *s, const struct ld_frame *f, int n)
{
	struct ld_obj *exe = NULL;
	const struct ld_symbol *sym;
	struct ld_elf *e;
	uint64_t lo;
	size_t i;
	int k;

	for (i = 0; i < s->live.objs.n && !exe; i++)
		if (s->live.objs.v[i].is_exe)
			exe = &s->live.objs.v[i];
	if (!exe || !(e = ld_obj_elf(exe)) || !(sym = ld_elf_lookup_any(e, "main")))
		return n;
	lo = sym->value + exe->bias;
	for (k = 0; k < n; k++) {
		uint64_t look = k ? f[k].pc - 1 : f[k].pc;

		if (look >= lo && look < lo + (sym->size ? sym->size : 1))
			return k + 1;
	}
	return n;
}

void ld_session_forget_stacks(struct ld_session *s)
{
	ld_stop_cache_invalidate(&s->cache);
}

/* The unwinder reads the registers from the kernel: a pc staged at a
 * breakpoint hit (ld_tregs_stage) is written first. */
static void regs_to_kernel(struct ld_session *s, pid_t tid)
{
	struct ld_thread *t = s->live.proc ? ld_proc_thread(s->live.proc, tid) : NULL;

	if (t)
		ld_tregs_flush(t);
}

int ld_session_unwind(struct ld_session *s, pid_t tid, struct ld_frame *f,
		      size_t max)
{
	int n;

	if (!unwinder(s))
		return -ENOMEM;
	regs_to_kernel(s, tid);
	n = ld_unwind(s->live.unw, tid, f, max);
	return n > 1 ? believed(s, f, n) : n;
}

int ld_session_stack_ref(struct ld_session *s, pid_t tid, size_t max,
			 const struct ld_frames **out)
{
	const struct ld_frames *kept = ld_stop_cache_stack(&s->cache, tid, max);
	struct ld_frames fs = { 0 };
	int n;

	if (!kept) {
		if (!unwinder(s))
			return -ENOMEM;
		s->cache.unwinds++;
		regs_to_kernel(s, tid);
		n = ld_unwind_frames(s->live.unw, tid, &fs, max);
		if (n > 1)
			fs.n = (size_t)(n = believed(s, fs.v, n));
		if (n > 1 && !s->settings.past_main)
			fs.n = (size_t)(n = upto_main(s, fs.v, n));
		if (n > 0)
			n = ld_inline_expand(&s->live.objs, &fs, max,
					     tid == s->cache.inline_tid ?
					     s->cache.inline_skip : -1);
		if (n >= 0 && !(kept = ld_stop_cache_keep(&s->cache, tid, max, &fs)))
			n = -ENOMEM;
		ld_frames_release(&fs);         /* nothing left when kept */
		if (n < 0)
			return n;
	}
	*out = kept;
	return (int)(kept->n < max ? kept->n : max);
}

int ld_session_stack(struct ld_session *s, pid_t tid, size_t max,
		     struct ld_frames *fs)
{
	const struct ld_frames *kept;
	int n = ld_session_stack_ref(s, tid, max, &kept);

	if (n >= 0 && ld_frames_copy(fs, kept, (size_t)n) < 0)
		return -ENOMEM;
	return n;
}

int ld_session_frame_info(struct ld_session *s, const struct ld_frame *f,
			  bool caller, struct ld_snap_frame *sf)
{
	/* A return address points after the call: look up pc - 1 so a
	 * call at a function's end names the caller. */
	uint64_t look;
	const struct ld_symbol *sym;
	struct ld_line row;
	struct ld_obj *ob;
	int inl;

	/* frames of the innermost real frame (inlined copies) are where the
	 * thread is */
	caller = caller && !f->in_frame0;
	look = caller ? f->pc - 1 : f->pc;
	memset(sf, 0, sizeof *sf);
	sf->pc = f->pc;
	sf->sp = f->sp;
	sf->cfa = f->cfa;
	sf->fp_guess = f->fp_guess;
	inl = ld_inline_frame_info(&s->live.objs, f, look, sf);
	if (inl < 0)
		return inl;
	sym = ld_objs_symbol_at(&s->live.objs, look, &ob, &sf->off);
	if (sym && !sf->inlined) {
		const char *name;

		/* the name gdb gives it (DWARF's, where there is one) */
		if (!ld_objs_symbolize(&s->live.objs, look, &ob, &name, &sf->off))
			name = sym->display;
		if (!(sf->func = strdup(name)))
			return -ENOMEM;
		if (strcmp(sym->name, name) && !(sf->linkage = strdup(sym->name)))
			return -ENOMEM;
		if (caller)
			sf->off++;
	}
	if (sf->inlined)
		sf->off = 0;	/* no symbol of its own */
	if (ob && !(sf->obj = strdup(ob->path)))
		return -ENOMEM;
	if (!sf->at_call && ld_objs_line_at(&s->live.objs, look, &row)) {
		if (!(sf->file = strdup(ld_source_shortname(row.file))))
			return -ENOMEM;
		sf->line = row.line;
	}
	return 0;
}

int ld_session_frames(struct ld_session *s, struct ld_thread *t,
		      struct ld_snap_thread *st, size_t inner, size_t outer)
{
	const struct ld_frames *fs;
	size_t depth, i;
	int n, r = 0;

	st->tid = t->tid;
	st->num = t->num;
	st->regs_valid = ld_tregs(t, &st->regs) == 0;
	n = ld_session_stack_ref(s, t->tid, SIZE_MAX, &fs);
	if (n <= 0)
		return n == -ENOMEM ? n : 0;
	depth = (size_t)n;
	if (inner + outer >= depth) {
		inner = depth;
		outer = 0;
	}
	st->frames = calloc(inner + outer, sizeof *st->frames);
	if (!st->frames)
		return -ENOMEM;
	st->depth = depth;
	st->ninner = inner;
	for (i = 0; i < inner + outer && r == 0; i++) {
		/* levels 0..inner-1, then depth-outer..depth-1 */
		size_t level = i < inner ? i : depth - outer + (i - inner);

		r = ld_session_frame_info(s, &fs->v[level], level > 0, &st->frames[i]);
		st->nframes = i + 1;
	}
	return r;
}

struct ld_lines *ld_session_exe_lines(struct ld_session *s)
{
	char err[256];

	if (s->program.exe_lines || s->program.exe_lines_failed || !s->program.exe_path)
		return s->program.exe_lines;
	if (ld_lines_open(s->program.exe_path, &s->program.exe_lines, err, sizeof err) < 0) {
		s->program.exe_lines = NULL;
		s->program.exe_lines_failed = true;
	}
	return s->program.exe_lines;
}

const char *ld_default_source(struct ld_session *s)
{
	static char file[4096];
	struct ld_line row;
	const struct ld_symbol *main_sym;
	struct ld_lines *l;

	if (s->live.proc) {
		struct ld_frames fs = { 0 };
		struct ld_thread *t = ld_proc_thread(s->live.proc, s->live.cur_tid);
		int n = t ? ld_session_stack(s, t->tid, (size_t)s->live.frame + 1, &fs) : 0;
		/* (an inlined frame of frame 0 is where the thread is) */
		bool found = n > s->live.frame &&
			     ld_objs_line_at(&s->live.objs, fs.v[s->live.frame].pc -
					     (s->live.frame > 0 && !fs.v[s->live.frame].in_frame0),
					     &row);

		ld_frames_release(&fs);
		if (found) {
			snprintf(file, sizeof file, "%s", row.file);
			return file;
		}
	}
	l = ld_session_exe_lines(s);
	main_sym = s->program.exe ? ld_elf_lookup_any(s->program.exe, "main") : NULL;
	if (l && main_sym && ld_lines_at(l, main_sym->value, &row)) {
		snprintf(file, sizeof file, "%s", row.file);
		return file;
	}
	return NULL;
}
