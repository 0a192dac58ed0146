/*
 * vlapic-fuzz: what FreeBSD's vlapic.c, vmm_lapic.c and svm.c need from the
 * rest of bhyve, for trees with the FreeBSD 14+ vmm API (struct vcpu *
 * arguments; struct svm_vcpu * inside svm.c).  Same behaviour as vmm_glue.c
 * (which serves the older (struct vm *, int vcpuid) API): only the interrupt
 * path is real; the rest is inert or panics if reached.
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

/* The glue state of a vCPU, checked: a stray pointer is loud. */
static struct vlf_fb_vcpu *fbv(struct vcpu *vcpu, const char *what)
{
	if (vcpu == NULL || vcpu->vm == NULL || vcpu->vcpuid < 0 || vcpu->vcpuid >= VLF_FB_NVCPUS ||
	    &vcpu->vm->vcpus[vcpu->vcpuid] != vcpu)
		panic("%s: invalid vcpu %p", what, (void *)vcpu);
	return &vcpu->vm->vcpu[vcpu->vcpuid];
}

void vlf_fb_vcpu_clear(struct vm *vm, int vcpuid)
{
	struct vlf_fb_vcpu *v = &vm->vcpu[vcpuid];

	memset(&v->exitinfo, 0, sizeof(v->exitinfo));
	v->exit_intinfo = 0;
	v->exc_intinfo = 0;
	v->nmi_pending = 0;
	v->extint_pending = 0;
	v->notify_count = 0;
	v->notify_lapic = 0;
	memset(v->level_vec, 0, sizeof(v->level_vec));
	CPU_ZERO(&vm->vcpus[vcpuid].exitinfo_cpuset);
}

/* ------------------------------------------------------------------------ */
/* VM and vCPU lookup                                                         */

const char *vm_name(struct vm *vm)
{
	return vm->name;
}

struct vcpu *vm_vcpu(struct vm *vm, int cpu)
{
	if (cpu < 0 || cpu >= VLF_FB_NVCPUS)
		panic("vm_vcpu: invalid vcpuid %d", cpu);
	return &vm->vcpus[cpu];
}

struct vm *vcpu_vm(struct vcpu *vcpu)
{
	return vcpu->vm;
}

int vcpu_vcpuid(struct vcpu *vcpu)
{
	return vcpu->vcpuid;
}

struct vlapic *vm_lapic(struct vcpu *vcpu)
{
	return fbv(vcpu, "vm_lapic")->vlapic;
}

cpuset_t vm_active_cpus(struct vm *vm)
{
	return vm->active_cpus;
}

int vm_apicid2vcpuid(struct vm *vm, int apicid)
{
	/* bhyve numbers local APICs like vCPUs. */
	(void)vm;
	return apicid;
}

uint16_t vm_get_maxcpus(struct vm *vm)
{
	(void)vm;
	return VLF_FB_NVCPUS;
}

struct vm_exit *vm_exitinfo(struct vcpu *vcpu)
{
	return &fbv(vcpu, "vm_exitinfo")->exitinfo;
}

cpuset_t *vm_exitinfo_cpuset(struct vcpu *vcpu)
{
	(void)fbv(vcpu, "vm_exitinfo_cpuset");
	return &vcpu->exitinfo_cpuset;
}

void *vcpu_stats(struct vcpu *vcpu)
{
	static uint64_t sink[MAX_VMM_STAT_ELEMS];

	(void)vcpu;
	return sink;
}

void vcpu_notify_event(struct vcpu *vcpu, bool lapic_intr)
{
	struct vlf_fb_vcpu *v = fbv(vcpu, "vcpu_notify_event");

	/* Nothing runs concurrently: only remember that a kick was asked for. */
	v->notify_count++;
	if (lapic_intr)
		v->notify_lapic++;
}

/* INIT/SIPI handling lives in userspace bhyve; the harness sends none. */
int vm_smp_rendezvous(struct vcpu *vcpu, cpuset_t dest, vm_rendezvous_func_t func, void *arg)
{
	(void)vcpu;
	(void)dest;
	(void)func;
	(void)arg;
	panic("vm_smp_rendezvous: INIT IPIs are not part of this harness");
}

