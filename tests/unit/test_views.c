/* Mapping classification (views.c): which PT_LOAD each mapping became,
 * the RELRO split, a library's .bss tail, the special regions; on real
 * layouts made by the kernel: this test's own process (a PIE linked with
 * the core library) and, when a compiler is there, a non-PIE program.
 * No ptrace: the layouts are read from /proc.  Prints TAP. */
#include <elf.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"
#include "layoutdbg/infrun.h"
#include "layoutdbg/capture.h"
#include "layoutdbg/session.h"
#include "layoutdbg/views.h"

/* A session looking at process pid (no ptrace): maps and objects. */
static bool look_at(struct ld_session *s, pid_t pid, struct ld_maps *m,
		    struct ld_region **rg)
{
	char err[256], exe[4096], link[64];
	ssize_t n;

	ld_session_init(s);
	ld_maps_init(m);
	if (ld_maps_read(pid, m, err, sizeof err) < 0)
		return false;
	snprintf(link, sizeof link, "/proc/%d/exe", (int)pid);
	n = readlink(link, exe, sizeof exe - 1);
	if (n <= 0)
		return false;
	exe[n] = 0;
	if (ld_objs_scan(&s->live.objs, pid, m, exe, ld_auxv_get(pid, AT_BASE)) < 0)
		return false;
	*rg = calloc(m->n + 1, sizeof **rg);
	return *rg && ld_session_classify(s, m, NULL, *rg) == 0;
}

static void done(struct ld_session *s, struct ld_maps *m, struct ld_region *rg)
{
	free(rg);
	ld_maps_release(m);
	ld_session_end(s);
}

/* The PT_LOAD whose file pages hold offset: computed here from the
 * program headers directly, to compare with the classifier. */
static int load_of_offset(struct ld_elf *e, uint64_t link, uint64_t off,
			  bool *writable)
{
	size_t i;

	/* the file page may be shared by two LOADs (.rodata's and the RELRO
	 * start of the data LOAD): the address decides */
	for (i = 0; i < ld_elf_nsegments(e); i++) {
		const struct ld_segment *g = ld_elf_segment(e, i);
		uint64_t lo = g->offset & ~4095ULL, hi = (g->offset + g->filesz + 4095) & ~4095ULL;
		uint64_t vlo = g->vaddr & ~4095ULL, vhi = (g->vaddr + g->memsz + 4095) & ~4095ULL;

		if (g->type == PT_LOAD && off >= lo && off < hi && link >= vlo &&
		    link < vhi) {
			*writable = g->flags & PF_W;
			return (int)i;
		}
	}
	return -1;
}

/* Every file mapping of an object: a segment, of the PT_LOAD holding its
 * file offset; a writable LOAD made partly read-only (RELRO) shows as two
 * mappings of the same LOAD. */
static bool check_segments(pid_t pid, bool want_relro_split)
{
	struct ld_session s;
	struct ld_maps m;
	struct ld_region *rg = NULL;
	size_t i;
	int relro_pieces = 0;

	CHECK(look_at(&s, pid, &m, &rg));
	for (i = 0; i < m.n; i++) {
		bool w = false;
		int want;

		if (!rg[i].obj || !rg[i].obj->is_exe || rg[i].kind != LD_RK_SEGMENT)
			continue;
		want = load_of_offset(ld_obj_elf(rg[i].obj),
				      m.v[i].start - rg[i].obj->bias, m.v[i].offset, &w);
		printf("# %llx-%llx %s offset %llx: LOAD[%d], want LOAD[%d]\n",
		       (unsigned long long)m.v[i].start, (unsigned long long)m.v[i].end,
		       m.v[i].perms, (unsigned long long)m.v[i].offset,
		       rg[i].segment, want);
		CHECK(rg[i].segment == want);
		if (w && m.v[i].perms[1] == '-')
			relro_pieces++;
	}
	CHECK(!want_relro_split || relro_pieces == 1);
	done(&s, &m, rg);
	return true;
}

static bool t_self_segments(void)
{
	return check_segments(getpid(), true);
}

