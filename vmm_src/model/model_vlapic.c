#include "model_vlapic.h"

#include <string.h>

#include "bitmap256.h"
#include "model_vm.h"

void model_vlapic_reset(struct model_vlapic *l, struct model_vm *vm, int vcpu, int x2apic)
{
	memset(l, 0, sizeof(*l));
	l->vm = vm;
	l->vcpu = vcpu;
	l->x2apic = x2apic;
	l->virq_pending = -1;
}

int model_vlapic_set_intr_ready(struct model_vlapic *l, int vector, int level)
{
	if (vector < 16 || vector > 255) {
		l->esr |= MODEL_ESR_RECV_ILLEGAL;
		return 0;
	}
	if (level)
		bm_set(l->tmr, (unsigned)vector);
	else
		bm_clear(l->tmr, (unsigned)vector);
	bm_set(l->irr, (unsigned)vector);
	return 1;
}

void model_vlapic_update_ppr(struct model_vlapic *l)
{
	int isrv = bm_highest(l->isr);
	uint8_t isr_class = isrv < 0 ? 0 : (uint8_t)(isrv & 0xf0);

	l->ppr = (l->tpr & 0xf0) >= isr_class ? l->tpr : isr_class;
}

int model_vlapic_pending_intr(struct model_vlapic *l, int ignore_tpr)
{
	int v = bm_highest(l->irr);
	int isrv = bm_highest(l->isr);
	unsigned floor;

	if (v < 0)
		return -1;
	model_vlapic_update_ppr(l);
	floor = ignore_tpr ? (isrv < 0 ? 0u : (unsigned)isrv & 0xf0u) : l->ppr & 0xf0u;
	return ((unsigned)v & 0xf0u) > floor ? v : -1;
}

void model_vlapic_intr_accepted(struct model_vlapic *l, int vector)
{
	bm_clear(l->irr, (unsigned)vector);
	bm_set(l->isr, (unsigned)vector);
	model_vlapic_update_ppr(l);
}

static void eoi(struct model_vlapic *l)
{
	int v = bm_highest(l->isr);

	if (v < 0)
		return; /* an EOI with nothing in service is ignored */
	bm_clear(l->isr, (unsigned)v);
	model_vlapic_update_ppr(l);
	if (bm_test(l->tmr, (unsigned)v))
		model_vm_eoi_broadcast(l->vm, l->vcpu, v);
}

static void send_ipi(struct model_vlapic *l, uint64_t icr)
{
	unsigned vector = icr & 0xffu;
	unsigned mode = (icr >> 8) & 7u;
	unsigned shorthand = (icr >> 18) & 3u;
	unsigned dest = l->x2apic ? (unsigned)(icr >> 32) : (unsigned)(icr >> 56);
	int n = model_vm_nvcpus(l->vm);

	if (mode != 0)
		return; /* only fixed delivery is modelled */
	if (vector < 16) {
		l->esr |= MODEL_ESR_SEND_ILLEGAL;
		return;
	}
	for (int d = 0; d < n; d++) {
		int hit;

		switch (shorthand) {
		case 0:
			hit = (unsigned)d == dest;
			break;
		case 1:
			hit = d == l->vcpu;
			break;
		case 2:
			hit = 1;
			break;
		default:
			hit = d != l->vcpu;
			break;
		}
		if (hit)
			model_vm_post(l->vm, d, (int)vector, 0);
	}
}

static uint32_t word_of(const uint32_t *bm, uint32_t offset, uint32_t base)
{
	return bm[((offset - base) >> 4) & 7];
}

uint64_t model_vlapic_read(struct model_vlapic *l, uint32_t offset)
{
	if (offset >= VLF_LAPIC_ISR0 && offset < VLF_LAPIC_ISR0 + 0x80)
		return word_of(l->isr, offset, VLF_LAPIC_ISR0);
	if (offset >= VLF_LAPIC_TMR0 && offset < VLF_LAPIC_TMR0 + 0x80)
		return word_of(l->tmr, offset, VLF_LAPIC_TMR0);
	if (offset >= VLF_LAPIC_IRR0 && offset < VLF_LAPIC_IRR0 + 0x80)
		return word_of(l->irr, offset, VLF_LAPIC_IRR0);
	switch (offset) {
	case VLF_LAPIC_ID:
		return l->x2apic ? (uint64_t)l->vcpu : (uint64_t)l->vcpu << 24;
	case VLF_LAPIC_VERSION:
		return 0x00050014u; /* 6 LVT entries, integrated APIC */
	case VLF_LAPIC_TPR:
		return l->tpr;
	case VLF_LAPIC_PPR:
		model_vlapic_update_ppr(l);
		return l->ppr;
	case VLF_LAPIC_ESR:
		return l->esr;
	case VLF_LAPIC_ICR_LO:
		return l->x2apic ? l->icr : (uint32_t)l->icr;
	case VLF_LAPIC_ICR_HI:
		return l->icr_hi;
	default:
		return 0;
	}
}

void model_vlapic_write(struct model_vlapic *l, uint32_t offset, uint64_t val)
{
	switch (offset) {
	case VLF_LAPIC_TPR:
		l->tpr = (uint8_t)val;
		model_vlapic_update_ppr(l);
		break;
	case VLF_LAPIC_EOI:
		eoi(l);
		break;
	case VLF_LAPIC_ICR_HI:
		l->icr_hi = (uint32_t)val;
		break;
	case VLF_LAPIC_ICR_LO:
		if (l->x2apic)
			l->icr = val;
		else
			l->icr = (uint64_t)l->icr_hi << 32 | (uint32_t)val;
		send_ipi(l, l->icr);
		break;
	default:
		break;
	}
}

void model_vlapic_set_cr8(struct model_vlapic *l, uint64_t val)
{
	l->tpr = (uint8_t)((val & 0xfu) << 4);
	model_vlapic_update_ppr(l);
}

uint64_t model_vlapic_get_cr8(const struct model_vlapic *l)
{
	return l->tpr >> 4;
}
