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
#include "ref_timer.h"
#include "target.h"

/*
 * The invariants, and below them the oracle sites: each written once here,
 * as X(ENUM suffix, C identifier, name) and for a site the C identifier
 * of the invariant it belongs to. The enums, the name tables and the fuzz target's crash
 * functions (one per site, fuzz/fuzz_program.c) are all made from these.
 */
#define VLF_INVARIANTS(X)                                                                          \
	X(LOST_VECTOR, lost_vector, "lost-vector")                                                 \
	X(DOUBLE_SERVICE, double_service, "double-service")                                        \
	X(BELOW_PPR, delivery_below_ppr, "delivery-below-ppr")                                     \
	X(MASKED_DELIVERY, delivery_masked, "delivery-masked")                                     \
	X(READ_MISMATCH, read_mismatch, "read-mismatch")                                           \
	X(EOI_MISMATCH, eoi_mismatch, "eoi-mismatch")                                              \
	X(LATE_DELIVERY, delivery_late, "delivery-late")                                           \
	X(NMI_BLOCKED, nmi_while_blocked, "nmi-while-blocked")

enum vlf_invariant {
	VLF_INV_NONE,
#define VLF_X(e, id, name) VLF_INV_##e,
	VLF_INVARIANTS(VLF_X)
#undef VLF_X
	    VLF_INV_COUNT
};

/*
 * Where in the oracle a violation was raised: finer than the invariant, and
 * the unit a known finding is suppressed by (--suppress=site,...). At most
 * 32: suppression masks are 32 bits.
 *   read-other: LDR, LVT timer, initial count, ID
 *   read-ppr-stale: PPR read back as it was before the last acceptance
 *   extint-not-pending: a vector taken from the 8259 with no request
 */
#define VLF_SITES(X)                                                                               \
	X(LOST, lost, "lost", lost_vector)                                                         \
	X(NOT_PENDING, not_pending, "not-pending", double_service)                                 \
	X(HANDLER_TWICE, handler_twice, "handler-twice", double_service)                           \
	X(BELOW_PPR, below_ppr, "below-ppr", delivery_below_ppr)                                   \
	X(MASKED, masked, "masked", delivery_masked)                                               \
	X(LATE, late, "late", delivery_late)                                                       \
	X(READ_IRR, read_irr, "read-irr", read_mismatch)                                           \
	X(READ_ISR, read_isr, "read-isr", read_mismatch)                                           \
	X(READ_TMR, read_tmr, "read-tmr", read_mismatch)                                           \
	X(READ_TMR_STALE, read_tmr_stale, "read-tmr-stale", read_mismatch)                         \
	X(READ_TPR, read_tpr, "read-tpr", read_mismatch)                                           \
	X(READ_TPR_SUBCLASS, read_tpr_subclass, "read-tpr-subclass", read_mismatch)                \
	X(READ_PPR, read_ppr, "read-ppr", read_mismatch)                                           \
	X(READ_PPR_SUBCLASS, read_ppr_subclass, "read-ppr-subclass", read_mismatch)                \
	X(READ_CR8, read_cr8, "read-cr8", read_mismatch)                                           \
	X(EOI_SEVERAL, eoi_several, "eoi-several", eoi_mismatch)                                   \
	X(EOI_NOTHING_IN_SERVICE, eoi_nothing_in_service, "eoi-nothing-in-service", eoi_mismatch)  \
	X(EOI_NONE_RETIRED, eoi_none_retired, "eoi-none-retired", eoi_mismatch)                    \
	X(EOI_WRONG_VECTOR, eoi_wrong_vector, "eoi-wrong-vector", eoi_mismatch)                    \
	X(EOI_LEVEL_NOT_BROADCAST, eoi_level_not_broadcast, "eoi-level-not-broadcast",             \
	  eoi_mismatch)                                                                            \
	X(EOI_EDGE_BROADCAST, eoi_edge_broadcast, "eoi-edge-broadcast", eoi_mismatch)              \
	X(NMI_LOST, nmi_lost, "nmi-lost", lost_vector)                                             \
	X(NMI_NOT_PENDING, nmi_not_pending, "nmi-not-pending", double_service)                     \
	X(NMI_HANDLER_TWICE, nmi_handler_twice, "nmi-handler-twice", double_service)               \
	X(NMI_NESTED, nmi_nested, "nmi-nested", nmi_while_blocked)                                 \
	X(READ_CCR, read_ccr, "read-ccr", read_mismatch)                                           \
	X(READ_OTHER, read_other, "read-other", read_mismatch)                                     \
	X(NMI_LATE, nmi_late, "nmi-late", delivery_late)                                           \
	X(READ_PPR_STALE, read_ppr_stale, "read-ppr-stale", read_mismatch)                         \
	X(EXTINT_LOST, extint_lost, "extint-lost", lost_vector)                                    \
	X(EXTINT_NOT_PENDING, extint_not_pending, "extint-not-pending", double_service)            \
	X(EXTINT_TWICE, extint_handler_twice, "extint-handler-twice", double_service)

