#include "oracle.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bitmap256.h"

static const char *const inv_names[VLF_INV_COUNT] = {[VLF_INV_NONE] = "none",
#define VLF_X(e, id, name) [VLF_INV_##e] = name,
                                                     VLF_INVARIANTS(VLF_X)
#undef VLF_X
};

const char *vlf_invariant_name(enum vlf_invariant inv)
{
	return (unsigned)inv < VLF_INV_COUNT ? inv_names[inv] : "?";
}

static const char *const site_names[VLF_SITE_COUNT] = {
#define VLF_X(e, id, name, inv) [VLF_SITE_##e] = name,
    VLF_SITES(VLF_X)
#undef VLF_X
};

const char *vlf_site_name(enum vlf_site site)
{
	return (unsigned)site < VLF_SITE_COUNT ? site_names[site] : "?";
}

enum vlf_invariant vlf_site_invariant(enum vlf_site site)
{
	enum {
#define VLF_X(e, id, name) VLF_INV_ID_##id = VLF_INV_##e,
		VLF_INVARIANTS(VLF_X)
#undef VLF_X
	};
	static const enum vlf_invariant by_site[VLF_SITE_COUNT] = {
#define VLF_X(e, id, name, inv) [VLF_SITE_##e] = (enum vlf_invariant)VLF_INV_ID_##inv,
	    VLF_SITES(VLF_X)
#undef VLF_X
	};

	return (unsigned)site < VLF_SITE_COUNT ? by_site[site] : VLF_INV_NONE;
}

