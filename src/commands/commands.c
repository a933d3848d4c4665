/* The command table and the commands of the core. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/commands.h"
#include "layoutdbg/error.h"
#include "layoutdbg/heapcmd.h"
#include "layoutdbg/heapjson.h"
#include "layoutdbg/heaptext.h"
#include "layoutdbg/html.h"
#include "layoutdbg/infrun.h"
#include "layoutdbg/jsonout.h"
#include "layoutdbg/output.h"
#include "layoutdbg/pagescmd.h"
#include "layoutdbg/render.h"
#include "layoutdbg/safefile.h"
#include "layoutdbg/script.h"
#include "layoutdbg/resident.h"
#include "layoutdbg/snapfile.h"
#include "layoutdbg/snapjson.h"
#include "layoutdbg/snapload.h"
#include "layoutdbg/source.h"
#include "layoutdbg/stop.h"
#include "layoutdbg/svg.h"
#include "layoutdbg/tlrender.h"
#include "layoutdbg/views.h"

/* Preconditions, checked once by the dispatcher. */
#define NEED_PROC  0x1   /* a live, stopped process */
#define NEED_FILE  0x2   /* a program loaded */

struct cmd {
	const char *name;
	const char *aliases;   /* space-separated */
	unsigned flags;
	int (*fn)(struct ld_session *s, char *args);
	const char *usage;
	const char *summary;
};

static const struct cmd commands[];
static const struct cmd info_cmds[];
static const struct cmd set_cmds[];

/* ---- argument helpers ----------------------------------------------- */

static char *skip_ws(char *p)
{
	while (isspace((unsigned char)*p))
		p++;
	return p;
}

static void trim_end(char *p)
{
	size_t n = strlen(p);

	while (n && isspace((unsigned char)p[n - 1]))
		p[--n] = 0;
}

/* Next word of args (moved past it), or NULL at the end. */
static char *next_word(char **args)
{
	char *p = skip_ws(*args), *w;

	if (!*p)
		return NULL;
	w = p;
	while (*p && !isspace((unsigned char)*p))
		p++;
	if (*p)
		*p++ = 0;
	*args = p;
	return w;
}

static int parse_uint(const char *what, const char *w, unsigned long max,
		      unsigned long *out)
{
	char *end;

	errno = 0;
	if (!w || !*w || *w == '-')
		return ld_error("%s: expected a number, got \"%s\"", what, w ? w : "");
	*out = strtoul(w, &end, 0);
	if (errno || *end || *out > max)
		return ld_error("%s: \"%s\" is not a number from 0 to %lu", what, w,
				max);
	return 0;
}

/* Split a command line into words the way a shell would for simple cases:
 * blanks separate, '...' and "..." quote, backslash escapes. */
static char **split_args(const char *line)
{
	size_t cap = 8, n = 0, len = strlen(line);
	char **v = calloc(cap, sizeof *v), *buf;
	const char *p = line;

	if (!v)
		return NULL;
	buf = malloc(len + 1);
	if (!buf) {
		free(v);
		return NULL;
	}
	for (;;) {
		char *o = buf, q = 0;
		bool any = false;

		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		while (*p && (q || !isspace((unsigned char)*p))) {
			if (q && *p == q)
				q = 0, p++;
			else if (!q && (*p == '\'' || *p == '"'))
				q = *p++;
			else if (*p == '\\' && p[1] && q != '\'')
				p++, *o++ = *p++;
			else
				*o++ = *p++;
			any = true;
		}
		*o = 0;
		if (any) {
			if (n + 2 > cap) {
				char **nv = realloc(v, (cap *= 2) * sizeof *v);

				if (!nv)
					break;
				v = nv;
			}
			v[n++] = strdup(buf);
			v[n] = NULL;
		}
	}
	free(buf);
	return v;
}