void vm_await_start(struct vm *vm, const cpuset_t *waiting)
{
	(void)vm;
	(void)waiting;
	panic("vm_await_start: INIT IPIs are not part of this harness");
}

cpuset_t vm_start_cpus(struct vm *vm, const cpuset_t *tostart)
{
	(void)vm;
	(void)tostart;
	panic("vm_start_cpus: SIPIs are not part of this harness");
}

/* ------------------------------------------------------------------------ */
/* Pending events                                                             */

int vm_exit_intinfo(struct vcpu *vcpu, uint64_t info)
{
	return vlf_fb_save_exit_intinfo(fbv(vcpu, "vm_exit_intinfo"), info);
}

int vm_entry_intinfo(struct vcpu *vcpu, uint64_t *retinfo)
{
	return vlf_fb_next_entry_intinfo(fbv(vcpu, "vm_entry_intinfo"), retinfo);
}

int vm_inject_exception(struct vcpu *vcpu, int vector, int err_valid, uint32_t errcode,
                        int restart_instruction)
{
	(void)restart_instruction;
	return vlf_fb_queue_exception(fbv(vcpu, "vm_inject_exception"), vector, err_valid, errcode);
}

void vm_inject_fault(struct vcpu *vcpu, int vector, int errcode_valid, int errcode)
{
	int error;

	error = vm_inject_exception(vcpu, vector, errcode_valid, (uint32_t)errcode, 1);
	if (error != 0)
		panic("vm_inject_fault: exception %d refused (%d)", vector, error);
}

int vm_inject_nmi(struct vcpu *vcpu)
{
	fbv(vcpu, "vm_inject_nmi")->nmi_pending = 1;
	vcpu_notify_event(vcpu, false);
	return 0;
}

int vm_nmi_pending(struct vcpu *vcpu)
{
	return fbv(vcpu, "vm_nmi_pending")->nmi_pending;
}

void vm_nmi_clear(struct vcpu *vcpu)
{
	struct vlf_fb_vcpu *v = fbv(vcpu, "vm_nmi_clear");

	if (!v->nmi_pending)
		panic("vm_nmi_clear: no NMI was pending");
	v->nmi_pending = 0;
}

int vm_inject_extint(struct vcpu *vcpu)
{
	fbv(vcpu, "vm_inject_extint")->extint_pending = 1;
	vcpu_notify_event(vcpu, false);
	return 0;
}

int vm_extint_pending(struct vcpu *vcpu)
{
	return fbv(vcpu, "vm_extint_pending")->extint_pending;
}

void vm_extint_clear(struct vcpu *vcpu)
{
	struct vlf_fb_vcpu *v = fbv(vcpu, "vm_extint_clear");

	if (!v->extint_pending)
		panic("vm_extint_clear: no ExtINT was pending");
	v->extint_pending = 0;
}

/*
 * The I/O APIC is the harness's: it is told about level-triggered EOIs.  This
 * API names no vCPU; the EOI comes from the vCPU whose LAPIC write the
 * adapter is emulating.
 */
void vioapic_process_eoi(struct vm *vm, int vector)
{
	if (vm->eoi_vcpu < 0 || vm->eoi_vcpu >= vm->nvcpus)
		panic("vioapic_process_eoi: vector %d outside a LAPIC access", vector);
	if (vm->host != NULL && vm->host->eoi_broadcast != NULL)
		vm->host->eoi_broadcast(vm->host->ctx, vm->eoi_vcpu, vector);
}

/* ------------------------------------------------------------------------ */
/* Exits to userspace: only recorded (svm_run is never called here)          */

static void exit_to_user(struct vcpu *vcpu, uint64_t rip, enum vm_exitcode code)
{
	struct vm_exit *vme = vm_exitinfo(vcpu);

	vme->rip = rip;
	vme->inst_length = 0;
	vme->exitcode = code;
}

