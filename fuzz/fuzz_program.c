/*
 * libFuzzer entry point. Options reach us after libFuzzer's own (it ignores
 * flags that start with "--"):
 *   --policy=virq|virq-pending|eventinj   force the injection policy
 *   --cr8=intercept|passthrough           force the CR8-write intercept
 *   --suppress=SITE,...                   let known findings pass (oracle.h)
 * or the environment variables VLF_POLICY and VLF_CR8. What is forced is
 * also written into every mutated input's header, so crash files replay on
 * their own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine.h"
#include "program.h"

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

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *env = getenv("VLF_POLICY");
	const char *err = "unknown error";

	if (env != NULL && *env != '\0')
		set_policy(env, "VLF_POLICY");
	env = getenv("VLF_SUPPRESS");
	if (env != NULL && *env != '\0')
		set_suppress(env, "VLF_SUPPRESS");
	env = getenv("VLF_CR8");
	if (env != NULL && *env != '\0')
		set_cr8(env, "VLF_CR8");
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vlf_decode(data, size, force_policy, &program);
	if (force_cr8 >= 0)
		program.cfg.cr8_intercept = force_cr8;
	if (!vlf_machine_run(machine, &program))
		return 0;
	/* Runs are deterministic: replay with the trace on to explain it. */
	vlf_violation_print(vlf_machine_violation(machine), stderr);
	fprintf(stderr, "---- trace ----\n");
	vlf_machine_set_trace(machine, stderr, 1);
	vlf_machine_run(machine, &program);
	vlf_machine_set_trace(machine, NULL, 0);
	abort();
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
