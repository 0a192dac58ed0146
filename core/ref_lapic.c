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
