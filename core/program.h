/*
 * A program: the configuration of a VM and a sequence of operations over
 * its vCPUs, guest and devices. The fuzzer's bytes decode into one (every
 * byte string is a valid program); people read and edit the text form.
 *
 * Binary form:
 *   byte 0      config: bits 0-1 nvcpus-1, bits 2-3 policy (3 reads as
 *               eventinj), bit 4 x2APIC, bit 5 CR8 writes intercepted;
 *               bits 6-7 ignored
 *   then 3 bytes per operation [k][a][b]:
 *               kind = (k & 0x1f) % VLF_OP_COUNT, vcpu = (k >> 5 & 3) % nvcpus,
 *               a and b as below per kind.
 *   A trailing partial operation is ignored, as is anything past
 *   VLF_MAX_OPS operations.
 */
#ifndef VLF_PROGRAM_H
#define VLF_PROGRAM_H

#include <stddef.h>
#include <stdint.h>

#include "target.h"

#define VLF_MAX_OPS           1024
#define VLF_HDR_CR8_INTERCEPT 0x20u
#define VLF_OP_BYTES          3

enum vlf_op_kind {
	VLF_OP_RUN,         /* VMRUN if in host, else one guest instruction */
	VLF_OP_NOP,         /* one guest instruction (VMRUN first if in host) */
	VLF_OP_STI,         /* guest STI: IF=1, one-instruction shadow */
	VLF_OP_CLI,         /* guest CLI */
	VLF_OP_CR8,         /* guest MOV CR8 <- value (0..15) */
	VLF_OP_TPR,         /* guest writes LAPIC TPR <- value (0..255) */
	VLF_OP_EOI,         /* guest writes LAPIC EOI */
	VLF_OP_READ,        /* guest reads a LAPIC register (or CR8) */
	VLF_OP_HLT,         /* guest HLT (intercepted: #VMEXIT HLT) */
	VLF_OP_ACK,         /* the running handler does its work ("acks" the sender) */
	VLF_OP_IRET,        /* the running handler returns: IF restored */
	VLF_OP_IPI,         /* the guest on vcpu writes its ICR */
	VLF_OP_POST,        /* a device posts a vector to vcpu (not a guest action) */
	VLF_OP_EXIT,        /* #VMEXIT of vcpu with a chosen reason */
	VLF_OP_NMI,         /* the guest on vcpu writes its ICR: delivery mode NMI */
	VLF_OP_LVT,         /* the guest writes its LVT timer register */
	VLF_OP_TMICT,       /* the guest writes DCR, then the timer's initial count */
	VLF_OP_WAIT,        /* time passes (no guest instruction runs meanwhile) */
	VLF_OP_IPI_LOGICAL, /* an IPI in logical destination mode */
	VLF_OP_LDR,         /* the guest writes its logical APIC ID (xAPIC) */
	VLF_OP_DFR,         /* every vCPU writes its DFR: flat or cluster (xAPIC) */
	VLF_OP_MSI,         /* a device writes an MSI (not a guest action) */
	VLF_OP_EXTINT,      /* the 8259 raises INTR on vCPU 0's LINT0 (ExtINT) */
	VLF_OP_COUNT
};

enum vlf_read_reg {
	VLF_REG_IRR,
	VLF_REG_ISR,
	VLF_REG_TMR,
	VLF_REG_TPR,
	VLF_REG_PPR,
	VLF_REG_CR8,
	VLF_REG_CCR, /* the timer's current count */
	VLF_REG_LDR,
	VLF_REG_LVT_TIMER,
	VLF_REG_TMICT,
	VLF_REG_ID,
	VLF_REG_COUNT
};

enum vlf_ipi_dest {
	VLF_IPI_DEST = 0,         /* physical destination = dest vcpu */
	VLF_IPI_SELF = 1,         /* shorthand self */
	VLF_IPI_ALL = 2,          /* shorthand all including self */
	VLF_IPI_ALL_BUT_SELF = 3, /* shorthand all excluding self */
};

enum vlf_exit_reason {
	VLF_EXITR_INTR = 0, /* physical interrupt (a kick): RIP not advanced */
	VLF_EXITR_IO = 1,   /* an intercepted instruction: host advances RIP */
	VLF_EXITR_NPF = 2,  /* a nested page fault the host resolves */
	VLF_EXITR_COUNT
};

