/*
 * Measurements that need no fuzzing engine (bench/perf/run.sh drives them):
 *
 *   vlf-bench throughput --ops=N --vcpus=K [--policy=P] [--programs=M] [--seed=S]
 *       random programs of exactly N operations on K vCPUs: exec/s, ns/op
 *   vlf-bench replay --seconds=S [--cr8=intercept|passthrough] [--suppress=SITES]
 *                    [--max-len=B] <dir>
 *       loops over a corpus (binary or text programs): exec/s, the practical
 *       limit of the harness on the inputs a fuzzer keeps; --cr8 and
 *       --suppress run it as the fuzzer does, --max-len as libFuzzer's
 *       -max_len truncates what it loads
 *   vlf-bench latency --policy=P [--cr8=intercept|passthrough] <dir>
 *       replays a corpus with that policy and samples, for every delivered
 *       request, the VMRUNs and guest instructions since it was posted
 *   vlf-bench baseline --policy=P [--seed=S] [--max-len=B] [--max-execs=M]
 *       random byte strings through the same decoder, no feedback, until the
 *       first violation: executions and seconds (the no-guidance baseline)
 *
 * (vlf-bench-<target>: one binary per target.)
 * Output: one line of key=value pairs, for scripts.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "machine.h"
#include "program_text.h"

static struct vlf_program prog;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static unsigned long long rng(unsigned long long *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

static const char *opt(int argc, char **argv, const char *name, const char *def)
{
	size_t n = strlen(name);

	for (int i = 2; i < argc; i++)
		if (strncmp(argv[i], name, n) == 0 && argv[i][n] == '=')
			return argv[i] + n + 1;
	return def;
}

static long num(int argc, char **argv, const char *name, long def, long lo, long hi)
{
	const char *v = opt(argc, argv, name, NULL);
	char *end;
	long x;

	if (v == NULL)
		return def;
	x = strtol(v, &end, 10);
	if (*v == '\0' || *end != '\0' || x < lo || x > hi) {
		fprintf(stderr, "vlf-bench: %s wants a number in %ld..%ld, not '%s'\n", name, lo,
		        hi, v);
		exit(2);
	}
	return x;
}

static int policy_opt(int argc, char **argv, const char *def)
{
	const char *v = opt(argc, argv, "--policy", def);
	int p = vlf_policy_from_name(v);

	if (p < 0) {
		fprintf(stderr, "vlf-bench: unknown policy '%s'\n", v);
		exit(2);
	}
	return p;
}

static int throughput(struct vlf_machine *m, int argc, char **argv)
{
	long ops = num(argc, argv, "--ops", 64, 1, VLF_MAX_OPS);
	long vcpus = num(argc, argv, "--vcpus", 2, 1, VLF_MAX_VCPUS);
	long programs = num(argc, argv, "--programs", 20000, 1, 100000000);
	unsigned long long s = (unsigned long long)num(argc, argv, "--seed", 1, 1, 1L << 40);
	int policy = policy_opt(argc, argv, "eventinj");
	static uint8_t bytes[1 + VLF_MAX_OPS * VLF_OP_BYTES];
	size_t len = 1 + (size_t)ops * VLF_OP_BYTES;
	long violations = 0;
	double t0, t = 0;

	for (long i = 0; i < programs; i++) {
		for (size_t b = 0; b < len; b++)
			bytes[b] = (uint8_t)rng(&s);
		bytes[0] = (uint8_t)((bytes[0] & ~3u) | (unsigned)(vcpus - 1));
		vlf_decode(bytes, len, policy, &prog);
		t0 = now();
		violations += vlf_machine_run(m, &prog);
		t += now() - t0;
	}
	printf("mode=throughput policy=%s ops=%ld vcpus=%ld programs=%ld seconds=%.3f "
	       "exec_per_s=%.0f ns_per_op=%.1f violations=%ld\n",
	       vlf_policy_name((enum vlf_policy)policy), ops, vcpus, programs, t, programs / t,
	       t * 1e9 / ((double)programs * (double)ops), violations);
	return 0;
}

/* A program as libFuzzer with -max_len=B would see it (0: whole). */
static int load_truncated(const char *path, size_t max_len, struct vlf_program *p, char *err,
                          size_t errcap)
{
	static uint8_t bytes[1 + VLF_MAX_OPS * VLF_OP_BYTES];
	FILE *f;
	size_t len;

	if (max_len == 0)
		return vlf_program_load(path, -1, p, err, errcap);
	f = fopen(path, "rb");
	if (f == NULL)
		return -1;
	len = fread(bytes, 1, max_len < sizeof(bytes) ? max_len : sizeof(bytes), f);
	fclose(f);
	vlf_decode(bytes, len, -1, p);
	return 0;
}

