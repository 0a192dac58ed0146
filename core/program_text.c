#include "program_text.h"

#include <stdarg.h>
#include <string.h>

static const char *const apic_names[] = {
    [VLF_APIC_XAPIC] = "xapic",
    [VLF_APIC_X2APIC] = "x2apic",
};

static const char *const cr8_names[] = {"passthrough", "intercept"};
static const char *const trigger_names[] = {"edge", "level"};
static const char *const yes_no_names[] = {"no", "yes"};
static const char *const timer_mode_names[] = {"oneshot", "periodic"};
static const char *const divide_names[] = {"1", "2", "4", "8", "16", "32", "64", "128"};
static const char *const via_names[] = {"icr", "self-ipi"};
static const char *const dfr_model_names[] = {"flat", "cluster"};
static const char *const msi_mode_names[] = {"physical", "logical"};
static const char *const delivery_names[] = {"fixed", "lowest"};

#define NAME_OR_Q(tbl, i) ((unsigned)(i) < sizeof(tbl) / sizeof((tbl)[0]) ? (tbl)[i] : "?")

/* Only these registers are arrays of 8 words; the others are one value. */
static int reg_has_word(unsigned reg)
{
	return reg == VLF_REG_IRR || reg == VLF_REG_ISR || reg == VLF_REG_TMR;
}

int vlf_config_format(const struct vlf_config *cfg, char *buf, size_t cap)
{
	return snprintf(buf, cap, "config vcpus=%d policy=%s apic=%s cr8=%s", cfg->nvcpus,
	                vlf_policy_name(cfg->policy), NAME_OR_Q(apic_names, cfg->apic),
	                cfg->cr8_intercept ? "intercept" : "passthrough");
}

int vlf_op_format(const struct vlf_op *op, char *buf, size_t cap)
{
	const char *name = vlf_op_name((enum vlf_op_kind)op->kind);
	unsigned vcpu = op->vcpu;

	switch (op->kind) {
	case VLF_OP_CR8:
		return snprintf(buf, cap, "%s vcpu=%u value=%u", name, vcpu, op->value);
	case VLF_OP_TPR:
		return snprintf(buf, cap, "%s vcpu=%u value=0x%02x", name, vcpu, op->value);
	case VLF_OP_READ:
		if (reg_has_word(op->reg))
			return snprintf(buf, cap, "%s vcpu=%u reg=%s word=%u", name, vcpu,
			                vlf_reg_name((enum vlf_read_reg)op->reg), op->word);
		return snprintf(buf, cap, "%s vcpu=%u reg=%s", name, vcpu,
		                vlf_reg_name((enum vlf_read_reg)op->reg));
	case VLF_OP_IPI:
		if (op->dest == VLF_IPI_DEST)
			return snprintf(buf, cap, "%s vcpu=%u dest=vcpu%u vector=0x%02x", name,
			                vcpu, op->dest_vcpu, op->vector);
		return snprintf(buf, cap, "%s vcpu=%u dest=%s vector=0x%02x%s", name, vcpu,
		                vlf_ipi_dest_name((enum vlf_ipi_dest)op->dest), op->vector,
		                op->via_self_ipi ? " via=self-ipi" : "");
	case VLF_OP_NMI:
		if (op->dest == VLF_IPI_DEST)
			return snprintf(buf, cap, "%s vcpu=%u dest=vcpu%u", name, vcpu,
			                op->dest_vcpu);
		return snprintf(buf, cap, "%s vcpu=%u dest=%s", name, vcpu,
		                vlf_ipi_dest_name((enum vlf_ipi_dest)op->dest));
	case VLF_OP_LVT:
		return snprintf(buf, cap, "%s vcpu=%u vector=0x%02x mode=%s masked=%s", name, vcpu,
		                op->vector, op->periodic ? "periodic" : "oneshot",
		                op->masked ? "yes" : "no");
	case VLF_OP_TMICT:
		return snprintf(buf, cap, "%s vcpu=%u count=%u divide=%s", name, vcpu, op->count,
		                NAME_OR_Q(divide_names, op->divide_log2));
	case VLF_OP_WAIT:
		return snprintf(buf, cap, "%s ticks=%u", name, op->count);
	case VLF_OP_IPI_LOGICAL:
		return snprintf(buf, cap, "%s vcpu=%u mda=0x%02x vector=0x%02x", name, vcpu,
		                op->mda, op->vector);
	case VLF_OP_LDR:
		return snprintf(buf, cap, "%s vcpu=%u id=0x%02x", name, vcpu, op->value);
	case VLF_OP_DFR:
		return snprintf(buf, cap, "%s model=%s", name, op->value ? "cluster" : "flat");
	case VLF_OP_EXTINT:
		return snprintf(buf, cap, "%s vector=0x%02x", name, op->vector);
	case VLF_OP_MSI:
		return snprintf(buf, cap, "%s dest=0x%02x mode=%s delivery=%s vector=0x%02x", name,
		                op->mda, msi_mode_names[op->msi_logical & 1],
		                delivery_names[op->lowest & 1], op->vector);
	case VLF_OP_POST:
		return snprintf(buf, cap, "%s vcpu=%u vector=0x%02x trigger=%s", name, vcpu,
		                op->vector, op->level ? "level" : "edge");
	case VLF_OP_EXIT:
		return snprintf(buf, cap, "%s vcpu=%u reason=%s during-delivery=%s", name, vcpu,
		                vlf_exit_reason_name((enum vlf_exit_reason)op->reason),
		                op->during_delivery ? "yes" : "no");
	default:
		return snprintf(buf, cap, "%s vcpu=%u", name, vcpu);
	}
}

