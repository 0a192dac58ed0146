/*
 * Text form of programs: printer, parser, file loading, and the round trips
 * between text and binary. Usage: test_text <dir of this file>
 * (it reads valid/ and malformed/ there and writes scratch files to the
 * current directory).
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "program_text.h"

static int failures;

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
			failures++;                                                                \
		}                                                                                  \
	} while (0)

#define CHECK_STR(got, want)                                                                       \
	do {                                                                                       \
		if (strcmp((got), (want)) != 0) {                                                  \
			fprintf(stderr, "%s:%d: got\n%s\nwant\n%s\n", __FILE__, __LINE__, (got),   \
			        (want));                                                           \
			failures++;                                                                \
		}                                                                                  \
	} while (0)

/* Programs are ~12 KiB each: keep them off the stack. */
static struct vlf_program pa, pb, pc;

static const char *srcdir;

static int prog_equal(const struct vlf_program *a, const struct vlf_program *b)
{
	return a->cfg.nvcpus == b->cfg.nvcpus && a->cfg.policy == b->cfg.policy &&
	       a->cfg.apic == b->cfg.apic && a->cfg.cr8_intercept == b->cfg.cr8_intercept &&
	       a->nops == b->nops && memcmp(a->ops, b->ops, a->nops * sizeof(a->ops[0])) == 0;
}

/* Print into a malloc'd NUL-terminated string (tmpfile keeps this plain C). */
static char *print_to_string(const struct vlf_program *p)
{
	static FILE *f;
	long n;
	char *s;

	if (!f)
		f = tmpfile();
	if (!f) {
		perror("tmpfile");
		exit(2);
	}
	rewind(f);
	vlf_program_print(p, f);
	fflush(f);
	n = ftell(f);
	s = malloc((size_t)n + 1);
	rewind(f);
	if (!s || fread(s, 1, (size_t)n, f) != (size_t)n) {
		perror("print_to_string");
		exit(2);
	}
	s[n] = '\0';
	return s;
}

static int parse_str(const char *text, struct vlf_program *out, char *err, size_t errcap)
{
	return vlf_program_parse(text, strlen(text), "t.txt", out, err, errcap);
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *s;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	s = malloc((size_t)n + 1);
	if (!s || fread(s, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(s);
		return NULL;
	}
	fclose(f);
	s[n] = '\0';
	*len = (size_t)n;
	return s;
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		exit(2);
	}
}

static const char example[] = "# vlapic-fuzz program\n"
                              "config vcpus=2 policy=virq apic=xapic cr8=passthrough\n"
                              "ipi vcpu=0 dest=vcpu1 vector=0x41\n"
                              "nop vcpu=1\n"
                              "ack vcpu=1\n"
                              "ipi vcpu=0 dest=vcpu1 vector=0x41\n"
                              "exit vcpu=1 reason=intr during-delivery=no\n";

static void test_example(void)
{
	char err[256];
	char *s;

	CHECK(parse_str(example, &pa, err, sizeof(err)) == 0);
	CHECK(pa.cfg.nvcpus == 2 && pa.cfg.policy == VLF_POLICY_VIRQ);
	CHECK(pa.cfg.apic == VLF_APIC_XAPIC && pa.cfg.cr8_intercept == 0);
	CHECK(pa.nops == 5);
	CHECK(pa.ops[0].kind == VLF_OP_IPI && pa.ops[0].vcpu == 0 && pa.ops[0].vector == 0x41);
	CHECK(pa.ops[0].dest == VLF_IPI_DEST && pa.ops[0].dest_vcpu == 1);
	CHECK(pa.ops[1].kind == VLF_OP_NOP && pa.ops[1].vcpu == 1);
	CHECK(pa.ops[2].kind == VLF_OP_ACK && pa.ops[2].vcpu == 1);
	CHECK(pa.ops[4].kind == VLF_OP_EXIT && pa.ops[4].reason == VLF_EXITR_INTR);
	CHECK(pa.ops[4].during_delivery == 0);
	CHECK(err[0] == '\0');
	s = print_to_string(&pa);
	CHECK_STR(s, example);
	free(s);
}

