/*
 * vlapic-fuzz: the FreeBSD tree's headers as the glue sees them.  The build
 * dumps clang's AST of these (with svm.c) to derive the glue's prototypes
 * (derive_glue.py); the generated glue_api.c and glue.c include them.
 */
#ifndef VLF_FB_GLUE_PROBE_H
#define VLF_FB_GLUE_PROBE_H

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/smp.h>
#include <sys/pcpu.h>

#include <machine/vmm.h>
#include <machine/vmm_instruction_emul.h>
#if __has_include(<dev/vmm/vmm_vm.h>)
#include <dev/vmm/vmm_vm.h> /* 2025 layout: struct vm and struct vcpu */
#endif

#include "vmm_stat.h"
#include "vmm_lapic.h"
#include "vlapic.h"
#include "vioapic.h"
#include "vatpic.h"
#include "x86.h"
#include "vmcb.h"
#include "svm.h"
#include "svm_softc.h"
#include "svm_msr.h"
#include "npt.h"

#include "glue.h"

#endif
