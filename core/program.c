#include "program.h"

#include <string.h>

static const char *const op_names[VLF_OP_COUNT] = {
    [VLF_OP_RUN] = "run",
    [VLF_OP_NOP] = "nop",
    [VLF_OP_STI] = "sti",
    [VLF_OP_CLI] = "cli",
    [VLF_OP_CR8] = "cr8",
    [VLF_OP_TPR] = "tpr",
    [VLF_OP_EOI] = "eoi",
    [VLF_OP_READ] = "read",
    [VLF_OP_HLT] = "hlt",
    [VLF_OP_ACK] = "ack",
    [VLF_OP_IRET] = "iret",
    [VLF_OP_IPI] = "ipi",
    [VLF_OP_POST] = "post",
    [VLF_OP_EXIT] = "exit",
    [VLF_OP_NMI] = "nmi",
    [VLF_OP_LVT] = "lvt",
    [VLF_OP_TMICT] = "tmict",
    [VLF_OP_WAIT] = "wait",
    [VLF_OP_IPI_LOGICAL] = "ipi-logical",
    [VLF_OP_LDR] = "ldr",
    [VLF_OP_DFR] = "dfr",
    [VLF_OP_MSI] = "msi",
    [VLF_OP_EXTINT] = "extint",
};

static const char *const policy_names[VLF_POLICY_COUNT] = {
    [VLF_POLICY_VIRQ] = "virq",
    [VLF_POLICY_VIRQ_PENDING] = "virq-pending",
    [VLF_POLICY_EVENTINJ] = "eventinj",
};

static const char *const reg_names[VLF_REG_COUNT] = {
    [VLF_REG_IRR] = "irr",     [VLF_REG_ISR] = "isr", [VLF_REG_TMR] = "tmr",
    [VLF_REG_TPR] = "tpr",     [VLF_REG_PPR] = "ppr", [VLF_REG_CR8] = "cr8",
    [VLF_REG_CCR] = "ccr",     [VLF_REG_LDR] = "ldr", [VLF_REG_LVT_TIMER] = "lvt",
    [VLF_REG_TMICT] = "tmict", [VLF_REG_ID] = "id",
};

static const char *const exit_names[VLF_EXITR_COUNT] = {
    [VLF_EXITR_INTR] = "intr",
    [VLF_EXITR_IO] = "io",
    [VLF_EXITR_NPF] = "npf",
};

static const char *const dest_names[4] = {
    [VLF_IPI_DEST] = "vcpu",
    [VLF_IPI_SELF] = "self",
    [VLF_IPI_ALL] = "all",
    [VLF_IPI_ALL_BUT_SELF] = "all-but-self",
};

const char *vlf_op_name(enum vlf_op_kind kind)
{
	return (unsigned)kind < VLF_OP_COUNT ? op_names[kind] : "?";
}

const char *vlf_policy_name(enum vlf_policy policy)
{
	return (unsigned)policy < VLF_POLICY_COUNT ? policy_names[policy] : "?";
}

int vlf_policy_from_name(const char *name)
{
	for (int i = 0; i < VLF_POLICY_COUNT; i++)
		if (strcmp(name, policy_names[i]) == 0)
			return i;
	return -1;
}

const char *vlf_reg_name(enum vlf_read_reg reg)
{
	return (unsigned)reg < VLF_REG_COUNT ? reg_names[reg] : "?";
}

const char *vlf_exit_reason_name(enum vlf_exit_reason r)
{
	return (unsigned)r < VLF_EXITR_COUNT ? exit_names[r] : "?";
}

const char *vlf_ipi_dest_name(enum vlf_ipi_dest d)
{
	return (unsigned)d < 4 ? dest_names[d] : "?";
}

