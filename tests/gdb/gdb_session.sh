#!/bin/bash
# The real gdb, in batch mode, against ember's gdb stub on the test
# program (target.asm, started stopped with -S): a breakpoint at a linear
# address, continue, stepi, registers (general, control), memory through
# the guest's paging, a hardware breakpoint, write and read watchpoints,
# a memory write, "monitor" commands (physical memory, a page walk),
# disassembly, and detach (the program then runs to its end: status 1).
#   gdb_session.sh EMBER IMAGE WORKDIR [GDB]
set -u
EMBER=$1 IMAGE=$2 WORK=$3 GDB=${4:-gdb}
mkdir -p "$WORK"
rm -f "$WORK"/*.out "$WORK"/*.err
. "$(dirname "$0")/common.sh"

start_ember -S
cat >"$WORK/session.gdb" <<EOF
set architecture i386
set pagination off
set confirm off
target remote 127.0.0.1:$PORT
echo @start\n
info registers eip cs
break *0xffff0300
continue
echo @at-bump\n
info registers eip
x/1xw 0x1000
stepi
echo @stepped\n
info registers eip
x/1xw 0x1000
x/1xw 0x40000000
p/x \$cr0
p/x \$cr3
p/x \$eflags
delete
hbreak *0xffff0400
continue
echo @at-after-loop\n
x/1dw 0x1000
watch *(int*)0x1004
continue
echo @watch-fired\n
p/x *(int*)0x1004
delete
rwatch *(int*)0x40000000
continue
echo @rwatch-fired\n
p/x \$eip
delete
set var *(int*)0x1008 = 0x55
x/1xw 0x1008
set var \$edi = 0x12345678
p/x \$edi
monitor xp/2xw 0x1000
monitor info tlb 0x40000000
x/2i \$eip
detach
EOF
timeout 60 "$GDB" -batch -nx -x "$WORK/session.gdb" >"$WORK/gdb.out" 2>&1 || fail "gdb failed"
wait_ember 1
O=$WORK/gdb.out
expect "$O" "@start" "eip            0xfff0" "cs             0xf000"
expect "$O" "Breakpoint 1, 0xffff0300 in" "@at-bump" "eip            0xffff0300" \
    "0x1000:	0x00000000"
expect "$O" "@stepped" "eip            0xffff0306" "0x1000:	0x00000001" \
    "0x40000000:	0x00000001" "= 0xe0000011" "= 0x2000"
expect "$O" "Hardware assisted breakpoint 2 at 0xffff0400" "Breakpoint 2, 0xffff0400 in" \
    "0x1000:	10"
expect "$O" "Hardware watchpoint 3: *(int*)0x1004" "Old value = 0" "New value = 305441741" \
    "@watch-fired" "= 0x1234abcd"
expect "$O" "Hardware read watchpoint 4: *(int*)0x40000000" "Value = 10" "@rwatch-fired"
expect "$O" "0x1008:	0x00000055" "= 0x12345678" "00001000: 0x0000000a 0x1234abcd" \
    "PTE[000] at 00004000 = 00001023" "-> physical 00001000 (4 KiB page, writable, supervisor)"
expect "$O" "detached"
expect "$WORK/ember.out" "done"
echo "gdb session: pass"
