# Crash workflow and continuous fuzzing: the seed corpus compiled to binary
# form, and (with -DVLF_AFL=ON) the AFL++ builds of the fuzz target.
# Included from the top-level CMakeLists.txt after the targets are defined.

# ---- seed corpus: corpus/*.txt -> ${CMAKE_BINARY_DIR}/seed_corpus/<name>.bin
# Each text program is compiled with the replay tool (--binary), so the
# libFuzzer/AFL++ campaigns and ClusterFuzzLite start from the same seeds.
file(GLOB VLF_SEED_TEXTS CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/corpus/*.txt)
set(VLF_SEED_DIR ${CMAKE_BINARY_DIR}/seed_corpus)
set(VLF_SEED_BINS)
foreach(t ${VLF_SEED_TEXTS})
  get_filename_component(n ${t} NAME_WE)
  set(out ${VLF_SEED_DIR}/${n}.bin)
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${VLF_SEED_DIR}
    COMMAND vlf-replay-model --binary=${out} ${t}
    DEPENDS ${t} vlf-replay-model
    COMMENT "seed corpus: ${n}.bin"
    VERBATIM)
  list(APPEND VLF_SEED_BINS ${out})
endforeach()
add_custom_target(vlf-seed-corpus ALL DEPENDS ${VLF_SEED_BINS})

# ---- AFL++ ------------------------------------------------------------------
# Configure with CC=afl-clang-fast (or afl-clang-lto) and -DVLF_AFL=ON
# -DVLF_FUZZERS=OFF (scripts/afl.sh does). fuzz/fuzz_program.c is linked
# against AFL++'s libAFLDriver (afl-cc turns -fsanitize=fuzzer into it): a
# persistent-mode loop (__AFL_LOOP) reading testcases from shared memory
# that calls the same LLVMFuzzerInitialize/LLVMFuzzerTestOneInput as
# libFuzzer. Per target four binaries, the variant chosen the AFL++ way (the
# environment of afl-cc, passed through compiler and linker launchers):
#   vlf-afl-<t>          plain instrumentation (the main and most secondaries)
#   vlf-afl-<t>-asan     AFL_USE_ASAN=1
#   vlf-afl-<t>-ubsan    AFL_USE_UBSAN=1
#   vlf-afl-<t>-cmplog   AFL_LLVM_CMPLOG=1 (for afl-fuzz -c)
option(VLF_AFL "build the AFL++ fuzz targets (CC=afl-clang-fast or afl-clang-lto)" OFF)
if(NOT VLF_AFL)
  return()
endif()

get_filename_component(_vlf_cc_name "${CMAKE_C_COMPILER}" NAME)
if(NOT _vlf_cc_name MATCHES "^afl-clang-(fast|lto)")
  message(FATAL_ERROR "VLF_AFL=ON needs CC=afl-clang-fast or afl-clang-lto, not '${CMAKE_C_COMPILER}' "
    "(scripts/afl.sh configures build/afl that way)")
endif()

set(VLF_AFL_VARIANTS plain asan ubsan cmplog)
set(VLF_AFL_ENV_plain "")
set(VLF_AFL_ENV_asan AFL_USE_ASAN=1)
set(VLF_AFL_ENV_ubsan AFL_USE_UBSAN=1)
set(VLF_AFL_ENV_cmplog AFL_LLVM_CMPLOG=1)

function(vlf_afl_env tgt variant)
  set(envs AFL_QUIET=1 ${VLF_AFL_ENV_${variant}})
  set_target_properties(${tgt} PROPERTIES
    C_COMPILER_LAUNCHER "${CMAKE_COMMAND};-E;env;${envs}"
    C_LINKER_LAUNCHER "${CMAKE_COMMAND};-E;env;${envs}")
endfunction()

# The harness core, instrumented for edges like the libFuzzer flavor (CmpLog
# only on the target's code: the core's bookkeeping compares are no goal).
foreach(variant ${VLF_AFL_VARIANTS})
  set(core_variant ${variant})
  if(variant STREQUAL "cmplog")
    set(core_variant plain)
  endif()
  if(NOT TARGET vlf_core_afl_${core_variant})
    set(srcs)
    foreach(s ${VLF_CORE_SOURCES})
      list(APPEND srcs ${PROJECT_SOURCE_DIR}/${s})
    endforeach()
    add_library(vlf_core_afl_${core_variant} STATIC ${srcs})
    target_include_directories(vlf_core_afl_${core_variant} PUBLIC ${PROJECT_SOURCE_DIR}/core)
    target_compile_options(vlf_core_afl_${core_variant} PRIVATE ${VLF_WARN})
    vlf_afl_env(vlf_core_afl_${core_variant} ${core_variant})
  endif()
endforeach()

# One set of binaries per target library defined so far (vlf_target_model,
# and vlf_target_freebsd with -DVLF_TARGET=freebsd), rebuilt from its own
# sources, include directories, options and link libraries.
foreach(name model freebsd)
  if(NOT TARGET vlf_target_${name})
    continue()
  endif()
  get_target_property(tsrc vlf_target_${name} SOURCES)
  get_target_property(tdir vlf_target_${name} SOURCE_DIR)
  get_target_property(tinc vlf_target_${name} INCLUDE_DIRECTORIES)
  get_target_property(topt vlf_target_${name} COMPILE_OPTIONS)
  get_target_property(tdef vlf_target_${name} COMPILE_DEFINITIONS)
  get_target_property(tlib vlf_target_${name} LINK_LIBRARIES)
  get_target_property(text vlf_target_${name} C_EXTENSIONS)
  # A FreeBSD tree's headers are included as system headers (their style is
  # not ours to warn about): the property does not say so, the path does.
  get_filename_component(fbsrc "${FREEBSD_SRC}" ABSOLUTE)
  set(tinc_user)
  set(tinc_sys)
  foreach(d ${tinc})
    if(d MATCHES "/fbsys$" OR d MATCHES "^${fbsrc}/")
      list(APPEND tinc_sys ${d})
    else()
      list(APPEND tinc_user ${d})
    endif()
  endforeach()
  set(abs)
  foreach(s ${tsrc})
    if(IS_ABSOLUTE "${s}")
      list(APPEND abs ${s})
    else()
      list(APPEND abs ${tdir}/${s})
    endif()
  endforeach()
  foreach(variant ${VLF_AFL_VARIANTS})
    set(lib vlf_target_${name}_afl_${variant})
    add_library(${lib} STATIC ${abs})
    if(tinc_user)
      target_include_directories(${lib} PRIVATE ${tinc_user})
    endif()
    if(tinc_sys)
      target_include_directories(${lib} SYSTEM PRIVATE ${tinc_sys})
    endif()
    if(text)
      set_target_properties(${lib} PROPERTIES C_EXTENSIONS ${text})
    endif()
    # the target's documented UBSan findings (targets/<t>/ubsan_ignorelist.txt)
    if(variant MATCHES "asan|ubsan" AND EXISTS ${tdir}/ubsan_ignorelist.txt)
      target_compile_options(${lib} PRIVATE -fsanitize-ignorelist=${tdir}/ubsan_ignorelist.txt)
    endif()
    if(topt)
      target_compile_options(${lib} PRIVATE ${topt})
    endif()
    if(tdef)
      target_compile_definitions(${lib} PRIVATE ${tdef})
    endif()
    if(tlib)
      target_link_libraries(${lib} PRIVATE ${tlib})
    endif()
    vlf_afl_env(${lib} ${variant})

    if(variant STREQUAL "plain")
      set(exe vlf-afl-${name})
    else()
      set(exe vlf-afl-${name}-${variant})
    endif()
    set(core_variant ${variant})
    if(variant STREQUAL "cmplog")
      set(core_variant plain)
    endif()
    add_executable(${exe} ${PROJECT_SOURCE_DIR}/fuzz/fuzz_program.c)
    target_compile_options(${exe} PRIVATE ${VLF_WARN})
    target_link_libraries(${exe} PRIVATE vlf_core_afl_${core_variant} ${lib})
    # afl-cc links libAFLDriver.a (persistent mode, shared-memory testcases)
    target_link_options(${exe} PRIVATE -fsanitize=fuzzer)
    vlf_afl_env(${exe} ${variant})
    list(APPEND VLF_AFL_BINARIES ${exe})
  endforeach()
endforeach()
add_custom_target(vlf-afl DEPENDS ${VLF_AFL_BINARIES})
message(STATUS "AFL++ targets: ${VLF_AFL_BINARIES}")
