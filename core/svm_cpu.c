#include "svm_cpu.h"

#include <string.h>

void vlf_cpu_reset(struct vlf_cpu *c)
{
	memset(c, 0, sizeof(*c));
	c->delivering = -1;
}

static void begin_delivery(struct vlf_cpu *c, uint64_t evt)
{
	c->delivering = (int)VLF_EVT_VECTOR(evt);
	c->delivering_evt = evt & ~(VLF_EVT_EV | (0xffffffffull << 32));
	c->delivering_if = (uint8_t)vlf_cpu_if(c);
}

enum vlf_cpu_event vlf_cpu_boundary(struct vlf_cpu *c)
{
	struct vlf_vmcb *v = &c->vmcb;

	if (!c->in_guest || c->delivering >= 0 || !v->v_irq)
		return VLF_CPU_NOTHING;
	if (!vlf_cpu_if(c) || v->intr_shadow)
		return VLF_CPU_NOTHING;
	if (!v->v_ign_tpr && (v->v_intr_prio & 0xf) <= (v->v_tpr & 0xf))
		return VLF_CPU_NOTHING;
	/* The intercept is checked before the interrupt is acknowledged. */
	if (v->intercept_vintr)
		return VLF_CPU_VINTR;
	v->v_irq = 0;
	begin_delivery(c, VLF_EVT_MAKE(v->v_intr_vector, VLF_EVT_TYPE_INTR));
	return VLF_CPU_DELIVERY;
}

enum vlf_cpu_event vlf_cpu_vmrun(struct vlf_cpu *c)
{
	c->in_guest = 1;
	c->delivering = -1;
	if (c->vmcb.eventinj & VLF_EVT_VALID) {
		/* Injected events ignore IF, TPR and the shadow: the
		 * hypervisor is trusted to have checked them. */
		begin_delivery(c, c->vmcb.eventinj);
		c->vmcb.eventinj = 0;
		return VLF_CPU_DELIVERY;
	}
	return vlf_cpu_boundary(c);
}

int vlf_cpu_enter_handler(struct vlf_cpu *c, int *saved_if)
{
	int vec = c->delivering;

	if (vec < 0)
		return -1;
	*saved_if = c->delivering_if;
	c->delivering = -1;
	/* Interrupt gates clear IF; the shadow cannot survive a delivery. */
	c->vmcb.rflags &= ~VLF_RFLAGS_IF;
	c->vmcb.intr_shadow = 0;
	return vec;
}

void vlf_cpu_retire(struct vlf_cpu *c, unsigned len)
{
	c->vmcb.rip += len;
	c->vmcb.intr_shadow = 0;
}

int vlf_cpu_exit(struct vlf_cpu *c, uint64_t exitcode, unsigned nrip_len)
{
	struct vlf_vmcb *v = &c->vmcb;
	int cut = -1;

	v->exitcode = exitcode;
	v->exitinfo1 = 0;
	v->exitinfo2 = 0;
	v->exitintinfo = 0;
	v->nrip = v->rip + nrip_len;
	if (c->delivering >= 0) {
		cut = c->delivering;
		v->exitintinfo = c->delivering_evt | VLF_EVT_VALID;
		c->delivering = -1;
	}
	c->in_guest = 0;
	return cut;
}
