/*
 * The architectural reference LAPIC (Intel SDM vol. 3, 11.8 "Handling
 * Interrupts"): what real hardware would hold, given the same posts, the
 * same deliveries and the same guest writes. It has no notion of a
 * hypervisor: a vector moves from IRR to ISR the instant it is delivered.
 */
#ifndef VLF_REF_LAPIC_H
#define VLF_REF_LAPIC_H

#include <stdint.h>

struct vlf_ref_lapic {
	uint32_t irr[8], isr[8], tmr[8];
	uint8_t tpr;
	uint8_t ldr;     /* xAPIC logical APIC ID, LDR[31:24] */
	uint8_t cluster; /* xAPIC DFR model: 0 flat, 1 cluster */
};

enum vlf_ref_accept {
	VLF_REF_REJECTED = -1, /* vectors 0..15 are illegal for fixed delivery */
	VLF_REF_COALESCED = 0, /* already requested: hardware merges the two */
	VLF_REF_ACCEPTED = 1,  /* a new request that must be serviced */
};

void vlf_ref_reset(struct vlf_ref_lapic *r);
enum vlf_ref_accept vlf_ref_accept(struct vlf_ref_lapic *r, unsigned vector, int level);
uint8_t vlf_ref_ppr(const struct vlf_ref_lapic *r);
/* Highest IRR vector whose class is above the PPR class, or -1. */
int vlf_ref_deliverable(const struct vlf_ref_lapic *r);
/* INTA: IRR -> ISR. */
void vlf_ref_deliver(struct vlf_ref_lapic *r, unsigned vector);
/*
 * Does a logical-destination message reach this LAPIC (SDM vol. 3,
 * 11.6.2.2 xAPIC flat and cluster models, 11.12.10.2 x2APIC)? mda is the
 * xAPIC message destination address; in x2APIC mode it stands for cluster
 * mda >> 4 and member bits mda & 0xf. 0xff is the broadcast in both.
 */
int vlf_ref_logical_match(const struct vlf_ref_lapic *r, unsigned apic_id, int x2apic, uint8_t mda);
/* The 32-bit x2APIC logical destination that mda stands for. */
uint32_t vlf_x2apic_logical_dest(uint8_t mda);
/* EOI: retire the highest ISR vector; returns it, or -1 if none in service. */
int vlf_ref_eoi(struct vlf_ref_lapic *r);

#endif