void vlf_program_print(const struct vlf_program *p, FILE *f)
{
	/* Every field is a byte or a fixed name, so no line comes near this. */
	char line[160];

	fputs("# vlapic-fuzz program\n", f);
	vlf_config_format(&p->cfg, line, sizeof(line));
	fprintf(f, "%s\n", line);
	for (size_t i = 0; i < p->nops; i++) {
		vlf_op_format(&p->ops[i], line, sizeof(line));
		fprintf(f, "%s\n", line);
	}
}

/* ---- parser ---- */

enum op_key {
	K_VCPU,
	K_VALUE,
	K_REG,
	K_WORD,
	K_VECTOR,
	K_DEST,
	K_TRIGGER,
	K_REASON,
	K_DURING,
	K_MODE,
	K_MASKED,
	K_COUNT,
	K_DIVIDE,
	K_TICKS,
	K_VIA,
	K_MDA,
	K_ID,
	K_MODEL,
	K_DELIVERY,
	K_OP_COUNT
};

static const char *const op_key_names[K_OP_COUNT] = {
    [K_VCPU] = "vcpu",         [K_VALUE] = "value",   [K_REG] = "reg",
    [K_WORD] = "word",         [K_VECTOR] = "vector", [K_DEST] = "dest",
    [K_TRIGGER] = "trigger",   [K_REASON] = "reason", [K_DURING] = "during-delivery",
    [K_MODE] = "mode",         [K_MASKED] = "masked", [K_COUNT] = "count",
    [K_DIVIDE] = "divide",     [K_TICKS] = "ticks",   [K_VIA] = "via",
    [K_MDA] = "mda",           [K_ID] = "id",         [K_MODEL] = "model",
    [K_DELIVERY] = "delivery",
};

#define KB(k) (1u << (k))

