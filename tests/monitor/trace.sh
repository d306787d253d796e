#!/bin/bash
# The -d traces into a file (-D) on the debugger test program: exec and
# int (every instruction with its disassembly, the INT 0x30 and the #DE
# with their cause and CS:EIP), -dfilter (only the traced range), and
# in_asm, mmu, io, pci, unimp.
#   trace.sh EMBER IMAGE WORKDIR
set -u
EMBER=$1 IMAGE=$2 WORK=$3
mkdir -p "$WORK"
rm -f "$WORK"/*.out "$WORK"/*.err "$WORK"/*.log
. "$(dirname "$0")/../gdb/common.sh"

timeout 60 "$EMBER" -bios "$IMAGE" -display none -d exec,int -D "$WORK/exec.log" \
    >"$WORK/exec.out" 2>"$WORK/exec.err"
[ $? = 1 ] || fail "exec,int: the program did not end with status 1"
L=$WORK/exec.log
expect "$L" "exec 0 f000:0000fff0 (fffffff0) e9 0d 00             jmp 0" \
    "exec 1 f000:00000000 (ffff0000) fa                   cli" \
    "0008:ffff0300 ff 05 00 10 00 00    inc dword ptr [0x1000]" \
    "0008:ffff040a cd 30                int 0x30" \
    "int: v=30 software INT cpl=0 IP=0008:ffff040a SP=0010:00009000" \
    "int: v=00 #DE exception cpl=0 IP=0008:ffff0415 SP=0010:00009000"
n=$(grep -c "inc dword ptr \[0x1000\]" "$L")
[ "$n" = 10 ] || fail "exec: bump ran $n times in the trace, expected 10"
# Every instruction in order: icounts 0, 1, 2, ... without a gap (one that
# faults does not retire: the next line has the same count).
awk '/^exec / { if ($2 != n && $2 != n + 1) { print "gap at " n; exit 1 } n = $2 }' "$L" ||
    fail "exec: icounts skip"
grep -q "exec 3165 0008:ffff0415 f7 f3                div ebx" "$L" &&
    grep -q "exec 3165 0008:ffff0580" "$L" || fail "exec: the faulting div and its handler"

timeout 60 "$EMBER" -bios "$IMAGE" -display none -d exec -dfilter 0xffff0300+7 \
    -D "$WORK/filter.log" >"$WORK/filter.out" 2>"$WORK/filter.err"
[ $? = 1 ] || fail "dfilter: the program did not end with status 1"
n=$(grep -c "^exec" "$WORK/filter.log")
[ "$n" = 20 ] || fail "dfilter: $n instructions traced, expected 20 (bump's two, ten times)"
grep -v -e "0008:ffff0300" -e "0008:ffff0306" "$WORK/filter.log" | grep -q "^exec" &&
    fail "dfilter: an instruction outside the range was traced"

timeout 60 "$EMBER" -bios "$IMAGE" -display none -d in_asm,mmu,io,pci,unimp \
    -D "$WORK/misc.log" >"$WORK/misc.out" 2>"$WORK/misc.err"
[ $? = 1 ] || fail "in_asm,...: the program did not end with status 1"
L=$WORK/misc.log
expect "$L" "IN: f000:0000fff0 (linear fffffff0, physical fffffff0) 16-bit" \
    "0xfffffff0:  e9 0d 00             jmp 0" \
    "mmu: TLB flush: CR3 load 00002000" "mmu: TLB flush: CR0 load e0000011" \
    "io: out 0cf8 l <- 80000000" "io: in  0cfc l -> 12378086" \
    "pci: read  00:00.0 reg 00 l -> 12378086" \
    "io: in  002f b -> ff (no device)" \
    "unimp: read of I/O port 002f, which no device decodes (logged once)" \
    "io: out 00e9 b <- 64"
grep -q "^exec" "$L" && fail "in_asm,...: exec lines without -d exec"
timeout 60 "$EMBER" -bios "$IMAGE" -display none -d cpu -dfilter 0xffff0300 -D "$WORK/cpu.log" \
    >"$WORK/cpu.out" 2>"$WORK/cpu.err"
[ $? = 1 ] || fail "cpu: the program did not end with status 1"
n=$(grep -c "^EIP=ffff0300 " "$WORK/cpu.log")
[ "$n" = 10 ] || fail "cpu: $n register dumps at bump, expected 10"
expect "$WORK/cpu.log" "CR0=e0000011 CR2=00000000 CR3=00002000 CR4=00000010" \
    "CS =0008 00000000 ffffffff 00c09b00 DPL=0 CS32 [-RA]"
echo "traces: pass"
