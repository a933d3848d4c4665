/* Rendering run control's stop reports and notes: gdb's text (ld_out,
 * quiet under --json) and the JSON stop document. */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/cmddoc.h"
#include "layoutdbg/error.h"
#include "layoutdbg/frameargs.h"
#include "layoutdbg/infrun.h"
#include "layoutdbg/json.h"
#include "layoutdbg/jsonout.h"
#include "layoutdbg/output.h"
#include "layoutdbg/pointsview.h"
#include "layoutdbg/source.h"
#include "layoutdbg/srcview.h"
#include "layoutdbg/stop.h"

/* Room for a location with a whole path in it. */
#define WHERE_MAX 8192

const char *ld_stop_where_args(const struct ld_stop_frame *f,
			       const struct ld_frame_args *a, bool line_form,
			       char *buf, size_t len)
{
	const char *name = f->function ? f->function : "??";
	char args[WHERE_MAX / 2];
	int n;

	ld_frame_args_text(a, args, sizeof args);
	if (line_form && f->file) {
		if (f->line_start)
			snprintf(buf, len, "%s %s at %s:%u", name, args,
				 ld_source_shortname(f->file), f->line);
		else
			snprintf(buf, len, "0x%016" PRIx64 " in %s %s at %s:%u", f->pc,
				 name, args, ld_source_shortname(f->file), f->line);
		return buf;
	}
	n = snprintf(buf, len, "0x%016" PRIx64 " in %s %s", f->pc, name, args);
	if (f->object && !f->in_exe && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, " from %s", f->object);
	return buf;
}

const char *ld_stop_where(const struct ld_stop_frame *f, bool line_form,
			  char *buf, size_t len)
{
	return ld_stop_where_args(f, NULL, line_form, buf, len);
}

const char *ld_describe_pc(struct ld_session *s, uint64_t pc, char *buf,
			   size_t len)
{
	struct ld_stop_frame f;

	ld_stop_frame_fill(s, pc, NULL, &f);
	ld_stop_where(&f, false, buf, len);
	ld_stop_frame_release(&f);
	return buf;
}

/* ---- text ------------------------------------------------------------ */

/* The fault address, placed in the layout when it is mapped and `set
 * print layout` is on (a write to .rodata names the string's section). */
static const char *fault_text(struct ld_session *s, const struct ld_stop_report *r,
			      char *buf, size_t len)
{
	struct ld_points_to p;
	char note[600] = "";

	if (s && s->settings.print_layout && r->fault_map &&
	    !ld_points_to(s, r->fault_addr, &p))
		ld_points_to_note(&p, true, note, sizeof note);
	snprintf(buf, len, "0x%" PRIx64 "%s", r->fault_addr, note);
	return buf;
}

static void text_signal(struct ld_session *s, const struct ld_stop_report *r,
			const char *where)
{
	char fault[700];

	if (r->kind == LD_SK_GROUP_STOP)
		ld_out("\nProgram stopped by SIG%s (group-stop: every thread "
		       "is stopped; `continue` resumes it as SIGCONT would).\n%s\n",
		       sigabbrev_np(r->sig), where);
	else
		ld_out("\nProgram received signal SIG%s, %s.\n%s\n",
		       sigabbrev_np(r->sig), strsignal(r->sig), where);
	if (r->fault)
		ld_out("Fault address %s: %s\n", fault_text(s, r, fault, sizeof fault),
		       r->fault_map ? (r->fault_map[0] ? r->fault_map :
				       "in an anonymous mapping") : "not in any mapping");
}

/* "Catchpoint 1 (call to syscall brk), 0x... in brk () ...", and for a
 * system call the decoded call on the next line. */
static void text_catch(const struct ld_stop_report *r, const char *where)
{
	char title[1280];

	ld_stop_catch_title(r, title, sizeof title);
	ld_out("\n%s, %s\n", title, where);
	if ((r->kind == LD_SK_SYSCALL || r->kind == LD_SK_LAYOUT) &&
	    r->sys.returned)
		ld_out("  %s = %s\n", r->sys.call ? r->sys.call : "?",
		       r->sys.result ? r->sys.result : "?");
	else if (r->kind == LD_SK_SYSCALL)
		ld_out("  %s\n", r->sys.call ? r->sys.call : "?");
	if (r->kind == LD_SK_LAYOUT && r->caller.valid) {
		char at[WHERE_MAX];

		ld_out("  called from %s\n",
		       ld_stop_where(&r->caller, true, at, sizeof at));
	}
}