enum vlf_site {
#define VLF_X(e, id, name, inv) VLF_SITE_##e,
	VLF_SITES(VLF_X)
#undef VLF_X
	    VLF_SITE_COUNT
};
_Static_assert(VLF_SITE_COUNT <= 32, "suppression masks are 32 bits");

const char *vlf_site_name(enum vlf_site site);
/* The invariant a site belongs to. */
enum vlf_invariant vlf_site_invariant(enum vlf_site site);

/* Parse "a,b,c" into a mask of sites; -1 with *bad set to the unknown name. */
int vlf_sites_parse(const char *list, uint32_t *mask, char *bad, size_t badcap);

struct vlf_violation {
	enum vlf_invariant inv;
	enum vlf_site site;
	int vcpu;
	int vector; /* -1 when the invariant is not about one vector */
	char detail[192];
};

struct vlf_oracle_vcpu {
	struct vlf_ref_lapic ref;
	uint16_t posts[256];    /* requests the reference did not coalesce */
	uint16_t services[256]; /* handler entries */
	int interrupted;        /* delivery cut by #VMEXIT (EXITINTINFO), or -1 */
	/* Requests that were pending above PPR at the last VMRUN: the
	 * hypervisor knew of them before the guest ran (delivery-late). */
	uint32_t due[8];
	/* The architectural STI shadow: an STI set IF and the instruction
	 * after it has not completed. Kept here, not taken from the VMCB,
	 * whose intr_shadow the hypervisor writes. */
	uint8_t shadow;
	/*
	 * NMIs (Intel SDM vol. 3, 6.7.1; APM vol. 2, 8.2.2): one can be latched
	 * while another's handler runs; from its delivery until the next IRET
	 * (even one that ends a nested handler) no further NMI is taken.
	 */
	uint8_t nmi_latched;   /* a request waits (at most one) */
	uint8_t nmi_cut;       /* a delivery a #VMEXIT cut waits for re-injection */
	uint8_t nmi_blocked;   /* delivered; no IRET executed since */
	uint8_t nmi_due;       /* an NMI was waiting at the last VMRUN */
	uint8_t nmi_unblocked; /* the last instruction was the IRET that ended
	                        * NMI blocking, with an NMI waiting for it */
	uint16_t nmi_posts;    /* requests not coalesced */
	uint16_t nmi_services; /* NMI handler entries */
	struct vlf_ref_timer timer;
	/* PPR as it was before the last acceptance (until an EOI; -1 when
	 * none), and TPR then. A target that reads back this PPR computed it
	 * before the acceptance and not after. */
	int16_t ppr_before_accept;
	uint8_t tpr_at_accept;
	/*
	 * ExtINT from the 8259 (auto-EOI; the BSP only): no IRR/ISR, no
	 * priority check, only RFLAGS.IF and the shadow. A request is taken
	 * from the 8259 at INTA (acked), then delivered, then serviced.
	 */
	uint8_t extint_acked;      /* taken at INTA, not yet delivered */
	uint8_t extint_delivering; /* delivered, handler not yet entered */
	uint8_t extint_cut;        /* a delivery a #VMEXIT cut waits for re-injection */
	uint8_t extint_vector;
	uint16_t extint_posts;    /* requests the 8259 did not merge */
	uint16_t extint_services; /* ExtINT handler entries */
};

struct vlf_oracle {
	int nvcpus;
	int x2apic;
	uint8_t tpr_mask; /* bits of TPR/PPR a guest read must match */
	int violated;
	struct vlf_violation v;
	uint32_t suppress;   /* sites whose violations are known findings */
	unsigned suppressed; /* how many were seen and let pass this run */
	/* running totals, so the per-run checks need no scan of 256 vectors */
	unsigned services;
	unsigned outstanding; /* accepted requests not yet serviced */
	uint64_t now;         /* ticks of the LAPIC timers' input clock */
	struct vlf_oracle_vcpu cpu[VLF_MAX_VCPUS];
};

const char *vlf_invariant_name(enum vlf_invariant inv);

/* Keeps the suppression mask; clears everything else. */
void vlf_oracle_reset(struct vlf_oracle *o, const struct vlf_config *cfg);

/* A request reached vcpu's LAPIC. */
void vlf_oracle_post(struct vlf_oracle *o, int vcpu, unsigned vector, int level);
/* The guest changed its TPR (LAPIC write, or CR8 = tpr >> 4). */
void vlf_oracle_set_tpr(struct vlf_oracle *o, int vcpu, uint8_t tpr);
/*
 * A guest instruction completed (retired in the guest, or emulated by the
 * host, which moved RIP past it). sti_shadow: it was an STI that set IF, so
 * the next instruction runs in its shadow.
 */
void vlf_oracle_retired(struct vlf_oracle *o, int vcpu, int sti_shadow);
/*
 * The host resumes an intercepted IRET with an interrupt shadow (bhyve's
 * clear_nmi_blocking(): no new NMI before the IRET has run). The shadow
 * holds maskable interrupts back for that one instruction as well; that
 * delay is the price of SVM's missing NMI masking, not a late delivery.
 */
