# Runs one boot test (see CMakeLists.txt):
#   cmake -D CASE=floppy|hdd|cdrom|fat12|banner_floppy|banner_hdd|banner_cdrom
#         -D EMBER=path/to/ember -D SOURCE_DIR=tests/boot -D IMAGES=dir
#         -D WORK=scratch-dir -P run_boot_test.cmake
# IMAGES holds the assembled programs; WORK gets the images made at test
# time (the FAT12 floppy, the ISOs), the screendump and the logs.
# Every run uses the default BIOS (SeaBIOS with SeaVGABIOS), headless, and
# must end with ember's status 1 (the program wrote 0 to port 0xF4).
if(NOT CASE OR NOT EMBER OR NOT SOURCE_DIR OR NOT IMAGES OR NOT WORK)
  message(FATAL_ERROR "usage: cmake -D CASE=... -D EMBER=... -D SOURCE_DIR=... -D IMAGES=... "
                      "-D WORK=... -P run_boot_test.cmake")
endif()

# ---- what the tests need on the host: fail, never skip ----
set(seabios /usr/share/seabios/bios-256k.bin)
if(NOT EXISTS ${seabios})
  message(FATAL_ERROR "SeaBIOS is not installed (${seabios} is missing): the boot tests run "
                      "the real BIOS path. Install the Debian package 'seabios' "
                      "(apt-get install seabios; `make deps` does it).")
endif()

function(need_tool var)
  find_program(${var} NAMES ${ARGN})
  if(NOT ${var})
    string(REPLACE ";" "' nor '" names "${ARGN}")
    message(FATAL_ERROR "${CASE}: '${names}' is not installed. ${NEED_HINT}")
  endif()
endfunction()

file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})

# An El Torito CD, no emulation, in WORK/NAME.iso with the boot file
# BOOT_FILE as boot/ember.bin (SeaBIOS loads its first 2048 bytes) and the
# boot information table filled in.
function(make_iso name boot_file)
  set(NEED_HINT "Install the Debian package 'genisoimage' (or 'xorriso'); `make deps` installs genisoimage.")
  need_tool(ISO_TOOL genisoimage xorriso)
  set(tree ${WORK}/${name}-tree)
  file(MAKE_DIRECTORY ${tree}/boot)
  configure_file(${boot_file} ${tree}/boot/ember.bin COPYONLY)
  file(WRITE ${tree}/README.TXT "ember boot test CD\n")
  if(ISO_TOOL MATCHES "xorriso$")
    set(tool ${ISO_TOOL} -as mkisofs)
  else()
    set(tool ${ISO_TOOL})
  endif()
  execute_process(
    COMMAND ${tool} -quiet -o ${WORK}/${name}.iso -V EMBER_BOOT -b boot/ember.bin
            -c boot/boot.cat -no-emul-boot -boot-load-size 4 -boot-info-table ${tree}
    RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${ISO_TOOL} failed (${rc}): ${err}")
  endif()
endfunction()

# ---- the case: its command line and what its output must be ----
set(keys "at=200,every=30,Hello, World!\\n")
set(expected "")            # file the debug console output must equal
set(screen "")              # file the text screen must equal
set(banner "")              # "Booting from ..." line for the banner cases
if(CASE STREQUAL "floppy")
  set(args -fda ${IMAGES}/floppy.img -snapshot -keys ${keys})
elseif(CASE STREQUAL "hdd")
  set(args -hda ${IMAGES}/hdd.img -snapshot -boot c -keys ${keys})
elseif(CASE STREQUAL "cdrom")
  make_iso(cdrom ${IMAGES}/cdrom.bin)
  set(args -cdrom ${WORK}/cdrom.iso -boot d -keys ${keys})
elseif(CASE STREQUAL "fat12")
  set(NEED_HINT "Install the Debian package 'mtools'; `make deps` installs it.")
  need_tool(MFORMAT mformat)
  need_tool(MCOPY mcopy)
  need_tool(MDEL mdel)
  need_tool(MSHOWFAT mshowfat)
  set(ENV{MTOOLS_SKIP_CHECK} 1)
  set(img ${WORK}/fat12.img)
  # README.TXT stays; FILLER1 (2 clusters) is deleted once FILLER2 is in,
  # so POEM.TXT takes FILLER1's clusters and continues after FILLER2's.
  string(REPEAT "filler " 100 filler)
  file(WRITE ${WORK}/README.TXT "A FAT12 floppy for ember's boot test.\n")
  file(WRITE ${WORK}/FILLER1.TXT "${filler}")
  file(WRITE ${WORK}/FILLER2.TXT "a second file\n")
  foreach(step
      "${MFORMAT};-i;${img};-C;-f;1440;-N;1234ABCD;-v;EMBER;-B;${IMAGES}/fat12.bin;::"
      "${MCOPY};-i;${img};${WORK}/README.TXT;::README.TXT"
      "${MCOPY};-i;${img};${WORK}/FILLER1.TXT;::FILLER1.TXT"
      "${MCOPY};-i;${img};${WORK}/FILLER2.TXT;::FILLER2.TXT"
      "${MDEL};-i;${img};::FILLER1.TXT"
      "${MCOPY};-i;${img};${SOURCE_DIR}/fat12/POEM.TXT;::POEM.TXT")
    execute_process(COMMAND ${step} RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_VARIABLE out)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "making the FAT12 floppy: '${step}' failed (${rc}): ${out}${err}")
    endif()
  endforeach()
  execute_process(COMMAND ${MSHOWFAT} -i ${img} ::POEM.TXT OUTPUT_VARIABLE chain)
  string(REGEX MATCHALL "<[0-9-]+>" runs "${chain}")
  list(LENGTH runs nruns)
  if(nruns LESS 2)
    message(FATAL_ERROR "POEM.TXT is not in pieces on the test floppy (mshowfat: ${chain}): "
                        "the test would not follow a FAT chain")
  endif()
  message("POEM.TXT clusters: ${chain}")
  set(args -fda ${img})
  set(expected ${SOURCE_DIR}/fat12/POEM.TXT)
