#!/bin/bash
# The monitor's and the debugger's command-line rules: -monitor stdio
# takes the terminal from the serial port (an explicit -serial stdio is
# refused with a message), -S needs something that can start the machine,
# bad -d categories and -dfilter ranges are refused, -d help lists the
# categories, a monitor whose input ends lets the machine run on, and a
# run that ends on its own stays stopped while the monitor is there.
#   monitor_options.sh EMBER IMAGE WORKDIR
set -u
EMBER=$1 IMAGE=$2 WORK=$3
mkdir -p "$WORK"
rm -f "$WORK"/*.out "$WORK"/*.err
. "$(dirname "$0")/../gdb/common.sh"

run() {    # run NAME STATUS ARGS...: ember's status must be STATUS
    local name=$1 want=$2
    shift 2
    timeout 30 "$EMBER" "$@" </dev/null >"$WORK/$name.out" 2>"$WORK/$name.err"
    local rc=$?
    [ "$rc" = "$want" ] || fail "$name: status $rc, expected $want"
}

run clash 2 -bios "$IMAGE" -display none -monitor stdio -serial stdio
expect "$WORK/clash.err" "-monitor stdio and -serial stdio both want standard input"
run nostart 2 -bios "$IMAGE" -display none -S
expect "$WORK/nostart.err" "-S: nothing could start the stopped machine"
run badcat 2 -bios "$IMAGE" -display none -d exec,nonsense
expect "$WORK/badcat.err" "unknown category 'nonsense'"
run badfilter 2 -bios "$IMAGE" -display none -d exec -dfilter 0x100+
expect "$WORK/badfilter.err" "-dfilter 0x100+: expected"
run help 0 -d help
expect "$WORK/help.out" "in_asm" "exec" "unimp" "bios"
run bios 1 -bios "$IMAGE" -display none -d bios
# Input that ends while stopped: the program runs to its end.
printf 'info registers\n' | timeout 30 "$EMBER" -bios "$IMAGE" -display none -S -monitor stdio \
    >"$WORK/eof.out" 2>"$WORK/eof.err"
rc=$?
[ "$rc" = 1 ] || fail "eof: status $rc, expected 1"
expect "$WORK/eof.out" "EIP=0000fff0" "done"
expect "$WORK/eof.err" "the machine runs on"
# A run that cannot go on (here -max-insns) stays stopped for a look.
printf 'c\ninfo registers\nc\n' | timeout 30 "$EMBER" -bios "$IMAGE" -display none -S \
    -monitor stdio -max-insns 100 >"$WORK/ended.out" 2>"$WORK/ended.err"
rc=$?
[ "$rc" = 6 ] || fail "ended: status $rc, expected 6 (-max-insns)"
expect "$WORK/ended.err" "it stays stopped for inspection"
expect "$WORK/ended.out" "icount=100"
echo "monitor options: pass"
