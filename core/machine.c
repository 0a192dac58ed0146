#include "machine.h"

#include <stdlib.h>
#include <string.h>

#include "bitmap256.h"
#include "trace.h"

/* Instruction lengths only matter for RIP bookkeeping; plausible values. */
#define LEN_NOP     1u
#define LEN_STI     1u
#define LEN_MOV_CR8 4u
#define LEN_MMIO    6u
#define LEN_MSR     2u
#define LEN_HLT     1u
#define LEN_IO      1u
#define LEN_IRET    1u

#define GUEST_RIP0        0x1000u
#define DRAIN_ROUNDS_MAX  600
#define DRAIN_IDLE_ROUNDS 3

static void on_eoi_broadcast(void *ctx, int vcpu, int vector)
{
	struct vlf_machine *m = ctx;

	(void)vcpu;
	m->eoi_broadcast = vector;
	m->eoi_broadcasts++;
}

static void on_target_trace(void *ctx, int vcpu, const char *msg)
{
	struct vlf_machine *m = ctx;

	VLF_TRACE(m, vcpu, "target: %s", msg);
}

static int on_pic_vector(void *ctx)
{
	return ((struct vlf_machine *)ctx)->pic_request;
}

/* INTA: the 8259 hands its vector over (auto-EOI: nothing else to do). */
static void on_pic_accepted(void *ctx, int vector)
{
	struct vlf_machine *m = ctx;

	VLF_TRACE(m, 0, "8259: INTA takes vector 0x%02x%s", vector & 0xff,
	          m->pic_request < 0 ? " (no request: spurious)" : "");
	vlf_oracle_extint_ack(&m->oracle, 0, vector, m->pic_request);
	m->pic_request = -1;
}

struct vlf_machine *vlf_machine_new(const struct vlf_target_ops *ops, const char **err)
{
	struct vlf_machine *m = calloc(1, sizeof(*m));
	struct vlf_config cfg = {
	    .nvcpus = VLF_MAX_VCPUS, .policy = VLF_POLICY_EVENTINJ, .apic = VLF_APIC_XAPIC};

	if (m == NULL) {
		*err = "out of memory";
		return NULL;
	}
	m->ops = ops;
	m->host.ctx = m;
	m->host.eoi_broadcast = on_eoi_broadcast;
	m->host.trace = on_target_trace;
	m->host.pic_vector = on_pic_vector;
	m->host.pic_accepted = on_pic_accepted;
	m->pic_request = -1;
	m->t = ops->create(&cfg, &m->host, err);
	if (m->t == NULL) {
		free(m);
		return NULL;
	}
	return m;
}

void vlf_machine_free(struct vlf_machine *m)
{
	if (m == NULL)
		return;
	m->ops->destroy(m->t);
	free(m);
}

void vlf_machine_set_trace(struct vlf_machine *m, FILE *f, int timeline)
{
	m->trace = f;
	m->timeline = timeline;
	if (m->ops->set_tracing)
		m->ops->set_tracing(m->t, f != NULL);
}

const struct vlf_violation *vlf_machine_violation(const struct vlf_machine *m)
{
	return m->oracle.violated ? &m->oracle.v : NULL;
}

void vlf_machine_set_suppress(struct vlf_machine *m, uint32_t sites)
{
	m->oracle.suppress = sites;
}

void vlf_machine_set_latency(struct vlf_machine *m, struct vlf_latency *lat)
{
	m->lat = lat;
}

/* A request the reference did not coalesce starts its latency clock. */
static void post(struct vlf_machine *m, int v, unsigned vector, int level)
{
	int fresh =
	    m->lat && vector >= 16 && vector < 256 && !bm_test(m->oracle.cpu[v].ref.irr, vector);

	vlf_oracle_post(&m->oracle, v, vector, level);
	if (fresh) {
		m->posted_vmruns[v][vector] = m->vmruns;
		m->posted_insns[v][vector] = m->insns;
	}
}

static void sample_latency(struct vlf_machine *m, int v, unsigned vector)
{
	struct vlf_latency *l = m->lat;

	if (l->n == l->cap || !bm_test(m->oracle.cpu[v].ref.irr, vector) ||
	    m->oracle.cpu[v].interrupted == (int)vector)
		return;
	l->vmruns[l->n] = (uint32_t)(m->vmruns - m->posted_vmruns[v][vector]);
	l->insns[l->n] = (uint32_t)(m->insns - m->posted_insns[v][vector]);
	l->n++;
}

unsigned vlf_machine_suppressed(const struct vlf_machine *m)
{
	return m->oracle.suppressed;
}

void vlf_violation_print(const struct vlf_violation *v, FILE *f)
{
	fprintf(f, "VIOLATION %s vcpu=%d", vlf_invariant_name(v->inv), v->vcpu);
	if (v->vector >= 0)
		fprintf(f, " vector=0x%02x", v->vector);
	fprintf(f, ": %s [%s]\n", v->detail, vlf_site_name(v->site));
}

