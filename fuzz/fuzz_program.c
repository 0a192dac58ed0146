/*
 * libFuzzer entry point. Options reach us after libFuzzer's own (it ignores
 * flags that start with "--"):
 *   --policy=virq|virq-pending|eventinj   force the injection policy
 *   --cr8=intercept|passthrough           force the CR8-write intercept
 *   --suppress=SITE,...                   let known findings pass (oracle.h)
 * or the environment variables VLF_POLICY, VLF_CR8 and VLF_SUPPRESS (set and
 * empty: nothing forced), or else what the build put in VLF_DEFAULT_POLICY,
 * VLF_DEFAULT_CR8 and VLF_DEFAULT_SUPPRESS (CMake's VLF_FUZZ_POLICY, ...:
 * ClusterFuzzLite passes the fuzzer neither options nor environment). What is
 * forced is also written into every mutated input's header, so crash files
 * replay on their own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine.h"
#include "oracle.h"
#include "program.h"

#ifndef VLF_DEFAULT_POLICY
#define VLF_DEFAULT_POLICY NULL
#endif
#ifndef VLF_DEFAULT_CR8
#define VLF_DEFAULT_CR8 NULL
#endif
#ifndef VLF_DEFAULT_SUPPRESS
#define VLF_DEFAULT_SUPPRESS NULL
#endif

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);

static struct vlf_machine *machine;
static struct vlf_program program;
static int force_policy = -1;
static int force_cr8 = -1;
static uint32_t suppress;

static void set_suppress(const char *list, const char *from)
{
	char bad[80];

	if (vlf_sites_parse(list, &suppress, bad, sizeof(bad)) != 0) {
		fprintf(stderr, "vlf-fuzz: unknown oracle site '%s' in %s (see core/oracle.c)\n",
		        bad, from);
		exit(2);
	}
}

static void set_policy(const char *name, const char *from)
{
	force_policy = vlf_policy_from_name(name);
	if (force_policy < 0) {
		fprintf(stderr,
		        "vlf-fuzz: unknown policy '%s' in %s (virq, virq-pending, eventinj)\n",
		        name, from);
		exit(2);
	}
}

static void set_cr8(const char *name, const char *from)
{
	if (strcmp(name, "intercept") == 0)
		force_cr8 = 1;
	else if (strcmp(name, "passthrough") == 0)
		force_cr8 = 0;
	else {
		fprintf(stderr, "vlf-fuzz: unknown CR8 mode '%s' in %s (intercept, passthrough)\n",
		        name, from);
		exit(2);
	}
}

/* The environment's setting, else the build's; NULL if neither says. */
static const char *setting(const char *name, const char *built_in, const char **from)
{
	const char *v = getenv(name);

	*from = name;
	if (v == NULL) {
		v = built_in;
		*from = "the build's default";
	}
	return v != NULL && *v != '\0' ? v : NULL;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *err = "unknown error";
	const char *from;
	const char *v;

	if ((v = setting("VLF_POLICY", VLF_DEFAULT_POLICY, &from)) != NULL)
		set_policy(v, from);
	if ((v = setting("VLF_SUPPRESS", VLF_DEFAULT_SUPPRESS, &from)) != NULL)
		set_suppress(v, from);
	if ((v = setting("VLF_CR8", VLF_DEFAULT_CR8, &from)) != NULL)
		set_cr8(v, from);
	for (int i = 1; i < *argc; i++) {
		const char *a = (*argv)[i];

		if (strncmp(a, "--policy=", 9) == 0)
			set_policy(a + 9, "--policy");
		else if (strncmp(a, "--cr8=", 6) == 0)
			set_cr8(a + 6, "--cr8");
		else if (strncmp(a, "--suppress=", 11) == 0)
			set_suppress(a + 11, "--suppress");
		else if (strncmp(a, "--", 2) == 0) {
			fprintf(stderr,
			        "vlf-fuzz: unknown option '%s' (known: --policy=, --cr8=, "
			        "--suppress=)\n",
			        a);
			exit(2);
		}
	}
	machine = vlf_machine_new(vlf_target_get(), &err);
	if (machine == NULL) {
		fprintf(stderr, "vlf-fuzz: cannot create the %s target: %s\n",
		        vlf_target_get()->name, err);
		exit(2);
	}
	vlf_machine_set_suppress(machine, suppress);
	return 0;
}

