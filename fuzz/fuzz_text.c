/*
 * libFuzzer target for the text parser: whatever parses must print back to
 * text that parses to the same program, print identically again, and survive
 * the binary form unchanged. Errors must be one "fuzz.txt:<line>: " line.
 */
#define _POSIX_C_SOURCE 200809L /* fmemopen */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "program_text.h"

/* 1024 ops of at most ~50 chars, plus the header lines. */
#define TEXT_CAP (64 * 1024 + 1024)

static struct vlf_program p1, p2, p3;
static char text1[TEXT_CAP], text2[TEXT_CAP];
static uint8_t bin[1 + VLF_MAX_OPS * VLF_OP_BYTES];

static int prog_equal(const struct vlf_program *a, const struct vlf_program *b)
{
	return a->cfg.nvcpus == b->cfg.nvcpus && a->cfg.policy == b->cfg.policy &&
	       a->cfg.apic == b->cfg.apic && a->cfg.cr8_intercept == b->cfg.cr8_intercept &&
	       a->nops == b->nops && memcmp(a->ops, b->ops, a->nops * sizeof(a->ops[0])) == 0;
}

static size_t print_to(const struct vlf_program *p, char *buf, size_t cap)
{
	FILE *f = fmemopen(buf, cap, "w");
	long n;

	if (!f)
		abort();
	vlf_program_print(p, f);
	fflush(f);
	n = ftell(f);
	fclose(f);
	if (n < 0 || (size_t)n >= cap - 1)
		abort(); /* TEXT_CAP too small: the test is wrong, say so */
	return (size_t)n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	size_t n1, n2, nb;

	if (vlf_program_parse((const char *)data, size, "fuzz.txt", &p1, err, sizeof(err)) != 0) {
		if (strncmp(err, "fuzz.txt:", 9) != 0 || strchr(err, '\n') ||
		    !strstr(err + 9, ": "))
			abort();
		return 0;
	}
	n1 = print_to(&p1, text1, sizeof(text1));
	if (vlf_program_parse(text1, n1, "print.txt", &p2, err, sizeof(err)) != 0) {
		fprintf(stderr, "printed text does not parse: %s\n", err);
		abort();
	}
	if (!prog_equal(&p1, &p2))
		abort();
	n2 = print_to(&p2, text2, sizeof(text2));
	if (n1 != n2 || memcmp(text1, text2, n1) != 0)
		abort();
	nb = vlf_encode(&p1, bin, sizeof(bin));
	if (nb != vlf_encoded_size(&p1))
		abort();
	vlf_decode(bin, nb, -1, &p3);
	if (!prog_equal(&p1, &p3))
		abort();
	return 0;
}
