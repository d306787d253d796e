#!/bin/sh
# make bench-linux: boots guest A (tests/guests/prepare.sh a) and prints
# the host seconds to its marker ("init started"), for its workload (from
# the marker to "workload done"), and in total (to the power-off); when
# qemu-system-i386 is installed, the same guest under QEMU with -accel tcg
# in the same run, and ember's time divided by QEMU's for each figure.
# A benchmark, not a test: it checks nothing but that each run got there.
# Usage: bench.sh EMBER
set -eu
ember=$1
here=$(cd "$(dirname "$0")" && pwd)
guest=$(sh "$here/../guests/prepare.sh" a | tail -n 1)
append="console=ttyS0 quiet cryptomgr.notests noisapnp"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

now() { date +%s.%N; }

# timed NAME COMMAND...: run it with its serial output on standard output;
# prints "marker workload total" in seconds, or fails.
timed() {
    name=$1
    shift
    start=$(now)
    "$@" </dev/null 2>"$work/$name.err" | while IFS= read -r line; do
        case "$line" in
        *"EMBER-GUEST-A: init started"*) echo "marker $(now)" ;;
        *"EMBER-GUEST-A: workload done"*) echo "done $(now)" ;;
        esac
    done >"$work/$name.times"
    end=$(now)
    marker=$(awk '$1 == "marker" { print $2 }' "$work/$name.times")
    done_at=$(awk '$1 == "done" { print $2 }' "$work/$name.times")
    if [ -z "$marker" ] || [ -z "$done_at" ]; then
        echo "bench-linux: $name did not reach the end of the workload:" >&2
        tail -n 5 "$work/$name.err" >&2
        return 1
    fi
    awk -v s="$start" -v m="$marker" -v d="$done_at" -v e="$end" \
        'BEGIN { printf "%.2f %.2f %.2f\n", m - s, d - m, e - s }'
}

echo "guest A: Debian 12's 686 kernel, a busybox initramfs, -m 128, direct kernel boot"
echo "(-kernel through SeaBIOS and the option ROM); host seconds:"
printf '%-14s %9s %9s %9s\n' "" marker workload total
ours=$(timed ember "$ember" -m 128 -display none -serial stdio \
    -kernel "$guest/bzImage" -initrd "$guest/initrd.gz" -append "$append")
# shellcheck disable=SC2086
printf '%-14s %9s %9s %9s\n' ember $ours
if command -v qemu-system-i386 >/dev/null 2>&1; then
    theirs=$(timed qemu qemu-system-i386 -accel tcg -m 128 -display none -serial stdio \
        -monitor none -no-reboot \
        -kernel "$guest/bzImage" -initrd "$guest/initrd.gz" -append "$append")
    # shellcheck disable=SC2086
    printf '%-14s %9s %9s %9s\n' "qemu (tcg)" $theirs
    echo "$ours $theirs" | awk '{ printf "%-14s %9.2f %9.2f %9.2f\n", "ember/qemu", $1 / $4, $2 / $5, $3 / $6 }'
else
    echo "(qemu-system-i386 is not installed: no comparison; apt-get install qemu-system-x86)"
fi
