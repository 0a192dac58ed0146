# Each target (the model, FreeBSD's code) is built in two flavors:
#   plain: for the standalone replay tool and the tests (gcc or clang)
#   fuzz:  SanitizerCoverage + ASan + UBSan for libFuzzer (clang only)
# The harness core is target-agnostic and is built once per flavor.

# OSS-Fuzz and ClusterFuzzLite builds (scripts/oss-fuzz-build.sh): the fuzz
# flavor is compiled with the engine's $CFLAGS and linked with them and
# $LIB_FUZZING_ENGINE instead of the flags below; the plain flavor (replay
# tool, seed corpus) stays plain.
set(VLF_ENGINE_CFLAGS "" CACHE STRING "fuzz flavor's compile flags, given by the fuzzing infrastructure")
set(VLF_ENGINE_LINK "" CACHE STRING "fuzz targets' engine link flags ($LIB_FUZZING_ENGINE)")
# What vlf-fuzz-* forces when neither its options nor the environment say
# (fuzz/fuzz_program.c): ClusterFuzzLite passes neither.
set(VLF_FUZZ_POLICY "" CACHE STRING "built-in --policy= of the fuzz targets")
set(VLF_FUZZ_CR8 "" CACHE STRING "built-in --cr8= of the fuzz targets")
set(VLF_FUZZ_SUPPRESS "" CACHE STRING "built-in --suppress= of the fuzz targets")

if(NOT VLF_ENGINE_LINK STREQUAL "")
  separate_arguments(VLF_FUZZ_FLAGS UNIX_COMMAND "${VLF_ENGINE_CFLAGS}")
  separate_arguments(VLF_FUZZ_LINK UNIX_COMMAND "${VLF_ENGINE_CFLAGS} ${VLF_ENGINE_LINK}")
  set(VLF_FUZZ_SANITIZERS OFF)
elseif(VLF_FUZZ_SANITIZERS)
  set(VLF_FUZZ_FLAGS -fsanitize=fuzzer-no-link,address,undefined
      -fno-sanitize-recover=all -fno-omit-frame-pointer -gline-tables-only)
  set(VLF_FUZZ_LINK -fsanitize=fuzzer,address,undefined)
else()
  set(VLF_FUZZ_FLAGS -fsanitize=fuzzer-no-link -gline-tables-only)
  set(VLF_FUZZ_LINK -fsanitize=fuzzer)
endif()
set(VLF_CAN_FUZZ OFF)
if(VLF_FUZZERS AND VLF_IS_CLANG AND NOT VLF_SANITIZE AND NOT VLF_COVERAGE)
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
    if(VLF_FUZZ_SANITIZERS)
      target_link_options(vlf_core_${flavor} PUBLIC -fsanitize=address,undefined)
    endif()
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
  # Engine-free measurements (bench/perf/): the replay limit of this target.
  add_executable(vlf-bench-${name} ${PROJECT_SOURCE_DIR}/bench/perf/vlf_bench.c)
  target_compile_options(vlf-bench-${name} PRIVATE ${VLF_WARN})
  target_link_libraries(vlf-bench-${name} PRIVATE vlf_core_plain vlf_target_${name})

  if(VLF_CAN_FUZZ)
    vlf_core_lib(fuzz)
    add_library(vlf_target_${name}_fuzz STATIC ${sources})
    target_include_directories(vlf_target_${name}_fuzz PRIVATE ${incdirs} ${PROJECT_SOURCE_DIR}/core)
    target_compile_options(vlf_target_${name}_fuzz PRIVATE ${options} ${VLF_FUZZ_FLAGS})
    if(NOT VLF_FUZZ_TRACE_CMP)
      target_compile_options(vlf_target_${name}_fuzz PRIVATE -fno-sanitize-coverage=trace-cmp)
    endif()
    add_executable(vlf-fuzz-${name} ${PROJECT_SOURCE_DIR}/fuzz/fuzz_program.c)
    target_compile_options(vlf-fuzz-${name} PRIVATE ${VLF_WARN})
    target_link_libraries(vlf-fuzz-${name} PRIVATE vlf_core_fuzz vlf_target_${name}_fuzz)
    target_link_options(vlf-fuzz-${name} PRIVATE ${VLF_FUZZ_LINK})
    foreach(d POLICY CR8 SUPPRESS)
      if(NOT VLF_FUZZ_${d} STREQUAL "")
        target_compile_definitions(vlf-fuzz-${name} PRIVATE VLF_DEFAULT_${d}="${VLF_FUZZ_${d}}")
      endif()
    endforeach()
  endif()
endfunction()
