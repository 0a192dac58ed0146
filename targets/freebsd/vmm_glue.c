/*
 * vlapic-fuzz: what FreeBSD's vlapic.c, vmm_lapic.c and svm.c need from the
 * rest of bhyve (vmm.c, vmcb.c, svm_msr.c, npt.c, vatpic.c, vioapic.c,
 * x86.c, svm_support.S), written for this project from the documented
 * behaviour of those interfaces.  Only the interrupt path is real; the rest is
 * inert or panics if reached, so an unexpected path is loud.
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

static void check_vcpu(struct vm *vm, int vcpuid, const char *what)
{
	if (vcpuid < 0 || vcpuid >= VLF_FB_NVCPUS)
		panic("%s: invalid vcpuid %d", what, vcpuid);
	(void)vm;
}

/* vCPUs a LAPIC interrupt may name: the active ones and, for every other
 * ID below VM_MAXCPU, the stand-in (see VLF_FB_SLOTS). */
static int intr_slot(struct vm *vm, int vcpuid, const char *what)
{
	if (VLF_FB_SLOTS > VLF_FB_NVCPUS && vcpuid >= VLF_FB_NVCPUS && vcpuid < VM_MAXCPU)
		return VLF_FB_NVCPUS;
	check_vcpu(vm, vcpuid, what);
	return vcpuid;
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
}

/* ------------------------------------------------------------------------ */
/* VM and vCPU lookup                                                         */

const char *vm_name(struct vm *vm)
{
	return vm->name;
}

