/*
 * The hardware side of one vCPU under AMD SVM (APM vol. 2: 15.20 event
 * injection, 15.21 virtual interrupts, 16.6 CR8/TPR). While the vCPU is in
 * guest mode the CPU works on its own copy of the VMCB, loaded at VMRUN and
 * written back at #VMEXIT, exactly as the hardware caches it.
 */
#ifndef VLF_SVM_CPU_H
#define VLF_SVM_CPU_H

#include <stdint.h>

#include "target.h"

struct vlf_cpu {
	int in_guest;
	struct vlf_vmcb vmcb;
	/* An event whose delivery began (INTA done) but whose handler has
	 * not run its first instruction yet; -1 if none. */
	int delivering;
	uint64_t delivering_evt; /* in EVENTINJ/EXITINTINFO format */
	uint8_t delivering_if;   /* RFLAGS.IF before delivery, for IRET */
};

enum vlf_cpu_event {
	VLF_CPU_NOTHING,
	VLF_CPU_DELIVERY, /* delivery of cpu->delivering began */
	VLF_CPU_VINTR,    /* a virtual interrupt hit the VINTR intercept */
};

void vlf_cpu_reset(struct vlf_cpu *c);
static inline int vlf_cpu_if(const struct vlf_cpu *c)
{
	return (c->vmcb.rflags & VLF_RFLAGS_IF) != 0;
}
/* VMRUN with a freshly loaded VMCB: EVENTINJ first, then V_IRQ. */
enum vlf_cpu_event vlf_cpu_vmrun(struct vlf_cpu *c);
/* An instruction boundary: may a virtual interrupt be taken now? */
enum vlf_cpu_event vlf_cpu_boundary(struct vlf_cpu *c);
/* The handler's first instruction runs: returns the vector (and the IF an
 * IRET restores), or -1 if nothing was being delivered. */
int vlf_cpu_enter_handler(struct vlf_cpu *c, int *saved_if);
/* Retire one guest instruction of len bytes (drops the STI shadow). */
void vlf_cpu_retire(struct vlf_cpu *c, unsigned len);
/*
 * #VMEXIT: fill the exit fields. nrip_len is the length of the intercepted
 * instruction (0 for asynchronous exits). If a delivery is in flight it is
 * recorded in EXITINTINFO and its vector returned; else -1.
 */
int vlf_cpu_exit(struct vlf_cpu *c, uint64_t exitcode, unsigned nrip_len);

#endif
