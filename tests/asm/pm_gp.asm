; #GP, #NP, #SS in protected mode at CPL 0 (SDM vol. 3 5.3-5.7, 6.15;
; vol. 2 MOV "Protected Mode Exceptions"): segment limits (expand-up and
; expand-down), the null selector, writes to read-only data and to code,
; privilege and type checks of segment loads with the selector as error
; code, not-present segments, stack faults, far transfers to non-code
; segments, and reserved control-register bits.
%include "lib/ember.inc"

SEL_LIM     equ 0x40        ; data, base 0x20000, limit 0xFFF (bytes)
SEL_DOWN    equ 0x48        ; data, expand-down, limit 0xFFF, B = 1
SEL_RO      equ 0x50        ; data, read-only
SEL_XO      equ 0x58        ; code, execute-only
SEL_NP      equ 0x60        ; data, not present
SEL_SSNP    equ 0x68        ; writable data, not present (for SS)
SEL_SSLIM   equ 0x70        ; stack: base 0, limit 0x9FFFF (bytes)
SEL_SSDOWN  equ 0x78        ; stack: expand-down, limit 0x8FFFF, B = 1

; SS_FAULT selector, EBP, instruction...: #SS(0) with SS loaded just
; before the instruction.
%macro SS_FAULT 3+.nolist
    mov ebp, %2
    mov ax, %1
    EXPECT_FAULT %%r
    mov ss, ax
%%i: %3
    NO_FAULT
%%r:
    CHECK_EXC 12, 0, %%i
%endmacro

test_main:
    ENTER_PM
    GDT_DESC SEL_LIM, 0x20000, 0xFFF, ACC_DATA0, DF_16
    GDT_DESC SEL_DOWN, 0x20000, 0xFFF, ACC_DATA0 | 0x04, DF_B32
    GDT_DESC SEL_RO, 0, 0xFFFFF, 0x90, DF_G32
    GDT_DESC SEL_XO, 0, 0xFFFFF, 0x98, DF_G32
    GDT_DESC SEL_NP, 0, 0xFFFFF, ACC_DATA0 & 0x7F, DF_G32
    GDT_DESC SEL_SSNP, 0, 0xFFFFF, ACC_DATA0 & 0x7F, DF_G32
    GDT_DESC SEL_SSLIM, 0, 0x9FFFF, ACC_DATA0, DF_B32
    GDT_DESC SEL_SSDOWN, 0, 0x8FFFF, ACC_DATA0 | 0x04, DF_B32

    ; ---- Expand-up limit: the last byte/dword fit, one more does not.
    mov ax, SEL_LIM
    mov es, ax
    mov dword [es:0xFFC], 0x12345678
    ASSERT_EQ dword [0x20FFC], 0x12345678
    FAULT 13, 0, mov eax, [es:0xFFD]
    FAULT 13, 0, mov al, [es:0x1000]
    FAULT 13, 0, mov byte [es:0xFFFFFFFF], 0
    mov edi, 0xFFE
    FAULT 13, 0, stosd
    ASSERT_EQ edi, 0xFFE

    ; ---- Expand-down: valid offsets are limit+1 .. 0xFFFFFFFF (B = 1).
    mov ax, SEL_DOWN
    mov fs, ax
    mov byte [fs:0x1000], 0xA5
    ASSERT_EQ dword [0x21000], 0xA5
    mov dword [fs:0xFFFFFFFC], 0x77
    FAULT 13, 0, mov al, [fs:0xFFF]
    FAULT 13, 0, mov eax, [fs:0xFFE]    ; straddles the bottom
    FAULT 13, 0, mov al, [fs:0]

    ; ---- Null selector: loading is fine, using it is #GP(0).
    xor eax, eax
    mov es, ax
    FAULT 13, 0, mov eax, [es:0]
    FAULT 13, 0, mov dword [es:0x1000], 1
    mov ax, 3                       ; null with RPL 3: still null
    mov gs, ax
    FAULT 13, 0, mov eax, [gs:0]

    ; ---- Read-only data: reads work, writes are #GP(0).
    mov ax, SEL_RO
    mov es, ax
    mov eax, [es:bounds]
    FAULT 13, 0, mov [es:bounds], eax
    FAULT 13, 0, inc dword [es:bounds]
    mov edi, bounds
    FAULT 13, 0, stosb

    ; ---- Code segments: never writable; readable ones can be read.
    FAULT 13, 0, mov [cs:bounds], eax
    mov eax, [cs:bounds]
    ASSERT_EQ eax, 0x100
    mov ax, SEL_CODE32              ; readable code in DS: reads fine,
    EXPECT_FAULT .code_r            ; writes do not
    mov ds, ax
    mov eax, [bounds]
