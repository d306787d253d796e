# Runs one VGA picture test (see CMakeLists.txt):
#   cmake -D EMBER=... -D IMAGE=x.bin -D OUTPUT=x.png -D GOLDEN=golden/x.png
#         [-D MEDIA=fda] -P run_picture_test.cmake
# IMAGE is the BIOS (-bios, bare metal), or with MEDIA=fda a floppy booted
# by the default BIOS (SeaBIOS).
# Passes when ember exits with status 1 (the program wrote 0 to port 0xF4)
# and its -screendump equals GOLDEN byte for byte. With the environment
# variable EMBER_UPDATE_GOLDEN set, the screendump becomes the new GOLDEN.
if(NOT EMBER OR NOT IMAGE OR NOT OUTPUT OR NOT GOLDEN)
  message(FATAL_ERROR "usage: cmake -D EMBER=... -D IMAGE=... -D OUTPUT=... -D GOLDEN=... "
                      "-P run_picture_test.cmake")
endif()
if(MEDIA STREQUAL "fda")
  set(boot -fda ${IMAGE} -max-insns 200000000)
else()
  set(boot -bios ${IMAGE} -max-insns 50000000)
endif()
file(REMOVE ${OUTPUT})
execute_process(
  COMMAND ${EMBER} ${boot} -display none -serial none -screendump ${OUTPUT}
  OUTPUT_VARIABLE out
  ERROR_VARIABLE err
  RESULT_VARIABLE rc
  TIMEOUT 50)
if(NOT rc STREQUAL "1")
  message(FATAL_ERROR "ember exited with status ${rc}, expected 1 (exit port 0xF4 with 0)\n"
                      "stdout: ${out}\nstderr: ${err}")
endif()
if(NOT EXISTS ${OUTPUT})
  message(FATAL_ERROR "ember wrote no screendump ${OUTPUT}\nstderr: ${err}")
endif()
if(DEFINED ENV{EMBER_UPDATE_GOLDEN})
  execute_process(COMMAND ${CMAKE_COMMAND} -E copy ${OUTPUT} ${GOLDEN})
  message("updated ${GOLDEN}")
  return()
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${OUTPUT} ${GOLDEN} RESULT_VARIABLE differ)
if(differ)
  message(FATAL_ERROR "the screendump ${OUTPUT} differs from ${GOLDEN}: look at both; "
                      "if the new one is right, rerun with EMBER_UPDATE_GOLDEN=1")
endif()
