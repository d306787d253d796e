; P6 performance counters (SDM vol. 3 19.6.8, "P6 family"): PerfEvtSel0's
; EN bit starts both counters; INST_RETIRED (C0h) counts retired
; instructions (here: exactly the instructions from the enabling WRMSR up
; to the reading one); a counter reads back what was written while it does
; not count; RDPMC reads the same counters and faults at CPL 3 without
; CR4.PCE; MSR 17h (platform ID) reads as platform 0.
%include "lib/ember.inc"

EVNTSEL0  equ 0x186
EVNTSEL1  equ 0x187
PERFCTR0  equ 0xC1
PERFCTR1  equ 0xC2
EN_OS_USR equ 0x00430000    ; EN | OS | USR

test_main:
    ENTER_PM
    call load_tr                    ; the ring-0 stack for the RDPMC #GP
    ; ---- Counter 1 holds a written value while counter 0 is disabled.
    mov ecx, PERFCTR1
    mov eax, 0x12345678
    mov edx, 0xAB
    wrmsr
    mov ecx, PERFCTR1
    rdmsr
    ASSERT_EQ eax, 0x12345678
    ASSERT_EQ edx, 0xAB

    ; ---- INST_RETIRED on counter 0.
    mov ecx, PERFCTR0
    xor eax, eax
    xor edx, edx
    wrmsr
    mov ecx, EVNTSEL0
    mov eax, EN_OS_USR | 0xC0
    xor edx, edx
    wrmsr                       ; counts from here: 1
    times 10 nop                ; 11
    mov ecx, PERFCTR0           ; 12
    rdmsr                       ; read before it retires
    ASSERT_EQ eax, 12
    ; RDPMC reads it too (at CPL 0): 8 instructions between two reads.
    xor ecx, ecx
    rdpmc                       ; 1
    mov ebx, eax                ; 2
    times 5 nop                 ; 7
    xor ecx, ecx                ; 8
    rdpmc
    sub eax, ebx
    ASSERT_EQ eax, 8

    ; ---- An event ember does not model (DATA_MEM_REFS, 43h) stays put.
    mov ecx, EVNTSEL1
    mov eax, 0x43               ; counter 1: its EN comes from EVNTSEL0
    xor edx, edx
    wrmsr
    mov ecx, PERFCTR1
    rdmsr
    mov ebx, eax
    times 4 nop
    mov ecx, PERFCTR1
    rdmsr
    ASSERT_EQ eax, ebx

    ; ---- Disabling stops counter 0.
    mov ecx, EVNTSEL0
    xor eax, eax
    xor edx, edx
    wrmsr
    mov ecx, PERFCTR0
    rdmsr
    mov ebx, eax
    times 4 nop
    mov ecx, PERFCTR0
    rdmsr
    ASSERT_EQ eax, ebx

    ; ---- Platform ID.
    mov ecx, 0x17
    rdmsr
    ASSERT_EQ edx, 0

    ; ---- RDPMC at CPL 3 without CR4.PCE is #GP(0).
    EXPECT_FAULT .gp
    TO_RING3 .user, 0x0002
.user:
    mov ax, SEL_UDATA32             ; the handler runs with these
    mov ds, ax
    mov es, ax
    xor ecx, ecx
.rd3:
    rdpmc
    NO_FAULT
.gp:
    CHECK_EXC 13, 0, .rd3
    PASS
