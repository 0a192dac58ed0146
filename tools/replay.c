/*
 * Standalone replay: runs program files (binary or text form) or directories
 * of them against the target linked in, with no fuzzing engine.
 *
 * Exit status: 0 every input clean (or as expected), 1 a violation (or a
 * verdict other than the expected one), 2 bad usage or unreadable input.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "machine.h"
#include "program_text.h"

#define EXIT_VIOLATION 1
#define EXIT_BAD_INPUT 2

struct options {
	int force_policy;
	int force_cr8; /* -1: as the program says */
	int trace;
	int timeline;
	int print;
	int quiet;
	int check_expect;
	int signature;
	const char *expect;
	const char *binary_out;
	const char *minimize_out;
	uint32_t suppress;
};

static struct vlf_program program;

static void usage(FILE *f, const char *argv0)
{
	fprintf(f,
	        "usage: %s [options] <file|dir>...\n"
	        "Replays vlapic-fuzz programs (binary or text form) against the %s target.\n"
	        "  --policy=NAME     force the injection policy (virq, virq-pending, eventinj)\n"
	        "  --trace           print what happened at each step\n"
	        "  --timeline        --trace plus each vCPU's LAPIC/VMCB state after every step\n"
	        "  --print           print each program in text form instead of running it\n"
	        "  --binary=OUT      write the (single) program's binary form to OUT\n"
	        "  --expect=VERDICT  clean, violation, or an invariant name\n"
	        "  --check-expect    take the expected verdict from a '# expect: ...' line\n"
	        "  --signature       print the violation's signature: invariant, state class\n"
	        "                    of the vector, step, vcpu (one input)\n"
	        "  --minimize=OUT    delete operations and vCPUs while the signature holds;\n"
	        "                    write the smallest program's binary form to OUT (one input)\n"
	        "  --cr8=MODE        force CR8 writes intercept|passthrough (also VLF_CR8)\n"
	        "  --suppress=SITE,.. let violations at these oracle sites pass (known findings;\n"
	        "                    also from the environment variable VLF_SUPPRESS)\n"
	        "  -q                print violations only\n"
	        "exit status: 0 clean/as expected, 1 violation/unexpected verdict, 2 bad input\n",
	        argv0, vlf_target_get()->name);
}

static int valid_verdict(const char *v)
{
	if (strcmp(v, "clean") == 0 || strcmp(v, "violation") == 0)
		return 1;
	for (int i = 1; i < VLF_INV_COUNT; i++)
		if (strcmp(v, vlf_invariant_name((enum vlf_invariant)i)) == 0)
			return 1;
	return 0;
}

/* The "# expect: <verdict>" line of a text program, if any. */
static int read_expectation(const char *path, char *out, size_t cap)
{
	FILE *f = fopen(path, "r");
	char line[VLF_TEXT_LINE_MAX + 2];
	int found = 0;

	if (f == NULL)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		char *p = line;
		size_t len;

		if (strncmp(p, "# expect:", 9) != 0)
			continue;
		p += 9;
		while (*p == ' ' || *p == '\t')
			p++;
		len = strcspn(p, " \t\r\n");
		if (len >= cap)
			len = cap - 1;
		memcpy(out, p, len);
		out[len] = '\0';
		found = 1;
	}
	fclose(f);
	return found;
}

static int verdict_matches(const char *expect, const struct vlf_violation *v)
{
	if (strcmp(expect, "clean") == 0)
		return v == NULL;
	if (strcmp(expect, "violation") == 0)
		return v != NULL;
	return v != NULL && strcmp(expect, vlf_invariant_name(v->inv)) == 0;
}

static int write_binary(const char *out)
{
	static uint8_t buf[1 + VLF_MAX_OPS * VLF_OP_BYTES];
	size_t n = vlf_encode(&program, buf, sizeof(buf));
	FILE *f = fopen(out, "wb");

	if (f == NULL) {
		fprintf(stderr, "%s: cannot write: %s\n", out, strerror(errno));
		return EXIT_BAD_INPUT;
	}
	if (fwrite(buf, 1, n, f) != n || fclose(f) != 0) {
		fprintf(stderr, "%s: write failed\n", out);
		return EXIT_BAD_INPUT;
	}
	return 0;
}

