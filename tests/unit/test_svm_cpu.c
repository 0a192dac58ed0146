/* The simulated CPU takes a virtual interrupt exactly when APM 15.21 says. */
#include "check.h"
#include "svm_cpu.h"

static struct vlf_cpu c;

static void guest(int v_irq, unsigned prio, unsigned v_tpr, int ign, int rif, int shadow)
{
	vlf_cpu_reset(&c);
	c.in_guest = 1;
	c.vmcb.v_irq = (uint8_t)v_irq;
	c.vmcb.v_intr_vector = 0x41;
	c.vmcb.v_intr_prio = (uint8_t)prio;
	c.vmcb.v_tpr = (uint8_t)v_tpr;
	c.vmcb.v_ign_tpr = (uint8_t)ign;
	c.vmcb.rflags = rif ? VLF_RFLAGS_IF : 0;
	c.vmcb.intr_shadow = (uint8_t)shadow;
}

int main(void)
{
	int saved_if = -1;

	/* Taken: V_IRQ, IF=1, no shadow, priority above V_TPR. */
	guest(1, 4, 3, 0, 1, 0);
	CHECK(vlf_cpu_boundary(&c) == VLF_CPU_DELIVERY);
	CHECK(c.delivering == 0x41 && c.vmcb.v_irq == 0);
	/* Not taken: each blocking condition alone. */
	guest(0, 4, 3, 0, 1, 0);
	CHECK(vlf_cpu_boundary(&c) == VLF_CPU_NOTHING);
	guest(1, 4, 3, 0, 0, 0);
	CHECK(vlf_cpu_boundary(&c) == VLF_CPU_NOTHING);
	guest(1, 4, 3, 0, 1, 1);
	CHECK(vlf_cpu_boundary(&c) == VLF_CPU_NOTHING);
	guest(1, 4, 4, 0, 1, 0); /* equal priority is not enough */
	CHECK(vlf_cpu_boundary(&c) == VLF_CPU_NOTHING && c.vmcb.v_irq == 1);
	/* V_IGN_TPR overrides V_TPR. */
	guest(1, 0, 15, 1, 1, 0);
	CHECK(vlf_cpu_boundary(&c) == VLF_CPU_DELIVERY);
	/* The VINTR intercept wins over delivery and leaves V_IRQ set. */
	guest(1, 0, 0, 1, 1, 0);
	c.vmcb.intercept_vintr = 1;
	CHECK(vlf_cpu_boundary(&c) == VLF_CPU_VINTR && c.vmcb.v_irq == 1 && c.delivering < 0);
	/* Nothing is taken while a delivery is in flight. */
	guest(1, 4, 0, 0, 1, 0);
	c.delivering = 0x30;
	CHECK(vlf_cpu_boundary(&c) == VLF_CPU_NOTHING);

	/* EVENTINJ is delivered at VMRUN regardless of IF, and consumed. */
	guest(0, 0, 0, 0, 0, 0);
	c.in_guest = 0;
	c.vmcb.eventinj = VLF_EVT_MAKE(0x52, VLF_EVT_TYPE_INTR);
	CHECK(vlf_cpu_vmrun(&c) == VLF_CPU_DELIVERY);
	CHECK(c.delivering == 0x52 && !(c.vmcb.eventinj & VLF_EVT_VALID) && c.in_guest);
	/* An exit during that delivery records EXITINTINFO. */
	CHECK(vlf_cpu_exit(&c, VLF_EXIT_NPF, 0) == 0x52);
	CHECK(c.vmcb.exitintinfo == VLF_EVT_MAKE(0x52, VLF_EVT_TYPE_INTR));
	CHECK(!c.in_guest && c.delivering < 0 && c.vmcb.exitcode == VLF_EXIT_NPF);

	/* Entering the handler clears IF (interrupt gate) and remembers it. */
	guest(1, 4, 0, 0, 1, 0);
	CHECK(vlf_cpu_boundary(&c) == VLF_CPU_DELIVERY);
	CHECK(vlf_cpu_enter_handler(&c, &saved_if) == 0x41 && saved_if == 1);
	CHECK(!vlf_cpu_if(&c));
	CHECK(vlf_cpu_enter_handler(&c, &saved_if) == -1);
	/* An exit with nothing in flight leaves EXITINTINFO clear; nRIP set. */
	c.vmcb.rip = 0x2000;
	CHECK(vlf_cpu_exit(&c, VLF_EXIT_MSR, 2) == -1);
	CHECK(c.vmcb.exitintinfo == 0 && c.vmcb.nrip == 0x2002);
	/* Retiring an instruction ends the STI shadow. */
	guest(1, 4, 0, 0, 1, 1);
	vlf_cpu_retire(&c, 1);
	CHECK(c.vmcb.intr_shadow == 0 && vlf_cpu_boundary(&c) == VLF_CPU_DELIVERY);
	return CHECK_DONE();
}