static bool is_catch(enum ld_report_kind k)
{
	return k == LD_SK_SYSCALL || k == LD_SK_FORK || k == LD_SK_EXEC ||
	       k == LD_SK_LOAD || k == LD_SK_LAYOUT;
}

/* A watched value as gdb shows an integer of its length: signed. */
static const char *watch_value(bool valid, uint64_t v, unsigned len,
			       char *buf, size_t n)
{
	if (!valid)
		snprintf(buf, n, "<unreadable>");
	else if (len == 8)
		snprintf(buf, n, "%" PRId64, (int64_t)v);
	else if (len == 4)
		snprintf(buf, n, "%" PRId32, (int32_t)(uint32_t)v);
	else if (len == 2)
		snprintf(buf, n, "%" PRId16, (int16_t)(uint16_t)v);
	else
		snprintf(buf, n, "%" PRId8, (int8_t)(uint8_t)v);
	return buf;
}

/* gdb's lines: "Hardware watchpoint 2: counter", the values, the frame. */
static void text_watch(const struct ld_stop_report *r, const char *where)
{
	const struct ld_stop_watch *w = &r->watch;
	char a[32], b[32];

	ld_out("\n%s %d: %s\n\n", w->title ? w->title : "Hardware watchpoint",
	       r->bpnum, w->expr ? w->expr : "?");
	if (w->changed)
		ld_out("Old value = %s\nNew value = %s\n",
		       watch_value(w->old_valid, w->old, w->len, a, sizeof a),
		       watch_value(w->new_valid, w->value, w->len, b, sizeof b));
	else
		ld_out("Value = %s\n",
		       watch_value(w->new_valid, w->value, w->len, b, sizeof b));
	ld_out("%s\n", where);
}

/* After the frame: who wrote, and where the address lies. */
static void text_watch_who(const struct ld_stop_report *r)
{
	const struct ld_stop_watch *w = &r->watch;

	ld_out("[%s by thread %d (LWP %d): %s]\n", w->verb ? w->verb : "hit",
	       r->thread, (int)r->tid, w->region ? w->region : "?");
}

/* The stop line(s) proper: what stopped the program, and where. */
static void text_reason(struct ld_session *s, const struct ld_stop_report *r,
			const char *where)
{
	switch (r->kind) {
	case LD_SK_BREAKPOINT:
		if (r->bploc)	/* gdb names the location of several hit */
			ld_out("\n%s %d.%u, %s\n", r->temporary ?
			       "Temporary breakpoint" : "Breakpoint", r->bpnum,
			       r->bploc, where);
		else
			ld_out("\n%s %d, %s\n", r->temporary ?
			       "Temporary breakpoint" : "Breakpoint", r->bpnum, where);
		break;
	case LD_SK_SIGNAL:
	case LD_SK_GROUP_STOP:
		text_signal(s, r, where);
		break;
	case LD_SK_LINE:
		/* gdb's `next` inside a function shows the source line only */
		if (r->same_function && r->frame.file)
			break;
		/* fall through */
	case LD_SK_STEPI:
	case LD_SK_FINISH:
		ld_out("%s\n", where);
		break;
	case LD_SK_INTERRUPT:
		ld_out("\nProgram interrupted.\n%s\n", where);
		break;
	case LD_SK_WATCHPOINT:
		text_watch(r, where);
		break;
	default:
		if (is_catch(r->kind))
			text_catch(r, where);
		break;
	}
}

static void text_stop(struct ld_session *s, const struct ld_stop_report *r)
{
	struct ld_frame_args *args = NULL;
	char where[WHERE_MAX];

	if (r->kind == LD_SK_EXITED || r->kind == LD_SK_KILLED) {
		if (r->kind == LD_SK_KILLED)
			ld_out("[process %d killed by SIG%s]\n", (int)r->pid,
			       sigabbrev_np(r->sig));
		else
			ld_out("[process %d exited with code %d]\n", (int)r->pid,
			       r->exit_code);
		return;
	}
	if (r->kind == LD_SK_ATTACHED) {	/* gdb shows no line here */
		if (r->frame.valid)
			ld_out("%s\n", ld_stop_where(&r->frame, false, where, sizeof where));
		return;
	}
	if (r->switched)
		ld_out("[Switching to thread %d (LWP %d)]\n", r->thread, (int)r->tid);
	/* the arguments only for a line that shows the frame (a `next`
	 * within its function shows the source line alone) */
	if (!(r->kind == LD_SK_LINE && r->same_function && r->frame.file))
		args = ld_frame_args_get(s, r->tid, 0, NULL);
	text_reason(s, r, ld_stop_where_args(&r->frame, args, true, where,
					     sizeof where));
	ld_frame_args_free(args);
	if (r->frame.file && !is_catch(r->kind)) {
		ld_show_frame_line(r->frame.line, r->frame.file, r->source,
				   r->source_errno);
	}
	if (r->kind == LD_SK_WATCHPOINT)
		text_watch_who(r);
	if (r->snapshot)
		ld_out("[snapshot %%%u]\n", r->snapshot);
	if (r->has_value)
		ld_out("Value returned is $%u = 0x%llx (%lld)\n", r->value_num,
		       (unsigned long long)r->value, (long long)r->value);
}

