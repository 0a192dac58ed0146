/*
 * Determinism and isolation over real inputs: every program given is run,
 * then another program, then the first again; both traces of the first must
 * hash the same. The hashes go to a file so that builds with different
 * compilers can be compared (tests/compare_hashes.cmake).
 *
 *   test_determinism <hash file> <file|dir>...
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "machine.h"
#include "program_text.h"

static struct vlf_machine *m;
static struct vlf_program prog, other;
static FILE *out;
static int failures, inputs;

/* FNV-1a over the whole trace, timeline included. */
static unsigned long long trace_hash(const struct vlf_program *p)
{
	char *buf = NULL;
	size_t len = 0;
	unsigned long long h = 1469598103934665603ull;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		return 0;
	vlf_machine_set_trace(m, f, 1);
	vlf_machine_run(m, p);
	vlf_machine_set_trace(m, NULL, 0);
	fclose(f);
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)buf[i]) * 1099511628211ull;
	free(buf);
	return h;
}

static void one(const char *path)
{
	char err[600];
	unsigned long long a, b;

	if (vlf_program_load(path, -1, &prog, err, sizeof(err)) != 0)
		return; /* not a program (the malformed suite checks those) */
	inputs++;
	a = trace_hash(&prog);
	trace_hash(&other);
	b = trace_hash(&prog);
	if (a != b) {
		fprintf(stderr, "%s: trace differs between two runs (%016llx, %016llx)\n", path, a,
		        b);
		failures++;
	}
	fprintf(out, "%016llx %s\n", a, path);
	/* The next input is run after this one: each is the other's "B". */
	other = prog;
}

static int by_name(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

static void walk(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	char *names[4096];
	size_t n = 0;

	if (stat(path, &st) != 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		one(path);
		return;
	}
	d = opendir(path);
	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL && n < 4096) {
		if (e->d_name[0] == '.' || strstr(e->d_name, ".md") != NULL)
			continue;
		names[n] = malloc(strlen(path) + strlen(e->d_name) + 2);
		if (names[n] == NULL)
			break;
		sprintf(names[n], "%s/%s", path, e->d_name);
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), by_name);
	for (size_t i = 0; i < n; i++) {
		walk(names[i]);
		free(names[i]);
	}
}

int main(int argc, char **argv)
{
	const char *err = "?";

	if (argc < 3) {
		fprintf(stderr, "usage: %s <hash file> <file|dir>...\n", argv[0]);
		return 2;
	}
	out = fopen(argv[1], "w");
	if (out == NULL) {
		fprintf(stderr, "%s: cannot write\n", argv[1]);
		return 2;
	}
	m = vlf_machine_new(vlf_target_get(), &err);
	if (m == NULL) {
		fprintf(stderr, "cannot create target: %s\n", err);
		return 2;
	}
	vlf_decode(NULL, 0, -1, &other);
	for (int i = 2; i < argc; i++)
		walk(argv[i]);
	vlf_machine_free(m);
	fclose(out);
	printf("%d inputs, %d not deterministic\n", inputs, failures);
	return failures || inputs == 0 ? 1 : 0;
}
