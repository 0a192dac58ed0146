/*
 * vlapic-fuzz: the FreeBSD target.  FreeBSD's svm.c is included whole into
 * this translation unit so that its static injection functions
 * (svm_inj_interrupts, svm_update_virqinfo, svm_save_intinfo, vmcb_init, ...)
 * are reachable; vlapic.c and vmm_lapic.c are separate, unmodified objects.
 *
 * The harness plays the CPU and the loop of svm_vmrun(): prepare_entry is
 * the part of that loop before VMRUN, handle_exit the part after #VMEXIT.
 */
#include "fb_config.h"

/* FreeBSD's svm.c (path chosen at configure time). */
#include VLF_FB_SVM_C

#include "glue_probe.h"
#include "fb_vm.h"
#include "freebsd_target.h"

/* x2APIC register n*16 of the xAPIC page is MSR 0x800 + n (SDM vol. 3, 10.12). */
#define VLF_X2APIC_MSR_BASE 0x800u

/* A vCPU's FreeBSD state as svm.c's VM and vCPU creation left it: every reset
 * copies it back, so no init path of FreeBSD's runs per input. */
struct fb_pristine {
	struct vlapic vlapic;
	uint8_t apic_page[PAGE_SIZE];
	struct svm_vcpu svcpu;
	struct vmcb vmcb;
};

struct vlf_fb_target {
	struct vlf_fb_vm m; /* first: the target pointer is also the struct vm */
	struct svm_softc *sc;
	struct svm_vcpu *svcpu[VLF_FB_SLOTS];
	struct fb_pristine pristine[VLF_FB_SLOTS];
	struct pmap pmap;
	uint64_t *pml4; /* the nested page table root svm.c records */
	struct vlf_config cfg;
	struct vlf_host host;
	sbintime_t sbt_per_tick; /* one tick of the LAPIC timer's input clock */
};

/*
 * The values glue_calls.h passes for the tree's leading parameters, whatever
 * their shape in this revision: (struct vm *, int vcpuid), struct vcpu *,
 * (struct svm_softc *, int), struct svm_vcpu *, struct vlapic *.
 */
static inline struct vm *fb_role_vm(struct vlf_fb_target *t)
{
	return &t->m.vm;
}

static inline struct vcpu *fb_role_vcpu(struct vlf_fb_target *t, int i)
{
	return &t->m.vcpus[i];
}

static inline struct svm_softc *fb_role_sc(struct vlf_fb_target *t)
{
	return t->sc;
}

static inline struct svm_vcpu *fb_role_svcpu(struct vlf_fb_target *t, int i)
{
	return t->svcpu[i];
}

static inline struct vlapic *fb_role_vlapic(struct vlf_fb_target *t, int i)
{
	return t->m.vlapic[i];
}

#include "glue_calls.h"

static struct vlf_fb_target *ktr_owner;
static void fb_lapic_write(void *arg, int vcpu, uint32_t offset, uint64_t val);

/* KTR lines from VCPU_CTR* start with "vm <name>[<vcpu>]: ". */
static void fb_ktr_hook(void *ctx, const char *line)
{
	struct vlf_fb_target *t = ctx;
	const char *p;
	int vcpu = -1;

	if (t == NULL || t->host.trace == NULL)
		return;
	p = strchr(line, '[');
	if (p != NULL && strncmp(line, "vm ", 3) == 0) {
		char *end;
		long v = strtol(p + 1, &end, 10);

		if (end != p + 1 && *end == ']' && v >= 0 && v < VLF_FB_NVCPUS) {
			vcpu = (int)v;
			if (end[1] == ':' && end[2] == ' ')
				line = end + 3;
		}
	}
	t->host.trace(t->host.ctx, vcpu, line);
}

static struct vlf_fb_target *tgt(void *t, int vcpu, const char *what)
{
	struct vlf_fb_target *ft = t;

	if (vcpu < 0 || vcpu >= ft->m.nvcpus)
		panic("%s: vcpu %d out of range (nvcpus %d)", what, vcpu, ft->m.nvcpus);
	return ft;
}

/* ------------------------------------------------------------------------ */
/* Life cycle                                                                 */

static void fb_take_pristine(struct vlf_fb_target *t, int i)
{
	struct fb_pristine *p = &t->pristine[i];
	struct vlapic *vlapic = t->m.vlapic[i];

	memcpy(&p->vlapic, vlapic, sizeof(p->vlapic));
	memcpy(p->apic_page, vlapic->apic_page, sizeof(p->apic_page));
	memcpy(&p->svcpu, t->svcpu[i], sizeof(p->svcpu));
	memcpy(&p->vmcb, fbc_get_vmcb(t, i), sizeof(p->vmcb));
}

