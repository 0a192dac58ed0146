/*
 * Linked into the ClusterFuzzLite fuzzers only: fixes the injection policy
 * the way VLF_POLICY does (fuzz/fuzz_program.c reads it in
 * LLVMFuzzerInitialize), since an .options file can pass libFuzzer flags but
 * neither "--policy=" nor the environment. An explicit VLF_POLICY wins.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>

#ifndef VLF_CFL_POLICY
#error "build with -DVLF_CFL_POLICY=\"<policy>\""
#endif

__attribute__((constructor)) static void vlf_cfl_force_policy(void)
{
	setenv("VLF_POLICY", VLF_CFL_POLICY, 0);
}
