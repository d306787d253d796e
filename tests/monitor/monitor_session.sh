#!/bin/bash
# The monitor driven through standard input (-S -monitor stdio) on the
# debugger test program (tests/gdb/target.asm): registers, x/xp dumps and
# disassembly, breakpoints on a linear address, an I/O port, an interrupt
# and an exception, a watchpoint, step, continue, the descriptor tables,
# a page walk, the devices, screendump, system_reset and quit.
#   monitor_session.sh EMBER IMAGE WORKDIR
set -u
EMBER=$1 IMAGE=$2 WORK=$3
mkdir -p "$WORK"
rm -f "$WORK"/*.out "$WORK"/*.err "$WORK"/screen.png
. "$(dirname "$0")/../gdb/common.sh"

cat >"$WORK/commands" <<COMMANDS
info registers
x/4xb 0xffff0
xp/2xw 0xfffffff0
x/2i \$pc
break 0xffff0300
c
x/1dw 0x1000
step
x/1dw 0x1000
info break
delete 1
break phys 0xffff0306
c
x/1dw 0x1000
delete 2
watch 0x1004
c
break int 0x30
c
break exc 0
c
break io 0xcfc r
c
info tlb 0x40000000
info walk 0x1000
info mem
info gdt
info idt
info tss
info pic
info pit
info rtc
info serial
info pci
info vga
info ide
disas
step 3
xp/1xw 0x1000
screendump $WORK/screen.png
system_reset
info registers
bogus
quit
COMMANDS
timeout 60 "$EMBER" -bios "$IMAGE" -display none -S -monitor stdio <"$WORK/commands" \
    >"$WORK/monitor.out" 2>"$WORK/monitor.err"
rc=$?
[ "$rc" = 0 ] || fail "ember exited with status $rc after quit, expected 0"
O=$WORK/monitor.out
expect "$O" "ember monitor" "stopped" "f000:0000fff0  jmp 0"
expect "$O" "EIP=0000fff0 EFL=00000002" "CS =f000 ffff0000 0000ffff" "CR0=60000010" "(real mode)"
expect "$O" "000ffff0: 0xe9 0x0d 0x00 0xf4" "fffffff0: 0xf4000de9 0xf4f4f4f4"
expect "$O" "0xfffffff0:  jmp 0" "0xfffffff3:  hlt"
expect "$O" "breakpoint 1 (linear ffff0300)" "0008:ffff0300  inc dword ptr [0x1000]"
expect "$O" "00001000: 0" "0008:ffff0306  ret" "00001000: 1" \
    "1   break      linear ffff0300 (monitor, 1 hit)" \
    "breakpoint 2 (physical ffff0306)" "00001000: 2"
expect "$O" "watchpoint 3: write of 4 bytes at 00001004 by 0008:ffff0400" "0008:ffff040a  int 0x30"
expect "$O" "interrupt breakpoint 4: vector 30 at 0008:ffff040a; in the handler now" \
    "0008:ffff0500  inc dword ptr [0x1008]"
expect "$O" "exception breakpoint 5: vector 00 #DE at 0008:ffff0415; in the handler now" \
    "0008:ffff0580  add dword ptr [0x1008], 0x100"
expect "$O" "I/O breakpoint 6: in port 0cfc -> 12378086 by 0008:ffff0425"
expect "$O" "PDE[100] at 00002400 = 00004003 P W" "PTE[000] at 00004000 = 00001003 P W" \
    "-> physical 00001000 (4 KiB page, writable, supervisor)"
expect "$O" "00000000-003fffff 00400000 -rw" "40000000-40000fff 00001000 -rw" \
    "ffc00000-ffffffff 00400000 -rw"
expect "$O" "0008: 0000ffff 00cf9a00 base=00000000 limit=ffffffff DPL=0 CS32" \
    "00 #DE DPL=0 IntGate32 sel=0008 off=ffff0580" "30     DPL=0 IntGate32 sel=0008 off=ffff0500" \
    "(no task register loaded)"
expect "$O" "master: IRR=" "counter 0: mode" "A=26 (divider running" "COM1 at 3f8:" \
    "00:00.0 8086:1237 class 060000" "00:01.1 8086:7010" "mode: text" \
    "primary channel: ports 1f0/3f6"
expect "$O" "=> 0xffff0426:  e4 2f                    in al, 0x2f"
expect "$O" "0008:ffff0432  lodsb al, byte ptr [esi]" "00001000: 0x0000000a"
expect "$O" "wrote $WORK/screen.png" "the machine was reset: CS:EIP f000:0000fff0" \
    "unknown command 'bogus'"
[ -s "$WORK/screen.png" ] || fail "screendump wrote no file"
grep -q "^done" "$O" && fail "the program ran to its end before quit"
echo "monitor session: pass"
