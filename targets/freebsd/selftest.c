/*
 * vlapic-fuzz: self test of the FreeBSD target adapter, independent of the
 * harness core.  A tiny SVM "CPU" below drives the target.h operations the
 * way the harness does, and checks what the tree's code did.
 *
 * Expectations that depend on the tree's injection method (EVENTINJ since
 * 2018, V_IRQ before) are keyed on VLF_FB_LAPIC_VIA_VIRQ, which the build
 * found by scanning svm.c.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fb_config.h"
#include "freebsd_target.h"
#include "target.h"

const struct vlf_target_ops *vlf_target_get(void);
long vlf_kmalloc_live(void);

static const struct vlf_target_ops *ops;
static int failures;

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			failures++;                                                                \
			fprintf(stderr, "%s:%d: FAILED %s: ", __FILE__, __LINE__, #cond);          \
			fprintf(stderr, __VA_ARGS__);                                              \
			fputc('\n', stderr);                                                       \
		}                                                                                  \
	} while (0)

/* --- platform callbacks --------------------------------------------------- */

struct host_log {
	int eoi_count;
	int eoi_vcpu, eoi_vector;
	int trace_lines;
};

static void on_eoi(void *ctx, int vcpu, int vector)
{
	struct host_log *h = ctx;

	h->eoi_count++;
	h->eoi_vcpu = vcpu;
	h->eoi_vector = vector;
}

static void on_trace(void *ctx, int vcpu, const char *msg)
{
	struct host_log *h = ctx;

	(void)vcpu;
	(void)msg;
	h->trace_lines++;
	if (getenv("VLF_SELFTEST_TRACE") != NULL)
		fprintf(stderr, "  [ktr vcpu %d] %s\n", vcpu, msg);
}

/* --- a minimal SVM CPU ------------------------------------------------------ */

struct cpu {
	struct vlf_vmcb vmcb;
	int in_guest;
	int handler; /* vector being handled, -1 if none */
	int took_via_virq;
};
static struct cpu cpus[VLF_MAX_VCPUS];

static int bit(const uint32_t w[8], int vec)
{
	return (w[vec / 32] >> (vec % 32)) & 1;
}

static struct vlf_lapic_view peek(void *t, int v)
{
	struct vlf_lapic_view view;

	ops->peek(t, v, &view);
	return view;
}

static void vmexit(void *t, int v, uint64_t code, unsigned len);

/*
 * An instruction boundary: a pending virtual interrupt (V_IRQ) is taken if
 * IF=1, no shadow and its priority beats V_TPR (or V_IGN_TPR); with the VINTR
 * intercept set that is a #VMEXIT(VINTR) instead.  Returns 1 on that exit.
 */
static int boundary(void *t, int v)
{
	struct cpu *c = &cpus[v];
	struct vlf_vmcb *m = &c->vmcb;

	if (!m->v_irq || !(m->rflags & VLF_RFLAGS_IF) || m->intr_shadow)
		return 0;
	if (!m->v_ign_tpr && (m->v_intr_prio & 0xf) <= (m->v_tpr & 0xf))
		return 0;
	if (m->intercept_vintr) {
		vmexit(t, v, VLF_EXIT_VINTR, 0);
		return 1;
	}
	c->handler = m->v_intr_vector;
	m->v_irq = 0; /* the CPU took the virtual interrupt */
	m->rflags &= ~VLF_RFLAGS_IF;
	c->took_via_virq = 1;
	return 0;
}

static void assert_not_in_guest(int v)
{
	if (cpus[v].in_guest) {
		fprintf(stderr, "selftest bug: VMRUN of vCPU%d while it is in the guest\n", v);
		abort();
	}
}

