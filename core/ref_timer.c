#include "ref_timer.h"

#include <string.h>

#include "target.h"

void vlf_ref_timer_reset(struct vlf_ref_timer *t)
{
	memset(t, 0, sizeof(*t));
	t->lvt = VLF_LVT_MASKED; /* SDM 11.4.7: LVT entries reset masked */
	t->divide = 2;           /* DCR resets to 0: divide by 2 */
}

void vlf_ref_timer_set_divide(struct vlf_ref_timer *t, unsigned divide_log2)
{
	t->divide = 1u << (divide_log2 & 7u);
}

void vlf_ref_timer_load(struct vlf_ref_timer *t, uint32_t count, uint64_t now)
{
	t->initial = count;
	t->loaded = now;
	t->next = count ? now + (uint64_t)count * t->divide : 0;
}

uint64_t vlf_ref_timer_advance(struct vlf_ref_timer *t, uint64_t until)
{
	uint64_t period = (uint64_t)t->initial * t->divide, n;

	if (t->next == 0 || t->next > until)
		return 0;
	if (!(t->lvt & VLF_LVT_PERIODIC)) {
		t->next = 0;
		return 1;
	}
	n = (until - t->next) / period + 1;
	t->next += n * period;
	return n;
}

void vlf_ref_timer_ccr(const struct vlf_ref_timer *t, uint64_t now, uint32_t *lo, uint32_t *hi)
{
	uint64_t left;

	*lo = *hi = 0;
	if (t->next == 0 || now >= t->next)
		return;
	left = t->next - now; /* 1 .. initial * divide ticks to the next expiry */
	*lo = (uint32_t)(left / t->divide);
	*hi = (uint32_t)((left + t->divide - 1) / t->divide);
}