static int replay(struct vlf_machine *m, int argc, char **argv)
{
	double seconds = (double)num(argc, argv, "--seconds", 5, 1, 3600);
	const char *dir = argv[argc - 1];
	static struct vlf_program *progs;
	size_t n = 0, cap = 0;
	long execs = 0;
	double t0, t;
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4096], err[600];

	const char *cr8 = opt(argc, argv, "--cr8", NULL);
	const char *sites = opt(argc, argv, "--suppress", NULL);
	long max_len = num(argc, argv, "--max-len", 0, 0, 1L << 30);
	uint32_t suppress = 0;
	char bad[80];

	if (argc < 3 || d == NULL) {
		fprintf(stderr, "vlf-bench: replay wants a corpus directory, not '%s'\n", dir);
		return 2;
	}
	if (cr8 && strcmp(cr8, "intercept") != 0 && strcmp(cr8, "passthrough") != 0) {
		fprintf(stderr, "vlf-bench: --cr8 wants intercept or passthrough, not '%s'\n", cr8);
		closedir(d);
		return 2;
	}
	if (sites && vlf_sites_parse(sites, &suppress, bad, sizeof(bad)) != 0) {
		fprintf(stderr, "vlf-bench: unknown oracle site '%s' in --suppress\n", bad);
		closedir(d);
		return 2;
	}
	vlf_machine_set_suppress(m, suppress);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			progs = realloc(progs, cap * sizeof(*progs));
			if (progs == NULL)
				return 2;
		}
		if (load_truncated(path, (size_t)max_len, &progs[n], err, sizeof(err)) != 0)
			continue;
		if (cr8)
			progs[n].cfg.cr8_intercept = strcmp(cr8, "intercept") == 0;
		n++;
	}
	closedir(d);
	if (n == 0) {
		fprintf(stderr, "vlf-bench: no program in '%s'\n", dir);
		return 2;
	}
	t0 = now();
	do {
		for (size_t i = 0; i < n; i++)
			vlf_machine_run(m, &progs[i]);
		execs += (long)n;
		t = now() - t0;
	} while (t < seconds);
	printf("mode=replay inputs=%zu execs=%ld seconds=%.3f exec_per_s=%.0f\n", n, execs, t,
	       execs / t);
	free(progs);
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static void describe(const char *name, uint32_t *v, size_t n)
{
	if (n == 0) {
		printf(" %s_median=- %s_p90=- %s_max=-", name, name, name);
		return;
	}
	qsort(v, n, sizeof(*v), cmp_u32);
	printf(" %s_median=%u %s_p90=%u %s_max=%u", name, v[n / 2], name, v[(n * 9) / 10], name,
	       v[n - 1]);
}

