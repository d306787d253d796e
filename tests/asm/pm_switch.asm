; Real mode -> protected mode -> real mode (SDM vol. 3 9.9.1, 9.9.2), twice.
; In protected mode: CR0.PE, selectors, the accessed bit the load sets in
; the descriptor, 32-bit flat addressing above 1 MiB, a 16-bit code
; segment. Back in real mode: the IVT works again, segment loads are
; base = selector * 16 again, and a segment register not reloaded keeps
; the 4 GiB limit it had in protected mode ("unreal mode") while a
; reloaded one keeps the 64 KiB limit of the last descriptor.
%include "lib/ember.inc"

test_main:
    mov byte [gdt + SEL_DATA32 + 5], ACC_DATA0 & ~1   ; accessed bit clear
    ENTER_PM
    mov eax, cr0
    and eax, CR0_PE | CR0_PG
    ASSERT_EQ eax, CR0_PE
    mov eax, 0xFFFFFFFF
    mov eax, cs                     ; P6: the top half is zeroed
    ASSERT_EQ eax, SEL_CODE32
    mov eax, 0xFFFFFFFF
    mov eax, ss
    ASSERT_EQ eax, SEL_DATA32
    movzx eax, byte [gdt + SEL_DATA32 + 5]
    ASSERT_EQ eax, ACC_DATA0 | 1    ; the load set the accessed bit
    ; Flat 32-bit addressing reaches above 1 MiB.
    mov dword [0x200000], 0x5EC0DE01
    mov dword [0x300000], 0x5EC0DE02
    ASSERT_EQ dword [0x200000], 0x5EC0DE01
    ; A far call to a 16-bit code segment and back.
    mov dword [pm16_result], 0
    call SEL_CODE16:pm16_proc
    ASSERT_EQ dword [pm16_result], 0x16161616
    ; STR/SLDT/SMSW in protected mode.
    smsw eax
    and eax, 0xFFFF
    mov ebx, cr0
    and ebx, 0xFFFF
    ASSERT_EQ eax, ebx

    ; ---- Back to real mode, leaving FS loaded with the flat 4 GiB segment.
    mov ax, SEL_DATA32
    mov fs, ax
    jmp SEL_CODE16:.p16
bits 16
.p16:
    mov ax, SEL_DATA16
    mov ds, ax
    mov es, ax
    mov gs, ax
    mov ss, ax
    mov eax, cr0
    and eax, ~CR0_PE
    mov cr0, eax
    jmp 0:.real
.real:
    xor ax, ax
    mov ds, ax
    mov es, ax
    mov gs, ax
    mov ax, RM_STACK_SEG
    mov ss, ax
    mov esp, RM_STACK_TOP
    lidt [rm_idt_desc]
    mov eax, cr0
    and eax, CR0_PE
    ASSERT_EQ eax, 0
    ; Unreal FS: a 32-bit offset above 1 MiB works through FS ...
    mov eax, [fs:dword 0x200000]
    ASSERT_EQ eax, 0x5EC0DE01
    mov dword [fs:dword 0x300004], 0xAB
    ; ... while DS (reloaded in real mode) has the 64 KiB limit.
    mov esi, 0x10000
    FAULT 13, NOERR, mov al, [esi]
    ; Real-mode segment arithmetic again: ES = 0x3000 is linear 0x30000.
    mov ax, 0x3000
    mov es, ax
    mov dword [es:0x10], 0x600DF00D
    ASSERT_EQ dword [fs:dword 0x30010], 0x600DF00D
    ; The IVT is back: INT n lands in the real-mode recorder.
    TRAP 0x40, int 0x40
    ASSERT_EQ dword [exc_cs], 0

    ; ---- And once more into protected mode and out (with the macros).
    ENTER_PM
    ASSERT_EQ dword [0x300004], 0xAB
    mov eax, cr0
    and eax, CR0_PE
    ASSERT_EQ eax, CR0_PE
    LEAVE_PM
    mov eax, cr0
    and eax, CR0_PE
    ASSERT_EQ eax, 0
    TRAP 0x41, int 0x41
    PASS

bits 16
; 16-bit protected-mode code: default operand size 16 (a PUSH moves SP by
; 2), then a 16-bit far return.
pm16_proc:
    mov ax, SEL_DATA32
    mov ds, ax
    mov bx, sp
    push ax
    mov cx, sp
    pop ax
    sub bx, cx
    cmp bx, 2
    jne .bad
    mov dword [pm16_result], 0x16161616
.bad:
    o32 retf

section .data
pm16_result: dd 0
