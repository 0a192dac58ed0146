/*
 * The whole of what the harness core knows about a target (the code under
 * test: our model, or FreeBSD's vlapic.c + svm.c behind the shim).
 *
 * The split mirrors the hardware/software boundary of AMD SVM: the target is
 * the hypervisor (it owns the VMCB and the vLAPIC), the harness is the CPU
 * (it reads the VMCB at VMRUN and writes it back at #VMEXIT) plus the guest
 * and the devices that post interrupts.
 */
#ifndef VLF_TARGET_H
#define VLF_TARGET_H

#include <stdint.h>

#define VLF_MAX_VCPUS 4

enum vlf_policy {
	VLF_POLICY_VIRQ = 0,         /* LAPIC vectors via V_IRQ, accepted at exit */
	VLF_POLICY_VIRQ_PENDING = 1, /* D13781: special pending state */
	VLF_POLICY_EVENTINJ = 2,     /* D13780: EVENTINJ + VINTR window */
	VLF_POLICY_COUNT = 3,
};

enum vlf_apic_mode {
	VLF_APIC_XAPIC = 0, /* LAPIC accesses are MMIO: #NPF exits */
	VLF_APIC_X2APIC = 1 /* LAPIC accesses are MSRs: MSR exits */
};

struct vlf_config {
	int nvcpus;              /* 1..VLF_MAX_VCPUS */
	enum vlf_policy policy;  /* ignored by targets with a fixed policy */
	enum vlf_apic_mode apic; /* how the guest reaches its LAPIC */
	int cr8_intercept;       /* target should intercept guest CR8 writes */
};

/* EVENTINJ / EXITINTINFO layout (APM vol. 2, 15.20). */
#define VLF_EVT_VECTOR(x)       ((unsigned)((x)&0xffu))
#define VLF_EVT_TYPE(x)         ((unsigned)(((x) >> 8) & 7u))
#define VLF_EVT_TYPE_INTR       0u
#define VLF_EVT_TYPE_NMI        2u
#define VLF_EVT_TYPE_EXCEPTION  3u
#define VLF_EVT_TYPE_SOFTINT    4u
#define VLF_EVT_EV              (1ull << 11)
#define VLF_EVT_VALID           (1ull << 31)
#define VLF_EVT_MAKE(vec, type) (VLF_EVT_VALID | ((uint64_t)(type) << 8) | (uint64_t)(vec))

/* Exit codes the simulated CPU produces (values as in the APM). */
#define VLF_EXIT_CR8_WRITE 0x18u
#define VLF_EXIT_EXCP_DB   0x41u /* #DB intercepted */
#define VLF_EXIT_INTR      0x60u
#define VLF_EXIT_VINTR     0x64u
#define VLF_EXIT_IRET      0x74u
#define VLF_EXIT_HLT       0x78u
#define VLF_EXIT_IOIO      0x7bu
#define VLF_EXIT_MSR       0x7cu
#define VLF_EXIT_NPF       0x400u

#define VLF_RFLAGS_TF (1ull << 8)
#define VLF_RFLAGS_IF (1ull << 9)

/*
 * The VMCB fields that the CPU's interrupt logic reads or writes. A target
 * translates between this and its own VMCB layout; the model uses it as is.
 */
struct vlf_vmcb {
	/* control area: virtual interrupt (V_INTR) fields */
	uint8_t v_irq;
	uint8_t v_ign_tpr;
	uint8_t v_intr_masking;
	uint8_t v_intr_prio; /* 4 bits */
	uint8_t v_intr_vector;
	uint8_t v_tpr; /* 4 bits */
	uint8_t intr_shadow;
	uint8_t intercept_vintr;
	uint8_t intercept_cr8_write;
	/* SVM has no virtual NMI masking: a hypervisor intercepts the guest's
	 * IRET to learn when an NMI handler is done. */
	uint8_t intercept_iret;
	/* #DB intercepted: with RFLAGS.TF, a hypervisor single-steps the guest
	 * (over an NMI handler's IRET, to learn when NMIs are unblocked). */
	uint8_t intercept_db;
	uint64_t eventinj;
	uint64_t exitintinfo;
	uint64_t exitcode;
	uint64_t exitinfo1;
	uint64_t exitinfo2;
	uint64_t nrip;
	/* state save area */
	uint64_t rip;
	uint64_t rflags;
};

/* A target's LAPIC state as the oracle and timeline see it (no side effects). */
struct vlf_lapic_view {
	uint32_t irr[8], isr[8], tmr[8];
	uint8_t tpr, ppr;
};

/* What the harness offers a target: the platform around the vLAPIC. */
struct vlf_host {
	void *ctx;
	/* a level-triggered EOI reached the (absent) I/O APIC */
	void (*eoi_broadcast)(void *ctx, int vcpu, int vector);
	/* free-form trace line from the target (KTR and friends); may be NULL */
	void (*trace)(void *ctx, int vcpu, const char *msg);
	/*
	 * The legacy 8259 (one request at a time, auto-EOI), wired to the
	 * BSP's LINT0: the vector it would hand over at INTA, or -1 if it has
	 * no request (real ones then give their spurious vector); and the INTA
	 * itself, when the target takes the vector for injection.
	 */
	int (*pic_vector)(void *ctx);
	void (*pic_accepted)(void *ctx, int vector);
};

/* What an 8259 programmed with vector base 0x20 answers an INTA without a
 * request: IRQ 7's vector. */
