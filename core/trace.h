/* Human-readable trace and per-step timeline of a run (replay, crash reports). */
#ifndef VLF_TRACE_H
#define VLF_TRACE_H

#include "machine.h"

void vlf_trace_op(struct vlf_machine *m, const struct vlf_op *op);
__attribute__((format(printf, 3, 4))) void vlf_trace_event(struct vlf_machine *m, int vcpu,
                                                           const char *fmt, ...);
void vlf_trace_timeline(struct vlf_machine *m);
/* "0x41 (intr)" for a valid EVENTINJ/EXITINTINFO value, "-" otherwise. */
const char *vlf_evt_str(uint64_t evt, char *buf, size_t cap);
/* "0x41", "none", or "several" (-2). */
const char *vlf_vector_str(int vector, char *buf, size_t cap);
const char *vlf_exitcode_name(uint64_t code);

/* Only the branch is paid on the fuzzing path. */
#define VLF_TRACE(m, vcpu, ...)                                                                    \
	do {                                                                                       \
		if ((m)->trace)                                                                    \
			vlf_trace_event((m), (vcpu), __VA_ARGS__);                                 \
	} while (0)

#endif