/* VMRUN (repeated after VINTR exits, as svm_vmrun() loops on handled exits). */
static void vmrun(void *t, int v)
{
	struct cpu *c = &cpus[v];
	struct vlf_vmcb *m = &c->vmcb;

	assert_not_in_guest(v);
	do {
		ops->prepare_entry(t, v);
		ops->vmcb_load(t, v, m);
		c->in_guest = 1;
		c->took_via_virq = 0;
		if (m->eventinj & VLF_EVT_VALID) {
			c->handler = (int)VLF_EVT_VECTOR(m->eventinj);
			m->eventinj &= ~VLF_EVT_VALID;
			m->rflags &= ~VLF_RFLAGS_IF; /* interrupt gate */
			return;
		}
	} while (boundary(t, v));
}

static void vmexit(void *t, int v, uint64_t code, unsigned len)
{
	struct cpu *c = &cpus[v];

	c->vmcb.exitcode = code;
	c->vmcb.exitintinfo = 0;
	c->vmcb.exitinfo1 = c->vmcb.exitinfo2 = 0;
	c->vmcb.nrip = c->vmcb.rip + len;
	c->in_guest = 0;
	ops->vmcb_store(t, v, &c->vmcb);
	ops->handle_exit(t, v);
}

/* The host emulated the intercepted instruction: continue after it. */
static void skip_insn(void *t, int v)
{
	struct vlf_vmcb m;

	ops->vmcb_load(t, v, &m);
	m.rip = m.nrip;
	ops->vmcb_store(t, v, &m);
}

static uint32_t exit_code_for_lapic(const struct vlf_config *cfg)
{
	return cfg->apic == VLF_APIC_X2APIC ? VLF_EXIT_MSR : VLF_EXIT_NPF;
}

/* A trapping guest LAPIC write: exit, emulate, skip. */
static void guest_lapic_write(void *t, const struct vlf_config *cfg, int v, uint32_t off,
                              uint64_t val)
{
	if (!cpus[v].in_guest)
		vmrun(t, v);
	vmexit(t, v, exit_code_for_lapic(cfg), 3);
	ops->lapic_write(t, v, off, val);
	skip_insn(t, v);
}

/* vcpu_notify_event's kick: a running vCPU exits (external interrupt) and re-enters. */
static void reenter(void *t, int v)
{
	if (cpus[v].in_guest)
		vmexit(t, v, VLF_EXIT_INTR, 0);
	vmrun(t, v);
}

/* The handler returns: IRET (in the guest) restores IF. */
static void guest_iret(void *t, int v)
{
	if (!cpus[v].in_guest)
		vmrun(t, v);
	cpus[v].vmcb.rflags |= VLF_RFLAGS_IF;
	cpus[v].handler = -1;
	while (boundary(t, v))
		vmrun(t, v);
}

static void guest_start(void *t, const struct vlf_config *cfg)
{
	for (int i = 0; i < cfg->nvcpus; i++) {
		struct vlf_vmcb m;

		memset(&cpus[i], 0, sizeof(cpus[i]));
		cpus[i].handler = -1;
		ops->vmcb_load(t, i, &m);
		m.rip = 0x1000;
		m.rflags = VLF_RFLAGS_IF | 0x2;
		m.intr_shadow = 0;
		ops->vmcb_store(t, i, &m);
	}
}

static void send_ipi(void *t, const struct vlf_config *cfg, int from, int to, int vector)
{
	if (cfg->apic == VLF_APIC_X2APIC) {
		guest_lapic_write(t, cfg, from, VLF_LAPIC_ICR_LO,
		                  (uint64_t)to << 32 | 0x4000u | (unsigned)vector);
	} else {
		guest_lapic_write(t, cfg, from, VLF_LAPIC_ICR_HI, (uint64_t)to << 24);
		guest_lapic_write(t, cfg, from, VLF_LAPIC_ICR_LO, 0x4000u | (unsigned)vector);
	}
}

/* --- scenarios -------------------------------------------------------------- */

