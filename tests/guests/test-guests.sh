#!/bin/sh
# make test-guests: the bigger Debian guests (tests/guests/prepare.sh).
#   B  the Debian installer (text): boots with -m 512 and shows its first
#      dialog, "Select a language", on the serial console (ttyS0) and on
#      the VGA text screen (a text screendump; `nomodeset` keeps the VGA in
#      text mode instead of bochs-drm's framebuffer). The installer waits
#      for input there, so the run ends at an instruction budget
#      (EMBER_B_INSNS, default 30e9) with status 6 and the screendump.
#   D  a debootstrapped Debian 12 on an IDE disk, booted by SeaBIOS from the
#      disk (MBR, SYSLINUX): reaches the login prompt on ttyS0, logs in as
#      root, runs `uname -a` and `poweroff`, and ember exits with status 0.
#      Input goes to the serial port through a FIFO on ember's standard
#      input (-serial stdio), each line sent once the prompt it answers is
#      in the serial log (the guest's login has no timeout: an idle guest's
#      clock runs ahead of the host's). The disk is used with -snapshot.
# Usage: test-guests.sh EMBER [OUTDIR] [b] [d]   (default: both guests)
# Logs stay in OUTDIR (default build/guests). Prints "N passed, N failed".
set -u
ember=$1
out=${2:-build/guests}
shift $(($# < 2 ? $# : 2))
guests=${*:-b d}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
passes=0 failures=0

pass() { passes=$((passes + 1)); echo "PASS $*"; }
failed() { failures=$((failures + 1)); echo "FAIL $*"; }

# ---- guest B ----
test_b() {
    dir=$(sh "$here/prepare.sh" b | tail -n 1) || { failed "B: prepare.sh b"; return; }
    log="$out/guest-b.serial" txt="$out/guest-b.txt"
    rm -f "$txt"
    echo "guest B: booting the installer (this takes a few minutes)"
    status=0
    "$ember" -m 512 -display none -serial stdio -max-insns "${EMBER_B_INSNS:-30000000000}" \
        -screendump "$txt" -kernel "$dir/linux" -initrd "$dir/initrd.gz" \
        -append "console=tty0 console=ttyS0,115200 nomodeset" \
        </dev/null >"$log" 2>"$out/guest-b.err" || status=$?
    [ "$status" -eq 6 ] || { failed "B: ember exited with status $status (expected 6, the budget)"; tail -n 3 "$out/guest-b.err"; return; }
    if grep -q "Select a language" "$log"; then pass "B: 'Select a language' on the serial console"
    else failed "B: no 'Select a language' on the serial console ($log)"; fi
    if [ -f "$txt" ] && grep -q "Select a language" "$txt"; then pass "B: 'Select a language' on the VGA text screen"
    else failed "B: no 'Select a language' on the VGA text screen ($txt)"; fi
}

# ---- guest D ----
# wait_for PATTERN SECONDS: until PATTERN is in the serial log; 1 when the
# time runs out or ember is gone.
wait_for() {
    ticks=0
    while ! { [ -f "$dlog" ] && tr -d '\r' <"$dlog" | grep -q -e "$1"; }; do
        kill -0 "$epid" 2>/dev/null || return 1
        [ "$ticks" -lt $(($2 * 5)) ] || return 1
        sleep 0.2
        ticks=$((ticks + 1))
    done
}

test_d() {
    dir=$(sh "$here/prepare.sh" d | tail -n 1) || { failed "D: prepare.sh d"; return; }
    dlog="$out/guest-d.serial"
    fifo="$out/guest-d.input"
    rm -f "$fifo" "$dlog"
    mkfifo "$fifo"
    echo "guest D: booting Debian from the IDE disk (this takes a few minutes)"
    "$ember" -m 512 -display none -serial stdio -snapshot -hda "$dir/disk.img" \
        -max-insns "${EMBER_D_INSNS:-400000000000}" -screendump "$out/guest-d.txt" \
        <"$fifo" >"$dlog" 2>"$out/guest-d.err" &
    epid=$!
    exec 3>"$fifo"
    step() {    # step NAME PATTERN SECONDS INPUT
        if wait_for "$2" "$3"; then
            pass "D: $1"
            [ -z "$4" ] || printf '%s\r' "$4" >&3
            return 0
        fi
        failed "D: $1 (no '$2' on ttyS0 within $3 s; $dlog)"
        return 1
    }
    step "login prompt on ttyS0" "ember-d login:" 1200 root &&
        step "password prompt" "Password:" 120 ember &&
        step "root shell" "root@ember-d:~#" 300 "uname -a" &&
        step "uname -a" "Linux ember-d 6\.1\.0-.*-686 .*i686 GNU/Linux" 120 poweroff
    ok=$?
    if [ "$ok" -ne 0 ]; then
        kill "$epid" 2>/dev/null
    fi
    status=0
    wait "$epid" || status=$?
    exec 3>&-
    rm -f "$fifo"
    if [ "$ok" -eq 0 ]; then
        if [ "$status" -eq 0 ]; then pass "D: poweroff ends ember with status 0"
        else failed "D: after poweroff ember exited with status $status"; tail -n 3 "$out/guest-d.err"; fi
    fi
}

for g in $guests; do
    case "$g" in
    b) test_b ;;
    d) test_d ;;
    *) echo "test-guests: unknown guest '$g' (b, d)"; exit 2 ;;
    esac
done
echo "guests: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
