/* The stop report, as data: naming its reason, releasing it.  Built by
 * normalstop.c, rendered by present/stop.c. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/stopreport.h"

void ld_stop_frame_release(struct ld_stop_frame *f)
{
	free(f->function);
	free(f->object);
	free(f->file);
	memset(f, 0, sizeof *f);
}

void ld_stop_report_release(struct ld_stop_report *r)
{
	ld_stop_frame_release(&r->frame);
	free(r->source);
	free(r->spec);
	free(r->fault_map);
	free(r->sys.call);
	free(r->sys.result);
	free(r->path);
	free(r->watch.expr);
	free(r->watch.region);
	free(r->layout);
	ld_stop_frame_release(&r->caller);
	memset(r, 0, sizeof *r);
}

int ld_stop_catch_title(const struct ld_stop_report *r, char *buf, size_t len)
{
	const char *name = r->sys.name ? r->sys.name : "?";

	switch (r->kind) {
	case LD_SK_SYSCALL:
		return snprintf(buf, len, "Catchpoint %d (%s syscall %s)", r->bpnum,
				r->sys.returned ? "returned from" : "call to", name);
	case LD_SK_FORK:
		return snprintf(buf, len, "Catchpoint %d (%s process %d)", r->bpnum,
				r->vfork ? "vforked" : "forked", (int)r->child);
	case LD_SK_EXEC:
		return snprintf(buf, len, "Catchpoint %d (exec'd %s)", r->bpnum,
				r->path ? r->path : "?");
	case LD_SK_LOAD:
		return snprintf(buf, len, "Catchpoint %d (loaded %s)", r->bpnum,
				r->path ? r->path : "?");
	case LD_SK_LAYOUT:
		return snprintf(buf, len, "Catchpoint %d (layout: %s)", r->bpnum,
				r->layout ? r->layout : "?");
	default:
		return snprintf(buf, len, "Catchpoint %d", r->bpnum);
	}
}

/* "watchpoint 2 (counter) written by thread 2 in worker () at w.c:15" */
static void watch_reason(const struct ld_stop_report *r, char *buf, size_t len)
{
	const struct ld_stop_frame *f = &r->frame;
	char at[400] = "";

	if (f->file)
		snprintf(at, sizeof at, " at %.200s:%u", f->file, f->line);
	snprintf(buf, len, "watchpoint %d (%.200s) %s by thread %d in %.200s ()%s",
		 r->bpnum, r->watch.expr ? r->watch.expr : "?",
		 r->watch.verb ? r->watch.verb : "hit", r->thread,
		 f->function ? f->function : "??", at);
}

const char *ld_stop_reason(const struct ld_stop_report *r, char *buf, size_t len)
{
	char msg[1280];

	switch (r->kind) {
	case LD_SK_NONE:
		snprintf(buf, len, "%s", "");
		break;
	case LD_SK_STARTED:
		snprintf(buf, len, "exec");
		break;
	case LD_SK_ATTACHED:
		snprintf(buf, len, "attach");
		break;
	case LD_SK_BREAKPOINT:
		snprintf(buf, len, "breakpoint %d (%s)", r->bpnum,
			 r->spec ? r->spec : "?");
		break;
	case LD_SK_SIGNAL:
	case LD_SK_GROUP_STOP:
		snprintf(buf, len, "signal SIG%s", sigabbrev_np(r->sig));
		break;
	case LD_SK_STEPI:
	case LD_SK_LINE:
		snprintf(buf, len, "%s", r->kind == LD_SK_LINE ? "step" : "stepi");
		break;
	case LD_SK_FINISH:
		snprintf(buf, len, "finish");
		break;
	case LD_SK_INTERRUPT:
		snprintf(buf, len, "interrupted");
		break;
	case LD_SK_EXITED:
	case LD_SK_KILLED:
		snprintf(buf, len, "exited");
		break;
	case LD_SK_WATCHPOINT:	/* with the writer's frame */
		watch_reason(r, buf, len);
		break;
	default:	/* catchpoints: their message, at most 200 bytes */
		ld_stop_catch_title(r, msg, sizeof msg);
		snprintf(buf, len, "%.200s", msg);
		break;
	}
	return buf;
}

const char *ld_stop_event_name(enum ld_report_kind kind)
{
	switch (kind) {
	case LD_SK_BREAKPOINT:
		return "breakpoint";
	case LD_SK_STEPI:
	case LD_SK_LINE:
		return "step";
	case LD_SK_FINISH:
		return "finish";
	case LD_SK_SIGNAL:
	case LD_SK_GROUP_STOP:
		return "signal";
	case LD_SK_INTERRUPT:
	case LD_SK_ATTACHED:
		return "interrupt";
	case LD_SK_SYSCALL:
	case LD_SK_FORK:
	case LD_SK_EXEC:
	case LD_SK_LOAD:
	case LD_SK_LAYOUT:
		return "catchpoint";
	case LD_SK_WATCHPOINT:
		return "watchpoint";
	case LD_SK_EXITED:
	case LD_SK_KILLED:
		return "exited";
	default:
		return "none";
	}
}
