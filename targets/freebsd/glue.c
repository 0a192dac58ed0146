/*
 * vlapic-fuzz: the behaviour of the rest of bhyve on the interrupt path,
 * written once for every FreeBSD revision (glue.h says how the tree's own
 * prototypes reach it).  Only the interrupt path is real: vCPU lookup,
 * pending NMI/ExtINT, the intinfo of interrupted events, notifications, the
 * harness's I/O APIC and 8259.  Exits to userspace are recorded.
 */
#include "glue_probe.h"
#include "fb_vm.h"

static struct vlf_fb_ref ref(struct vlf_fb_vm *m, int vcpuid, const char *what)
{
	struct vlf_fb_ref r = {m, vcpuid};

#if VLF_FB_SLOTS > VLF_FB_NVCPUS
	/* IDs below VM_MAXCPU but beyond the harness's vCPUs: the stand-in. */
	if (vcpuid >= VLF_FB_NVCPUS && vcpuid < VM_MAXCPU) {
		r.vcpuid = VLF_FB_NVCPUS;
		return r;
	}
#endif
	if (vcpuid < 0 || vcpuid >= VLF_FB_NVCPUS)
		panic("%s: invalid vcpuid %d", what, vcpuid);
	return r;
}

struct vlf_fb_ref vlf_fb_ref_vcpu(struct vcpu *vcpu)
{
	struct vlf_fb_vm *m;

	if (vcpu == NULL || vcpu->vm == NULL)
		panic("vlf_fb_ref_vcpu: invalid vcpu %p", (void *)vcpu);
	m = vlf_fb_vm_of(vcpu->vm);
	if (vcpu->vcpuid < 0 || vcpu->vcpuid >= VLF_FB_SLOTS || &m->vcpus[vcpu->vcpuid] != vcpu)
		panic("vlf_fb_ref_vcpu: vcpu %p is not one of the VM's", (void *)vcpu);
	return (struct vlf_fb_ref){m, vcpu->vcpuid};
}

struct vlf_fb_ref vlf_fb_ref_id(struct vm *vm, int vcpuid)
{
	return ref(vlf_fb_vm_of(vm), vcpuid, "vlf_fb_ref_id");
}

/* The tree names only the VM: the vCPU is the one whose access is emulated
 * (vioapic_process_eoi() in the struct vcpu * API). */
struct vlf_fb_ref vlf_fb_ref_vm(struct vm *vm)
{
	struct vlf_fb_vm *m = vlf_fb_vm_of(vm);

	return (struct vlf_fb_ref){m, m->cur_vcpu};
}

static struct vlf_fb_events *ev(struct vlf_fb_ref r, const char *what)
{
	if (r.vcpuid < 0 || r.vcpuid >= VLF_FB_SLOTS)
		panic("%s: no vCPU (%d)", what, r.vcpuid);
	return &r.m->ev[r.vcpuid];
}

/* ------------------------------------------------------------------------ */
/* VM and vCPU lookup                                                         */

const char *vlf_glue_vm_name(struct vlf_fb_ref r)
{
	return r.m->vm.name;
}

struct vcpu *vlf_glue_vm_vcpu(struct vlf_fb_ref r)
{
	return &r.m->vcpus[r.vcpuid];
}

struct vm *vlf_glue_vcpu_vm(struct vlf_fb_ref r)
{
	return &r.m->vm;
}

int vlf_glue_vcpu_vcpuid(struct vlf_fb_ref r)
{
	return r.vcpuid;
}

struct vlapic *vlf_glue_vm_lapic(struct vlf_fb_ref r)
{
	(void)ev(r, "vm_lapic");
	return r.m->vlapic[r.vcpuid];
}

cpuset_t vlf_glue_vm_active_cpus(struct vlf_fb_ref r)
{
	return r.m->vm.active_cpus;
}