/* ---- signature and op-level minimizer ----
 *
 * A violation's signature is its invariant plus the state class of its
 * vector: what the reference hardware and the target held for that vector on
 * that vCPU just before the step that matters. For lost-vector that step is
 * the last request real hardware would have latched (its IRR bit clear); for
 * the other invariants it is the step at which the check broke. Invariants
 * that are not about one vector are classed by the operation that broke
 * them (e.g. read-ppr, eoi). The states come from the --timeline output.
 */

struct vec_state {
	unsigned char t_irr, t_isr, h_irr, h_isr;
};

struct sig {
	enum vlf_invariant inv;
	int vcpu, vector;
	long step;    /* program step (0-based), -1 if in the drain */
	char cls[48]; /* state class */
	char op[128]; /* the operation at that step */
	char verdict[300];
};

/* The two-digit hex vectors of "name={a,b,...}" in line: is vector in it? */
static int set_has(const char *line, const char *name, int vector)
{
	char key[16];
	const char *p;

	snprintf(key, sizeof(key), " %s={", name);
	p = strstr(line, key);
	if (p == NULL)
		return 0;
	p += strlen(key);
	while (*p && *p != '}') {
		unsigned v;

		if (sscanf(p, "%2x", &v) == 1 && (int)v == vector)
			return 1;
		while (*p && *p != ',' && *p != '}')
			p++;
		if (*p == ',')
			p++;
	}
	return 0;
}

static void parse_state(const char *line, int vector, struct vec_state *st)
{
	const char *tgt = strstr(line, "| target");
	const char *hw = strstr(line, "| hardware");
	char part[512];
	size_t n;

	memset(st, 0, sizeof(*st));
	if (tgt == NULL || hw == NULL || hw < tgt)
		return;
	n = (size_t)(hw - tgt) < sizeof(part) - 1 ? (size_t)(hw - tgt) : sizeof(part) - 1;
	memcpy(part, tgt, n);
	part[n] = '\0';
	st->t_irr = (unsigned char)set_has(part, "irr", vector);
	st->t_isr = (unsigned char)set_has(part, "isr", vector);
	st->h_irr = (unsigned char)set_has(hw, "irr", vector);
	st->h_isr = (unsigned char)set_has(hw, "isr", vector);
}

static const char *state_word(int irr, int isr)
{
	return irr && isr ? "irrisr" : isr ? "isr" : irr ? "irr" : "idle";
}

/* Does op (on a machine of nvcpus) request vector at vcpu? */
static int op_requests(const struct vlf_op *op, int nvcpus, int vcpu, int vector)
{
	/* An NMI violation names vector 2, the NMI's IDT vector. */
	if (op->kind == VLF_OP_NMI && vector != 2)
		return 0;
	if (op->kind != VLF_OP_NMI && op->vector != vector)
		return 0;
	if (op->kind == VLF_OP_POST)
		return op->vcpu == vcpu;
	/* Logical and lowest-priority destinations depend on LDR/DFR and on
	 * the target's choice: any vCPU may be the one. */
	if (op->kind == VLF_OP_IPI_LOGICAL)
		return vcpu < nvcpus;
	if (op->kind == VLF_OP_MSI)
		return op->msi_logical || op->lowest || op->mda == 0xff ? vcpu < nvcpus
		                                                        : op->mda == vcpu;
	if (op->kind != VLF_OP_IPI && op->kind != VLF_OP_NMI)
		return 0;
	switch (op->dest) {
	case VLF_IPI_DEST:
		return op->dest_vcpu == vcpu;
	case VLF_IPI_SELF:
		return op->vcpu == vcpu;
	case VLF_IPI_ALL:
		return vcpu < nvcpus;
	default:
		return op->vcpu != vcpu && vcpu < nvcpus;
	}
}

/*
 * Runs p and fills s. Returns 1 on a violation, 0 if clean, -1 if the
 * timeline could not be captured.
 */
