#include "ref_lapic.h"

#include <string.h>

#include "bitmap256.h"

void vlf_ref_reset(struct vlf_ref_lapic *r)
{
	memset(r, 0, sizeof(*r));
}

enum vlf_ref_accept vlf_ref_accept(struct vlf_ref_lapic *r, unsigned vector, int level)
{
	int was;

	if (vector < 16 || vector > 255)
		return VLF_REF_REJECTED;
	/* The trigger mode of the newest request wins (SDM 11.8.4). */
	if (level)
		bm_set(r->tmr, vector);
	else
		bm_clear(r->tmr, vector);
	was = bm_test(r->irr, vector);
	bm_set(r->irr, vector);
	return was ? VLF_REF_COALESCED : VLF_REF_ACCEPTED;
}

uint8_t vlf_ref_ppr(const struct vlf_ref_lapic *r)
{
	int isrv = bm_highest(r->isr);
	unsigned isr_class = isrv < 0 ? 0 : (unsigned)isrv & 0xf0u;

	if ((r->tpr & 0xf0u) >= isr_class)
		return r->tpr;
	return (uint8_t)isr_class;
}

int vlf_ref_deliverable(const struct vlf_ref_lapic *r)
{
	int v = bm_highest(r->irr);

	if (v < 0)
		return -1;
	if (((unsigned)v & 0xf0u) <= (vlf_ref_ppr(r) & 0xf0u))
		return -1;
	return v;
}

void vlf_ref_deliver(struct vlf_ref_lapic *r, unsigned vector)
{
	bm_clear(r->irr, vector);
	bm_set(r->isr, vector);
}

int vlf_ref_eoi(struct vlf_ref_lapic *r)
{
	int v = bm_highest(r->isr);

	if (v >= 0)
		bm_clear(r->isr, (unsigned)v);
	return v;
}

uint32_t vlf_x2apic_logical_dest(uint8_t mda)
{
	return mda == 0xff ? 0xffffffffu : (uint32_t)(mda >> 4) << 16 | (mda & 0xfu);
}

int vlf_ref_logical_match(const struct vlf_ref_lapic *r, unsigned apic_id, int x2apic, uint8_t mda)
{
	if (mda == 0xff)
		return 1;
	if (x2apic) {
		/* The x2APIC LDR is derived from the ID: cluster, one member bit. */
		uint32_t dest = vlf_x2apic_logical_dest(mda);

		return (dest >> 16) == (apic_id >> 4) && (dest & (1u << (apic_id & 0xfu))) != 0;
	}
	if (!r->cluster)
		return (r->ldr & mda) != 0;
	/* Cluster 0xf is no wildcard: only the all-ones MDA reaches every
	 * cluster ("setting all destination bits to one"). */
	return (mda >> 4) == (r->ldr >> 4) && (mda & r->ldr & 0xfu) != 0;
}
