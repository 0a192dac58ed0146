/* The decoder: every byte string is a program, and the binary form is canonical. */
#include <string.h>

#include "check.h"
#include "program.h"

static struct vlf_program a, b;
static uint8_t buf[1 + VLF_MAX_OPS * VLF_OP_BYTES + 64];

static int same(const struct vlf_program *x, const struct vlf_program *y)
{
	if (memcmp(&x->cfg, &y->cfg, sizeof(x->cfg)) != 0 || x->nops != y->nops)
		return 0;
	return memcmp(x->ops, y->ops, x->nops * sizeof(x->ops[0])) == 0;
}

static int in_range(const struct vlf_program *p)
{
	if (p->cfg.nvcpus < 1 || p->cfg.nvcpus > VLF_MAX_VCPUS)
		return 0;
	if ((unsigned)p->cfg.policy >= VLF_POLICY_COUNT)
		return 0;
	for (size_t i = 0; i < p->nops; i++) {
		const struct vlf_op *op = &p->ops[i];

		if (op->kind >= VLF_OP_COUNT || op->vcpu >= p->cfg.nvcpus)
			return 0;
		if (op->dest_vcpu >= p->cfg.nvcpus || op->reg >= VLF_REG_COUNT || op->word > 7)
			return 0;
		if (op->kind == VLF_OP_CR8 && op->value > 15)
			return 0;
		if (op->reason >= VLF_EXITR_COUNT || op->level > 1 || op->during_delivery > 1)
			return 0;
		if (op->count > (op->kind == VLF_OP_TMICT ? VLF_TMICT_MAX : 65535u) ||
		    op->divide_log2 > 7 || op->periodic > 1 || op->masked > 1)
			return 0;
		if ((op->kind == VLF_OP_WAIT || op->kind == VLF_OP_DFR) && op->vcpu != 0)
			return 0;
		if (op->kind == VLF_OP_DFR && op->value > 1)
			return 0;
		if (op->via_self_ipi &&
		    (op->dest != VLF_IPI_SELF || p->cfg.apic != VLF_APIC_X2APIC))
			return 0;
		if (op->kind == VLF_OP_NMI &&
		    (op->vector != 0 || op->dest == VLF_IPI_SELF || op->dest == VLF_IPI_ALL))
			return 0;
	}
	return 1;
}

int main(void)
{
	unsigned long long seed = 0x5eed;
	int all_ok = 1;

	/* Empty input: one vCPU, virq, no operations. */
	vlf_decode(NULL, 0, -1, &a);
	CHECK(a.nops == 0 && a.cfg.nvcpus == 1 && a.cfg.policy == VLF_POLICY_VIRQ);

	/* Header fields. */
	buf[0] = 0x3f; /* 4 vCPUs, policy 3 -> eventinj, x2APIC, CR8 intercepted */
	vlf_decode(buf, 1, -1, &a);
	CHECK(a.cfg.nvcpus == 4 && a.cfg.policy == VLF_POLICY_EVENTINJ);
	CHECK(a.cfg.apic == VLF_APIC_X2APIC && a.cfg.cr8_intercept == 1);
	vlf_decode(buf, 1, VLF_POLICY_VIRQ_PENDING, &a);
	CHECK(a.cfg.policy == VLF_POLICY_VIRQ_PENDING);
	CHECK(vlf_header_with_policy(0xff, VLF_POLICY_VIRQ) == 0xf3);

	/* A trailing partial operation is ignored; the op count is capped. */
	memset(buf, 0, sizeof(buf));
	vlf_decode(buf, 1 + 2 * VLF_OP_BYTES + 2, -1, &a);
	CHECK(a.nops == 2);
	vlf_decode(buf, sizeof(buf), -1, &a);
	CHECK(a.nops == VLF_MAX_OPS);

	/* vCPU indices wrap into the configured count. */
	buf[0] = 0x01; /* 2 vCPUs */
	buf[1] = (uint8_t)(VLF_OP_NOP | 3 << 5);
	vlf_decode(buf, 4, -1, &a);
	CHECK(a.ops[0].kind == VLF_OP_NOP && a.ops[0].vcpu == 1);

	/* NMI: the shorthands invalid with NMI delivery never come out of the
	 * decoder (self -> the sender's own ID, all -> a physical destination). */
	buf[0] = 0x03; /* 4 vCPUs */
	buf[1] = (uint8_t)(VLF_OP_NMI | 2 << 5);
	buf[2] = 0x41; /* ignored */
	buf[3] = VLF_IPI_SELF;
	buf[4] = (uint8_t)(VLF_OP_NMI | 1 << 5);
	buf[5] = 0;
	buf[6] = (uint8_t)(VLF_IPI_ALL | 3 << 2);
	buf[7] = (uint8_t)VLF_OP_NMI;
	buf[8] = 0;
	buf[9] = VLF_IPI_ALL_BUT_SELF;
	vlf_decode(buf, 10, -1, &a);
	CHECK(a.nops == 3 && a.ops[0].kind == VLF_OP_NMI && a.ops[0].vector == 0);
	CHECK(a.ops[0].dest == VLF_IPI_DEST && a.ops[0].dest_vcpu == 2);
	CHECK(a.ops[1].dest == VLF_IPI_DEST && a.ops[1].dest_vcpu == 3);
	CHECK(a.ops[2].dest == VLF_IPI_ALL_BUT_SELF);

	/* Timer operations: count and divider share the b byte; a wait belongs
	 * to no vCPU. */
	buf[0] = 0x01;
	buf[1] = (uint8_t)VLF_OP_TMICT;
	buf[2] = 0x34;
	buf[3] = 0xff; /* count 0x1f34, divide by 128 */
	buf[4] = (uint8_t)(VLF_OP_WAIT | 1 << 5);
	buf[5] = 0x10;
	buf[6] = 0x27; /* 10000 ticks */
	buf[7] = (uint8_t)VLF_OP_LVT;
	buf[8] = 0x30;
	buf[9] = 0xff; /* periodic, masked, the rest ignored */
	vlf_decode(buf, 10, -1, &a);
	CHECK(a.nops == 3 && a.ops[0].count == 0x1f34 && a.ops[0].divide_log2 == 7);
	CHECK(a.ops[1].kind == VLF_OP_WAIT && a.ops[1].vcpu == 0 && a.ops[1].count == 10000);
	CHECK(a.ops[2].vector == 0x30 && a.ops[2].periodic == 1 && a.ops[2].masked == 1);

	/* Random inputs: in range, and encode(decode(x)) is a fixed point. */
	for (int iter = 0; iter < 20000; iter++) {
		size_t n = check_rand(&seed) % 400;

		for (size_t i = 0; i < n; i++)
			buf[i] = (uint8_t)check_rand(&seed);
		vlf_decode(buf, n, -1, &a);
		if (!in_range(&a)) {
			all_ok = 0;
			break;
		}
		n = vlf_encode(&a, buf, sizeof(buf));
		if (n != vlf_encoded_size(&a)) {
			all_ok = 0;
			break;
		}
		vlf_decode(buf, n, -1, &b);
		if (!same(&a, &b)) {
			all_ok = 0;
			break;
		}
	}
	CHECK(all_ok);

	/* Encoding refuses a buffer that is too small. */
	a.nops = 3;
	CHECK(vlf_encode(&a, buf, 5) == 0);

	CHECK(vlf_policy_from_name("virq-pending") == VLF_POLICY_VIRQ_PENDING);
	CHECK(vlf_policy_from_name("bogus") == -1);
	return CHECK_DONE();
}
