# Runs the model fuzzer under virq from an empty corpus with a fixed seed and
# a run budget (not a time budget), and requires a lost-vector crash.
file(REMOVE_RECURSE ${WORKDIR})
file(MAKE_DIRECTORY ${WORKDIR}/corpus)
execute_process(
  COMMAND ${FUZZER} --policy=virq -seed=1 -runs=500000 -artifact_prefix=${WORKDIR}/
          ${WORKDIR}/corpus
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(rc EQUAL 0)
  message(FATAL_ERROR "the fuzzer finished 500000 runs without finding the lost IPI")
endif()
if(NOT out MATCHES "VIOLATION lost-vector")
  message(FATAL_ERROR "the fuzzer stopped, but not on a lost vector:\n${out}")
endif()
file(GLOB crashes ${WORKDIR}/crash-*)
if(NOT crashes)
  message(FATAL_ERROR "no crash file written")
endif()
message(STATUS "found: ${crashes}")
