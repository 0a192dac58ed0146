/*
 * SVM interrupt injection, three ways (the policies of FreeBSD bug 215972
 * and its two proposed fixes), written from the AMD APM, vol. 2, 15.20-15.21.
 */
#include <string.h>

#include "model_vm.h"

void model_svm_init_vmcb(struct model_vm *vm, int vcpu)
{
	struct vlf_vmcb *c = &vm->vcpu[vcpu].vmcb;

	memset(c, 0, sizeof(*c));
	/* Guest CR8 is V_TPR; the host's own TPR stays untouched. */
	c->v_intr_masking = 1;
	c->intercept_cr8_write = (uint8_t)(vm->cfg.cr8_intercept != 0);
}

static void clear_virq(struct vlf_vmcb *c)
{
	c->v_irq = 0;
	c->v_intr_vector = 0;
	c->v_intr_prio = 0;
	c->v_ign_tpr = 0;
}

/* Ask for a #VMEXIT as soon as the guest can take an interrupt. */
static void open_window(struct vlf_vmcb *c)
{
#ifdef VLF_BUG_NO_WINDOW
	/* Seeded bug: no interrupt window is requested, so a vector held back
	 * by IF=0 or the shadow waits for some unrelated #VMEXIT. */
	(void)c;
#else
	c->v_irq = 1;
#ifdef VLF_BUG_WINDOW_HONOURS_TPR
	/* Seeded bug: the window's V_IRQ is left subject to the TPR check
	 * (V_IGN_TPR=0); at priority 0 it never fires. */
	c->v_ign_tpr = 0;
#else
	c->v_ign_tpr = 1;
#endif
	c->v_intr_vector = 0;
	c->v_intr_prio = 0;
	c->intercept_vintr = 1;
#endif
}

static void close_window(struct vlf_vmcb *c)
{
#ifndef VLF_BUG_WINDOW_KEEPS_VIRQ
	/* Seeded bug WINDOW_KEEPS_VIRQ drops this: the window's V_IRQ (vector
	 * 0, V_IGN_TPR=1) outlives its intercept, and the CPU delivers it. */
	if (c->intercept_vintr)
		clear_virq(c);
#endif
	c->intercept_vintr = 0;
}

static void program_virq(struct vlf_vmcb *c, int vector)
{
	c->v_irq = 1;
	c->v_ign_tpr = 0;
	c->v_intr_vector = (uint8_t)vector;
	c->v_intr_prio = (uint8_t)(vector >> 4);
}

/* An event cut by the last #VMEXIT goes back in before anything else. */
static int reinject_cut_event(struct model_vcpu *vc)
{
	if (!(vc->exit_intinfo & VLF_EVT_VALID))
		return 0;
#ifdef VLF_BUG_EXITINTINFO_DROPPED
	/* Seeded bug: the event a #VMEXIT cut (EXITINTINFO) is dropped instead
	 * of re-injected; it is in ISR already, its handler never runs. */
	vc->exit_intinfo = 0;
	return 0;
#else
	vc->vmcb.eventinj = vc->exit_intinfo;
	vc->exit_intinfo = 0;
	return 1;
#endif
}

/* May EVENTINJ carry a new external interrupt at this VMRUN? */
static int can_inject(const struct vlf_vmcb *c)
{
	int if_off = !(c->rflags & VLF_RFLAGS_IF);
	int shadow = c->intr_shadow != 0;
	int busy = (c->eventinj & VLF_EVT_VALID) != 0;

#ifdef VLF_BUG_INJECT_IGNORES_IF
	/* Seeded bug: RFLAGS.IF is not checked before EVENTINJ (which the
	 * CPU delivers regardless). */
	if_off = 0;
#endif
#ifdef VLF_BUG_INJECT_IN_SHADOW
	/* Seeded bug: the STI interrupt shadow is not checked before
	 * EVENTINJ. */
	shadow = 0;
#endif
#ifdef VLF_BUG_EVENTINJ_OVERWRITE
	/* Seeded bug: a new vector overwrites EVENTINJ while it still holds
	 * the re-injection of a cut event, which is then lost. */
	busy = 0;
#endif
	return !if_off && !shadow && !busy;
}

/*
 * An NMI goes in through EVENTINJ. SVM does not mask NMIs for the guest, so
 * until the handler's IRET (intercepted) no other NMI may be injected.
 * Returns 1 if a pending NMI had to wait for the guest.
 */