/* One vCPU back to what creation gave it.  (Where the VMCB lies inside the
 * svm_vcpu, it is copied twice, the same bytes.) */
static void fb_vcpu_pristine(struct vlf_fb_target *t, int i)
{
	const struct fb_pristine *p = &t->pristine[i];
	struct vlapic *vlapic = t->m.vlapic[i];

	memcpy(vlapic, &p->vlapic, sizeof(p->vlapic));
	memcpy(vlapic->apic_page, p->apic_page, sizeof(p->apic_page));
	memcpy(t->svcpu[i], &p->svcpu, sizeof(p->svcpu));
	memcpy(fbc_get_vmcb(t, i), &p->vmcb, sizeof(p->vmcb));
	memset(&t->m.ev[i], 0, sizeof(t->m.ev[i]));
}

static void fb_reset(void *arg, const struct vlf_config *cfg)
{
	struct vlf_fb_target *t = arg;
	int i;

	if (cfg->nvcpus < 1 || cfg->nvcpus > VLF_FB_NVCPUS)
		panic("freebsd target: nvcpus %d out of range", cfg->nvcpus);
	if (vlf_critical_depth() != 0)
		panic("freebsd target: reset inside a critical section (depth %d)",
		      vlf_critical_depth());
	t->cfg = *cfg;

	/* Time back to zero, every callout (the vLAPIC timers) forgotten. */
	vlf_kern_clock_reset();

	for (i = 0; i < VLF_FB_SLOTS; i++)
		fb_vcpu_pristine(t, i);

	t->m.nvcpus = cfg->nvcpus;
	t->m.cur_vcpu = -1;
	CPU_ZERO(&t->m.vm.active_cpus);
	for (i = 0; i < cfg->nvcpus; i++)
		CPU_SET(i, &t->m.vm.active_cpus);

	for (i = 0; i < cfg->nvcpus; i++) {
		if (cfg->apic == VLF_APIC_X2APIC)
			fbc_set_x2apic(t, i, X2APIC_ENABLED);
		/* Ask for the CR8-write intercept only where the tree lacks it. */
		if (cfg->cr8_intercept && !fbc_get_intercept(t, i, VMCB_CR_INTCPT, BIT(8) << 16))
			fbc_set_intercept(t, i, VMCB_CR_INTCPT, BIT(8) << 16, 1);
		/* Reset RFLAGS; the harness sets the guest's own state after reset. */
		fbc_get_vmcb_state(t, i)->rflags = PSL_RESERVED_DEFAULT;
	}

	/*
	 * The harness's guest is an OS that has booted: its LAPIC is software
	 * enabled (SVR bit 8, spurious vector 0xff).  Do what that guest did,
	 * through the same emulation path as its later accesses.
	 */
	for (i = 0; i < cfg->nvcpus; i++)
		fb_lapic_write(t, i, VLF_LAPIC_SVR, 0x1ff);
	/* ... and, being a PC, left the BSP's LINT0 in ExtINT mode (virtual
	 * wire), so that the 8259's INTR reaches it. */
	fb_lapic_write(t, 0, VLF_LAPIC_LVT_LINT0, VLF_LVT_EXTINT);
}

static void fb_destroy(void *arg);

