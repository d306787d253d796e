#!/bin/bash
# Ctrl-C and kill: gdb lets the test program spin (it waits while the
# dword at 0x100C is not 0), is interrupted with SIGINT as a terminal's
# Ctrl-C would do (gdb sends the 0x03 byte), finds the program in its
# spin loop, then kills it: ember ends at once with status 0.
#   gdb_interrupt.sh EMBER IMAGE WORKDIR [GDB]
set -u
EMBER=$1 IMAGE=$2 WORK=$3 GDB=${4:-gdb}
mkdir -p "$WORK"
rm -f "$WORK"/*.out "$WORK"/*.err
. "$(dirname "$0")/common.sh"

start_ember -S
cat >"$WORK/interrupt.gdb" <<EOF
set architecture i386
set pagination off
set confirm off
target remote 127.0.0.1:$PORT
set var *(int*)0x100c = 1
echo @continuing\n
continue
echo @interrupted\n
info registers eip
x/1xw 0x100c
kill
EOF
# Not under timeout(1): it would pass the SIGINT on to the whole process
# group as well, and gdb, interrupted twice, gives the target up.
"$GDB" -batch -nx -x "$WORK/interrupt.gdb" >"$WORK/gdb.out" 2>&1 &
GDB_PID=$!
( sleep 60; kill "$GDB_PID" ) >/dev/null 2>&1 &
WATCHDOG=$!
for _ in $(seq 1 400); do    # the guest says when it spins
    grep -q "spinning" "$WORK/ember.out" && break
    sleep 0.05
done
grep -q "spinning" "$WORK/ember.out" || fail "the guest did not start spinning"
sleep 0.2
kill -INT "$GDB_PID"
wait "$GDB_PID" || fail "gdb failed"
kill "$WATCHDOG" 2>/dev/null
wait_ember 0
O=$WORK/gdb.out
expect "$O" "Program received signal SIGINT" "@interrupted" "eip            0xffff06" \
    "0x100c:	0x00000001"
grep -q "done" "$WORK/ember.out" && fail "the program ran on after kill"
echo "gdb interrupt and kill: pass"
