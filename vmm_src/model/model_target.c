/* The model behind the harness's target interface. */
#include <stdlib.h>
#include <string.h>

#include "bitmap256.h"
#include "machine.h"
#include "model_vm.h"

int model_vm_nvcpus(const struct model_vm *vm)
{
	return vm->cfg.nvcpus;
}

struct model_vlapic *model_vm_vlapic(struct model_vm *vm, int vcpu)
{
	return &vm->vcpu[vcpu].vlapic;
}

void model_vm_post(struct model_vm *vm, int vcpu, int vector, int level)
{
	if (vcpu < 0 || vcpu >= vm->cfg.nvcpus)
		return;
	/* A real host would kick a running vCPU here; the program decides
	 * when that vCPU exits. */
	if (model_vlapic_set_intr_ready(&vm->vcpu[vcpu].vlapic, vector, level))
		vm->vcpu[vcpu].notified = 1;
}

void model_vm_nmi(struct model_vm *vm, int vcpu)
{
	if (vcpu < 0 || vcpu >= vm->cfg.nvcpus)
		return;
	vm->vcpu[vcpu].nmi_pending = 1;
	vm->vcpu[vcpu].notified = 1;
}

void model_vm_eoi_broadcast(struct model_vm *vm, int vcpu, int vector)
{
	if (vm->host->eoi_broadcast)
		vm->host->eoi_broadcast(vm->host->ctx, vcpu, vector);
}

static void reset(void *t, const struct vlf_config *cfg)
{
	struct model_vm *vm = t;

	vm->cfg = *cfg;
	for (int i = 0; i < VLF_MAX_VCPUS; i++) {
		struct model_vcpu *vc = &vm->vcpu[i];

		model_vlapic_reset(&vc->vlapic, vm, i, cfg->apic == VLF_APIC_X2APIC);
		model_svm_init_vmcb(vm, i);
		vc->exit_intinfo = 0;
		vc->exit_rip = 0;
		vc->entry_v_tpr = 0;
		vc->nmi_pending = 0;
		vc->extint_pending = 0;
		vc->nmi_singlestep = 0;
		vc->notified = 0;
	}
}

static void *create(const struct vlf_config *cfg, const struct vlf_host *host, const char **err)
{
	struct model_vm *vm = calloc(1, sizeof(*vm));

	if (vm == NULL) {
		*err = "out of memory";
		return NULL;
	}
	vm->host = host;
	reset(vm, cfg);
	return vm;
}

static void destroy(void *t)
{
	free(t);
}

static void post(void *t, int vcpu, int vector, int level)
{
	model_vm_post(t, vcpu, vector, level);
}

/*
 * Destinations as the SDM reads an MSI (11.11.1): RH and DM both set make the
 * ID logical. Lowest priority goes to the destination with the lowest TPR
 * (ties: lowest APIC ID), one arbitration the SDM allows.
 */
static void msi(void *t, uint64_t addr, uint32_t data)
{
	struct model_vm *vm = t;
	uint32_t dest = (uint32_t)(addr >> 12) & 0xffu;
#ifdef VLF_BUG_MSI_LOGICAL_AS_PHYSICAL
	/* Seeded bug: the destination mode is ignored. */
	int logical = 0;
#else
	int logical =
	    (addr & (VLF_MSI_ADDR_RH | VLF_MSI_ADDR_DM)) == (VLF_MSI_ADDR_RH | VLF_MSI_ADDR_DM);
#endif
#ifdef VLF_BUG_MSI_LOWEST_TO_ALL
	/* Seeded bug: lowest priority is delivered like fixed. */
	int lowest = 0;
#else
	int lowest = (data & 0x700u) == VLF_MSI_DATA_LOWPRIO;
#endif
	int pick = -1;

	if ((addr & 0xfff00000u) != VLF_MSI_ADDR_BASE || (data & 0x700u) > VLF_MSI_DATA_LOWPRIO)
		return;
	for (int d = 0; d < vm->cfg.nvcpus; d++) {
		struct model_vlapic *l = &vm->vcpu[d].vlapic;
		int hit = dest == 0xffu ||
		          (logical ? model_vlapic_logical_hit(l, dest) : (uint32_t)d == dest);

		if (!hit)
			continue;
		if (!lowest || dest == 0xffu)
			model_vm_post(vm, d, (int)(data & 0xffu), 0);
		else if (pick < 0 || l->tpr < vm->vcpu[pick].vlapic.tpr)
			pick = d;
	}
	if (pick >= 0)
		model_vm_post(vm, pick, (int)(data & 0xffu), 0);
}

