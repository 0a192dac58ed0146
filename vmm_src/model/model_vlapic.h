/*
 * The model's software vLAPIC. Function names follow FreeBSD's boundary
 * (vlapic_set_intr_ready, vlapic_pending_intr, vlapic_intr_accepted, ...)
 * with a model_ prefix; the code is our own, from the Intel SDM.
 */
#ifndef MODEL_VLAPIC_H
#define MODEL_VLAPIC_H

#include <stdint.h>

#include "model_timer.h"
#include "target.h"

struct model_vm;

struct model_vlapic {
	struct model_vm *vm;
	int vcpu;
	uint32_t irr[8], isr[8], tmr[8];
	uint8_t tpr, ppr;
	uint32_t esr;
	uint32_t icr_hi;
	uint32_t ldr, dfr;
	uint64_t icr;
	int x2apic;
	/* D13781: a vector handed to V_IRQ, neither in IRR nor ISR until the
	 * next #VMEXIT tells whether the guest took it; -1 if none. */
	int virq_pending;
	struct model_timer timer;
};

#define MODEL_ESR_SEND_ILLEGAL (1u << 5)
#define MODEL_ESR_RECV_ILLEGAL (1u << 6)

void model_vlapic_reset(struct model_vlapic *l, struct model_vm *vm, int vcpu, int x2apic);
/* Returns 1 if the vCPU should be notified. */
int model_vlapic_set_intr_ready(struct model_vlapic *l, int vector, int level);
/* Highest deliverable vector or -1; ignore_tpr leaves TPR to the hardware. */
int model_vlapic_pending_intr(struct model_vlapic *l, int ignore_tpr);
void model_vlapic_intr_accepted(struct model_vlapic *l, int vector);
void model_vlapic_update_ppr(struct model_vlapic *l);
uint64_t model_vlapic_read(struct model_vlapic *l, uint32_t offset);
void model_vlapic_write(struct model_vlapic *l, uint32_t offset, uint64_t val);
void model_vlapic_set_cr8(struct model_vlapic *l, uint64_t val);
uint64_t model_vlapic_get_cr8(const struct model_vlapic *l);
/* Time passes for this vLAPIC's timer. */
/* dest: 8-bit xAPIC MDA (0xff broadcast), or 32-bit in x2APIC mode. */
int model_vlapic_logical_hit(const struct model_vlapic *l, uint32_t dest);
void model_vlapic_advance_time(struct model_vlapic *l, uint64_t ticks);

#endif
