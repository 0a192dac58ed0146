/* 256-bit vector bitmaps as the LAPIC lays them out: eight 32-bit words. */
#ifndef VLF_BITMAP256_H
#define VLF_BITMAP256_H

#include <stdint.h>

static inline int bm_test(const uint32_t *bm, unsigned v)
{
	return (bm[(v >> 5) & 7] >> (v & 31)) & 1u;
}

static inline void bm_set(uint32_t *bm, unsigned v)
{
	bm[(v >> 5) & 7] |= 1u << (v & 31);
}

static inline void bm_clear(uint32_t *bm, unsigned v)
{
	bm[(v >> 5) & 7] &= ~(1u << (v & 31));
}

/* Highest set vector, or -1. */
static inline int bm_highest(const uint32_t *bm)
{
	for (int w = 7; w >= 0; w--)
		if (bm[w])
			return w * 32 + 31 - __builtin_clz(bm[w]);
	return -1;
}

static inline int bm_empty(const uint32_t *bm)
{
	return (bm[0] | bm[1] | bm[2] | bm[3] | bm[4] | bm[5] | bm[6] | bm[7]) == 0;
}

#endif