static void test_format(void)
{
	static const struct {
		struct vlf_op op;
		const char *text;
	} cases[] = {
	    {{.kind = VLF_OP_RUN, .vcpu = 3}, "run vcpu=3"},
	    {{.kind = VLF_OP_STI}, "sti vcpu=0"},
	    {{.kind = VLF_OP_CR8, .vcpu = 1, .value = 9}, "cr8 vcpu=1 value=9"},
	    {{.kind = VLF_OP_TPR, .value = 0x5}, "tpr vcpu=0 value=0x05"},
	    {{.kind = VLF_OP_READ, .reg = VLF_REG_TMR, .word = 6}, "read vcpu=0 reg=tmr word=6"},
	    {{.kind = VLF_OP_READ, .reg = VLF_REG_PPR}, "read vcpu=0 reg=ppr"},
	    {{.kind = VLF_OP_IPI, .vector = 0xef, .dest = VLF_IPI_ALL_BUT_SELF},
	     "ipi vcpu=0 dest=all-but-self vector=0xef"},
	    {{.kind = VLF_OP_IPI, .vcpu = 2, .vector = 7, .dest_vcpu = 3},
	     "ipi vcpu=2 dest=vcpu3 vector=0x07"},
	    {{.kind = VLF_OP_NMI, .vcpu = 1, .dest_vcpu = 2}, "nmi vcpu=1 dest=vcpu2"},
	    {{.kind = VLF_OP_NMI, .dest = VLF_IPI_ALL_BUT_SELF}, "nmi vcpu=0 dest=all-but-self"},
	    {{.kind = VLF_OP_LVT, .vcpu = 1, .vector = 0xef, .periodic = 1},
	     "lvt vcpu=1 vector=0xef mode=periodic masked=no"},
	    {{.kind = VLF_OP_TMICT, .count = 8191, .divide_log2 = 7},
	     "tmict vcpu=0 count=8191 divide=128"},
	    {{.kind = VLF_OP_WAIT, .count = 65535}, "wait ticks=65535"},
	    {{.kind = VLF_OP_IPI_LOGICAL, .vcpu = 3, .mda = 0xf1, .vector = 0x41},
	     "ipi-logical vcpu=3 mda=0xf1 vector=0x41"},
	    {{.kind = VLF_OP_LDR, .vcpu = 2, .value = 0x21}, "ldr vcpu=2 id=0x21"},
	    {{.kind = VLF_OP_DFR, .value = 1}, "dfr model=cluster"},
	    {{.kind = VLF_OP_IPI, .vector = 0x30, .dest = VLF_IPI_SELF, .via_self_ipi = 1},
	     "ipi vcpu=0 dest=self vector=0x30 via=self-ipi"},
	    {{.kind = VLF_OP_POST, .vcpu = 1, .vector = 0x80, .level = 1},
	     "post vcpu=1 vector=0x80 trigger=level"},
	    {{.kind = VLF_OP_EXIT, .reason = VLF_EXITR_NPF, .during_delivery = 1},
	     "exit vcpu=0 reason=npf during-delivery=yes"},
	};
	struct vlf_config cfg = {4, VLF_POLICY_VIRQ_PENDING, VLF_APIC_X2APIC, 1};
	char buf[128], small[8];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int n = vlf_op_format(&cases[i].op, buf, sizeof(buf));

		CHECK_STR(buf, cases[i].text);
		CHECK(n == (int)strlen(cases[i].text));
		/* snprintf-like: the full length even when it does not fit */
		CHECK(vlf_op_format(&cases[i].op, NULL, 0) == n);
		CHECK(vlf_op_format(&cases[i].op, small, sizeof(small)) == n);
		CHECK(strlen(small) == sizeof(small) - 1);
	}
	vlf_config_format(&cfg, buf, sizeof(buf));
	CHECK_STR(buf, "config vcpus=4 policy=virq-pending apic=x2apic cr8=intercept");
}

/* Everything the parser tolerates beyond the canonical form. */
static void test_flexible(void)
{
	static const char loose[] =
	    "\n"
	    "  # leading comment\r\n"
	    "\tconfig  cr8=intercept apic=x2apic\tpolicy=eventinj vcpus=0x3   # trailing\n"
	    "ipi vector=65 dest=vcpu0x2 vcpu=1\r\n"
	    "post trigger=level vcpu=2 vector=0XEF\n"
	    "tpr value=0x0a vcpu=0\n"
	    "cr8 vcpu=0 value=0x0F\n"
	    "read word=007 reg=isr vcpu=0#comment right after\n"
	    "read reg=cr8 vcpu=1\n"
	    "exit during-delivery=yes reason=io vcpu=0\n"
	    "ipi vcpu=0 dest=all vector=0";
	static const char canon[] = "# vlapic-fuzz program\n"
	                            "config vcpus=3 policy=eventinj apic=x2apic cr8=intercept\n"
	                            "ipi vcpu=1 dest=vcpu2 vector=0x41\n"
	                            "post vcpu=2 vector=0xef trigger=level\n"
	                            "tpr vcpu=0 value=0x0a\n"
	                            "cr8 vcpu=0 value=15\n"
	                            "read vcpu=0 reg=isr word=7\n"
	                            "read vcpu=1 reg=cr8\n"
	                            "exit vcpu=0 reason=io during-delivery=yes\n"
	                            "ipi vcpu=0 dest=all vector=0x00\n";
	char err[256];
	char *s;

	CHECK(parse_str(loose, &pa, err, sizeof(err)) == 0);
	if (err[0])
		fprintf(stderr, "%s\n", err);
	s = print_to_string(&pa);
	CHECK_STR(s, canon);
	CHECK(parse_str(s, &pb, err, sizeof(err)) == 0);
	CHECK(prog_equal(&pa, &pb));
	/* and the whole struct, unused fields and tail included, is canonical */
	CHECK(memcmp(&pa, &pb, sizeof(pa)) == 0);
	free(s);
}

