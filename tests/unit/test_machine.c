#define _POSIX_C_SOURCE 200809L
/* End to end against the model target: scenarios, properties, isolation. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "machine.h"
#include "program_text.h"

static struct vlf_program prog, prog_b;
static struct vlf_machine *m;

static int run_text(const char *text, int policy, enum vlf_invariant *inv)
{
	char err[256];

	if (vlf_program_parse(text, strlen(text), "inline", &prog, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	if (policy >= 0)
		prog.cfg.policy = (enum vlf_policy)policy;
	vlf_machine_run(m, &prog);
	*inv = vlf_machine_violation(m) ? vlf_machine_violation(m)->inv : VLF_INV_NONE;
	return 0;
}

static const char seed[] = "config vcpus=2 policy=virq apic=xapic cr8=passthrough\n"
                           "ipi vcpu=0 dest=vcpu1 vector=0x41\n"
                           "run vcpu=1\n"
                           "nop vcpu=1\n"
                           "ack vcpu=1\n"
                           "ipi vcpu=0 dest=vcpu1 vector=0x41\n"
                           "exit vcpu=1 reason=intr during-delivery=no\n";

/* An exit cuts the delivery of an injected event: it must come back. */
static const char cut[] = "config vcpus=1 policy=eventinj apic=x2apic cr8=intercept\n"
                          "post vcpu=0 vector=0x72 trigger=level\n"
                          "run vcpu=0\n"
                          "exit vcpu=0 reason=npf during-delivery=yes\n"
                          "read vcpu=0 reg=isr word=3\n"
                          "nop vcpu=0\n"
                          "eoi vcpu=0\n"
                          "iret vcpu=0\n";

/* TPR via CR8 holds a vector back; lowering it lets it through. */
static const char tpr[] = "config vcpus=1 policy=eventinj apic=xapic cr8=passthrough\n"
                          "cr8 vcpu=0 value=9\n"
                          "post vcpu=0 vector=0x85 trigger=edge\n"
                          "exit vcpu=0 reason=intr during-delivery=no\n"
                          "run vcpu=0\n"
                          "read vcpu=0 reg=ppr\n"
                          "read vcpu=0 reg=irr word=4\n"
                          "cr8 vcpu=0 value=0\n"
                          "exit vcpu=0 reason=io during-delivery=no\n"
                          "run vcpu=0\n"
                          "nop vcpu=0\n"
                          "read vcpu=0 reg=isr word=4\n";

static char *trace_of(const struct vlf_program *p, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	vlf_machine_set_trace(m, f, 1);
	vlf_machine_run(m, p);
	vlf_machine_set_trace(m, NULL, 0);
	fclose(f);
	return buf;
}

static void random_program(struct vlf_program *p, unsigned long long *s, int no_posts)
{
	uint8_t bytes[1 + 96 * VLF_OP_BYTES];
	size_t n = 1 + (check_rand(s) % 96) * VLF_OP_BYTES;

	for (size_t i = 0; i < n; i++)
		bytes[i] = (uint8_t)check_rand(s);
	vlf_decode(bytes, n, -1, p);
	if (!no_posts)
		return;
	for (size_t i = 0; i < p->nops; i++)
		switch (p->ops[i].kind) {
		case VLF_OP_POST:
		case VLF_OP_IPI:
		case VLF_OP_NMI:
		case VLF_OP_IPI_LOGICAL:
		case VLF_OP_LVT: /* a timer is a device too */
		case VLF_OP_TMICT:
			p->ops[i].kind = VLF_OP_NOP;
			break;
		default:
			break;
		}
}

int main(void)
{
	const char *err = "?";
	enum vlf_invariant inv;
	unsigned long long s = 42;
	int quiet_ok = 1, same_ok = 1;
	char *t1, *t2, *t3;
	size_t l1, l2, l3;

	m = vlf_machine_new(vlf_target_get(), &err);
	CHECK(m != NULL);
	if (m == NULL)
		return 1;

	/* The seed scenario: lost under virq, clean under both fixes. */
	CHECK(run_text(seed, VLF_POLICY_VIRQ, &inv) == 0 && inv == VLF_INV_LOST_VECTOR);
	CHECK(vlf_machine_violation(m)->vcpu == 1 && vlf_machine_violation(m)->vector == 0x41);
	CHECK(run_text(seed, VLF_POLICY_VIRQ_PENDING, &inv) == 0 && inv == VLF_INV_NONE);
	CHECK(run_text(seed, VLF_POLICY_EVENTINJ, &inv) == 0 && inv == VLF_INV_NONE);

	for (int p = 0; p < VLF_POLICY_COUNT; p++) {
		CHECK(run_text(cut, p, &inv) == 0 && inv == VLF_INV_NONE);
		CHECK(run_text(tpr, p, &inv) == 0 && inv == VLF_INV_NONE);
	}

	/* Nothing posted, nothing to find: whatever the exits and guest steps. */
	for (int i = 0; i < 20000 && quiet_ok; i++) {
		random_program(&prog, &s, 1);
		if (vlf_machine_run(m, &prog)) {
			quiet_ok = 0;
			vlf_violation_print(vlf_machine_violation(m), stderr);
			vlf_program_print(&prog, stderr);
		}
	}
	CHECK(quiet_ok);

	/* Isolation: A, B, A in one process give A the same trace twice. */
	for (int i = 0; i < 50 && same_ok; i++) {
		random_program(&prog, &s, 0);
		random_program(&prog_b, &s, 0);
		t1 = trace_of(&prog, &l1);
		t2 = trace_of(&prog_b, &l2);
		t3 = trace_of(&prog, &l3);
		same_ok = l1 == l3 && memcmp(t1, t3, l1) == 0;
		free(t1);
		free(t2);
		free(t3);
	}
	CHECK(same_ok);

	vlf_machine_free(m);
	return CHECK_DONE();
}
