#!/bin/bash
# -d int,exec through SeaBIOS (no bootable disk: it loops on its timer):
# hardware interrupts, the BIOS's software INTs (INT 1Ch from the timer
# handler, INT 10h) are traced without an exception's name, and ember
# stops at -max-insns with status 6.
#   trace_bios.sh EMBER IMAGE(unused) WORKDIR
set -u
EMBER=$1 WORK=$3
mkdir -p "$WORK"
rm -f "$WORK"/*
IMAGE=none
. "$(dirname "$0")/../gdb/common.sh"
[ -r /usr/share/seabios/bios-256k.bin ] || fail "SeaBIOS is not installed (apt-get install seabios)"
head -c 1474560 /dev/zero >"$WORK/empty.img"
timeout 60 "$EMBER" -fda "$WORK/empty.img" -display none -serial none -d int \
    -D "$WORK/int.trace" -max-insns 3000000 >"$WORK/ember.out" 2>"$WORK/ember.err"
rc=$?
[ "$rc" = 6 ] || fail "ember ended with status $rc, expected 6 (-max-insns)"
expect "$WORK/int.trace" "int: v=08 hardware cpl=0" "int: v=1c software INT cpl=0" \
    "int: v=10 software INT cpl=0"
if grep -q "software INT.*#\|#.* software INT" "$WORK/int.trace"; then
    fail "a software INT is traced with an exception's name"
fi
echo "PASS -d int through SeaBIOS"
