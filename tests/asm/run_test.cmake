# Runs one bare-metal test image (see CMakeLists.txt):
#   cmake -D EMBER=path/to/ember -D IMAGE=test.bin [-D EXPECTED=test.expected]
#         -P run_test.cmake
# Passes when ember exits with status 1 (the guest wrote 0 to port 0xF4) and
# the debug-console output equals EXPECTED when that file exists.
if(NOT EMBER OR NOT IMAGE)
  message(FATAL_ERROR "usage: cmake -D EMBER=... -D IMAGE=... [-D EXPECTED=...] -P run_test.cmake")
endif()
execute_process(
  COMMAND ${EMBER} -bios ${IMAGE} -display none -max-insns 50000000
  OUTPUT_VARIABLE out
  ERROR_VARIABLE err
  RESULT_VARIABLE rc
  TIMEOUT 30)
message("${out}")
if(err)
  message("stderr: ${err}")
endif()
if(NOT rc STREQUAL "1")
  if(rc MATCHES "^[0-9]+$" AND rc GREATER 1)
    math(EXPR code "${rc} >> 1")
    if(rc EQUAL 4)
      set(why "the guest halted for good")
    elseif(rc EQUAL 6)
      set(why "ran out of -max-insns")
    elseif(rc EQUAL 2)
      set(why "bad usage or image")
    else()
      set(why "guest exit code ${code}")
    endif()
  else()
    set(why "${rc}")
  endif()
  message(FATAL_ERROR "ember exited with status ${rc} (${why}), expected 1")
endif()
if(EXPECTED AND EXISTS ${EXPECTED})
  file(READ ${EXPECTED} want)
  if(NOT out STREQUAL want)
    message(FATAL_ERROR "debug console output differs from ${EXPECTED}:\n"
                        "--- expected\n${want}--- got\n${out}---")
  endif()
endif()
