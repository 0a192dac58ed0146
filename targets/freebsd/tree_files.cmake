# Files of a FreeBSD tree (relative to FREEBSD_SRC) that the FreeBSD target
# needs. Shared by shim/CMakeLists.txt (to decide whether tree tests can run)
# and targets/freebsd/CMakeLists.txt (which refuses to configure without them).
set(VLF_FB_TREE_FILES
  sys/amd64/vmm/io/vlapic.c
  sys/amd64/vmm/io/vlapic.h
  sys/amd64/vmm/io/vlapic_priv.h
  sys/amd64/vmm/io/vioapic.h
  sys/amd64/vmm/io/vatpic.h
  sys/amd64/vmm/vmm_lapic.c
  sys/amd64/vmm/vmm_lapic.h
  sys/amd64/vmm/vmm_ioport.h
  sys/amd64/vmm/x86.h
  sys/amd64/vmm/amd/svm.c
  sys/amd64/vmm/amd/svm.h
  sys/amd64/vmm/amd/svm_softc.h
  sys/amd64/vmm/amd/svm_msr.h
  sys/amd64/vmm/amd/vmcb.h
  sys/amd64/vmm/amd/npt.h
  sys/amd64/include/vmm.h
  sys/amd64/include/vmm_dev.h
  sys/amd64/include/vmm_instruction_emul.h
  sys/amd64/include/segments.h
  sys/amd64/include/psl.h
  sys/amd64/include/specialreg.h
  sys/x86/include/apicreg.h
  sys/x86/include/specialreg.h
  sys/x86/include/segments.h
  sys/x86/include/psl.h
  sys/isa/isareg.h)

# vlf_fb_first_missing(<out-var> <tree>): first missing file, or "" if none.
# vmm_ktr.h / vmm_stat.h moved to sys/dev/vmm in newer trees: either place counts.
function(vlf_fb_first_missing out tree)
  set(missing "")
  foreach(f ${VLF_FB_TREE_FILES})
    if(NOT EXISTS "${tree}/${f}")
      set(missing "${f}")
      break()
    endif()
  endforeach()
  if(missing STREQUAL "")
    foreach(h vmm_ktr.h vmm_stat.h)
      if(NOT EXISTS "${tree}/sys/amd64/vmm/${h}" AND NOT EXISTS "${tree}/sys/dev/vmm/${h}")
        set(missing "sys/amd64/vmm/${h} (or sys/dev/vmm/${h})")
        break()
      endif()
    endforeach()
  endif()
  set(${out} "${missing}" PARENT_SCOPE)
endfunction()