/* Errors that need generated input, and the error buffer's contract. */
static void test_errors(void)
{
	const size_t cfglen = strlen("config vcpus=1 policy=virq apic=xapic cr8=passthrough\n");
	const size_t big = cfglen + (VLF_MAX_OPS + 1) * strlen("nop vcpu=0\n") + 1;
	char *text = malloc(big > 2048 ? big : 2048);
	char err[256], tiny[10];
	size_t n;

	/* exactly VLF_MAX_OPS operations parse; one more does not */
	n = (size_t)sprintf(text, "config vcpus=1 policy=virq apic=xapic cr8=passthrough\n");
	for (int i = 0; i < VLF_MAX_OPS; i++)
		n += (size_t)sprintf(text + n, "nop vcpu=0\n");
	CHECK(vlf_program_parse(text, n, "ops.txt", &pa, err, sizeof(err)) == 0);
	CHECK(pa.nops == VLF_MAX_OPS);
	n += (size_t)sprintf(text + n, "nop vcpu=0\n");
	CHECK(vlf_program_parse(text, n, "ops.txt", &pa, err, sizeof(err)) < 0);
	CHECK_STR(err, "ops.txt:1026: more than 1024 operations");

	/* a line of exactly VLF_TEXT_LINE_MAX chars is fine, one more is not */
	n = (size_t)sprintf(text, "config vcpus=1 policy=virq apic=xapic cr8=passthrough\n#");
	memset(text + n, 'x', VLF_TEXT_LINE_MAX - 1);
	n += VLF_TEXT_LINE_MAX - 1;
	text[n++] = '\n';
	CHECK(vlf_program_parse(text, n, "l.txt", &pa, err, sizeof(err)) == 0);
	text[n - 1] = 'x';
	CHECK(vlf_program_parse(text, n, "l.txt", &pa, err, sizeof(err)) < 0);
	CHECK_STR(err, "l.txt:2: line too long (513 chars, limit 512)");

	/* text need not be NUL-terminated: the parser stops at len */
	strcpy(text, "config vcpus=1 policy=virq apic=xapic cr8=passthrough\nnop vcpu=0\nzzz");
	CHECK(vlf_program_parse(text, strlen(text) - 3, "n.txt", &pa, err, sizeof(err)) == 0);
	CHECK(pa.nops == 1);

	/* a long token is shortened in the message */
	n = (size_t)sprintf(text, "config vcpus=1 policy=virq apic=xapic cr8=passthrough\n");
	memset(text + n, 'q', 300);
	n += 300;
	CHECK(vlf_program_parse(text, n, "q.txt", &pa, err, sizeof(err)) < 0);
	CHECK(strncmp(err, "q.txt:2: unknown operation 'qqqq", 32) == 0);
	CHECK(strlen(err) < 100 && strstr(err, "...'") != NULL);

	/* err is optional, truncated to errcap, and the filename defaults */
	CHECK(parse_str("bogus", &pa, NULL, 0) < 0);
	CHECK(parse_str("bogus", &pa, tiny, sizeof(tiny)) < 0);
	CHECK_STR(tiny, "t.txt:1: ");
	CHECK(vlf_program_parse("bogus", 5, NULL, &pa, err, sizeof(err)) < 0);
	CHECK_STR(err, "<input>:1: unknown operation 'bogus'");

	/* zero ops is a valid program */
	CHECK(parse_str("config vcpus=4 policy=virq apic=xapic cr8=passthrough", &pa, err,
	                sizeof(err)) == 0);
	CHECK(pa.nops == 0 && pa.cfg.nvcpus == 4);
	free(text);
}