static void free_words(char **v)
{
	size_t i;

	for (i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/* --json: the document {"command": CMD, KEY: V} (V stolen). */
static int emit(const char *cmd, const char *key, json_t *v)
{
	json_t *d = ld_jdoc(cmd);

	if (ld_jset(d, key, v) < 0) {
		json_decref(d);
		d = NULL;
	}
	return ld_emit_json(d);
}

/* ---- process control ------------------------------------------------ */

static int set_args_from(struct ld_session *s, const char *args)
{
	char **v = split_args(args);

	if (!v)
		return ld_error("set args: %s", strerror(ENOMEM));
	free_words(s->args);
	s->args = v;
	return 0;
}

static int cmd_run(struct ld_session *s, char *args)
{
	if (*skip_ws(args) && set_args_from(s, args) < 0)
		return -1;
	return ld_run(s, false);
}

static int cmd_start(struct ld_session *s, char *args)
{
	if (*skip_ws(args) && set_args_from(s, args) < 0)
		return -1;
	return ld_run(s, true);
}

static int cmd_kill(struct ld_session *s, char *args)
{
	return ld_kill(s);
}

static int cmd_attach(struct ld_session *s, char *args)
{
	unsigned long pid;
	char *w = next_word(&args);

	if (!w)
		return ld_error("attach: a process id is needed");
	if (parse_uint("attach", w, INT_MAX, &pid) < 0)
		return -1;
	return ld_attach(s, (pid_t)pid);
}

static int cmd_detach(struct ld_session *s, char *args)
{
	return ld_detach(s);
}

static int cmd_continue(struct ld_session *s, char *args)
{
	unsigned long n = 1;
	char *w = next_word(&args);

	if (w && parse_uint("continue", w, UINT_MAX, &n) < 0)
		return -1;
	return ld_continue(s, (unsigned)n);
}

static int cmd_stepi(struct ld_session *s, char *args)
{
	unsigned long n = 1;
	char *w = next_word(&args);

	if (w && (parse_uint("stepi", w, UINT_MAX, &n) < 0))
		return -1;
	if (!n)
		return 0;
	return ld_stepi(s, (unsigned)n);
}

static int cmd_finish(struct ld_session *s, char *args)
{
	return ld_finish(s);
}

static int cmd_file(struct ld_session *s, char *args)
{
	char *w;

	trim_end(args);
	w = skip_ws(args);
	if (!*w)
		return ld_error("file: a program is needed");
	if (s->proc)
		return ld_error("file: process %d is being debugged; `kill` or "
				"`detach` first", (int)s->proc->pid);
	if (ld_session_file(s, w) < 0)
		return -1;
	ld_out("Reading symbols from %s...\n", s->exe_path);
	return 0;
}

/* ---- breakpoints ---------------------------------------------------- */

static int cmd_break(struct ld_session *s, char *args)
{
	trim_end(args);
	return ld_break(s, skip_ws(args), false);
}

static int cmd_tbreak(struct ld_session *s, char *args)
{
	trim_end(args);
	return ld_break(s, skip_ws(args), true);
}

/* Apply fn to each breakpoint number in args (all when none). */
static int each_bp(struct ld_session *s, char *args, const char *what,
		   int (*fn)(struct ld_session *, struct ld_bp *, void *), void *arg)
{
	unsigned long n;
	int rc = 0;
	char *w;
	size_t i;

	if (!*skip_ws(args)) {
		for (i = s->bps.n; i-- > 0;)
			if (s->bps.v[i]->num && fn(s, s->bps.v[i], arg) < 0)
				rc = -1;
		return rc;
	}
	while ((w = next_word(&args))) {
		struct ld_bp *bp;

		if (parse_uint(what, w, INT_MAX, &n) < 0) {
			rc = -1;
			continue;
		}
		bp = ld_bp_by_num(&s->bps, (int)n);
		if (!bp) {
			rc = ld_error("%s: no breakpoint number %lu", what, n);
			continue;
		}
		if (fn(s, bp, arg) < 0)
			rc = -1;
	}
	return rc;
}

static int do_delete(struct ld_session *s, struct ld_bp *bp, void *arg)
{
	return ld_delete_bp(s, bp);
}

static int do_enable(struct ld_session *s, struct ld_bp *bp, void *arg)
{
	return ld_enable_bp(s, bp, *(bool *)arg);
}

static int cmd_delete(struct ld_session *s, char *args)
{
	return each_bp(s, args, "delete", do_delete, NULL);
}

static int cmd_enable(struct ld_session *s, char *args)
{
	bool on = true;

	return each_bp(s, args, "enable", do_enable, &on);
}

static int cmd_disable(struct ld_session *s, char *args)
{
	bool on = false;

	return each_bp(s, args, "disable", do_enable, &on);
}

static int cmd_ignore(struct ld_session *s, char *args)
{
	unsigned long num, count;
	char *w1 = next_word(&args), *w2 = next_word(&args);
	struct ld_bp *bp;

	if (!w1 || !w2)
		return ld_error("ignore: usage: ignore N COUNT");
	if (parse_uint("ignore", w1, INT_MAX, &num) < 0 ||
	    parse_uint("ignore", w2, UINT_MAX, &count) < 0)
		return -1;
	bp = ld_bp_by_num(&s->bps, (int)num);
	if (!bp)
		return ld_error("ignore: no breakpoint number %lu", num);
	bp->ignore = (unsigned)count;
	if (count)
		ld_out("Will ignore next %lu crossings of breakpoint %lu.\n", count,
		       num);
	else
		ld_out("Will stop next time breakpoint %lu is reached.\n", num);
	return 0;
}

static int info_breakpoints(struct ld_session *s, char *args)
{
	if (ld_json_on())
		return emit("info breakpoints", "breakpoints",
			    ld_json_breakpoints(&s->bps));
	ld_render_breakpoints(stdout, &s->bps);
	return 0;
}

/* ---- looking at the process ----------------------------------------- */

static int info_proc_mappings(struct ld_session *s, char *args)
{
	const struct ld_maps *m = ld_session_maps(s);
	size_t i;

	if (!m)
		return -1;
	if (ld_json_on()) {
		json_t *d = ld_jdoc("info proc mappings");

		ld_jset(d, "pid", json_integer(s->proc->pid));
		return ld_emit_json(ld_jset(d, "mappings", ld_json_mappings(m)) < 0 ?
				    (json_decref(d), NULL) : d);
	}
	ld_out("process %d\nMapped address spaces:\n\n", (int)s->proc->pid);
	ld_render_gdb_mappings(stdout, m);
	ld_out("\n/proc/%d/maps at the same stop:\n", (int)s->proc->pid);
	for (i = 0; i < m->n; i++)
		ld_render_maps_line(stdout, &m->v[i]);
	fflush(stdout);
	return 0;
}

static int info_proc(struct ld_session *s, char *args)
{
	char *w = next_word(&args);

	if (!w || !strcmp(w, "mappings"))
		return info_proc_mappings(s, args);
	if (!strcmp(w, "smaps") || !strcmp(w, "smaps_rollup"))
		return ld_cmd_info_proc_smaps(s, args, w[5] == '_');
	return ld_error("info proc %s: unknown; try `info proc mappings`, "
			"`info proc smaps` or `info proc smaps_rollup`", w);
}

static int info_registers(struct ld_session *s, char *args)
{
	struct ld_thread *t = ld_session_thread(s);
	char *want = next_word(&args);
	ld_regs r;
	size_t i, shown = 0;
	int e;

	if (!t)
		return -1;
	if ((e = ld_regs_get(t->tid, &r)))
		return ld_error("info registers: thread %d: %s", (int)t->tid,
				strerror(-e));
	if (ld_json_on()) {
		json_t *d = ld_jdoc("info registers"), *regs = ld_json_registers(&r);

		/* info registers REG: that one only, as in text */
		if (want && regs) {
			const char *name = want[0] == '$' ? want + 1 : want;
			json_t *one = json_object(), *v = json_object_get(regs, name);
			char hex[64];

			snprintf(hex, sizeof hex, "%s_hex", name);
			if (!v) {
				json_decref(one);
				json_decref(regs);
				json_decref(d);
				return ld_error("info registers: no register \"%s\"", want);
			}
			json_object_set(one, name, v);
			json_object_set(one, hex, json_object_get(regs, hex));
			json_decref(regs);
			regs = one;
		}
		ld_jset(d, "tid", json_integer(t->tid));
		ld_jset(d, "thread", json_integer(t->num));
		ld_jset(d, "registers", regs);
		return ld_emit_json(d);
	}
	for (i = 0; i < ld_nregs; i++) {
		uint64_t v = ld_reg_value(&r, &ld_reg_descs[i]);
		const char *name = ld_reg_descs[i].name;

		if (want && strcmp(want, name) && !(want[0] == '$' && !strcmp(want + 1, name)))
			continue;
		if (!strcmp(name, "rip")) {
			char sym[256];

			ld_out("%-15s0x%-18" PRIx64 "0x%" PRIx64 " <%s>\n", name, v, v,
			       ld_session_symbolize(s, v, sym, sizeof sym));
		} else if (!strcmp(name, "rsp") || !strcmp(name, "rbp")) {
			ld_out("%-15s0x%-18" PRIx64 "0x%" PRIx64 "\n", name, v, v);
		} else {
			ld_out("%-15s0x%-18" PRIx64 "%" PRId64 "\n", name, v, (int64_t)v);
		}
		shown++;
	}
	if (want && !shown)
		return ld_error("info registers: no register \"%s\"", want);
	return 0;
}

static const char *thread_name(pid_t pid, pid_t tid, char *buf, size_t len)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/task/%d/comm", (int)pid, (int)tid);
	buf[0] = 0;
	if ((f = fopen(path, "r"))) {
		if (fgets(buf, (int)len, f))
			buf[strcspn(buf, "\n")] = 0;
		fclose(f);
	}
	return buf;
}

static int info_threads(struct ld_session *s, char *args)
{
	json_t *arr = ld_json_on() ? json_array() : NULL;
	size_t i;

	ld_out("  %-4s %-26s %s\n", "Id", "Target Id", "Frame");
	for (i = 0; i < s->proc->nthreads; i++) {
		struct ld_thread *t = &s->proc->threads[i];
		char name[64], target[96], where[512];
		ld_regs r;

		if (t->state == LD_T_GONE)
			continue;
		snprintf(target, sizeof target, "LWP %d \"%s\"", (int)t->tid,
			 thread_name(s->proc->pid, t->tid, name, sizeof name));
		if (ld_regs_get(t->tid, &r))
			snprintf(where, sizeof where, "(running)");
		else
			ld_describe_pc(s, r.rip, where, sizeof where);
		ld_out("%c %-4d %-26s %s\n", t->tid == s->cur_tid ? '*' : ' ', t->num,
		       target, where);
		if (arr) {
			json_t *o = json_pack("{s:i, s:i, s:s, s:b, s:s}", "num", t->num,
					      "tid", t->tid, "name", name, "current",
					      t->tid == s->cur_tid, "frame", where);

			if (ld_regs_get(t->tid, &r) == 0)
				ld_json_put_u64(o, "pc", r.rip);
			json_array_append_new(arr, o);
		}
	}
	if (arr)
		return emit("info threads", "threads", arr);
	return 0;
}

static int cmd_thread(struct ld_session *s, char *args)
{
	char *w = next_word(&args), where[512];
	unsigned long n;
	size_t i;
	ld_regs r;

	if (!w) {
		struct ld_thread *t = ld_session_thread(s);

		if (t)
			ld_out("[Current thread is %d (LWP %d)]\n", t->num, (int)t->tid);
		return t ? 0 : -1;
	}
	if (parse_uint("thread", w, INT_MAX, &n) < 0)
		return -1;
	for (i = 0; i < s->proc->nthreads; i++) {
		struct ld_thread *t = &s->proc->threads[i];

		if (t->num != (int)n || t->state == LD_T_GONE)
			continue;
		s->cur_tid = t->tid;
		s->frame = 0;
		ld_out("[Switching to thread %d (LWP %d)]\n", t->num, (int)t->tid);
		if (ld_regs_get(t->tid, &r) == 0)
			ld_out("#0  %s\n", ld_describe_pc(s, r.rip, where, sizeof where));
		return 0;
	}
	return ld_error("thread %lu: no such thread (see `info threads`)", n);
}

/* Frames of the selected thread, at most max of them (SIZE_MAX: all):
 * their count, or -1 after an error was printed. */
static int cur_stack(struct ld_session *s, const char *what, size_t max,
		     struct ld_frames *fs)
{
	struct ld_thread *t = ld_session_thread(s);
	int n;

	if (!t)
		return -1;
	n = ld_session_stack(s, t->tid, max, fs);
	if (n < 0 && n != -ESRCH)
		return ld_error("%s: %s", what, strerror(-n));
	if (n <= 0)
		return ld_error("cannot unwind thread %d (LWP %d)", t->num, (int)t->tid);
	return n;
}

/* Frame `level` of fs (symbolized) as text or as a JSON object; JSON
 * NULL when memory is short. */
static int show_frame(struct ld_session *s, const struct ld_frames *fs,
		      size_t level, json_t **json)
{
	struct ld_snap_frame sf;
	int r = ld_session_frame_info(s, &fs->v[level], level > 0, &sf);

	if (r == 0 && json) {
		json_t *one = ld_json_frames(&sf, 1);

		*json = one ? json_array_get(one, 0) : NULL;
		json_incref(*json);
		json_decref(one);
		r = *json ? 0 : -ENOMEM;
	} else if (r == 0) {
		ld_render_frame(stdout, (int)level, &sf, s->exe_path);
	}
	ld_snap_frame_release(&sf);
	return r;
}

static int backtrace_json(struct ld_session *s, const struct ld_frames *fs,
			  size_t from, size_t to)
{
	json_t *d = ld_jdoc("backtrace"), *arr = json_array(), *fr;
	size_t i;

	ld_jset(d, "tid", json_integer(s->cur_tid));
	ld_jset(d, "thread", json_integer(ld_session_thread(s)->num));
	for (i = from; arr && i < to; i++) {
		if (show_frame(s, fs, i, &fr) < 0 || json_array_append_new(arr, fr)) {
			json_decref(arr);
			json_decref(d);
			return ld_error("backtrace: %s", strerror(ENOMEM));
		}
	}
	ld_jset(d, "frames", arr);
	ld_jset(d, "more", json_boolean(to < fs->n));
	ld_jset(d, "depth", json_integer((json_int_t)fs->n));
	ld_jset(d, "from", json_integer((json_int_t)from));
	return ld_emit_json(d);
}

/* `backtrace [full] [N|-N]`, as gdb: N the innermost N frames, -N the
 * outermost N; every frame, however deep the stack, without a count. */
static int cmd_backtrace(struct ld_session *s, char *args)
{
	struct ld_frames fs = { 0 };
	unsigned long count = ULONG_MAX;
	bool outermost = false;
	char *w = next_word(&args);
	size_t from = 0, to, i;
	int n, r = 0;

	if (w && (!strcmp(w, "full") || !strcmp(w, "-full")))
		w = next_word(&args);
	if (w && w[0] == '-' && isdigit((unsigned char)w[1])) {
		outermost = true;
		w++;
	}
	if (w && parse_uint("backtrace", w, INT_MAX, &count) < 0)
		return -1;
	n = cur_stack(s, "backtrace", SIZE_MAX, &fs);
	if (n < 0)
		return -1;
	to = fs.n;
	if (outermost && count < fs.n)
		from = fs.n - count;
	else if (!outermost && count < fs.n)
		to = count;
	if (ld_json_on()) {
		r = backtrace_json(s, &fs, from, to);
	} else {
		for (i = from; i < to && r == 0; i++)
			r = show_frame(s, &fs, i, NULL);
		if (r < 0)
			r = ld_error("backtrace: %s", strerror(-r));
		else if (to < fs.n)
			ld_out("(More stack frames follow...)\n");
		fflush(stdout);
	}
	ld_frames_release(&fs);
	return r;
}

/* Select frame `level` of the selected thread and show it; negative:
 * below the innermost. */
static int select_frame(struct ld_session *s, long level)
{
	struct ld_frames fs = { 0 };
	json_t *fr = NULL;
	int n, rc;

	if (level < 0)
		return ld_error("frame: bottom (innermost) frame selected; you cannot "
				"go down");
	/* the frames up to level and the one above (which gives level's
	 * CFA): a deeper unwind is not needed */
	n = cur_stack(s, "frame", (size_t)level + 2, &fs);
	if (n < 0)
		return -1;
	if ((size_t)level >= fs.n) {
		ld_frames_release(&fs);
		return ld_error("frame %ld: no frame at level %ld (the stack has %d "
				"frames)", level, level, n);
	}
	rc = show_frame(s, &fs, (size_t)level, ld_json_on() ? &fr : NULL);
	ld_frames_release(&fs);
	if (rc < 0)
		return ld_error("frame: %s", strerror(-rc));
	s->frame = (int)level;
	if (fr) {
		json_t *d = ld_jdoc("frame");

		ld_jset(d, "level", json_integer(level));
		ld_jset(d, "frame", fr);
		return ld_emit_json(d);
	}
	fflush(stdout);
	return 0;
}

static int cmd_frame(struct ld_session *s, char *args)
{
	unsigned long n = (unsigned long)s->frame;
	char *w = next_word(&args);

	if (w && parse_uint("frame", w, INT_MAX, &n) < 0)
		return -1;
	return select_frame(s, (long)n);
}

static int cmd_up(struct ld_session *s, char *args)
{
	unsigned long n = 1;
	char *w = next_word(&args);

	if (w && parse_uint("up", w, INT_MAX, &n) < 0)
		return -1;
	return select_frame(s, s->frame + (long)n);
}

static int cmd_down(struct ld_session *s, char *args)
{
	unsigned long n = 1;
	char *w = next_word(&args);

	if (w && parse_uint("down", w, INT_MAX, &n) < 0)
		return -1;
	return select_frame(s, s->frame - (long)n);
}

/* `info frame` of frame k of f[0..n). */
static int frame_report(struct ld_session *s, const struct ld_frame *f, int n,
			int k)
{
	char sym[256];

	if (ld_json_on()) {
		json_t *d = ld_jdoc("info frame"), *saved = json_object();

		ld_jset(d, "level", json_integer(k));
		ld_json_put_u64(d, "cfa", f[k].cfa);
		ld_json_put_u64(d, "pc", f[k].pc);
		if (k + 1 < n)
			ld_json_put_u64(d, "saved_pc", f[k + 1].pc);
		if (k + 1 < n && f[k + 1].cfa)
			ld_json_put_u64(d, "caller_cfa", f[k + 1].cfa);
		if (k > 0)
			ld_json_put_u64(d, "callee_cfa", f[k - 1].cfa);
		if (f[k].rbp_at)
			ld_json_put_u64(saved, "rbp", f[k].rbp_at);
		if (f[k].rip_at)
			ld_json_put_u64(saved, "rip", f[k].rip_at);
		ld_jset(d, "saved_registers", saved);
		return ld_emit_json(d);
	}
	ld_out("Stack level %d, frame at 0x%" PRIx64 ":\n", k, f[k].cfa);
	{
		struct ld_obj *ob;
		const char *name;
		uint64_t off;

		/* gdb names the function only, without the offset. */
		if (!ld_objs_symbolize(&s->objs, k ? f[k].pc - 1 : f[k].pc, &ob,
				       &name, &off))
			name = "??";
		snprintf(sym, sizeof sym, "%s", name);
	}
	ld_out(" rip = 0x%" PRIx64 " in %s", f[k].pc, sym);
	if (k + 1 < n)
		ld_out("; saved rip = 0x%" PRIx64 "\n", f[k + 1].pc);
	else
		ld_out("\n");
	if (k + 1 < n && f[k + 1].cfa)
		ld_out(" called by frame at 0x%" PRIx64 "\n", f[k + 1].cfa);
	if (k > 0)
		ld_out(" caller of frame at 0x%" PRIx64 "\n", f[k - 1].cfa);
	/* With a frame pointer, rbp was pushed right below the return
	 * address and points at itself: the frame base gdb reports. */
	if (f[k].rbp_at && f[k].rbp_at + 8 == f[k].rip_at)
		ld_out(" Arglist at 0x%" PRIx64 ", args:\n Locals at 0x%" PRIx64
		       ", Previous frame's sp is 0x%" PRIx64 "\n",
		       f[k].rbp_at, f[k].rbp_at, f[k].cfa);
	else
		ld_out(" Arglist at unknown address.\n Locals at unknown address,"
		       " Previous frame's sp is 0x%" PRIx64 "\n", f[k].cfa);
	if (f[k].rbp_at || f[k].rip_at) {
		ld_out(" Saved registers:\n ");
		if (f[k].rbp_at)
			ld_out(" rbp at 0x%" PRIx64 "%s", f[k].rbp_at,
			       f[k].rip_at ? "," : "");
		if (f[k].rip_at)
			ld_out(" rip at 0x%" PRIx64, f[k].rip_at);
		ld_out("\n");
	}
	return 0;
}

/* The end of the program's data (its last PT_LOAD's memsz: .bss and any
 * NOBITS after it), where the kernel puts start_brk for a program with
 * an interpreter (fs/binfmt_elf.c, elf_brk).  0 when not known; *apart
 * is set for static-pie (ET_DYN without PT_INTERP), whose break the
 * kernel puts at ELF_ET_DYN_BASE instead, away from the program. */
static uint64_t data_end(struct ld_session *s, bool *apart)
{
	uint64_t end = 0;
	size_t i, k;

	*apart = false;
	for (i = 0; i < s->objs.n; i++) {
		struct ld_obj *ob = &s->objs.v[i];
		struct ld_elf *e = ob->is_exe ? ld_obj_elf(ob) : NULL;

		if (e)
			*apart = ld_elf_type(e) == 3 /* ET_DYN */ && !ld_elf_interp(e);
		for (k = 0; e && k < ld_elf_nsegments(e); k++) {
			const struct ld_segment *g = ld_elf_segment(e, k);

			if (g->type == 1 /* PT_LOAD */ && ob->bias + g->vaddr + g->memsz > end)
				end = ob->bias + g->vaddr + g->memsz;
		}
	}
	return end;
}

/* How start_brk relates to the end of .bss, in words: a gap above it
 * normally; below it (never an unsigned wrap) when the kernel put the
 * heap elsewhere. */
static void bss_relation(uint64_t bss_end, uint64_t start, bool apart)
{
	char h[32];

	if (start >= bss_end) {
		ld_out("end of .bss    0x%" PRIx64 "  (gap to start_brk: 0x%" PRIx64
		       ", %s)\n", bss_end, start - bss_end,
		       ld_human_size(start - bss_end, h, sizeof h));
		return;
	}
	ld_out("end of .bss    0x%" PRIx64 "  (start_brk is 0x%" PRIx64 " (%s) "
	       "below it: %s)\n", bss_end, bss_end - start,
	       ld_human_size(bss_end - start, h, sizeof h),
	       apart ? "static-pie, so the kernel put the heap at "
		       "ELF_ET_DYN_BASE, apart from the program"
		     : "the heap is not placed after the program's data");
}

static int info_frame(struct ld_session *s, char *args)
{
	struct ld_frames fs = { 0 };
	struct ld_thread *t = ld_session_thread(s);
	int n, r;

	if (!t)
		return -1;
	/* the selected frame and its caller, whose CFA takes one frame more */
	n = ld_session_stack(s, t->tid, (size_t)s->frame + 3, &fs);
	if (n <= s->frame)
		r = ld_error("info frame: cannot unwind thread %d to frame %d",
			     t->num, s->frame);
	else
		r = frame_report(s, fs.v, n, s->frame);
	ld_frames_release(&fs);
	return r;
}

static int info_brk(struct ld_session *s, char *args)
{
	uint64_t start, cur, bss_end;
	bool apart;
	char h[32];
	int r = ld_session_brk(s, &start, &cur);

	if (r == -EBUSY)
		return ld_error("info brk: the thread is inside a system call; "
				"continue to its return first");
	if (r)
		return ld_error("info brk: the break is unknown: %s", strerror(-r));
	bss_end = data_end(s, &apart);
	if (ld_json_on()) {
		json_t *d = ld_jdoc("info brk");

		ld_json_put_u64(d, "start_brk", start);
		ld_json_put_u64(d, "brk", cur);
		ld_json_put_u64(d, "heap_size", cur - start);
		if (bss_end) {
			ld_json_put_u64(d, "bss_end", bss_end);
			json_object_set_new(d, "start_brk_after_bss",
					    json_boolean(start >= bss_end));
		}
		return ld_emit_json(d);
	}
	ld_out("start_brk      0x%" PRIx64 "\n", start);
	ld_out("brk            0x%" PRIx64 "%s\n", cur,
	       cur == start ? "  (no heap yet)" : "");
	ld_out("heap size      0x%" PRIx64 " (%s)\n", cur - start,
	       ld_human_size(cur - start, h, sizeof h));
	if (bss_end)
		bss_relation(bss_end, start, apart);
	return 0;
}

static int read_sysctl_int(const char *path, int dflt)
{
	FILE *f = fopen(path, "r");
	int v = dflt;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = dflt;
		fclose(f);
	}
	return v;
}

