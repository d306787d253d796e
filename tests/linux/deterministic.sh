#!/bin/sh
# Guest A twice with the same inputs and -rtc base=FIXED gives the same
# run: the -d int trace of the whole boot (every interrupt and exception
# with its instruction count and CS:EIP) plus the -d exec trace of two
# million instructions in the middle of the kernel's boot (switched on by
# the monitor at instruction 600,000,000) are equal byte for byte, and so
# are the serial logs with the kernel's timestamps.
# Usage: deterministic.sh EMBER OUTDIR
set -eu
ember=$1 out=$2
here=$(cd "$(dirname "$0")" && pwd)
guest=$(sh "$here/../guests/prepare.sh" a | tail -n 1)
mkdir -p "$out"

fail() {
    echo "FAIL guest A determinism: $*"
    for n in 1 2; do
        echo "--- run $n: ember's messages and the monitor's last lines"
        tail -n 5 "$out/run$n.err" "$out/run$n.monitor" 2>/dev/null || true
    done
    exit 1
}

run() {
    n=$1
    status=0
    printf 'replay_seek 600000000\nlog int,exec\nstep 2000000\nlog int\ncontinue\n' |
        "$ember" -bios none -m 128 -display none -S -monitor stdio \
            -serial "file:$out/run$n.serial" -rtc base=2020-01-01T00:00:00 \
            -max-insns 40000000000 -d int -D "$out/run$n.trace" \
            -kernel "$guest/bzImage" -initrd "$guest/initrd.gz" \
            -append "console=ttyS0 cryptomgr.notests noisapnp" \
            >"$out/run$n.monitor" 2>"$out/run$n.err" || status=$?
    [ "$status" -eq 0 ] || fail "run $n ended with status $status, expected 0 (the guest's power-off)"
    grep -q '^EMBER-GUEST-A: workload done' "$out/run$n.serial" || fail "run $n: no workload"
}

run 1
run 2
exec_lines=$(grep -c '^exec ' "$out/run1.trace" || true)
int_lines=$(grep -c '^int: ' "$out/run1.trace" || true)
[ "$exec_lines" -eq 2000000 ] || fail "run 1 traced $exec_lines instructions, expected 2000000"
[ "$int_lines" -gt 1000 ] || fail "run 1 traced $int_lines interrupts, expected more than 1000"
h1=$(sha256sum <"$out/run1.trace" | cut -d' ' -f1)
h2=$(sha256sum <"$out/run2.trace" | cut -d' ' -f1)
[ "$h1" = "$h2" ] || fail "the traces differ (sha256 $h1 and $h2); first difference:
$(cmp "$out/run1.trace" "$out/run2.trace" | head -n 1)"
cmp -s "$out/run1.serial" "$out/run2.serial" || fail "the serial logs differ:
$(diff "$out/run1.serial" "$out/run2.serial" | head -n 10)"
rm -f "$out/run1.trace" "$out/run2.trace"     # 130 MiB each
echo "PASS guest A is deterministic: trace sha256 $h1 ($exec_lines instructions, $int_lines interrupts)"