/* splitmix64: deterministic, so a failure reproduces. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void test_random_roundtrip(void)
{
	static uint8_t bytes[1 + (VLF_MAX_OPS + 10) * VLF_OP_BYTES];
	static uint8_t enc[sizeof(bytes)];
	char err[256];
	int bad = 0;

	for (int i = 0; i < 5000 && bad < 5; i++) {
		/* mostly short programs, now and then one past VLF_MAX_OPS */
		size_t len =
		    i % 500 == 0 ? sizeof(bytes) - (size_t)(rng() % 8) : (size_t)(rng() % 200);
		size_t elen;
		char *s, *s2;

		for (size_t j = 0; j < len; j++)
			bytes[j] = (uint8_t)rng();
		vlf_decode(bytes, len, -1, &pa);
		s = print_to_string(&pa);
		if (vlf_program_parse(s, strlen(s), "rand.txt", &pb, err, sizeof(err)) != 0 ||
		    !prog_equal(&pa, &pb)) {
			fprintf(stderr, "case %d: text round trip failed: %s\n%s", i, err, s);
			bad++;
		}
		s2 = print_to_string(&pb);
		CHECK(strcmp(s, s2) == 0);
		elen = vlf_encode(&pa, enc, sizeof(enc));
		CHECK(elen == vlf_encoded_size(&pa));
		vlf_decode(enc, elen, -1, &pc);
		if (!prog_equal(&pa, &pc)) {
			fprintf(stderr, "case %d: binary round trip failed\n", i);
			bad++;
		}
		free(s);
		free(s2);
	}
	failures += bad;
}

static void test_looks_like_text(void)
{
	static const struct {
		const char *s;
		int yes;
	} cases[] = {
	    {"config vcpus=1", 1},
	    {"# c\n\n  \t# x\nconfig\tvcpus=1", 1},
	    {"\r\n  config x", 1},
	    {"config", 0},
	    {"configx", 0},
	    {"nop vcpu=0\nconfig x", 0},
	    {"", 0},
	    {"# only a comment", 0},
	    {"\x05\x41\x00", 0},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK(vlf_looks_like_text((const uint8_t *)cases[i].s, strlen(cases[i].s)) ==
		      cases[i].yes);
}

static int listed(char *const *names, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return 1;
	return 0;
}

/* malformed/expected.txt: "<file>:<line>: <substring>" per line. */
static void test_malformed(void)
{
	char path[1024], want[1200], line[512], err[512];
	char *names[256];
	int nnames = 0;
	struct dirent *de;
	FILE *f;
	DIR *d;

	snprintf(path, sizeof(path), "%s/malformed/expected.txt", srcdir);
	f = fopen(path, "r");
	if (!f) {
		perror(path);
		failures++;
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':'), *colon2, *sub;

		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		colon2 = colon ? strchr(colon + 1, ':') : NULL;
		if (!colon2 || colon2[1] != ' ' || nnames == 256) {
			fprintf(stderr, "%s: bad line: %s\n", path, line);
			failures++;
			continue;
		}
		*colon = '\0';
		*colon2 = '\0';
		sub = colon2 + 2;
		names[nnames++] = strdup(line);
		snprintf(path, sizeof(path), "%s/malformed/%s", srcdir, line);
		snprintf(want, sizeof(want), "%s:%s: ", path, colon + 1);
		if (vlf_program_load(path, -1, &pa, err, sizeof(err)) == 0) {
			fprintf(stderr, "%s: loaded, but should fail with '%s'\n", path, sub);
			failures++;
		} else if (strncmp(err, want, strlen(want)) != 0 || !strstr(err, sub) ||
		           strchr(err, '\n')) {
			fprintf(stderr, "%s: got error\n  %s\nwant\n  %s...%s\n", path, err, want,
			        sub);
			failures++;
		}
		snprintf(path, sizeof(path), "%s/malformed/expected.txt", srcdir);
	}
	fclose(f);
	CHECK(nnames >= 9);

	/* a new file without an expectation would silently test nothing */
	snprintf(path, sizeof(path), "%s/malformed", srcdir);
	d = opendir(path);
	CHECK(d != NULL);
	while (d && (de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);

		if (n < 4 || strcmp(de->d_name + n - 4, ".txt") != 0 ||
		    strcmp(de->d_name, "expected.txt") == 0)
			continue;
		if (!listed(names, nnames, de->d_name)) {
			fprintf(stderr, "malformed/%s is not in expected.txt\n", de->d_name);
			failures++;
		}
	}
	if (d)
		closedir(d);
	for (int i = 0; i < nnames; i++)
		free(names[i]);
}

