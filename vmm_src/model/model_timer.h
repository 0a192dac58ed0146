/*
 * The model vLAPIC's timer (Intel SDM vol. 3, 11.5.4), kept as the number
 * of input-clock ticks left until the next expiry.
 */
#ifndef MODEL_TIMER_H
#define MODEL_TIMER_H

#include <stdint.h>

struct model_timer {
	uint32_t lvt;
	uint32_t dcr;
	uint32_t initial;
	uint64_t left; /* ticks to the next expiry; 0: not counting */
};

void model_timer_reset(struct model_timer *t);
void model_timer_write_icr(struct model_timer *t, uint32_t count);
/* Returns 1 if the timer expired at least once in those ticks. */
int model_timer_advance(struct model_timer *t, uint64_t ticks);
uint32_t model_timer_ccr(const struct model_timer *t);

#endif
