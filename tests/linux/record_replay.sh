#!/bin/sh
# Guest A recorded and replayed (-icount rr=record|replay): booted with
# `noshutdown`, it gets shell commands on its serial line at moments the
# host decides (after the shell's prompt shows, with sleeps between), and
# powers off when told. The replay, given no input at all, prints the
# very same serial log (the commands' echo and output, the kernel's
# timestamps, /proc/uptime) and the same -d int trace (every interrupt
# with its instruction count) as the recording, and ends the same way.
# Then the monitor goes back in the replay from a checkpoint (every
# 100,000,000 instructions) in the middle of the kernel's boot: the
# registers after going back and forth again are those before, and the
# replay runs on to the guest's power-off without diverging, so the
# checkpoint held the whole machine (every device, timer and page).
# Usage: record_replay.sh EMBER OUTDIR
set -eu
ember=$1 out=$2
here=$(cd "$(dirname "$0")" && pwd)
guest=$(sh "$here/../guests/prepare.sh" a | tail -n 1)
mkdir -p "$out"
rm -f "$out"/*

fail() {
    echo "FAIL guest A record and replay: $*"
    for f in record replay; do
        echo "--- $f: the last lines of the serial log and ember's messages"
        tail -n 8 "$out/$f.log" "$out/$f.err" 2>/dev/null || true
    done
    exit 1
}

ember_a() {
    "$ember" -bios none -m 128 -display none -serial stdio -max-insns 40000000000 \
        -kernel "$guest/bzImage" -initrd "$guest/initrd.gz" \
        -append "console=ttyS0 quiet cryptomgr.notests noisapnp noshutdown" "$@"
}

# Types into the guest once its shell is there (at most 120 s of waiting).
feed() {
    for _ in $(seq 1 600); do
        grep -q 'shell (type poweroff to stop)' "$out/record.log" 2>/dev/null && break
        sleep 0.2
    done
    sleep 0.3
    printf 'echo hello $((6 * 7))\n'
    sleep 0.4
    printf 'cat /proc/uptime\n'
    sleep 0.2
    printf 'poweroff\n'
    for _ in $(seq 1 600); do   # the pipe stays open until the guest is off
        grep -q 'reboot: Power down' "$out/record.log" 2>/dev/null && break
        sleep 0.2
    done
}

status=0
feed | ember_a -icount "rr=record,rrfile=$out/guest-a.rr" -d int -D "$out/record.trace" \
    >"$out/record.log" 2>"$out/record.err" || status=$?
[ "$status" -eq 0 ] || fail "the recording ended with status $status, expected 0"
grep -q '^hello 42' "$out/record.log" || fail "the guest did not run the typed command"

status=0
ember_a -icount "rr=replay,rrfile=$out/guest-a.rr" -d int -D "$out/replay.trace" \
    </dev/null >"$out/replay.log" 2>"$out/replay.err" || status=$?
[ "$status" -eq 0 ] || fail "the replay ended with status $status, expected 0"
cmp -s "$out/record.log" "$out/replay.log" || fail "the serial logs differ:
$(diff "$out/record.log" "$out/replay.log" | head -n 10)"
lines=$(grep -c '^int: ' "$out/record.trace" || true)
[ "$lines" -gt 1000 ] || fail "the recording traced $lines interrupts, expected more than 1000"
cmp -s "$out/record.trace" "$out/replay.trace" || fail "the -d int traces differ: $(cmp "$out/record.trace" "$out/replay.trace")"
printf '%s\n' 'replay_seek 1200000000' 'info registers' 'reverse-step 1000' 'info registers' \
    'replay_seek 1200000000' 'info registers' 'info replay' 'continue' |
    "$ember" -bios none -m 128 -display none -S -monitor stdio -serial "file:$out/reverse.log" \
        -max-insns 40000000000 -kernel "$guest/bzImage" -initrd "$guest/initrd.gz" \
        -append "console=ttyS0 quiet cryptomgr.notests noisapnp noshutdown" \
        -icount "rr=replay,rrfile=$out/guest-a.rr,rrcheckpoint=100000000" \
        >"$out/reverse.monitor" 2>"$out/reverse.err" || status=$?
[ "$status" -eq 0 ] || fail "the replay that went back ended with status $status, expected 0 (7: it diverged)"
. "$here/../replay/common.sh"    # register_dump
register_dump 1 "$out/reverse.monitor" >"$out/dump1"
register_dump 2 "$out/reverse.monitor" >"$out/dump2"
register_dump 3 "$out/reverse.monitor" >"$out/dump3"
grep -q '^icount=1200000000$' "$out/dump1" || fail "replay_seek did not stop at 1200000000"
grep -q '^icount=1199999000$' "$out/dump2" || fail "reverse-step 1000 did not reach 1199999000"
cmp -s "$out/dump1" "$out/dump3" || fail "back and forth again, the registers differ:
$(diff "$out/dump1" "$out/dump3")"
grep -q '^hello 42' "$out/reverse.log" || fail "the replay that went back did not run the command"
grep -q '; 1[12] checkpoints (' "$out/reverse.monitor" ||
    fail "no checkpoints in the replay: $(grep 'replaying' "$out/reverse.monitor")"
events=$(( ($(stat -c %s "$out/guest-a.rr") - 102) / 40 ))
rm -f "$out/record.trace" "$out/replay.trace"
echo "PASS guest A replays its recording ($events events, $lines interrupts)"