int vlf_glue_vm_apicid2vcpuid(struct vlf_fb_ref r, int apicid)
{
	/* bhyve numbers local APICs like vCPUs. */
	(void)r;
	return apicid;
}

uint16_t vlf_glue_vm_get_maxcpus(struct vlf_fb_ref r)
{
	(void)r;
	return VLF_FB_NVCPUS;
}

struct vm_exit *vlf_glue_vm_exitinfo(struct vlf_fb_ref r)
{
	return &ev(r, "vm_exitinfo")->exitinfo;
}

cpuset_t *vlf_glue_vm_exitinfo_cpuset(struct vlf_fb_ref r)
{
	return &ev(r, "vm_exitinfo_cpuset")->exitinfo_cpuset;
}

void *vlf_glue_vcpu_stats(struct vlf_fb_ref r)
{
	static uint64_t sink[MAX_VMM_STAT_ELEMS];

	(void)r;
	return sink;
}

void vlf_glue_vcpu_notify_event(struct vlf_fb_ref r, bool lapic_intr)
{
	struct vlf_fb_events *e = ev(r, "vcpu_notify_event");

	/* Nothing runs concurrently: only remember that a kick was asked for. */
	e->notify_count++;
	if (lapic_intr)
		e->notify_lapic++;
}

/* ------------------------------------------------------------------------ */
/* Pending events                                                             */

/* Revisions before the intinfo interface (VM_INTINFO_*) need none of this. */
#ifdef VM_INTINFO_VALID
int vlf_glue_vm_exit_intinfo(struct vlf_fb_ref r, uint64_t info)
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
	ev(r, "vm_exit_intinfo")->exit_intinfo = info;
	return 0;
}

int vlf_glue_vm_entry_intinfo(struct vlf_fb_ref r, uint64_t *retinfo)
{
	struct vlf_fb_events *e = ev(r, "vm_entry_intinfo");

	/*
	 * First an event interrupted by the last exit, then an exception the
	 * hypervisor queued.  (bhyve also merges the two into #DF per the SDM's
	 * table; with no exceptions queued on the interrupt path that case does
	 * not arise here and panics if it does.)
	 */
	if (e->exit_intinfo & VM_INTINFO_VALID) {
		if (e->exc_intinfo & VM_INTINFO_VALID)
			panic("vm_entry_intinfo: exception nesting is not modelled");
		*retinfo = e->exit_intinfo;
		e->exit_intinfo = 0;
		return 1;
	}
	if (e->exc_intinfo & VM_INTINFO_VALID) {
		*retinfo = e->exc_intinfo;
		e->exc_intinfo = 0;
		return 1;
	}
	*retinfo = 0;
	return 0;
}

int vlf_glue_vm_inject_exception(struct vlf_fb_ref r, int vector, int err_valid, uint32_t errcode,
                                 int restart_instruction)
{
	struct vlf_fb_events *e = ev(r, "vm_inject_exception");
	uint64_t info;

	(void)restart_instruction;
	if (vector < 0 || vector >= 32)
		return EINVAL;
	if (e->exc_intinfo & VM_INTINFO_VALID)
		panic("vm_inject_exception: exception %d while another is queued", vector);
	info = (uint64_t)vector | VM_INTINFO_HWEXCEPTION | VM_INTINFO_VALID;
	if (err_valid)
		info |= VM_INTINFO_DEL_ERRCODE | ((uint64_t)errcode << 32);
	e->exc_intinfo = info;
	return 0;
}

void vlf_glue_vm_inject_fault(struct vlf_fb_ref r, int vector, int errcode_valid, int errcode)
{
	if (vlf_glue_vm_inject_exception(r, vector, errcode_valid, (uint32_t)errcode, 1) != 0)
		panic("vm_inject_fault: exception %d refused", vector);
}
#endif

int vlf_glue_vm_inject_nmi(struct vlf_fb_ref r)
{
	ev(r, "vm_inject_nmi")->nmi_pending = 1;
	vlf_glue_vcpu_notify_event(r, false);
	return 0;
}

