/* libFuzzer target: the command layer -- the real command table and
 * dispatcher (ld_execute), argument parsing, preconditions, error
 * messages and the text and JSON writers.
 *
 * The first byte chooses the session.  Bit 2 clear: a fresh session per
 * input, with the heap fixture loaded as the program when bit 0 is set (so
 * `break`, `list`, `info line`, `info sections` reach the ELF and DWARF
 * code).  Bit 2 set: a real stopped process -- the heap fixture at its
 * calloc breakpoint, started once and kept; its breakpoints and snapshots
 * are reset after each input and commands that would run or end it are
 * skipped.  Bit 1 turns --json on.  The rest is command lines.
 *
 * Commands that start processes or touch files by name (run, start,
 * attach, trace, file, load, source, save, export) are always skipped: the
 * fuzzer must not spawn programs or write where it is told; fuzz_load
 * covers the snapshot reader.
 *
 * The program: $LD_FUZZ_PROGRAM, else fixtures/heap next to the fuzz
 * directory of the build tree. */
#include <libgen.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "layoutdbg/infrun.h"
#include "layoutdbg/cmdtable.h"
#include "layoutdbg/error.h"
#include "layoutdbg/output.h"
#include "layoutdbg/session.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_LINES 64
#define MAX_LINE 4096

static char program[PATH_MAX];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *env = getenv("LD_FUZZ_PROGRAM");
	char self[PATH_MAX];
	FILE *null = fopen("/dev/null", "w");

	(void)argc;
	if (env) {
		snprintf(program, sizeof program, "%s", env);
	} else {
		snprintf(self, sizeof self, "%s", (*argv)[0]);
		snprintf(program, sizeof program, "%s/../fixtures/heap", dirname(self));
	}
	if (access(program, R_OK) != 0) {
		fprintf(stderr, "fuzz_commands: no program at %s (set LD_FUZZ_PROGRAM): "
			"running without one\n", program);
		*program = 0;
	}
	/* Output is exercised, not read. */
	if (null) {
		ld_error_set_stream(null);
		if (!freopen("/dev/null", "w", stdout))
			return 0;
	}
	return 0;
}

/* Does the first word of line name (or abbreviate) one of names? */
static bool names_one_of(const char *line, const char *const *names, size_t n)
{
	char word[32];
	size_t i, len;

	line += strspn(line, " \t");
	len = strcspn(line, " \t/");
	if (!len || len >= sizeof word)
		return false;
	memcpy(word, line, len);
	word[len] = 0;
	/* a prefix of any of them might resolve to it */
	for (i = 0; i < n; i++)
		if (!strncmp(names[i], word, len))
			return true;
	return false;
}

static bool blocked(const char *line, bool live)
{
	static const char *const files[] = {
		"run", "r", "start", "attach", "trace", "file", "load", "source",
		"save", "export",
	};
	/* what would move or end the one live process */
	static const char *const moves[] = {
		"continue", "c", "cont", "fg", "stepi", "si", "finish", "fin", "next",
		"n", "step", "s", "until", "u", "kill", "k", "detach", "quit", "q",
		"exit",
	};

	return names_one_of(line, files, sizeof files / sizeof *files) ||
	       (live && names_one_of(line, moves, sizeof moves / sizeof *moves));
}

/* The live session: the heap fixture stopped at calloc, (re)started when
 * there is none. */
static struct ld_session live;
static bool live_ready;

static struct ld_session *live_session(void)
{
	if (!live_ready) {
		ld_session_init(&live);
		if (!*program || ld_program_file(&live, program) < 0)
			return NULL;
		ld_execute(&live, "set cpu-pinning off");
		live_ready = true;
	}
	if (!live.live.proc) {
		ld_execute(&live, "delete");
		if (ld_execute(&live, "break calloc") < 0 || ld_execute(&live, "run") < 0 ||
		    !live.live.proc)
			return NULL;
	}
	return &live;
}

/* What one input did to the live session is undone before the next. */
static void live_reset(struct ld_session *s)
{
	ld_execute(s, "delete");
	ld_execute(s, "break calloc");
	ld_snapshots_release(&s->recording.snaps);
	ld_snapshots_init(&s->recording.snaps);
	ld_execute(s, "frame 0");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ld_session fresh, *s = &fresh;
	char *text, *line, *next;
	unsigned lines = 0;
	bool is_live;

	if (!size)
		return 0;
	is_live = data[0] & 4;
	if (is_live && !(s = live_session()))
		return 0;
	text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = 0;
	if (!is_live) {
		ld_session_init(s);
		if ((data[0] & 1) && *program)
			ld_program_file(s, program);
	}
	ld_json_set(data[0] & 2);
	for (line = text; line && lines++ < MAX_LINES; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		if (strlen(line) > MAX_LINE || blocked(line, is_live))
			continue;
		if (ld_execute(s, line) == LD_CMD_QUIT)
			break;
	}
	ld_json_set(0);
	if (is_live)
		live_reset(s);
	else
		ld_session_end(s);
	free(text);
	return 0;
}