static void text_break(const struct ld_break_note *b)
{
	const char *what = b->temporary ? "Temporary breakpoint" : "Breakpoint";

	switch (b->form) {
	case LD_BRK_LIVE:
		ld_out("%s %d at 0x%" PRIx64 ": %s\n", what, b->num, b->addr, b->text);
		break;
	case LD_BRK_RESOLVED:
		ld_out("Breakpoint %d at 0x%" PRIx64 ": %s\n", b->num, b->addr, b->text);
		break;
	case LD_BRK_LINE:
		ld_out("%s %d at 0x%" PRIx64 ": file %s, line %u.\n", what, b->num,
		       b->addr, ld_source_shortname(b->file), b->line);
		break;
	case LD_BRK_ADDR:
		ld_out("Breakpoint %d at 0x%" PRIx64 "\n", b->num, b->addr);
		break;
	case LD_BRK_UNRELOCATED:
		ld_out("%s %d at 0x%" PRIx64 " (before relocation): %s in %s\n",
		       what, b->num, b->addr, b->text, b->exe);
		break;
	case LD_BRK_PENDING_LIB:
		ld_out("Breakpoint %d (%s) pending: %s is not loaded yet\n",
		       b->num, b->location, b->text);
		break;
	case LD_BRK_PENDING_FILE:
		ld_out("Breakpoint %d (%s) pending: %s in the program; armed if a "
		       "library with that file loads\n", b->num, b->location, b->text);
		break;
	case LD_BRK_PENDING_NOPROG:
		ld_out("Breakpoint %d (%s) pending: no program loaded yet\n",
		       b->num, b->location);
		break;
	case LD_BRK_PENDING_SYM:
		ld_out("Breakpoint %d (%s) pending: armed when a library "
		       "defining it loads\n", b->num, b->location);
		break;
	}
}

static void text_note(struct ld_session *s, const struct ld_note *n)
{
	char where[WHERE_MAX];

	switch (n->kind) {
	case LD_NOTE_STOP:
		text_stop(s, n->stop);
		break;
	case LD_NOTE_STARTING:
		ld_out("Starting program: %s\n", n->text);
		break;
	case LD_NOTE_KILLING:
		ld_out("Killing the running process %d first.\n", (int)n->pid);
		break;
	case LD_NOTE_BREAK:
		text_break(n->brk);
		break;
	case LD_NOTE_FOLLOW_CHILD:
		ld_out("[Detaching after fork from parent process %d]\n[Attaching "
		       "after process %d fork to child process %d]\n", (int)n->pid,
		       (int)n->pid, (int)n->child);
		break;
	case LD_NOTE_EXEC:
		ld_out("process %d is executing new program: %s\n", (int)n->pid,
		       n->text ? n->text : "?");
		break;
	case LD_NOTE_COND_ERROR:	/* gdb's bpstat_check_breakpoint_conditions */
		ld_out("Error in testing condition for breakpoint %d:\n", n->num);
		ld_out("%s\n", n->text);
		break;
	case LD_NOTE_IGNORE:	/* gdb's set_ignore_count, then "Continuing." */
		if (n->count == 1)
			ld_out("Will ignore next crossing of breakpoint %d.  "
			       "Continuing.\n", n->num);
		else
			ld_out("Will ignore next %lu crossings of breakpoint %d.  "
			       "Continuing.\n", n->count, n->num);
		break;
	case LD_NOTE_FINISH_FROM: {
		struct ld_frame_args *a = ld_frame_args_get(s, s->live.cur_tid,
							   (int)n->count, NULL);

		ld_out("Run till exit from #%lu  %s\n", n->count,
		       ld_stop_where_args(n->frame, a, true, where, sizeof where));
		ld_frame_args_free(a);
		break;
	}
	case LD_NOTE_NO_LINES:
		ld_out("Single stepping until exit from function %s,\nwhich has no "
		       "line number information.\n", n->text);
		break;
	case LD_NOTE_ATTACHED:
		ld_out("Attached to process %d (%lu thread%s)\n", (int)n->pid,
		       n->count, n->count == 1 ? "" : "s");
		break;
	case LD_NOTE_DETACHED:
		ld_out("[process %d detached]\n", (int)n->pid);
		break;
	case LD_NOTE_KILLED:
		ld_out("[process %d killed]\n", (int)n->pid);
		break;
	}
}

