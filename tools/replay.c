/*
 * Standalone replay: runs program files (binary or text form) or directories
 * of them against the target linked in, with no fuzzing engine.
 *
 * Exit status: 0 every input clean (or as expected), 1 a violation (or a
 * verdict other than the expected one), 2 bad usage or unreadable input.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "machine.h"
#include "program_text.h"

#define EXIT_VIOLATION 1
#define EXIT_BAD_INPUT 2

struct options {
	int force_policy;
	int trace;
	int timeline;
	int print;
	int quiet;
	int check_expect;
	const char *expect;
	const char *binary_out;
};

static struct vlf_program program;

static void usage(FILE *f, const char *argv0)
{
	fprintf(f,
	        "usage: %s [options] <file|dir>...\n"
	        "Replays vlapic-fuzz programs (binary or text form) against the %s target.\n"
	        "  --policy=NAME     force the injection policy (virq, virq-pending, eventinj)\n"
	        "  --trace           print what happened at each step\n"
	        "  --timeline        --trace plus each vCPU's LAPIC/VMCB state after every step\n"
	        "  --print           print each program in text form instead of running it\n"
	        "  --binary=OUT      write the (single) program's binary form to OUT\n"
	        "  --expect=VERDICT  clean, violation, or an invariant name\n"
	        "  --check-expect    take the expected verdict from a '# expect: ...' line\n"
	        "  -q                print violations only\n"
	        "exit status: 0 clean/as expected, 1 violation/unexpected verdict, 2 bad input\n",
	        argv0, vlf_target_get()->name);
}

static int valid_verdict(const char *v)
{
	if (strcmp(v, "clean") == 0 || strcmp(v, "violation") == 0)
		return 1;
	for (int i = 1; i < VLF_INV_COUNT; i++)
		if (strcmp(v, vlf_invariant_name((enum vlf_invariant)i)) == 0)
			return 1;
	return 0;
}

/* The "# expect: <verdict>" line of a text program, if any. */
static int read_expectation(const char *path, char *out, size_t cap)
{
	FILE *f = fopen(path, "r");
	char line[VLF_TEXT_LINE_MAX + 2];
	int found = 0;

	if (f == NULL)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		char *p = line;
		size_t len;

		if (strncmp(p, "# expect:", 9) != 0)
			continue;
		p += 9;
		while (*p == ' ' || *p == '\t')
			p++;
		len = strcspn(p, " \t\r\n");
		if (len >= cap)
			len = cap - 1;
		memcpy(out, p, len);
		out[len] = '\0';
		found = 1;
	}
	fclose(f);
	return found;
}

static int verdict_matches(const char *expect, const struct vlf_violation *v)
{
	if (strcmp(expect, "clean") == 0)
		return v == NULL;
	if (strcmp(expect, "violation") == 0)
		return v != NULL;
	return v != NULL && strcmp(expect, vlf_invariant_name(v->inv)) == 0;
}

static int write_binary(const char *out)
{
	static uint8_t buf[1 + VLF_MAX_OPS * VLF_OP_BYTES];
	size_t n = vlf_encode(&program, buf, sizeof(buf));
	FILE *f = fopen(out, "wb");

	if (f == NULL) {
		fprintf(stderr, "%s: cannot write: %s\n", out, strerror(errno));
		return EXIT_BAD_INPUT;
	}
	if (fwrite(buf, 1, n, f) != n || fclose(f) != 0) {
		fprintf(stderr, "%s: write failed\n", out);
		return EXIT_BAD_INPUT;
	}
	return 0;
}

