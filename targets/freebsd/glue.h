/*
 * vlapic-fuzz: what bhyve's vmm.c, vatpic.c, vioapic.c (and the rest of
 * vmm.ko that the three FreeBSD files call) do on the interrupt path, written
 * once, independent of the tree's prototypes.  derive_glue.py writes, for
 * each function the tree's files need, a definition with the tree's own
 * prototype that calls vlf_glue_<name> (or a variant vlf_glue_<name>__<shape>)
 * with a struct vlf_fb_ref for whatever VM or vCPU parameters the tree uses.
 * A glue function's arguments after the ref are the tree's in order; a
 * trailing one that a revision does not pass arrives as 0.
 *
 * Include after the tree's headers (glue_probe.h).
 */
#ifndef VLF_FB_GLUE_H
#define VLF_FB_GLUE_H

struct vlf_fb_vm;
struct vm;
struct vcpu;

/* A VM and one of its vCPUs (the vCPU whose access is emulated if the tree
 * names none). */
struct vlf_fb_ref {
	struct vlf_fb_vm *m;
	int vcpuid;
};

struct vlf_fb_ref vlf_fb_ref_vcpu(struct vcpu *vcpu);
struct vlf_fb_ref vlf_fb_ref_id(struct vm *vm, int vcpuid);
struct vlf_fb_ref vlf_fb_ref_vm(struct vm *vm);

/* VM and vCPU lookup */
const char *vlf_glue_vm_name(struct vlf_fb_ref r);
struct vcpu *vlf_glue_vm_vcpu(struct vlf_fb_ref r);
struct vm *vlf_glue_vcpu_vm(struct vlf_fb_ref r);
int vlf_glue_vcpu_vcpuid(struct vlf_fb_ref r);
struct vlapic *vlf_glue_vm_lapic(struct vlf_fb_ref r);
cpuset_t vlf_glue_vm_active_cpus(struct vlf_fb_ref r);
int vlf_glue_vm_apicid2vcpuid(struct vlf_fb_ref r, int apicid);
uint16_t vlf_glue_vm_get_maxcpus(struct vlf_fb_ref r);
struct vm_exit *vlf_glue_vm_exitinfo(struct vlf_fb_ref r);
cpuset_t *vlf_glue_vm_exitinfo_cpuset(struct vlf_fb_ref r);
void *vlf_glue_vcpu_stats(struct vlf_fb_ref r);
void vlf_glue_vcpu_notify_event(struct vlf_fb_ref r, bool lapic_intr);

/* Pending events */
int vlf_glue_vm_exit_intinfo(struct vlf_fb_ref r, uint64_t info);
int vlf_glue_vm_entry_intinfo(struct vlf_fb_ref r, uint64_t *retinfo);
int vlf_glue_vm_inject_exception(struct vlf_fb_ref r, int vector, int err_valid, uint32_t errcode,
                                 int restart_instruction);
void vlf_glue_vm_inject_fault(struct vlf_fb_ref r, int vector, int errcode_valid, int errcode);
int vlf_glue_vm_inject_nmi(struct vlf_fb_ref r);
int vlf_glue_vm_nmi_pending(struct vlf_fb_ref r);
void vlf_glue_vm_nmi_clear(struct vlf_fb_ref r);
int vlf_glue_vm_inject_extint(struct vlf_fb_ref r);
int vlf_glue_vm_extint_pending(struct vlf_fb_ref r);
void vlf_glue_vm_extint_clear(struct vlf_fb_ref r);

/* The harness's I/O APIC and 8259 */
void vlf_glue_vioapic_process_eoi(struct vlf_fb_ref r, int vector);
void vlf_glue_vatpic_pending_intr(struct vlf_fb_ref r, int *vecptr);
void vlf_glue_vatpic_intr_accepted(struct vlf_fb_ref r, int vector);

/* Exits to userspace: recorded only */
void vlf_glue_vm_exit_suspended(struct vlf_fb_ref r, uint64_t rip);
void vlf_glue_vm_exit_rendezvous(struct vlf_fb_ref r, uint64_t rip);
void vlf_glue_vm_exit_reqidle(struct vlf_fb_ref r, uint64_t rip);
void vlf_glue_vm_exit_astpending(struct vlf_fb_ref r, uint64_t rip);
void vlf_glue_vm_exit_debug(struct vlf_fb_ref r, uint64_t rip);

#endif
