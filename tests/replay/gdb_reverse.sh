#!/bin/bash
# The real gdb goes back in a replay (bs and bc packets; ReverseStep+ and
# ReverseContinue+ in qSupported) on tests/replay/target.asm: a breakpoint
# on got_byte hit three times, reverse-continue to the second hit (EBX as
# it was there), reverse-stepi and stepi across it, reverse-continue to the
# first and then to the start ("No more reverse-execution history"); with
# checkpoints every 500,000 instructions.
#   gdb_reverse.sh EMBER IMAGE WORKDIR GDB
set -u
EMBER=$1 IMAGE=$2 WORK=$3 GDB=${4:-gdb}
mkdir -p "$WORK"
rm -f "$WORK"/*
. "$(dirname "$0")/../gdb/common.sh"
. "$(dirname "$0")/common.sh"

record "$WORK/run.rr" "$WORK/record.out"
GOT=$(got_byte_address)
start_ember -S -serial "file:$WORK/serial.out" \
    -icount "rr=replay,rrfile=$WORK/run.rr,rrcheckpoint=500000"
cat >"$WORK/session.gdb" <<GDB
set architecture i8086
set pagination off
set confirm off
target remote 127.0.0.1:$PORT
break *$GOT
continue
continue
echo @second\n
info registers ebx eip
continue
echo @third\n
info registers ebx
reverse-continue
echo @back-second\n
info registers ebx eip
reverse-stepi
echo @reverse-stepi\n
info registers eip
stepi
echo @stepi\n
info registers eip
reverse-continue
echo @back-first\n
info registers ebx
reverse-continue
echo @start\n
info registers eip
kill
GDB
timeout 120 "$GDB" -batch -x "$WORK/session.gdb" >"$WORK/gdb.out" 2>&1
wait_ember 0
O=$WORK/gdb.out
section() {  # section NAME: the lines after @NAME up to the next @
    awk -v m="@$1" '$0 == m { on = 1; next } /^@/ { on = 0 } on' "$O"
}
second_ebx=$(section second | awk '$1 == "ebx" { print $2 }')
[ -n "$second_ebx" ] || fail "no EBX at the second hit"
section second | grep -q "eip *$GOT " || fail "the second stop is not at got_byte ($GOT)"
third_ebx=$(section third | awk '$1 == "ebx" { print $2 }')
[ "$third_ebx" != "$second_ebx" ] || fail "the third hit has the second's EBX"
section back-second | grep -q "ebx *$second_ebx " ||
    fail "reverse-continue did not come back to the second hit (EBX $second_ebx)"
section back-second | grep -q "eip *$GOT " || fail "reverse-continue did not stop at got_byte"
rstep=$(section reverse-stepi | awk '$1 == "eip" { print $2 }')
[ -n "$rstep" ] && [ "$rstep" != "$GOT" ] || fail "reverse-stepi did not move back from got_byte"
section stepi | grep -q "eip *$GOT " || fail "stepi after reverse-stepi did not come back to got_byte"
section back-first | grep -q "ebx *0x4fa " || fail "the first hit's EBX is not 0x4fa (the divisor's high byte, the mouse's FAh)"
expect "$O" "No more reverse-execution history."
section start | grep -q "eip *0xfff0 " || fail "the start of the replay is not the reset vector"
echo "PASS gdb goes back in a replay"
