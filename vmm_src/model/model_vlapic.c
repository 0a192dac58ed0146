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
	l->dfr = 0xffffffffu;
	model_timer_reset(&l->timer);
}

int model_vlapic_set_intr_ready(struct model_vlapic *l, int vector, int level)
{
#ifdef VLF_BUG_ILLEGAL_VECTOR_ACCEPTED
	/* Seeded bug: vectors 0-15 are not rejected (no receive-illegal-vector
	 * ESR error): they land in IRR and reach the guest. */
	if (vector > 255) {
#else
	if (vector < 16 || vector > 255) {
#endif
		l->esr |= MODEL_ESR_RECV_ILLEGAL;
		return 0;
	}
#ifdef VLF_BUG_TMR_FIRST_TRIGGER_WINS
	/* Seeded bug: a request that merges with a pending one keeps the
	 * pending one's trigger mode; the newest should win (SDM 11.8.4). */
	if (bm_test(l->irr, (unsigned)vector))
		level = bm_test(l->tmr, (unsigned)vector);
#endif
#ifdef VLF_BUG_TMR_NOT_SET
	/* Seeded bug: the trigger mode is dropped, every vector is taken as
	 * edge: TMR stays clear and a level EOI never reaches the I/O APIC. */
	(void)level;
	bm_clear(l->tmr, (unsigned)vector);
#else
	if (level)
		bm_set(l->tmr, (unsigned)vector);
	else
		bm_clear(l->tmr, (unsigned)vector);
#endif
	bm_set(l->irr, (unsigned)vector);
	return 1;
}

void model_vlapic_update_ppr(struct model_vlapic *l)
{
	int isrv = bm_highest(l->isr);
	uint8_t isr_class = isrv < 0 ? 0 : (uint8_t)(isrv & 0xf0);

#ifdef VLF_BUG_PPR_IGNORES_ISR
	/* Seeded bug: PPR is TPR alone; the in-service class does not block
	 * lower or equal classes. */
	(void)isr_class;
	l->ppr = l->tpr;
#elif defined(VLF_BUG_PPR_TPR_TIE)
	/* Seeded bug: '>' for '>=': when TPR's class equals the in-service
	 * class, PPR takes the class alone and loses TPR[3:0]. */
	l->ppr = (l->tpr & 0xf0) > isr_class ? l->tpr : isr_class;
#else
	l->ppr = (l->tpr & 0xf0) >= isr_class ? l->tpr : isr_class;
#endif
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
#ifdef VLF_BUG_PRIORITY_BY_VECTOR
	/* Seeded bug: the vector is compared with PPR, not its class with
	 * PPR's class: 0x45 passes PPR 0x40 although both are class 4. */
	return (unsigned)v > floor ? v : -1;
#else
	return ((unsigned)v & 0xf0u) > floor ? v : -1;
#endif
}

void model_vlapic_intr_accepted(struct model_vlapic *l, int vector)
{
#ifndef VLF_BUG_ACCEPTED_STAYS_IN_IRR
	/* Seeded bug ACCEPTED_STAYS_IN_IRR drops this: the accepted vector
	 * goes to ISR but stays in IRR, and is delivered a second time. */
	bm_clear(l->irr, (unsigned)vector);
#endif
	bm_set(l->isr, (unsigned)vector);
	model_vlapic_update_ppr(l);
}

#ifdef VLF_BUG_EOI_LOWEST
static int bm_lowest(const uint32_t *bm)
{
	for (int w = 0; w < 8; w++)
		if (bm[w])
			return w * 32 + __builtin_ctz(bm[w]);
	return -1;
}
#endif

static void eoi(struct model_vlapic *l)
{
#ifdef VLF_BUG_EOI_LOWEST
	/* Seeded bug: EOI retires the lowest in-service vector instead of the
	 * highest (an ISR scan in the wrong direction). */
	int v = bm_lowest(l->isr);
#else
	int v = bm_highest(l->isr);
#endif

	if (v < 0)
		return; /* an EOI with nothing in service is ignored */
	bm_clear(l->isr, (unsigned)v);
	model_vlapic_update_ppr(l);
#ifndef VLF_BUG_EOI_NO_BROADCAST
	/* Seeded bug EOI_NO_BROADCAST drops this: a level-triggered EOI never
	 * reaches the I/O APIC, whose Remote IRR then stays set. */
	if (bm_test(l->tmr, (unsigned)v))
		model_vm_eoi_broadcast(l->vm, l->vcpu, v);
#endif
}

/* Is this vLAPIC among a logical destination (Intel SDM vol. 3, 11.6.2.2)? */
int model_vlapic_logical_hit(const struct model_vlapic *l, uint32_t dest)
{
	uint32_t id, cl, bits;

	if (l->x2apic) {
		if (dest == 0xffffffffu)
			return 1;
		id = (uint32_t)l->vcpu;
		return (dest >> 16) == (id >> 4) && ((dest & 0xffffu) >> (id & 0xfu)) & 1u;
	}
	dest &= 0xffu;
	if (dest == 0xffu)
		return 1;
	id = l->ldr >> 24;
	if ((l->dfr >> 28) == 0xfu)
		return (id & dest) != 0;
	cl = dest >> 4;
	bits = dest & 0xfu;
	return cl == id >> 4 && (bits & id) != 0;
}

static void send_ipi(struct model_vlapic *l, uint64_t icr)
{
	unsigned vector = icr & 0xffu;
	unsigned mode = (icr >> 8) & 7u;
	unsigned shorthand = (icr >> 18) & 3u;
	unsigned dest = l->x2apic ? (unsigned)(icr >> 32) : (unsigned)(icr >> 56);
	int n = model_vm_nvcpus(l->vm);

	if (mode != 0 && mode != 4)
		return; /* fixed and NMI delivery are modelled */
#ifndef VLF_BUG_ILLEGAL_VECTOR_ACCEPTED
	/* Seeded bug ILLEGAL_VECTOR_ACCEPTED drops this too (send side). */
	if (mode == 0 && vector < 16) {
		l->esr |= MODEL_ESR_SEND_ILLEGAL;
		return;
	}
#endif
	for (int d = 0; d < n; d++) {
		int hit;

		switch (shorthand) {
		case 0:
			if (icr & VLF_ICR_DEST_LOGICAL)
				hit = model_vlapic_logical_hit(model_vm_vlapic(l->vm, d), dest);
			else
				hit = (unsigned)d == dest;
			break;
		case 1:
#ifdef VLF_BUG_SELF_IPI_WRONG_VCPU
			/* Seeded bug: the self shorthand goes to the ICR's
			 * destination field, not to the sender. */
			hit = (unsigned)d == dest;
#else
			hit = d == l->vcpu;
#endif
			break;
		case 2:
			hit = 1;
			break;
		default:
#ifdef VLF_BUG_ALL_BUT_SELF_INCLUDES_SELF
			/* Seeded bug: all-excluding-self is treated as
			 * all-including-self. */
			hit = 1;
#else
			hit = d != l->vcpu;
#endif
			break;
		}
		if (hit && mode == 4)
			model_vm_nmi(l->vm, d);
		else if (hit)
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
	case VLF_LAPIC_LDR:
		return l->x2apic ? (uint32_t)(l->vcpu >> 4) << 16 | 1u << (l->vcpu & 0xf) : l->ldr;
	case VLF_LAPIC_DFR:
		return l->dfr;
	case VLF_LAPIC_LVT_TIMER:
		return l->timer.lvt;
	case VLF_LAPIC_TIMER_ICR:
		return l->timer.initial;
	case VLF_LAPIC_TIMER_CCR:
		return model_timer_ccr(&l->timer);
	case VLF_LAPIC_TIMER_DCR:
		return l->timer.dcr;
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
	case VLF_LAPIC_LDR:
		if (!l->x2apic)
			l->ldr = (uint32_t)val & 0xff000000u;
		break;
	case VLF_LAPIC_DFR:
		if (!l->x2apic)
			l->dfr = (uint32_t)val | 0x0fffffffu; /* bits 27:0 read as 1s */
		break;
	case VLF_LAPIC_SELF_IPI:
		if (l->x2apic)
			send_ipi(l, (val & 0xffu) | 1u << 18); /* fixed, shorthand self */
		break;
	case VLF_LAPIC_LVT_TIMER:
		/* vector, mask and the one-shot/periodic mode bit */
		l->timer.lvt = (uint32_t)val & (0xffu | VLF_LVT_MASKED | VLF_LVT_PERIODIC);
		break;
	case VLF_LAPIC_TIMER_ICR:
		model_timer_write_icr(&l->timer, (uint32_t)val);
		break;
	case VLF_LAPIC_TIMER_DCR:
		l->timer.dcr = (uint32_t)val & 0xbu;
		break;
	default:
		break;
	}
}

void model_vlapic_advance_time(struct model_vlapic *l, uint64_t ticks)
{
	if (!model_timer_advance(&l->timer, ticks) || (l->timer.lvt & VLF_LVT_MASKED))
		return;
	model_vm_post(l->vm, l->vcpu, (int)(l->timer.lvt & 0xffu), 0);
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