static int replay_file(struct vlf_machine *m, const char *path, const struct options *o)
{
	char err[600], expect[64];
	const char *want = o->expect;
	const struct vlf_violation *v;

	if (vlf_program_load(path, o->force_policy, &program, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return EXIT_BAD_INPUT;
	}
	if (o->print) {
		vlf_program_print(&program, stdout);
		return 0;
	}
	if (o->binary_out)
		return write_binary(o->binary_out);
	if (o->check_expect && read_expectation(path, expect, sizeof(expect))) {
		if (!valid_verdict(expect)) {
			fprintf(stderr, "%s: unknown expected verdict '%s'\n", path, expect);
			return EXIT_BAD_INPUT;
		}
		want = expect;
	}
	if (o->trace || o->timeline) {
		printf("==== %s\n", path);
		vlf_machine_set_trace(m, stdout, o->timeline);
	}
	vlf_machine_run(m, &program);
	vlf_machine_set_trace(m, NULL, 0);
	v = vlf_machine_violation(m);
	if (v != NULL) {
		printf("%s: ", path);
		vlf_violation_print(v, stdout);
	} else if (!o->quiet) {
		printf("%s: clean\n", path);
	}
	if (want != NULL) {
		if (verdict_matches(want, v))
			return 0;
		printf("%s: expected %s\n", path, want);
		return EXIT_VIOLATION;
	}
	return v != NULL ? EXIT_VIOLATION : 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Directory entries in name order, so a replay of a corpus is reproducible. */
static int replay_dir(struct vlf_machine *m, const char *dir, const struct options *o)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int worst = 0;

	if (d == NULL) {
		fprintf(stderr, "%s: cannot open directory: %s\n", dir, strerror(errno));
		return EXIT_BAD_INPUT;
	}
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);

		if (e->d_name[0] == '.' || (len > 3 && strcmp(e->d_name + len - 3, ".md") == 0))
			continue;
		if (n == cap) {
			char **grown;

			cap = cap ? cap * 2 : 64;
			grown = realloc(names, cap * sizeof(*names));
			if (grown == NULL)
				break;
			names = grown;
		}
		names[n] = malloc(strlen(dir) + len + 2);
		if (names[n] == NULL)
			break;
		sprintf(names[n], "%s/%s", dir, e->d_name);
		n++;
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		int rc = 0;

		if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode))
			rc = replay_file(m, names[i], o);
		if (rc > worst)
			worst = rc;
		free(names[i]);
	}
	free(names);
	return worst;
}

int main(int argc, char **argv)
{
	struct options o = {.force_policy = -1};
	struct vlf_machine *m;
	const char *err = "unknown error";
	int first_input = 0, worst = 0, ninputs = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (a[0] != '-') {
			if (!first_input)
				first_input = i;
			ninputs++;
			continue;
		}
		if (strncmp(a, "--policy=", 9) == 0) {
			o.force_policy = vlf_policy_from_name(a + 9);
			if (o.force_policy < 0) {
				fprintf(stderr,
				        "%s: unknown policy '%s' (virq, virq-pending, eventinj)\n",
				        argv[0], a + 9);
				return EXIT_BAD_INPUT;
			}
		} else if (strcmp(a, "--trace") == 0) {
			o.trace = 1;
		} else if (strcmp(a, "--timeline") == 0) {
			o.timeline = 1;
		} else if (strcmp(a, "--print") == 0) {
			o.print = 1;
		} else if (strncmp(a, "--binary=", 9) == 0 && a[9] != '\0') {
			o.binary_out = a + 9;
		} else if (strncmp(a, "--expect=", 9) == 0) {
			o.expect = a + 9;
			if (!valid_verdict(o.expect)) {
				fprintf(stderr, "%s: unknown verdict '%s' in --expect\n", argv[0],
				        o.expect);
				return EXIT_BAD_INPUT;
			}
		} else if (strcmp(a, "--check-expect") == 0) {
			o.check_expect = 1;
		} else if (strcmp(a, "-q") == 0) {
			o.quiet = 1;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout, argv[0]);
			return 0;
		} else {
			fprintf(stderr, "%s: unknown option '%s' (try --help)\n", argv[0], a);
			return EXIT_BAD_INPUT;
		}
	}
	if (ninputs == 0) {
		fprintf(stderr, "%s: no input file or directory given (try --help)\n", argv[0]);
		return EXIT_BAD_INPUT;
	}
	if (o.binary_out && ninputs != 1) {
		fprintf(stderr, "%s: --binary needs exactly one input\n", argv[0]);
		return EXIT_BAD_INPUT;
	}
	m = vlf_machine_new(vlf_target_get(), &err);
	if (m == NULL) {
		fprintf(stderr, "%s: cannot create the %s target: %s\n", argv[0],
		        vlf_target_get()->name, err);
		return EXIT_BAD_INPUT;
	}
	for (int i = first_input; i < argc; i++) {
		struct stat st;
		int rc;

		if (argv[i][0] == '-')
			continue;
		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
			rc = EXIT_BAD_INPUT;
		} else if (S_ISDIR(st.st_mode)) {
			rc = replay_dir(m, argv[i], &o);
		} else {
			rc = replay_file(m, argv[i], &o);
		}
		if (rc > worst)
			worst = rc;
	}
	vlf_machine_free(m);
	return worst;
}
