; Descriptor instructions and segment loads (SDM vol. 2 LAR, LSL, VERR,
; VERW, LLDT, SLDT, STR, SGDT, SIDT; vol. 3 3.4-3.5, 5.4):
; - LAR returns the access-rights dword masked by 00F0FF00H (FF00H for a
;   16-bit operand) and sets ZF, or clears ZF for invalid types, null, out
;   of range, or when DPL < max(CPL, RPL) for non-conforming segments;
; - LSL returns the byte-granular limit (scaled when G = 1); gates have
;   none;
; - VERR/VERW test readability/writability from the current CPL;
; - a segment load sets the accessed bit in the descriptor;
; - a segment from an LDT (TI = 1) after LLDT; SLDT/STR read back.
%include "lib/ember.inc"

SEL_XO     equ 0x40     ; execute-only code
SEL_RO     equ 0x48     ; read-only data, G = 0, limit 0x12345
SEL_CONF   equ 0x50     ; conforming readable code, DPL 3
SEL_LDT    equ 0x58     ; LDT descriptor
SEL_CGATE  equ 0x60     ; call gate
SEL_FRESH  equ 0x68     ; data, accessed bit clear
SEL_LDATA  equ 0x0C     ; LDT entry 1, TI = 1, RPL 0
SEL_IGATE  equ 0x70     ; an interrupt gate in the GDT: invalid for LAR

; ZF_IS 0/1 (keeps nothing but EFLAGS.ZF meaning)
%macro ZF_IS 1
%if %1
    ASSERT_FLAGS FL_ZF, FL_ZF
%else
    ASSERT_FLAGS FL_ZF, 0
%endif
%endmacro