static int compute_signature(struct vlf_machine *m, const struct vlf_program *p, struct sig *s)
{
	const struct vlf_violation *v;
	char *buf = NULL, *line, *save = NULL;
	size_t len = 0;
	FILE *f;
	/* pre[i]: the vector's state on the vCPU before step i (program steps),
	 * trig_*: the last step before the violation line */
	static struct vec_state pre[VLF_MAX_OPS + 1];
	struct vec_state cur = {0, 0, 0, 0}, before_last = {0, 0, 0, 0};
	long step = -1, last_step = -2, nsteps = 0;
	char last_op[128] = "";

	memset(s, 0, sizeof(*s));
	s->step = -1;
	if (!vlf_machine_run(m, p))
		return 0;
	v = vlf_machine_violation(m);
	s->inv = v->inv;
	s->vcpu = v->vcpu;
	s->vector = v->vector;
	f = open_memstream(&buf, &len);
	if (f == NULL)
		return -1;
	vlf_violation_print(v, f);
	fflush(f);
	snprintf(s->verdict, sizeof(s->verdict), "%.*s", (int)strcspn(buf, "\n"), buf);
	rewind(f);
	vlf_machine_set_trace(m, f, 1);
	vlf_machine_run(m, p);
	vlf_machine_set_trace(m, NULL, 0);
	fputc('\0', f);
	fclose(f);

	memset(pre, 0, sizeof(pre));
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		int vc;

		if (line[0] == '[') {
			/* a new step: what held until now is its pre-state */
			before_last = cur;
			if (strncmp(line, "[drain]", 7) == 0) {
				step = -1;
			} else {
				step = strtol(line + 1, NULL, 10);
				if (step >= 0 && step <= VLF_MAX_OPS)
					pre[step] = cur;
				if (step + 1 > nsteps)
					nsteps = step + 1;
			}
			last_step = step;
			snprintf(last_op, sizeof(last_op), "%s",
			         strchr(line, ' ') ? strchr(line, ' ') + 1 : line);
		} else if (sscanf(line, "   | vcpu%d", &vc) == 1 && vc == s->vcpu &&
		           s->vector >= 0) {
			parse_state(line, s->vector, &cur);
		}
	}
	free(buf);

	if (s->inv == VLF_INV_LOST_VECTOR && s->vector >= 0) {
		/* the last request real hardware would have kept */
		long found = -1;

		for (long i = (long)p->nops - 1; i >= 0 && found < 0; i--)
			if (i < nsteps &&
			    op_requests(&p->ops[i], p->cfg.nvcpus, s->vcpu, s->vector) &&
			    !pre[i].h_irr)
				found = i;
		if (found >= 0) {
			s->step = found;
			vlf_op_format(&p->ops[found], s->op, sizeof(s->op));
			snprintf(s->cls, sizeof(s->cls), "hw%s-tgt%s",
			         state_word(pre[found].h_irr, pre[found].h_isr),
			         state_word(pre[found].t_irr, pre[found].t_isr));
		} else {
			snprintf(s->cls, sizeof(s->cls), "no-request");
		}
		return 1;
	}
	s->step = last_step >= 0 ? last_step : -1;
	snprintf(s->op, sizeof(s->op), "%s", last_op);
	if (s->vector >= 0) {
		snprintf(s->cls, sizeof(s->cls), "hw%s-tgt%s",
		         state_word(before_last.h_irr, before_last.h_isr),
		         state_word(before_last.t_irr, before_last.t_isr));
	} else {
		/* "read vcpu=0 reg=ppr" -> "read-ppr"; "eoi vcpu=1" -> "eoi" */
		const char *reg = strstr(last_op, "reg=");
		size_t k = strcspn(last_op, " ");

		snprintf(s->cls, sizeof(s->cls), "%.*s%s%.*s", (int)k, last_op, reg ? "-" : "",
		         reg ? (int)strcspn(reg + 4, " ") : 0, reg ? reg + 4 : "");
	}
	return 1;
}

static int print_signature(struct vlf_machine *m, const char *path)
{
	struct sig s;
	int rc = compute_signature(m, &program, &s);

	if (rc < 0) {
		fprintf(stderr, "%s: cannot capture the timeline: %s\n", path, strerror(errno));
		return EXIT_BAD_INPUT;
	}
	if (rc == 0) {
		printf("invariant: clean\n");
		return 0;
	}
	printf("invariant: %s\n", vlf_invariant_name(s.inv));
	printf("class: %s\n", s.cls);
	printf("policy: %s\n", vlf_policy_name(program.cfg.policy));
	printf("vcpus: %d\n", program.cfg.nvcpus);
	printf("vcpu: %d\n", s.vcpu);
	if (s.vector >= 0)
		printf("vector: 0x%02x\n", (unsigned)s.vector);
	else
		printf("vector: none\n");
	if (s.step >= 0)
		printf("step: %ld\n", s.step);
	else
		printf("step: drain\n");
	printf("op: %s\n", s.op);
	printf("verdict: %s\n", s.verdict);
	return EXIT_VIOLATION;
}