static int broken(const struct vlf_machine *m)
{
	return m->oracle.violated;
}

static void reset(struct vlf_machine *m, const struct vlf_config *cfg)
{
	m->cfg = *cfg;
	m->pic_request = -1;
	m->ops->reset(m->t, cfg);
	vlf_oracle_reset(&m->oracle, cfg);
	m->step = 0;
	m->draining = 0;
	m->vmruns = 0;
	m->insns = 0;
	for (int i = 0; i < VLF_MAX_VCPUS; i++) {
		struct vlf_vmcb vmcb;

		vlf_cpu_reset(&m->cpu[i]);
		m->guest[i].depth = 0;
		if (i >= cfg->nvcpus)
			continue;
		/* The guest starts where an OS idles: IF=1, TPR=0. */
		m->ops->vmcb_load(m->t, i, &vmcb);
		vmcb.rip = GUEST_RIP0;
		vmcb.rflags = VLF_RFLAGS_IF | 0x2u;
		vmcb.intr_shadow = 0;
		m->ops->vmcb_store(m->t, i, &vmcb);
	}
}

static int evt_is_intr(uint64_t evt)
{
	return VLF_EVT_TYPE(evt) == VLF_EVT_TYPE_INTR;
}

static int evt_is_nmi(uint64_t evt)
{
	return VLF_EVT_TYPE(evt) == VLF_EVT_TYPE_NMI;
}

static void do_exit(struct vlf_machine *m, int v, uint64_t code, unsigned len);

/* React to what the CPU did at VMRUN or at an instruction boundary. */
static void cpu_event(struct vlf_machine *m, int v, enum vlf_cpu_event ev, int from_eventinj)
{
	struct vlf_cpu *c = &m->cpu[v];

	if (ev == VLF_CPU_DELIVERY) {
		if (m->trace) {
			char e[24];

			VLF_TRACE(m, v, "delivery of %s begins: %s",
			          vlf_evt_str(c->delivering_evt | VLF_EVT_VALID, e, sizeof(e)),
			          from_eventinj ? "EVENTINJ at VMRUN"
			                        : "the guest takes V_IRQ, no #VMEXIT");
		}
		if (evt_is_intr(c->delivering_evt) && m->lat)
			sample_latency(m, v, (unsigned)c->delivering);
		if (evt_is_intr(c->delivering_evt) && from_eventinj &&
		    vlf_oracle_is_extint(&m->oracle, v, (unsigned)c->delivering))
			vlf_oracle_extint_delivery(&m->oracle, v, vlf_cpu_if(c),
			                           c->vmcb.intr_shadow);
		else if (evt_is_intr(c->delivering_evt))
			vlf_oracle_delivery(&m->oracle, v, (unsigned)c->delivering, vlf_cpu_if(c),
			                    c->vmcb.intr_shadow);
		else if (evt_is_nmi(c->delivering_evt))
			vlf_oracle_nmi_delivery(&m->oracle, v);
	} else if (ev == VLF_CPU_VINTR) {
		VLF_TRACE(m, v, "virtual interrupt hits the VINTR intercept");
		do_exit(m, v, VLF_EXIT_VINTR, 0);
	}
}

static void vmrun(struct vlf_machine *m, int v)
{
	struct vlf_cpu *c = &m->cpu[v];
	int inj;
	enum vlf_cpu_event ev;
	char evt[24];

	m->vmruns++;
	vlf_oracle_vmrun(&m->oracle, v);
	m->ops->prepare_entry(m->t, v);
	m->ops->vmcb_load(m->t, v, &c->vmcb);
	inj = (c->vmcb.eventinj & VLF_EVT_VALID) != 0;
	VLF_TRACE(m, v,
	          "VMRUN: EVENTINJ=%s V_IRQ=%u V_INTR_VECTOR=0x%02x V_INTR_PRIO=%u "
	          "V_IGN_TPR=%u V_TPR=%u VINTR-intercept=%u IRET-intercept=%u IF=%d shadow=%u",
	          vlf_evt_str(c->vmcb.eventinj, evt, sizeof(evt)), c->vmcb.v_irq,
	          c->vmcb.v_intr_vector, c->vmcb.v_intr_prio, c->vmcb.v_ign_tpr, c->vmcb.v_tpr,
	          c->vmcb.intercept_vintr, c->vmcb.intercept_iret, vlf_cpu_if(c),
	          c->vmcb.intr_shadow);
	ev = vlf_cpu_vmrun(c);
	cpu_event(m, v, ev, inj);
}

static void ensure_guest(struct vlf_machine *m, int v)
{
	if (!m->cpu[v].in_guest)
		vmrun(m, v);
}