static int inject_nmi(struct model_vcpu *vc)
{
	struct vlf_vmcb *c = &vc->vmcb;

	if (!vc->nmi_pending)
		return 0;
#ifndef VLF_BUG_NMI_IGNORES_BLOCKING
	/* Seeded bug NMI_IGNORES_BLOCKING drops this: a second NMI is injected
	 * while the first one's handler still runs. */
	if (c->intercept_iret)
		return 0; /* the IRET exit brings us back */
#endif
	if (c->intr_shadow || (c->eventinj & VLF_EVT_VALID))
		return 1;
	c->eventinj = VLF_EVT_MAKE(2, VLF_EVT_TYPE_NMI);
	vc->nmi_pending = 0;
	c->intercept_iret = 1;
	return 0;
}

/*
 * An ExtINT goes in through EVENTINJ in every policy (V_IRQ is for the
 * vLAPIC's vectors), before the vLAPIC's: the vector comes from the 8259 at
 * INTA. Returns 1 if it had to wait for the guest.
 */
static int inject_extint(struct model_vm *vm, struct model_vcpu *vc)
{
	struct vlf_vmcb *c = &vc->vmcb;
	int vec;

	if (!vc->extint_pending)
		return 0;
#if defined(VLF_BUG_EXTINT_IGNORES_IF)
	/* Seeded bug: the ExtINT goes in whatever RFLAGS.IF says. */
	if (c->intr_shadow || (c->eventinj & VLF_EVT_VALID))
		return 1;
#elif defined(VLF_BUG_EXTINT_DROPPED_WHEN_BLOCKED)
	/* Seeded bug: the request is forgotten when it cannot go in now. */
	if (!can_inject(c)) {
		vc->extint_pending = 0;
		return 0;
	}
#else
	if (!can_inject(c))
		return 1;
#endif
	vec = vm->host->pic_vector(vm->host->ctx);
	if (vec < 0)
		vec = VLF_PIC_SPURIOUS;
	c->eventinj = VLF_EVT_MAKE((unsigned)vec, VLF_EVT_TYPE_INTR);
	vm->host->pic_accepted(vm->host->ctx, vec);
	vc->extint_pending = 0;
	return 0;
}

void model_svm_prepare_entry(struct model_vm *vm, int vcpu)
{
	struct model_vcpu *vc = &vm->vcpu[vcpu];
	struct vlf_vmcb *c = &vc->vmcb;
	struct model_vlapic *l = &vc->vlapic;
	int vec, nmi_waits, extint_waits;

	/* A stale interrupt shadow must not outlive the emulated instruction. */
#if defined(VLF_BUG_SHADOW_DROPPED)
	/* Seeded bug: the shadow is dropped at every VMRUN, also when the
	 * guest resumes right after its STI. */
	c->intr_shadow = 0;
#elif defined(VLF_BUG_STALE_SHADOW_KEPT)
	/* Seeded bug: the shadow saved at #VMEXIT is kept after the host
	 * emulated (skipped) the very instruction it covered. */
#else
	if (c->rip != vc->exit_rip)
		c->intr_shadow = 0;
#endif
	if (vc->nmi_singlestep) {
		/* Nothing goes in before the single-stepped IRET has run. */
		c->v_tpr = (uint8_t)model_vlapic_get_cr8(l);
		vc->entry_v_tpr = c->v_tpr;
		return;
	}
	reinject_cut_event(vc);
	nmi_waits = inject_nmi(vc);
	extint_waits = inject_extint(vm, vc);

	switch (vm->cfg.policy) {
	case VLF_POLICY_VIRQ:
		/* Before 2018: the hardware decides when; IRR->ISR waits for
		 * the next #VMEXIT. */
		vec = model_vlapic_pending_intr(l, 0);
		if (vec >= 0)
			program_virq(c, vec);
		break;
	case VLF_POLICY_VIRQ_PENDING:
		/* D13781: park the vector outside IRR while V_IRQ holds it;
		 * TPR is left to the hardware's V_TPR check. */
		vec = model_vlapic_pending_intr(l, 1);
		if (vec >= 0) {
			l->irr[vec >> 5] &= ~(1u << (vec & 31));
			l->virq_pending = vec;
			program_virq(c, vec);
		}
		break;
	default:
		/* D13780: inject and accept at once, or wait for a window. */
		vec = model_vlapic_pending_intr(l, 0);
		if (vec < 0) {
			close_window(c);
			break;
		}
		if (!can_inject(c)) {
			open_window(c);
			break;
		}
		c->eventinj = VLF_EVT_MAKE(vec, VLF_EVT_TYPE_INTR);
		model_vlapic_intr_accepted(l, vec);
		close_window(c);
		break;
	}
	/* The window exit comes as soon as the shadow or the event is gone
	 * (and IF=1: SVM has no NMI window of its own). */
	if ((nmi_waits || extint_waits) && vm->cfg.policy == VLF_POLICY_EVENTINJ)
		open_window(c);
#ifndef VLF_BUG_VTPR_NOT_SYNCED
	/* Seeded bug VTPR_NOT_SYNCED drops this: V_TPR is not refreshed from
	 * the vLAPIC at entry, so after a LAPIC TPR write (or an intercepted
	 * CR8 write) the guest's CR8 still shows the old class. */
	c->v_tpr = (uint8_t)model_vlapic_get_cr8(l);
#endif
	vc->entry_v_tpr = c->v_tpr;
}

