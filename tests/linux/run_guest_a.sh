#!/bin/sh
# Boots guest A (tests/guests/prepare.sh a) and checks its run:
#   - ember exits with status 0: the guest powered off through ACPI S5;
#   - the serial log, with kernel timestamps stripped, the uname line's
#     kernel build and the workload's timings taken out and the kernel log
#     section removed, equals EXPECTED line for line (markers, md5 of 16 MiB
#     of zeros, the awk and ash results, the power-off message; with
#     `quiet` any kernel error would show up here as an extra line);
#   - the kernel log (dmesg, printed by /init for `ember.dmesg`) has no
#     line with BUG, WARNING, Oops, panic, timeout or lost ticks.
# Usage: run_guest_a.sh EMBER EXPECTED OUTDIR bios|direct
# The serial log stays in OUTDIR/guest-a-MODE.log.
set -eu
ember=$1 expected=$2 out=$3 mode=$4
here=$(cd "$(dirname "$0")" && pwd)
guest=$(sh "$here/../guests/prepare.sh" a | tail -n 1)
mkdir -p "$out"
log="$out/guest-a-$mode.log"
errlog="$out/guest-a-$mode.err"
case "$mode" in
bios) firmware= ;;
direct) firmware="-bios none" ;;
*) echo "run_guest_a: unknown mode '$mode' (bios or direct)" >&2; exit 2 ;;
esac

fail() {
    echo "FAIL guest A ($mode): $*"
    echo "--- last lines of the serial log ($log):"
    tail -n 25 "$log"
    echo "--- ember's messages ($errlog):"
    tail -n 10 "$errlog"
    exit 1
}

status=0
# shellcheck disable=SC2086
"$ember" $firmware -m 128 -display none -serial stdio -max-insns 40000000000 \
    -kernel "$guest/bzImage" -initrd "$guest/initrd.gz" \
    -append "console=ttyS0 quiet cryptomgr.notests noisapnp ember.dmesg" \
    </dev/null >"$log" 2>"$errlog" || status=$?
[ "$status" -eq 0 ] || fail "ember exited with status $status (4: the guest halted for good; 6: -max-insns ran out)"

grep -q '^EMBER-GUEST-A: kernel log ends' "$log" || fail "no kernel log from /init"
bad=$(grep -nE 'BUG|WARNING|Oops|panic|timeout|lost ticks' "$log" || true)
[ -z "$bad" ] || fail "kernel messages that must not be there:
$bad"

normalized="$out/guest-a-$mode.normalized"
tr -d '\r' <"$log" |
    sed -e 's/^\[ *[0-9]*\.[0-9]*\] //' \
        -e 's/^Linux (none) 6\.1\.0-[0-9]*-686 .* i686 GNU\/Linux$/Linux (none) 6.1.0-N-686 i686 GNU\/Linux/' |
    awk '/^EMBER-GUEST-A: kernel log follows/ { print; skip = 1; next }
         /^EMBER-GUEST-A: kernel log ends/ { skip = 0 }
         !skip && !/^EMBER-GUEST-A: times / { print }' >"$normalized"
if ! diff -u "$expected" "$normalized"; then
    fail "the serial log differs from $expected (above: - expected, + got)"
fi
grep '^EMBER-GUEST-A: times ' "$log" || true
echo "PASS guest A ($mode)"