/* ---- JSON ------------------------------------------------------------ */

static const char *kind_name(enum ld_report_kind k)
{
	static const char *names[] = {
		[LD_SK_NONE] = "none", [LD_SK_STARTED] = "started",
		[LD_SK_ATTACHED] = "attached", [LD_SK_BREAKPOINT] = "breakpoint",
		[LD_SK_SIGNAL] = "signal", [LD_SK_GROUP_STOP] = "group-stop",
		[LD_SK_STEPI] = "stepi", [LD_SK_LINE] = "step",
		[LD_SK_FINISH] = "finish", [LD_SK_INTERRUPT] = "interrupted",
		[LD_SK_SYSCALL] = "syscall", [LD_SK_FORK] = "fork",
		[LD_SK_EXEC] = "exec", [LD_SK_LOAD] = "load",
		[LD_SK_EXITED] = "exited", [LD_SK_KILLED] = "killed",
		[LD_SK_WATCHPOINT] = "watchpoint", [LD_SK_LAYOUT] = "layout",
	};

	return names[k];
}

static void json_signal(json_t *o, const struct ld_stop_report *r)
{
	ld_jset(o, "signal", json_sprintf("SIG%s", sigabbrev_np(r->sig)));
	ld_jset(o, "signal_number", json_integer(r->sig));
	if (!r->fault)
		return;
	ld_json_put_u64(o, "fault_address", r->fault_addr);
	if (r->fault_map)
		ld_json_put_text(o, "fault_mapping", r->fault_map);
	else
		ld_jset(o, "fault_mapping", json_null());
}

static void json_syscall(json_t *o, const struct ld_stop_report *r)
{
	ld_jset(o, "nr", json_integer(r->sys.nr));
	ld_jset(o, "syscall", r->sys.name ? json_string(r->sys.name) : json_null());
	ld_jset(o, "at", json_string(r->sys.returned ? "return" : "entry"));
	if (r->sys.call)
		ld_json_put_text(o, "call", r->sys.call);
	if (!r->sys.returned)
		return;
	ld_jset(o, "ret", json_integer(r->sys.ret));
	if (r->sys.result)
		ld_json_put_text(o, "result", r->sys.result);
}

/* A watched value sign-extended from its length, as the text shows it. */
static json_int_t sext(uint64_t v, unsigned len)
{
	unsigned shift = len >= 8 ? 0 : 64 - 8 * len;

	return (json_int_t)((int64_t)(v << shift) >> shift);
}

static json_t *json_watch(const struct ld_stop_report *r)
{
	const struct ld_stop_watch *w = &r->watch;
	json_t *o = json_object();

	ld_jset(o, "title", json_string(w->title ? w->title : "?"));
	ld_json_put_text(o, "expression", w->expr ? w->expr : "");
	ld_json_put_u64(o, "address", w->addr);
	ld_jset(o, "length", json_integer(w->len));
	ld_jset(o, "access", json_string(w->verb ? w->verb : "?"));
	ld_jset(o, "changed", json_boolean(w->changed));
	/* null: unchanged (Value only), or unreadable */
	ld_jset(o, "old", w->changed && w->old_valid ?
		json_integer(sext(w->old, w->len)) : json_null());
	ld_jset(o, "value", w->new_valid ? json_integer(sext(w->value, w->len)) :
		json_null());
	if (w->region)
		ld_json_put_text(o, "region", w->region);
	return o;
}

static json_t *json_frame(const struct ld_stop_frame *f);

