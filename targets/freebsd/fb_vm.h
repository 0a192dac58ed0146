/*
 * vlapic-fuzz: the FreeBSD target's own "struct vm" (bhyve keeps its
 * definition private to vmm.c, which we do not build) and the glue state
 * shared by the adapter and the vmm.c replacements.
 *
 * Include after the FreeBSD headers <machine/vmm.h>, "vlapic.h".
 */
#ifndef VLF_FB_VM_H
#define VLF_FB_VM_H

#include "fb_config.h"
#include "target.h"

/* vCPUs the target can be configured with (the harness's maximum). */
#define VLF_FB_NVCPUS VLF_MAX_VCPUS

/*
 * Before vm_get_maxcpus() (FreeBSD 12), vlapic_calcdest() lets a physical destination reach any
 * vCPU below VM_MAXCPU, active or not (bhyve creates them all with the VM).
 * One more glue vCPU, never run, stands in for every such inactive one, so
 * an MSI to a nonexistent ID lands somewhere as harmless as in bhyve.
 */
#if VLF_FB_VCPU_API || VLF_FB_HAVE_VM_GET_MAXCPUS
#define VLF_FB_SLOTS VLF_FB_NVCPUS /* later trees check vm_get_maxcpus() */
#else
#define VLF_FB_SLOTS (VLF_FB_NVCPUS + 1)
#endif

struct vlf_fb_vcpu {
	struct vlapic *vlapic;
	struct vm_exit exitinfo;
	uint64_t exit_intinfo; /* event interrupted by the last #VMEXIT */
	uint64_t exc_intinfo;  /* exception queued by vm_inject_exception */
	int nmi_pending;
	int extint_pending;
	unsigned long notify_count; /* vcpu_notify_event() calls */
	unsigned long notify_lapic; /* ... of which for a LAPIC interrupt */
	uint32_t level_vec[8];      /* vectors the I/O APIC model routes level-triggered */
};

#if VLF_FB_VCPU_API
/* bhyve's struct vcpu is private to vmm.c too: ours carries what glue needs. */
struct vcpu {
	struct vm *vm;
	int vcpuid;
	void *cookie; /* the svm_vcpu */
	cpuset_t exitinfo_cpuset;
};
#endif

struct vm {
	const char *name;
	int nvcpus; /* active vCPUs: 0 .. nvcpus-1 */
	cpuset_t active_cpus;
	void *cookie; /* the SVM softc */
	const struct vlf_host *host;
	struct vlf_fb_vcpu vcpu[VLF_FB_SLOTS];
#if VLF_FB_VCPU_API
	struct vcpu vcpus[VLF_FB_NVCPUS];
	/* vCPU whose LAPIC access is being emulated (vioapic_process_eoi()
	 * has no vCPU argument in this API). */
	int eoi_vcpu;
#endif
};

/* vmm_glue_common.c: intinfo bookkeeping shared by both vmm APIs. */
int vlf_fb_save_exit_intinfo(struct vlf_fb_vcpu *v, uint64_t info);
int vlf_fb_next_entry_intinfo(struct vlf_fb_vcpu *v, uint64_t *retinfo);
int vlf_fb_queue_exception(struct vlf_fb_vcpu *v, int vector, int err_valid, uint32_t errcode);

/* Forget every vmm.c-level event of one vCPU (used by reset). */
void vlf_fb_vcpu_clear(struct vm *vm, int vcpuid);

#endif