static void test_post_inject_eoi(enum vlf_apic_mode mode)
{
	struct host_log log = {0};
	struct vlf_host host = {.ctx = &log, .eoi_broadcast = on_eoi, .trace = on_trace};
	struct vlf_config cfg = {2, VLF_POLICY_EVENTINJ, mode, 0};
	const char *err = NULL;
	void *t = ops->create(&cfg, &host, &err);
	struct vlf_lapic_view view;

	CHECK(t != NULL, "create: %s", err ? err : "?");
	if (t == NULL)
		return;
	guest_start(t, &cfg);
	CHECK(!ops->has_pending(t, 1), "nothing pending after create");

	ops->post(t, 1, 0x41, 0);
	view = peek(t, 1);
	CHECK(bit(view.irr, 0x41), "post sets IRR");
	CHECK(ops->has_pending(t, 1), "posted vector is pending");
	CHECK(vlf_freebsd_notify_count(t, 1) >= 1, "vcpu_notify_event was called");

	vmrun(t, 1);
	view = peek(t, 1);
#if VLF_FB_LAPIC_VIA_VIRQ
	CHECK(!(cpus[1].vmcb.eventinj & VLF_EVT_VALID) && cpus[1].took_via_virq,
	      "pre-2018 tree: vector goes to V_IRQ, not EVENTINJ (eventinj %#" PRIx64 ")",
	      cpus[1].vmcb.eventinj);
	CHECK(cpus[1].handler == 0x41, "guest took 0x41 from V_IRQ (took %d)", cpus[1].handler);
	CHECK(bit(view.irr, 0x41) && !bit(view.isr, 0x41),
	      "pre-2018 tree: IRR keeps 0x41 until the next exit");
#else
	CHECK(cpus[1].handler == 0x41 && !cpus[1].took_via_virq,
	      "main tree: 0x41 delivered through EVENTINJ (handler %d)", cpus[1].handler);
	CHECK(!bit(view.irr, 0x41) && bit(view.isr, 0x41),
	      "main tree: accepted at injection (IRR->ISR)");
	CHECK(cpus[1].vmcb.v_irq == 1 && cpus[1].vmcb.v_intr_vector == 0 &&
	          cpus[1].vmcb.intercept_vintr,
	      "main tree: interrupt window requested after injection");
#endif
	/* The handler's EOI traps; at that exit both trees have 0x41 in service. */
	vmexit(t, 1, exit_code_for_lapic(&cfg), 3);
	view = peek(t, 1);
	CHECK(!bit(view.irr, 0x41) && bit(view.isr, 0x41), "0x41 in service at the EOI exit");
	ops->lapic_write(t, 1, VLF_LAPIC_EOI, 0);
	skip_insn(t, 1);
	view = peek(t, 1);
	CHECK(!bit(view.isr, 0x41), "EOI retires 0x41");
	CHECK(log.eoi_count == 0, "edge EOI does not reach the I/O APIC");
	guest_iret(t, 1);
	CHECK(!ops->has_pending(t, 1), "nothing pending after EOI");

	/* Level-triggered: TMR set, EOI broadcast to the harness's I/O APIC. */
	ops->post(t, 1, 0x52, 1);
	view = peek(t, 1);
	CHECK(bit(view.tmr, 0x52) && bit(view.irr, 0x52), "level post sets TMR and IRR");
	reenter(t, 1);
	CHECK(cpus[1].handler == 0x52, "0x52 delivered (handler %d)", cpus[1].handler);
	vmexit(t, 1, exit_code_for_lapic(&cfg), 3);
	ops->lapic_write(t, 1, VLF_LAPIC_EOI, 0);
	skip_insn(t, 1);
	guest_iret(t, 1);
	CHECK(log.eoi_count == 1 && log.eoi_vcpu == 1 && log.eoi_vector == 0x52,
	      "level EOI broadcast (count %d vcpu %d vector %#x)", log.eoi_count, log.eoi_vcpu,
	      log.eoi_vector);

	/* An IPI through the ICR. */
	send_ipi(t, &cfg, 0, 1, 0x61);
	view = peek(t, 1);
	CHECK(bit(view.irr, 0x61), "IPI from vCPU0 reaches vCPU1's IRR");

	/* LAPIC ID reads back through the guest path. */
	{
		uint64_t id = ops->lapic_read(t, 1, VLF_LAPIC_ID);
		uint64_t want = mode == VLF_APIC_X2APIC ? 1u : 1u << 24;

		CHECK(id == want, "LAPIC ID of vCPU1 reads %#" PRIx64 " (want %#" PRIx64 ")", id,
		      want);
	}

	/* TPR masks lower classes; PPR follows. */
	ops->lapic_write(t, 0, VLF_LAPIC_TPR, 0x70);
	ops->post(t, 0, 0x45, 0);
	CHECK(!ops->has_pending(t, 0), "TPR 0x70 masks 0x45");
	view = peek(t, 0);
	CHECK(view.tpr == 0x70 && view.ppr == 0x70, "TPR/PPR read 0x%x/0x%x", view.tpr, view.ppr);
	ops->lapic_write(t, 0, VLF_LAPIC_TPR, 0);
	CHECK(ops->has_pending(t, 0), "TPR 0 unmasks 0x45");

	/* reset: pristine again, no allocation growth. */
	{
		long live = vlf_kmalloc_live();

		ops->reset(t, &cfg);
		guest_start(t, &cfg);
		for (int v = 0; v < cfg.nvcpus; v++) {
			view = peek(t, v);
			for (int w = 0; w < 8; w++)
				CHECK(view.irr[w] == 0 && view.isr[w] == 0 && view.tmr[w] == 0,
				      "vCPU%d word %d clean after reset", v, w);
			CHECK(!ops->has_pending(t, v), "vCPU%d nothing pending after reset", v);
		}
		CHECK(vlf_kmalloc_live() == live, "reset allocates nothing (%ld -> %ld)", live,
		      vlf_kmalloc_live());
	}
	ops->destroy(t);
}

