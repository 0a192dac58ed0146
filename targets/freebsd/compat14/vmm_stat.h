/*
 * vlapic-fuzz: "vmm_stat.h" for FreeBSD 14+ trees that keep the statistics
 * framework in sys/dev/vmm/vmm_stat.h only.  svm.c includes "vmm_stat.h" and
 * expects, besides the framework, the AMD/Intel statistic definers and the
 * exit statistics that vmm.c owns.  Only names are provided; statistics are
 * never counted here (VMM_KEEP_STATS is off).
 */
#ifndef VLF_COMPAT14_VMM_STAT_H
#define VLF_COMPAT14_VMM_STAT_H

#include <dev/vmm/vmm_stat.h>

/* Vendor-specific statistics: registered unconditionally (no predicate). */
#define VMM_STAT_INTEL(type, desc) VMM_STAT_DEFINE(type, 1, desc, NULL)
#define VMM_STAT_AMD(type, desc)   VMM_STAT_DEFINE(type, 1, desc, NULL)

/* Exit statistics defined by vmm.c (here: the generated glue_api.c). */
VMM_STAT_DECLARE(VCPU_MIGRATIONS);
VMM_STAT_DECLARE(VMEXIT_COUNT);
VMM_STAT_DECLARE(VMEXIT_EXTINT);
VMM_STAT_DECLARE(VMEXIT_HLT);
VMM_STAT_DECLARE(VMEXIT_CR_ACCESS);
VMM_STAT_DECLARE(VMEXIT_RDMSR);
VMM_STAT_DECLARE(VMEXIT_WRMSR);
VMM_STAT_DECLARE(VMEXIT_MTRAP);
VMM_STAT_DECLARE(VMEXIT_PAUSE);
VMM_STAT_DECLARE(VMEXIT_INTR_WINDOW);
VMM_STAT_DECLARE(VMEXIT_NMI_WINDOW);
VMM_STAT_DECLARE(VMEXIT_INOUT);
VMM_STAT_DECLARE(VMEXIT_CPUID);
VMM_STAT_DECLARE(VMEXIT_NESTED_FAULT);
VMM_STAT_DECLARE(VMEXIT_INST_EMUL);
VMM_STAT_DECLARE(VMEXIT_UNKNOWN);
VMM_STAT_DECLARE(VMEXIT_ASTPENDING);
VMM_STAT_DECLARE(VMEXIT_USERSPACE);
VMM_STAT_DECLARE(VMEXIT_RENDEZVOUS);
VMM_STAT_DECLARE(VMEXIT_EXCEPTION);
VMM_STAT_DECLARE(VMEXIT_REQIDLE);

#endif
