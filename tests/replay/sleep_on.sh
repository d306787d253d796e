#!/bin/bash
# -icount sleep=on: a halted guest's time passes as the host's does. The
# program (target.asm) halts between its 1000 Hz PIT ticks; a byte typed
# one second of host time after the start comes at roughly tick 1000,
# less ember's start-up (bounds far apart: a loaded host only makes the
# guest's count lag, it never runs ahead), where without sleep=on guest
# time jumps from timer to timer and the byte comes tens of thousands of
# ticks in.
#   sleep_on.sh EMBER IMAGE WORKDIR
set -u
EMBER=$1 IMAGE=$2 WORK=$3
mkdir -p "$WORK"
rm -f "$WORK"/*
. "$(dirname "$0")/../gdb/common.sh"

ticks_at_q() {  # ticks_at_q OUT ARGS...: the tick count when 'q' came
    local out=$1
    shift
    (sleep 1; printf 'q') | timeout 60 "$EMBER" -bios "$IMAGE" -display none -serial stdio "$@" \
        >"$out" 2>"$WORK/ember.err"
    local rc=$?
    [ "$rc" = 1 ] || fail "ember $* ended with status $rc, expected 1"
    local hex
    hex=$(sed -n 's/^b=71 t=\([0-9a-f]*\) .*/\1/p' "$out")
    [ -n "$hex" ] || fail "no line for 'q' in $out"
    echo $((16#$hex))
}

paced=$(ticks_at_q "$WORK/paced.out" -icount sleep=on)
free=$(ticks_at_q "$WORK/free.out")
echo "ticks when 'q' came one host second in: $paced with sleep=on, $free without"
[ "$paced" -ge 200 ] && [ "$paced" -le 5000 ] ||
    fail "with sleep=on the byte came at tick $paced, expected about 1000"
[ "$free" -gt 20000 ] || fail "without sleep=on the byte came at tick $free, expected far more"
echo "PASS -icount sleep=on"
