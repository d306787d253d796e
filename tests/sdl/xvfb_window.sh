#!/bin/sh
# The SDL2 window under Xvfb: boot SeaBIOS with no disk (it stops at "No
# bootable device." and keeps running), take a screenshot of the X screen
# with xwd, and check that the window is there, titled after -name, and
# shows text (lit pixels in its area, but far from all of them).
# Usage: xvfb_window.sh EMBER XWD_COUNT WORKDIR
set -u
EMBER=$1 COUNT=$2 WORK=$3
for tool in Xvfb xwd xwininfo; do
    command -v $tool >/dev/null 2>&1 || { echo "FAIL: $tool is missing (packages xvfb x11-apps x11-utils)"; exit 1; }
done
mkdir -p "$WORK"
display=:$((50 + $$ % 40))
Xvfb $display -screen 0 1024x768x24 -nolisten tcp >"$WORK/xvfb.log" 2>&1 &
xvfb=$!
trap 'kill $ember $xvfb 2>/dev/null' EXIT
sleep 1
DISPLAY=$display "$EMBER" -display sdl -name xvfb-test -serial none >"$WORK/ember.log" 2>&1 &
ember=$!
# Look every 2 s (host time) until SeaBIOS's text shows, for up to 60 s
# (the sanitizer build is slow).
tries=0
while :; do
    sleep 2
    tries=$((tries + 1))
    DISPLAY=$display xwininfo -root -tree > "$WORK/tree.txt" 2>&1
    line=$(grep '"xvfb-test - ember' "$WORK/tree.txt" | head -n 1)
    if [ -n "$line" ]; then
        DISPLAY=$display xwd -root -silent > "$WORK/screen.xwd" || { echo "FAIL: xwd"; exit 1; }
        # "  0x200007 "xvfb-test - ember - 20 MIPS": ()  720x540+0+0  +152+114"
        geom=$(echo "$line" | grep -o '[0-9]*x[0-9]*+[0-9-]*+[0-9-]*  +[0-9-]*+[0-9-]*' | head -n 1)
        size=${geom%%+*}; w=${size%x*}; h=${size#*x}
        abs=${geom##* }; abs=${abs#+}; x=${abs%%+*}; y=${abs#*+}
        result=$("$COUNT" "$WORK/screen.xwd" "$x" "$y" "$w" "$h") || exit 1
        lit=${result%% of*}; total=$(echo "$result" | awk '{print $3}')
        # Text on black: some pixels lit (SeaBIOS's lines), most dark.
        if [ "$lit" -ge 500 ] && [ "$lit" -le $((total / 3)) ]; then
            echo "window: $line"
            echo "window $w x $h at $x,$y: $result"
            echo "PASS"
            exit 0
        fi
    fi
    if [ $tries -ge 30 ]; then
        echo "FAIL: no window titled 'xvfb-test - ember ...' showing SeaBIOS's text after 60 s"
        echo "last window line: ${line:-none}; last count: ${result:-none}"
        cat "$WORK/ember.log"
        exit 1
    fi
done