static int info_aslr(struct ld_session *s, char *args)
{
	static const char *what[] = { "off", "on (stack, mmap, vdso; not brk)",
				      "on (full, brk included)" };
	int v = read_sysctl_int("/proc/sys/kernel/randomize_va_space", -1);

	if (ld_json_on()) {
		json_t *d = ld_jdoc("info aslr");

		ld_jset(d, "randomize_va_space", json_integer(v));
		ld_jset(d, "disable_randomization", json_boolean(!s->aslr));
		if (s->proc)
			ld_jset(d, "process_randomized", json_boolean(s->proc_aslr));
		return ld_emit_json(d);
	}

	ld_out("System: /proc/sys/kernel/randomize_va_space = %d: %s\n", v,
	       v >= 0 && v <= 2 ? what[v] : "unknown");
	ld_out("New processes: address randomization %s "
	       "(set disable-randomization %s)\n", s->aslr ? "on" : "off",
	       s->aslr ? "off" : "on");
	if (s->proc)
		ld_out("Process %d: %s\n", (int)s->proc->pid,
		       s->proc_aslr ? "randomized" : "not randomized");
	return 0;
}

/* ---- info line ------------------------------------------------------ */

/* The line table holding addr (runtime address): the object's when the
 * program runs, else the program file's (link-time addresses). */
static struct ld_lines *lines_for(struct ld_session *s, uint64_t addr,
				  uint64_t *bias)
{
	struct ld_obj *ob;

	*bias = 0;
	if (!s->proc)
		return ld_session_exe_lines(s);
	ob = ld_objs_at(&s->objs, addr);
	if (!ob)
		return NULL;
	*bias = ob->bias;
	return ld_obj_lines(ob);
}

/* A function's entry: its run-time address when the program runs (bound
 * as the dynamic linker would), else its link-time address in the
 * program file.  False when no object defines it. */
static bool func_entry(struct ld_session *s, const char *name, uint64_t *addr)
{
	const struct ld_symbol *sym;
	struct ld_obj *ob;

	if (s->proc)
		*addr = ld_objs_resolve(&s->objs, name, NULL, &ob);
	else
		*addr = s->exe && (sym = ld_elf_lookup_any(s->exe, name)) ?
			sym->value : 0;
	return *addr != 0;
}

/* " <main+33>" as gdb prints it after an address; "" when no symbol
 * covers it. */
static const char *sym_off(struct ld_session *s, uint64_t addr, char *buf,
			   size_t len)
{
	char name[256];

	if (!strcmp(ld_session_symbolize(s, addr, name, sizeof name), "??"))
		snprintf(buf, len, "%s", "");
	else
		snprintf(buf, len, " <%s>", name);
	return buf;
}

static int line_report(struct ld_session *s, const char *file, unsigned line,
		       uint64_t start, uint64_t end, bool code)
{
	char a[512], b[512];

	if (ld_json_on()) {
		json_t *d = ld_jdoc("info line");

		ld_json_put_text(d, "file", file);
		ld_jset(d, "line", json_integer(line));
		ld_jset(d, "has_code", json_boolean(code));
		ld_json_put_u64(d, "start", start);
		if (code && end)
			ld_json_put_u64(d, "end", end);
		return ld_emit_json(d);
	}
	if (!code)
		ld_out("Line %u of \"%s\" is at address %#" PRIx64 "%s but contains "
		       "no code.\n", line, file, start, sym_off(s, start, a, sizeof a));
	else if (!end)
		ld_out("Line %u of \"%s\" starts at address %#" PRIx64 "%s.\n",
		       line, file, start, sym_off(s, start, a, sizeof a));
	else
		ld_out("Line %u of \"%s\" starts at address %#" PRIx64 "%s and "
		       "ends at %#" PRIx64 "%s.\n", line, file, start,
		       sym_off(s, start, a, sizeof a), end, sym_off(s, end, b, sizeof b));
	return 0;
}

/* The line covering a code address. */
static int line_at_addr(struct ld_session *s, uint64_t addr)
{
	struct ld_lines *l;
	struct ld_line row;
	uint64_t bias, end;
	char buf[512];

	l = lines_for(s, addr, &bias);
	if (!l || !ld_lines_range(l, addr - bias, &row, &end)) {
		if (ld_json_on()) {
			json_t *d = ld_jdoc("info line");

			ld_json_put_u64(d, "address", addr);
			ld_jset(d, "has_code", json_false());
			return ld_emit_json(d);
		}
		ld_out("No line number information available for address %#" PRIx64
		       "%s\n", addr, sym_off(s, addr, buf, sizeof buf));
		return 0;
	}
	return line_report(s, ld_source_shortname(row.file), row.line,
			   row.addr + bias, end ? end + bias : 0, true);
}

/* FILE:LINE or LINE: the first object whose lines know the file. */
static int line_of_source(struct ld_session *s, const char *file, unsigned line)
{
	char err[512] = "no line information";
	struct ld_lines *l = NULL;
	struct ld_line row;
	uint64_t a, bias = 0, end;
	unsigned actual;
	size_t i;
	int r = -1;

	for (i = 0; s->proc && i < s->objs.n && r < 0; i++) {
		l = ld_obj_lines(&s->objs.v[i]);
		bias = s->objs.v[i].bias;
		if (l)
			r = ld_lines_line_start(l, file, line, &a, &actual, err, sizeof err);
	}
	if (!s->proc && (l = ld_session_exe_lines(s)))
		r = ld_lines_line_start(l, file, line, &a, &actual, err, sizeof err);
	if (r < 0)
		return ld_error("info line: %s", err);
	if (r == 0) {
		if (ld_json_on())
			return ld_error("info line: line number %u is out of range for "
					"\"%s\"", line, file);
		ld_out("Line number %u is out of range for \"%s\".\n", line, file);
		return 0;
	}
	if (!ld_lines_range(l, a, &row, &end))
		return ld_error("info line: %s:%u: no row at %#" PRIx64, file, line, a);
	/* the file as the line table names it, as elsewhere */
	return line_report(s, ld_source_shortname(row.file), line, a + bias,
			   end ? end + bias : 0, actual == line);
}

/* `info line [LOCATION]`, as gdb: where a line's code starts and ends.
 * LOCATION is FILE:LINE, LINE, FUNCTION (its first line, before the
 * prologue) or *ADDRESS; none: the selected frame's line. */
static int info_line(struct ld_session *s, char *args)
{
	char *w = skip_ws(args), *colon;
	uint64_t a;

	trim_end(w);
	if (!*w) {
		struct ld_frames fs = { 0 };
		struct ld_thread *t = s->proc ? ld_session_thread(s) : NULL;
		uint64_t pc;
		int n;

		if (!t)
			return ld_error("info line: no process: give a location "
					"(FILE:LINE, FUNCTION or *ADDRESS)");
		n = ld_session_stack(s, t->tid, (size_t)s->frame + 1, &fs);
		pc = n > s->frame ? fs.v[s->frame].pc : 0;
		ld_frames_release(&fs);
		if (n <= s->frame)
			return ld_error("info line: cannot unwind to frame %d", s->frame);
		/* a caller's line is the one of its call, before the return */
		return line_at_addr(s, pc - (s->frame > 0));
	}
	if (*w == '*') {
		if (ld_eval_addr(s, "info line", w + 1, &a) < 0)
			return -1;
		return line_at_addr(s, a);
	}
	colon = strrchr(w, ':');
	if (strspn(colon ? colon + 1 : w, "0123456789") == strlen(colon ? colon + 1 : w) &&
	    *(colon ? colon + 1 : w)) {
		unsigned long line = strtoul(colon ? colon + 1 : w, NULL, 10);
		const char *file = ld_default_source(s);
		char name[4096];

		if (line == 0 || line > UINT_MAX)
			return ld_error("info line: %s: not a line number", w);
		if (colon) {
			snprintf(name, sizeof name, "%.*s", (int)(colon - w), w);
			file = name;
		}
		if (!file)
			return ld_error("info line: no source file known (no DWARF line "
					"information); give FILE:LINE");
		return line_of_source(s, file, (unsigned)line);
	}
	/* a function: its entry */
	if (!func_entry(s, w, &a))
		return ld_error("info line: function \"%s\" not defined", w);
	return line_at_addr(s, a);
}

