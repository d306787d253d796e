; x87 in 32-bit protected mode: CPUID's FPU and FXSR bits and CR4.OSFXSR;
; the protected-mode environment layouts (SDM vol. 1 figures 8-9 and 8-11:
; offsets and selectors, FOP in the upper half of the FCS dword, reserved
; halves stored as ones); masked and unmasked stack faults (vol. 1
; 8.5.1.1); #MF at the next waiting instruction with FIP, FOP and FDP
; naming the instruction that failed (vol. 1 8.1.8, 8.7); FXSAVE and
; FXRSTOR (vol. 2 FXSAVE: the abridged tag, #GP for a misaligned area);
; FSIN's argument reduction by the 66-bit pi (vol. 1 8.3.10).
%include "lib/ember.inc"

test_main:
    ENTER_PM
    mov eax, cr0
    and eax, ~(CR0_EM | CR0_TS)
    or eax, CR0_NE | CR0_MP
    mov cr0, eax

    mov eax, 1
    cpuid
    and edx, (1 << 0) | (1 << 24)
    ASSERT_EQ edx, (1 << 0) | (1 << 24)    ; FPU, FXSR
    mov eax, cr4
    or eax, 0x200                           ; CR4.OSFXSR
    NO_EXC mov cr4, eax

    ; 32-bit protected layout: offsets and selectors.
    fninit
    fld1
fadd_here:
    fadd dword [one_f32]
    fnstenv [env32]
    ASSERT_EQ dword [env32 + 0], 0xFFFF037F
    ASSERT_EQ dword [env32 + 4], 0xFFFF3800
    ASSERT_EQ dword [env32 + 8], 0xFFFF3FFF
    ASSERT_EQ dword [env32 + 12], fadd_here
    ASSERT_EQ dword [env32 + 16], (0x005 << 16) | SEL_CODE32     ; FOP D8 05
    ASSERT_EQ dword [env32 + 20], one_f32
    ASSERT_EQ dword [env32 + 24], 0xFFFF0000 | SEL_DATA32
    ; 16-bit protected layout: no FOP.
    o16 fnstenv [env16]
    movzx eax, word [env16 + 6]
    mov ebx, fadd_here
    and ebx, 0xFFFF
    ASSERT_EQ eax, ebx
    movzx eax, word [env16 + 8]
    ASSERT_EQ eax, SEL_CODE32
    movzx eax, word [env16 + 12]
    ASSERT_EQ eax, SEL_DATA32

    ; A masked stack overflow pushes the default NaN, with IE SF C1.
    fninit
%rep 8
    fld1
%endrep
    fld1
    fnstsw ax
    movzx eax, ax
    and eax, 0x02FF
    ASSERT_EQ eax, 0x0241
    fstp qword [double_out]
    ASSERT_EQ dword [double_out], 0
    ASSERT_EQ dword [double_out + 4], 0xFFF80000

    ; An unmasked stack underflow changes nothing but the status word and
    ; raises #MF at the next waiting instruction; FIP and FOP name the
    ; FADD.
    fninit
    fldcw [cw_ie_unmasked]
    fld1
underflow_here:
    fadd st0, st1                           ; ST(1) empty
    fnstsw ax
    movzx eax, ax
    and eax, 0x82FF
    ASSERT_EQ eax, 0x80C1                   ; B ES SF IE, C1 = 0 (underflow)
    FAULT 16, NOERR, fwait
    fnstenv [env32]
    ASSERT_EQ dword [env32 + 12], underflow_here
    ASSERT_EQ dword [env32 + 16], (0x0C1 << 16) | SEL_CODE32     ; FOP D8 C1
    fninit

    ; FNSAVE / FRSTOR round trip in the 32-bit layout.
    fld1
    fldpi
    fnsave [state32]
    ASSERT_EQ dword [state32 + 28 + 4], 0xC90FDAA2      ; ST(0) = pi
    fnstsw ax
    movzx eax, ax
    ASSERT_EQ eax, 0
    frstor [state32]
    fstp st0
    fistp dword [dword_out]
    ASSERT_EQ dword [dword_out], 1

    ; FXSAVE: FCW, FSW, the abridged tag (a bit per physical register),
    ; FOP, FIP, the registers in 16-byte slots; FXRSTOR brings them back.
    fninit
    fld1
fld_here:
    fldz
    fxsave [fx_area]
    movzx eax, word [fx_area + 0]
    ASSERT_EQ eax, 0x037F
    movzx eax, word [fx_area + 2]
    ASSERT_EQ eax, 0x3000                   ; TOP 6
    movzx eax, byte [fx_area + 4]
    ASSERT_EQ eax, 0xC0                     ; R6 and R7 in use
    movzx eax, word [fx_area + 6]
    ASSERT_EQ eax, 0x1EE                    ; FOP D9 EE (FLDZ)
    ASSERT_EQ dword [fx_area + 8], fld_here
    ASSERT_EQ dword [fx_area + 32 + 16 + 4], 0x80000000 ; ST(1) = 1.0
    fninit
    fxrstor [fx_area]
    fstp st0
    fistp dword [dword_out]
    ASSERT_EQ dword [dword_out], 1
    FAULT 13, 0, fxsave [fx_area + 8]      ; not 16-byte aligned

    ; FSIN of FLDPI: pi rounded to 64 bits lies 2^-64 above the x87's
    ; 66-bit pi, so the result is -2^-64 (C2 = 0: in range).
    fninit
    fldpi
    fsin
    fnstsw ax
    movzx eax, ax
    and eax, 0x0400
    ASSERT_EQ eax, 0
    fstp tword [tword_out]
    ASSERT_EQ dword [tword_out], 0
    ASSERT_EQ dword [tword_out + 4], 0x80000000
    movzx eax, word [tword_out + 8]
    ASSERT_EQ eax, 0xBFBF
    PASS

section .data
align 16
fx_area:        times 512 db 0
one_f32:        dd 0x3F800000
cw_ie_unmasked: dw 0x037E
align 4
dword_out:      dd 0
double_out:     dq 0
tword_out:      times 10 db 0
align 4
env16:          times 14 db 0
align 4
env32:          times 28 db 0
align 4
state32:        times 108 db 0
