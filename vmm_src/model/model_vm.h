/* The model's VM: per-vCPU vLAPIC and VMCB, and the platform glue. */
#ifndef MODEL_VM_H
#define MODEL_VM_H

#include <stdint.h>

#include "model_vlapic.h"
#include "target.h"

struct model_vcpu {
	struct model_vlapic vlapic;
	struct vlf_vmcb vmcb;
	uint64_t exit_intinfo; /* event cut by the last #VMEXIT, to re-inject */
	uint64_t exit_rip;     /* RIP at the last #VMEXIT */
	uint8_t entry_v_tpr;   /* V_TPR as we set it at the last VMRUN */
	int nmi_pending;
	int extint_pending; /* the 8259 raised INTR (vCPU 0's LINT0, ExtINT) */
	int nmi_singlestep; /* TF set over an NMI handler's IRET */
	int notified;
};

struct model_vm {
	struct vlf_config cfg;
	const struct vlf_host *host;
	struct model_vcpu vcpu[VLF_MAX_VCPUS];
};

int model_vm_nvcpus(const struct model_vm *vm);
struct model_vlapic *model_vm_vlapic(struct model_vm *vm, int vcpu);
void model_vm_post(struct model_vm *vm, int vcpu, int vector, int level);
void model_vm_nmi(struct model_vm *vm, int vcpu);
void model_vm_eoi_broadcast(struct model_vm *vm, int vcpu, int vector);

/* model_svm.c: the SVM injection policies */
void model_svm_init_vmcb(struct model_vm *vm, int vcpu);
void model_svm_prepare_entry(struct model_vm *vm, int vcpu);
void model_svm_handle_exit(struct model_vm *vm, int vcpu);

#endif