/* The BSP's LINT0 is wired to the 8259 in ExtINT mode. */
static void extint(void *t)
{
	struct model_vm *vm = t;

	vm->vcpu[0].extint_pending = 1;
	vm->vcpu[0].notified = 1;
}

static void prepare_entry(void *t, int vcpu)
{
	model_svm_prepare_entry(t, vcpu);
}

static void handle_exit(void *t, int vcpu)
{
	model_svm_handle_exit(t, vcpu);
}

static void vmcb_load(void *t, int vcpu, struct vlf_vmcb *out)
{
	*out = ((struct model_vm *)t)->vcpu[vcpu].vmcb;
}

static void vmcb_store(void *t, int vcpu, const struct vlf_vmcb *in)
{
	((struct model_vm *)t)->vcpu[vcpu].vmcb = *in;
}

static uint64_t lapic_read(void *t, int vcpu, uint32_t offset)
{
	return model_vlapic_read(&((struct model_vm *)t)->vcpu[vcpu].vlapic, offset);
}

static void lapic_write(void *t, int vcpu, uint32_t offset, uint64_t val)
{
	model_vlapic_write(&((struct model_vm *)t)->vcpu[vcpu].vlapic, offset, val);
}

static void cr8_write(void *t, int vcpu, uint64_t val)
{
	struct model_vcpu *vc = &((struct model_vm *)t)->vcpu[vcpu];

#ifdef VLF_BUG_CR8_INTERCEPT_IGNORED
	/* Seeded bug: an intercepted MOV CR8 is skipped but not emulated. */
	(void)vc;
	(void)val;
#else
	model_vlapic_set_cr8(&vc->vlapic, val);
#endif
}

static void peek(void *t, int vcpu, struct vlf_lapic_view *out)
{
	struct model_vlapic *l = &((struct model_vm *)t)->vcpu[vcpu].vlapic;

	memcpy(out->irr, l->irr, sizeof(out->irr));
	memcpy(out->isr, l->isr, sizeof(out->isr));
	memcpy(out->tmr, l->tmr, sizeof(out->tmr));
	model_vlapic_update_ppr(l);
	out->tpr = l->tpr;
	out->ppr = l->ppr;
}

static int has_pending(void *t, int vcpu)
{
	struct model_vcpu *vc = &((struct model_vm *)t)->vcpu[vcpu];

	return !bm_empty(vc->vlapic.irr) || vc->vlapic.virq_pending >= 0 || vc->nmi_pending ||
	       vc->extint_pending || (vc->exit_intinfo & VLF_EVT_VALID) ||
	       (vc->vmcb.eventinj & VLF_EVT_VALID);
}

static void advance_time(void *t, uint64_t ticks)
{
	struct model_vm *vm = t;

	for (int i = 0; i < vm->cfg.nvcpus; i++)
		model_vlapic_advance_time(&vm->vcpu[i].vlapic, ticks);
}

static const struct vlf_target_ops model_ops = {
    .name = "model",
    .create = create,
    .destroy = destroy,
    .reset = reset,
    .post = post,
    .msi = msi,
    .extint = extint,
    .prepare_entry = prepare_entry,
    .handle_exit = handle_exit,
    .vmcb_load = vmcb_load,
    .vmcb_store = vmcb_store,
    .lapic_read = lapic_read,
    .lapic_write = lapic_write,
    .cr8_write = cr8_write,
    .peek = peek,
    .has_pending = has_pending,
    .advance_time = advance_time,
};

const struct vlf_target_ops *vlf_target_get(void)
{
	return &model_ops;
}
