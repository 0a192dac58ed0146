# Each target (the model, FreeBSD's code) is built in two flavors:
#   plain: for the standalone replay tool and the tests (gcc or clang)
#   fuzz:  SanitizerCoverage + ASan + UBSan for libFuzzer (clang only)
# The harness core is target-agnostic and is built once per flavor.

set(VLF_FUZZ_FLAGS -fsanitize=fuzzer-no-link,address,undefined
    -fno-sanitize-recover=all -fno-omit-frame-pointer -gline-tables-only)
set(VLF_CAN_FUZZ OFF)
if(VLF_FUZZERS AND VLF_IS_CLANG AND NOT VLF_SANITIZE)
  set(VLF_CAN_FUZZ ON)
endif()

function(vlf_core_lib flavor)
  if(TARGET vlf_core_${flavor})
    return()
  endif()
  add_library(vlf_core_${flavor} STATIC ${VLF_CORE_SOURCES})
  target_include_directories(vlf_core_${flavor} PUBLIC ${PROJECT_SOURCE_DIR}/core)
  target_compile_options(vlf_core_${flavor} PRIVATE ${VLF_WARN})
  if(flavor STREQUAL "fuzz")
    # The core is instrumented for edges only: tracing its bookkeeping
    # compares would steer libFuzzer at the harness, not at the target.
    target_compile_options(vlf_core_${flavor} PUBLIC ${VLF_FUZZ_FLAGS})
    target_compile_options(vlf_core_${flavor} PRIVATE -fno-sanitize-coverage=trace-cmp)
    target_link_options(vlf_core_${flavor} PUBLIC -fsanitize=address,undefined)
  endif()
endfunction()

# vlf_add_target(<name> <sources> <include dirs> <compile options>)
# Defines vlf_target_<name>[_fuzz] libraries (each must define vlf_target_get())
# and the binaries vlf-replay-<name> and, with clang, vlf-fuzz-<name>.
function(vlf_add_target name sources incdirs options)
  vlf_core_lib(plain)
  add_library(vlf_target_${name} STATIC ${sources})
  target_include_directories(vlf_target_${name} PRIVATE ${incdirs} ${PROJECT_SOURCE_DIR}/core)
  target_compile_options(vlf_target_${name} PRIVATE ${options})
  add_executable(vlf-replay-${name} ${PROJECT_SOURCE_DIR}/tools/replay.c)
  target_compile_options(vlf-replay-${name} PRIVATE ${VLF_WARN})
  target_link_libraries(vlf-replay-${name} PRIVATE vlf_core_plain vlf_target_${name})

  if(VLF_CAN_FUZZ)
    vlf_core_lib(fuzz)
    add_library(vlf_target_${name}_fuzz STATIC ${sources})
    target_include_directories(vlf_target_${name}_fuzz PRIVATE ${incdirs} ${PROJECT_SOURCE_DIR}/core)
    target_compile_options(vlf_target_${name}_fuzz PRIVATE ${options} ${VLF_FUZZ_FLAGS})
    add_executable(vlf-fuzz-${name} ${PROJECT_SOURCE_DIR}/fuzz/fuzz_program.c)
    target_compile_options(vlf-fuzz-${name} PRIVATE ${VLF_WARN})
    target_link_libraries(vlf-fuzz-${name} PRIVATE vlf_core_fuzz vlf_target_${name}_fuzz)
    target_link_options(vlf-fuzz-${name} PRIVATE -fsanitize=fuzzer,address,undefined)
  endif()
endfunction()