/* The "reason" object: the kind and what belongs to it. */
static json_t *json_reason(const struct ld_stop_report *r)
{
	json_t *o = json_object();
	char text[1280];

	ld_jset(o, "kind", json_string(kind_name(r->kind)));
	ld_json_put_text(o, "text", ld_stop_reason(r, text, sizeof text));
	if (r->kind == LD_SK_BREAKPOINT || is_catch(r->kind))
		ld_jset(o, "number", json_integer(r->bpnum));
	if (r->kind == LD_SK_BREAKPOINT) {
		ld_jset(o, "temporary", json_boolean(r->temporary));
		if (r->spec)
			ld_json_put_text(o, "location", r->spec);
		if (r->bploc) {	/* of several: gdb's N.M */
			char num[32];

			snprintf(num, sizeof num, "%d.%u", r->bpnum, r->bploc);
			ld_jset(o, "location_number", json_string(num));
		}
	}
	if (r->kind == LD_SK_SIGNAL || r->kind == LD_SK_GROUP_STOP ||
	    r->kind == LD_SK_KILLED)
		json_signal(o, r);
	if (r->kind == LD_SK_LINE)
		ld_jset(o, "same_function", json_boolean(r->same_function));
	if (r->kind == LD_SK_SYSCALL || r->kind == LD_SK_LAYOUT)
		json_syscall(o, r);
	if (r->kind == LD_SK_WATCHPOINT) {
		ld_jset(o, "number", json_integer(r->bpnum));
		ld_jset(o, "watch", json_watch(r));
	}
	if (r->kind == LD_SK_LAYOUT && r->layout)
		ld_json_put_text(o, "layout", r->layout);
	if (r->kind == LD_SK_LAYOUT && r->caller.valid)
		ld_jset(o, "caller", json_frame(&r->caller));
	if (r->kind == LD_SK_FORK) {
		ld_jset(o, "child", json_integer(r->child));
		ld_jset(o, "vfork", json_boolean(r->vfork));
	}
	if ((r->kind == LD_SK_EXEC || r->kind == LD_SK_LOAD) && r->path)
		ld_json_put_text(o, "path", r->path);
	if (r->kind == LD_SK_EXITED)
		ld_jset(o, "exit_code", json_integer(r->exit_code));
	return o;
}

static json_t *json_frame(const struct ld_stop_frame *f)
{
	json_t *o = json_object();

	ld_json_put_u64(o, "pc", f->pc);
	ld_jset(o, "function", f->function ? json_string(f->function) : json_null());
	if (f->function)
		ld_json_put_u64(o, "offset", f->offset);
	if (f->object)
		ld_json_put_text(o, "object", f->object);
	else
		ld_jset(o, "object", json_null());
	if (f->file) {
		ld_json_put_text(o, "file", f->file);
		ld_jset(o, "line", json_integer(f->line));
	}
	return o;
}

json_t *ld_json_stop(const struct ld_stop_report *r)
{
	json_t *d = json_object();

	ld_jset(d, "event", json_string("stop"));
	ld_jset(d, "reason", json_reason(r));
	ld_jset(d, "pid", json_integer(r->pid));
	if (r->tid)
		ld_jset(d, "thread", json_pack("{s:i, s:i}", "tid", (int)r->tid,
					       "num", r->thread));
	if (r->frame.valid)
		ld_jset(d, "frame", json_frame(&r->frame));
	if (r->snapshot)
		ld_jset(d, "snapshot", json_integer(r->snapshot));
	if (r->has_value) {
		json_t *v = json_pack("{s:i}", "num", (int)r->value_num);

		ld_json_put_u64(v, "value", r->value);
		ld_jset(d, "value", v);
	}
	return d;
}

/* The stop document with the frame's arguments (the frame line's). */
static json_t *stop_doc(struct ld_session *s, const struct ld_stop_report *r)
{
	json_t *d = ld_json_stop(r), *fr = d ? json_object_get(d, "frame") : NULL;
	struct ld_frame_args *a;

	if (!fr || !r->tid || !(a = ld_frame_args_get(s, r->tid, 0, NULL)))
		return d;
	ld_jset(fr, "args", ld_frame_args_json(a));
	ld_frame_args_free(a);
	return d;
}

/* A stop document is an event between the commands' own documents: it
 * does not count as the command's (ld_json_emitted). */
static void emit_event(json_t *doc)
{
	char *text = doc ? json_dumps(doc, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;

	if (text)
		ld_cmd_doc_stop(doc);
	json_decref(doc);
	if (!text) {
		ld_error("cannot print the stop document: out of memory");
		return;
	}
	ld_put_json_line(stdout, text);
	fflush(stdout);
	free(text);
}

void ld_render_note(struct ld_session *s, const struct ld_note *n)
{
	if (ld_json_on()) {
		if (n->kind == LD_NOTE_STOP)
			emit_event(stop_doc(s, n->stop));
		return;
	}
	text_note(s, n);
}
