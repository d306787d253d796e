#!/bin/bash
# Record and replay on tests/replay/target.asm:
#   - bytes typed at host-timed moments are recorded; the replay, with no
#     input at all, prints the very same lines (each with the tick count
#     and a hash of the TSC when its byte came) and ends the same way;
#   - two replays give the same -d int trace (every timer interrupt, with
#     its instruction count), and it is not empty;
#   - the recording is refused when the machine differs (-m) or the file is
#     not a recording, and a truncated one replays what is whole;
#   - a changed program (another PIT rate) diverges: a message, status 7;
#   - a recording stepped through in the monitor (across timer interrupts)
#     replays without steps to the same -d int trace.
#   record_replay.sh EMBER IMAGE WORKDIR
set -u
EMBER=$1 IMAGE=$2 WORK=$3
mkdir -p "$WORK"
rm -f "$WORK"/*
. "$(dirname "$0")/../gdb/common.sh"
. "$(dirname "$0")/common.sh"

replay() {  # replay FILE OUTPUT [ARGS...]: status in $rc
    local file=$1 out=$2
    shift 2
    timeout 60 "$EMBER" -bios "$IMAGE" -display none -serial stdio \
        -icount "rr=replay,rrfile=$file" "$@" </dev/null >"$out" 2>"$WORK/replay.err"
    rc=$?
}

record "$WORK/run.rr" "$WORK/record.out"
expect "$WORK/record.out" "replay target ready" "b=71 " "bye"
[ "$(grep -c '^b=' "$WORK/record.out")" = 6 ] || fail "the recording did not see the six bytes"

replay "$WORK/run.rr" "$WORK/replay.out" -d int -D "$WORK/int1.trace"
[ "$rc" = 1 ] || fail "the replay ended with status $rc, expected 1"
cmp -s "$WORK/record.out" "$WORK/replay.out" || fail "the replay's output differs from the recording's:
$(diff "$WORK/record.out" "$WORK/replay.out")"
replay "$WORK/run.rr" "$WORK/replay2.out" -d int -D "$WORK/int2.trace"
[ "$rc" = 1 ] || fail "the second replay ended with status $rc, expected 1"
ticks=$(grep -c "v=08" "$WORK/int1.trace")
[ "$ticks" -gt 1000 ] || fail "the -d int trace has $ticks timer interrupts, expected thousands"
cmp -s "$WORK/int1.trace" "$WORK/int2.trace" || fail "two replays gave different -d int traces"

# Another machine, a file that is no recording, a truncated recording.
replay "$WORK/run.rr" "$WORK/bad-m.out" -m 64
[ "$rc" = 2 ] || fail "a replay with another -m ended with status $rc, expected 2"
expect "$WORK/replay.err" "was recorded with -m 128M, not 64M"
replay "$IMAGE" "$WORK/bad-file.out"
[ "$rc" = 2 ] || fail "replaying a file that is no recording ended with status $rc, expected 2"
expect "$WORK/replay.err" "is not an ember recording"
replay "$WORK/missing.rr" "$WORK/missing.out"
[ "$rc" = 2 ] || fail "replaying a missing file ended with status $rc, expected 2"
expect "$WORK/replay.err" "cannot open the recording"
size=$(stat -c %s "$WORK/run.rr")
head -c $((size - 20)) "$WORK/run.rr" >"$WORK/cut.rr"     # half of the end event
replay "$WORK/cut.rr" "$WORK/cut.out"
[ "$rc" = 1 ] || fail "the truncated recording's replay ended with status $rc, expected 1"
expect "$WORK/replay.err" "ends in the middle of an event"
cmp -s "$WORK/record.out" "$WORK/cut.out" || fail "the truncated recording replayed differently"

# The same recording on a program that ticks at another rate diverges.
cp "$IMAGE" "$WORK/changed.bin"
printf '\x52\x02' | dd of="$WORK/changed.bin" bs=1 seek=8 conv=notrunc status=none  # 594: 2 kHz
timeout 60 "$EMBER" -bios "$WORK/changed.bin" -display none -serial stdio \
    -icount "rr=replay,rrfile=$WORK/run.rr" </dev/null >"$WORK/changed.out" 2>"$WORK/replay.err"
rc=$?
[ "$rc" = 7 ] || fail "a replay of a changed program ended with status $rc, expected 7"
expect "$WORK/replay.err" "the replay diverged from the recording"

# Steps while recording let interrupts in, as the replay (no steps) will.
printf 'step 1500000\ncontinue\n' |
    timeout 60 "$EMBER" -bios "$IMAGE" -display none -S -monitor stdio -serial none \
        -max-insns 2000000 -d int -D "$WORK/stepped.trace" \
        -icount "rr=record,rrfile=$WORK/stepped.rr" >"$WORK/stepped.out" 2>&1
rc=$?
[ "$rc" = 6 ] || fail "the stepped recording ended with status $rc, expected 6 (-max-insns)"
replay "$WORK/stepped.rr" "$WORK/stepped-replay.out" -serial none -max-insns 2000000 \
    -d int -D "$WORK/stepped-replay.trace"
[ "$rc" = 6 ] || fail "the stepped recording's replay ended with status $rc, expected 6"
[ "$(grep -c 'v=08' "$WORK/stepped.trace")" -gt 100 ] || fail "too few timer interrupts"
cmp -s "$WORK/stepped.trace" "$WORK/stepped-replay.trace" ||
    fail "a recording stepped through replays to another -d int trace"

# Options.
"$EMBER" -icount rr=record -display none 2>"$WORK/opt.err"
[ $? = 2 ] || fail "-icount rr=record without rrfile was accepted"
expect "$WORK/opt.err" "rr=record or rr=replay goes with rrfile=FILE"
"$EMBER" -icount shift=3,rr=record,rrfile=x -display none 2>"$WORK/opt.err"
[ $? = 2 ] || fail "-icount shift=3 was accepted"
expect "$WORK/opt.err" "'shift=3' is not understood"
echo "PASS record and replay"
