/* Each invariant fires when it must, and stays quiet when it must not. */
#include <string.h>

#include "check.h"
#include "oracle.h"

static struct vlf_oracle o;

static void fresh(int cr8_intercept)
{
	struct vlf_config cfg = {.nvcpus = 2, .cr8_intercept = cr8_intercept};

	vlf_oracle_reset(&o, &cfg);
}

static int fired(enum vlf_invariant inv)
{
	return o.violated && o.v.inv == inv;
}

int main(void)
{
	/* lost-vector: the seed's story at the oracle's level. */
	fresh(0);
	vlf_oracle_post(&o, 1, 0x41, 0);
	vlf_oracle_delivery(&o, 1, 0x41, 1, 0);
	vlf_oracle_service(&o, 1, 0x41);
	vlf_oracle_post(&o, 1, 0x41, 0); /* IRR was clear again: not coalesced */
	vlf_oracle_finish(&o);
	CHECK(fired(VLF_INV_LOST_VECTOR) && o.v.vcpu == 1 && o.v.vector == 0x41);
	/* ...but two posts before delivery coalesce, so one service is enough. */
	fresh(0);
	vlf_oracle_post(&o, 1, 0x41, 0);
	vlf_oracle_post(&o, 1, 0x41, 0);
	vlf_oracle_delivery(&o, 1, 0x41, 1, 0);
	vlf_oracle_service(&o, 1, 0x41);
	vlf_oracle_finish(&o);
	CHECK(!o.violated);
	/* Illegal vectors are never owed. */
	fresh(0);
	vlf_oracle_post(&o, 0, 0x0f, 0);
	vlf_oracle_finish(&o);
	CHECK(!o.violated);

	/* double-service: delivery with nothing pending, or a second handler entry. */
	fresh(0);
	vlf_oracle_delivery(&o, 0, 0x50, 1, 0);
	CHECK(fired(VLF_INV_DOUBLE_SERVICE));
	fresh(0);
	vlf_oracle_post(&o, 0, 0x50, 0);
	vlf_oracle_delivery(&o, 0, 0x50, 1, 0);
	vlf_oracle_service(&o, 0, 0x50);
	CHECK(!o.violated);
	vlf_oracle_service(&o, 0, 0x50);
	CHECK(fired(VLF_INV_DOUBLE_SERVICE));
	/* A delivery cut by an exit may be re-delivered once without a new post. */
	fresh(0);
	vlf_oracle_post(&o, 0, 0x50, 0);
	vlf_oracle_delivery(&o, 0, 0x50, 1, 0);
	vlf_oracle_interrupted(&o, 0, 0x50);
	vlf_oracle_delivery(&o, 0, 0x50, 1, 0);
	vlf_oracle_service(&o, 0, 0x50);
	vlf_oracle_finish(&o);
	CHECK(!o.violated);
	vlf_oracle_delivery(&o, 0, 0x50, 1, 0);
	CHECK(fired(VLF_INV_DOUBLE_SERVICE));

	/* delivery-masked: IF=0 or inside the STI shadow. */
	fresh(0);
	vlf_oracle_post(&o, 0, 0x60, 0);
	vlf_oracle_delivery(&o, 0, 0x60, 0, 0);
	CHECK(fired(VLF_INV_MASKED_DELIVERY));
	fresh(0);
	vlf_oracle_post(&o, 0, 0x60, 0);
	vlf_oracle_delivery(&o, 0, 0x60, 1, 1);
	CHECK(fired(VLF_INV_MASKED_DELIVERY));

	/* delivery-below-ppr: TPR class, or an in-service vector of the same class. */
	fresh(0);
	vlf_oracle_set_tpr(&o, 0, 0x60);
	vlf_oracle_post(&o, 0, 0x65, 0);
	vlf_oracle_delivery(&o, 0, 0x65, 1, 0);
	CHECK(fired(VLF_INV_BELOW_PPR));
	fresh(0);
	vlf_oracle_set_tpr(&o, 0, 0x5f);
	vlf_oracle_post(&o, 0, 0x60, 0);
	vlf_oracle_delivery(&o, 0, 0x60, 1, 0);
	CHECK(!o.violated);
	vlf_oracle_post(&o, 0, 0x61, 0);
	vlf_oracle_delivery(&o, 0, 0x61, 1, 0);
	CHECK(fired(VLF_INV_BELOW_PPR));

	/* read-mismatch: IRR words exactly; TPR low nibble only with a CR8 intercept. */
	fresh(0);
	vlf_oracle_post(&o, 0, 0x41, 0);
	vlf_oracle_read(&o, 0, VLF_REG_IRR, 2, 1u << 1);
	CHECK(!o.violated);
	vlf_oracle_read(&o, 0, VLF_REG_IRR, 2, 0);
	CHECK(fired(VLF_INV_READ_MISMATCH) && o.v.vector == 0x41);
	fresh(0);
	vlf_oracle_set_tpr(&o, 0, 0x35);
	vlf_oracle_read(&o, 0, VLF_REG_TPR, 0, 0x30);
	CHECK(!o.violated);
	vlf_oracle_read(&o, 0, VLF_REG_CR8, 0, 3);
	CHECK(!o.violated);
	fresh(1);
	vlf_oracle_set_tpr(&o, 0, 0x35);
	vlf_oracle_read(&o, 0, VLF_REG_TPR, 0, 0x30);
	CHECK(fired(VLF_INV_READ_MISMATCH));
	fresh(1);
	vlf_oracle_post(&o, 0, 0x81, 0);
	vlf_oracle_delivery(&o, 0, 0x81, 1, 0);
	vlf_oracle_read(&o, 0, VLF_REG_PPR, 0, 0x80);
	CHECK(!o.violated);
	vlf_oracle_read(&o, 0, VLF_REG_PPR, 0, 0x00);
	CHECK(fired(VLF_INV_READ_MISMATCH));

	/* eoi-mismatch: wrong vector retired; level EOI not broadcast; spurious broadcast. */
	fresh(0);
	vlf_oracle_post(&o, 0, 0x41, 0);
	vlf_oracle_delivery(&o, 0, 0x41, 1, 0);
	vlf_oracle_eoi(&o, 0, 0x41, -1);
	CHECK(!o.violated);
	vlf_oracle_eoi(&o, 0, -1, -1); /* EOI with nothing in service: ignored */
	CHECK(!o.violated);
	vlf_oracle_eoi(&o, 0, 0x41, -1);
	CHECK(fired(VLF_INV_EOI_MISMATCH));
	fresh(0);
	vlf_oracle_post(&o, 0, 0x41, 1);
	vlf_oracle_delivery(&o, 0, 0x41, 1, 0);
	vlf_oracle_eoi(&o, 0, 0x41, -1);
	CHECK(fired(VLF_INV_EOI_MISMATCH));
	fresh(0);
	vlf_oracle_post(&o, 0, 0x41, 1);
	vlf_oracle_delivery(&o, 0, 0x41, 1, 0);
	vlf_oracle_eoi(&o, 0, 0x41, 0x41);
	CHECK(!o.violated);
	fresh(0);
	vlf_oracle_post(&o, 0, 0x41, 0);
	vlf_oracle_delivery(&o, 0, 0x41, 1, 0);
	vlf_oracle_eoi(&o, 0, 0x41, 0x41);
	CHECK(fired(VLF_INV_EOI_MISMATCH));
	fresh(0);
	vlf_oracle_post(&o, 0, 0x41, 0);
	vlf_oracle_post(&o, 0, 0x91, 0);
	vlf_oracle_delivery(&o, 0, 0x41, 1, 0);
	vlf_oracle_delivery(&o, 0, 0x91, 1, 0);
	vlf_oracle_eoi(&o, 0, 0x41, -1); /* must retire the highest: 0x91 */
	CHECK(fired(VLF_INV_EOI_MISMATCH) && o.v.vector == 0x91);

	/* A suppressed site lets its violation pass, counted; other sites still fire. */
	fresh(1);
	o.suppress = 1u << VLF_SITE_READ_TPR_SUBCLASS;
	vlf_oracle_set_tpr(&o, 0, 0x35);
	vlf_oracle_read(&o, 0, VLF_REG_TPR, 0, 0x30);
	CHECK(!o.violated && o.suppressed == 1);
	vlf_oracle_read(&o, 0, VLF_REG_TPR, 0, 0x20);
	CHECK(fired(VLF_INV_READ_MISMATCH) && o.v.site == VLF_SITE_READ_TPR);
	o.suppress = 0;
	{
		uint32_t mask;
		char bad[32];

		CHECK(vlf_sites_parse("eoi-edge-broadcast,read-ppr-subclass", &mask, bad,
		                      sizeof(bad)) == 0);
		CHECK(mask ==
		      (1u << VLF_SITE_EOI_EDGE_BROADCAST | 1u << VLF_SITE_READ_PPR_SUBCLASS));
		CHECK(vlf_sites_parse("read-tpr,bogus", &mask, bad, sizeof(bad)) == -1);
		CHECK(strcmp(bad, "bogus") == 0);
	}

	/*
	 * read-ppr-stale: the value PPR had before the last acceptance is its
	 * own site, so that finding can pass while other PPR errors still fire.
	 */
	fresh(0);
	vlf_oracle_post(&o, 0, 0x45, 0);
	vlf_oracle_delivery(&o, 0, 0x45, 1, 0);
	vlf_oracle_read(&o, 0, VLF_REG_PPR, 0, 0x00);
	CHECK(fired(VLF_INV_READ_MISMATCH) && o.v.site == VLF_SITE_READ_PPR_STALE);
	fresh(0);
	vlf_oracle_post(&o, 0, 0x45, 0);
	vlf_oracle_delivery(&o, 0, 0x45, 1, 0);
	vlf_oracle_read(&o, 0, VLF_REG_PPR, 0, 0x30); /* neither before nor after */
	CHECK(fired(VLF_INV_READ_MISMATCH) && o.v.site == VLF_SITE_READ_PPR);
	/* CR8 writes between two exits that end where they began: still stale. */
	fresh(0);
	vlf_oracle_post(&o, 0, 0x45, 0);
	vlf_oracle_delivery(&o, 0, 0x45, 1, 0);
	vlf_oracle_set_tpr(&o, 0, 0xa0);
	vlf_oracle_set_tpr(&o, 0, 0x00);
	vlf_oracle_read(&o, 0, VLF_REG_PPR, 0, 0x00);
	CHECK(fired(VLF_INV_READ_MISMATCH) && o.v.site == VLF_SITE_READ_PPR_STALE);
	/* Without a CR8 intercept, a change of TPR[3:0] alone is unknowable. */
	fresh(0);
	vlf_oracle_set_tpr(&o, 0, 0x07);
	vlf_oracle_post(&o, 0, 0x45, 0);
	vlf_oracle_delivery(&o, 0, 0x45, 1, 0);
	vlf_oracle_set_tpr(&o, 0, 0x00);
	vlf_oracle_read(&o, 0, VLF_REG_PPR, 0, 0x00);
	CHECK(fired(VLF_INV_READ_MISMATCH) && o.v.site == VLF_SITE_READ_PPR_STALE);
	/* A TPR that changed since the acceptance must show in PPR. */
	fresh(0);
	vlf_oracle_post(&o, 0, 0x45, 0);
	vlf_oracle_delivery(&o, 0, 0x45, 1, 0);
	vlf_oracle_set_tpr(&o, 0, 0x20);
	vlf_oracle_read(&o, 0, VLF_REG_PPR, 0, 0x00);
	CHECK(fired(VLF_INV_READ_MISMATCH) && o.v.site == VLF_SITE_READ_PPR);
	/* After an EOI the pre-acceptance value is no longer an excuse. */
	fresh(0);
	vlf_oracle_post(&o, 0, 0x45, 0);
	vlf_oracle_post(&o, 0, 0x65, 0);
	vlf_oracle_delivery(&o, 0, 0x65, 1, 0);
	vlf_oracle_delivery(&o, 0, 0x45, 1, 0); /* below PPR: refused, no change */
	CHECK(fired(VLF_INV_BELOW_PPR));
	fresh(0);
	vlf_oracle_post(&o, 0, 0x45, 0);
	vlf_oracle_delivery(&o, 0, 0x45, 1, 0);
	vlf_oracle_eoi(&o, 0, 0x45, -1);
	vlf_oracle_read(&o, 0, VLF_REG_PPR, 0, 0x40);
	CHECK(fired(VLF_INV_READ_MISMATCH) && o.v.site == VLF_SITE_READ_PPR);

	/* Only the first violation is kept. */
	fresh(0);
	vlf_oracle_delivery(&o, 0, 0x50, 0, 0);
	vlf_oracle_read(&o, 0, VLF_REG_TPR, 0, 0xff);
	CHECK(fired(VLF_INV_DOUBLE_SERVICE));
	CHECK(strcmp(vlf_invariant_name(VLF_INV_LOST_VECTOR), "lost-vector") == 0);
	/* NMIs: one latched while another is in flight, the rest merge. */
	fresh(0);
	vlf_oracle_nmi_post(&o, 1);
	vlf_oracle_nmi_post(&o, 1); /* merges: not yet taken */
	vlf_oracle_nmi_delivery(&o, 1);
	vlf_oracle_nmi_service(&o, 1);
	vlf_oracle_nmi_post(&o, 1); /* latched behind the running handler */
	vlf_oracle_finish(&o);
	CHECK(fired(VLF_INV_LOST_VECTOR) && o.v.vector == 2 && o.v.site == VLF_SITE_NMI_LOST);
	/* ...and it may only be delivered after an IRET, any IRET. */
	fresh(0);
	vlf_oracle_nmi_post(&o, 0);
	vlf_oracle_nmi_delivery(&o, 0);
	vlf_oracle_nmi_service(&o, 0);
	vlf_oracle_nmi_post(&o, 0);
	vlf_oracle_nmi_delivery(&o, 0);
	CHECK(fired(VLF_INV_NMI_BLOCKED) && o.v.site == VLF_SITE_NMI_NESTED);
	fresh(0);
	vlf_oracle_nmi_post(&o, 0);
	vlf_oracle_nmi_delivery(&o, 0);
	vlf_oracle_nmi_service(&o, 0);
	vlf_oracle_nmi_post(&o, 0);
	vlf_oracle_iret(&o, 0);
	vlf_oracle_nmi_delivery(&o, 0);
	vlf_oracle_nmi_service(&o, 0);
	vlf_oracle_finish(&o);
	CHECK(!o.violated);
	/* An NMI nobody sent, or a cut NMI's handler run twice. */
	fresh(0);
	vlf_oracle_nmi_delivery(&o, 0);
	CHECK(fired(VLF_INV_DOUBLE_SERVICE) && o.v.site == VLF_SITE_NMI_NOT_PENDING);
	fresh(0);
	vlf_oracle_nmi_post(&o, 0);
	vlf_oracle_nmi_delivery(&o, 0);
	vlf_oracle_nmi_interrupted(&o, 0);
	vlf_oracle_nmi_delivery(&o, 0); /* re-injection: no IRET needed */
	vlf_oracle_nmi_service(&o, 0);
	CHECK(!o.violated);
	vlf_oracle_iret(&o, 0);
	vlf_oracle_nmi_delivery(&o, 0);
	CHECK(fired(VLF_INV_DOUBLE_SERVICE));

	/* The timer: expiries as counted in input-clock ticks, the current
	 * count within the divided clock's phase, masked expiries raise nothing. */
	{
		int raised[VLF_MAX_VCPUS];

		fresh(0);
		vlf_oracle_timer_lvt(&o, 1, 0x40 | VLF_LVT_PERIODIC);
		vlf_oracle_timer_load(&o, 1, 2, 100); /* 400 ticks a period */
		vlf_oracle_wait(&o, 399, raised);
		CHECK(raised[0] == -1 && raised[1] == -1);
		vlf_oracle_read(&o, 1, VLF_REG_CCR, 0, 0); /* 1 tick left: 0 or 1 */
		CHECK(!o.violated);
		vlf_oracle_wait(&o, 1, raised);
		CHECK(raised[1] == 0x40);
		vlf_oracle_read(&o, 1, VLF_REG_CCR, 0, 100); /* reloaded */
		CHECK(!o.violated);
		vlf_oracle_wait(&o, 1000, raised); /* two more expiries, one post */
		CHECK(raised[1] == 0x40);
		vlf_oracle_read(&o, 1, VLF_REG_CCR, 0, 50); /* 200 ticks left */
		CHECK(!o.violated);
		vlf_oracle_read(&o, 1, VLF_REG_CCR, 0, 52);
		CHECK(fired(VLF_INV_READ_MISMATCH) && o.v.site == VLF_SITE_READ_CCR);
		fresh(0);
		vlf_oracle_timer_lvt(&o, 0, 0x40 | VLF_LVT_MASKED);
		vlf_oracle_timer_load(&o, 0, 0, 5);
		vlf_oracle_wait(&o, 5, raised);
		CHECK(raised[0] == -1);
		vlf_oracle_timer_lvt(&o, 0, 0x41); /* one-shot: it already expired */
		vlf_oracle_wait(&o, 100, raised);
		CHECK(raised[0] == -1);
		vlf_oracle_timer_load(&o, 0, 0, 5);
		vlf_oracle_wait(&o, 100, raised);
		CHECK(raised[0] == 0x41);
		vlf_oracle_wait(&o, 100, raised);
		CHECK(raised[0] == -1);
	}

	/* nmi-late: an NMI waiting for the handler's IRET must come before the
	 * instruction after it, IF or not; one posted after the IRET need not. */
	fresh(0);
	vlf_oracle_nmi_post(&o, 0);
	vlf_oracle_vmrun(&o, 0);
	vlf_oracle_nmi_delivery(&o, 0);
	vlf_oracle_nmi_service(&o, 0);
	vlf_oracle_nmi_post(&o, 0);
	vlf_oracle_vmrun(&o, 0); /* the hypervisor knows of the second one */
	vlf_oracle_iret(&o, 0);
	vlf_oracle_retired(&o, 0, 0);
	vlf_oracle_nmi_check_late(&o, 0);
	CHECK(fired(VLF_INV_LATE_DELIVERY) && o.v.site == VLF_SITE_NMI_LATE);
	fresh(0);
	vlf_oracle_nmi_post(&o, 0);
	vlf_oracle_vmrun(&o, 0);
	vlf_oracle_nmi_delivery(&o, 0);
	vlf_oracle_nmi_service(&o, 0);
	vlf_oracle_iret(&o, 0);
	vlf_oracle_nmi_post(&o, 0); /* after the IRET: the kick decides */
	vlf_oracle_nmi_check_late(&o, 0);
	CHECK(!o.violated);

	return CHECK_DONE();
}
