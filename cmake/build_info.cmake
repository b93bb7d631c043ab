# Writes OUTPUT (a header with PHAROCTL_GIT_COMMIT) from the git checkout at SOURCE_DIR, touching
# it only when the text changes, so that a build with no new commit recompiles nothing.
set(commit "unknown (not built from a git checkout)")
find_program(GIT git)
if(GIT)
  execute_process(COMMAND ${GIT} -C ${SOURCE_DIR} describe --always --dirty --abbrev=12
                  OUTPUT_VARIABLE described RESULT_VARIABLE rc OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(rc EQUAL 0 AND described)
    execute_process(COMMAND ${GIT} -C ${SOURCE_DIR} log -1 --format=%cs
                    OUTPUT_VARIABLE day OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    set(commit "${described} (${day})")
  endif()
endif()
set(text "#pragma once\n#define PHAROCTL_GIT_COMMIT \"${commit}\"\n")
if(EXISTS ${OUTPUT})
  file(READ ${OUTPUT} old)
endif()
if(NOT "${old}" STREQUAL "${text}")
  file(WRITE ${OUTPUT} "${text}")
endif()