static void *fb_create(const struct vlf_config *cfg, const struct vlf_host *host, const char **err)
{
	struct vlf_fb_target *t;
	int i;

	if (cfg->nvcpus < 1 || cfg->nvcpus > VLF_FB_NVCPUS) {
		if (err != NULL)
			*err = "freebsd target: nvcpus out of range";
		return NULL;
	}
	/* FreeBSD's struct vmcb is page-aligned, and so the pristine copies. */
	t = aligned_alloc(_Alignof(struct vlf_fb_target),
	                  roundup2(sizeof(*t), _Alignof(struct vlf_fb_target)));
	if (t != NULL)
		memset(t, 0, sizeof(*t));
	if (t == NULL) {
		if (err != NULL)
			*err = "freebsd target: out of memory";
		return NULL;
	}
	if (host != NULL)
		t->host = *host;
	snprintf(t->m.vm.name, sizeof(t->m.vm.name), "vlf");
	t->m.host = &t->host;
	t->m.nvcpus = cfg->nvcpus;
	t->m.cur_vcpu = -1;
	t->m.vm.vcpu = t->m.vcpu_ptrs;
	for (i = 0; i < VLF_FB_SLOTS; i++) {
		t->m.vcpus[i].vm = &t->m.vm;
		t->m.vcpus[i].vcpuid = i;
		t->m.vcpu_ptrs[i] = &t->m.vcpus[i];
	}
	t->pml4 = vlf_kcontigmalloc(PAGE_SIZE, M_TEMP, M_WAITOK | M_ZERO, 0, ~(vm_paddr_t)0,
	                            PAGE_SIZE, 0);
	t->pmap.pm_pml4 = t->pml4;
	t->pmap.pm_pmltop = t->pml4;
	t->sc = fbc_vm_init(t, 0, &t->pmap);
	t->m.vm.cookie = t->sc;
	for (i = 0; i < VLF_FB_SLOTS; i++) {
		t->svcpu[i] = fbc_vcpu_init(t, i);
		t->m.vcpus[i].cookie = t->svcpu[i];
		t->m.vlapic[i] = fbc_vlapic_init(t, i);
		fb_take_pristine(t, i);
	}

	/*
	 * The timer's input clock, as vlapic.c sees it: after reset its DCR
	 * divides by 2 and timer_freq_bt is the length of one divided count.
	 * The harness counts time in undivided ticks; they must be a whole
	 * number of sbintime units for the two clocks to agree exactly.
	 */
	{
		const struct bintime *bt = &t->m.vlapic[0]->timer_freq_bt;
		unsigned __int128 hz =
		    bt->sec == 0 && bt->frac != 0 ? ((unsigned __int128)2 << 64) / bt->frac : 0;

		if (hz == 0 || hz > SBT_1S || SBT_1S % (sbintime_t)hz != 0) {
			if (err != NULL)
				*err =
				    "freebsd target: the vLAPIC timer frequency does not divide "
				    "the sbintime second; timer operations cannot be timed exactly";
			fb_destroy(t);
			return NULL;
		}
		t->sbt_per_tick = SBT_1S / (sbintime_t)hz;
	}

	ktr_owner = t;
	vlf_ktr_hook_ctx = t;
	/* KTR lines are formatted only while the harness traces (set_tracing). */
	vlf_ktr_hook = NULL;

	fb_reset(t, cfg);
	return t;
}

static void fb_set_tracing(void *arg, int on)
{
	struct vlf_fb_target *t = arg;

	if (ktr_owner == t)
		vlf_ktr_hook = on && t->host.trace != NULL ? fb_ktr_hook : NULL;
}

static void fb_destroy(void *arg)
{
	struct vlf_fb_target *t = arg;
	int i;

	if (t == NULL)
		return;
	if (ktr_owner == t) {
		vlf_ktr_hook = NULL;
		vlf_ktr_hook_ctx = NULL;
		ktr_owner = NULL;
	}
	vlf_kern_clock_reset();
	for (i = 0; i < VLF_FB_SLOTS; i++) {
		fbc_vlapic_cleanup(t, i);
		fbc_vcpu_cleanup(t, i);
	}
	fbc_vm_cleanup(t, 0);
	vlf_kcontigfree(t->pml4, PAGE_SIZE, M_TEMP);
	(free)(t); /* the C library's, not malloc(9)'s */
}

/* ------------------------------------------------------------------------ */
/* Interrupt sources                                                          */

/*
 * bhyve sets a vLAPIC's TMR when the guest programs an I/O APIC redirection
 * entry (vioapic_update_tmr(): vlapic_reset_tmr(), then vlapic_set_tmr_level()
 * for every level-triggered entry), not when an interrupt arrives.  A post
 * whose trigger mode differs from the last one for that vector is taken as
 * such a reprogramming, and the TMR is rebuilt the way vioapic does it.
 */
static void fb_ioapic_program(struct vlf_fb_target *t, int vcpu, int vector, int level)
{
	struct vlf_fb_events *v = &t->m.ev[vcpu];
	uint32_t mask = 1u << (vector % 32);
	int was = (v->level_vec[vector / 32] & mask) != 0;

	if (was == (level != 0))
		return;
	if (level)
		v->level_vec[vector / 32] |= mask;
	else
		v->level_vec[vector / 32] &= ~mask;
	fbc_reset_tmr(t, vcpu);
	for (int vec = 0; vec < 256; vec++) {
		if (v->level_vec[vec / 32] & (1u << (vec % 32)))
			fbc_set_tmr_level(t, vcpu, (uint32_t)vcpu, true, APIC_DELMODE_FIXED, vec);
	}
}

