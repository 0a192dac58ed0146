/*
 * vlapic-fuzz: the parts of the vmm.c replacements that do not depend on the
 * tree's vmm API (vmm_glue.c serves (struct vm *, int vcpuid) trees,
 * vmm_glue_vcpu.c struct vcpu * trees): the statistics vmm.c owns, the
 * intinfo bookkeeping on a vCPU's glue state, and inert stubs whose
 * signatures are the same in both APIs.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/smp.h>
#include <sys/pcpu.h>

#include <machine/vmm.h>
#include <machine/vmm_instruction_emul.h>

#include "vmm_stat.h"
#include "vmm_lapic.h"
#include "vlapic.h"
#include "vioapic.h"
#include "vatpic.h"
#include "x86.h"
#include "vmcb.h"
#include "svm.h"
#include "svm_softc.h"
#include "svm_msr.h"
#include "npt.h"

#include "fb_vm.h"

/* Statistics vmm.c owns (counted nowhere: VMM_KEEP_STATS is off). */
VMM_STAT(VCPU_MIGRATIONS, "vlapic-fuzz: not counted");
VMM_STAT(VMEXIT_COUNT, "vlapic-fuzz: not counted");
VMM_STAT(VMEXIT_EXTINT, "vlapic-fuzz: not counted");
VMM_STAT(VMEXIT_HLT, "vlapic-fuzz: not counted");
VMM_STAT(VMEXIT_CR_ACCESS, "vlapic-fuzz: not counted");
VMM_STAT(VMEXIT_RDMSR, "vlapic-fuzz: not counted");
VMM_STAT(VMEXIT_WRMSR, "vlapic-fuzz: not counted");
VMM_STAT(VMEXIT_MTRAP, "vlapic-fuzz: not counted");
VMM_STAT(VMEXIT_PAUSE, "vlapic-fuzz: not counted");
VMM_STAT(VMEXIT_INTR_WINDOW, "vlapic-fuzz: not counted");
VMM_STAT(VMEXIT_NMI_WINDOW, "vlapic-fuzz: not counted");
VMM_STAT(VMEXIT_INOUT, "vlapic-fuzz: not counted");
VMM_STAT(VMEXIT_CPUID, "vlapic-fuzz: not counted");
VMM_STAT(VMEXIT_NESTED_FAULT, "vlapic-fuzz: not counted");
VMM_STAT(VMEXIT_INST_EMUL, "vlapic-fuzz: not counted");
VMM_STAT(VMEXIT_UNKNOWN, "vlapic-fuzz: not counted");
VMM_STAT(VMEXIT_ASTPENDING, "vlapic-fuzz: not counted");
VMM_STAT(VMEXIT_REQIDLE, "vlapic-fuzz: not counted");
VMM_STAT(VMEXIT_USERSPACE, "vlapic-fuzz: not counted");
VMM_STAT(VMEXIT_RENDEZVOUS, "vlapic-fuzz: not counted");
VMM_STAT(VMEXIT_EXCEPTION, "vlapic-fuzz: not counted");

int vlf_fb_save_exit_intinfo(struct vlf_fb_vcpu *v, uint64_t info)
{
	/*
	 * The event that was being delivered when the #VMEXIT happened; it is
	 * handed back at the next entry.  A zero value extinguishes it.
	 */
	if (info != 0) {
		if ((info & VM_INTINFO_VALID) == 0 || (info & VM_INTINFO_RSVD) != 0)
			return EINVAL;
		switch (info & VM_INTINFO_TYPE) {
		case VM_INTINFO_HWINTR:
		case VM_INTINFO_NMI:
		case VM_INTINFO_HWEXCEPTION:
		case VM_INTINFO_SWINTR:
			break;
		default:
			return EINVAL;
		}
	}
	v->exit_intinfo = info;
	return 0;
}

int vlf_fb_next_entry_intinfo(struct vlf_fb_vcpu *v, uint64_t *retinfo)
{
	/*
	 * First an event interrupted by the last exit, then an exception the
	 * hypervisor queued.  (bhyve also merges the two into #DF per the SDM's
	 * table; with no exceptions queued on the interrupt path that case does
	 * not arise here and panics if it does.)
	 */
	if (v->exit_intinfo & VM_INTINFO_VALID) {
		if (v->exc_intinfo & VM_INTINFO_VALID)
			panic("vm_entry_intinfo: exception nesting is not modelled");
		*retinfo = v->exit_intinfo;
		v->exit_intinfo = 0;
		return 1;
	}
	if (v->exc_intinfo & VM_INTINFO_VALID) {
		*retinfo = v->exc_intinfo;
		v->exc_intinfo = 0;
		return 1;
	}
	*retinfo = 0;
	return 0;
}

int vlf_fb_queue_exception(struct vlf_fb_vcpu *v, int vector, int err_valid, uint32_t errcode)
{
	uint64_t info;

	if (vector < 0 || vector >= 32)
		return EINVAL;
	if (v->exc_intinfo & VM_INTINFO_VALID)
		panic("vm_inject_exception: exception %d while another is queued", vector);
	info = (uint64_t)vector | VM_INTINFO_HWEXCEPTION | VM_INTINFO_VALID;
	if (err_valid)
		info |= VM_INTINFO_DEL_ERRCODE | ((uint64_t)errcode << 32);
	v->exc_intinfo = info;
	return 0;
}

void vie_init(struct vie *vie, const char *inst_bytes, int inst_length)
{
	(void)inst_bytes;
	(void)inst_length;
	memset(vie, 0, sizeof(*vie));
}

int svm_npt_init(int ipinum)
{
	(void)ipinum;
	return 0;
}

struct vmspace *svm_npt_alloc(vm_offset_t min_addr, vm_offset_t max_addr)
{
	(void)min_addr;
	(void)max_addr;
	return NULL;
}

void svm_npt_free(struct vmspace *vmspace)
{
	(void)vmspace;
}

int vmcb_seg(struct vmcb *vmcb, int ident, struct vmcb_segment *seg)
{
	(void)vmcb;
	(void)ident;
	memset(seg, 0, sizeof(*seg));
	return EINVAL;
}

/*
 * The 8259 is the harness's (struct vlf_host): one request line, auto-EOI,
 * wired to the BSP's LINT0. Without a request it answers INTA with its
 * spurious vector, as the real one does.
 */
void vatpic_pending_intr(struct vm *vm, int *vecptr)
{
	int v;

	if (vm->host->pic_vector == NULL)
		panic("vatpic_pending_intr: the host has no 8259");
	v = vm->host->pic_vector(vm->host->ctx);
	*vecptr = v >= 0 ? v : VLF_PIC_SPURIOUS;
}

void vatpic_intr_accepted(struct vm *vm, int vector)
{
	if (vm->host->pic_accepted == NULL)
		panic("vatpic_intr_accepted: the host has no 8259 (vector %d)", vector);
	vm->host->pic_accepted(vm->host->ctx, vector);
}