/* The guest executes its next instruction: first, a pending handler starts. */
static void enter_handler(struct vlf_machine *m, int v)
{
	struct vlf_cpu *c = &m->cpu[v];
	struct vlf_guest *g = &m->guest[v];
	uint64_t evt = c->delivering_evt;
	int saved_if, vec;

	vec = vlf_cpu_enter_handler(c, &saved_if);
	if (vec < 0)
		return;
	VLF_TRACE(m, v, "%s handler for 0x%02x entered", evt_is_nmi(evt) ? "NMI" : "interrupt",
	          vec);
	if (evt_is_intr(evt) && vlf_oracle_extint_service(&m->oracle, v))
		VLF_TRACE(m, v, "(the ExtINT's)");
	else if (evt_is_intr(evt))
		vlf_oracle_service(&m->oracle, v, (unsigned)vec);
	else if (evt_is_nmi(evt))
		vlf_oracle_nmi_service(&m->oracle, v);
	else
		return;
	if (g->depth < VLF_GUEST_DEPTH) {
		g->vector[g->depth] = (uint8_t)vec;
		g->saved_if[g->depth] = (uint8_t)saved_if;
		g->nmi[g->depth] = (uint8_t)evt_is_nmi(evt);
		g->depth++;
	}
}

/*
 * The guest's next instruction starts (its handler, if any, entered first).
 * Hardware would have taken an interrupt the hypervisor knew of at VMRUN
 * before it: if the target still holds such a vector, it is late.
 */
static void begin_insn(struct vlf_machine *m, int v)
{
	struct vlf_cpu *c = &m->cpu[v];
	struct vlf_lapic_view view;
	int late;

	m->insns++;
	enter_handler(m, v);
	vlf_oracle_nmi_check_late(&m->oracle, v);
	late = vlf_oracle_overdue(&m->oracle, v, vlf_cpu_if(c));
	if (late < 0)
		return;
	m->ops->peek(m->t, v, &view);
	if (bm_test(view.irr, (unsigned)late))
		vlf_oracle_late(&m->oracle, v, late);
}

static void boundary(struct vlf_machine *m, int v)
{
	cpu_event(m, v, vlf_cpu_boundary(&m->cpu[v]), 0);
}

static void do_exit(struct vlf_machine *m, int v, uint64_t code, unsigned len)
{
	struct vlf_cpu *c = &m->cpu[v];
	uint64_t evt = c->delivering_evt;
	int cut = vlf_cpu_exit(c, code, len);
	char info[24];

	VLF_TRACE(m, v, "#VMEXIT %s: EXITINTINFO=%s V_IRQ=%u V_TPR=%u IF=%d shadow=%u",
	          vlf_exitcode_name(code), vlf_evt_str(c->vmcb.exitintinfo, info, sizeof(info)),
	          c->vmcb.v_irq, c->vmcb.v_tpr, vlf_cpu_if(c), c->vmcb.intr_shadow);
	if (cut >= 0 && evt_is_intr(evt) &&
	    !vlf_oracle_extint_interrupted(&m->oracle, v, (unsigned)cut))
		vlf_oracle_interrupted(&m->oracle, v, (unsigned)cut);
	else if (cut >= 0 && evt_is_nmi(evt))
		vlf_oracle_nmi_interrupted(&m->oracle, v);
	m->ops->vmcb_store(m->t, v, &c->vmcb);
	m->ops->handle_exit(m->t, v);
}

/* The host finished emulating the intercepted instruction. */
static void skip_instruction(struct vlf_machine *m, int v)
{
	struct vlf_vmcb vmcb;

	m->ops->vmcb_load(m->t, v, &vmcb);
	vmcb.rip = m->cpu[v].vmcb.nrip;
	m->ops->vmcb_store(m->t, v, &vmcb);
	vlf_oracle_retired(&m->oracle, v, 0);
}

