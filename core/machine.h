/*
 * The executor: runs a program against a target, playing the CPU (svm_cpu),
 * the guest and the devices, and feeding the oracle. Knows targets only
 * through target.h.
 */
#ifndef VLF_MACHINE_H
#define VLF_MACHINE_H

#include <stdio.h>

#include "oracle.h"
#include "program.h"
#include "svm_cpu.h"
#include "target.h"

#define VLF_GUEST_DEPTH 64

/* What the guest kernel keeps: the handlers it is running, innermost last. */
struct vlf_guest {
	int depth;
	uint8_t vector[VLF_GUEST_DEPTH];
	uint8_t saved_if[VLF_GUEST_DEPTH];
	uint8_t nmi[VLF_GUEST_DEPTH]; /* an NMI handler: it owes no EOI */
};

/* Delivery latencies, sampled only when a caller asks (bench, not fuzzing). */
struct vlf_latency {
	uint32_t *vmruns; /* VMRUNs between a request and its delivery */
	uint32_t *insns;  /* guest instructions between the two */
	size_t n, cap;
};

struct vlf_machine {
	const struct vlf_target_ops *ops;
	void *t;
	struct vlf_host host;
	struct vlf_config cfg;
	struct vlf_cpu cpu[VLF_MAX_VCPUS];
	struct vlf_guest guest[VLF_MAX_VCPUS];
	struct vlf_oracle oracle;
	/* the 8259: the vector of its request not yet taken at INTA, or -1 */
	int pic_request;
	/* I/O APIC side of the EOI being emulated */
	int eoi_broadcast;
	int eoi_broadcasts;
	/* latency sampling: off (NULL) on the fuzzing path */
	struct vlf_latency *lat;
	uint64_t vmruns, insns;
	uint64_t posted_vmruns[VLF_MAX_VCPUS][256];
	uint64_t posted_insns[VLF_MAX_VCPUS][256];
	/* tracing: off (NULL) on the fuzzing path */
	FILE *trace;
	int timeline;
	size_t step;
	int draining;
};

struct vlf_machine *vlf_machine_new(const struct vlf_target_ops *ops, const char **err);
void vlf_machine_free(struct vlf_machine *m);
/* Trace events (and, if timeline, each vCPU's state after every step) to f. */
void vlf_machine_set_trace(struct vlf_machine *m, FILE *f, int timeline);
/* Run p to the end and drain; returns 1 if an invariant broke, else 0. */
int vlf_machine_run(struct vlf_machine *m, const struct vlf_program *p);
const struct vlf_violation *vlf_machine_violation(const struct vlf_machine *m);
/* Let violations at these oracle sites pass (known findings); see oracle.h. */
void vlf_machine_set_suppress(struct vlf_machine *m, uint32_t sites);
/* Sample delivery latencies into lat (NULL: stop). */
void vlf_machine_set_latency(struct vlf_machine *m, struct vlf_latency *lat);
/* How many suppressed violations the last run saw. */
unsigned vlf_machine_suppressed(const struct vlf_machine *m);
/* "VIOLATION <invariant> vcpu=<n> vector=0x<vv>: <detail>" */
void vlf_violation_print(const struct vlf_violation *v, FILE *f);

/* The target selected at link time (each target library defines it). */
const struct vlf_target_ops *vlf_target_get(void);

#endif
