#include "trace.h"

#include <stdarg.h>

#include "bitmap256.h"
#include "program_text.h"

void vlf_trace_op(struct vlf_machine *m, const struct vlf_op *op)
{
	char line[128];

	vlf_op_format(op, line, sizeof(line));
	if (m->draining)
		fprintf(m->trace, "[drain] %s\n", line);
	else
		fprintf(m->trace, "[%zu] %s\n", m->step, line);
}

void vlf_trace_event(struct vlf_machine *m, int vcpu, const char *fmt, ...)
{
	va_list ap;

	fprintf(m->trace, "      vcpu%d: ", vcpu);
	va_start(ap, fmt);
	vfprintf(m->trace, fmt, ap);
	va_end(ap);
	fputc('\n', m->trace);
}

static void print_vectors(FILE *f, const char *name, const uint32_t *bm)
{
	int first = 1;

	fprintf(f, " %s={", name);
	for (int v = 255; v >= 0; v--) {
		if (!bm_test(bm, (unsigned)v))
			continue;
		fprintf(f, first ? "%02x" : ",%02x", v);
		first = 0;
	}
	fputc('}', f);
}

void vlf_trace_timeline(struct vlf_machine *m)
{
	FILE *f = m->trace;

	for (int v = 0; v < m->cfg.nvcpus; v++) {
		const struct vlf_cpu *c = &m->cpu[v];
		const struct vlf_ref_lapic *r = &m->oracle.cpu[v].ref;
		const struct vlf_guest *g = &m->guest[v];
		struct vlf_lapic_view t;
		struct vlf_vmcb vmcb;

		m->ops->peek(m->t, v, &t);
		if (c->in_guest)
			vmcb = c->vmcb;
		else
			m->ops->vmcb_load(m->t, v, &vmcb);
		fprintf(f, "   | vcpu%d %s IF=%d", v, c->in_guest ? "guest" : "host ",
		        (vmcb.rflags & VLF_RFLAGS_IF) != 0);
		fprintf(f, " handlers=[");
		for (int i = 0; i < g->depth; i++)
			fprintf(f, i ? ",%02x" : "%02x", g->vector[i]);
		fprintf(f, "] | target");
		print_vectors(f, "irr", t.irr);
		print_vectors(f, "isr", t.isr);
		fprintf(f, " tpr=%02x ppr=%02x | hardware", t.tpr, t.ppr);
		print_vectors(f, "irr", r->irr);
		print_vectors(f, "isr", r->isr);
		fprintf(f, " tpr=%02x ppr=%02x | V_IRQ=%u vec=%02x V_TPR=%x\n", r->tpr,
		        vlf_ref_ppr(r), vmcb.v_irq, vmcb.v_intr_vector, vmcb.v_tpr);
	}
}

const char *vlf_evt_str(uint64_t evt, char *buf, size_t cap)
{
	static const char *const types[8] = {"intr",    "?1", "nmi", "exception",
	                                     "softint", "?5", "?6",  "?7"};

	if (!(evt & VLF_EVT_VALID))
		snprintf(buf, cap, "-");
	else
		snprintf(buf, cap, "0x%02x(%s)", VLF_EVT_VECTOR(evt), types[VLF_EVT_TYPE(evt)]);
	return buf;
}

const char *vlf_vector_str(int vector, char *buf, size_t cap)
{
	if (vector >= 0)
		snprintf(buf, cap, "0x%02x", (unsigned)vector);
	else
		snprintf(buf, cap, "%s", vector == -1 ? "none" : "several");
	return buf;
}

const char *vlf_exitcode_name(uint64_t code)
{
	switch (code) {
	case VLF_EXIT_CR8_WRITE:
		return "CR8_WRITE";
	case VLF_EXIT_INTR:
		return "INTR";
	case VLF_EXIT_VINTR:
		return "VINTR";
	case VLF_EXIT_IRET:
		return "IRET";
	case VLF_EXIT_EXCP_DB:
		return "EXCP_DB";
	case VLF_EXIT_HLT:
		return "HLT";
	case VLF_EXIT_IOIO:
		return "IOIO";
	case VLF_EXIT_MSR:
		return "MSR";
	case VLF_EXIT_NPF:
		return "NPF";
	default:
		return "?";
	}
}
