/* The output layer: ld_fout prints as fprintf does for every conversion
 * layoutdbg uses, except that %s and %c text is escaped for the terminal
 * (control characters as \e \n \r \xHH, C1 controls too, tab and UTF-8
 * kept) and the colour codes of ld_c pass; long errors keep their end;
 * errors inside a command file carry FILE:LINE. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/error.h"
#include "layoutdbg/output.h"
#include "tap.h"

static char *out(const char *fmt, ...) LD_PRINTF(1, 2);

static char *out(const char *fmt, ...)
{
	static char *buf;
	size_t len;
	va_list ap;
	FILE *m;

	free(buf);
	buf = NULL;
	m = open_memstream(&buf, &len);
	va_start(ap, fmt);
	ld_vfout(m, fmt, ap);
	va_end(ap);
	fclose(m);
	return buf;
}

/* The edges of the C1 range (U+0080..U+009F escaped, U+00A0 shown) and
 * UTF-8 as strict as jansson: an overlong form is no character (JSON
 * output would be refused whole), the shortest form of U+0800 and
 * U+10000 is one. */
static bool t_utf8_edges(void)
{
	char s[] = "a\xe0\x80\xaf" "b" "\xf0\x80\x80\xaf";
	uint32_t cp = 0;

	CHECK(!strcmp(out("<%s>", "\xc2\x80"), "<\\xc2\\x80>"));
	CHECK(!strcmp(out("<%s>", "\xc2\x9f"), "<\\xc2\\x9f>"));
	CHECK(!strcmp(out("<%s>", "\xc2\xa0"), "<\xc2\xa0>"));
	CHECK(ld_utf8_seq((const unsigned char *)"\xe0\x80\xaf", 3, &cp) == 0);
	CHECK(ld_utf8_seq((const unsigned char *)"\xf0\x80\x80\xaf", 4, &cp) == 0);
	CHECK(ld_utf8_seq((const unsigned char *)"\xe0\xa0\x80", 3, &cp) == 3 && cp == 0x800);
	CHECK(ld_utf8_seq((const unsigned char *)"\xf0\x90\x80\x80", 4, &cp) == 4 &&
	      cp == 0x10000);
	ld_utf8_fix(s);
	CHECK(!strcmp(s, "a???b????"));
	return true;
}

static bool t_like_printf(void)
{
	char want[256];

#define SAME(...) do {							\
		snprintf(want, sizeof want, __VA_ARGS__);		\
		CHECK(!strcmp(out(__VA_ARGS__), want));			\
	} while (0)
	SAME("%d %i %u %x %X %o %%", -5, 7, 4000000000u, 0xabcu, 0xabcu, 8u);
	SAME("%ld %lu %lx %lld %llu %llx", -1L, 2UL, 255UL, -3LL, 4ULL, 0xffULL);
	SAME("%zu %zd %jd", (size_t)9, (ssize_t)-9, (intmax_t)-1);
	SAME("%" PRIx64 " %#" PRIx64 " 0x%016" PRIx64, (uint64_t)1 << 63, (uint64_t)255,
	     (uint64_t)0x555555554000);
	SAME("[%5d|%-5d|%05d|%+d]", 42, 42, 42, 42);
	SAME("[%*d|%-*d|%.*s|%*s]", 6, 1, 6, 2, 3, "abcdef", 4, "x");
	SAME("[%-10s|%10s|%.2s]", "left", "right", "precision");
	SAME("%c%c %p %.1f %g", 'o', 'k', (void *)0x1234, 1.25, 0.5);
	SAME("%s", "tab\tis kept, and UTF-8: \xc3\xa9\xe2\x98\x83");
	return true;
}