/* Keys each kind accepts; all of them are required except read's word. */
static unsigned op_keys(unsigned kind)
{
	switch (kind) {
	case VLF_OP_CR8:
	case VLF_OP_TPR:
		return KB(K_VCPU) | KB(K_VALUE);
	case VLF_OP_READ:
		return KB(K_VCPU) | KB(K_REG) | KB(K_WORD);
	case VLF_OP_IPI:
		return KB(K_VCPU) | KB(K_VECTOR) | KB(K_DEST) | KB(K_VIA);
	case VLF_OP_IPI_LOGICAL:
		return KB(K_VCPU) | KB(K_VECTOR) | KB(K_MDA);
	case VLF_OP_LDR:
		return KB(K_VCPU) | KB(K_ID);
	case VLF_OP_DFR:
		return KB(K_MODEL); /* every vCPU: the SDM wants one model for all */
	case VLF_OP_NMI:
		return KB(K_VCPU) | KB(K_DEST);
	case VLF_OP_POST:
		return KB(K_VCPU) | KB(K_VECTOR) | KB(K_TRIGGER);
	case VLF_OP_EXIT:
		return KB(K_VCPU) | KB(K_REASON) | KB(K_DURING);
	case VLF_OP_LVT:
		return KB(K_VCPU) | KB(K_VECTOR) | KB(K_MODE) | KB(K_MASKED);
	case VLF_OP_TMICT:
		return KB(K_VCPU) | KB(K_COUNT) | KB(K_DIVIDE);
	case VLF_OP_WAIT:
		return KB(K_TICKS); /* time passes for every vCPU */
	case VLF_OP_MSI:
		return KB(K_DEST) | KB(K_MODE) | KB(K_DELIVERY) | KB(K_VECTOR); /* a device's */
	case VLF_OP_EXTINT:
		return KB(K_VECTOR); /* the 8259's, to the BSP */
	default:
		return KB(K_VCPU);
	}
}

enum cfg_key { C_VCPUS, C_POLICY, C_APIC, C_CR8, C_COUNT };

static const char *const cfg_key_names[C_COUNT] = {"vcpus", "policy", "apic", "cr8"};

struct parser {
	const char *filename;
	unsigned long line;
	char *err;
	size_t errcap;
	int nvcpus; /* 0 until the config line */
	enum vlf_apic_mode apic;
	unsigned long config_line;
};