void vlf_oracle_iret_resumed(struct vlf_oracle *o, int vcpu);
/* VMRUN of vcpu is about to begin: what is pending now, the hypervisor knows. */
void vlf_oracle_vmrun(struct vlf_oracle *o, int vcpu);
/*
 * The guest is about to execute an instruction in guest mode (after any
 * handler entry). With IF=1 and outside the (architectural) STI shadow,
 * hardware would have taken a pending request above PPR before it: one the
 * hypervisor knew of at VMRUN must have been delivered by now (or the guest
 * must have exited). Returns the highest such overdue vector, or -1; no
 * side effects.
 */
int vlf_oracle_overdue(const struct vlf_oracle *o, int vcpu, int rflags_if);
/*
 * The guest is about to run an instruction right after the IRET that ended
 * NMI blocking. An NMI the hypervisor knew of at VMRUN is taken by hardware
 * before it, whatever RFLAGS.IF says: reports delivery-late (site nmi-late)
 * if it is still waiting. (An NMI held behind an event the hypervisor
 * re-injects is not judged: SVM gives no better way to order the two.)
 */
void vlf_oracle_nmi_check_late(struct vlf_oracle *o, int vcpu);
/* An overdue vector the target still holds in its IRR: delivery-late. (One
 * the target no longer holds is lost; vlf_oracle_finish reports it.) */
void vlf_oracle_late(struct vlf_oracle *o, int vcpu, int vector);
/* The CPU starts delivering an external interrupt (INTA). shadow: the
 * CPU's (VMCB) view; the architectural shadow blocks delivery as well. */
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
/* An NMI reached vcpu (ICR delivery mode NMI). */
void vlf_oracle_nmi_post(struct vlf_oracle *o, int vcpu);
/* The CPU starts delivering an NMI (EVENTINJ type NMI). */
void vlf_oracle_nmi_delivery(struct vlf_oracle *o, int vcpu);
/* That delivery was cut by a #VMEXIT. */
void vlf_oracle_nmi_interrupted(struct vlf_oracle *o, int vcpu);
/* The guest's NMI handler starts running. */
void vlf_oracle_nmi_service(struct vlf_oracle *o, int vcpu);
/* The guest executed IRET: NMIs are taken again, whichever handler it ended
 * (Intel SDM vol. 3, 6.7.1: blocking lasts until the next IRET). */
void vlf_oracle_iret(struct vlf_oracle *o, int vcpu);

/* The 8259 raised a request for vcpu (its LINT0 in ExtINT mode). */
void vlf_oracle_extint_post(struct vlf_oracle *o, int vcpu);
/* INTA: the target took vector from the 8259; requested is the 8259's
 * pending vector, or -1 if it had none. */
void vlf_oracle_extint_ack(struct vlf_oracle *o, int vcpu, int vector, int requested);
/* Is an INTR delivery of vector through EVENTINJ the ExtINT (or its
 * re-injection after a cut)? */
int vlf_oracle_is_extint(const struct vlf_oracle *o, int vcpu, unsigned vector);
/* Delivery and handler entry of the ExtINT (after vlf_oracle_is_extint). */
void vlf_oracle_extint_delivery(struct vlf_oracle *o, int vcpu, int rflags_if, int shadow);
/* A #VMEXIT cut the ExtINT's delivery: returns 1 if it was the ExtINT. */
int vlf_oracle_extint_interrupted(struct vlf_oracle *o, int vcpu, unsigned vector);
/* The handler entered is the ExtINT's: returns 1 if so (then counted). */
int vlf_oracle_extint_service(struct vlf_oracle *o, int vcpu);
/* The guest wrote its logical APIC ID / its DFR model (xAPIC). */
void vlf_oracle_set_ldr(struct vlf_oracle *o, int vcpu, uint8_t ldr);
void vlf_oracle_set_dfr(struct vlf_oracle *o, int vcpu, int cluster);
/* Does a logical-mode IPI with this MDA reach vcpu? */
int vlf_oracle_logical_match(const struct vlf_oracle *o, int vcpu, int x2apic, uint8_t mda);
/* The guest wrote its LVT timer register. */
void vlf_oracle_timer_lvt(struct vlf_oracle *o, int vcpu, uint32_t lvt);
/* The guest wrote DCR (divide by 2^divide_log2), then the initial count. */
void vlf_oracle_timer_load(struct vlf_oracle *o, int vcpu, unsigned divide_log2, uint32_t count);
/*
 * Time passes: ticks more. Returns, per vCPU, the vector its timer raised
 * in that time (-1 if none); the caller posts it (a device post, as far as
 * the reference LAPIC is concerned).
 */
void vlf_oracle_wait(struct vlf_oracle *o, uint64_t ticks, int raised[VLF_MAX_VCPUS]);
/* After the drain: every accepted request serviced? */
void vlf_oracle_finish(struct vlf_oracle *o);

#endif