static int same_signature(struct vlf_machine *m, const struct vlf_program *p,
                          const struct sig *want)
{
	struct sig s;

	return compute_signature(m, p, &s) == 1 && s.inv == want->inv &&
	       strcmp(s.cls, want->cls) == 0;
}

/* Keeps the ops of p that only involve vCPUs below n. */
static void restrict_vcpus(struct vlf_program *p, int n)
{
	size_t k = 0;

	for (size_t i = 0; i < p->nops; i++) {
		const struct vlf_op *op = &p->ops[i];

		if (op->vcpu >= n ||
		    (op->kind == VLF_OP_IPI && op->dest == VLF_IPI_DEST && op->dest_vcpu >= n))
			continue;
		p->ops[k++] = *op;
	}
	p->nops = k;
	p->cfg.nvcpus = n;
}

/* Renumbers the vCPUs p uses to 0..k-1 in order of first use; 0 if none is
 * unused (nothing to gain). */
static int compact_vcpus(struct vlf_program *p)
{
	int map[VLF_MAX_VCPUS], k = 0;

	for (int i = 0; i < VLF_MAX_VCPUS; i++)
		map[i] = -1;
	for (size_t i = 0; i < p->nops; i++) {
		const struct vlf_op *op = &p->ops[i];

		if (map[op->vcpu] < 0)
			map[op->vcpu] = k++;
		if (op->kind == VLF_OP_IPI && op->dest == VLF_IPI_DEST && map[op->dest_vcpu] < 0)
			map[op->dest_vcpu] = k++;
	}
	if (k == 0 || k >= p->cfg.nvcpus)
		return 0;
	for (size_t i = 0; i < p->nops; i++) {
		struct vlf_op *op = &p->ops[i];

		op->vcpu = (uint8_t)map[op->vcpu];
		if (op->kind == VLF_OP_IPI && op->dest == VLF_IPI_DEST)
			op->dest_vcpu = (uint8_t)map[op->dest_vcpu];
	}
	p->cfg.nvcpus = k;
	return 1;
}

/*
 * Greedy op-level minimizer (the engines' minimizers work on bytes and do not
 * know operations): fewer vCPUs (renumbered, or the highest dropped), then
 * delete each operation, then the
 * simplest configuration, until nothing more goes while the signature holds.
 */
static int minimize(struct vlf_machine *m, const char *path, const char *out)
{
	static struct vlf_program best, cand;
	struct sig want;
	size_t before = program.nops;
	int vcpus_before = program.cfg.nvcpus, changed = 1, rc;

	rc = compute_signature(m, &program, &want);
	if (rc < 0) {
		fprintf(stderr, "%s: cannot capture the timeline: %s\n", path, strerror(errno));
		return EXIT_BAD_INPUT;
	}
	if (rc == 0) {
		fprintf(stderr, "%s: clean: nothing to minimize\n", path);
		return EXIT_BAD_INPUT;
	}
	best = program;
	while (changed) {
		changed = 0;
		cand = best;
		if (compact_vcpus(&cand) && same_signature(m, &cand, &want)) {
			best = cand;
			changed = 1;
		}
		for (int n = 1; n < best.cfg.nvcpus; n++) {
			cand = best;
			restrict_vcpus(&cand, n);
			if (same_signature(m, &cand, &want)) {
				best = cand;
				changed = 1;
				break;
			}
		}
		for (size_t i = best.nops; i-- > 0;) {
			cand = best;
			memmove(&cand.ops[i], &cand.ops[i + 1],
			        (cand.nops - i - 1) * sizeof(cand.ops[0]));
			cand.nops--;
			if (same_signature(m, &cand, &want)) {
				best = cand;
				changed = 1;
			}
		}
		if (best.cfg.apic != VLF_APIC_XAPIC || best.cfg.cr8_intercept) {
			cand = best;
			cand.cfg.apic = VLF_APIC_XAPIC;
			cand.cfg.cr8_intercept = 0;
			if (same_signature(m, &cand, &want)) {
				best = cand;
				changed = 1;
			}
		}
	}
	program = best;
	fprintf(stderr, "%s: minimized %zu -> %zu operation(s), %d -> %d vCPU(s); %s %s\n", path,
	        before, best.nops, vcpus_before, best.cfg.nvcpus, vlf_invariant_name(want.inv),
	        want.cls);
	return write_binary(out);
}