.code_i:
    mov [bounds], eax
    NO_FAULT
.code_r:
    mov ax, SEL_DATA32
    mov ds, ax
    CHECK_EXC 13, 0, .code_i
    ; Execute-only code cannot be loaded into a data segment register.
    mov ax, SEL_XO
    FAULT 13, SEL_XO, mov es, ax

    ; ---- Privilege and type checks of segment loads.
    mov ax, SEL_DATA32 | 3          ; RPL 3 > DPL 0
    FAULT 13, SEL_DATA32, mov es, ax
    mov ax, SEL_UDATA32             ; SS: RPL and DPL must equal CPL
    FAULT 13, SEL_UDATA32 & ~3, mov ss, ax
    mov ax, SEL_RO                  ; SS must be writable
    FAULT 13, SEL_RO, mov ss, ax
    mov ax, SEL_CODE32              ; ... and not code
    FAULT 13, SEL_CODE32, mov ss, ax
    xor ax, ax                      ; ... and not null
    FAULT 13, 0, mov ss, ax
    mov ax, SEL_TSS                 ; a system descriptor in DS
    FAULT 13, SEL_TSS, mov ds, ax
    mov ax, GDT_ENTRIES * 8         ; past the GDT limit
    FAULT 13, GDT_ENTRIES * 8, mov ds, ax
    mov ax, 0x0C                    ; TI = 1 with no LDT
    FAULT 13, 0x0C, mov ds, ax
    mov ax, SEL_UDATA32             ; CPL 0 may load a DPL 3 data segment
    NO_EXC mov es, ax
    mov ax, SEL_DATA32
    mov es, ax
    ; POP and LDS check the same way.
    push dword SEL_DATA32 | 3
    FAULT 13, SEL_DATA32, pop es
    add esp, 4
    mov dword [farptr + 4], SEL_XO
    FAULT 13, SEL_XO, lds eax, [farptr]

    ; ---- Not present: #NP for data registers, #SS for SS.
    mov ax, SEL_NP
    FAULT 11, SEL_NP, mov ds, ax
    mov eax, SEL_SSNP
    FAULT 12, SEL_SSNP, mov ss, ax
    ASSERT_EQ eax, SEL_SSNP         ; registers are as at the fault

    ; ---- Stack limits: #SS(0). The recorder reloads a flat SS, so each
    ; case loads its SS after EXPECT_FAULT.
    SS_FAULT SEL_SSLIM, 0xA0000, mov eax, [ebp]
    SS_FAULT SEL_SSLIM, 0x9FFFE, mov eax, [ebp]
    SS_FAULT SEL_SSLIM, 0, mov eax, [ss:0xA0000]
    SS_FAULT SEL_SSDOWN, 0x8FFFF, mov al, [ebp]
    SS_FAULT SEL_SSDOWN, 0x8FFFD, mov eax, [ebp]    ; straddles the bottom
    mov ax, SEL_SSDOWN              ; ESP 0x9Fxxx is above the limit: fine
    mov ss, ax
    mov ebp, 0x90000
    mov eax, [ebp]
    push dword 0x5A5A
    pop eax
    mov bx, SEL_DATA32
    mov ss, bx
    ASSERT_EQ eax, 0x5A5A

    ; ---- Far transfers to something that is not code.
    FAULT 13, SEL_DATA32, jmp SEL_DATA32:0
    FAULT 13, SEL_DATA32, call SEL_DATA32:0
    FAULT 13, 0, jmp 0:0
    FAULT 13, 0, jmp SEL_CODE16:0x10000 ; offset beyond the 64 KiB limit
    mov dword [farptr], 0
    mov dword [farptr + 4], SEL_RO
    FAULT 13, SEL_RO, jmp far [farptr]

    ; ---- Reserved control-register combinations (SDM vol. 2 MOV CRn).
    mov eax, cr4
    or eax, 0x80000000
    FAULT 13, 0, mov cr4, eax
    mov eax, cr0
    or eax, CR0_PG
    and eax, ~CR0_PE
    FAULT 13, 0, mov cr0, eax       ; PG without PE
    mov eax, cr0
    and eax, ~0x40000000            ; NW = 1 with CD = 0
    or eax, 0x20000000
    FAULT 13, 0, mov cr0, eax
    mov eax, cr0
    and eax, CR0_PG
    ASSERT_EQ eax, 0
    ; LTR needs an available TSS descriptor.
    mov ax, SEL_DATA32
    FAULT 13, SEL_DATA32, ltr ax
    PASS

section .data
align 4
bounds: dd 0x100
farptr: dd 0, 0
