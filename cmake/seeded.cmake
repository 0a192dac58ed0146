# The seeded-bug benchmark (bench/seeded-bugs.sh, tests/seeded/).
#
#   -DVLF_SEEDED_BUG=<name>   build the model target (vlf_target_model and
#                             vlf_target_model_fuzz, nothing else) with the
#                             defect <name> of bench/seeded-bugs.txt switched
#                             on: compile definition VLF_BUG_<NAME>.
#
# Included after the model target is defined. Also gives tests/seeded the
# list of bugs (VLF_SEEDED_BUGS) and vlf_seeded_define().

file(STRINGS ${PROJECT_SOURCE_DIR}/bench/seeded-bugs.txt _vlf_seeded_lines REGEX "^[a-z]")
set(VLF_SEEDED_BUGS "")
foreach(_l ${_vlf_seeded_lines})
  string(REGEX MATCH "^[a-z0-9-]+" _n "${_l}")
  list(APPEND VLF_SEEDED_BUGS ${_n})
endforeach()

set(VLF_SEEDED_BUG "" CACHE STRING
  "seeded defect built into the model target (a name from bench/seeded-bugs.txt); empty: none")

# vlf_seeded_define(<bug> <out var>): eoi-lowest -> VLF_BUG_EOI_LOWEST
function(vlf_seeded_define bug out)
  string(TOUPPER "${bug}" u)
  string(REPLACE "-" "_" u "${u}")
  set(${out} VLF_BUG_${u} PARENT_SCOPE)
endfunction()

if(NOT VLF_SEEDED_BUG STREQUAL "")
  if(NOT VLF_SEEDED_BUG IN_LIST VLF_SEEDED_BUGS)
    string(REPLACE ";" ", " _known "${VLF_SEEDED_BUGS}")
    message(FATAL_ERROR "VLF_SEEDED_BUG: unknown bug '${VLF_SEEDED_BUG}' (known: ${_known})")
  endif()
  vlf_seeded_define(${VLF_SEEDED_BUG} _def)
  foreach(_t vlf_target_model vlf_target_model_fuzz)
    if(TARGET ${_t})
      target_compile_definitions(${_t} PRIVATE ${_def})
    endif()
  endforeach()
  message(STATUS "seeded bug ${VLF_SEEDED_BUG}: model target built with ${_def}")
endif()