static int replay_file(struct vlf_machine *m, const char *path, const struct options *o)
{
	char err[600], expect[64];
	const char *want = o->expect;
	const struct vlf_violation *v;

	if (vlf_program_load(path, o->force_policy, &program, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return EXIT_BAD_INPUT;
	}
	if (o->force_cr8 >= 0)
		program.cfg.cr8_intercept = o->force_cr8;
	if (o->print) {
		vlf_program_print(&program, stdout);
		return 0;
	}
	if (o->binary_out)
		return write_binary(o->binary_out);
	if (o->signature)
		return print_signature(m, path);
	if (o->minimize_out)
		return minimize(m, path, o->minimize_out);
	if (o->check_expect && read_expectation(path, expect, sizeof(expect))) {
		if (!valid_verdict(expect)) {
			fprintf(stderr, "%s: unknown expected verdict '%s'\n", path, expect);
			return EXIT_BAD_INPUT;
		}
		want = expect;
	}
	if (o->trace || o->timeline) {
		printf("==== %s\n", path);
		vlf_machine_set_trace(m, stdout, o->timeline);
	}
	vlf_machine_run(m, &program);
	vlf_machine_set_trace(m, NULL, 0);
	v = vlf_machine_violation(m);
	if (v != NULL) {
		printf("%s: ", path);
		vlf_violation_print(v, stdout);
	} else if (!o->quiet) {
		if (vlf_machine_suppressed(m))
			printf("%s: clean (%u known finding(s) suppressed)\n", path,
			       vlf_machine_suppressed(m));
		else
			printf("%s: clean\n", path);
	}
	if (want != NULL) {
		if (verdict_matches(want, v))
			return 0;
		printf("%s: expected %s\n", path, want);
		return EXIT_VIOLATION;
	}
	return v != NULL ? EXIT_VIOLATION : 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Directory entries in name order, so a replay of a corpus is reproducible. */
static int replay_dir(struct vlf_machine *m, const char *dir, const struct options *o)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int worst = 0;

	if (d == NULL) {
		fprintf(stderr, "%s: cannot open directory: %s\n", dir, strerror(errno));
		return EXIT_BAD_INPUT;
	}
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);

		if (e->d_name[0] == '.' || (len > 3 && strcmp(e->d_name + len - 3, ".md") == 0))
			continue;
		if (n == cap) {
			char **grown;

			cap = cap ? cap * 2 : 64;
			grown = realloc(names, cap * sizeof(*names));
			if (grown == NULL)
				break;
			names = grown;
		}
		names[n] = malloc(strlen(dir) + len + 2);
		if (names[n] == NULL)
			break;
		sprintf(names[n], "%s/%s", dir, e->d_name);
		n++;
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		int rc = 0;

		if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode))
			rc = replay_file(m, names[i], o);
		if (rc > worst)
			worst = rc;
		free(names[i]);
	}
	free(names);
	return worst;
}

