; Segment limits in real mode (SDM vol. 3 20.1.1 and vol. 2 "Real-Address
; Mode Exceptions": #GP if an effective address is outside the CS, DS, ES,
; FS or GS limit, #SS if outside the SS limit; the limit is 0FFFFH). Each
; access is checked in full: a word at offset 0FFFFH does not fit. The
; 64 KiB wrap of 16-bit addressing is not a violation.
%include "lib/ember.inc"

test_main:
    mov ax, 0x1000                  ; DS = 0x1000: offsets map to 0x10000+
    mov ds, ax
    mov byte [0xFFFF], 0x11         ; the last byte is inside
    mov al, [0xFFFF]
    xor bx, bx
    mov ds, bx
    movzx eax, al
    ASSERT_EQ eax, 0x11

    mov ax, 0x1000
    mov ds, ax
    FAULT 13, NOERR, mov ax, [0xFFFF]       ; word straddles the limit
    FAULT 13, NOERR, mov eax, [0xFFFD]      ; dword straddles it
    FAULT 13, NOERR, mov dword [0xFFFE], 0
    mov esi, 0x10000                        ; 32-bit offset past the limit
    FAULT 13, NOERR, mov al, [esi]
    mov ebx, 0xFFFFFFFF
    FAULT 13, NOERR, mov al, [ebx]
    mov ax, 0x1000
    mov es, ax
    FAULT 13, NOERR, inc word [es:0xFFFF]
    mov edi, 0xFFFF                         ; string ops are checked too
    FAULT 13, NOERR, a32 stosw
    xor ax, ax
    mov ds, ax
    mov es, ax

    ; 16-bit addressing wraps: [bx + si] with a carry out of bit 15 stays
    ; inside the segment.
    mov ax, 0x1000
    mov ds, ax
    mov byte [0x0005], 0x77
    mov bx, 0xFFFF
    mov si, 0x0006
    mov al, [bx + si]               ; (0xFFFF + 6) & 0xFFFF = 5
    xor cx, cx
    mov ds, cx
    movzx eax, al
    ASSERT_EQ eax, 0x77

    ; SS: #SS for BP-based and stack accesses past the limit.
    mov ebp, 0xFFFF
    FAULT 12, NOERR, mov ax, [bp]
    FAULT 12, NOERR, mov eax, [ss:0xFFFE]
    mov ebp, 0x10000
    FAULT 12, NOERR, mov al, [ebp]
    ; PUSH with SP = 0 wraps to FFFE (no fault).
    mov [saved_sp], sp
    mov sp, 0
    push word 0xBEEF
    mov ax, sp
    mov bx, [ss:0xFFFE]
    mov sp, [saved_sp]
    movzx eax, ax
    ASSERT_EQ eax, 0xFFFE
    movzx ebx, bx
    ASSERT_EQ ebx, 0xBEEF
    PASS

section .data
saved_sp: dw 0
