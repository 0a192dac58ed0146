/*
 * vlapic-fuzz: FreeBSD-target extras beyond core/target.h (for tests and, until
 * target.h grows a time operation, for a harness that wants vLAPIC timers).
 */
#ifndef VLF_FREEBSD_TARGET_H
#define VLF_FREEBSD_TARGET_H

#include <stdint.h>

/* Advance the virtual clock by ns nanoseconds, firing due vLAPIC timer callouts. */
void vlf_freebsd_advance_clock(void *t, uint64_t ns);
/* How many times FreeBSD's code asked to kick this vCPU (vcpu_notify_event). */
unsigned long vlf_freebsd_notify_count(void *t, int vcpu);

#endif
