#!/bin/sh
# Keys and mouse moves in the SDL window reach the guest and are recorded:
# under Xvfb, xdotool types "ab", clicks (the click grabs the mouse and is
# not the guest's), moves the mouse twice and types Q into ember's window
# while it records (-icount rr=record) the replay test program
# (tests/replay/target.asm), which prints each byte its keyboard
# controller gives it (keys, and mouse packets) with the moment it came,
# and ends at the Q. The replay, with no window and no input, prints the
# very same lines.
# Usage: window_input.sh EMBER IMAGE WORKDIR
set -u
EMBER=$1 IMAGE=$2 WORK=$3
for tool in Xvfb xdotool; do
    command -v $tool >/dev/null 2>&1 || { echo "FAIL: $tool is missing (packages xvfb xdotool)"; exit 1; }
done
mkdir -p "$WORK"
rm -f "$WORK"/*
display=:$((10 + $$ % 40))
Xvfb $display -screen 0 1024x768x24 -nolisten tcp >"$WORK/xvfb.log" 2>&1 &
xvfb=$!
ember=
trap 'kill $ember $xvfb 2>/dev/null' EXIT
sleep 1
DISPLAY=$display "$EMBER" -bios "$IMAGE" -display sdl -name keys-test \
    -serial "file:$WORK/record.out" -icount "rr=record,rrfile=$WORK/keys.rr" \
    >"$WORK/record.err" 2>&1 &
ember=$!
wid=
for _ in $(seq 1 60); do
    wid=$(DISPLAY=$display xdotool search --name 'keys-test - ember' 2>/dev/null | head -n 1)
    [ -n "$wid" ] && break
    sleep 0.5
done
[ -n "$wid" ] || { echo "FAIL: no window titled 'keys-test - ember'"; cat "$WORK/record.err"; exit 1; }
DISPLAY=$display xdotool windowfocus --sync "$wid"
sleep 0.5
DISPLAY=$display xdotool type --delay 150 ab
sleep 0.3
# A click grabs the mouse (that click is not the guest's); then it moves.
DISPLAY=$display xdotool mousemove --window "$wid" 100 100 click 1
sleep 0.5
DISPLAY=$display xdotool mousemove_relative -- 30 -20
sleep 0.3
DISPLAY=$display xdotool mousemove_relative -- -15 10
sleep 0.3
DISPLAY=$display xdotool key q
for _ in $(seq 1 100); do
    kill -0 "$ember" 2>/dev/null || break
    sleep 0.2
done
if kill -0 "$ember" 2>/dev/null; then
    echo "FAIL: the guest did not end at the Q key"
    cat "$WORK/record.out"
    exit 1
fi
wait "$ember"
rc=$?
ember=
[ "$rc" = 1 ] || { echo "FAIL: the recording ended with status $rc, expected 1"; cat "$WORK/record.err"; exit 1; }
# The mouse's FAh, A and B down and up, at least one 3-byte packet, Q.
keys=$(grep -c '^k=' "$WORK/record.out")
[ "$keys" -ge 9 ] || { echo "FAIL: the guest got $keys bytes, expected keys and mouse packets"; cat "$WORK/record.out"; exit 1; }

timeout 60 "$EMBER" -bios "$IMAGE" -display none -serial "file:$WORK/replay.out" \
    -icount "rr=replay,rrfile=$WORK/keys.rr" </dev/null >"$WORK/replay.err" 2>&1
rc=$?
[ "$rc" = 1 ] || { echo "FAIL: the replay ended with status $rc, expected 1"; cat "$WORK/replay.err"; exit 1; }
if ! cmp -s "$WORK/record.out" "$WORK/replay.out"; then
    echo "FAIL: the replay's lines differ from the recording's"
    diff "$WORK/record.out" "$WORK/replay.out"
    exit 1
fi
echo "window input: $keys bytes from keys and the mouse, replayed the same"
echo "PASS"