/* A guest instruction that does not leave the guest. */
static void guest_insn(struct vlf_machine *m, int v, enum vlf_op_kind kind)
{
	struct vlf_cpu *c = &m->cpu[v];
	struct vlf_guest *g = &m->guest[v];
	int set_shadow = 0, single_step;

	ensure_guest(m, v);
	if (!c->in_guest || broken(m))
		return;
	begin_insn(m, v);
	/* TF at the start of an instruction means a #DB trap after it. */
	single_step = (c->vmcb.rflags & VLF_RFLAGS_TF) != 0;
	switch (kind) {
	case VLF_OP_STI:
		/* STI delays interrupts by one instruction only if IF was 0. */
		set_shadow = !vlf_cpu_if(c);
		c->vmcb.rflags |= VLF_RFLAGS_IF;
		break;
	case VLF_OP_CLI:
		c->vmcb.rflags &= ~VLF_RFLAGS_IF;
		break;
	case VLF_OP_ACK:
		if (g->depth > 0)
			VLF_TRACE(m, v, "handler of 0x%02x acknowledges its sender",
			          g->vector[g->depth - 1]);
		break;
	case VLF_OP_IRET:
		vlf_oracle_iret(&m->oracle, v);
		if (g->depth > 0) {
			g->depth--;
			if (g->saved_if[g->depth])
				c->vmcb.rflags |= VLF_RFLAGS_IF;
			else
				c->vmcb.rflags &= ~VLF_RFLAGS_IF;
		}
		/* The guest itself never single-steps: the frame holds TF=0. */
		c->vmcb.rflags &= ~VLF_RFLAGS_TF;
		break;
	default:
		break;
	}
	vlf_cpu_retire(c, kind == VLF_OP_STI ? LEN_STI : LEN_NOP);
	c->vmcb.intr_shadow = (uint8_t)set_shadow;
	vlf_oracle_retired(&m->oracle, v, set_shadow);
	/* The single-step trap comes before any interrupt (SDM 6.9). */
	if (single_step && c->vmcb.intercept_db) {
		do_exit(m, v, VLF_EXIT_EXCP_DB, 0);
		return;
	}
	boundary(m, v);
}

/*
 * IRET, intercepted first if the hypervisor asked (its way of learning that
 * an NMI handler ended): the host resumes the guest at the same IRET, which
 * then runs, after whatever the VMRUN delivered.
 */
static void op_iret(struct vlf_machine *m, int v)
{
	struct vlf_cpu *c = &m->cpu[v];

	ensure_guest(m, v);
	if (!c->in_guest || broken(m))
		return;
	if (c->vmcb.intercept_iret) {
		begin_insn(m, v);
		do_exit(m, v, VLF_EXIT_IRET, LEN_IRET);
		vlf_oracle_iret_resumed(&m->oracle, v);
	}
	guest_insn(m, v, VLF_OP_IRET);
}

/* A LAPIC access traps: MMIO (#NPF) in xAPIC mode, MSR in x2APIC mode. */
static int lapic_trap(struct vlf_machine *m, int v)
{
	int x2 = m->cfg.apic == VLF_APIC_X2APIC;

	ensure_guest(m, v);
	if (!m->cpu[v].in_guest || broken(m))
		return 0;
	begin_insn(m, v);
	do_exit(m, v, x2 ? VLF_EXIT_MSR : VLF_EXIT_NPF, x2 ? LEN_MSR : LEN_MMIO);
	return !broken(m);
}

static void op_tpr(struct vlf_machine *m, int v, uint8_t tpr)
{
	if (!lapic_trap(m, v))
		return;
	vlf_oracle_set_tpr(&m->oracle, v, tpr);
	m->ops->lapic_write(m->t, v, VLF_LAPIC_TPR, tpr);
	skip_instruction(m, v);
}

static void op_cr8(struct vlf_machine *m, int v, uint8_t val)
{
	struct vlf_cpu *c = &m->cpu[v];

	ensure_guest(m, v);
	if (!c->in_guest || broken(m))
		return;
	begin_insn(m, v);
	vlf_oracle_set_tpr(&m->oracle, v, (uint8_t)(val << 4));
	if (c->vmcb.intercept_cr8_write) {
		do_exit(m, v, VLF_EXIT_CR8_WRITE, LEN_MOV_CR8);
		if (broken(m))
			return;
		m->ops->cr8_write(m->t, v, val);
		skip_instruction(m, v);
		return;
	}
	/* With V_INTR_MASKING the write lands in V_TPR alone. */
	c->vmcb.v_tpr = val;
	vlf_cpu_retire(c, LEN_MOV_CR8);
	vlf_oracle_retired(&m->oracle, v, 0);
	boundary(m, v);
}

static int isr_retired(const struct vlf_lapic_view *before, const struct vlf_lapic_view *after)
{
	int found = -1;

	for (int w = 0; w < 8; w++) {
		uint32_t gone = before->isr[w] & ~after->isr[w];

		if (gone == 0)
			continue;
		if (found >= 0 || (gone & (gone - 1)))
			return -2;
		found = w * 32 + __builtin_ctz(gone);
	}
	return found;
}

static void op_eoi(struct vlf_machine *m, int v)
{
	struct vlf_lapic_view before, after;
	int retired;

	if (!lapic_trap(m, v))
		return;
	m->ops->peek(m->t, v, &before);
	m->eoi_broadcast = -1;
	m->eoi_broadcasts = 0;
	m->ops->lapic_write(m->t, v, VLF_LAPIC_EOI, 0);
	m->ops->peek(m->t, v, &after);
	retired = isr_retired(&before, &after);
	if (m->trace) {
		char r[16], b[16];

		vlf_vector_str(retired, r, sizeof(r));
		vlf_vector_str(m->eoi_broadcasts ? m->eoi_broadcast : -1, b, sizeof(b));
		VLF_TRACE(m, v, "EOI retires %s from the target's ISR; I/O APIC broadcast: %s", r,
		          b);
	}
	vlf_oracle_eoi(&m->oracle, v, retired, m->eoi_broadcasts > 1 ? -3 : m->eoi_broadcast);
	skip_instruction(m, v);
}