elseif(CASE STREQUAL "banner_floppy")
  set(args -fda ${IMAGES}/exit_floppy.img)
  set(banner "Booting from Floppy...")
elseif(CASE STREQUAL "banner_hdd")
  set(args -hda ${IMAGES}/exit_hdd.img)
  set(banner "Booting from Hard Disk...")
elseif(CASE STREQUAL "banner_cdrom")
  make_iso(exit ${IMAGES}/exit_cd.bin)
  set(args -drive file=${WORK}/exit.iso,format=raw,if=ide,media=cdrom -boot d)
  set(banner "Booting from DVD/CD...")
else()
  message(FATAL_ERROR "unknown CASE '${CASE}'")
endif()
if(CASE MATCHES "^(floppy|hdd|cdrom)$")
  set(expected ${SOURCE_DIR}/${CASE}.expected)
  set(screen ${SOURCE_DIR}/${CASE}.screen)
endif()

# ---- the run ----
set(dump ${WORK}/screen.txt)
execute_process(
  COMMAND ${EMBER} ${args} -d bios -display none -serial none -max-insns 400000000
          -screendump ${dump}
  OUTPUT_VARIABLE out
  ERROR_VARIABLE err
  RESULT_VARIABLE rc
  TIMEOUT 100)
file(WRITE ${WORK}/debugcon.txt "${out}")
file(WRITE ${WORK}/bios.log "${err}")
set(screen_text "")
if(EXISTS ${dump})
  file(READ ${dump} screen_text)
endif()
string(REPLACE ";" " " shown "${args}")
message("ember ${shown}\n--- debug console (port 0xE9)\n${out}--- screen\n${screen_text}---")
if(NOT rc STREQUAL "1")
  if(rc STREQUAL "4")
    set(why "the guest halted for good")
  elseif(rc STREQUAL "6")
    set(why "ran out of -max-insns")
  elseif(rc STREQUAL "2")
    set(why "bad usage or a missing file")
  elseif(rc MATCHES "^[0-9]+$" AND rc GREATER 1)
    math(EXPR code "${rc} >> 1")
    set(why "the program exited with code ${code}: it failed")
  else()
    set(why "${rc}")
  endif()
  string(REGEX MATCH "[^\n]*\n?[^\n]*$" tail "${err}")
  message(FATAL_ERROR "ember exited with status ${rc} (${why}), expected 1; the SeaBIOS log "
                      "is in ${WORK}/bios.log, its end: ${tail}")
endif()

if(expected)
  file(READ ${expected} want)
  if(NOT out STREQUAL want)
    message(FATAL_ERROR "the debug console output differs from ${expected}:\n"
                        "--- expected\n${want}--- got\n${out}---")
  endif()
endif()

if(NOT EXISTS ${dump})
  message(FATAL_ERROR "ember wrote no text screendump ${dump} (is the VGA in a text mode?)")
endif()
# Trailing blank lines of the screen do not count.
string(REGEX REPLACE "\n+$" "\n" screen_trimmed "${screen_text}")
if(screen)
  file(READ ${screen} want)
  if(NOT screen_trimmed STREQUAL want)
    message(FATAL_ERROR "the screen differs from ${screen}:\n"
                        "--- expected\n${want}--- got\n${screen_trimmed}---")
  endif()
endif()

if(banner)
  foreach(line "SeaBIOS (version " "${banner}")
    string(FIND "${screen_text}" "${line}" on_screen)
    string(FIND "${err}" "${line}" in_log)
    if(on_screen EQUAL -1)
      message(FATAL_ERROR "'${line}' is not on the screen")
    endif()
    if(in_log EQUAL -1)
      message(FATAL_ERROR "'${line}' is not in SeaBIOS's debug log (-d bios, port 0x402)")
    endif()
  endforeach()
  # The banner comes first on the screen, the boot line after it.
  string(FIND "${screen_text}" "SeaBIOS (version " at_banner)
  string(FIND "${screen_text}" "${banner}" at_boot)
  if(NOT at_banner LESS at_boot)
    message(FATAL_ERROR "the screen shows '${banner}' before the SeaBIOS banner")
  endif()
  if(NOT out MATCHES "^tsc 0x[0-9A-F]+\n$")
    message(FATAL_ERROR "the boot sector did not run (debug console: '${out}')")
  endif()
endif()