static int info_sharedlibrary(struct ld_session *s, char *args)
{
	size_t i;

	if (ld_session_rescan(s) < 0)
		return -1;
	if (ld_json_on()) {
		json_t *arr = json_array();

		for (i = 0; i < s->objs.n; i++) {
			struct ld_obj *ob = &s->objs.v[i];
			json_t *o = json_object();

			ld_obj_elf(ob);
			ld_json_put_text(o, "path", ob->path);
			ld_json_put_u64(o, "from", ob->lo);
			ld_json_put_u64(o, "to", ob->hi);
			ld_json_put_u64(o, "bias", ob->bias);
			ld_jset(o, "executable", json_boolean(ob->is_exe));
			ld_jset(o, "interpreter", json_boolean(ob->is_interp));
			json_array_append_new(arr, o);
		}
		return emit("info sharedlibrary", "objects", arr);
	}
	ld_out("%-18s %-18s %-18s %s\n", "From", "To", "Bias", "Object");
	for (i = 0; i < s->objs.n; i++) {
		struct ld_obj *ob = &s->objs.v[i];

		ld_obj_elf(ob);
		ld_out("0x%016" PRIx64 " 0x%016" PRIx64 " 0x%016" PRIx64 " %s%s%s\n",
		       ob->lo, ob->hi, ob->bias, ob->path,
		       ob->is_exe ? "  (executable)" : "",
		       ob->is_interp ? "  (dynamic linker)" : "");
	}
	return 0;
}

/* An address: a number, $register, SYMBOL or SYMBOL+OFFSET. */
int ld_eval_addr(struct ld_session *s, const char *what, const char *expr,
		 uint64_t *out)
{
	char buf[512], *plus, *end;
	uint64_t off = 0;

	snprintf(buf, sizeof buf, "%s", expr);
	if ((plus = strchr(buf, '+'))) {
		*plus++ = 0;
		errno = 0;
		off = strtoull(plus, &end, 0);
		if (errno || *end || end == plus)
			return ld_error("%s: \"%s\": bad offset \"%s\"", what, expr, plus);
	}
	if (buf[0] == '&')
		memmove(buf, buf + 1, strlen(buf));
	if (isdigit((unsigned char)buf[0])) {
		errno = 0;
		*out = strtoull(buf, &end, 0);
		if (errno || *end)
			return ld_error("%s: \"%s\": not an address", what, expr);
	} else if (buf[0] == '$') {
		static const char *names[] = { "pc", "rip", "sp", "rsp", "rbp", "fp",
					       "rax", "rbx", "rcx", "rdx", "rsi", "rdi" };
		struct ld_thread *t = s->proc ? ld_session_thread(s) : NULL;
		ld_regs r;
		size_t i;

		if (!t || ld_regs_get(t->tid, &r))
			return ld_error("%s: \"%s\": no registers: no process", what,
					expr);
		for (i = 0; i < sizeof names / sizeof *names; i++)
			if (!strcmp(buf + 1, names[i]))
				break;
		/* as gdb: $pc and $sp of the selected frame */
		if (s->frame > 0 && i <= 3) {
			struct ld_frames fs = { 0 };
			int n = ld_session_stack(s, t->tid, (size_t)s->frame + 1, &fs);

			if (n > s->frame) {
				r.rip = fs.v[s->frame].pc;
				r.rsp = fs.v[s->frame].sp;
			}
			ld_frames_release(&fs);
			if (n <= s->frame)
				return ld_error("%s: \"%s\": cannot unwind to frame %d",
						what, expr, s->frame);
		}
		switch (i) {
		case 0: case 1: *out = r.rip; break;
		case 2: case 3: *out = r.rsp; break;
		case 4: case 5: *out = r.rbp; break;
		case 6: *out = r.rax; break;
		case 7: *out = r.rbx; break;
		case 8: *out = r.rcx; break;
		case 9: *out = r.rdx; break;
		case 10: *out = r.rsi; break;
		case 11: *out = r.rdi; break;
		default:
			return ld_error("%s: \"%s\": unknown register", what, expr);
		}
	} else {
		struct ld_obj *ob;
		char *at = strchr(buf, '@');

		if (at)
			*at++ = 0;
		*out = ld_objs_resolve(&s->objs, buf, at, &ob);
		if (!ob)
			return ld_error("%s: no symbol \"%s\" in the loaded objects", what,
				buf);
	}
	*out += off;
	return 0;
}

/* x/NFU ADDR: gdb's examine, for x (hex), d, u, o, t, c, s, a formats and
 * b, h, w, g units. */
static int cmd_x(struct ld_session *s, char *args)
{
	unsigned long count = 1;
	char fmt = 'x', unit = 'w', *expr;
	uint64_t addr = 0;
	unsigned i;

	if (*args == '/') {
		char *p = args + 1;

		if (isdigit((unsigned char)*p))
			count = strtoul(p, &p, 10);
		while (*p && !isspace((unsigned char)*p)) {
			if (strchr("xduotcsa", *p))
				fmt = *p;
			else if (strchr("bhwg", *p))
				unit = *p;
			else
				return ld_error("x: unknown format letter '%c'", *p);
			p++;
		}
		args = p;
	}
	if (count == 0 || count > 65536)
		return ld_error("x: count must be from 1 to 65536");
	trim_end(args);
	expr = skip_ws(args);
	if (!*expr)
		return ld_error("x: an address is needed");
	if (ld_eval_addr(s, "x", expr, &addr) < 0)
		return -1;
	if (fmt == 'a')
		unit = 'g';
	if (fmt == 'c')
		unit = 'b';
	if (fmt == 's') {
		for (i = 0; i < count; i++) {
			char str[4096];
			int r = ld_mem_read_string(s->cur_tid, addr, str, sizeof str);

			if (r && !str[0])
				return ld_error("x: cannot access memory at 0x%" PRIx64, addr);
			ld_out("0x%" PRIx64 ":\t\"%s\"\n", addr, str);
			addr += strlen(str) + 1;
		}
		return 0;
	}
	{
		size_t sz = unit == 'b' ? 1 : unit == 'h' ? 2 : unit == 'w' ? 4 : 8;
		size_t per = sz == 1 ? 8 : sz == 2 ? 8 : sz == 4 ? 4 : 2;
		unsigned char *buf = malloc(count * sz);
		int r;

		if (!buf)
			return ld_error("x: %s", strerror(ENOMEM));
		r = ld_session_read(s, addr, buf, count * sz);
		if (r) {
			free(buf);
			return ld_error("x: cannot access memory at 0x%" PRIx64 ": %s",
					addr, strerror(-r));
		}
		if (ld_json_on()) {
			json_t *d = ld_jdoc("x"), *vals = json_array();

			ld_json_put_u64(d, "address", addr);
			ld_jset(d, "unit_size", json_integer((json_int_t)sz));
			for (i = 0; i < count; i++) {
				uint64_t v = 0;
				json_t *o = json_object();

				memcpy(&v, buf + i * sz, sz);
				ld_json_put_u64(o, "value", v);
				json_array_append_new(vals, o);
			}
			ld_jset(d, "values", vals);
			free(buf);
			return ld_emit_json(d);
		}
		for (i = 0; i < count; i++) {
			uint64_t v = 0;
			char sym[256];

			memcpy(&v, buf + i * sz, sz);
			if (i % per == 0)
				ld_out("%s0x%" PRIx64 " <%s>:", i ? "\n" : "", addr + i * sz,
				       ld_session_symbolize(s, addr + i * sz, sym, sizeof sym));
			switch (fmt) {
			case 'd': {
				int64_t sv = sz == 8 ? (int64_t)v : sz == 4 ? (int32_t)v :
					     sz == 2 ? (int16_t)v : (int8_t)v;

				ld_out("\t%" PRId64, sv);
				break;
			}
			case 'u': ld_out("\t%" PRIu64, v); break;
			case 'o': ld_out("\t0%" PRIo64, v); break;
			case 't': {
				int b;

				ld_out("\t");
				for (b = (int)sz * 8 - 1; b >= 0; b--)
					ld_out("%d", (int)((v >> b) & 1));
				break;
			}
			case 'c':
				ld_out("\t%d '%c'", (int)(signed char)v,
				       isprint((int)v) ? (int)v : '.');
				break;
			case 'a':
				ld_out("\t0x%" PRIx64 " <%s>", v,
				       ld_session_symbolize(s, v, sym, sizeof sym));
				break;
			default:
				ld_out("\t0x%0*" PRIx64, (int)sz * 2, v);
			}
		}
		ld_out("\n");
		free(buf);
	}
	return 0;
}

/* ---- snapshots ------------------------------------------------------ */

static int cmd_snapshot(struct ld_session *s, char *args)
{
	char *name = next_word(&args), label[64], brk[96];
	struct ld_snapshot *snap;

	if (name && (name[0] == '$' || isdigit((unsigned char)name[0])))
		return ld_error("snapshot %s: names may not start with '$' or a "
				"digit (those are snapshot numbers)", name);
	snap = ld_session_snapshot(s, name);
	if (!snap)
		return -1;
	if (ld_json_on())
		return emit("snapshot", "snapshot", ld_snapshot_to_json(snap));
	ld_out("Snapshot %s: %zu mappings, %zu thread%s, brk %s (%s)\n",
	       ld_snapshot_label(snap, label, sizeof label), snap->maps.n,
	       snap->nthreads, snap->nthreads == 1 ? "" : "s",
	       ld_render_brk(snap, brk, sizeof brk), snap->reason);
	if (name)
		ld_out("(also $%u)\n", snap->id);
	return 0;
}

static int cmd_snapshots(struct ld_session *s, char *args)
{
	if (ld_json_on())
		return emit("snapshots", "snapshots", ld_json_snapshot_list(&s->snaps));
	ld_render_snapshot_list(stdout, &s->snaps);
	fflush(stdout);
	return 0;
}

static struct ld_snapshot *find_snap(struct ld_session *s, const char *what,
				     const char *key)
{
	struct ld_snapshot *snap = ld_snapshot_find(&s->snaps, key);

	if (!snap)
		ld_error("%s: no snapshot \"%s\" (see `snapshots`)", what, key);
	return snap;
}

/* diff --heap-only: only the chunk changes. */
static bool heap_only;

/* The mapping changes, then the chunk changes below them (when both
 * snapshots carry a heap). */
static void show_diff(const struct ld_snap_diff *d)
{
	struct ld_heap_diff hd;
	bool heap = d->a->heap && d->b->heap && !d->different_process &&
		    ld_heap_diff(d->a->heap, d->b->heap, &hd) == 0;

	if (ld_json_on()) {
		json_t *j = heap_only ? json_object() : ld_snap_diff_to_json(d);

		if (j && heap)
			ld_jset(j, "heap", ld_heap_diff_to_json(&hd));
		emit("diff", "diff", j);
	} else {
		if (!heap_only)
			ld_render_diff(stdout, d);
		if (heap)
			ld_render_heap_diff(stdout, &hd);
		else if (heap_only)
			ld_out("no heap in %s of these snapshots\n",
			       d->a->heap || d->b->heap ? "one" : "either");
		fflush(stdout);
	}
	if (heap)
		ld_heap_diff_release(&hd);
}

/* "@N": the layout after timeline entry N; "@N-": before it.  The
 * snapshot is the caller's to free. */
static struct ld_snapshot *timeline_snap(struct ld_session *s, const char *key)
{
	unsigned long n;
	char *end;
	struct ld_tl_entry *e;
	bool before;

