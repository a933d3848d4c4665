/* libFuzzer target: the command layer -- the real command table and
 * dispatcher (ld_execute), argument parsing, preconditions, error
 * messages and the text and JSON writers -- over a fresh session per
 * input.  The first byte chooses the session: bit 0 loads the heap fixture
 * as the program (so `break`, `list`, `info line`, `info sections` reach
 * the ELF and DWARF code), bit 1 turns --json on.  The rest is command
 * lines.  Commands that start processes or touch files by name (run,
 * start, attach, trace, file, load, source, save, export) are skipped:
 * the fuzzer must not spawn programs or write where it is told;
 * fuzz_load covers the snapshot reader.
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

#include "layoutdbg/commands.h"
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

static bool blocked(const char *line)
{
	static const char *const names[] = {
		"run", "r", "start", "attach", "trace", "file", "load", "source",
		"save", "export",
	};
	char word[32];
	size_t i, n;

	line += strspn(line, " \t");
	n = strcspn(line, " \t/");
	if (!n || n >= sizeof word)
		return false;
	memcpy(word, line, n);
	word[n] = 0;
	/* a prefix of any of them might resolve to it */
	for (i = 0; i < sizeof names / sizeof *names; i++)
		if (!strncmp(names[i], word, n))
			return true;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ld_session s;
	char *text, *line, *next;
	unsigned lines = 0;

	if (!size)
		return 0;
	text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = 0;
	ld_session_init(&s);
	ld_json_set(data[0] & 2);
	if ((data[0] & 1) && *program)
		ld_session_file(&s, program);
	for (line = text; line && lines++ < MAX_LINES; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		if (strlen(line) > MAX_LINE || blocked(line))
			continue;
		if (ld_execute(&s, line) == LD_CMD_QUIT)
			break;
	}
	ld_session_release(&s);
	ld_json_set(0);
	free(text);
	return 0;
}