/*
 * A violation ends the run in a function of its site's own, called from one
 * of its invariant's: ClusterFuzz, OSS-Fuzz and ClusterFuzzLite tell crashes
 * apart by the top three frames past abort() (and past
 * LLVMFuzzerTestOneInput, which they skip), so each site is a bug of its own
 * on their dashboards, named by invariant and site. The frames must survive
 * optimization: no inlining, no tail calls, and a store of its own in each
 * body so that no linker folds two identical functions into one.
 */
#if defined(__has_attribute) && __has_attribute(disable_tail_calls)
#define VLF_FRAME __attribute__((noinline, disable_tail_calls))
#else
#define VLF_FRAME __attribute__((noinline))
#endif

static volatile int crashed_at;

#define VLF_X(e, id, name, inv)                                                                    \
	static VLF_FRAME void vlf_##inv##_at_##id(void)                                            \
	{                                                                                          \
		crashed_at = VLF_SITE_##e;                                                         \
		abort();                                                                           \
	}
VLF_SITES(VLF_X)
#undef VLF_X

static void (*const site_crash[VLF_SITE_COUNT])(void) = {
#define VLF_X(e, id, name, inv) [VLF_SITE_##e] = vlf_##inv##_at_##id,
    VLF_SITES(VLF_X)
#undef VLF_X
};

#define VLF_X(e, id, name)                                                                         \
	static VLF_FRAME void vlf_##id(enum vlf_site site)                                         \
	{                                                                                          \
		crashed_at = -VLF_INV_##e;                                                         \
		site_crash[site]();                                                                \
	}
VLF_INVARIANTS(VLF_X)
#undef VLF_X

static void (*const invariant_crash[VLF_INV_COUNT])(enum vlf_site) = {
#define VLF_X(e, id, name) [VLF_INV_##e] = vlf_##id,
    VLF_INVARIANTS(VLF_X)
#undef VLF_X
};

/* Prints the verdict, replays with the trace on to explain it (runs are
 * deterministic) and ends the run in the site's own frames. */
static VLF_FRAME void vlf_violation(const struct vlf_violation *v)
{
	enum vlf_invariant inv = v->inv;
	enum vlf_site site = v->site;

	vlf_violation_print(v, stderr);
	fprintf(stderr, "---- trace ----\n");
	vlf_machine_set_trace(machine, stderr, 1);
	vlf_machine_run(machine, &program);
	vlf_machine_set_trace(machine, NULL, 0);
	if ((unsigned)inv < VLF_INV_COUNT && invariant_crash[inv] != NULL &&
	    (unsigned)site < VLF_SITE_COUNT)
		invariant_crash[inv](site);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vlf_decode(data, size, force_policy, &program);
	if (force_cr8 >= 0)
		program.cfg.cr8_intercept = force_cr8;
	if (vlf_machine_run(machine, &program))
		vlf_violation(vlf_machine_violation(machine));
	return 0;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
	(void)seed;
	size = LLVMFuzzerMutate(data, size, max_size);
	if (force_policy >= 0 && size > 0)
		data[0] = vlf_header_with_policy(data[0], (enum vlf_policy)force_policy);
	if (force_cr8 >= 0 && size > 0)
		data[0] = (uint8_t)((data[0] & ~VLF_HDR_CR8_INTERCEPT) |
		                    (force_cr8 ? VLF_HDR_CR8_INTERCEPT : 0));
	return size;
}