void vm_exit_suspended(struct vcpu *vcpu, uint64_t rip)
{
	exit_to_user(vcpu, rip, VM_EXITCODE_SUSPENDED);
}

void vm_exit_rendezvous(struct vcpu *vcpu, uint64_t rip)
{
	exit_to_user(vcpu, rip, VM_EXITCODE_RENDEZVOUS);
}

void vm_exit_reqidle(struct vcpu *vcpu, uint64_t rip)
{
	exit_to_user(vcpu, rip, VM_EXITCODE_REQIDLE);
}

void vm_exit_astpending(struct vcpu *vcpu, uint64_t rip)
{
	exit_to_user(vcpu, rip, VM_EXITCODE_BOGUS);
}

void vm_exit_debug(struct vcpu *vcpu, uint64_t rip)
{
	exit_to_user(vcpu, rip, VM_EXITCODE_DEBUG);
}

int vcpu_debugged(struct vcpu *vcpu)
{
	(void)vcpu;
	return 0;
}

int vcpu_trace_exceptions(struct vcpu *vcpu)
{
	(void)vcpu;
	return 0;
}

int vcpu_trap_wbinvd(struct vcpu *vcpu)
{
	(void)vcpu;
	return 0;
}

bool vm_mem_allocated(struct vcpu *vcpu, vm_paddr_t gpa)
{
	(void)vcpu;
	(void)gpa;
	return false;
}

bool vm_cpuid_capability(struct vcpu *vcpu, enum vm_cpuid_capability cap)
{
	(void)vcpu;
	(void)cap;
	return false;
}

enum vm_reg_name vm_segment_name(int seg_encoding)
{
	panic("vm_segment_name(%d): segment decoding is not part of this harness", seg_encoding);
}

int x86_emulate_cpuid(struct vcpu *vcpu, uint64_t *rax, uint64_t *rbx, uint64_t *rcx, uint64_t *rdx)
{
	(void)vcpu;
	*rax = *rbx = *rcx = *rdx = 0;
	return 1;
}

/* ------------------------------------------------------------------------ */
/* SVM support code that is not on the interrupt path                         */

void svm_launch(uint64_t pa, struct svm_regctx *gctx, struct pcpu *pcpu)
{
	(void)pa;
	(void)gctx;
	(void)pcpu;
	panic("svm_launch: VMRUN cannot execute here (the harness is the CPU)");
}

void svm_msr_init(void)
{
}

void svm_msr_guest_init(struct svm_softc *sc, struct svm_vcpu *vcpu)
{
	(void)sc;
	(void)vcpu;
}

void svm_msr_guest_enter(struct svm_vcpu *vcpu)
{
	(void)vcpu;
}

void svm_msr_guest_exit(struct svm_vcpu *vcpu)
{
	(void)vcpu;
}

int svm_rdmsr(struct svm_vcpu *vcpu, u_int num, uint64_t *result, bool *retu)
{
	(void)vcpu;
	(void)num;
	(void)retu;
	*result = 0;
	return EINVAL;
}

int svm_wrmsr(struct svm_vcpu *vcpu, u_int num, uint64_t val, bool *retu)
{
	(void)vcpu;
	(void)num;
	(void)val;
	(void)retu;
	return EINVAL;
}

int vmcb_read(struct svm_vcpu *vcpu, int ident, uint64_t *retval)
{
	(void)vcpu;
	(void)ident;
	*retval = 0;
	return EINVAL;
}

int vmcb_write(struct svm_vcpu *vcpu, int ident, uint64_t val)
{
	(void)vcpu;
	(void)ident;
	(void)val;
	return EINVAL;
}

int vmcb_getdesc(struct svm_vcpu *vcpu, int ident, struct seg_desc *desc)
{
	(void)vcpu;
	(void)ident;
	memset(desc, 0, sizeof(*desc));
	return EINVAL;
}

int vmcb_setdesc(struct svm_vcpu *vcpu, int ident, struct seg_desc *desc)
{
	(void)vcpu;
	(void)ident;
	(void)desc;
	return EINVAL;
}