	n = strtoul(key + 1, &end, 10);
	before = *end == '-';
	if (end == key + 1 || (*end && strcmp(end, "-"))) {
		ld_error("diff: \"%s\": expected @N or @N- (timeline entry N)", key);
		return NULL;
	}
	e = ld_timeline_get(&s->timeline, (unsigned)n);
	if (!e || (!before && !e->done)) {
		ld_error("diff: no finished timeline entry %lu", n);
		return NULL;
	}
	return ld_tl_as_snapshot(e, !before, s->exe_path);
}

static int cmd_show_snap(struct ld_session *s, const char *key)
{
	struct ld_snapshot *snap = find_snap(s, "show", key);

	if (!snap)
		return -1;
	if (ld_json_on())
		return emit("show", "snapshot", ld_snapshot_to_json(snap));
	ld_render_snapshot(stdout, snap);
	fflush(stdout);
	return 0;
}

static int cmd_drop(struct ld_session *s, char *args)
{
	char *w = next_word(&args);
	struct ld_snapshot *snap;

	if (!w)
		return ld_error("drop: which snapshot? (drop SNAP)");
	snap = find_snap(s, "drop", w);
	if (!snap)
		return -1;
	ld_snapshot_drop(&s->snaps, snap);
	return 0;
}

static json_t *objdiff_json(const struct ld_objdiff *d)
{
	json_t *o = json_object(), *arr = json_array();
	size_t i;

	for (i = 0; i < d->n; i++) {
		const struct ld_objchange *c = &d->v[i];
		json_t *x = json_object();
		char kind[2] = { c->kind, 0 };

		ld_jset(x, "key", json_string(c->key));
		ld_jset(x, "kind", json_string(c->kind == '+' ? "added" :
					       c->kind == '-' ? "removed" : "changed"));
		(void)kind;
		if (c->kind != '+') {
			ld_json_put_u64(x, "size_before", c->size_a);
			ld_jset(x, "perms_before", json_string(c->perms_a));
		}
		if (c->kind != '-') {
			ld_json_put_u64(x, "size_after", c->size_b);
			ld_jset(x, "perms_after", json_string(c->perms_b));
		}
		json_array_append_new(arr, x);
	}
	ld_jset(o, "changes", arr);
	ld_jset(o, "same", json_integer((json_int_t)d->same));
	return o;
}

static int diff_by_object(struct ld_session *s, char *args)
{
	char *wa = next_word(&args), *wb = next_word(&args);
	struct ld_snapshot *a, *b;
	struct ld_objdiff d;

	if (!wa || !wb || next_word(&args))
		return ld_error("diff --by-object: usage: diff --by-object A B");
	if (!(a = find_snap(s, "diff", wa)) || !(b = find_snap(s, "diff", wb)))
		return -1;
	if (ld_snap_diff_by_object(a, b, &d) < 0)
		return ld_error("diff: %s", strerror(ENOMEM));
	if (ld_json_on())
		emit("diff", "by_object", objdiff_json(&d));
	else
		ld_render_objdiff(stdout, a, b, &d);
	fflush(stdout);
	ld_objdiff_release(&d);
	return 0;
}

static int cmd_diff(struct ld_session *s, char *args)
{
	char *wa, *wb;
	struct ld_snapshot *a, *b;
	struct ld_snap_diff d;

	if (!strncmp(skip_ws(args), "--by-object", 11))
		return diff_by_object(s, skip_ws(args) + 11);
	heap_only = !strncmp(skip_ws(args), "--heap-only", 11);
	if (heap_only)
		args = skip_ws(args) + 11;
	wa = next_word(&args);
	wb = next_word(&args);

	if (next_word(&args))
		return ld_error("diff: usage: diff [A [B]]");
	if (!wa) {
		if (s->snaps.n < 2)
			return ld_error("diff: two snapshots are needed (have %zu); "
					"take them with `snapshot`", s->snaps.n);
		a = s->snaps.v[s->snaps.n - 2];
		b = s->snaps.v[s->snaps.n - 1];
	} else if (wa[0] == '@') {
		struct ld_snapshot *ta = timeline_snap(s, wa);
		struct ld_snapshot *tb = ta && wb ? (wb[0] == '@' ? timeline_snap(s, wb) :
						     find_snap(s, "diff", wb)) : NULL;
		int r = -1;

		if (ta && !wb) {
			/* @N alone: what the call did, before against after */
			char before[32];

			snprintf(before, sizeof before, "%s-", wa);
			tb = ta;
			ta = timeline_snap(s, before);
		}
		if (ta && tb && ld_snap_diff(ta, tb, &d) == 0) {
			show_diff(&d);
			ld_snap_diff_release(&d);
			r = 0;
		}
		ld_snapshot_free(ta);
		if (!wb || wb[0] == '@')
			ld_snapshot_free(tb);
		return r;
	} else {
		a = find_snap(s, "diff", wa);
		if (!a)
			return -1;
		if (wb && wb[0] == '@') {
			struct ld_snapshot *tb = timeline_snap(s, wb);
			int r = -1;

			if (tb && ld_snap_diff(a, tb, &d) == 0) {
				show_diff(&d);
				ld_snap_diff_release(&d);
				r = 0;
			}
			ld_snapshot_free(tb);
			return r;
		}
		if (wb) {
			b = find_snap(s, "diff", wb);
		} else {
			/* diff A: A against the layout now. */
			b = ld_session_snapshot(s, NULL);
			if (b)
				ld_out("(current layout captured as $%u)\n", b->id);
		}
		if (!b)
			return -1;
	}
	if (ld_snap_diff(a, b, &d) < 0)
		return ld_error("diff: %s", strerror(ENOMEM));
	show_diff(&d);
	ld_snap_diff_release(&d);
	return 0;
}


/* ---- catchpoints and the timeline ----------------------------------- */

static struct ld_bp *new_catch(struct ld_session *s, enum ld_bp_type type,
			       const char *spec)
{
	struct ld_bp *bp = ld_bp_add(&s->bps, type, spec);

	if (!bp) {
		ld_error("catch: %s", strerror(ENOMEM));
		return NULL;
	}
	bp->pending = false;
	return bp;
}

static int catch_syscall(struct ld_session *s, char *args, bool memory)
{
	struct ld_sysset set;
	char spec[256], *w;
	struct ld_bp *bp;

	ld_sysset_clear(&set);
	if (memory) {
		ld_sysset_memory(&set);
		snprintf(spec, sizeof spec, "syscall memory");
	} else {
		snprintf(spec, sizeof spec, "syscall");
		while ((w = next_word(&args))) {
			long nr = ld_syscall_number(w);

			if (nr < 0)
				return ld_error("catch syscall: unknown system call "
						"\"%s\"", w);
			ld_sysset_add(&set, nr);
			if (strlen(spec) + strlen(w) + 2 < sizeof spec) {
				strcat(spec, " ");
				strcat(spec, w);
			}
		}
		if (ld_sysset_empty(&set))
			ld_sysset_fill(&set);
	}
	bp = new_catch(s, LD_BP_CATCH_SYSCALL, spec);
	if (!bp)
		return -1;
	bp->sys = set;
	ld_out("Catchpoint %d (%s)\n", bp->num, spec);
	if (s->proc && !s->seccomp)
		ld_out("(the process runs without a seccomp filter: every system "
		       "call stops it briefly; start it after `catch` for "
		       "filtered stops)\n");
	return 0;
}

static int cmd_catch(struct ld_session *s, char *args)
{
	char *w = next_word(&args), *pat;
	struct ld_bp *bp;

	if (!w)
		return ld_error("catch: what? syscall [NAME|NUMBER...], memory, "
				"load [LIB], fork, exec");
	if (!strcmp(w, "syscall"))
		return catch_syscall(s, args, false);
	if (!strcmp(w, "memory"))
		return catch_syscall(s, args, true);
	if (!strcmp(w, "load")) {
		pat = next_word(&args);
		bp = new_catch(s, LD_BP_CATCH_LOAD, pat ? pat : "load");
		if (!bp)
			return -1;
		if (pat && !(bp->pattern = strdup(pat)))
			return ld_error("catch: %s", strerror(ENOMEM));
		ld_out("Catchpoint %d (load%s%s)\n", bp->num, pat ? " " : "",
		       pat ? pat : "");
		return 0;
	}
	if (!strcmp(w, "fork") || !strcmp(w, "vfork")) {
		bp = new_catch(s, LD_BP_CATCH_FORK, "fork");
		if (bp)
			ld_out("Catchpoint %d (fork)\n", bp->num);
		return bp ? 0 : -1;
	}
	if (!strcmp(w, "exec")) {
		bp = new_catch(s, LD_BP_CATCH_EXEC, "exec");
		if (bp)
			ld_out("Catchpoint %d (exec)\n", bp->num);
		return bp ? 0 : -1;
	}
	return ld_error("catch %s: unknown; use syscall, memory, load, fork or exec",
			w);
}

static int cmd_trace(struct ld_session *s, char *args)
{
	char *w = next_word(&args), *u;
	unsigned long n = 0;
	uint64_t sb, cur;

	if (!w || strcmp(w, "memory"))
		return ld_error("trace: usage: trace memory [until BREAKPOINT|exit]");
	if ((u = next_word(&args))) {
		char *what = next_word(&args);

		if (strcmp(u, "until") || !what)
			return ld_error("trace memory: usage: trace memory "
					"[until BREAKPOINT|exit]");
		if (!strcmp(what, "exit"))
			s->trace_until_exit = true;
		else if (parse_uint("trace memory until", what, INT_MAX, &n) < 0)
			return -1;
		else if (!ld_bp_by_num(&s->bps, (int)n))
			return ld_error("trace memory until %lu: no breakpoint number "
					"%lu", n, n);
	}
	s->trace_until = (int)n;
	s->tracing = true;
	if (!s->proc) {
		if (!s->exe)
			return ld_error("trace memory: no program loaded");
		return ld_run(s, false);
	}
	/* Learn the break while a call can still be run in the tracee: from
	 * here every brk stops it, and the timeline's break stays exact. */
	if (!s->cur_brk_known && ld_session_brk(s, &sb, &cur) < 0)
		ld_warn("the program break is unknown until the first brk call");
	if (!s->seccomp)
		ld_out("(attached or started without a filter: tracing with "
		       "PTRACE_SYSCALL, every system call stops the process "
		       "briefly)\n");
	return ld_continue(s, 1);
}

static int cmd_timeline(struct ld_session *s, char *args)
{
	char *w = next_word(&args);
	unsigned long n;
	struct ld_tl_entry *e;

	if (!w && ld_json_on())
		return emit("timeline", "timeline", ld_timeline_to_json(&s->timeline));
	if (!w) {
		ld_render_timeline(stdout, &s->timeline, s->exe_path);
		fflush(stdout);
		return 0;
	}
	if (parse_uint("timeline", w, UINT_MAX, &n) < 0)
		return -1;
	e = ld_timeline_get(&s->timeline, (unsigned)n);
	if (!e)
		return ld_error("timeline %lu: no such entry (the timeline has %zu)",
				n, s->timeline.n);
	if (ld_json_on()) {
		json_t *all = ld_timeline_to_json(&s->timeline);
		json_t *one = all ? json_array_get(json_object_get(all, "entries"),
						   n - 1) : NULL;

		json_incref(one);
		json_decref(all);
		return emit("timeline", "entry", one);
	}
	ld_render_tl_entry(stdout, e, s->exe_path);
	fflush(stdout);
	return 0;
}


/* ---- signals -------------------------------------------------------- */

static int signal_number(const char *w)
{
	char *end;
	long n;
	int i;

	n = strtol(w, &end, 10);
	if (*w && !*end)
		return n > 0 && n < 65 ? (int)n : -1;
	if (!strncmp(w, "SIG", 3))
		w += 3;
	for (i = 1; i < 65; i++) {
		const char *a = sigabbrev_np(i);

		if (a && !strcasecmp(a, w))
			return i;
	}
	return -1;
}

static void print_signal(struct ld_session *s, int sig)
{
	const char *a = sigabbrev_np(sig);
	char name[32];

	snprintf(name, sizeof name, "SIG%s", a ? a : "?");
	ld_out("%-14s %-5s %-6s %s\n", name, s->handle_stop[sig] ? "Yes" : "No",
	       s->handle_pass[sig] ? "Yes" : "No", strsignal(sig));
}