static void decode_config(uint8_t h, int force_policy, struct vlf_config *cfg)
{
	unsigned pol = (h >> 2) & 3u;

	cfg->nvcpus = (h & 3) + 1;
	cfg->policy = pol >= VLF_POLICY_COUNT ? VLF_POLICY_EVENTINJ : (enum vlf_policy)pol;
	if (force_policy >= 0 && force_policy < VLF_POLICY_COUNT)
		cfg->policy = (enum vlf_policy)force_policy;
	cfg->apic = (h >> 4) & 1 ? VLF_APIC_X2APIC : VLF_APIC_XAPIC;
	cfg->cr8_intercept = (h >> 5) & 1;
}

static uint8_t encode_config(const struct vlf_config *cfg)
{
	return (uint8_t)(((cfg->nvcpus - 1) & 3) | ((unsigned)cfg->policy & 3) << 2 |
	                 (cfg->apic == VLF_APIC_X2APIC) << 4 | (cfg->cr8_intercept != 0) << 5);
}

uint8_t vlf_header_with_policy(uint8_t header, enum vlf_policy policy)
{
	return (uint8_t)((header & ~0x0cu) | ((unsigned)policy & 3u) << 2);
}

static void decode_op(const uint8_t *b3, const struct vlf_config *cfg, struct vlf_op *op)
{
	uint8_t k = b3[0], a = b3[1], b = b3[2];
	int nvcpus = cfg->nvcpus;

	memset(op, 0, sizeof(*op));
	op->kind = (uint8_t)((k & 0x1f) % VLF_OP_COUNT);
	op->vcpu = (uint8_t)(((k >> 5) & 3) % nvcpus);
	switch (op->kind) {
	case VLF_OP_CR8:
		op->value = a & 0x0f;
		break;
	case VLF_OP_TPR:
		op->value = a;
		break;
	case VLF_OP_READ:
		op->reg = (uint8_t)(a % VLF_REG_COUNT);
		if (op->reg == VLF_REG_IRR || op->reg == VLF_REG_ISR || op->reg == VLF_REG_TMR)
			op->word = b & 7;
		break;
	case VLF_OP_IPI:
		op->vector = a;
		/* The SELF IPI register exists in x2APIC mode only. */
		op->via_self_ipi =
		    (b & 3) == VLF_IPI_SELF && cfg->apic == VLF_APIC_X2APIC && (b >> 4) & 1;
		/* fall through */
	case VLF_OP_NMI:
		op->dest = b & 3;
		if (op->dest == VLF_IPI_DEST)
			op->dest_vcpu = (uint8_t)(((b >> 2) & 3) % nvcpus);
		/* The self and all-including-self shorthands are invalid with
		 * NMI delivery (Intel SDM vol. 3, table "Valid Combinations for
		 * the Local xAPIC ICR"), so hardware's answer is undefined:
		 * those bytes mean the sender's own APIC ID and a physical
		 * destination instead. */
		if (op->kind == VLF_OP_NMI && op->dest == VLF_IPI_SELF) {
			op->dest = VLF_IPI_DEST;
			op->dest_vcpu = op->vcpu;
		} else if (op->kind == VLF_OP_NMI && op->dest == VLF_IPI_ALL) {
			op->dest = VLF_IPI_DEST;
			op->dest_vcpu = (uint8_t)(((b >> 2) & 3) % nvcpus);
		}
		break;
	case VLF_OP_POST:
		op->vector = a;
		op->level = b & 1;
		break;
	case VLF_OP_EXIT:
		op->reason = (uint8_t)(a % VLF_EXITR_COUNT);
		op->during_delivery = b & 1;
		break;
	case VLF_OP_LVT:
		op->vector = a;
		op->periodic = b & 1;
		op->masked = (b >> 1) & 1;
		break;
	case VLF_OP_TMICT:
		op->count = (uint16_t)(a | (b & 0x1f) << 8);
		op->divide_log2 = b >> 5;
		break;
	case VLF_OP_WAIT:
		op->vcpu = 0;
		op->count = (uint16_t)(a | b << 8);
		break;
	case VLF_OP_IPI_LOGICAL:
		op->vector = a;
		op->mda = b;
		break;
	case VLF_OP_LDR:
		op->value = a;
		break;
	case VLF_OP_DFR:
		op->vcpu = 0;
		op->value = a & 1;
		break;
	case VLF_OP_EXTINT:
		op->vcpu = 0;
		op->vector = a;
		break;
	case VLF_OP_MSI:
		op->vcpu = 0;
		op->vector = a;
		op->mda = b;
		/* Logical x2APIC destinations are 32 bits: no 8-bit MSI form. */
		op->msi_logical = (k >> 5) & 1 && cfg->apic == VLF_APIC_XAPIC;
		op->lowest = (k >> 6) & 1 && b != 0xff;
		break;
	default:
		break;
	}
}