#define VLF_PIC_SPURIOUS 0x27

/* LAPIC register offsets (xAPIC MMIO layout; x2APIC MSR = 0x800 + off/16). */
#define VLF_LAPIC_ID         0x020u
#define VLF_LAPIC_VERSION    0x030u
#define VLF_LAPIC_TPR        0x080u
#define VLF_LAPIC_PPR        0x0a0u
#define VLF_LAPIC_EOI        0x0b0u
#define VLF_LAPIC_LDR        0x0d0u
#define VLF_LAPIC_DFR        0x0e0u
#define VLF_LAPIC_SVR        0x0f0u
#define VLF_LAPIC_ISR0       0x100u
#define VLF_LAPIC_TMR0       0x180u
#define VLF_LAPIC_IRR0       0x200u
#define VLF_LAPIC_ESR        0x280u
#define VLF_LAPIC_ICR_LO     0x300u
#define VLF_LAPIC_ICR_HI     0x310u
#define VLF_ICR_DEST_LOGICAL (1u << 11)
#define VLF_DFR_FLAT         0xffffffffu
#define VLF_DFR_CLUSTER      0x0fffffffu
#define VLF_LAPIC_LVT_TIMER  0x320u
#define VLF_LAPIC_LVT_LINT0  0x350u
#define VLF_LAPIC_TIMER_ICR  0x380u /* initial count */
#define VLF_LAPIC_TIMER_CCR  0x390u /* current count */
#define VLF_LAPIC_TIMER_DCR  0x3e0u /* divide configuration */
#define VLF_LAPIC_SELF_IPI   0x3f0u /* x2APIC only */

/* MSI address and data (Intel SDM vol. 3, 11.11): what a PCI function writes. */
#define VLF_MSI_ADDR_BASE    0xfee00000u
#define VLF_MSI_ADDR_DM      (1u << 2) /* logical destination mode */
#define VLF_MSI_ADDR_RH      (1u << 3) /* redirection hint */
#define VLF_MSI_DATA_LOWPRIO (1u << 8) /* delivery mode 001: lowest priority */

/* LVT timer bits (Intel SDM vol. 3, 11.5.1). */
#define VLF_LVT_MASKED   (1u << 16)
#define VLF_LVT_PERIODIC (1u << 17)
#define VLF_LVT_EXTINT   (7u << 8) /* delivery mode ExtINT (LINT0) */

/* DCR value for a divide-by-2^log2 (SDM 11.5.4: bits 0, 1 and 3; 111b is 1). */
static inline uint32_t vlf_dcr_encode(unsigned divide_log2)
{
	unsigned v = (divide_log2 + 7u) & 7u; /* 1 -> 7, 2 -> 0, ..., 128 -> 6 */

	return (v & 3u) | (v & 4u) << 1;
}

struct vlf_target_ops {
	const char *name;
	/* Build a VM of cfg->nvcpus vCPUs; returns NULL with *err set on failure. */
	void *(*create)(const struct vlf_config *cfg, const struct vlf_host *host,
	                const char **err);
	void (*destroy)(void *t);
	/* Back to the state create() gave, possibly with another config. */
	void (*reset)(void *t, const struct vlf_config *cfg);

	/* A device (I/O APIC, MSI) posts a vector: lapic_intr_edge/level. */
	void (*post)(void *t, int vcpu, int vector, int level);
	/* A device writes an MSI; the target finds its destinations
	 * (lapic_intr_msi). Edge-triggered, fixed or lowest priority. */
	void (*msi)(void *t, uint64_t addr, uint32_t data);
	/* The 8259 raised INTR: LINT0 of vCPU 0, in ExtINT mode. The vector
	 * comes from host->pic_vector when the target injects it. */
	void (*extint)(void *t);
	/* Hypervisor work before VMRUN: svm_inj_interrupts and friends. */
	void (*prepare_entry)(void *t, int vcpu);
	/* Hypervisor work after #VMEXIT, before exit-specific emulation. */
	void (*handle_exit)(void *t, int vcpu);
	/* The CPU loads the VMCB at VMRUN and stores it at #VMEXIT. */
	void (*vmcb_load)(void *t, int vcpu, struct vlf_vmcb *out);
	void (*vmcb_store)(void *t, int vcpu, const struct vlf_vmcb *in);

	/* Emulation of a guest LAPIC access (MMIO or MSR, per config). */
	uint64_t (*lapic_read)(void *t, int vcpu, uint32_t offset);
	void (*lapic_write)(void *t, int vcpu, uint32_t offset, uint64_t val);
	/* Emulation of an intercepted MOV to CR8. */
	void (*cr8_write)(void *t, int vcpu, uint64_t val);

	/* Oracle's and timeline's look at the vLAPIC, with no side effects. */
	void (*peek)(void *t, int vcpu, struct vlf_lapic_view *out);
	/* Does the hypervisor hold anything for this vCPU it has not delivered? */
	int (*has_pending)(void *t, int vcpu);
	/* Time passes: ticks of the LAPIC timer's input clock (before the
	 * divider), the same for every vCPU; timers fire as they fall due. */
	void (*advance_time)(void *t, uint64_t ticks);
	/* Optional: tracing switched on or off; a target formats its own trace
	 * lines (host->trace) only while it is on, which keeps fuzzing fast. */
	void (*set_tracing)(void *t, int on);
};

#endif