static int cmd_handle(struct ld_session *s, char *args)
{
	char *w = next_word(&args), *a;
	int sig;

	if (!w)
		return ld_error("handle: usage: handle SIGNAL [stop|nostop|pass|nopass]...");
	sig = signal_number(w);
	if (sig < 0)
		return ld_error("handle: unknown signal \"%s\"", w);
	if (sig == SIGKILL || sig == SIGSTOP)
		ld_warn("handle: SIG%s cannot be caught or ignored by the program",
			sigabbrev_np(sig));
	while ((a = next_word(&args))) {
		if (!strcmp(a, "stop") || !strcmp(a, "print"))
			s->handle_stop[sig] = true;
		else if (!strcmp(a, "nostop") || !strcmp(a, "noprint"))
			s->handle_stop[sig] = false;
		else if (!strcmp(a, "pass") || !strcmp(a, "noignore"))
			s->handle_pass[sig] = true;
		else if (!strcmp(a, "nopass") || !strcmp(a, "ignore"))
			s->handle_pass[sig] = false;
		else
			return ld_error("handle: \"%s\": expected stop, nostop, pass "
					"or nopass", a);
	}
	ld_out("%-14s %-5s %-6s %s\n", "Signal", "Stop", "Pass", "Description");
	print_signal(s, sig);
	return 0;
}

static int info_signals(struct ld_session *s, char *args)
{
	int sig;

	ld_out("%-14s %-5s %-6s %s\n", "Signal", "Stop", "Pass", "Description");
	for (sig = 1; sig < 32; sig++)
		if (sigabbrev_np(sig))
			print_signal(s, sig);
	return 0;
}


/* ---- saving, loading, exporting ------------------------------------- */

/* "--force" (or "-force") as the first word of save and export. */
static bool take_force(char **args)
{
	char *p = skip_ws(*args);
	size_t n = strcspn(p, " \t");

	if ((n == 7 && !strncmp(p, "--force", 7)) || (n == 6 && !strncmp(p, "-force", 6))) {
		*args = p + n;
		return true;
	}
	return false;
}

static int cmd_save(struct ld_session *s, char *args)
{
	bool force = take_force(&args);
	char *key = next_word(&args), *path, err[512];
	struct ld_snapshot *snap;

	trim_end(args);
	path = skip_ws(args);
	if (!key || !*path)
		return ld_error("save: usage: save [--force] SNAP FILE");
	snap = find_snap(s, "save", key);
	if (!snap)
		return -1;
	if (ld_snapshot_save(snap, path, force, err, sizeof err) < 0)
		return ld_error("save: %s", err);
	ld_out("Saved snapshot %s to %s\n", key, path);
	return 0;
}

/* gdb's `source`: the file is read under the -x rule (script.h). */
static int cmd_source(struct ld_session *s, char *args)
{
	char *path;

	trim_end(args);
	path = skip_ws(args);
	if (!*path)
		return ld_error("source: usage: source FILE");
	return ld_script_run(s, path, path, false);
}

static int cmd_load(struct ld_session *s, char *args)
{
	struct ld_snapshot *snap;
	char err[512], label[64], *path;
	size_t i;

	trim_end(args);
	path = skip_ws(args);
	if (!*path)
		return ld_error("load: usage: load FILE");
	if (ld_snapshot_load(path, &s->snaps, &snap, err, sizeof err) < 0)
		return ld_error("load: %s", err);
	/* A saved name may clash with one of this session: keep the number. */
	for (i = 0; snap->name && i < s->snaps.n; i++) {
		if (s->snaps.v[i] != snap && s->snaps.v[i]->name &&
		    !strcmp(s->snaps.v[i]->name, snap->name)) {
			ld_warn("load: a snapshot named \"%s\" exists; the loaded one "
				"is $%u", snap->name, snap->id);
			free(snap->name);
			snap->name = NULL;
			break;
		}
	}
	ld_out("Loaded snapshot %s ($%u) from %s: process %d, %zu mappings, %s\n",
	       ld_snapshot_label(snap, label, sizeof label), snap->id, path,
	       (int)snap->pid, snap->maps.n, snap->reason ? snap->reason : "");
	return 0;
}

static const char *extension(const char *path)
{
	const char *dot = strrchr(path, '.');

	return dot && !strchr(dot, '/') ? dot + 1 : "";
}

/* Through safefile.h: errors come back in err with the real cause. */
static int write_json(json_t *j, const char *path, bool force, char *err, size_t len)
{
	struct ld_safefile sf;
	int r;

	if (!j)
		return ld_fail(err, len, "%s: %s", path, strerror(ENOMEM)), -ENOMEM;
	r = ld_safefile_open(&sf, path, force, err, len);
	if (r == 0) {
		errno = 0;
		if (json_dumpf(j, sf.f, JSON_INDENT(2) | JSON_SORT_KEYS) ||
		    fputc('\n', sf.f) == EOF)
			r = errno ? -errno : -EIO;
		r = ld_safefile_commit(&sf, r, err, len);
	}
	json_decref(j);
	return r;
}

static int export_one(struct ld_snapshot *a, struct ld_snapshot *b,
		      const char *path, bool force, bool pages, char *err,
		      size_t len)
{
	const char *ext = extension(path);
	struct ld_safefile sf;
	int r;

	if (!strcmp(ext, "json")) {
		struct ld_snap_diff d;

		if (!b)
			return write_json(ld_snapshot_to_json(a), path, force, err, len);
		if (ld_snap_diff(a, b, &d) < 0)
			return ld_fail(err, len, "%s", strerror(ENOMEM)), -ENOMEM;
		r = write_json(ld_snap_diff_to_json(&d), path, force, err, len);
		ld_snap_diff_release(&d);
		return r;
	}
	if (strcmp(ext, "svg") && strcmp(ext, "html"))
		return -EINVAL;
	if (b && !strcmp(ext, "html"))
		return -ENOTSUP;
	if ((r = ld_safefile_open(&sf, path, force, err, len)) < 0)
		return r;
	if (b)
		r = ld_export_diff_svg(a, b, sf.f);
	else if (!strcmp(ext, "svg"))
		r = pages ? ld_export_svg_pages(a, sf.f) : ld_export_svg(a, sf.f);
	else
		r = ld_export_html(a, sf.f);
	return ld_safefile_commit(&sf, r, err, len);
}

static int cmd_export(struct ld_session *s, char *args)
{
	bool force = take_force(&args);
	char *what = next_word(&args), *path, *dots, err[512];
	struct ld_snapshot *a, *b = NULL;
	size_t n;
	bool pages = false;
	int r;

	trim_end(args);
	path = skip_ws(args);
	n = strlen(path);
	if (n > 8 && !strcmp(path + n - 8, " --pages")) {
		pages = true;
		path[n - 8] = 0;
		trim_end(path);
	}
	if (!what || !*path)
		return ld_error("export: usage: export [--force] SNAP|A..B|timeline "
				"FILE.json|.svg|.html");
	if (!strcmp(what, "timeline")) {
		if (strcmp(extension(path), "json"))
			return ld_error("export timeline: only .json is supported");
		r = write_json(ld_timeline_to_json(&s->timeline), path, force, err,
			       sizeof err);
		if (r < 0)
			return ld_error("export timeline %s", err);
		ld_out("Exported the timeline (%zu entries) to %s\n", s->timeline.n, path);
		return 0;
	}
	if ((dots = strstr(what, ".."))) {
		*dots = 0;
		a = find_snap(s, "export", what);
		b = a ? find_snap(s, "export", dots + 2) : NULL;
		if (!b)
			return -1;
	} else if (!(a = find_snap(s, "export", what))) {
		return -1;
	}
	if (pages && (b || strcmp(extension(path), "svg")))
		return ld_error("export %s: --pages draws a snapshot's .svg", path);
	if (pages && !a->strip)
		return ld_error("export %s: --pages: %s has no page states (set "
				"snapshot-pages on before the snapshot)", path, what);
	*err = 0;
	r = export_one(a, b, path, force, pages, err, sizeof err);
	if (r < 0 && *err)
		return ld_error("export %s", err);
	if (r == -EINVAL)
		return ld_error("export %s: unknown file type \"%s\" (use .json, .svg "
				"or .html)", path, extension(path));
	if (r == -ENOTSUP)
		return ld_error("export %s: a diff is exported as .svg or .json", path);
	if (r < 0)
		return ld_error("export %s: %s", path, strerror(-r));
	ld_out("Exported %s%s%s to %s\n", what, b ? ".." : "", b ? dots + 2 : "",
	       path);
	return 0;
}


/* ---- source lines ---------------------------------------------------- */

static int step_lines(struct ld_session *s, char *args, const char *what,
		      enum ld_step_mode mode)
{
	unsigned long n = 1;
	char *w = next_word(&args);

	if (w && parse_uint(what, w, UINT_MAX, &n) < 0)
		return -1;
	while (n-- && s->proc)
		if (ld_step_line(s, mode) < 0)
			return -1;
	return 0;
}

static int cmd_next(struct ld_session *s, char *args)
{
	return step_lines(s, args, "next", STEP_NEXT);
}

static int cmd_step(struct ld_session *s, char *args)
{
	return step_lines(s, args, "step", STEP_INTO);
}

static int cmd_until(struct ld_session *s, char *args)
{
	trim_end(args);
	if (*skip_ws(args)) {
		/* until LOCATION: like tbreak LOCATION + continue, but it also
		 * stops when the current frame returns (gdb). */
		if (ld_break(s, skip_ws(args), true) < 0)
			return -1;
		return ld_continue(s, 1);
	}
	return ld_step_line(s, STEP_UNTIL);
}

static char list_file[4096];
static unsigned list_next;

/* list: 10 lines around LINE, FILE:LINE or FUNCTION; again: the next 10. */
static int cmd_list(struct ld_session *s, char *args)
{
	char *w, file[4096] = "";
	unsigned long center = 0, first, i;
	long count;

	trim_end(args);
	w = skip_ws(args);
	if (*w) {
		char *colon = strrchr(w, ':');
		char *digits = colon ? colon + 1 : w;

		if (*digits && strspn(digits, "0123456789") == strlen(digits)) {
			errno = 0;
			center = strtoul(digits, NULL, 10);
			/* source lines are unsigned: above that, no such line */
			if (errno || center > UINT_MAX)
				return ld_error("list: line %s is out of range (at most %u)",
						digits, UINT_MAX);
			if (colon)
				snprintf(file, sizeof file, "%.*s", (int)(colon - w), w);
		} else {
			/* a function: its first line */
			struct ld_lines *l;
			struct ld_line row;
			uint64_t a, bias;

			if (func_entry(s, w, &a) && (l = lines_for(s, a, &bias)) &&
			    ld_lines_at(l, a - bias, &row)) {
				snprintf(file, sizeof file, "%s", row.file);
				center = row.line;
			} else {
				return ld_error("list %s: no function \"%s\" with line "
						"information", w, w);
			}
		}
	}
	if (!*file) {
		const char *def = *list_file && !*w ? list_file : ld_default_source(s);

		if (!def)
			return ld_error("list: no source file known (no DWARF line "
					"information); give FILE:LINE");
		snprintf(file, sizeof file, "%s", def);
	}
	if (!center && !*w && *list_file && !strcmp(file, list_file)) {
		first = list_next;
	} else {
		if (!center) {
			struct ld_line row;
			struct ld_thread *t = s->proc ? ld_proc_thread(s->proc, s->cur_tid) : NULL;
			ld_regs r;

			center = t && ld_regs_get(t->tid, &r) == 0 &&
				 ld_objs_line_at(&s->objs, r.rip, &row) ? row.line : 1;
		}
		first = center > 5 ? center - 5 : 1;
	}
	/* a file named without its directory: the full path of the unit */
	if (!strchr(file, '/') || access(file, R_OK) != 0) {
		const char *def = ld_default_source(s);

		if (def && strlen(def) >= strlen(file) &&
		    !strcmp(def + strlen(def) - strlen(file), file))
			snprintf(file, sizeof file, "%s", def);
	}
	count = ld_source_count(file);
	if (count < 0) {
		/* a missing source file is a note, not a failure */
		ld_warn("list: %s: %s", ld_source_shortname(file), strerror((int)-count));
		return 0;
	}
	if (first > (unsigned long)count)
		return ld_error("list: line %lu is out of range for \"%s\" (%ld lines)",
				center ? center : first, ld_source_shortname(file), count);
	for (i = first; i < first + 10 && (long)i <= count; i++)
		ld_out("%lu\t%s\n", i, ld_source_line(file, (unsigned)i));
	snprintf(list_file, sizeof list_file, "%s", file);
	list_next = (unsigned)i;
	return 0;
}