static void fb_post(void *arg, int vcpu, int vector, int level)
{
	struct vlf_fb_target *t = tgt(arg, vcpu, "post");

	/* Vectors 0-15 are refused by lapic_set_intr(); no routing to program. */
	if (vector >= 16 && vector <= 255)
		fb_ioapic_program(t, vcpu, vector, level);
	/* Like an I/O APIC or MSI: vmm_lapic's entry points (EINVAL if < 16). */
	if (level)
		(void)fbc_intr_level(t, vcpu, vector);
	else
		(void)fbc_intr_edge(t, vcpu, vector);
}

/* An MSI goes through vmm_lapic's decoding and vlapic's destination logic
 * (lapic_intr_msi -> vlapic_deliver_intr), the same in every API. */
static void fb_msi(void *arg, uint64_t addr, uint32_t data)
{
	struct vlf_fb_target *t = tgt(arg, 0, "msi");

	(void)fbc_intr_msi(t, 0, addr, data);
}

/* The 8259's INTR on the BSP's LINT0: vlapic_trigger_lvt() finds ExtINT mode
 * and calls vm_inject_extint(); svm_inj_interrupts() asks the 8259 (the
 * host's, through vatpic_pending_intr()) for the vector. */
static void fb_extint(void *arg)
{
	struct vlf_fb_target *t = tgt(arg, 0, "extint");

	(void)fbc_local_intr(t, 0, APIC_LVT_LINT0);
}

/* ------------------------------------------------------------------------ */
/* The svm_vmrun() loop, around the harness's VMRUN                          */

static void fb_prepare_entry(void *arg, int vcpu)
{
	struct vlf_fb_target *t = tgt(arg, vcpu, "prepare_entry");
	struct svm_vcpu *vcpustate = t->svcpu[vcpu];

	/* vm_run() runs the whole VMRUN loop in a critical section. */
	critical_enter();
	if (vcpustate->lastcpu != curcpu) {
		vcpustate->asid.gen = 0;
		fbc_set_dirty(t, vcpu, 0xffffffff);
		vcpustate->lastcpu = curcpu;
	}
	fbc_inj_interrupts(t, vcpu);
	fbc_get_vmcb_ctrl(t, vcpu)->vmcb_clean = vmcb_clean & ~vcpustate->dirty;
	vcpustate->dirty = 0;
	critical_exit();
}

/*
 * Exits whose svm_vmexit() handling would emulate an instruction from guest
 * registers the harness does not model; for those the harness emulates the
 * access itself (lapic_read/lapic_write), so only the common exit work runs.
 */
static int fb_exit_emulated_by_harness(uint64_t code)
{
	switch (code) {
	case VMCB_EXIT_MSR:
	case VMCB_EXIT_NPF:
	case VMCB_EXIT_IO:
	case VMCB_EXIT_CPUID:
		return 1;
	default:
		return 0;
	}
}

static void fb_handle_exit(void *arg, int vcpu)
{
	struct vlf_fb_target *t = tgt(arg, vcpu, "handle_exit");
	struct svm_vcpu *vcpustate = t->svcpu[vcpu];
	struct vmcb_state *state = fbc_get_vmcb_state(t, vcpu);
	struct vmcb_ctrl *ctrl = fbc_get_vmcb_ctrl(t, vcpu);
	struct vm_exit *vmexit = &t->m.ev[vcpu].exitinfo;

	critical_enter();
	/* What svm_vmrun() does right after VMRUN returns. */
	vcpustate->nextrip = state->rip;

	/* svm_vmexit() hands a machine check to the host with "int $18". */
	if (ctrl->exitcode == VMCB_EXIT_MC)
		panic("handle_exit: #MC exit cannot be handled in userspace");
	if (!fb_exit_emulated_by_harness(ctrl->exitcode)) {
		(void)fbc_vmexit(t, vcpu, vmexit);
	} else {
		/* svm_vmexit()'s common part, then the harness emulates. */
		vmexit->exitcode = VM_EXITCODE_BOGUS;
		vmexit->rip = state->rip;
		vmexit->inst_length =
		    nrip_valid(ctrl->exitcode) ? (int)(ctrl->nrip - state->rip) : 0;
		/* The same sanity checks svm_vmexit() makes on every exit. */
		if (ctrl->eventinj & VMCB_EVENTINJ_VALID)
			panic("handle_exit: EVENTINJ still valid at #VMEXIT (0x%lx)",
			      (unsigned long)ctrl->eventinj);
		if (vmexit->inst_length < 0 || vmexit->inst_length > 15)
			panic("handle_exit: instruction length %d out of 0..15 (exit code 0x%lx)",
			      vmexit->inst_length, (unsigned long)ctrl->exitcode);
		fbc_update_virqinfo(t, vcpu);
		fbc_save_intinfo(t, vcpu);
	}
	critical_exit();
}