void model_svm_handle_exit(struct model_vm *vm, int vcpu)
{
	struct model_vcpu *vc = &vm->vcpu[vcpu];
	struct vlf_vmcb *c = &vc->vmcb;
	struct model_vlapic *l = &vc->vlapic;

	vc->exit_rip = c->rip;
	/* A guest MOV CR8 that we did not intercept shows up only here. */
#if defined(VLF_BUG_CR8_NOT_COPIED_BACK)
	/* Seeded bug: a guest CR8 change (V_TPR at exit) is not copied back
	 * to the vLAPIC's TPR, which keeps the old priority. */
#elif defined(VLF_BUG_VTPR_COPYBACK_ALWAYS)
	/* Seeded bug: V_TPR is copied back at every exit, changed or not,
	 * wiping TPR[3:0] that the guest wrote through the LAPIC. */
	model_vlapic_set_cr8(l, c->v_tpr);
#else
	if (c->v_tpr != vc->entry_v_tpr)
		model_vlapic_set_cr8(l, c->v_tpr);
#endif

	switch (vm->cfg.policy) {
	case VLF_POLICY_VIRQ:
		if (c->v_intr_vector != 0 && !c->v_irq)
			model_vlapic_intr_accepted(l, c->v_intr_vector);
		clear_virq(c);
		break;
	case VLF_POLICY_VIRQ_PENDING:
		if (l->virq_pending >= 0) {
			if (!c->v_irq)
				l->isr[l->virq_pending >> 5] |= 1u << (l->virq_pending & 31);
#ifndef VLF_BUG_VIRQ_PENDING_DROPPED
			/* Seeded bug VIRQ_PENDING_DROPPED drops this: a parked
			 * vector the guest did not take is not returned to IRR. */
			else
				l->irr[l->virq_pending >> 5] |= 1u << (l->virq_pending & 31);
#endif
			l->virq_pending = -1;
			model_vlapic_update_ppr(l);
		}
		clear_virq(c);
		break;
	default:
		if (c->exitcode == VLF_EXIT_VINTR)
			close_window(c);
		break;
	}
	if (c->exitcode == VLF_EXIT_IRET) {
		/*
		 * The NMI handler is returning: NMIs may go in again, but only
		 * once the IRET has run. Single-step it (TF, #DB intercepted),
		 * as KVM does: an interrupt shadow and an interrupt window
		 * would hold the NMI until the guest sets IF, which it may not.
		 */
		c->intercept_iret = 0;
#ifndef VLF_BUG_NMI_IRET_NO_SHADOW
		/* Seeded bug NMI_IRET_NO_SHADOW drops this: the next NMI goes in
		 * at the VMRUN that resumes the IRET, before the IRET has run. */
		c->rflags |= VLF_RFLAGS_TF;
		c->intercept_db = 1;
		vc->nmi_singlestep = 1;
#endif
	}
	if (c->exitcode == VLF_EXIT_EXCP_DB && vc->nmi_singlestep) {
		c->rflags &= ~VLF_RFLAGS_TF;
		c->intercept_db = 0;
		vc->nmi_singlestep = 0;
	}
	if (c->exitintinfo & VLF_EVT_VALID)
		vc->exit_intinfo = c->exitintinfo;
	c->exitintinfo = 0;
}