struct vlapic *vm_lapic(struct vm *vm, int cpu)
{
	return vm->vcpu[intr_slot(vm, cpu, "vm_lapic")].vlapic;
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

#if VLF_FB_HAVE_VM_GET_MAXCPUS
uint16_t vm_get_maxcpus(struct vm *vm)
{
	(void)vm;
	return VLF_FB_NVCPUS;
}
#endif

struct vm_exit *vm_exitinfo(struct vm *vm, int vcpuid)
{
	check_vcpu(vm, vcpuid, "vm_exitinfo");
	return &vm->vcpu[vcpuid].exitinfo;
}

void *vcpu_stats(struct vm *vm, int vcpuid)
{
	static uint64_t sink[MAX_VMM_STAT_ELEMS];

	(void)vm;
	(void)vcpuid;
	return sink;
}

void vcpu_notify_event(struct vm *vm, int vcpuid, bool lapic_intr)
{
	/* Nothing runs concurrently: only remember that a kick was asked for. */
	struct vlf_fb_vcpu *v = &vm->vcpu[intr_slot(vm, vcpuid, "vcpu_notify_event")];

	v->notify_count++;
	if (lapic_intr)
		v->notify_lapic++;
}

/* ------------------------------------------------------------------------ */
/* Pending events                                                             */

int vm_exit_intinfo(struct vm *vm, int vcpuid, uint64_t info)
{
	check_vcpu(vm, vcpuid, "vm_exit_intinfo");
	return vlf_fb_save_exit_intinfo(&vm->vcpu[vcpuid], info);
}

int vm_entry_intinfo(struct vm *vm, int vcpuid, uint64_t *retinfo)
{
	check_vcpu(vm, vcpuid, "vm_entry_intinfo");
	return vlf_fb_next_entry_intinfo(&vm->vcpu[vcpuid], retinfo);
}

int vm_inject_exception(struct vm *vm, int vcpuid, int vector, int err_valid, uint32_t errcode,
                        int restart_instruction)
{
	(void)restart_instruction;
	check_vcpu(vm, vcpuid, "vm_inject_exception");
	return vlf_fb_queue_exception(&vm->vcpu[vcpuid], vector, err_valid, errcode);
}

void vm_inject_fault(void *vmarg, int vcpuid, int vector, int errcode_valid, int errcode)
{
	int error;

	error = vm_inject_exception(vmarg, vcpuid, vector, errcode_valid, (uint32_t)errcode, 1);
	if (error != 0)
		panic("vm_inject_fault: exception %d refused (%d)", vector, error);
}

int vm_inject_nmi(struct vm *vm, int vcpuid)
{
	check_vcpu(vm, vcpuid, "vm_inject_nmi");
	vm->vcpu[vcpuid].nmi_pending = 1;
	vcpu_notify_event(vm, vcpuid, false);
	return 0;
}

int vm_nmi_pending(struct vm *vm, int vcpuid)
{
	check_vcpu(vm, vcpuid, "vm_nmi_pending");
	return vm->vcpu[vcpuid].nmi_pending;
}

void vm_nmi_clear(struct vm *vm, int vcpuid)
{
	check_vcpu(vm, vcpuid, "vm_nmi_clear");
	if (!vm->vcpu[vcpuid].nmi_pending)
		panic("vm_nmi_clear: no NMI was pending");
	vm->vcpu[vcpuid].nmi_pending = 0;
}

int vm_inject_extint(struct vm *vm, int vcpuid)
{
	check_vcpu(vm, vcpuid, "vm_inject_extint");
	vm->vcpu[vcpuid].extint_pending = 1;
	vcpu_notify_event(vm, vcpuid, false);
	return 0;
}

int vm_extint_pending(struct vm *vm, int vcpuid)
{
	check_vcpu(vm, vcpuid, "vm_extint_pending");
	return vm->vcpu[vcpuid].extint_pending;
}

void vm_extint_clear(struct vm *vm, int vcpuid)
{
	check_vcpu(vm, vcpuid, "vm_extint_clear");
	if (!vm->vcpu[vcpuid].extint_pending)
		panic("vm_extint_clear: no ExtINT was pending");
	vm->vcpu[vcpuid].extint_pending = 0;
}

/* The I/O APIC is the harness's: it is told about level-triggered EOIs. */
void vioapic_process_eoi(struct vm *vm, int vcpuid, int vector)
{
	if (vm->host != NULL && vm->host->eoi_broadcast != NULL)
		vm->host->eoi_broadcast(vm->host->ctx, vcpuid, vector);
}

/* ------------------------------------------------------------------------ */
/* Exits to userspace: only recorded (svm_vmrun is never called here)        */

static void exit_to_user(struct vm *vm, int vcpuid, uint64_t rip, enum vm_exitcode code)
{
	struct vm_exit *vme = vm_exitinfo(vm, vcpuid);

	vme->rip = rip;
	vme->inst_length = 0;
	vme->exitcode = code;
}

void vm_exit_suspended(struct vm *vm, int vcpuid, uint64_t rip)
{
	exit_to_user(vm, vcpuid, rip, VM_EXITCODE_SUSPENDED);
}

void vm_exit_rendezvous(struct vm *vm, int vcpuid, uint64_t rip)
{
	exit_to_user(vm, vcpuid, rip, VM_EXITCODE_RENDEZVOUS);
}

void vm_exit_reqidle(struct vm *vm, int vcpuid, uint64_t rip)
{
	exit_to_user(vm, vcpuid, rip, VM_EXITCODE_REQIDLE);
}

void vm_exit_astpending(struct vm *vm, int vcpuid, uint64_t rip)
{
	exit_to_user(vm, vcpuid, rip, VM_EXITCODE_BOGUS);
}

#if VLF_FB_HAVE_VCPU_DEBUGGED
void vm_exit_debug(struct vm *vm, int vcpuid, uint64_t rip)
{
	exit_to_user(vm, vcpuid, rip, VM_EXITCODE_DEBUG);
}

int vcpu_debugged(struct vm *vm, int vcpuid)
{
	(void)vm;
	(void)vcpuid;
	return 0;
}
#endif

int vcpu_trace_exceptions(struct vm *vm, int vcpuid)
{
	(void)vm;
	(void)vcpuid;
	return 0;
}

bool vm_mem_allocated(struct vm *vm, int vcpuid, vm_paddr_t gpa)
{
	(void)vm;
	(void)vcpuid;
	(void)gpa;
	return false;
}

bool vm_cpuid_capability(struct vm *vm, int vcpuid, enum vm_cpuid_capability cap)
{
	(void)vm;
	(void)vcpuid;
	(void)cap;
	return false;
}

enum vm_reg_name vm_segment_name(int seg_encoding)
{
	panic("vm_segment_name(%d): segment decoding is not part of this harness", seg_encoding);
}

int x86_emulate_cpuid(struct vm *vm, int vcpu_id, uint32_t *eax, uint32_t *ebx, uint32_t *ecx,
                      uint32_t *edx)
{
	(void)vm;
	(void)vcpu_id;
	*eax = *ebx = *ecx = *edx = 0;
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

void svm_msr_guest_init(struct svm_softc *sc, int vcpu)
{
	(void)sc;
	(void)vcpu;
}

void svm_msr_guest_enter(struct svm_softc *sc, int vcpu)
{
	(void)sc;
	(void)vcpu;
}

void svm_msr_guest_exit(struct svm_softc *sc, int vcpu)
{
	(void)sc;
	(void)vcpu;
}

int svm_rdmsr(struct svm_softc *sc, int vcpu, u_int num, uint64_t *result, bool *retu)
{
	(void)sc;
	(void)vcpu;
	(void)num;
	(void)retu;
	*result = 0;
	return EINVAL;
}

int svm_wrmsr(struct svm_softc *sc, int vcpu, u_int num, uint64_t val, bool *retu)
{
	(void)sc;
	(void)vcpu;
	(void)num;
	(void)val;
	(void)retu;
	return EINVAL;
}

int vmcb_read(struct svm_softc *sc, int vcpu, int ident, uint64_t *retval)
{
	(void)sc;
	(void)vcpu;
	(void)ident;
	*retval = 0;
	return EINVAL;
}

int vmcb_write(struct svm_softc *sc, int vcpu, int ident, uint64_t val)
{
	(void)sc;
	(void)vcpu;
	(void)ident;
	(void)val;
	return EINVAL;
}

int vmcb_getdesc(void *arg, int vcpu, int ident, struct seg_desc *desc)
{
	(void)arg;
	(void)vcpu;
	(void)ident;
	memset(desc, 0, sizeof(*desc));
	return EINVAL;
}

int vmcb_setdesc(void *arg, int vcpu, int ident, struct seg_desc *desc)
{
	(void)arg;
	(void)vcpu;
	(void)ident;
	(void)desc;
	return EINVAL;
}