/* ------------------------------------------------------------------------ */
/* The VMCB as the CPU sees it                                                */

static void fb_vmcb_load(void *arg, int vcpu, struct vlf_vmcb *out)
{
	struct vlf_fb_target *t = tgt(arg, vcpu, "vmcb_load");
	struct vmcb_ctrl *ctrl = fbc_get_vmcb_ctrl(t, vcpu);
	struct vmcb_state *state = fbc_get_vmcb_state(t, vcpu);

	memset(out, 0, sizeof(*out));
	out->v_irq = ctrl->v_irq;
	out->v_ign_tpr = ctrl->v_ign_tpr;
	out->v_intr_masking = ctrl->v_intr_masking;
	out->v_intr_prio = ctrl->v_intr_prio;
	out->v_intr_vector = ctrl->v_intr_vector;
	out->v_tpr = ctrl->v_tpr;
	out->intr_shadow = (uint8_t)ctrl->intr_shadow;
	out->intercept_vintr =
	    fbc_get_intercept(t, vcpu, VMCB_CTRL1_INTCPT, VMCB_INTCPT_VINTR) != 0;
	out->intercept_cr8_write = fbc_get_intercept(t, vcpu, VMCB_CR_INTCPT, BIT(8) << 16) != 0;
	out->intercept_iret = fbc_get_intercept(t, vcpu, VMCB_CTRL1_INTCPT, VMCB_INTCPT_IRET) != 0;
	out->eventinj = ctrl->eventinj;
	out->exitintinfo = ctrl->exitintinfo;
	out->exitcode = ctrl->exitcode;
	out->exitinfo1 = ctrl->exitinfo1;
	out->exitinfo2 = ctrl->exitinfo2;
	out->nrip = ctrl->nrip;
	out->rip = state->rip;
	out->rflags = state->rflags;
}

static void fb_vmcb_store(void *arg, int vcpu, const struct vlf_vmcb *in)
{
	struct vlf_fb_target *t = tgt(arg, vcpu, "vmcb_store");
	struct vmcb_ctrl *ctrl = fbc_get_vmcb_ctrl(t, vcpu);
	struct vmcb_state *state = fbc_get_vmcb_state(t, vcpu);

	ctrl->v_irq = in->v_irq & 1;
	ctrl->v_ign_tpr = in->v_ign_tpr & 1;
	ctrl->v_intr_masking = in->v_intr_masking & 1;
	ctrl->v_intr_prio = in->v_intr_prio & 0xf;
	ctrl->v_intr_vector = in->v_intr_vector;
	ctrl->v_tpr = in->v_tpr & 0xf;
	ctrl->intr_shadow = in->intr_shadow & 1;
	fbc_set_intercept(t, vcpu, VMCB_CTRL1_INTCPT, VMCB_INTCPT_VINTR, in->intercept_vintr != 0);
	fbc_set_intercept(t, vcpu, VMCB_CR_INTCPT, BIT(8) << 16, in->intercept_cr8_write != 0);
	fbc_set_intercept(t, vcpu, VMCB_CTRL1_INTCPT, VMCB_INTCPT_IRET, in->intercept_iret != 0);
	ctrl->eventinj = in->eventinj;
	ctrl->exitintinfo = in->exitintinfo;
	ctrl->exitcode = in->exitcode;
	ctrl->exitinfo1 = in->exitinfo1;
	ctrl->exitinfo2 = in->exitinfo2;
	ctrl->nrip = in->nrip;
	state->rip = in->rip;
	state->rflags = in->rflags;
}

/* ------------------------------------------------------------------------ */
/* Guest LAPIC accesses                                                       */

static uint64_t fb_lapic_read(void *arg, int vcpu, uint32_t offset)
{
	struct vlf_fb_target *t = tgt(arg, vcpu, "lapic_read");
	uint64_t val = 0;
	bool retu = false;

	if (t->cfg.apic == VLF_APIC_X2APIC) {
		/* In-kernel MSR emulation runs inside vm_run()'s critical section. */
		critical_enter();
		if (fbc_rdmsr(t, vcpu, VLF_X2APIC_MSR_BASE + offset / 16, &val, &retu) != 0)
			val = 0; /* bhyve would inject #GP */
		critical_exit();
	} else {
		if (fbc_mmio_read(t, vcpu, DEFAULT_APIC_BASE + offset, &val, 4, &retu) != 0)
			val = 0;
	}
	return val;
}