/*
 * Decoded operation. Fields not used by a kind are zero, which keeps the
 * encoding canonical:
 *   CR8:  value 0..15            TPR: value 0..255
 *   READ: reg, word 0..7 (IRR/ISR/TMR only)
 *   IPI:  vector, dest shorthand, dest_vcpu (VLF_IPI_DEST only)
 *         a = vector, b = shorthand | dest_vcpu << 2
 *   NMI:  dest shorthand, dest_vcpu as IPI (the ICR vector is ignored)
 *         b = shorthand | dest_vcpu << 2
 *   POST: vector, level           a = vector, b = level
 *   LVT:  vector, periodic, masked a = vector, b = periodic | masked << 1
 *   TMICT: count 0..8191 (0 stops the timer), divide_log2 0..7 (the timer
 *         counts once every 2^divide_log2 ticks)
 *         a = count & 0xff, b = count >> 8 | divide_log2 << 5
 *   WAIT: ticks 0..65535 of the timer's input clock; vcpu is always 0
 *         a = ticks & 0xff, b = ticks >> 8
 *   IPI_LOGICAL: vector, mda (the message destination address: xAPIC
 *         ICR[63:56]; in x2APIC mode cluster mda >> 4, members mda & 0xf;
 *         0xff is the broadcast)   a = vector, b = mda
 *   LDR:  value = logical APIC ID (LDR[31:24])   a = value
 *   DFR:  value = 0 flat, 1 cluster; vcpu is always 0   a = value
 *   IPI via the x2APIC SELF IPI register instead of the ICR: via_self_ipi,
 *         only with dest self in an x2APIC program   b bit 4
 *   EXIT: reason, during_delivery a = reason, b = during_delivery
 *   EXTINT: vector (what the 8259 answers at INTA); vcpu is always 0
 *         a = vector
 *   MSI:  vector, mda (the 8-bit destination ID of the MSI address),
 *         msi_logical (RH = DM = 1: logical; xAPIC programs only), lowest
 *         (delivery mode lowest priority, else fixed; never with the
 *         broadcast 0xff, where it would mean every CPU or one); vcpu is
 *         always 0, its two bits in the kind byte are msi_logical | lowest << 1
 *         a = vector, b = mda
 */
struct vlf_op {
	uint8_t kind;
	uint8_t vcpu;
	uint8_t vector;
	uint8_t value;
	uint8_t reg;
	uint8_t word;
	uint8_t dest;
	uint8_t dest_vcpu;
	uint8_t level;
	uint8_t reason;
	uint8_t during_delivery;
	uint8_t periodic;
	uint8_t masked;
	uint8_t divide_log2;
	uint16_t count; /* TMICT: initial count; WAIT: ticks */
	uint8_t mda;
	uint8_t via_self_ipi;
	uint8_t msi_logical;
	uint8_t lowest;
};

#define VLF_TMICT_MAX 8191u

struct vlf_program {
	struct vlf_config cfg;
	size_t nops;
	struct vlf_op ops[VLF_MAX_OPS];
};

/* Decode fuzzer bytes; never fails. force_policy < 0 keeps the header's. */
void vlf_decode(const uint8_t *data, size_t size, int force_policy, struct vlf_program *out);
/* Canonical binary form; returns the number of bytes written (<= cap). */
size_t vlf_encode(const struct vlf_program *p, uint8_t *out, size_t cap);
/* Bytes needed to encode p. */
size_t vlf_encoded_size(const struct vlf_program *p);

/* Header byte with the policy bits replaced (used by the fuzzer's mutator). */
uint8_t vlf_header_with_policy(uint8_t header, enum vlf_policy policy);

const char *vlf_op_name(enum vlf_op_kind kind);
const char *vlf_policy_name(enum vlf_policy policy);
int vlf_policy_from_name(const char *name); /* -1 if unknown */
const char *vlf_reg_name(enum vlf_read_reg reg);
const char *vlf_exit_reason_name(enum vlf_exit_reason r);
const char *vlf_ipi_dest_name(enum vlf_ipi_dest d);

#endif