/*
 * Bug 215972 / D13781: vCPU1 is in the handler of IPI 0x41 with no exit yet;
 * vCPU0 sends 0x41 again.  Real hardware (and the fixed code) keeps the
 * second one pending; the pre-2018 code merges it into the IRR bit that the
 * next exit turns into "in service", so it is lost.
 */
static void test_same_vector_ipi_race(void)
{
	struct host_log log = {0};
	struct vlf_host host = {.ctx = &log, .eoi_broadcast = on_eoi};
	struct vlf_config cfg = {2, VLF_POLICY_EVENTINJ, VLF_APIC_XAPIC, 0};
	const char *err = NULL;
	void *t = ops->create(&cfg, &host, &err);
	struct vlf_lapic_view view;
	int lost;

	CHECK(t != NULL, "create: %s", err ? err : "?");
	if (t == NULL)
		return;
	guest_start(t, &cfg);
	vmrun(t, 1); /* vCPU1 runs its idle loop */
	send_ipi(t, &cfg, 0, 1, 0x41);
	/* vcpu_notify_event would kick vCPU1: it exits and re-enters. */
	reenter(t, 1);
	CHECK(cpus[1].handler == 0x41, "vCPU1 is in the 0x41 handler (%d)", cpus[1].handler);
	/* Handler acknowledges; vCPU0 sees it and sends 0x41 again, no exit on vCPU1. */
	send_ipi(t, &cfg, 0, 1, 0x41);
	/* Now vCPU1's EOI traps. */
	vmexit(t, 1, VLF_EXIT_NPF, 3);
	ops->lapic_write(t, 1, VLF_LAPIC_EOI, 0);
	skip_insn(t, 1);
	/* IRET: the second 0x41 is delivered now if it was kept. */
	guest_iret(t, 1);
	view = peek(t, 1);
	lost = !(cpus[1].handler == 0x41 || bit(view.irr, 0x41) || ops->has_pending(t, 1));
#if VLF_FB_LAPIC_VIA_VIRQ
	CHECK(lost, "pre-2018 tree: the second 0x41 is lost (bug 215972 reproduces)");
#else
	CHECK(!lost && cpus[1].handler == 0x41,
	      "main tree: the second 0x41 is delivered (handler %d)", cpus[1].handler);
#endif
	printf("same-vector IPI race: second IPI %s (%s)\n", lost ? "LOST" : "kept", ops->name);
	ops->destroy(t);
}

