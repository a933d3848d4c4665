/* Output helpers. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "layoutdbg/output.h"

static int out_quiet;
static int json_on, json_done;

void ld_json_set(int on)
{
	json_on = on;
	out_quiet = on;
	ld_error_set_json(on);
}

int ld_json_on(void)
{
	return json_on;
}

int ld_json_emitted(void)
{
	return json_done;
}

void ld_json_reset(void)
{
	json_done = 0;
}

void ld_json_note_error(void)
{
	json_done = 1;
}

int ld_emit_json(json_t *doc)
{
	char *text;

	if (!doc)
		return ld_error("cannot build the JSON document: out of memory");
	text = json_dumps(doc, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(doc);
	if (!text)
		return ld_error("cannot print the JSON document: out of memory");
	printf("%s\n", text);
	fflush(stdout);
	free(text);
	json_done = 1;
	return 0;
}
static int color_on;

void ld_out_set_quiet(int quiet)
{
	out_quiet = quiet;
}

void ld_out(const char *fmt, ...)
{
	va_list ap;

	if (out_quiet)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
}

const char *ld_human_size(uint64_t n, char *buf, size_t len)
{
	static const char *unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	double v = (double)n;
	int u = 0;

	while (v >= 1024 && u < 6) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%llu B", (unsigned long long)n);
	else if (v == (double)(uint64_t)v)
		snprintf(buf, len, "%.0f %s", v, unit[u]);
	else
		snprintf(buf, len, "%.1f %s", v, unit[u]);
	return buf;
}

void ld_color_set(int on)
{
	color_on = on;
}

int ld_color_on(void)
{
	return color_on;
}

const char *ld_c(enum ld_color c)
{
	static const char *codes[] = {
		[LD_C_RESET] = "\033[0m", [LD_C_ADD] = "\033[32m",
		[LD_C_DEL] = "\033[31m", [LD_C_CHG] = "\033[33m",
		[LD_C_DIM] = "\033[2m", [LD_C_BOLD] = "\033[1m",
	};

	return color_on ? codes[c] : "";
}
