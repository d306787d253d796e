# Turns the binary INPUT into OUTPUT, a C file defining
#   const uint8_t SYMBOL[]; const size_t SYMBOL_size;
# (declared in linux_boot.h for the linuxboot ROM).
# Usage: cmake -D INPUT=f.bin -D OUTPUT=f.c -D SYMBOL=name -P bin2c.cmake
file(READ ${INPUT} hex HEX)
string(LENGTH "${hex}" digits)
math(EXPR size "${digits} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "((0x[0-9a-f][0-9a-f],){16})" "\\1\n    " bytes "${bytes}")
get_filename_component(name ${INPUT} NAME)
file(WRITE ${OUTPUT}
  "/* Generated from ${name} by firmware/bin2c.cmake: do not edit. */\n"
  "#include <stddef.h>\n#include <stdint.h>\n\n"
  "extern const uint8_t ${SYMBOL}[];\nextern const size_t ${SYMBOL}_size;\n\n"
  "const uint8_t ${SYMBOL}[] = {\n    ${bytes}\n};\n"
  "const size_t ${SYMBOL}_size = ${size};\n")