static void encode_op(const struct vlf_op *op, uint8_t *b3)
{
	uint8_t a = 0, b = 0, hi = op->vcpu; /* the kind byte's bits 5-6 */

	switch (op->kind) {
	case VLF_OP_CR8:
	case VLF_OP_TPR:
		a = op->value;
		break;
	case VLF_OP_READ:
		a = op->reg;
		b = op->word;
		break;
	case VLF_OP_IPI:
		a = op->vector;
		b = (uint8_t)(op->dest | op->dest_vcpu << 2 | op->via_self_ipi << 4);
		break;
	case VLF_OP_NMI:
		b = (uint8_t)(op->dest | op->dest_vcpu << 2);
		break;
	case VLF_OP_POST:
		a = op->vector;
		b = op->level;
		break;
	case VLF_OP_EXIT:
		a = op->reason;
		b = op->during_delivery;
		break;
	case VLF_OP_LVT:
		a = op->vector;
		b = (uint8_t)(op->periodic | op->masked << 1);
		break;
	case VLF_OP_TMICT:
		a = (uint8_t)op->count;
		b = (uint8_t)((op->count >> 8) | op->divide_log2 << 5);
		break;
	case VLF_OP_WAIT:
		a = (uint8_t)op->count;
		b = (uint8_t)(op->count >> 8);
		break;
	case VLF_OP_IPI_LOGICAL:
		a = op->vector;
		b = op->mda;
		break;
	case VLF_OP_LDR:
	case VLF_OP_DFR:
		a = op->value;
		break;
	case VLF_OP_EXTINT:
		a = op->vector;
		break;
	case VLF_OP_MSI:
		a = op->vector;
		b = op->mda;
		hi = (uint8_t)(op->msi_logical | op->lowest << 1); /* no vCPU: a device's */
		break;
	default:
		break;
	}
	b3[0] = (uint8_t)(op->kind | (hi & 3) << 5);
	b3[1] = a;
	b3[2] = b;
}

void vlf_decode(const uint8_t *data, size_t size, int force_policy, struct vlf_program *out)
{
	size_t n;

	decode_config(size > 0 ? data[0] : 0, force_policy, &out->cfg);
	n = size > 0 ? (size - 1) / VLF_OP_BYTES : 0;
	if (n > VLF_MAX_OPS)
		n = VLF_MAX_OPS;
	out->nops = n;
	for (size_t i = 0; i < n; i++)
		decode_op(data + 1 + i * VLF_OP_BYTES, &out->cfg, &out->ops[i]);
}

size_t vlf_encoded_size(const struct vlf_program *p)
{
	return 1 + p->nops * VLF_OP_BYTES;
}

size_t vlf_encode(const struct vlf_program *p, uint8_t *out, size_t cap)
{
	size_t need = vlf_encoded_size(p);

	if (cap < need)
		return 0;
	out[0] = encode_config(&p->cfg);
	for (size_t i = 0; i < p->nops; i++)
		encode_op(&p->ops[i], out + 1 + i * VLF_OP_BYTES);
	return need;
}