/* ---- settings ------------------------------------------------------- */

static int parse_onoff(const char *what, const char *w, bool *out)
{
	if (w && (!strcmp(w, "on") || !strcmp(w, "1") || !strcmp(w, "yes")))
		*out = true;
	else if (w && (!strcmp(w, "off") || !strcmp(w, "0") || !strcmp(w, "no")))
		*out = false;
	else
		return ld_error("%s: expected \"on\" or \"off\"", what);
	return 0;
}

static int set_args(struct ld_session *s, char *args)
{
	return set_args_from(s, args);
}

static int set_disable_randomization(struct ld_session *s, char *args)
{
	bool on;

	if (parse_onoff("set disable-randomization", next_word(&args), &on) < 0)
		return -1;
	s->aslr = !on;
	return 0;
}

static int set_auto_snapshot(struct ld_session *s, char *args)
{
	return parse_onoff("set auto-snapshot", next_word(&args), &s->auto_snapshot);
}

static int set_follow_fork(struct ld_session *s, char *args)
{
	char *w = next_word(&args);

	if (w && !strcmp(w, "child"))
		s->follow_fork_child = true;
	else if (w && !strcmp(w, "parent"))
		s->follow_fork_child = false;
	else
		return ld_error("set follow-fork-mode: expected \"parent\" or \"child\"");
	return 0;
}

static int show_follow_fork(struct ld_session *s, char *args)
{
	ld_out("Debugger response to a program call of fork is \"%s\".\n",
	       s->follow_fork_child ? "child" : "parent");
	return 0;
}

/* gdb's form for a boolean setting: "WHAT is on." */
static int show_onoff(const char *what, bool on)
{
	ld_out("%s is %s.\n", what, on ? "on" : "off");
	return 0;
}

static int set_emulation(struct ld_session *s, char *args)
{
	return parse_onoff("set step-emulation", next_word(&args), &s->emulate);
}

static int set_cpu_pinning(struct ld_session *s, char *args)
{
	return parse_onoff("set cpu-pinning", next_word(&args), &s->cpu_pinning);
}

static int show_cpu_pinning(struct ld_session *s, char *args)
{
	return show_onoff("Running the program and layoutdbg on one CPU while a "
			  "breakpoint is passed over", s->cpu_pinning);
}

static int show_emulation(struct ld_session *s, char *args)
{
	return show_onoff("Stepping off breakpoints by emulating the instruction",
			  s->emulate);
}

static int set_color(struct ld_session *s, char *args)
{
	bool on;

	if (parse_onoff("set color", next_word(&args), &on) < 0)
		return -1;
	ld_color_set(on);
	return 0;
}

static int show_args(struct ld_session *s, char *args)
{
	size_t i;

	ld_out("Argument list to give program being debugged when it is started is \"");
	for (i = 0; s->args[i]; i++)
		ld_out("%s%s", i ? " " : "", s->args[i]);
	ld_out("\".\n");
	return 0;
}

static int show_disable_randomization(struct ld_session *s, char *args)
{
	return show_onoff("Disabling randomization of debuggee's virtual address "
			  "space", !s->aslr);
}

static int set_vmmap_resident(struct ld_session *s, char *args)
{
	return parse_onoff("set vmmap-resident", next_word(&args), &s->vmmap_resident);
}

static int show_vmmap_resident(struct ld_session *s, char *args)
{
	return show_onoff("The resident column of vmmap and layout", s->vmmap_resident);
}

static int set_snapshot_pages(struct ld_session *s, char *args)
{
	return parse_onoff("set snapshot-pages", next_word(&args), &s->snapshot_pages);
}

static int show_snapshot_pages(struct ld_session *s, char *args)
{
	return show_onoff("Recording page counts in snapshots", s->snapshot_pages);
}

static int show_auto_snapshot(struct ld_session *s, char *args)
{
	return show_onoff("Snapshot at every stop", s->auto_snapshot);
}

/* ---- sub-command tables -------------------------------------------- */

static const struct cmd info_cmds[] = {
	{ "breakpoints", "b break", 0, info_breakpoints, "info breakpoints",
	  "breakpoints with their addresses, objects and hit counts" },
	{ "proc", "", NEED_PROC, info_proc,
	  "info proc mappings|smaps|smaps_rollup",
	  "gdb's mapping table, then /proc/PID/maps at the same stop; smaps: "
	  "resident, dirty, shared, swapped per mapping (pmap -X's columns); "
	  "smaps_rollup: their totals" },
	{ "registers", "r reg", NEED_PROC, info_registers, "info registers [REG]",
	  "general registers of the selected thread" },
	{ "threads", "", NEED_PROC, info_threads, "info threads",
	  "the threads, their LWP ids, names and where each is" },
	{ "frame", "f", NEED_PROC, info_frame, "info frame",
	  "the selected frame: CFA, rip, saved rip, saved registers" },
	{ "brk", "", NEED_PROC, info_brk, "info brk",
	  "start_brk, the program break (asked of the kernel), heap size" },
	{ "aslr", "", 0, info_aslr, "info aslr",
	  "the system's randomization setting and this process's" },
	{ "sections", "", 0, ld_cmd_info_sections, "info sections [OBJ]",
	  "sections at runtime addresses (gdb's maint info sections)" },
	{ "segments", "", 0, ld_cmd_info_segments, "info segments [OBJ]",
	  "program headers, section mapping, the mappings each became" },
	{ "line", "", 0, info_line, "info line [FILE:LINE|LINE|FUNCTION|*ADDR]",
	  "where a source line's code starts and ends" },
	{ "symbol", "", NEED_PROC, ld_cmd_info_symbol, "info symbol ADDR",
	  "the symbol and section an address is in" },
	{ "heap", "", NEED_PROC, ld_cmd_heap, "info heap [...]", "the same as `heap`" },
	{ "signals", "handle", 0, info_signals, "info signals",
	  "what each signal does: stop, pass to the program" },
	{ "sharedlibrary", "shared dll", NEED_PROC, info_sharedlibrary,
	  "info sharedlibrary", "loaded objects with their ranges and load bias" },
	{ NULL, NULL, 0, NULL, NULL, NULL }
};

static int set_debug_dir(struct ld_session *s, char *args)
{
	ld_heap_set_debug_dir(skip_ws(args));
	return 0;
}

static int show_debug_dir(struct ld_session *s, char *args)
{
	ld_out("The directory of separate debug files is \"%s\".\n",
	       ld_heap_debug_dir());
	return 0;
}

static const struct cmd set_cmds[] = {
	{ "debug-file-directory", "", 0, set_debug_dir, "set debug-file-directory DIR",
	  "where DIR/.build-id/xx/rest.debug files are looked for (heap)" },
	{ "args", "", 0, set_args, "set args ARGS", "arguments for `run`" },
	{ "disable-randomization", "", 0, set_disable_randomization,
	  "set disable-randomization on|off", "on (default): run without ASLR" },
	{ "auto-snapshot", "", 0, set_auto_snapshot, "set auto-snapshot on|off",
	  "take a snapshot at every stop" },
	{ "color", "colour", 0, set_color, "set color on|off", "colour in diffs" },
	{ "follow-fork-mode", "", 0, set_follow_fork, "set follow-fork-mode parent|child",
	  "after a fork, debug the parent (default; the child runs free) or the child" },
	{ "step-emulation", "", 0, set_emulation, "set step-emulation on|off",
	  "step off breakpoints by emulating simple instructions (default on)" },
	{ "cpu-pinning", "", 0, set_cpu_pinning, "set cpu-pinning on|off",
	  "one CPU for program and layoutdbg while a breakpoint is passed over "
	  "(default on)" },
	{ "vmmap-resident", "", 0, set_vmmap_resident, "set vmmap-resident on|off",
	  "a resident column (from smaps) in vmmap and layout (default on)" },
	{ "snapshot-pages", "", 0, set_snapshot_pages, "set snapshot-pages on|off",
	  "record resident/dirty/swapped page counts in snapshots (default on)" },
	{ NULL, NULL, 0, NULL, NULL, NULL }
};

static const struct cmd show_cmds[] = {
	{ "debug-file-directory", "", 0, show_debug_dir, "show debug-file-directory",
	  "where separate debug files are looked for" },
	{ "args", "", 0, show_args, "show args", "arguments for `run`" },
	{ "disable-randomization", "", 0, show_disable_randomization,
	  "show disable-randomization", "whether `run` disables ASLR" },
	{ "auto-snapshot", "", 0, show_auto_snapshot, "show auto-snapshot",
	  "whether every stop takes a snapshot" },
	{ "follow-fork-mode", "", 0, show_follow_fork, "show follow-fork-mode",
	  "which process a fork leaves debugged" },
	{ "step-emulation", "", 0, show_emulation, "show step-emulation",
	  "whether breakpoints are stepped off by emulation" },
	{ "cpu-pinning", "", 0, show_cpu_pinning, "show cpu-pinning",
	  "whether hit loops run on one CPU" },
	{ "vmmap-resident", "", 0, show_vmmap_resident, "show vmmap-resident",
	  "whether vmmap and layout show what is resident" },
	{ "snapshot-pages", "", 0, show_snapshot_pages, "show snapshot-pages",
	  "whether snapshots record page counts" },
	{ NULL, NULL, 0, NULL, NULL, NULL }
};

/* ---- dispatch ------------------------------------------------------- */

static bool has_alias(const struct cmd *c, const char *w)
{
	const char *p = c->aliases;
	size_t n = strlen(w);

	while (p && *p) {
		size_t k = strcspn(p, " ");

		if (k == n && !strncmp(p, w, n))
			return true;
		p += k + (p[k] == ' ');
	}
	return false;
}

/* Exact name or alias first, then a unique prefix of a name (gdb's way). */
static const struct cmd *lookup(const struct cmd *table, const char *w,
				bool *ambiguous)
{
	const struct cmd *found = NULL;
	size_t n = strlen(w);

	*ambiguous = false;
	for (const struct cmd *c = table; c->name; c++)
		if (!strcmp(c->name, w) || has_alias(c, w))
			return c;
	for (const struct cmd *c = table; c->name; c++) {
		if (strncmp(c->name, w, n))
			continue;
		if (found) {
			*ambiguous = true;
			return NULL;
		}
		found = c;
	}
	return found;
}

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, prev[64], cur[64];

	if (la >= 63 || lb >= 63)
		return 99;
	for (j = 0; j <= lb; j++)
		prev[j] = j;
	for (i = 1; i <= la; i++) {
		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;

			cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
		}
		memcpy(prev, cur, sizeof cur);
	}
	return prev[lb];
}

static const char *closest(const struct cmd *table, const char *w)
{
	const char *best = NULL;
	size_t bd = 3;

	for (const struct cmd *c = table; c->name; c++) {
		size_t d = edit_distance(w, c->name);

		if (d < bd) {
			bd = d;
			best = c->name;
		}
	}
	return best;
}

static int check_flags(struct ld_session *s, const struct cmd *c,
		       const char *what)
{
	if ((c->flags & NEED_PROC) && !s->proc)
		return ld_error("%s: no process: the program is not being run "
				"(use `run`, `start` or `attach PID`)", what);
	if ((c->flags & NEED_FILE) && !s->exe)
		return ld_error("%s: no program loaded (use `file PROGRAM`)", what);
	return 0;
}

static int unknown(const struct cmd *table, const char *prefix, const char *w,
		   bool ambiguous)
{
	const char *near = closest(table, w);

	if (ambiguous)
		return ld_error("%s%s: ambiguous command; type `help` for the list",
				prefix, w);
	if (near)
		return ld_error("%s%s: unknown command; did you mean `%s%s`?", prefix,
				w, prefix, near);
	return ld_error("%s%s: unknown command; type `help` for the list", prefix, w);
}

