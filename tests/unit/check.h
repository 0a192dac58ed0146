/* A minimal assertion kit: each failed CHECK prints where and carries on. */
#ifndef VLF_CHECK_H
#define VLF_CHECK_H

#include <stdio.h>

static int check_failures;
static int check_count;

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		check_count++;                                                                     \
		if (!(cond)) {                                                                     \
			check_failures++;                                                          \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);   \
		}                                                                                  \
	} while (0)

#define CHECK_DONE()                                                                               \
	(printf("%d checks, %d failed\n", check_count, check_failures), check_failures ? 1 : 0)

/* Deterministic PRNG for property tests (xorshift64*). */
static inline unsigned long long check_rand(unsigned long long *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

#endif
