; Double fault (SDM vol. 3 6.15 interrupt 8, table 6-5): a contributory
; exception (#DE #TS #NP #SS #GP) raised while delivering another, or a
; #PF or contributory one while delivering a #PF, becomes #DF with error
; code 0 (its CS:EIP is undefined and not checked). A benign first
; exception, or a contributory one followed by a #PF, is delivered
; serially instead.
%include "lib/ember.inc"

; Drop the P bit of a gate and restore it.
%macro GATE_OFF 1
    and dword [idt + (%1) * 8 + 4], ~0x8000
%endmacro
%macro GATE_ON 1
    or dword [idt + (%1) * 8 + 4], 0x8000
%endmacro

; DOUBLE instruction...: expect exactly one exception, #DF(0).
%macro DOUBLE 1+.nolist
    EXPECT_FAULT %%r
    %1
    NO_FAULT
%%r:
    ASSERT_EQ dword [exc_count], 1
    ASSERT_EQ dword [exc_vector], 8
    ASSERT_EQ dword [exc_error], 0
%endmacro

test_main:
    ENTER_PM
    ; ---- #DE, and its gate is not present: #NP while delivering #DE.
    GATE_OFF 0
    mov ebx, 0
    DOUBLE div ebx
    GATE_ON 0

    ; ---- #GP, and its gate has a bad type: #GP while delivering #GP.
    mov eax, [idt + 13 * 8 + 4]
    mov [saved], eax
    and dword [idt + 13 * 8 + 4], ~0x0F00  ; type 0
    xor eax, eax
    mov es, ax
    DOUBLE mov eax, [es:0]
    mov eax, [saved]
    mov [idt + 13 * 8 + 4], eax
    mov ax, SEL_DATA32
    mov es, ax

    ; ---- INT 0x40 beyond the IDT limit raises #GP, whose gate is beyond
    ; the limit too: #GP while delivering #GP. (Gate 8 is inside.)
    mov word [idt_desc], 9 * 8 - 1
    lidt [idt_desc]
    DOUBLE int 0x40
    mov word [idt_desc], 256 * 8 - 1
    lidt [idt_desc]

    ; ---- #PF, and the #PF gate is not present: #NP during #PF.
    call paging_init
    mov eax, 0x00800000             ; not mapped (no page table)
    GATE_OFF 14
    DOUBLE mov ebx, [eax]
    GATE_ON 14

    ; ---- Serial delivery: a benign #UD whose gate is missing gives #NP
    ; (not #DF), reported at the instruction.
    GATE_OFF 6
    FAULT 11, 6 * 8 + 3, ud2
    GATE_ON 6
    ; Contributory then #PF: INT 0x41 with a missing gate raises #NP; the
    ; #NP gate lies on a page that is not mapped, so looking it up raises
    ; #PF - delivered normally, CR2 = that gate, error 0 (supervisor read:
    ; descriptor-table accesses are supervisor accesses).
    ; The IDT is moved so that gates 0-12 share one page and 13-255 the
    ; next; the first page is then unmapped.
    mov esi, idt
    mov edi, IDT2_BASE
    mov ecx, 256 * 2
    rep movsd
    mov dword [IDT2_BASE + 0x41 * 8 + 4], 0x00000E00 | (SEL_CODE32 << 16) ; P = 0
    mov word [idt2_desc], 256 * 8 - 1
    mov dword [idt2_desc + 2], IDT2_BASE
    lidt [idt2_desc]
    mov eax, IDT2_PAGE_A
    mov ebx, IDT2_PAGE_A            ; map_page: not present
    call map_page
    EXPECT_FAULT .serial_r
.serial_i:
    int 0x41
    NO_FAULT
.serial_r:
    mov eax, IDT2_PAGE_A
    mov ebx, IDT2_PAGE_A | PG_P | PG_W
    call map_page
    lidt [idt_desc]
    CHECK_EXC 14, 0, .serial_i
    ASSERT_EQ dword [exc_cr2], IDT2_BASE + 11 * 8
    PASS

IDT2_PAGE_A equ 0x00250000
IDT2_BASE   equ IDT2_PAGE_A + 0x1000 - 13 * 8

section .data
align 4
saved:     dd 0
idt2_desc: dw 0
           dd 0