static int sub_dispatch(struct ld_session *s, const struct cmd *table,
			const char *prefix, char *args)
{
	char *w = next_word(&args), what[96];
	const struct cmd *c;
	bool amb;

	if (!w) {
		ld_out("\"%s\" must be followed by one of:\n", prefix);
		for (c = table; c->name; c++)
			ld_out("  %-34s %s\n", c->usage, c->summary);
		return 0;
	}
	c = lookup(table, w, &amb);
	if (!c)
		return unknown(table, prefix, w, amb);
	snprintf(what, sizeof what, "%s%s", prefix, c->name);
	if (check_flags(s, c, what) < 0)
		return -1;
	return c->fn(s, args);
}

static int cmd_info(struct ld_session *s, char *args)
{
	return sub_dispatch(s, info_cmds, "info ", args);
}

static int cmd_set(struct ld_session *s, char *args)
{
	return sub_dispatch(s, set_cmds, "set ", args);
}

static int cmd_show(struct ld_session *s, char *args)
{
	char *p = skip_ws(args), word[128];
	bool amb;

	snprintf(word, sizeof word, "%.*s", (int)strcspn(p, " \t"), p);
	if (*word && !lookup(show_cmds, word, &amb) &&
	    ld_snapshot_find(&s->snaps, word))
		return cmd_show_snap(s, word);
	if (*word && (word[0] == '$' || isdigit((unsigned char)word[0])))
		return cmd_show_snap(s, word);
	return sub_dispatch(s, show_cmds, "show ", args);
}

static int cmd_quit(struct ld_session *s, char *args)
{
	return LD_CMD_QUIT;
}

static int cmd_help(struct ld_session *s, char *args);

static const struct cmd commands[] = {
	{ "run", "r", NEED_FILE, cmd_run, "run [ARGS]",
	  "start the program (killing a running one); ARGS replace `set args`" },
	{ "start", "", NEED_FILE, cmd_start, "start [ARGS]",
	  "temporary breakpoint at main, then run" },
	{ "continue", "c cont fg", NEED_PROC, cmd_continue, "continue [N]",
	  "resume; N: ignore this breakpoint N-1 more times" },
	{ "stepi", "si", NEED_PROC, cmd_stepi, "stepi [N]",
	  "execute N machine instructions" },
	{ "finish", "fin", NEED_PROC, cmd_finish, "finish",
	  "run until the selected frame returns; print rax" },
	{ "next", "n", NEED_PROC, cmd_next, "next [N]",
	  "run to the next source line, over calls (DWARF)" },
	{ "step", "s", NEED_PROC, cmd_step, "step [N]",
	  "run to the next source line, into functions that have line info" },
	{ "until", "u", NEED_PROC, cmd_until, "until [LOCATION]",
	  "like next, but not back into a loop; or run to LOCATION" },
	{ "list", "l", 0, cmd_list, "list [LINE|FILE:LINE|FUNCTION]",
	  "source lines (10; again: the next 10)" },
	{ "kill", "k", NEED_PROC, cmd_kill, "kill", "kill the process" },
	{ "attach", "", 0, cmd_attach, "attach PID", "trace a running process" },
	{ "detach", "", NEED_PROC, cmd_detach, "detach",
	  "let the process go, every breakpoint byte restored" },
	{ "file", "", 0, cmd_file, "file PROGRAM", "load a program to debug" },
	{ "break", "b br", 0, cmd_break, "break LOCATION",
	  "breakpoint at SYMBOL, SYMBOL@LIBRARY, FILE:LINE, LINE or *ADDRESS" },
	{ "tbreak", "tb", 0, cmd_tbreak, "tbreak LOCATION",
	  "breakpoint deleted when hit" },
	{ "delete", "d", 0, cmd_delete, "delete [N...]",
	  "delete breakpoints (all when none given)" },
	{ "disable", "dis", 0, cmd_disable, "disable [N...]", "disable breakpoints" },
	{ "enable", "en", 0, cmd_enable, "enable [N...]", "enable breakpoints" },
	{ "ignore", "", 0, cmd_ignore, "ignore N COUNT",
	  "don't stop at breakpoint N the next COUNT times" },
	{ "info", "i", 0, cmd_info, "info WHAT",
	  "breakpoints, proc mappings, registers, threads, frame, brk, aslr, "
	  "sharedlibrary" },
	{ "thread", "", NEED_PROC, cmd_thread, "thread [N]", "select thread N" },
	{ "backtrace", "bt where", NEED_PROC, cmd_backtrace, "backtrace [N|-N]",
	  "frames of the selected thread (libunwind)" },
	{ "frame", "f", NEED_PROC, cmd_frame, "frame [N]", "select frame N" },
	{ "up", "", NEED_PROC, cmd_up, "up [N]", "select the caller's frame" },
	{ "down", "", NEED_PROC, cmd_down, "down [N]", "select the callee's frame" },
	{ "x", "", NEED_PROC, cmd_x, "x/NFU ADDRESS",
	  "examine memory (F: x d u o t c s a; U: b h w g)" },
	{ "vmmap", "maps", NEED_PROC, ld_cmd_vmmap, "vmmap [FILTER]",
	  "mappings classified (segment, heap, stack, thread stack, ...) with "
	  "their sections" },
	{ "heap", "", NEED_PROC, ld_cmd_heap,
	  "heap [N|chunk ADDR|bins|arenas|mmapped]",
	  "glibc malloc's arenas, chunks and bins (arena N only)" },
	{ "xinfo", "", NEED_PROC, ld_cmd_xinfo, "xinfo ADDR",
	  "mapping, object, segment, section, symbol of an address" },
	{ "layout", "", 0, ld_cmd_layout, "layout [SNAP]",
	  "the address-space diagram" },
	{ "catch", "", 0, cmd_catch, "catch WHAT",
	  "syscall [NAME|NUMBER...], memory, load [LIB], fork, exec" },
	{ "trace", "", NEED_FILE, cmd_trace, "trace memory [until N|exit]",
	  "run, recording every memory system call and its layout change" },
	{ "timeline", "", 0, cmd_timeline, "timeline [N]",
	  "the recorded memory calls; N: one entry in full" },
	{ "handle", "", 0, cmd_handle, "handle SIGNAL [stop|nostop|pass|nopass]",
	  "what a signal does when the program receives it" },
	{ "snapshot", "snap", NEED_PROC, cmd_snapshot, "snapshot [NAME]",
	  "capture maps, break, frames and registers" },
	{ "snapshots", "", 0, cmd_snapshots, "snapshots", "list snapshots" },
	{ "drop", "", 0, cmd_drop, "drop SNAP", "forget a snapshot" },
	{ "diff", "", 0, cmd_diff, "diff [--by-object|--heap-only] [A [B]]",
	  "what changed between two snapshots (default: the last two), heap "
	  "chunks below; --by-object: by object and offset, for runs with "
	  "other bases; --heap-only: the chunks alone" },
	{ "save", "", 0, cmd_save, "save [--force] SNAP FILE",
	  "write a snapshot as JSON (atomically; --force: through a symlink, onto a device)" },
	{ "load", "", 0, cmd_load, "load FILE", "read a saved snapshot (at most 64 MiB)" },
	{ "source", "", 0, cmd_source, "source FILE",
	  "run the commands in FILE (a safe file, as for -x)" },
	{ "export", "", 0, cmd_export, "export [--force] SNAP|A..B|timeline FILE",
	  "write .json, .svg (a picture; A..B: a diff) or .html" },
	{ "set", "", 0, cmd_set, "set WHAT VALUE",
	  "change a setting (`help set` lists them)" },
	{ "show", "", 0, cmd_show, "show SNAP | show WHAT",
	  "print a snapshot, or a setting" },
	{ "help", "h ?", 0, cmd_help, "help [COMMAND]", "this list" },
	{ "quit", "q exit", 0, cmd_quit, "quit",
	  "leave (a spawned process is killed, an attached one detached)" },
	{ NULL, NULL, 0, NULL, NULL, NULL }
};

static const char *const examples[][2] = {
	{ "break", "break calloc  |  break malloc@libc.so.6  |  break heap.c:12  |  break *0x401136" },
	{ "run", "run --verbose input.txt" },
	{ "continue", "continue 100   (ignore this breakpoint 99 more times)" },
	{ "snapshot", "snapshot before" },
	{ "diff", "diff  |  diff before after  |  diff $1  (against now)  |  diff @15" },
	{ "x", "x/8xg $sp  |  x/s 0x402010  |  x/4dw &counter" },
	{ "vmmap", "vmmap  |  vmmap libc  |  vmmap 0x7ffff7dd3000" },
	{ "xinfo", "xinfo $rax  |  xinfo &counter  |  xinfo calloc" },
	{ "catch", "catch memory  |  catch syscall brk mmap  |  catch load libm" },
	{ "trace", "trace memory until exit  |  trace memory until 2" },
	{ "export", "export $1 layout.svg  |  export $1..$2 diff.svg  |  export timeline t.json" },
	{ "handle", "handle SIGUSR1 nostop pass" },
	{ "list", "list  |  list heap.c:10  |  list main" },
	{ "info", "info proc mappings  |  info sections libc  |  info line heap.c:12" },
};

static int cmd_help(struct ld_session *s, char *args)
{
	char *w = next_word(&args);
	const struct cmd *c;
	bool amb;

	if (w) {
		c = lookup(commands, w, &amb);
		if (!c)
			return unknown(commands, "help ", w, amb);
		ld_out("%s\n  %s\n", c->usage, c->summary);
		if (*c->aliases)
			ld_out("  aliases: %s\n", c->aliases);
		for (size_t k = 0; k < sizeof examples / sizeof *examples; k++)
			if (!strcmp(examples[k][0], c->name))
				ld_out("  example: %s\n", examples[k][1]);
		if (c->fn == cmd_info || c->fn == cmd_set || c->fn == cmd_show) {
			const struct cmd *t = c->fn == cmd_info ? info_cmds :
					      c->fn == cmd_set ? set_cmds : show_cmds;

			for (; t->name; t++)
				ld_out("  %-34s %s\n", t->usage, t->summary);
		}
		return 0;
	}
	ld_out("Commands:\n");
	for (c = commands; c->name; c++)
		ld_out("  %-22s %s\n", c->usage, c->summary);
	ld_out("Type `help COMMAND` for more.\n");
	return 0;
}

int ld_execute(struct ld_session *s, const char *line)
{
	char *buf = strdup(line), *args, *w, name[64];
	const struct cmd *c;
	bool amb;
	int r;

	if (!buf)
		return ld_error("%s", strerror(ENOMEM));
	args = skip_ws(buf);
	trim_end(args);
	if (!*args || *args == '#') {
		free(buf);
		return LD_CMD_OK;
	}
	ld_poll_process(s);
	/* "x/4xg" glues the format to the name. */
	w = args;
	while (*args && !isspace((unsigned char)*args) && *args != '/')
		args++;
	snprintf(name, sizeof name, "%.*s", (int)(args - w), w);
	if (*args && *args != '/')
		args++;
	c = lookup(commands, name, &amb);
	if (!c) {
		if (strlen(name) > 40)
			name[40] = 0;
		r = unknown(commands, "", name, amb);
	} else if ((r = check_flags(s, c, c->name)) == 0) {
		if (ld_json_on())
			ld_json_reset();
		r = c->fn(s, args);
		/* Commands without data of their own report the state. */
		if (ld_json_on() && !ld_json_emitted()) {
			json_t *d = ld_jdoc(c->name);

			ld_jset(d, "ok", json_boolean(r >= 0));
			ld_jset(d, "process", ld_json_process(s));
			ld_emit_json(d);
		}
	}
	free(buf);
	fflush(stdout);
	return r;
}

const char *ld_command_name(const char *prefix, int state)
{
	static size_t i;
	size_t n = strlen(prefix);

	if (!state)
		i = 0;
	while (commands[i].name) {
		const char *name = commands[i++].name;

		if (!strncmp(name, prefix, n))
			return name;
	}
	return NULL;
}

const char *ld_subcommand_name(const char *cmd, const char *prefix, int state)
{
	static size_t i;
	const struct cmd *t = !strcmp(cmd, "info") || !strcmp(cmd, "i") ? info_cmds :
			      !strcmp(cmd, "set") ? set_cmds :
			      !strcmp(cmd, "show") ? show_cmds : NULL;
	size_t n = strlen(prefix);

	if (!state)
		i = 0;
	while (t && t[i].name) {
		const char *name = t[i++].name;

		if (!strncmp(name, prefix, n))
			return name;
	}
	return NULL;
}