int vlf_glue_vm_nmi_pending(struct vlf_fb_ref r)
{
	return ev(r, "vm_nmi_pending")->nmi_pending;
}

void vlf_glue_vm_nmi_clear(struct vlf_fb_ref r)
{
	struct vlf_fb_events *e = ev(r, "vm_nmi_clear");

	if (!e->nmi_pending)
		panic("vm_nmi_clear: no NMI was pending");
	e->nmi_pending = 0;
}

int vlf_glue_vm_inject_extint(struct vlf_fb_ref r)
{
	ev(r, "vm_inject_extint")->extint_pending = 1;
	vlf_glue_vcpu_notify_event(r, false);
	return 0;
}

int vlf_glue_vm_extint_pending(struct vlf_fb_ref r)
{
	return ev(r, "vm_extint_pending")->extint_pending;
}

void vlf_glue_vm_extint_clear(struct vlf_fb_ref r)
{
	struct vlf_fb_events *e = ev(r, "vm_extint_clear");

	if (!e->extint_pending)
		panic("vm_extint_clear: no ExtINT was pending");
	e->extint_pending = 0;
}

/* ------------------------------------------------------------------------ */
/* The harness's I/O APIC and 8259                                            */

/* Told about level-triggered EOIs. */
void vlf_glue_vioapic_process_eoi(struct vlf_fb_ref r, int vector)
{
	const struct vlf_host *host = r.m->host;

	if (r.vcpuid < 0 || r.vcpuid >= r.m->nvcpus)
		panic("vioapic_process_eoi: vector %d outside a LAPIC access", vector);
	if (host != NULL && host->eoi_broadcast != NULL)
		host->eoi_broadcast(host->ctx, r.vcpuid, vector);
}

/*
 * One request line, auto-EOI, wired to the BSP's LINT0.  Without a request
 * it answers INTA with its spurious vector, as the real one does.
 */
void vlf_glue_vatpic_pending_intr(struct vlf_fb_ref r, int *vecptr)
{
	const struct vlf_host *host = r.m->host;
	int v;

	if (host == NULL || host->pic_vector == NULL)
		panic("vatpic_pending_intr: the host has no 8259");
	v = host->pic_vector(host->ctx);
	*vecptr = v >= 0 ? v : VLF_PIC_SPURIOUS;
}

void vlf_glue_vatpic_intr_accepted(struct vlf_fb_ref r, int vector)
{
	const struct vlf_host *host = r.m->host;

	if (host == NULL || host->pic_accepted == NULL)
		panic("vatpic_intr_accepted: the host has no 8259 (vector %d)", vector);
	host->pic_accepted(host->ctx, vector);
}

/* ------------------------------------------------------------------------ */
/* Exits to userspace: only recorded (the VMRUN loop is the harness's, and
 * reads no exit code; VM_EXITCODE_BOGUS is the one every revision has).     */

static void exit_to_user(struct vlf_fb_ref r, uint64_t rip)
{
	struct vm_exit *vme = vlf_glue_vm_exitinfo(r);

	vme->rip = rip;
	vme->inst_length = 0;
	vme->exitcode = VM_EXITCODE_BOGUS;
}

void vlf_glue_vm_exit_suspended(struct vlf_fb_ref r, uint64_t rip)
{
	exit_to_user(r, rip);
}

void vlf_glue_vm_exit_rendezvous(struct vlf_fb_ref r, uint64_t rip)
{
	exit_to_user(r, rip);
}

void vlf_glue_vm_exit_reqidle(struct vlf_fb_ref r, uint64_t rip)
{
	exit_to_user(r, rip);
}

void vlf_glue_vm_exit_astpending(struct vlf_fb_ref r, uint64_t rip)
{
	exit_to_user(r, rip);
}

void vlf_glue_vm_exit_debug(struct vlf_fb_ref r, uint64_t rip)
{
	exit_to_user(r, rip);
}