static bool t_self_special(void)
{
	struct ld_session s;
	struct ld_maps m;
	struct ld_region *rg = NULL;
	bool heap = false, stack = false, vdso = false, bss = false;
	/* brk itself (malloc may not use it under a sanitizer): a [heap] */
	void *volatile p = sbrk(65536);
	size_t i;

	CHECK(look_at(&s, getpid(), &m, &rg));
	for (i = 0; i < m.n; i++) {
		heap |= rg[i].kind == LD_RK_HEAP && !strcmp(m.v[i].path, "[heap]");
		stack |= rg[i].kind == LD_RK_STACK && !strcmp(m.v[i].path, "[stack]");
		vdso |= rg[i].kind == LD_RK_VDSO;
		/* a zero-filled .bss tail right after its object's data
		 * mapping (libc has one) */
		if (rg[i].kind == LD_RK_BSS) {
			CHECK(rg[i].obj && !m.v[i].path[0] && i > 0 &&
			      m.v[i - 1].end == m.v[i].start &&
			      rg[i - 1].obj == rg[i].obj);
			bss |= strstr(rg[i].obj->path, "libc.so") != NULL;
		}
	}
	(void)p;
	CHECK(heap && stack && vdso && bss);
	done(&s, &m, rg);
	return true;
}

static bool t_sections_in(void)
{
	struct ld_session s;
	struct ld_maps m;
	struct ld_region *rg = NULL;
	bool text = false;
	size_t i;

	CHECK(look_at(&s, getpid(), &m, &rg));
	for (i = 0; i < m.n; i++) {
		char secs[4096];

		if (!rg[i].obj || !rg[i].obj->is_exe)
			continue;
		ld_sections_in(rg[i].obj, m.v[i].start, m.v[i].end, secs, sizeof secs);
		if (m.v[i].perms[2] == 'x') {
			CHECK(strstr(secs, ".text") && !strstr(secs, ".data"));
			text = true;
		}
		if (!strcmp(m.v[i].perms, "rw-p"))
			CHECK(strstr(secs, ".data") || strstr(secs, ".bss"));
	}
	CHECK(text);
	done(&s, &m, rg);
	return true;
}

/* A non-PIE program (ET_EXEC at 0x400000, bias 0), running but untraced:
 * it waits on a pipe while we read its maps. */
static bool t_non_pie(void)
{
	char dir[] = "/tmp/ld-views-XXXXXX", src[128], bin[128], cmd[512], c;
	int p[2];
	pid_t pid;
	bool ok;
	FILE *f;

	CHECK(mkdtemp(dir));
	snprintf(src, sizeof src, "%s/np.c", dir);
	snprintf(bin, sizeof bin, "%s/np", dir);
	f = fopen(src, "w");
	CHECK(f);
	fputs("#include <unistd.h>\nint data = 1; char bss[10000];\n"
	      "int main(void) { char c; return (int)read(0, &c, 1) + bss[0]; }\n", f);
	fclose(f);
	snprintf(cmd, sizeof cmd, "cc -no-pie -O0 -o %s %s 2>/dev/null", bin, src);
	CHECK(system(cmd) == 0);
	CHECK(pipe(p) == 0);
	pid = fork();
	if (pid == 0) {
		dup2(p[0], 0);
		close(p[1]);
		execl(bin, bin, (char *)NULL);
		_exit(127);
	}
	close(p[0]);
	/* Wait until it blocks in read: its layout is final. */
	for (;;) {
		char path[64], st[256];
		FILE *sf;

		snprintf(path, sizeof path, "/proc/%d/syscall", (int)pid);
		sf = fopen(path, "r");
		if (sf && fgets(st, sizeof st, sf) && !strncmp(st, "0 ", 2)) {
			fclose(sf);
			break;
		}
		if (sf)
			fclose(sf);
	}
	ok = check_segments(pid, false);
	c = 'x';
	if (write(p[1], &c, 1) < 0)
		ok = false;
	close(p[1]);
	waitpid(pid, NULL, 0);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		ok = false;
	return ok;
}

int main(void)
{
	run("own PIE: each file mapping is the PT_LOAD holding its offset; RELRO splits one",
	    t_self_segments);
	run("own process: [heap], [stack], vdso, libc's .bss tail", t_self_special);
	run("sections_in: .text in the code mapping, .data/.bss in rw-p", t_sections_in);
	if (system("cc --version >/dev/null 2>&1") == 0)
		run("non-PIE program: LOADs at link addresses (bias 0)", t_non_pie);
	else
		skip("no cc", "non-PIE program: LOADs at link addresses (bias 0)");
	return tap_done();
}