test_main:
    ENTER_PM
    call load_tr
    GDT_DESC SEL_XO, 0, 0xFFFFF, 0x98, DF_G32
    GDT_DESC SEL_RO, 0x10000, 0x12345, 0x90, DF_B32
    GDT_DESC SEL_CONF, 0, 0xFFFFF, 0xFE, DF_G32
    GDT_DESC SEL_LDT, ldt, 2 * 8 - 1, 0x82, 0
    GDT_GATE SEL_CGATE, SEL_CODE32, 0, ACC_CALLGATE, 0
    GDT_DESC SEL_FRESH, 0, 0xFFFFF, ACC_DATA0 & ~1, DF_G32
    GDT_GATE SEL_IGATE, SEL_CODE32, 0, ACC_INTGATE, 0

    ; ---- LAR
    mov eax, 0xFFFFFFFF
    mov ebx, SEL_CODE32
    lar eax, ebx
    ZF_IS 1
    mov edx, eax
    and edx, 0xFF0000FF             ; outside 00FxFF00H: zero
    ASSERT_EQ edx, 0
    and eax, 0x00F0FE00             ; (the accessed bit may be either)
    ASSERT_EQ eax, 0x00C09A00
    mov ebx, SEL_RO
    lar eax, ebx
    ZF_IS 1
    and eax, 0x00F0FE00             ; (the accessed bit may be either)
    ASSERT_EQ eax, 0x00409000
    mov ecx, 0xAAAA5555
    mov ebx, SEL_RO
    lar cx, bx                      ; 16-bit: FF00H of it
    and ecx, 0xFFFFFE00
    ASSERT_EQ ecx, 0xAAAA9000
    mov ebx, SEL_TSS                ; a TSS is valid for LAR
    lar eax, ebx
    ZF_IS 1
    and eax, 0xFF00
    ASSERT_EQ eax, 0x8B00           ; busy 32-bit TSS
    mov ebx, SEL_CGATE              ; a call gate too
    lar eax, ebx
    ZF_IS 1
    and eax, 0xFF00
    ASSERT_EQ eax, 0x8C00
    mov eax, 0x12345678
    mov ebx, SEL_IGATE              ; an interrupt gate is not
    lar eax, ebx
    ZF_IS 0
    ASSERT_EQ eax, 0x12345678       ; destination untouched
    xor ebx, ebx                    ; null
    lar eax, ebx
    ZF_IS 0
    mov ebx, GDT_ENTRIES * 8        ; beyond the limit
    lar eax, ebx
    ZF_IS 0
    mov ebx, SEL_UDATA32            ; DPL 3 from CPL 0: fine
    lar eax, ebx
    ZF_IS 1
    ; ---- LSL
    mov ebx, SEL_RO
    lsl eax, ebx
    ZF_IS 1
    ASSERT_EQ eax, 0x12345
    mov ebx, SEL_CODE32             ; G = 1: 0xFFFFF -> 0xFFFFFFFF
    lsl eax, ebx
    ASSERT_EQ eax, 0xFFFFFFFF
    mov ebx, SEL_TSS
    lsl eax, ebx
    ZF_IS 1
    ASSERT_EQ eax, TSS0_LIMIT
    mov eax, 0x5555
    mov ebx, SEL_CGATE              ; gates have no limit
    lsl eax, ebx
    ZF_IS 0
    ASSERT_EQ eax, 0x5555
    ; ---- VERR / VERW
    mov ebx, SEL_XO
    verr bx
    ZF_IS 0
    verw bx
    ZF_IS 0
    mov ebx, SEL_CODE32
    verr bx
    ZF_IS 1
    verw bx
    ZF_IS 0
    mov ebx, SEL_RO
    verr bx
    ZF_IS 1
    verw bx
    ZF_IS 0
    mov ebx, SEL_DATA32
    verw bx
    ZF_IS 1
    mov ebx, SEL_DATA32 | 3         ; RPL 3 > DPL 0
    verr bx
    ZF_IS 0
    mov ebx, SEL_CONF | 3           ; conforming: no privilege check
    verr bx
    ZF_IS 1
    xor ebx, ebx
    verr bx
    ZF_IS 0

    ; ---- The accessed bit.
    movzx eax, byte [gdt + SEL_FRESH + 5]
    ASSERT_EQ eax, ACC_DATA0 & ~1
    mov ax, SEL_FRESH
    mov fs, ax
    movzx eax, byte [gdt + SEL_FRESH + 5]
    ASSERT_EQ eax, ACC_DATA0 | 1

    ; ---- LDT.
    mov ax, SEL_LDT
    lldt ax
    sldt ax
    and eax, 0xFFFF
    ASSERT_EQ eax, SEL_LDT
    mov ax, SEL_LDATA
    mov gs, ax
    mov dword [0x00041234], 0x1D71D7
    ASSERT_EQ dword [gs:0x1234], 0x1D71D7   ; LDT entry base 0x40000
    mov ebx, SEL_LDATA
    lsl eax, ebx
    ASSERT_EQ eax, 0xFFFF
    mov ax, 0x14                    ; LDT entry 2: beyond the LDT limit
    FAULT 13, 0x14, mov gs, ax
    xor eax, eax
    lldt ax                         ; a null LDT: TI = 1 loads fail
    mov ax, SEL_LDATA
    FAULT 13, SEL_LDATA, mov fs, ax
    ; ---- STR, SGDT, SIDT.
    str ax
    and eax, 0xFFFF
    ASSERT_EQ eax, SEL_TSS
    sgdt [dt_buf]
    movzx eax, word [dt_buf]
    ASSERT_EQ eax, GDT_ENTRIES * 8 - 1
    ASSERT_EQ dword [dt_buf + 2], gdt
    sidt [dt_buf]
    movzx eax, word [dt_buf]
    ASSERT_EQ eax, 256 * 8 - 1
    ASSERT_EQ dword [dt_buf + 2], idt
    PASS

section .data
align 8
ldt:
    dq 0
    dw 0xFFFF, 0x0000               ; base 0x40000, limit 0xFFFF, data
    db 0x04, ACC_DATA0, 0x00, 0x00
dt_buf: times 8 db 0