static void fb_lapic_write(void *arg, int vcpu, uint32_t offset, uint64_t val)
{
	struct vlf_fb_target *t = tgt(arg, vcpu, "lapic_write");
	bool retu = false;

	t->m.cur_vcpu = vcpu; /* for a tree whose vioapic_process_eoi() names no vCPU */
	if (t->cfg.apic == VLF_APIC_X2APIC) {
		critical_enter();
		(void)fbc_wrmsr(t, vcpu, VLF_X2APIC_MSR_BASE + offset / 16, val, &retu);
		critical_exit();
	} else {
		(void)fbc_mmio_write(t, vcpu, DEFAULT_APIC_BASE + offset, val, 4, &retu);
	}
	t->m.cur_vcpu = -1;
}

static void fb_cr8_write(void *arg, int vcpu, uint64_t val)
{
	struct vlf_fb_target *t = tgt(arg, vcpu, "cr8_write");

	critical_enter();
	fbc_set_cr8(t, vcpu, val);
	critical_exit();
}

/* ------------------------------------------------------------------------ */
/* Oracle's view                                                              */

static void fb_peek(void *arg, int vcpu, struct vlf_lapic_view *out)
{
	struct vlf_fb_target *t = tgt(arg, vcpu, "peek");
	const struct LAPIC *lapic = t->m.vlapic[vcpu]->apic_page;
	/* IRR/ISR/TMR words sit 16 bytes apart in the register page. */
	const uint32_t *irr = &lapic->irr0, *isr = &lapic->isr0, *tmr = &lapic->tmr0;
	int i;

	for (i = 0; i < 8; i++) {
		out->irr[i] = irr[i * 4];
		out->isr[i] = isr[i * 4];
		out->tmr[i] = tmr[i * 4];
	}
	out->tpr = (uint8_t)lapic->tpr;
	out->ppr = (uint8_t)lapic->ppr;
}

static int fb_has_pending(void *arg, int vcpu)
{
	struct vlf_fb_target *t = tgt(arg, vcpu, "has_pending");
	const struct vlf_fb_events *v = &t->m.ev[vcpu];
	const struct vmcb_ctrl *ctrl = fbc_get_vmcb_ctrl(t, vcpu);

	if ((v->exit_intinfo | v->exc_intinfo) & VM_INTINFO_VALID)
		return 1;
	if (v->nmi_pending || v->extint_pending)
		return 1;
	if (ctrl->eventinj & VMCB_EVENTINJ_VALID)
		return 1;
	return fbc_pending_intr(t, vcpu, NULL) != 0;
}

/* The vLAPIC timers run on the shim's virtual clock (callouts). */
static void fb_advance_time(void *arg, uint64_t ticks)
{
	struct vlf_fb_target *t = arg;

	vlf_kern_clock_advance((sbintime_t)ticks * t->sbt_per_tick);
}

/* ------------------------------------------------------------------------ */

void vlf_freebsd_advance_clock(void *t, uint64_t ns)
{
	(void)t;
	vlf_kern_clock_advance(nstosbt((int64_t)ns));
}

unsigned long vlf_freebsd_notify_count(void *arg, int vcpu)
{
	struct vlf_fb_target *t = tgt(arg, vcpu, "notify_count");

	return t->m.ev[vcpu].notify_count;
}

static const struct vlf_target_ops fb_ops = {
    .name = "freebsd-" VLF_FB_TREE_DESC,
    .create = fb_create,
    .destroy = fb_destroy,
    .reset = fb_reset,
    .post = fb_post,
    .msi = fb_msi,
    .extint = fb_extint,
    .prepare_entry = fb_prepare_entry,
    .handle_exit = fb_handle_exit,
    .vmcb_load = fb_vmcb_load,
    .vmcb_store = fb_vmcb_store,
    .lapic_read = fb_lapic_read,
    .lapic_write = fb_lapic_write,
    .cr8_write = fb_cr8_write,
    .peek = fb_peek,
    .has_pending = fb_has_pending,
    .advance_time = fb_advance_time,
    .set_tracing = fb_set_tracing,
};

const struct vlf_target_ops *vlf_target_get(void)
{
	return &fb_ops;
}
