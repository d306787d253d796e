#!/bin/bash
# Going back in a replay with the monitor (-S -monitor stdio) on
# tests/replay/target.asm:
#   - replay_seek to an instruction count, step 7, reverse-step 7: every
#     register is as before the steps;
#   - a breakpoint on got_byte hit three times, then reverse-continue: the
#     second hit again, registers and all; again: the first; again: the
#     start of the replay, where reverse-step has nowhere to go;
#   - forward again from the start: the same hits; back and forth 300,000
#     instructions there (from a checkpoint taken since the start): the
#     same registers; the guest's output ends as the recording's;
#   - with checkpoints every 100,000 instructions (going back restores the
#     last one before the target instead of starting over), the whole
#     session prints the same, byte for byte, and so does the guest;
#   - going back without a replay is refused.
#   monitor_reverse.sh EMBER IMAGE WORKDIR
set -u
EMBER=$1 IMAGE=$2 WORK=$3
mkdir -p "$WORK"
rm -f "$WORK"/*
. "$(dirname "$0")/../gdb/common.sh"
. "$(dirname "$0")/common.sh"

record "$WORK/run.rr" "$WORK/record.out"
GOT=$(got_byte_address)
cat >"$WORK/commands" <<COMMANDS
replay_seek 200000
info registers
step 7
info registers
reverse-step 7
info registers
break $GOT
c
c
info registers
c
info registers
reverse-continue
info registers
reverse-continue
info registers
reverse-continue
reverse-step
info replay
c
c
c
info registers
info replay
delete
reverse-step 300000
step 300000
info registers
c
COMMANDS
session() {  # session NAME CHECKPOINT-INTERVAL
    timeout 120 "$EMBER" -bios "$IMAGE" -display none -S -monitor stdio \
        -serial "file:$WORK/$1.serial" -icount "rr=replay,rrfile=$WORK/run.rr,rrcheckpoint=$2" \
        <"$WORK/commands" >"$WORK/$1.out" 2>"$WORK/$1.err"
    local rc=$?
    [ "$rc" = 1 ] || fail "ember ($1) ended with status $rc, expected 1 (the program's end)"
}
session monitor 0
cp "$WORK/monitor.serial" "$WORK/serial.out"
session checkpoints 100000
expect "$WORK/monitor.out" "no checkpoints: going back starts the replay over"
grep -q "[1-9][0-9]* checkpoints (" "$WORK/checkpoints.out" || fail "no checkpoints were taken"
# Apart from what info replay says of the checkpoints, the same session.
sed 's/; [^;]*checkpoints.*//' "$WORK/monitor.out" >"$WORK/monitor.cmp"
sed 's/; [^;]*checkpoints.*//' "$WORK/checkpoints.out" >"$WORK/checkpoints.cmp"
cmp -s "$WORK/monitor.cmp" "$WORK/checkpoints.cmp" ||
    fail "going back from checkpoints printed another session:
$(diff "$WORK/monitor.cmp" "$WORK/checkpoints.cmp")"
cmp -s "$WORK/monitor.serial" "$WORK/checkpoints.serial" ||
    fail "going back from checkpoints, the guest printed otherwise"
O=$WORK/monitor.out
same() {  # same N M WHAT: register dumps N and M are equal
    register_dump "$1" "$O" >"$WORK/dump-$1"
    register_dump "$2" "$O" >"$WORK/dump-$2"
    [ -s "$WORK/dump-$1" ] || fail "no register dump $1"
    cmp -s "$WORK/dump-$1" "$WORK/dump-$2" || fail "$3:
$(diff "$WORK/dump-$1" "$WORK/dump-$2")"
}
register_dump 1 "$O" | grep -q "^icount=200000$" || fail "replay_seek 200000 did not stop at 200000"
register_dump 2 "$O" | grep -q "^icount=200007$" || fail "step 7 did not reach 200007"
same 1 3 "reverse-step 7 did not come back to the registers before the steps"
register_dump 4 "$O" | grep -q "^EIP=0000${GOT#0x} " || fail "the second hit is not at got_byte"
same 4 6 "reverse-continue from the third hit did not come back to the second"
[ "$(register_dump 5 "$O" | grep ^icount)" != "$(register_dump 4 "$O" | grep ^icount)" ] ||
    fail "the third hit is at the second's instruction count"
register_dump 7 "$O" | grep -q " EBX=000004fa " || fail "the first hit's EBX is not 4fa (the divisor's high byte, the mouse's FAh)"
expect "$O" "the start of the replay: no breakpoint or watchpoint hit before" \
    "at the start of the replay already" "replaying $WORK/run.rr: " "instruction 0 of "
same 8 5 "forward from the start, the third hit is not as before"
same 9 8 "back 300000 instructions after starting over, and forward again, the registers differ"
# The guest's output ends as the recording's (the last three lines: the
# last bytes and "bye"); what it printed again after going back, and what
# was held back, is the same with and without checkpoints (above).
tail -n 3 "$WORK/record.out" >"$WORK/record.tail"
tail -n 3 "$WORK/serial.out" >"$WORK/serial.tail"
cmp -s "$WORK/record.tail" "$WORK/serial.tail" || fail "the serial output ends otherwise:
$(diff "$WORK/record.tail" "$WORK/serial.tail")"

# Without a replay there is no going back.
printf 'replay_seek 1000\nreverse-step\nreverse-continue\ninfo replay\nquit\n' |
    timeout 60 "$EMBER" -bios "$IMAGE" -display none -S -monitor stdio -serial none \
        >"$WORK/live.out" 2>&1
expect "$WORK/live.out" "going back needs a replay (-icount rr=replay,rrfile=FILE)" \
    "neither recording nor replaying" "instruction 1000"
echo "PASS the monitor goes back in a replay"