/* valid/ holds canonical programs: they load and print back byte for byte. */
static void test_valid(void)
{
	static const char *const files[] = {"example.txt", "all_ops.txt", "config_only.txt"};
	char path[1024], err[512];

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		size_t len;
		char *want, *got;

		snprintf(path, sizeof(path), "%s/valid/%s", srcdir, files[i]);
		want = read_file(path, &len);
		CHECK(want != NULL);
		if (vlf_program_load(path, -1, &pa, err, sizeof(err)) != 0) {
			fprintf(stderr, "%s\n", err);
			failures++;
			free(want);
			continue;
		}
		got = print_to_string(&pa);
		if (want)
			CHECK_STR(got, want);
		free(got);
		free(want);
	}
}

static void test_load(void)
{
	static const uint8_t bin[] = {0x05, 0x0b, 0x41, 0x04, 0x21, 0x00, 0x00, 0x0d, 0x01, 0x01};
	const char *text =
	    "# x\nconfig vcpus=2 policy=virq apic=xapic cr8=passthrough\nnop vcpu=1\n";
	char binpath[64], txtpath[64], err[512];
	uint8_t *huge;

	snprintf(binpath, sizeof(binpath), "vlf-test-text-%ld.bin", (long)getpid());
	snprintf(txtpath, sizeof(txtpath), "vlf-test-text-%ld.txt", (long)getpid());

	CHECK(vlf_program_load("/nonexistent/prog.txt", -1, &pa, err, sizeof(err)) < 0);
	CHECK(strncmp(err, "/nonexistent/prog.txt: cannot open", 34) == 0);
	CHECK(vlf_program_load(srcdir, -1, &pa, err, sizeof(err)) < 0);
	CHECK(strstr(err, ": is a directory") != NULL && strncmp(err, srcdir, strlen(srcdir)) == 0);

	/* binary: decoded like the fuzzer would, force_policy included */
	write_file(binpath, bin, sizeof(bin));
	CHECK(vlf_program_load(binpath, -1, &pa, err, sizeof(err)) == 0);
	vlf_decode(bin, sizeof(bin), -1, &pb);
	CHECK(prog_equal(&pa, &pb) && pa.nops == 3);
	CHECK(vlf_program_load(binpath, VLF_POLICY_EVENTINJ, &pa, err, sizeof(err)) == 0);
	vlf_decode(bin, sizeof(bin), VLF_POLICY_EVENTINJ, &pb);
	CHECK(prog_equal(&pa, &pb) && pa.cfg.policy == VLF_POLICY_EVENTINJ);

	/* text without the .txt name is recognised; force_policy overrides */
	write_file(binpath, text, strlen(text));
	CHECK(vlf_program_load(binpath, -1, &pa, err, sizeof(err)) == 0);
	CHECK(pa.nops == 1 && pa.cfg.nvcpus == 2 && pa.cfg.policy == VLF_POLICY_VIRQ);
	CHECK(vlf_program_load(binpath, VLF_POLICY_VIRQ_PENDING, &pa, err, sizeof(err)) == 0);
	CHECK(pa.cfg.policy == VLF_POLICY_VIRQ_PENDING);

	/* a .txt name means text even when the bytes are not */
	write_file(txtpath, bin, sizeof(bin));
	CHECK(vlf_program_load(txtpath, -1, &pa, err, sizeof(err)) < 0);
	CHECK(strstr(err, ".txt:1: binary data in a text program") != NULL);

	/* an empty binary file is the empty program, as for the fuzzer */
	write_file(binpath, "", 0);
	CHECK(vlf_program_load(binpath, -1, &pa, err, sizeof(err)) == 0 && pa.nops == 0);

	huge = calloc(VLF_FILE_MAX + 1, 1);
	write_file(binpath, huge, VLF_FILE_MAX + 1);
	CHECK(vlf_program_load(binpath, -1, &pa, err, sizeof(err)) < 0);
	CHECK(strstr(err, ": too big") != NULL);
	write_file(binpath, huge, VLF_FILE_MAX);
	CHECK(vlf_program_load(binpath, -1, &pa, err, sizeof(err)) == 0);
	CHECK(pa.nops == VLF_MAX_OPS);
	free(huge);

	remove(binpath);
	remove(txtpath);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s <tests/text directory>\n", argv[0]);
		return 2;
	}
	srcdir = argv[1];
	test_example();
	test_format();
	test_flexible();
	test_errors();
	test_random_roundtrip();
	test_looks_like_text();
	test_malformed();
	test_valid();
	test_load();
	if (failures) {
		fprintf(stderr, "test_text: %d failure(s)\n", failures);
		return 1;
	}
	printf("test_text: ok\n");
	return 0;
}
