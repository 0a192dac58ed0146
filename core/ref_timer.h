/*
 * The architectural LAPIC timer (Intel SDM vol. 3, 11.5.4), in ticks of its
 * input clock: the initial count is loaded when written, the current count
 * drops by one every divide ticks, and at zero the timer interrupts (unless
 * masked), then stops (one-shot) or reloads (periodic). Writing 0 stops it.
 */
#ifndef VLF_REF_TIMER_H
#define VLF_REF_TIMER_H

#include <stdint.h>

struct vlf_ref_timer {
	uint32_t lvt;
	uint32_t initial;
	uint32_t divide;
	uint64_t loaded; /* tick of the last load (initial count write) */
	uint64_t next;   /* tick of the next expiry; 0 when not counting */
};

void vlf_ref_timer_reset(struct vlf_ref_timer *t);
void vlf_ref_timer_set_divide(struct vlf_ref_timer *t, unsigned divide_log2);
void vlf_ref_timer_load(struct vlf_ref_timer *t, uint32_t count, uint64_t now);
/* Expiries in (now, until], with the state moved to until. */
uint64_t vlf_ref_timer_advance(struct vlf_ref_timer *t, uint64_t until);
/*
 * The current count at now, as a range: the phase of the divided clock
 * against the load is not architectural, so a count may or may not have
 * dropped yet when now - loaded is not a multiple of divide.
 */
void vlf_ref_timer_ccr(const struct vlf_ref_timer *t, uint64_t now, uint32_t *lo, uint32_t *hi);

#endif
