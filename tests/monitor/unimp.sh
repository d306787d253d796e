#!/bin/bash
# -d unimp reports from the devices: tests/monitor/unimp.asm asks four of
# them (i8042, i8237, 82077AA, MC146818) twice each for something they do
# not implement; each report must be in the -D file exactly once, and none
# without -d unimp.
#   unimp.sh EMBER IMAGE WORKDIR
set -u
EMBER=$1 IMAGE=$2 WORK=$3
mkdir -p "$WORK"
rm -f "$WORK"/*.out "$WORK"/*.err "$WORK"/*.log
. "$(dirname "$0")/../gdb/common.sh"

timeout 60 "$EMBER" -bios "$IMAGE" -display none -d unimp -D "$WORK/unimp.log" \
    >"$WORK/unimp.out" 2>"$WORK/unimp.err"
[ $? = 1 ] || fail "unimp: the program did not end with status 1"
grep -q "done" "$WORK/unimp.out" || fail "unimp: the program did not print done"

# once TEXT...: the fixed string TEXT (the words joined by spaces) is in
# exactly one line of the log.
once() {
    local text="$*" n
    n=$(grep -cF -- "$text" "$WORK/unimp.log")
    [ "$n" = 1 ] || fail "'$text' is in unimp.log $n times, expected once"
}
once "unimp: i8042 controller command c1h (poll input port low nibble)" \
    "is not implemented: ignored ("
once "unimp: 8237 DMA 1 command register 01h enables memory-to-memory transfers," \
    "which are not implemented: none happen ("
once "unimp: 82077AA floppy command 42h (READ TRACK) is not implemented:" \
    "answered invalid (ST0 80h) ("
once "unimp: MC146818 register A 06h selects divider DV2-DV0 = 000b" \
    "(4.194304 MHz time base), which is not implemented: the clock stands still ("
# Each report names the place in the source that made it.
n=$(grep -cE '^unimp: .* \(.*devices/[a-z0-9_]+\.c:[0-9]+\)$' "$WORK/unimp.log")
[ "$n" = 4 ] || fail "unimp: $n device reports with their source line, expected 4"

timeout 60 "$EMBER" -bios "$IMAGE" -display none -d io -D "$WORK/io.log" \
    >"$WORK/io.out" 2>"$WORK/io.err"
[ $? = 1 ] || fail "io: the program did not end with status 1"
grep -q "^unimp:" "$WORK/io.log" && fail "io: unimp reports without -d unimp"
# The program did poke each device twice (so "once" above means once).
for poke in "out 0064 b <- c1" "out 0008 b <- 01" "out 03f5 b <- 42" "out 0071 b <- 06"; do
    n=$(grep -cF "io: $poke" "$WORK/io.log")
    [ "$n" = 2 ] || fail "io: '$poke' $n times, expected twice"
done
echo "unimp: pass"