static int parse_cr8(const char *argv0, const char *name, const char *from, int *out)
{
	if (strcmp(name, "intercept") == 0)
		*out = 1;
	else if (strcmp(name, "passthrough") == 0)
		*out = 0;
	else {
		fprintf(stderr, "%s: unknown CR8 mode '%s' in %s (intercept, passthrough)\n", argv0,
		        name, from);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct options o = {.force_policy = -1, .force_cr8 = -1};
	struct vlf_machine *m;
	const char *err = "unknown error";
	int first_input = 0, worst = 0, ninputs = 0;

	/* The fuzzers' VLF_SUPPRESS, so a campaign's crashes replay the same. */
	if (getenv("VLF_SUPPRESS") != NULL && *getenv("VLF_SUPPRESS") != '\0') {
		char bad[80];

		if (vlf_sites_parse(getenv("VLF_SUPPRESS"), &o.suppress, bad, sizeof(bad)) != 0) {
			fprintf(stderr, "%s: unknown oracle site '%s' in VLF_SUPPRESS\n", argv[0],
			        bad);
			return EXIT_BAD_INPUT;
		}
	}
	/* ...and their VLF_CR8 (AFL++ forces it at decode, not in the file). */
	if (getenv("VLF_CR8") != NULL && *getenv("VLF_CR8") != '\0' &&
	    parse_cr8(argv[0], getenv("VLF_CR8"), "VLF_CR8", &o.force_cr8) != 0)
		return EXIT_BAD_INPUT;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (a[0] != '-') {
			if (!first_input)
				first_input = i;
			ninputs++;
			continue;
		}
		if (strncmp(a, "--policy=", 9) == 0) {
			o.force_policy = vlf_policy_from_name(a + 9);
			if (o.force_policy < 0) {
				fprintf(stderr,
				        "%s: unknown policy '%s' (virq, virq-pending, eventinj)\n",
				        argv[0], a + 9);
				return EXIT_BAD_INPUT;
			}
		} else if (strncmp(a, "--cr8=", 6) == 0) {
			if (parse_cr8(argv[0], a + 6, "--cr8", &o.force_cr8) != 0)
				return EXIT_BAD_INPUT;
		} else if (strncmp(a, "--suppress=", 11) == 0) {
			char bad[80];

			if (vlf_sites_parse(a + 11, &o.suppress, bad, sizeof(bad)) != 0) {
				fprintf(stderr, "%s: unknown oracle site '%s' in --suppress\n",
				        argv[0], bad);
				return EXIT_BAD_INPUT;
			}
		} else if (strcmp(a, "--trace") == 0) {
			o.trace = 1;
		} else if (strcmp(a, "--timeline") == 0) {
			o.timeline = 1;
		} else if (strcmp(a, "--print") == 0) {
			o.print = 1;
		} else if (strncmp(a, "--binary=", 9) == 0 && a[9] != '\0') {
			o.binary_out = a + 9;
		} else if (strncmp(a, "--expect=", 9) == 0) {
			o.expect = a + 9;
			if (!valid_verdict(o.expect)) {
				fprintf(stderr, "%s: unknown verdict '%s' in --expect\n", argv[0],
				        o.expect);
				return EXIT_BAD_INPUT;
			}
		} else if (strcmp(a, "--signature") == 0) {
			o.signature = 1;
		} else if (strncmp(a, "--minimize=", 11) == 0 && a[11] != '\0') {
			o.minimize_out = a + 11;
		} else if (strcmp(a, "--check-expect") == 0) {
			o.check_expect = 1;
		} else if (strcmp(a, "-q") == 0) {
			o.quiet = 1;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout, argv[0]);
			return 0;
		} else {
			fprintf(stderr, "%s: unknown option '%s' (try --help)\n", argv[0], a);
			return EXIT_BAD_INPUT;
		}
	}
	if (ninputs == 0) {
		fprintf(stderr, "%s: no input file or directory given (try --help)\n", argv[0]);
		return EXIT_BAD_INPUT;
	}
	if (o.binary_out && ninputs != 1) {
		fprintf(stderr, "%s: --binary needs exactly one input\n", argv[0]);
		return EXIT_BAD_INPUT;
	}
	if ((o.signature || o.minimize_out) && ninputs != 1) {
		fprintf(stderr, "%s: --%s needs exactly one input\n", argv[0],
		        o.signature ? "signature" : "minimize");
		return EXIT_BAD_INPUT;
	}
	m = vlf_machine_new(vlf_target_get(), &err);
	if (m == NULL) {
		fprintf(stderr, "%s: cannot create the %s target: %s\n", argv[0],
		        vlf_target_get()->name, err);
		return EXIT_BAD_INPUT;
	}
	vlf_machine_set_suppress(m, o.suppress);
	for (int i = first_input; i < argc; i++) {
		struct stat st;
		int rc;

		if (argv[i][0] == '-')
			continue;
		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
			rc = EXIT_BAD_INPUT;
		} else if (S_ISDIR(st.st_mode) && (o.signature || o.minimize_out || o.binary_out)) {
			fprintf(stderr, "%s: is a directory: --%s needs one program file\n",
			        argv[i],
			        o.signature      ? "signature"
			        : o.minimize_out ? "minimize"
			                         : "binary");
			rc = EXIT_BAD_INPUT;
		} else if (S_ISDIR(st.st_mode)) {
			rc = replay_dir(m, argv[i], &o);
		} else {
			rc = replay_file(m, argv[i], &o);
		}
		if (rc > worst)
			worst = rc;
	}
	vlf_machine_free(m);
	return worst;
}