static uint32_t reg_offset(enum vlf_read_reg reg, unsigned word)
{
	switch (reg) {
	case VLF_REG_IRR:
		return VLF_LAPIC_IRR0 + 0x10u * word;
	case VLF_REG_ISR:
		return VLF_LAPIC_ISR0 + 0x10u * word;
	case VLF_REG_TMR:
		return VLF_LAPIC_TMR0 + 0x10u * word;
	case VLF_REG_TPR:
		return VLF_LAPIC_TPR;
	case VLF_REG_CCR:
		return VLF_LAPIC_TIMER_CCR;
	case VLF_REG_LDR:
		return VLF_LAPIC_LDR;
	case VLF_REG_LVT_TIMER:
		return VLF_LAPIC_LVT_TIMER;
	case VLF_REG_TMICT:
		return VLF_LAPIC_TIMER_ICR;
	case VLF_REG_ID:
		return VLF_LAPIC_ID;
	default:
		return VLF_LAPIC_PPR;
	}
}

static void op_read(struct vlf_machine *m, int v, const struct vlf_op *op)
{
	struct vlf_cpu *c = &m->cpu[v];
	uint64_t val;

	if (op->reg == VLF_REG_CR8) {
		ensure_guest(m, v);
		if (!c->in_guest || broken(m))
			return;
		begin_insn(m, v);
		val = c->vmcb.v_tpr & 0xfu;
		VLF_TRACE(m, v, "CR8 reads %llu", (unsigned long long)val);
		vlf_oracle_read(&m->oracle, v, VLF_REG_CR8, 0, val);
		vlf_cpu_retire(c, LEN_MOV_CR8);
		vlf_oracle_retired(&m->oracle, v, 0);
		boundary(m, v);
		return;
	}
	if (!lapic_trap(m, v))
		return;
	val = m->ops->lapic_read(m->t, v, reg_offset(op->reg, op->word));
	VLF_TRACE(m, v, "%s read gives 0x%llx", vlf_reg_name(op->reg), (unsigned long long)val);
	vlf_oracle_read(&m->oracle, v, op->reg, op->word, val);
	skip_instruction(m, v);
}

/* x2APIC's SELF IPI register: a fixed, edge self-IPI in one MSR write. */
static void op_self_ipi(struct vlf_machine *m, int v, const struct vlf_op *op)
{
	if (!lapic_trap(m, v))
		return;
	m->ops->lapic_write(m->t, v, VLF_LAPIC_SELF_IPI, op->vector);
	post(m, v, op->vector, 0);
	skip_instruction(m, v);
}

static void op_ipi_logical(struct vlf_machine *m, int v, const struct vlf_op *op)
{
	int x2 = m->cfg.apic == VLF_APIC_X2APIC;
	uint64_t lo = op->vector | VLF_ICR_DEST_LOGICAL | 1u << 14 /* assert */;

	if (!x2) {
		if (!lapic_trap(m, v))
			return;
		m->ops->lapic_write(m->t, v, VLF_LAPIC_ICR_HI, (uint64_t)op->mda << 24);
		skip_instruction(m, v);
		if (!lapic_trap(m, v))
			return;
		m->ops->lapic_write(m->t, v, VLF_LAPIC_ICR_LO, lo);
	} else {
		if (!lapic_trap(m, v))
			return;
		m->ops->lapic_write(m->t, v, VLF_LAPIC_ICR_LO,
		                    lo | (uint64_t)vlf_x2apic_logical_dest(op->mda) << 32);
	}
	for (int d = 0; d < m->cfg.nvcpus; d++)
		if (vlf_oracle_logical_match(&m->oracle, d, x2, op->mda))
			post(m, d, op->vector, 0);
	skip_instruction(m, v);
}

/*
 * Which destination took a lowest-priority MSI, as the target's state shows
 * it: an IRR bit that appeared; else, the request having merged with one
 * already pending, a TMR bit the edge-triggered acceptance cleared; else a
 * vCPU that held it already where the reference's TMR says edge too (a merge
 * that changes nothing there); else any that held it. -1: nobody took it.
 */
