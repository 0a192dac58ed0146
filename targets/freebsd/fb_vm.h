/*
 * vlapic-fuzz: the VM the FreeBSD target builds around FreeBSD's files.
 * bhyve keeps struct vm and struct vcpu private to vmm.c (until the 2025
 * layout put them in sys/dev/vmm/vmm_vm.h); where the tree does not define
 * them, these definitions carry the fields the glue uses, under the names the
 * 2025 layout gives them, so that the glue reads the same either way.
 *
 * Include after glue_probe.h.
 */
#ifndef VLF_FB_VM_H
#define VLF_FB_VM_H

#include "fb_config.h"
#include "fb_derived.h"
#include "target.h"

/* vCPUs the target can be configured with (the harness's maximum). */
#define VLF_FB_NVCPUS VLF_MAX_VCPUS

/*
 * Before vm_get_maxcpus() (FreeBSD 12), vlapic_calcdest() lets a physical
 * destination reach any vCPU below VM_MAXCPU, active or not (bhyve creates
 * them all with the VM).  One more vCPU, never run, stands in for every such
 * inactive one, so an MSI to a nonexistent ID lands somewhere as harmless as
 * in bhyve.
 */
#if VLF_FB_DECLARES_vm_get_maxcpus
#define VLF_FB_SLOTS VLF_FB_NVCPUS
#else
#define VLF_FB_SLOTS (VLF_FB_NVCPUS + 1)
#endif

#if !VLF_FB_TREE_DEFINES_VM
struct vcpu {
	int vcpuid;
	struct vm *vm;
	void *cookie; /* the svm_vcpu */
};

struct vm {
	void *cookie; /* the SVM softc */
	struct vcpu **vcpu;
	char name[32];
	cpuset_t active_cpus;
};
#endif

/* What vmm.c would keep about a vCPU's events; cleared at every reset. */
struct vlf_fb_events {
	struct vm_exit exitinfo;
	cpuset_t exitinfo_cpuset;
	uint64_t exit_intinfo; /* event interrupted by the last #VMEXIT */
	uint64_t exc_intinfo;  /* exception queued by vm_inject_exception */
	int nmi_pending;
	int extint_pending;
	unsigned long notify_count; /* vcpu_notify_event() calls */
	unsigned long notify_lapic; /* ... of which for a LAPIC interrupt */
	uint32_t level_vec[8];      /* vectors the I/O APIC model routes level-triggered */
};

struct vlf_fb_vm {
	struct vm vm; /* first: FreeBSD's code knows the whole by &vm */
	int nvcpus;   /* active vCPUs: 0 .. nvcpus-1 */
	int cur_vcpu; /* vCPU whose LAPIC access is emulated, -1 outside one */
	const struct vlf_host *host;
	struct vcpu vcpus[VLF_FB_SLOTS];
	struct vcpu *vcpu_ptrs[VLF_FB_SLOTS];
	struct vlapic *vlapic[VLF_FB_SLOTS];
	struct vlf_fb_events ev[VLF_FB_SLOTS];
};

static inline struct vlf_fb_vm *vlf_fb_vm_of(struct vm *vm)
{
	return (struct vlf_fb_vm *)(void *)vm;
}

#endif