int vlf_sites_parse(const char *list, uint32_t *mask, char *bad, size_t badcap)
{
	const char *p = list;

	*mask = 0;
	while (*p) {
		size_t n = strcspn(p, ",");
		int found = 0;

		for (int i = 0; i < VLF_SITE_COUNT && n > 0; i++) {
			if (strlen(site_names[i]) == n && strncmp(p, site_names[i], n) == 0) {
				*mask |= 1u << i;
				found = 1;
			}
		}
		if (!found && n > 0) {
			snprintf(bad, badcap, "%.*s", (int)(n < 64 ? n : 64), p);
			return -1;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

/*
 * Only the first violation counts: later ones are usually its echoes. A
 * suppressed site is a known finding: it is counted and the run goes on,
 * which is sound for the sites that leave no state behind (a wrong read, a
 * wrong broadcast).
 */
__attribute__((format(printf, 5, 6))) static void fail(struct vlf_oracle *o, enum vlf_site site,
                                                       int vcpu, int vector, const char *fmt, ...)
{
	va_list ap;

	if (o->violated)
		return;
	if (o->suppress & (1u << site)) {
		o->suppressed++;
		return;
	}
	o->violated = 1;
	o->v.inv = vlf_site_invariant(site);
	o->v.site = site;
	o->v.vcpu = vcpu;
	o->v.vector = vector;
	va_start(ap, fmt);
	vsnprintf(o->v.detail, sizeof(o->v.detail), fmt, ap);
	va_end(ap);
}

void vlf_oracle_reset(struct vlf_oracle *o, const struct vlf_config *cfg)
{
	o->nvcpus = cfg->nvcpus;
	o->x2apic = cfg->apic == VLF_APIC_X2APIC;
	/*
	 * Without a CR8-write intercept the hypervisor cannot see a guest
	 * MOV CR8 that leaves the class unchanged, so TPR[3:0] (and the PPR
	 * bits derived from it) is unknowable to it: only the class is owed.
	 */
	o->tpr_mask = cfg->cr8_intercept ? 0xff : 0xf0;
	o->violated = 0;
	o->suppressed = 0;
	o->services = 0;
	o->outstanding = 0;
	memset(&o->v, 0, sizeof(o->v));
	for (int i = 0; i < VLF_MAX_VCPUS; i++) {
		struct vlf_oracle_vcpu *c = &o->cpu[i];

		/* Everything per vCPU starts at zero but these. */
		memset(c, 0, sizeof(*c));
		vlf_ref_reset(&c->ref);
		vlf_ref_timer_reset(&c->timer);
		c->interrupted = -1;
		c->ppr_before_accept = -1;
	}
	o->now = 0;
}

void vlf_oracle_post(struct vlf_oracle *o, int vcpu, unsigned vector, int level)
{
	struct vlf_oracle_vcpu *c = &o->cpu[vcpu];

	if (vlf_ref_accept(&c->ref, vector, level) == VLF_REF_ACCEPTED &&
	    c->posts[vector] < UINT16_MAX) {
		c->posts[vector]++;
		o->outstanding++;
	}
}

void vlf_oracle_set_tpr(struct vlf_oracle *o, int vcpu, uint8_t tpr)
{
	o->cpu[vcpu].ref.tpr = tpr;
}

void vlf_oracle_retired(struct vlf_oracle *o, int vcpu, int sti_shadow)
{
	o->cpu[vcpu].shadow = sti_shadow != 0;
}

void vlf_oracle_iret_resumed(struct vlf_oracle *o, int vcpu)
{
	o->cpu[vcpu].shadow = 1;
}

void vlf_oracle_vmrun(struct vlf_oracle *o, int vcpu)
{
	struct vlf_oracle_vcpu *c = &o->cpu[vcpu];

	c->nmi_due = c->nmi_latched || c->nmi_cut;
	/* The lowest vector of the classes above PPR's (16..256). */
	unsigned lo = (vlf_ref_ppr(&c->ref) & 0xf0u) + 16;

	for (unsigned w = 0; w < 8; w++) {
		uint32_t above;

		if (w * 32 + 32 <= lo)
			above = 0;
		else if (w * 32 >= lo)
			above = 0xffffffffu;
		else
			above = 0xffffffffu << (lo - w * 32);
		c->due[w] = c->ref.irr[w] & above;
	}
}

int vlf_oracle_overdue(const struct vlf_oracle *o, int vcpu, int rflags_if)
{
	const struct vlf_oracle_vcpu *c = &o->cpu[vcpu];
	int d;

	if (!rflags_if || c->shadow)
		return -1;
	d = bm_highest(c->due);
	if (d < 0 || ((unsigned)d & 0xf0u) <= (vlf_ref_ppr(&c->ref) & 0xf0u))
		return -1;
	return d;
}

void vlf_oracle_nmi_check_late(struct vlf_oracle *o, int vcpu)
{
	struct vlf_oracle_vcpu *c = &o->cpu[vcpu];
	int after_iret = c->nmi_unblocked;

	c->nmi_unblocked = 0;
	if (!after_iret || !c->nmi_due || !(c->nmi_latched || c->nmi_cut) || c->nmi_blocked ||
	    c->shadow)
		return;
	fail(o, VLF_SITE_NMI_LATE, vcpu, 2,
	     "an NMI pending since the last VMRUN and no longer blocked (an IRET ran) was not "
	     "delivered before the guest's next instruction");
}

void vlf_oracle_late(struct vlf_oracle *o, int vcpu, int vector)
{
	fail(o, VLF_SITE_LATE, vcpu, vector,
	     "pending above PPR (0x%02x) since the last VMRUN, yet the guest runs on with "
	     "RFLAGS.IF=1 and no shadow",
	     vlf_ref_ppr(&o->cpu[vcpu].ref));
}

void vlf_oracle_delivery(struct vlf_oracle *o, int vcpu, unsigned vector, int rflags_if, int shadow)
{
	struct vlf_oracle_vcpu *c = &o->cpu[vcpu];
	uint8_t ppr;

	if (c->interrupted == (int)vector) {
		/* Re-injection of a delivery a #VMEXIT cut: already in ISR. */
		c->interrupted = -1;
		return;
	}
	if (!bm_test(c->ref.irr, vector)) {
		fail(o, VLF_SITE_NOT_PENDING, vcpu, (int)vector,
		     "delivered with no request pending (posted %u, serviced %u)", c->posts[vector],
		     c->services[vector]);
		return;
	}
	if (!rflags_if || shadow || c->shadow) {
		fail(o, VLF_SITE_MASKED, vcpu, (int)vector,
		     "delivered while interrupts were blocked (RFLAGS.IF=%d, shadow=%d)", rflags_if,
		     shadow || c->shadow);
		return;
	}
	ppr = vlf_ref_ppr(&c->ref);
	if ((vector & 0xf0u) <= (ppr & 0xf0u)) {
		fail(o, VLF_SITE_BELOW_PPR, vcpu, (int)vector,
		     "delivered at priority class %u while PPR=0x%02x (TPR=0x%02x)", vector >> 4,
		     ppr, c->ref.tpr);
		return;
	}
	c->ppr_before_accept = ppr;
	c->tpr_at_accept = c->ref.tpr;
	vlf_ref_deliver(&c->ref, vector);
	bm_clear(c->due, vector);
}

void vlf_oracle_interrupted(struct vlf_oracle *o, int vcpu, unsigned vector)
{
	o->cpu[vcpu].interrupted = (int)vector;
}

void vlf_oracle_service(struct vlf_oracle *o, int vcpu, unsigned vector)
{
	struct vlf_oracle_vcpu *c = &o->cpu[vcpu];

	o->services++;
	if (c->services[vector] < UINT16_MAX)
		c->services[vector]++;
	if (c->services[vector] <= c->posts[vector])
		o->outstanding--;
	else
		fail(o, VLF_SITE_HANDLER_TWICE, vcpu, (int)vector,
		     "handler entered %u times for %u request(s)", c->services[vector],
		     c->posts[vector]);
}

void vlf_oracle_eoi(struct vlf_oracle *o, int vcpu, int retired, int broadcast)
{
	struct vlf_oracle_vcpu *c = &o->cpu[vcpu];
	int level;
	int want = vlf_ref_eoi(&c->ref);

	c->ppr_before_accept = -1;
	if (retired == -2) {
		fail(o, VLF_SITE_EOI_SEVERAL, vcpu, want,
		     "one EOI retired several in-service vectors");
		return;
	}
	if (retired != want) {
		if (want < 0)
			fail(o, VLF_SITE_EOI_NOTHING_IN_SERVICE, vcpu, retired,
			     "EOI with nothing in service retired vector 0x%02x", retired);
		else if (retired < 0)
			fail(o, VLF_SITE_EOI_NONE_RETIRED, vcpu, want,
			     "EOI should retire vector 0x%02x but retired none", want);
		else
			fail(o, VLF_SITE_EOI_WRONG_VECTOR, vcpu, want,
			     "EOI should retire vector 0x%02x but retired 0x%02x", want, retired);
		return;
	}
	level = want >= 0 && bm_test(c->ref.tmr, (unsigned)want);
	if (level && broadcast != want)
		fail(o, VLF_SITE_EOI_LEVEL_NOT_BROADCAST, vcpu, want,
		     "EOI of level-triggered vector 0x%02x not broadcast to the I/O APIC", want);
	else if (!level && broadcast >= 0)
		fail(o, VLF_SITE_EOI_EDGE_BROADCAST, vcpu, broadcast,
		     "EOI broadcast vector 0x%02x, but the retired vector is edge-triggered",
		     broadcast);
}

void vlf_oracle_set_ldr(struct vlf_oracle *o, int vcpu, uint8_t ldr)
{
	o->cpu[vcpu].ref.ldr = ldr;
}

void vlf_oracle_set_dfr(struct vlf_oracle *o, int vcpu, int cluster)
{
	o->cpu[vcpu].ref.cluster = (uint8_t)(cluster != 0);
}

int vlf_oracle_logical_match(const struct vlf_oracle *o, int vcpu, int x2apic, uint8_t mda)
{
	return vlf_ref_logical_match(&o->cpu[vcpu].ref, (unsigned)vcpu, x2apic, mda);
}

void vlf_oracle_timer_lvt(struct vlf_oracle *o, int vcpu, uint32_t lvt)
{
	o->cpu[vcpu].timer.lvt = lvt;
}

void vlf_oracle_timer_load(struct vlf_oracle *o, int vcpu, unsigned divide_log2, uint32_t count)
{
	vlf_ref_timer_set_divide(&o->cpu[vcpu].timer, divide_log2);
	vlf_ref_timer_load(&o->cpu[vcpu].timer, count, o->now);
}

void vlf_oracle_wait(struct vlf_oracle *o, uint64_t ticks, int raised[VLF_MAX_VCPUS])
{
	o->now += ticks;
	for (int i = 0; i < VLF_MAX_VCPUS; i++) {
		struct vlf_ref_timer *t = &o->cpu[i].timer;

		raised[i] = -1;
		/* Several expiries with no instruction between merge in IRR. */
		if (vlf_ref_timer_advance(t, o->now) > 0 && !(t->lvt & VLF_LVT_MASKED))
			raised[i] = (int)(t->lvt & 0xffu);
	}
}

static void read_ccr(struct vlf_oracle *o, int vcpu, uint64_t value)
{
	uint32_t lo, hi;

	vlf_ref_timer_ccr(&o->cpu[vcpu].timer, o->now, &lo, &hi);
	if (value >= lo && value <= hi)
		return;
	if (lo == hi)
		fail(o, VLF_SITE_READ_CCR, vcpu, -1,
		     "guest read the timer's current count = %llu, hardware would give %u",
		     (unsigned long long)value, lo);
	else
		fail(o, VLF_SITE_READ_CCR, vcpu, -1,
		     "guest read the timer's current count = %llu, hardware would give %u or %u",
		     (unsigned long long)value, lo, hi);
}

/*
 * The PPR a target that recomputes it only at EOI and TPR changes still holds
 * after an acceptance, or -1. A TPR that was changed and changed back (CR8
 * writes between two exits, unseen without an intercept) counts as unchanged,
 * and so does a change in the bits the hypervisor cannot know (tpr_mask).
 */
static int stale_ppr(const struct vlf_oracle *o, const struct vlf_oracle_vcpu *c)
{
	return c->ppr_before_accept >= 0 && ((c->ref.tpr ^ c->tpr_at_accept) & o->tpr_mask) == 0
	           ? c->ppr_before_accept
	           : -1;
}

static enum vlf_site read_site(enum vlf_read_reg reg, uint64_t value, uint64_t diff, int stale,
                               uint8_t mask)
{
	static const enum vlf_site by_reg[VLF_REG_COUNT] = {
	    [VLF_REG_IRR] = VLF_SITE_READ_IRR,         [VLF_REG_ISR] = VLF_SITE_READ_ISR,
	    [VLF_REG_TMR] = VLF_SITE_READ_TMR,         [VLF_REG_TPR] = VLF_SITE_READ_TPR,
	    [VLF_REG_PPR] = VLF_SITE_READ_PPR,         [VLF_REG_CR8] = VLF_SITE_READ_CR8,
	    [VLF_REG_CCR] = VLF_SITE_READ_CCR,         [VLF_REG_LDR] = VLF_SITE_READ_OTHER,
	    [VLF_REG_LVT_TIMER] = VLF_SITE_READ_OTHER, [VLF_REG_TMICT] = VLF_SITE_READ_OTHER,
	    [VLF_REG_ID] = VLF_SITE_READ_OTHER,
	};

	/* TMR bits that hardware cleared on an edge-triggered acceptance. */
	if (reg == VLF_REG_TMR && (diff & ~value) == 0)
		return VLF_SITE_READ_TMR_STALE;
	/* Only the sub-class bits differ: the priority class is right. */
	if (reg == VLF_REG_TPR && (diff & ~0xfull) == 0)
		return VLF_SITE_READ_TPR_SUBCLASS;
	if (reg == VLF_REG_PPR && (diff & ~0xfull) == 0)
		return VLF_SITE_READ_PPR_SUBCLASS;
	if (reg == VLF_REG_PPR && stale >= 0 && (value & mask) == ((unsigned)stale & mask))
		return VLF_SITE_READ_PPR_STALE;
	return by_reg[reg];
}

void vlf_oracle_read(struct vlf_oracle *o, int vcpu, enum vlf_read_reg reg, unsigned word,
                     uint64_t value)
{
	const struct vlf_ref_lapic *r = &o->cpu[vcpu].ref;
	uint64_t want = 0, mask = 0xffffffffu;

	switch (reg) {
	case VLF_REG_IRR:
		want = r->irr[word & 7];
		break;
	case VLF_REG_ISR:
		want = r->isr[word & 7];
		break;
	case VLF_REG_TMR:
		want = r->tmr[word & 7];
		break;
	case VLF_REG_TPR:
		want = r->tpr;
		mask = o->tpr_mask;
		break;
	case VLF_REG_PPR:
		want = vlf_ref_ppr(r);
		mask = o->tpr_mask;
		break;
	case VLF_REG_CR8:
		want = r->tpr >> 4;
		break;
	case VLF_REG_CCR:
		read_ccr(o, vcpu, value);
		return;
	case VLF_REG_LDR:
		/* x2APIC derives it from the ID: cluster, one member bit. */
		want = o->x2apic ? (uint64_t)(vcpu >> 4) << 16 | 1u << (vcpu & 0xf)
		                 : (uint64_t)r->ldr << 24;
		break;
	case VLF_REG_LVT_TIMER:
		want = o->cpu[vcpu].timer.lvt;
		break;
	case VLF_REG_TMICT:
		want = o->cpu[vcpu].timer.initial;
		break;
	case VLF_REG_ID:
		want = o->x2apic ? (uint64_t)vcpu : (uint64_t)vcpu << 24;
		break;
	default:
		return;
	}
	if ((value & mask) != (want & mask)) {
		int vec = -1;

		if (reg <= VLF_REG_TMR) {
			uint32_t diff = (uint32_t)(value ^ want);

			vec = (int)(word * 32 + (unsigned)__builtin_ctz(diff));
		}
		char what[16];

		if (reg <= VLF_REG_TMR)
			snprintf(what, sizeof(what), "%s[%u]", vlf_reg_name(reg), word & 7);
		else
			snprintf(what, sizeof(what), "%s", vlf_reg_name(reg));
		fail(o,
		     read_site(reg, value, (value ^ want) & mask, stale_ppr(o, &o->cpu[vcpu]),
		               (uint8_t)mask),
		     vcpu, vec, "guest read %s = 0x%llx, hardware would give 0x%llx", what,
		     (unsigned long long)value, (unsigned long long)want);
	}
}

void vlf_oracle_nmi_post(struct vlf_oracle *o, int vcpu)
{
	struct vlf_oracle_vcpu *c = &o->cpu[vcpu];

	/* A second NMI before the first is taken merges with it. */
	if (c->nmi_latched || c->nmi_posts == UINT16_MAX)
		return;
	c->nmi_latched = 1;
	c->nmi_posts++;
	o->outstanding++;
}

void vlf_oracle_nmi_delivery(struct vlf_oracle *o, int vcpu)
{
	struct vlf_oracle_vcpu *c = &o->cpu[vcpu];

	if (c->nmi_blocked) {
		fail(o, VLF_SITE_NMI_NESTED, vcpu, 2,
		     "NMI delivered after the previous one with no IRET in between");
		return;
	}
	c->nmi_due = 0;
	if (c->nmi_cut) {
		c->nmi_cut = 0;
	} else if (c->nmi_latched) {
		c->nmi_latched = 0;
	} else {
		fail(o, VLF_SITE_NMI_NOT_PENDING, vcpu, 2,
		     "NMI delivered with none pending (posted %u, serviced %u)", c->nmi_posts,
		     c->nmi_services);
		return;
	}
	c->nmi_blocked = 1;
}

void vlf_oracle_nmi_interrupted(struct vlf_oracle *o, int vcpu)
{
	struct vlf_oracle_vcpu *c = &o->cpu[vcpu];

	/* The handler never ran: the NMI is owed again, and not blocking. */
	c->nmi_blocked = 0;
	c->nmi_cut = 1;
}

void vlf_oracle_nmi_service(struct vlf_oracle *o, int vcpu)
{
	struct vlf_oracle_vcpu *c = &o->cpu[vcpu];

	o->services++;
	if (c->nmi_services < UINT16_MAX)
		c->nmi_services++;
	if (c->nmi_services <= c->nmi_posts)
		o->outstanding--;
	else
		fail(o, VLF_SITE_NMI_HANDLER_TWICE, vcpu, 2,
		     "NMI handler entered %u times for %u NMI(s)", c->nmi_services, c->nmi_posts);
}

void vlf_oracle_iret(struct vlf_oracle *o, int vcpu)
{
	struct vlf_oracle_vcpu *c = &o->cpu[vcpu];

	/* Only an NMI that waited for this IRET, known at the last VMRUN. */
	c->nmi_unblocked = c->nmi_blocked && c->nmi_due && (c->nmi_latched || c->nmi_cut);
	c->nmi_blocked = 0;
}

void vlf_oracle_extint_post(struct vlf_oracle *o, int vcpu)
{
	struct vlf_oracle_vcpu *c = &o->cpu[vcpu];

	if (c->extint_posts == UINT16_MAX)
		return;
	c->extint_posts++;
	o->outstanding++;
}

void vlf_oracle_extint_ack(struct vlf_oracle *o, int vcpu, int vector, int requested)
{
	struct vlf_oracle_vcpu *c = &o->cpu[vcpu];

	if (requested < 0 || vector != requested) {
		fail(o, VLF_SITE_EXTINT_NOT_PENDING, vcpu, vector,
		     "vector 0x%02x taken from the 8259, whose request is %s", vector & 0xff,
		     requested < 0 ? "none" : "another vector");
		return;
	}
	c->extint_acked = 1;
	c->extint_vector = (uint8_t)vector;
}

int vlf_oracle_is_extint(const struct vlf_oracle *o, int vcpu, unsigned vector)
{
	const struct vlf_oracle_vcpu *c = &o->cpu[vcpu];

	return (c->extint_acked || c->extint_cut) && vector == c->extint_vector;
}

void vlf_oracle_extint_delivery(struct vlf_oracle *o, int vcpu, int rflags_if, int shadow)
{
	struct vlf_oracle_vcpu *c = &o->cpu[vcpu];
	int cut = c->extint_cut;

	c->extint_acked = 0;
	c->extint_cut = 0;
	c->extint_delivering = 1;
	/* A re-injection after a cut completes a delivery that was allowed. */
	if (!cut && (!rflags_if || shadow || c->shadow))
		fail(o, VLF_SITE_MASKED, vcpu, c->extint_vector,
		     "ExtINT delivered while interrupts were blocked (RFLAGS.IF=%d, shadow=%d)",
		     rflags_if, shadow || c->shadow);
}

int vlf_oracle_extint_interrupted(struct vlf_oracle *o, int vcpu, unsigned vector)
{
	struct vlf_oracle_vcpu *c = &o->cpu[vcpu];

	if (!c->extint_delivering || vector != c->extint_vector)
		return 0;
	c->extint_delivering = 0;
	c->extint_cut = 1;
	return 1;
}

int vlf_oracle_extint_service(struct vlf_oracle *o, int vcpu)
{
	struct vlf_oracle_vcpu *c = &o->cpu[vcpu];

	if (!c->extint_delivering)
		return 0;
	c->extint_delivering = 0;
	o->services++;
	if (c->extint_services < UINT16_MAX)
		c->extint_services++;
	if (c->extint_services <= c->extint_posts)
		o->outstanding--;
	else
		fail(o, VLF_SITE_EXTINT_TWICE, vcpu, c->extint_vector,
		     "ExtINT handler entered %u times for %u request(s)", c->extint_services,
		     c->extint_posts);
	return 1;
}

void vlf_oracle_finish(struct vlf_oracle *o)
{
	if (o->outstanding == 0)
		return;
	for (int i = 0; i < o->nvcpus && !o->violated; i++) {
		struct vlf_oracle_vcpu *c = &o->cpu[i];

		if (c->extint_services < c->extint_posts) {
			fail(
			    o, VLF_SITE_EXTINT_LOST, i, -1,
			    "%u ExtINT request(s) from the 8259, ExtINT handler entered %u time(s)",
			    c->extint_posts, c->extint_services);
			break;
		}
		if (c->nmi_services < c->nmi_posts) {
			fail(o, VLF_SITE_NMI_LOST, i, 2,
			     "%u NMI(s) posted without coalescing, NMI handler entered %u time(s)",
			     c->nmi_posts, c->nmi_services);
			break;
		}

		for (int v = 255; v >= 16; v--) {
			if (c->services[v] < c->posts[v]) {
				fail(o, VLF_SITE_LOST, i, v,
				     "posted %u time(s) without coalescing, serviced %u time(s)",
				     c->posts[v], c->services[v]);
				break;
			}
		}
	}
}