static int latency(struct vlf_machine *m, int argc, char **argv)
{
	int policy = policy_opt(argc, argv, "eventinj");
	const char *cr8 = opt(argc, argv, "--cr8", NULL);
	const char *dir = argv[argc - 1];
	struct vlf_latency lat = {.cap = 1u << 22};
	char path[4096], err[600];
	struct dirent *e;
	DIR *d = opendir(dir);
	long programs = 0;

	if (argc < 3 || d == NULL) {
		fprintf(stderr, "vlf-bench: latency wants a corpus directory, not '%s'\n", dir);
		return 2;
	}
	if (cr8 && strcmp(cr8, "intercept") != 0 && strcmp(cr8, "passthrough") != 0) {
		fprintf(stderr, "vlf-bench: --cr8 wants intercept or passthrough, not '%s'\n", cr8);
		closedir(d);
		return 2;
	}
	lat.vmruns = malloc(lat.cap * sizeof(uint32_t));
	lat.insns = malloc(lat.cap * sizeof(uint32_t));
	if (lat.vmruns == NULL || lat.insns == NULL) {
		closedir(d);
		return 2;
	}
	vlf_machine_set_latency(m, &lat);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (vlf_program_load(path, policy, &prog, err, sizeof(err)) != 0)
			continue;
		if (cr8)
			prog.cfg.cr8_intercept = strcmp(cr8, "intercept") == 0;
		vlf_machine_run(m, &prog);
		programs++;
	}
	closedir(d);
	vlf_machine_set_latency(m, NULL);
	printf("mode=latency policy=%s programs=%ld deliveries=%zu",
	       vlf_policy_name((enum vlf_policy)policy), programs, lat.n);
	describe("insns", lat.insns, lat.n);
	describe("vmruns", lat.vmruns, lat.n);
	printf("\n");
	free(lat.vmruns);
	free(lat.insns);
	return 0;
}

static int baseline(struct vlf_machine *m, int argc, char **argv)
{
	int policy = policy_opt(argc, argv, "virq");
	unsigned long long s = (unsigned long long)num(argc, argv, "--seed", 1, 1, 1L << 40);
	long max_len = num(argc, argv, "--max-len", 4096, 1, 1 + VLF_MAX_OPS * VLF_OP_BYTES);
	long max_execs = num(argc, argv, "--max-execs", 100000000, 1, 2000000000);
	static uint8_t bytes[1 + VLF_MAX_OPS * VLF_OP_BYTES];
	double t0 = now();
	long i;

	for (i = 1; i <= max_execs; i++) {
		size_t len = (size_t)(rng(&s) % (unsigned long long)max_len) + 1;

		for (size_t b = 0; b < len; b++)
			bytes[b] = (uint8_t)rng(&s);
		vlf_decode(bytes, len, policy, &prog);
		if (vlf_machine_run(m, &prog))
			break;
	}
	printf("mode=baseline policy=%s found=%d execs=%ld seconds=%.4f invariant=%s\n",
	       vlf_policy_name((enum vlf_policy)policy), i <= max_execs,
	       i <= max_execs ? i : max_execs, now() - t0,
	       vlf_machine_violation(m) ? vlf_invariant_name(vlf_machine_violation(m)->inv)
	                                : "none");
	return 0;
}

int main(int argc, char **argv)
{
	const char *err = "?";
	struct vlf_machine *m;
	int rc;

	if (argc < 2) {
		fprintf(stderr, "usage: %s throughput|replay|latency|baseline [options]\n",
		        argv[0]);
		return 2;
	}
	m = vlf_machine_new(vlf_target_get(), &err);
	if (m == NULL) {
		fprintf(stderr, "vlf-bench: cannot create target: %s\n", err);
		return 2;
	}
	if (strcmp(argv[1], "throughput") == 0)
		rc = throughput(m, argc, argv);
	else if (strcmp(argv[1], "replay") == 0)
		rc = replay(m, argc, argv);
	else if (strcmp(argv[1], "baseline") == 0)
		rc = baseline(m, argc, argv);
	else if (strcmp(argv[1], "latency") == 0)
		rc = latency(m, argc, argv);
	else {
		fprintf(stderr,
		        "vlf-bench: unknown mode '%s' (throughput, replay, latency, baseline)\n",
		        argv[1]);
		rc = 2;
	}
	vlf_machine_free(m);
	return rc;
}
