/*
 * The invariants. Per vCPU, a reference LAPIC fed with the same events the
 * target sees, and counters that make "lost" and "double" precise:
 * every post the reference did not coalesce must be serviced exactly once.
 */
#ifndef VLF_ORACLE_H
#define VLF_ORACLE_H

#include <stdint.h>

#include "program.h"
#include "ref_lapic.h"
#include "target.h"

enum vlf_invariant {
	VLF_INV_NONE,
	VLF_INV_LOST_VECTOR,
	VLF_INV_DOUBLE_SERVICE,
	VLF_INV_BELOW_PPR,
	VLF_INV_MASKED_DELIVERY,
	VLF_INV_READ_MISMATCH,
	VLF_INV_EOI_MISMATCH,
	VLF_INV_COUNT
};

struct vlf_violation {
	enum vlf_invariant inv;
	int vcpu;
	int vector; /* -1 when the invariant is not about one vector */
	char detail[192];
};

struct vlf_oracle_vcpu {
	struct vlf_ref_lapic ref;
	uint16_t posts[256];    /* requests the reference did not coalesce */
	uint16_t services[256]; /* handler entries */
	int interrupted;        /* delivery cut by #VMEXIT (EXITINTINFO), or -1 */
};

struct vlf_oracle {
	int nvcpus;
	uint8_t tpr_mask; /* bits of TPR/PPR a guest read must match */
	int violated;
	struct vlf_violation v;
	/* running totals, so the per-run checks need no scan of 256 vectors */
	unsigned services;
	unsigned outstanding; /* accepted requests not yet serviced */
	struct vlf_oracle_vcpu cpu[VLF_MAX_VCPUS];
};

const char *vlf_invariant_name(enum vlf_invariant inv);

void vlf_oracle_reset(struct vlf_oracle *o, const struct vlf_config *cfg);

/* A request reached vcpu's LAPIC. */
void vlf_oracle_post(struct vlf_oracle *o, int vcpu, unsigned vector, int level);
/* The guest changed its TPR (LAPIC write, or CR8 = tpr >> 4). */
void vlf_oracle_set_tpr(struct vlf_oracle *o, int vcpu, uint8_t tpr);
/* The CPU starts delivering an external interrupt (INTA). */
void vlf_oracle_delivery(struct vlf_oracle *o, int vcpu, unsigned vector, int rflags_if,
                         int shadow);
/* That delivery was cut by a #VMEXIT: the vector waits for re-injection. */
void vlf_oracle_interrupted(struct vlf_oracle *o, int vcpu, unsigned vector);
/* The guest's handler for vector starts running. */
void vlf_oracle_service(struct vlf_oracle *o, int vcpu, unsigned vector);
/*
 * The guest wrote EOI. retired: the vector the target's ISR lost (-1 none,
 * -2 more than one); broadcast: the vector the target announced to the
 * I/O APIC (-1 none).
 */
void vlf_oracle_eoi(struct vlf_oracle *o, int vcpu, int retired, int broadcast);
/* The guest read a register (word for IRR/ISR/TMR). */
void vlf_oracle_read(struct vlf_oracle *o, int vcpu, enum vlf_read_reg reg, unsigned word,
                     uint64_t value);
/* After the drain: every accepted request serviced? */
void vlf_oracle_finish(struct vlf_oracle *o);

#endif
