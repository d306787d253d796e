; An INIT IPI to self (SDM vol. 3 10.6.1; 9.1 and table 9-1; 10.4.7.3):
; the bootstrap processor starts over at the reset vector. Unlike RESET,
; INIT keeps CR0.CD and CR0.NW, the MSRs (an MTRR, the TSC going on) and
; the local APIC's ID, while the rest of the APIC returns to its power-up
; state (TPR 0, software-disabled, LVT entries masked). A marker above the
; image tells the second start from the first.
%include "lib/ember.inc"

APIC            equ 0xFEE00000
APIC_ID         equ APIC + 0x020
APIC_TPR        equ APIC + 0x080
APIC_SVR        equ APIC + 0x0F0
APIC_ICR_LOW    equ APIC + 0x300
APIC_ICR_HIGH   equ APIC + 0x310
APIC_LVT_LINT0  equ APIC + 0x350
MTRR_DEF_TYPE   equ 0x2FF
MARK_ARMED      equ 0x54494E49          ; "INIT"
MARKER          equ MARKER_BASE + 0x300

test_main:
    mov ax, MARKER >> 4
    mov es, ax
    cmp dword [es:0], MARK_ARMED
    je .after_init
    mov dword [es:0], MARK_ARMED
    PRINT "before INIT", 10
    ENTER_PM
    mov eax, cr0
    and eax, ~(0x40000000 | 0x20000000)     ; CD = NW = 0: INIT keeps them so
    mov cr0, eax
    mov ecx, MTRR_DEF_TYPE
    mov eax, 0xC06
    xor edx, edx
    wrmsr
    rdtsc
    mov [MARKER + 4], eax
    mov [MARKER + 8], edx
    mov dword [APIC_SVR], 0x1FF
    mov dword [APIC_ID], 0x05000000
    mov dword [APIC_TPR], 0x40
    mov dword [APIC_LVT_LINT0], 0x700
    mov dword [APIC_ICR_HIGH], 0x05000000   ; to APIC ID 5: this one
    mov dword [APIC_ICR_LOW], 0x00004500    ; INIT, level assert
    nop                                     ; INIT is taken before this retires
    FAIL EXIT_FAIL, "no INIT"

bits 16
.after_init:
    mov dword [es:0], 0
    PRINT "after INIT", 10
    mov eax, cr0
    ASSERT_EQ eax, 0x00000010               ; ET, and CD/NW as they were
    mov ecx, MTRR_DEF_TYPE
    rdmsr
    ASSERT_EQ eax, 0xC06
    rdtsc                                   ; not reset: later than before INIT
    sub eax, [es:4]
    sbb edx, [es:8]
    ASSERT_EQ edx, 0
    cmp eax, 0
    jg .tsc_ok
    FAIL 40, "the TSC went back at INIT"
.tsc_ok:
    ENTER_PM
    ASSERT_EQ dword [APIC_ID], 0x05000000   ; INIT keeps the APIC ID
    ASSERT_EQ dword [APIC_TPR], 0
    ASSERT_EQ dword [APIC_SVR], 0xFF
    ASSERT_EQ dword [APIC_LVT_LINT0], 0x10000
    mov ecx, 0x1B
    rdmsr
    ASSERT_EQ eax, 0xFEE00900
    PASS