static int lowest_taker(struct vlf_machine *m, const int *dests, int n, unsigned vector,
                        const uint8_t *had_irr, const uint8_t *had_tmr)
{
	int appeared = -1, cleared = -1, quiet = -1, held = -1;
	struct vlf_lapic_view view;

	for (int i = 0; i < n; i++) {
		int d = dests[i];

		m->ops->peek(m->t, d, &view);
		if (bm_test(view.irr, vector) && !had_irr[i] && appeared < 0)
			appeared = d;
		if (had_irr[i] && had_tmr[i] && !bm_test(view.tmr, vector) && cleared < 0)
			cleared = d;
		if (had_irr[i] && !bm_test(m->oracle.cpu[d].ref.tmr, vector) && quiet < 0)
			quiet = d;
		if (had_irr[i] && held < 0)
			held = d;
	}
	return appeared >= 0 ? appeared : cleared >= 0 ? cleared : quiet >= 0 ? quiet : held;
}

/*
 * An MSI from a device. Fixed delivery reaches every destination; lowest
 * priority exactly one of them, of the target's choosing (arbitration is
 * model-specific, Intel SDM vol. 3, 11.6.2.4), which the reference follows.
 * If none took it, the request was dropped and the reference keeps it on the
 * first destination, where the drain finds it lost.
 */
static void op_msi(struct vlf_machine *m, const struct vlf_op *op)
{
	uint64_t addr = VLF_MSI_ADDR_BASE | (uint64_t)op->mda << 12;
	uint32_t data = op->vector | (op->lowest ? VLF_MSI_DATA_LOWPRIO : 0u);
	int dests[VLF_MAX_VCPUS], n = 0, pick;
	uint8_t had_irr[VLF_MAX_VCPUS], had_tmr[VLF_MAX_VCPUS];
	struct vlf_lapic_view view;

	if (op->msi_logical)
		addr |= VLF_MSI_ADDR_RH | VLF_MSI_ADDR_DM;
	for (int d = 0; d < m->cfg.nvcpus; d++) {
		int hit = op->msi_logical ? vlf_oracle_logical_match(&m->oracle, d, 0, op->mda)
		                          : op->mda == 0xff || op->mda == d;

		if (hit)
			dests[n++] = d;
	}
	for (int i = 0; op->lowest && i < n; i++) {
		m->ops->peek(m->t, dests[i], &view);
		had_irr[i] = (uint8_t)bm_test(view.irr, op->vector);
		had_tmr[i] = (uint8_t)bm_test(view.tmr, op->vector);
	}
	m->ops->msi(m->t, addr, data);
	if (!op->lowest) {
		for (int i = 0; i < n; i++)
			post(m, dests[i], op->vector, 0);
		return;
	}
	if (n == 0)
		return;
	pick = lowest_taker(m, dests, n, op->vector, had_irr, had_tmr);
	if (pick < 0)
		pick = dests[0];
	VLF_TRACE(m, pick, "lowest-priority MSI 0x%02x taken by vcpu%d", op->vector, pick);
	post(m, pick, op->vector, 0);
}

/* The 8259 holds one request; another before its INTA merges with it. */
static void op_extint(struct vlf_machine *m, const struct vlf_op *op)
{
	if (m->pic_request >= 0) {
		VLF_TRACE(m, 0, "8259: request 0x%02x merges with the pending 0x%02x", op->vector,
		          m->pic_request);
		return;
	}
	m->pic_request = op->vector;
	vlf_oracle_extint_post(&m->oracle, 0);
	m->ops->extint(m->t);
}

/* LDR and DFR are xAPIC registers (read-only and absent in x2APIC mode). */
static void op_ldr(struct vlf_machine *m, int v, const struct vlf_op *op)
{
	if (m->cfg.apic == VLF_APIC_X2APIC || !lapic_trap(m, v))
		return;
	m->ops->lapic_write(m->t, v, VLF_LAPIC_LDR, (uint64_t)op->value << 24);
	vlf_oracle_set_ldr(&m->oracle, v, op->value);
	skip_instruction(m, v);
}

static void op_dfr(struct vlf_machine *m, const struct vlf_op *op)
{
	if (m->cfg.apic == VLF_APIC_X2APIC)
		return;
	for (int v = 0; v < m->cfg.nvcpus; v++) {
		if (!lapic_trap(m, v))
			return;
		m->ops->lapic_write(m->t, v, VLF_LAPIC_DFR,
		                    op->value ? VLF_DFR_CLUSTER : VLF_DFR_FLAT);
		vlf_oracle_set_dfr(&m->oracle, v, op->value);
		skip_instruction(m, v);
	}
}

