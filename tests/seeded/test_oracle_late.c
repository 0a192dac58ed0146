/*
 * The two checks the seeded-bug benchmark added to the oracle:
 *
 * delivery-late: a request pending above PPR at VMRUN must be taken before
 * the guest executes an instruction with RFLAGS.IF=1 outside the STI shadow.
 * It fires only then, and stays quiet for everything hardware would also
 * have let wait. (The machine calls vlf_oracle_late only for a vector the
 * target still holds; tests/seeded/repros/no-window.txt covers that end.)
 *
 * The architectural STI shadow: the oracle's own, not the VMCB's (which the
 * hypervisor writes); it blocks delivery (delivery-masked) and excuses a
 * wait (delivery-late) for exactly one completed instruction after an STI
 * that set IF (shadow-dropped.txt, stale-shadow-kept.txt end to end).
 */
#include <string.h>

#include "check.h"
#include "oracle.h"

static struct vlf_oracle o;

static void fresh(void)
{
	struct vlf_config cfg = {.nvcpus = 2, .cr8_intercept = 0};

	vlf_oracle_reset(&o, &cfg);
}

/* What the machine does before a guest instruction, for a target that
 * still holds every vector in its IRR. */
static void insn(int vcpu, int rflags_if)
{
	int late = vlf_oracle_overdue(&o, vcpu, rflags_if);

	if (late >= 0)
		vlf_oracle_late(&o, vcpu, late);
}

static int fired(void)
{
	return o.violated && o.v.inv == VLF_INV_LATE_DELIVERY;
}

int main(void)
{
	CHECK(strcmp(vlf_invariant_name(VLF_INV_LATE_DELIVERY), "delivery-late") == 0);

	/* Known at VMRUN, IF=1, no shadow, not delivered: late. */
	fresh();
	vlf_oracle_post(&o, 0, 0x41, 0);
	vlf_oracle_vmrun(&o, 0);
	insn(0, 0); /* IF=0: hardware waits too */
	CHECK(!o.violated);
	vlf_oracle_retired(&o, 0, 1); /* an STI that set IF */
	insn(0, 1);                   /* runs in its shadow: still waits */
	CHECK(!o.violated);
	vlf_oracle_retired(&o, 0, 0); /* that instruction completed */
	insn(0, 1);
	CHECK(fired() && o.v.vcpu == 0 && o.v.vector == 0x41);

	/* Delivered in time: quiet, also for later instructions. */
	fresh();
	vlf_oracle_post(&o, 0, 0x41, 0);
	vlf_oracle_vmrun(&o, 0);
	vlf_oracle_delivery(&o, 0, 0x41, 1, 0);
	vlf_oracle_service(&o, 0, 0x41);
	insn(0, 1);
	CHECK(!o.violated);

	/* Posted after VMRUN (no #VMEXIT since): the hypervisor cannot know. */
	fresh();
	vlf_oracle_vmrun(&o, 1);
	vlf_oracle_post(&o, 1, 0x41, 0);
	insn(1, 1);
	CHECK(!o.violated);
	/* ...but at the next VMRUN it does. */
	vlf_oracle_vmrun(&o, 1);
	insn(1, 1);
	CHECK(fired() && o.v.vcpu == 1);

	/* Masked by TPR at VMRUN: not owed, even when the guest then lowers
	 * TPR without an exit (MOV CR8 not intercepted). */
	fresh();
	vlf_oracle_set_tpr(&o, 0, 0x90);
	vlf_oracle_post(&o, 0, 0x61, 0);
	vlf_oracle_vmrun(&o, 0);
	vlf_oracle_set_tpr(&o, 0, 0x00);
	insn(0, 1);
	CHECK(!o.violated);

	/* Same class as TPR (0x6x vs TPR 0x65): not above PPR, not owed. */
	fresh();
	vlf_oracle_set_tpr(&o, 0, 0x65);
	vlf_oracle_post(&o, 0, 0x6f, 0);
	vlf_oracle_vmrun(&o, 0);
	insn(0, 1);
	CHECK(!o.violated);
	/* One class up is. */
	fresh();
	vlf_oracle_set_tpr(&o, 0, 0x65);
	vlf_oracle_post(&o, 0, 0x70, 0);
	vlf_oracle_vmrun(&o, 0);
	insn(0, 1);
	CHECK(fired() && o.v.vector == 0x70);

	/* Known at VMRUN, but the guest raised TPR over it since: hardware
	 * holds it too. */
	fresh();
	vlf_oracle_post(&o, 0, 0x41, 0);
	vlf_oracle_vmrun(&o, 0);
	vlf_oracle_set_tpr(&o, 0, 0x40);
	insn(0, 1);
	CHECK(!o.violated);

	/* Blocked by a higher vector the same VMRUN delivered: its class
	 * in ISR lifts PPR, so the lower one waits for the EOI. */
	fresh();
	vlf_oracle_post(&o, 0, 0x41, 0);
	vlf_oracle_post(&o, 0, 0x81, 0);
	vlf_oracle_vmrun(&o, 0);
	vlf_oracle_delivery(&o, 0, 0x81, 1, 0);
	vlf_oracle_service(&o, 0, 0x81);
	insn(0, 1);
	CHECK(!o.violated);
	/* An EOI without a #VMEXIT does not happen (EOI writes trap); if the
	 * ISR clears anyway, the still-known vector is owed. */
	vlf_oracle_eoi(&o, 0, 0x81, -1);
	insn(0, 1);
	CHECK(fired() && o.v.vector == 0x41);

	/* Vectors below 16 are never requests, hence never owed. */
	fresh();
	vlf_oracle_post(&o, 0, 0x05, 0);
	vlf_oracle_vmrun(&o, 0);
	insn(0, 1);
	CHECK(!o.violated);

	/* The shadow lasts one completed instruction, however it completes;
	 * an exit that completes nothing leaves it in place. */
	fresh();
	vlf_oracle_post(&o, 0, 0x41, 0);
	vlf_oracle_retired(&o, 0, 1);
	vlf_oracle_vmrun(&o, 0); /* an exit and a VMRUN in between */
	insn(0, 1);
	CHECK(!o.violated);
	vlf_oracle_retired(&o, 0, 0); /* e.g. the host emulated it */
	insn(0, 1);
	CHECK(fired() && o.v.vector == 0x41);

	/* delivery-masked from the architectural shadow, whatever the VMCB says
	 * (shadow argument 0: a hypervisor that dropped it)... */
	fresh();
	vlf_oracle_post(&o, 0, 0x41, 0);
	vlf_oracle_retired(&o, 0, 1);
	vlf_oracle_delivery(&o, 0, 0x41, 1, 0);
	CHECK(o.violated && o.v.inv == VLF_INV_MASKED_DELIVERY);
	/* ...and none once the instruction after STI completed. */
	fresh();
	vlf_oracle_post(&o, 0, 0x41, 0);
	vlf_oracle_retired(&o, 0, 1);
	vlf_oracle_retired(&o, 0, 0);
	vlf_oracle_delivery(&o, 0, 0x41, 1, 0);
	CHECK(!o.violated);

	/* Reset forgets what was known. */
	fresh();
	vlf_oracle_post(&o, 0, 0x41, 0);
	vlf_oracle_vmrun(&o, 0);
	vlf_oracle_retired(&o, 0, 1);
	fresh();
	CHECK(o.cpu[0].shadow == 0);
	insn(0, 1);
	CHECK(!o.violated);
	return CHECK_DONE();
}
