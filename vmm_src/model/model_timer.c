#include "model_timer.h"

#include <string.h>

#include "target.h"

/* DCR bits 0, 1 and 3 hold a 3-bit value; 111b divides by 1. */
static uint32_t divisor(uint32_t dcr)
{
	uint32_t v = (dcr & 3u) | (dcr & 8u) >> 1;

	return v == 7 ? 1 : 2u << v;
}

void model_timer_reset(struct model_timer *t)
{
	memset(t, 0, sizeof(*t));
	t->lvt = VLF_LVT_MASKED;
}

void model_timer_write_icr(struct model_timer *t, uint32_t count)
{
	t->initial = count;
	t->left = (uint64_t)count * divisor(t->dcr);
}

int model_timer_advance(struct model_timer *t, uint64_t ticks)
{
	uint64_t period = (uint64_t)t->initial * divisor(t->dcr);

	if (t->left == 0 || ticks < t->left) {
		if (t->left)
			t->left -= ticks;
		return 0;
	}
	ticks -= t->left;
#ifdef VLF_BUG_TIMER_ONESHOT_RELOADS
	/* Seeded bug: a one-shot timer reloads like a periodic one. */
	t->left = period - ticks % period;
#else
	t->left = (t->lvt & VLF_LVT_PERIODIC) ? period - ticks % period : 0;
#endif
	return 1;
}

uint32_t model_timer_ccr(const struct model_timer *t)
{
	uint32_t d = divisor(t->dcr);

	return (uint32_t)((t->left + d - 1) / d);
}