static void op_ipi(struct vlf_machine *m, int v, const struct vlf_op *op)
{
	int nmi = op->kind == VLF_OP_NMI;
	/* delivery mode 100b is NMI; its vector field is ignored */
	uint64_t lo =
	    (nmi ? 4u << 8 : op->vector) | 1u << 14 /* assert */ | (uint64_t)op->dest << 18;
	unsigned dest = op->dest == VLF_IPI_DEST ? op->dest_vcpu : 0;

	if (m->cfg.apic == VLF_APIC_XAPIC) {
		if (!lapic_trap(m, v))
			return;
		m->ops->lapic_write(m->t, v, VLF_LAPIC_ICR_HI, (uint64_t)dest << 24);
		skip_instruction(m, v);
		if (!lapic_trap(m, v))
			return;
		m->ops->lapic_write(m->t, v, VLF_LAPIC_ICR_LO, lo);
	} else {
		if (!lapic_trap(m, v))
			return;
		m->ops->lapic_write(m->t, v, VLF_LAPIC_ICR_LO, lo | (uint64_t)dest << 32);
	}
	for (int d = 0; d < m->cfg.nvcpus; d++) {
		int hit = op->dest == VLF_IPI_DEST   ? d == (int)dest
		          : op->dest == VLF_IPI_SELF ? d == v
		          : op->dest == VLF_IPI_ALL  ? 1
		                                     : d != v;
		if (hit && nmi)
			vlf_oracle_nmi_post(&m->oracle, d);
		else if (hit)
			post(m, d, op->vector, 0);
	}
	skip_instruction(m, v);
}

static void op_lvt(struct vlf_machine *m, int v, const struct vlf_op *op)
{
	uint32_t lvt =
	    op->vector | (op->masked ? VLF_LVT_MASKED : 0) | (op->periodic ? VLF_LVT_PERIODIC : 0);

	if (!lapic_trap(m, v))
		return;
	m->ops->lapic_write(m->t, v, VLF_LAPIC_LVT_TIMER, lvt);
	vlf_oracle_timer_lvt(&m->oracle, v, lvt);
	skip_instruction(m, v);
}

/* DCR first, so that the new divider only ever applies to a fresh count. */
static void op_tmict(struct vlf_machine *m, int v, const struct vlf_op *op)
{
	if (!lapic_trap(m, v))
		return;
	m->ops->lapic_write(m->t, v, VLF_LAPIC_TIMER_DCR, vlf_dcr_encode(op->divide_log2));
	skip_instruction(m, v);
	if (!lapic_trap(m, v))
		return;
	m->ops->lapic_write(m->t, v, VLF_LAPIC_TIMER_ICR, op->count);
	vlf_oracle_timer_load(&m->oracle, v, op->divide_log2, op->count);
	skip_instruction(m, v);
}

static void op_wait(struct vlf_machine *m, const struct vlf_op *op)
{
	int raised[VLF_MAX_VCPUS];

	m->ops->advance_time(m->t, op->count);
	vlf_oracle_wait(&m->oracle, op->count, raised);
	for (int v = 0; v < m->cfg.nvcpus; v++) {
		if (raised[v] < 0)
			continue;
		VLF_TRACE(m, v, "the timer expires: vector 0x%02x", raised[v]);
		post(m, v, (unsigned)raised[v], 0);
	}
}

static void op_exit(struct vlf_machine *m, int v, const struct vlf_op *op)
{
	struct vlf_cpu *c = &m->cpu[v];
	int cut_delivery;

	ensure_guest(m, v);
	if (!c->in_guest || broken(m))
		return;
	cut_delivery = op->during_delivery && c->delivering >= 0;
	if (!cut_delivery)
		enter_handler(m, v);
	if (cut_delivery || op->reason != VLF_EXITR_IO) {
		/* Asynchronous, or a fault taken while vectoring: no RIP advance. */
		do_exit(m, v, op->reason == VLF_EXITR_INTR ? VLF_EXIT_INTR : VLF_EXIT_NPF, 0);
		return;
	}
	do_exit(m, v, VLF_EXIT_IOIO, LEN_IO);
	if (!broken(m))
		skip_instruction(m, v);
}

static void op_hlt(struct vlf_machine *m, int v)
{
	ensure_guest(m, v);
	if (!m->cpu[v].in_guest || broken(m))
		return;
	begin_insn(m, v);
	do_exit(m, v, VLF_EXIT_HLT, LEN_HLT);
	if (!broken(m))
		skip_instruction(m, v);
}