static int fail(struct parser *ps, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!ps->err || ps->errcap == 0)
		return -1;
	n = snprintf(ps->err, ps->errcap, "%s:%lu: ", ps->filename, ps->line);
	if (n >= 0 && (size_t)n < ps->errcap) {
		va_start(ap, fmt);
		vsnprintf(ps->err + n, ps->errcap - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Quote user text in errors without letting a 500-char token drown them. */
#define TOK_SHOW   40
#define TOK_FMT    "'%.*s%s'"
#define TOK_ARG(s) TOK_SHOW, (s), (strlen(s) > TOK_SHOW ? "..." : "")

static int find_name(const char *s, const char *const *names, int count)
{
	for (int i = 0; i < count; i++)
		if (names[i] && strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

/* Decimal or 0x-hex, no sign. Values past 32 bits saturate: all of them are
 * out of every range anyway, and the error quotes the text, not the value. */
static int parse_number(const char *s, unsigned long long *out)
{
	unsigned long long v = 0;
	unsigned base = 10;
	const char *p = s;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	if (*p == '\0')
		return -1;
	for (; *p; p++) {
		unsigned d;

		if (*p >= '0' && *p <= '9')
			d = (unsigned)(*p - '0');
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = (unsigned)(*p - 'a' + 10);
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = (unsigned)(*p - 'A' + 10);
		else
			return -1;
		v = v * base + d;
		if (v > 0xffffffffull)
			v = 0x100000000ull;
	}
	*out = v;
	return 0;
}

static int get_number(struct parser *ps, const char *key, const char *s, unsigned lo, unsigned hi,
                      unsigned *out)
{
	unsigned long long v = 0;

	if (parse_number(s, &v) < 0)
		return fail(ps, "bad number " TOK_FMT " for '%s'", TOK_ARG(s), key);
	if (v < lo || v > hi)
		return fail(ps, "%s %.*s%s out of range %u..%u", key, TOK_ARG(s), lo, hi);
	*out = (unsigned)v;
	return 0;
}

static int get_name(struct parser *ps, const char *key, const char *s, const char *const *names,
                    int count, unsigned *out)
{
	char expect[128];
	size_t n = 0;
	int i = find_name(s, names, count);

	if (i >= 0) {
		*out = (unsigned)i;
		return 0;
	}
	expect[0] = '\0';
	for (int j = 0; j < count && n < sizeof(expect); j++) {
		int w = snprintf(expect + n, sizeof(expect) - n, "%s%s", j ? "|" : "", names[j]);

		if (w > 0)
			n += (size_t)w;
	}
	return fail(ps, "bad value " TOK_FMT " for '%s' (expected %s)", TOK_ARG(s), key, expect);
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Next blank-separated token of *p, NUL-terminated in place; NULL at the end. */
static char *next_token(char **p)
{
	char *s = *p, *tok;

	while (is_blank(*s))
		s++;
	if (*s == '\0') {
		*p = s;
		return NULL;
	}
	tok = s;
	while (*s && !is_blank(*s))
		s++;
	if (*s)
		*s++ = '\0';
	*p = s;
	return tok;
}

/*
 * Split "key=value" tokens into vals[] by key index. Syntax, unknown and
 * duplicate keys are reported left to right, then missing ones.
 */
static int collect_keys(struct parser *ps, char *rest, const char *what, const char *const *names,
                        int nnames, unsigned allowed, unsigned required, const char **vals)
{
	char *tok;

	for (int i = 0; i < nnames; i++)
		vals[i] = NULL;
	while ((tok = next_token(&rest)) != NULL) {
		char *eq = strchr(tok, '=');
		int k;

		if (!eq || eq == tok || eq[1] == '\0')
			return fail(ps, "expected key=value, got " TOK_FMT, TOK_ARG(tok));
		*eq = '\0';
		k = find_name(tok, names, nnames);
		if (k < 0 || !(allowed & KB(k)))
			return fail(ps, "unknown key " TOK_FMT " for '%s'", TOK_ARG(tok), what);
		if (vals[k])
			return fail(ps, "duplicate key '%s' for '%s'", names[k], what);
		vals[k] = eq + 1;
	}
	for (int i = 0; i < nnames; i++)
		if ((required & KB(i)) && !vals[i])
			return fail(ps, "missing key '%s' for '%s'", names[i], what);
	return 0;
}

static int parse_config(struct parser *ps, char *rest, struct vlf_config *cfg)
{
	const char *policies[VLF_POLICY_COUNT];
	const char *v[C_COUNT];
	const unsigned all = KB(C_COUNT) - 1;
	unsigned x = 0;

	for (int i = 0; i < VLF_POLICY_COUNT; i++)
		policies[i] = vlf_policy_name((enum vlf_policy)i);
	if (collect_keys(ps, rest, "config", cfg_key_names, C_COUNT, all, all, v) < 0)
		return -1;
	if (get_number(ps, "vcpus", v[C_VCPUS], 1, VLF_MAX_VCPUS, &x) < 0)
		return -1;
	cfg->nvcpus = (int)x;
	if (get_name(ps, "policy", v[C_POLICY], policies, VLF_POLICY_COUNT, &x) < 0)
		return -1;
	cfg->policy = (enum vlf_policy)x;
	if (get_name(ps, "apic", v[C_APIC], apic_names, 2, &x) < 0)
		return -1;
	cfg->apic = (enum vlf_apic_mode)x;
	if (get_name(ps, "cr8", v[C_CR8], cr8_names, 2, &x) < 0)
		return -1;
	cfg->cr8_intercept = (int)x;
	ps->nvcpus = cfg->nvcpus;
	ps->apic = cfg->apic;
	return 0;
}

static int parse_dest(struct parser *ps, const char *s, struct vlf_op *op)
{
	static const char *const shorthands[] = {[VLF_IPI_SELF] = "self",
	                                         [VLF_IPI_ALL] = "all",
	                                         [VLF_IPI_ALL_BUT_SELF] = "all-but-self"};
	unsigned long long v = 0;
	int i;

	if (strncmp(s, "vcpu", 4) == 0 && parse_number(s + 4, &v) == 0) {
		if (v >= (unsigned long long)ps->nvcpus)
			return fail(ps, "dest " TOK_FMT " does not exist (config has %d vCPU%s)",
			            TOK_ARG(s), ps->nvcpus, ps->nvcpus == 1 ? "" : "s");
		op->dest = VLF_IPI_DEST;
		op->dest_vcpu = (uint8_t)v;
		return 0;
	}
	i = find_name(s, shorthands, 4);
	if (i < 0)
		return fail(ps, "bad value " TOK_FMT " for 'dest' (expected %s)", TOK_ARG(s),
		            "vcpu<N>|self|all|all-but-self");
	op->dest = (uint8_t)i;
	return 0;
}

static int parse_read(struct parser *ps, const char **v, struct vlf_op *op)
{
	const char *regs[VLF_REG_COUNT];
	unsigned x = 0;

	for (int i = 0; i < VLF_REG_COUNT; i++)
		regs[i] = vlf_reg_name((enum vlf_read_reg)i);
	if (get_name(ps, "reg", v[K_REG], regs, VLF_REG_COUNT, &x) < 0)
		return -1;
	op->reg = (uint8_t)x;
	if (!reg_has_word(x)) {
		if (v[K_WORD])
			return fail(ps,
			            "key 'word' not allowed for 'read reg=%s' (only irr|isr|tmr)",
			            regs[x]);
		return 0;
	}
	if (!v[K_WORD])
		return fail(ps, "missing key 'word' for 'read reg=%s'", regs[x]);
	if (get_number(ps, "word", v[K_WORD], 0, 7, &x) < 0)
		return -1;
	op->word = (uint8_t)x;
	return 0;
}

static int parse_msi(struct parser *ps, const char **v, struct vlf_op *op)
{
	unsigned x = 0;

	if (get_number(ps, "dest", v[K_DEST], 0, 255, &x) < 0)
		return -1;
	op->mda = (uint8_t)x;
	if (get_name(ps, "mode", v[K_MODE], msi_mode_names, 2, &x) < 0)
		return -1;
	op->msi_logical = (uint8_t)x;
	if (op->msi_logical && ps->apic != VLF_APIC_XAPIC)
		return fail(ps, "msi mode=logical needs apic=xapic (an x2APIC logical "
		                "destination does not fit the MSI's 8 bits)");
	if (get_name(ps, "delivery", v[K_DELIVERY], delivery_names, 2, &x) < 0)
		return -1;
	op->lowest = (uint8_t)x;
	if (op->lowest && op->mda == 0xff)
		return fail(ps, "msi delivery=lowest with dest=0xff (the broadcast) has no "
		                "defined meaning; give one destination or delivery=fixed");
	if (get_number(ps, "vector", v[K_VECTOR], 0, 255, &x) < 0)
		return -1;
	op->vector = (uint8_t)x;
	return 0;
}

static int parse_op(struct parser *ps, unsigned kind, char *rest, struct vlf_op *op)
{
	const char *reasons[VLF_EXITR_COUNT];
	const char *name = vlf_op_name((enum vlf_op_kind)kind);
	const char *v[K_OP_COUNT];
	unsigned keys = op_keys(kind), x = 0;
	unsigned long long n = 0;

	if (collect_keys(ps, rest, name, op_key_names, K_OP_COUNT, keys,
	                 keys & ~(KB(K_WORD) | KB(K_VIA)), v) < 0)
		return -1;
	memset(op, 0, sizeof(*op));
	op->kind = (uint8_t)kind;
	if (kind == VLF_OP_WAIT) {
		if (get_number(ps, "ticks", v[K_TICKS], 0, 65535, &x) < 0)
			return -1;
		op->count = (uint16_t)x;
		return 0;
	}
	if (kind == VLF_OP_DFR) {
		if (get_name(ps, "model", v[K_MODEL], dfr_model_names, 2, &x) < 0)
			return -1;
		op->value = (uint8_t)x;
		return 0;
	}
	if (kind == VLF_OP_MSI)
		return parse_msi(ps, v, op);
	if (kind == VLF_OP_EXTINT) {
		if (get_number(ps, "vector", v[K_VECTOR], 0, 255, &x) < 0)
			return -1;
		op->vector = (uint8_t)x;
		return 0;
	}
	if (parse_number(v[K_VCPU], &n) < 0)
		return fail(ps, "bad number " TOK_FMT " for 'vcpu'", TOK_ARG(v[K_VCPU]));
	if (n >= (unsigned long long)ps->nvcpus)
		return fail(ps, "vcpu %.*s%s does not exist (config has %d vCPU%s)",
		            TOK_ARG(v[K_VCPU]), ps->nvcpus, ps->nvcpus == 1 ? "" : "s");
	op->vcpu = (uint8_t)n;

	switch (kind) {
	case VLF_OP_CR8:
	case VLF_OP_TPR:
		if (get_number(ps, "value", v[K_VALUE], 0, kind == VLF_OP_CR8 ? 15 : 255, &x) < 0)
			return -1;
		op->value = (uint8_t)x;
		return 0;
	case VLF_OP_READ:
		return parse_read(ps, v, op);
	case VLF_OP_IPI:
		if (parse_dest(ps, v[K_DEST], op) < 0)
			return -1;
		if (get_number(ps, "vector", v[K_VECTOR], 0, 255, &x) < 0)
			return -1;
		op->vector = (uint8_t)x;
		if (v[K_VIA] && get_name(ps, "via", v[K_VIA], via_names, 2, &x) < 0)
			return -1;
		op->via_self_ipi = v[K_VIA] && x;
		if (op->via_self_ipi && (op->dest != VLF_IPI_SELF || ps->apic != VLF_APIC_X2APIC))
			return fail(ps,
			            "via=self-ipi needs dest=self and apic=x2apic (the SELF IPI "
			            "register is x2APIC's)");
		return 0;
	case VLF_OP_IPI_LOGICAL:
		if (get_number(ps, "mda", v[K_MDA], 0, 255, &x) < 0)
			return -1;
		op->mda = (uint8_t)x;
		if (get_number(ps, "vector", v[K_VECTOR], 0, 255, &x) < 0)
			return -1;
		op->vector = (uint8_t)x;
		return 0;
	case VLF_OP_LDR:
		if (get_number(ps, "id", v[K_ID], 0, 255, &x) < 0)
			return -1;
		op->value = (uint8_t)x;
		return 0;
	case VLF_OP_NMI:
		if (parse_dest(ps, v[K_DEST], op) < 0)
			return -1;
		if (op->dest == VLF_IPI_SELF || op->dest == VLF_IPI_ALL)
			return fail(ps,
			            "'nmi dest=%s' is an invalid ICR combination (that shorthand "
			            "allows fixed delivery only); write dest=vcpuN or all-but-self",
			            vlf_ipi_dest_name((enum vlf_ipi_dest)op->dest));
		return 0;
	case VLF_OP_POST:
		if (get_number(ps, "vector", v[K_VECTOR], 0, 255, &x) < 0)
			return -1;
		op->vector = (uint8_t)x;
		if (get_name(ps, "trigger", v[K_TRIGGER], trigger_names, 2, &x) < 0)
			return -1;
		op->level = (uint8_t)x;
		return 0;
	case VLF_OP_EXIT:
		for (int i = 0; i < VLF_EXITR_COUNT; i++)
			reasons[i] = vlf_exit_reason_name((enum vlf_exit_reason)i);
		if (get_name(ps, "reason", v[K_REASON], reasons, VLF_EXITR_COUNT, &x) < 0)
			return -1;
		op->reason = (uint8_t)x;
		if (get_name(ps, "during-delivery", v[K_DURING], yes_no_names, 2, &x) < 0)
			return -1;
		op->during_delivery = (uint8_t)x;
		return 0;
	case VLF_OP_LVT:
		if (get_number(ps, "vector", v[K_VECTOR], 0, 255, &x) < 0)
			return -1;
		op->vector = (uint8_t)x;
		if (get_name(ps, "mode", v[K_MODE], timer_mode_names, 2, &x) < 0)
			return -1;
		op->periodic = (uint8_t)x;
		if (get_name(ps, "masked", v[K_MASKED], yes_no_names, 2, &x) < 0)
			return -1;
		op->masked = (uint8_t)x;
		return 0;
	case VLF_OP_TMICT:
		if (get_number(ps, "count", v[K_COUNT], 0, VLF_TMICT_MAX, &x) < 0)
			return -1;
		op->count = (uint16_t)x;
		if (get_name(ps, "divide", v[K_DIVIDE], divide_names, 8, &x) < 0)
			return -1;
		op->divide_log2 = (uint8_t)x;
		return 0;
	default:
		return 0;
	}
}

static int find_op(const char *s)
{
	for (int i = 0; i < VLF_OP_COUNT; i++)
		if (strcmp(s, vlf_op_name((enum vlf_op_kind)i)) == 0)
			return i;
	return -1;
}

static int parse_line(struct parser *ps, char *line, struct vlf_program *p)
{
	char *hash = strchr(line, '#');
	char *rest = line, *name;
	int kind;

	if (hash)
		*hash = '\0';
	name = next_token(&rest);
	if (!name)
		return 0;
	if (strcmp(name, "config") == 0) {
		if (ps->config_line)
			return fail(ps, "second config line (the first is line %lu)",
			            ps->config_line);
		if (parse_config(ps, rest, &p->cfg) < 0)
			return -1;
		ps->config_line = ps->line;
		return 0;
	}
	kind = find_op(name);
	if (kind < 0)
		return fail(ps, "unknown operation " TOK_FMT, TOK_ARG(name));
	if (!ps->config_line)
		return fail(ps, "no config line before operation '%s'", name);
	if (p->nops >= VLF_MAX_OPS)
		return fail(ps, "more than %d operations", VLF_MAX_OPS);
	if (parse_op(ps, (unsigned)kind, rest, &p->ops[p->nops]) < 0)
		return -1;
	p->nops++;
	return 0;
}

/* Tabs and line ends are text; any other control byte means someone fed us
 * a binary program, and that beats whatever else the bytes would trip on. */
static int check_binary(struct parser *ps, const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c == '\n')
			ps->line++;
		else if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f)
			return fail(ps, "binary data in a text program (byte 0x%02x)", c);
	}
	ps->line = 1;
	return 0;
}

int vlf_program_parse(const char *text, size_t len, const char *filename, struct vlf_program *out,
                      char *err, size_t errcap)
{
	struct parser ps = {
	    .filename = filename ? filename : "<input>",
	    .line = 1,
	    .err = err,
	    .errcap = errcap,
	};
	char buf[VLF_TEXT_LINE_MAX + 1];
	size_t pos = 0;

	if (err && errcap)
		err[0] = '\0';
	memset(out, 0, sizeof(*out));
	if (check_binary(&ps, text, len) < 0)
		return -1;
	for (; pos < len; ps.line++) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;
		size_t n = end - pos;

		if (n > 0 && text[end - 1] == '\r')
			n--;
		if (n > VLF_TEXT_LINE_MAX)
			return fail(&ps, "line too long (%zu chars, limit %d)", n,
			            VLF_TEXT_LINE_MAX);
		memcpy(buf, text + pos, n);
		buf[n] = '\0';
		if (parse_line(&ps, buf, out) < 0)
			return -1;
		pos = end + 1;
	}
	if (!ps.config_line) {
		ps.line = 1;
		return fail(&ps, "empty program: no config line");
	}
	return 0;
}

int vlf_looks_like_text(const uint8_t *data, size_t size)
{
	size_t i = 0;

	while (i < size) {
		while (i < size && is_blank((char)data[i]))
			i++;
		if (i < size && data[i] == '#')
			while (i < size && data[i] != '\n')
				i++;
		if (i < size && data[i] == '\n') {
			i++;
			continue;
		}
		return size - i > 6 && memcmp(data + i, "config", 6) == 0 &&
		       (data[i + 6] == ' ' || data[i + 6] == '\t');
	}
	return 0;
}