static bool t_escaped(void)
{
	CHECK(!strcmp(out("<%s>", "a\x1b[2Jb\nc\rd\x7f\x01"), "<a\\e[2Jb\\nc\\rd\\x7f\\x01>"));
	CHECK(!strcmp(out("<%s>", "\xc2\x9b" "31m"), "<\\xc2\\x9b31m>"));   /* C1 CSI */
	CHECK(!strcmp(out("<%s>", "\x9b" "31m"), "<\\x9b31m>"));           /* a stray byte */
	CHECK(!strcmp(out("<%s>", "latin1 \xe9"), "<latin1 \xe9>"));
	CHECK(!strcmp(out("<%c>", 27), "<\\e>"));
	CHECK(!strcmp(out("<%-6s>", "\x1b"), "<\\e    >"));              /* width of what shows */
	CHECK(!strcmp(out("<%.2s>", "\x1b\x1b\x1b"), "<\\e\\e>"));
	/* the format itself is ours: its newlines stay */
	CHECK(!strcmp(out("a\nb %s\n", "c"), "a\nb c\n"));
	ld_color_set(1);
	CHECK(!strcmp(out("%sx%s", ld_c(LD_C_ADD), ld_c(LD_C_RESET)), "\033[32mx\033[0m"));
	{
		char code[] = "\033[32m";   /* the same text, not our pointer */

		CHECK(!strcmp(out("%s", code), "\\e[32m"));
	}
	ld_color_set(0);
	return true;
}

static char *error_text(void (*fn)(void))
{
	static char *buf;
	size_t len;
	FILE *m;

	free(buf);
	buf = NULL;
	m = open_memstream(&buf, &len);
	ld_error_set_stream(m);
	fn();
	ld_error_set_stream(NULL);
	fclose(m);
	return buf;
}

static char big[20000];

static void long_error(void)
{
	memset(big, 'x', sizeof big - 1);
	ld_error("list %s: no function \"%s\" with line information", big, "f");
}

static void in_file(void)
{
	const char *old = ld_error_origin("~/.layoutdbgrc:3");

	ld_error("%s: unknown command", "frob\x1b");
	ld_warn("careful");
	ld_error_origin(old);
	ld_error("after");
}

static bool t_errors(void)
{
	char *e = error_text(long_error);

	CHECK(strlen(e) < 4100 && !strncmp(e, "layoutdbg: list xxx", 19));
	CHECK(strstr(e, " bytes left out]..."));
	CHECK(strstr(e, "xxx: no function \"f\" with line information\n"));
	e = error_text(in_file);
	CHECK(!strcmp(e, "layoutdbg: ~/.layoutdbgrc:3: frob\\e: unknown command\n"
		      "layoutdbg: ~/.layoutdbgrc:3: warning: careful\n"
		      "layoutdbg: after\n"));
	return true;
}

static bool t_shorten(void)
{
	char buf[64];

	CHECK(!strcmp(ld_shorten("short", 20, buf, sizeof buf), "short"));
	CHECK(!strcmp(ld_shorten("0123456789abcdefghij", 11, buf, sizeof buf), "0123...ghij"));
	return true;
}

static bool t_human_size(void)
{
	static const struct { uint64_t n; const char *want; } v[] = {
		{ 0, "0 B" }, { 1023, "1023 B" }, { 1024, "1 KiB" }, { 1536, "1.5 KiB" },
		{ 4096, "4 KiB" }, { 135168, "132 KiB" },
		{ 1048576, "1 MiB" }, { (uint64_t)1 << 60, "1 EiB" },
	};
	char buf[32];
	size_t i;

	for (i = 0; i < sizeof v / sizeof *v; i++) {
		ld_human_size(v[i].n, buf, sizeof buf);
		if (strcmp(buf, v[i].want)) {
			printf("# %llu: \"%s\", want \"%s\"\n", (unsigned long long)v[i].n,
			       buf, v[i].want);
			return false;
		}
	}
	return true;
}

int main(void)
{
	run("ld_fout prints numbers, widths and precisions as printf does", t_like_printf);
	run("%s and %c text is escaped; colour codes and the format pass", t_escaped);
	run("C1 from U+0080 to U+009F escaped, U+00A0 shown; overlong UTF-8 refused",
	    t_utf8_edges);
	run("errors: a long one keeps its end; FILE:LINE inside a command file", t_errors);
	run("ld_shorten keeps head and tail", t_shorten);
	run("ld_human_size: bytes below 1024, then KiB, MiB... from exactly 1024",
	    t_human_size);
	return tap_done();
}