static void exec_op(struct vlf_machine *m, const struct vlf_op *op)
{
	int v = op->vcpu;

	switch ((enum vlf_op_kind)op->kind) {
	case VLF_OP_RUN:
		if (!m->cpu[v].in_guest) {
			vmrun(m, v);
			break;
		}
		guest_insn(m, v, VLF_OP_NOP);
		break;
	case VLF_OP_NOP:
	case VLF_OP_STI:
	case VLF_OP_CLI:
	case VLF_OP_ACK:
		guest_insn(m, v, (enum vlf_op_kind)op->kind);
		break;
	case VLF_OP_IRET:
		op_iret(m, v);
		break;
	case VLF_OP_CR8:
		op_cr8(m, v, op->value);
		break;
	case VLF_OP_TPR:
		op_tpr(m, v, op->value);
		break;
	case VLF_OP_EOI:
		op_eoi(m, v);
		break;
	case VLF_OP_READ:
		op_read(m, v, op);
		break;
	case VLF_OP_HLT:
		op_hlt(m, v);
		break;
	case VLF_OP_IPI:
		if (op->via_self_ipi)
			op_self_ipi(m, v, op);
		else
			op_ipi(m, v, op);
		break;
	case VLF_OP_IPI_LOGICAL:
		op_ipi_logical(m, v, op);
		break;
	case VLF_OP_LDR:
		op_ldr(m, v, op);
		break;
	case VLF_OP_DFR:
		op_dfr(m, op);
		break;
	case VLF_OP_MSI:
		op_msi(m, op);
		break;
	case VLF_OP_EXTINT:
		op_extint(m, op);
		break;
	case VLF_OP_POST:
		m->ops->post(m->t, v, op->vector, op->level);
		post(m, v, op->vector, op->level);
		break;
	case VLF_OP_EXIT:
		op_exit(m, v, op);
		break;
	case VLF_OP_NMI:
		op_ipi(m, v, op);
		break;
	case VLF_OP_LVT:
		op_lvt(m, v, op);
		break;
	case VLF_OP_TMICT:
		op_tmict(m, v, op);
		break;
	case VLF_OP_WAIT:
		op_wait(m, op);
		break;
	case VLF_OP_COUNT:
		break;
	}
}

static void step(struct vlf_machine *m, const struct vlf_op *op)
{
	if (m->trace)
		vlf_trace_op(m, op);
	exec_op(m, op);
	if (m->trace && m->timeline)
		vlf_trace_timeline(m);
	m->step++;
}

static int quiescent(struct vlf_machine *m)
{
	for (int v = 0; v < m->cfg.nvcpus; v++) {
		if (m->guest[v].depth > 0 || m->cpu[v].delivering >= 0)
			return 0;
		if (m->ops->has_pending(m->t, v))
			return 0;
	}
	return 1;
}

/*
 * What any OS does eventually: each vCPU finishes its handlers, opens
 * interrupts at TPR 0 and runs until nothing more arrives. Every request
 * must be serviced by then.
 */
static void drain(struct vlf_machine *m)
{
	m->draining = 1;
	if (m->trace)
		fprintf(m->trace,
		        "-- drain: every vCPU runs with IF=1, TPR=0 until nothing is pending\n");
	for (int round = 0, idle = 0; round < DRAIN_ROUNDS_MAX && !broken(m); round++) {
		unsigned before = m->oracle.services;

		for (int v = 0; v < m->cfg.nvcpus && !broken(m); v++) {
			struct vlf_op op = {.vcpu = (uint8_t)v};

			op.kind = VLF_OP_TPR;
			step(m, &op);
			/* Also EOI what the guest forgot to: an ISR bit left behind
			 * blocks its class on real hardware too, so it is no loss. */
			for (int k = 0;
			     k < 256 && !broken(m) &&
			     (m->guest[v].depth > 0 || !bm_empty(m->oracle.cpu[v].ref.isr));
			     k++) {
				const struct vlf_guest *g = &m->guest[v];

				/* An NMI handler owes no EOI. */
				if (g->depth == 0 || !g->nmi[g->depth - 1]) {
					op.kind = VLF_OP_EOI;
					step(m, &op);
				}
				if (g->depth > 0) {
					op.kind = VLF_OP_IRET;
					step(m, &op);
				}
			}
			op.kind = VLF_OP_STI;
			step(m, &op);
			op.kind = VLF_OP_NOP;
			step(m, &op);
			step(m, &op);
			op.kind = VLF_OP_EXIT;
			op.reason = VLF_EXITR_INTR;
			step(m, &op);
		}
		/* A target that holds a vector it never delivers stays "pending"
		 * forever: a few idle rounds are proof enough. */
		idle = m->oracle.services == before ? idle + 1 : 0;
		if (idle > 0 && (quiescent(m) || idle >= DRAIN_IDLE_ROUNDS))
			break;
	}
}

int vlf_machine_run(struct vlf_machine *m, const struct vlf_program *p)
{
	reset(m, &p->cfg);
	if (m->trace)
		fprintf(m->trace,
		        "-- program: %d vCPU(s), policy %s, %s, CR8 writes %s, target %s\n",
		        p->cfg.nvcpus, vlf_policy_name(p->cfg.policy),
		        p->cfg.apic == VLF_APIC_X2APIC ? "x2APIC" : "xAPIC",
		        p->cfg.cr8_intercept ? "intercepted" : "not intercepted", m->ops->name);
	for (size_t i = 0; i < p->nops && !broken(m); i++)
		step(m, &p->ops[i]);
	if (!broken(m))
		drain(m);
	if (!broken(m))
		vlf_oracle_finish(&m->oracle);
	if (m->trace && broken(m))
		vlf_violation_print(&m->oracle.v, m->trace);
	return broken(m);
}