static void test_cr8_intercept(void)
{
	struct vlf_config cfg = {2, VLF_POLICY_EVENTINJ, VLF_APIC_XAPIC, 1};
	struct vlf_host host = {.ctx = NULL};
	const char *err = NULL;
	void *t = ops->create(&cfg, &host, &err);
	struct vlf_vmcb m;

	CHECK(t != NULL, "create: %s", err ? err : "?");
	if (t == NULL)
		return;
	guest_start(t, &cfg);
	ops->prepare_entry(t, 1);
	ops->vmcb_load(t, 1, &m);
	CHECK(m.intercept_cr8_write, "CR8-write intercept set when asked for");
	m.exitcode = VLF_EXIT_CR8_WRITE;
	m.nrip = m.rip + 4;
	ops->vmcb_store(t, 1, &m);
	ops->handle_exit(t, 1);
	ops->cr8_write(t, 1, 5);
	skip_insn(t, 1);
	CHECK(peek(t, 1).tpr == 0x50, "CR8=5 -> TPR 0x50 (got 0x%x)", peek(t, 1).tpr);
	ops->prepare_entry(t, 1);
	ops->vmcb_load(t, 1, &m);
	CHECK(m.v_tpr == 5, "V_TPR synced from the vLAPIC (%u)", m.v_tpr);

	cfg.cr8_intercept = 0;
	ops->reset(t, &cfg);
	ops->vmcb_load(t, 1, &m);
	CHECK(!m.intercept_cr8_write, "no CR8 intercept after reset without it");
	ops->destroy(t);
}

/* The vLAPIC timer runs on the shim's virtual clock. */
static void test_timer(void)
{
	struct vlf_config cfg = {1, VLF_POLICY_EVENTINJ, VLF_APIC_XAPIC, 0};
	struct vlf_host host = {.ctx = NULL};
	const char *err = NULL;
	void *t = ops->create(&cfg, &host, &err);

	CHECK(t != NULL, "create: %s", err ? err : "?");
	if (t == NULL)
		return;
	guest_start(t, &cfg);
	ops->lapic_write(t, 0, 0x3e0, 0xb);  /* divide by 1 */
	ops->lapic_write(t, 0, 0x320, 0x70); /* LVT timer: one-shot, vector 0x70 */
	ops->lapic_write(t, 0, 0x380, 1000); /* initial count */
	vlf_freebsd_advance_clock(t, 1000);  /* 1 us: 128 ticks at 128 MHz */
	CHECK(!bit(peek(t, 0).irr, 0x70), "timer not yet expired");
	CHECK(ops->lapic_read(t, 0, 0x390) < 1000, "current count decreases");
	vlf_freebsd_advance_clock(t, 100000);
	CHECK(bit(peek(t, 0).irr, 0x70), "timer fired into IRR");
	CHECK(ops->lapic_read(t, 0, 0x390) == 0, "one-shot count reached 0");
	/* reset cancels an armed timer */
	ops->lapic_write(t, 0, 0x380, 1000000);
	ops->reset(t, &cfg);
	vlf_freebsd_advance_clock(t, 1000000000);
	CHECK(!bit(peek(t, 0).irr, 0x70), "no timer after reset");
	ops->destroy(t);
}

int main(void)
{
	long live0 = vlf_kmalloc_live();

	ops = vlf_target_get();
	setvbuf(stdout, NULL, _IONBF, 0);
	printf("target %s, LAPIC injection via %s\n", ops->name,
	       VLF_FB_LAPIC_VIA_VIRQ ? "V_IRQ" : "EVENTINJ");
	test_post_inject_eoi(VLF_APIC_XAPIC);
	test_post_inject_eoi(VLF_APIC_X2APIC);
	test_same_vector_ipi_race();
	test_cr8_intercept();
	test_timer();
	CHECK(vlf_kmalloc_live() == live0, "no kernel allocation outlives destroy (%ld)",
	      vlf_kmalloc_live() - live0);
	if (failures != 0) {
		fprintf(stderr, "%d check(s) failed\n", failures);
		return 1;
	}
	printf("all FreeBSD target self tests passed\n");
	return 0;
}
