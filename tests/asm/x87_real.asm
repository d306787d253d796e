; x87 in real mode: the FNINIT state, the real-mode environment layouts
; (SDM vol. 1 figures 8-10 and 8-12: the pointers as linear addresses,
; FOP beside the upper bits of FIP), FNSAVE/FRSTOR, the device-not-
; available rules (vol. 3 table 2-2: #NM for ESC with CR0.EM or CR0.TS,
; for WAIT with CR0.TS and CR0.MP) and #MF through the IVT with CR0.NE
; (vol. 1 8.7: reported by the next waiting instruction).
%include "lib/ember.inc"

test_main:
    mov eax, cr0
    and eax, ~(CR0_EM | CR0_TS)
    or eax, CR0_NE | CR0_MP
    mov cr0, eax

    ; FNINIT: CW 037Fh, SW 0, every register empty (vol. 2 FINIT).
    fninit
    fnstcw [word_out]
    movzx eax, word [word_out]
    ASSERT_EQ eax, 0x037F
    fnstsw ax
    movzx eax, ax
    ASSERT_EQ eax, 0
    fnstenv [env16]
    movzx eax, word [env16 + 4]
    ASSERT_EQ eax, 0xFFFF                   ; tag word: all empty

    ; 16-bit real-mode layout: FIP 15:0, FIP 19:16 beside FOP (D9 E8).
fld_here:
    fld1
    fnstenv [env16]
    movzx eax, word [env16 + 2]
    ASSERT_EQ eax, 0x3800                   ; TOP 7
    movzx eax, word [env16 + 4]
    ASSERT_EQ eax, 0x3FFF                   ; R7 valid, the others empty
    movzx eax, word [env16 + 6]
    ASSERT_EQ eax, fld_here
    movzx eax, word [env16 + 8]
    ASSERT_EQ eax, 0x01E8                   ; FIP 19:16 = 0, FOP = 1 E8
    fnstcw [word_out]
    movzx eax, word [word_out]
    ASSERT_EQ eax, 0x037F                   ; FNSTENV masked everything

    ; 32-bit real-mode layout: FIP 31:16 in bits 27:12 of the dword that
    ; holds FOP; the data pointer is the operand's linear address.
fadd_here:
    fadd dword [one_f32]
    o32 fnstenv [env32]
    mov ebx, fadd_here
    or ebx, 0xFFFF0000
    ASSERT_EQ dword [env32 + 12], ebx
    ASSERT_EQ dword [env32 + 16], 0x0006    ; FOP: D8 06 (fadd m32fp [disp16])
    mov ebx, one_f32
    or ebx, 0xFFFF0000
    ASSERT_EQ dword [env32 + 20], ebx
    ASSERT_EQ dword [env32 + 24], 0
    ASSERT_EQ dword [env32 + 0], 0xFFFF037F

    ; FNSAVE stores the environment and ST(0)..ST(7), then initializes;
    ; FRSTOR brings everything back.
    fnsave [state16]
    fnstsw ax
    movzx eax, ax
    ASSERT_EQ eax, 0                        ; FNINIT state again
    ASSERT_EQ dword [state16 + 14], 0       ; ST(0) = 2.0: 4000 8000...
    ASSERT_EQ dword [state16 + 18], 0x80000000
    movzx eax, word [state16 + 22]
    ASSERT_EQ eax, 0x4000
    frstor [state16]
    fistp word [word_out]
    movzx eax, word [word_out]
    ASSERT_EQ eax, 2

    ; #NM: an escape with CR0.EM or CR0.TS; WAIT only with TS and MP.
    mov eax, cr0
    or eax, CR0_EM
    mov cr0, eax
    FAULT 7, NOERR, fninit
    NO_EXC wait                             ; EM alone leaves WAIT alone
    mov eax, cr0
    and eax, ~CR0_EM
    or eax, CR0_TS
    mov cr0, eax
    FAULT 7, NOERR, fnop
    FAULT 7, NOERR, wait
    mov eax, cr0
    and eax, ~CR0_MP
    mov cr0, eax
    NO_EXC wait                             ; TS without MP: WAIT runs
    clts
    mov eax, cr0
    or eax, CR0_MP
    mov cr0, eax

    ; An unmasked divide by zero is pending after FDIV; the next waiting
    ; instruction raises #MF (vector 16) at itself.
    fninit
    fldcw [cw_ze_unmasked]
    fldz
    fld1
    NO_EXC fdiv st0, st1
    fnstsw ax
    movzx eax, ax
    and eax, 0x80FF
    ASSERT_EQ eax, 0x8084                   ; B, ES, ZE
    FAULT 16, NOERR, fnop
    FAULT 16, NOERR, wait
    fnclex
    NO_EXC fnop
    NO_EXC wait
    PASS

section .data
align 4
one_f32:        dd 0x3F800000
cw_ze_unmasked: dw 0x037B
word_out:       dw 0
align 4
env16:          times 14 db 0
align 4
env32:          times 28 db 0
align 4
state16:        times 94 db 0
