; I/O in virtual-8086 mode (SDM vol. 3 20.2.8.1; vol. 1 18.5.2): every
; IN/OUT/INS/OUTS is checked against the TSS I/O permission bitmap, even
; with IOPL 3; each byte of a word or dword access must be allowed; ports
; whose bit lies beyond the TSS limit are denied. Denied: #GP(0) at the
; instruction. Allowed ones reach the device (the debug console prints).
%include "lib/ember.inc"

V86_SS equ 0x7000
V86_SP equ 0xFFF0

; Bitmap bit for a port (in tss0_iomap).
%macro DENY 1
    or byte [tss0_iomap + ((%1) >> 3)], 1 << ((%1) & 7)
%endmacro

; V86_IO expect (0 ok / 1 #GP), DX, instruction...  (IOPL 3; AL = 'A',
; DS:SI -> "o", ES:DI -> a buffer, CX = 1)
%macro V86_IO 3+.nolist
    EXPECT_FAULT %%r
    V86_ENTER %%i, 0, V86_SS, V86_SP, 0, FL_IOPL
bits 16
%%i:
    mov dx, %2
    mov al, 'A'
    mov si, io_msg
    mov di, io_buf
    mov cx, 1
%%j: %3
%%u: ud2
bits 32
%%r:
%if %1
    CHECK_EXC 13, 0, %%j
%else
    CHECK_EXC 6, NOERR, %%u
%endif
%endmacro

test_main:
    ENTER_PM
    call load_tr
    DENY 0x80
    DENY 0xEA
    DENY 0x3FF
    V86_IO 0, 0xE9, out 0xE9, al    ; prints 'A'
    V86_IO 1, 0xE9, out 0x80, al
    V86_IO 1, 0xE9, in al, 0x80
    V86_IO 1, 0xE9, out dx, ax      ; 0xE9 and 0xEA: 0xEA is denied
    V86_IO 1, 0xE8, in eax, dx      ; 0xE8-0xEB
    V86_IO 1, 0xE9, out 0xEA, al
    V86_IO 0, 0xE9, outsb           ; prints 'o'
    V86_IO 0, 0xE9, in al, dx
    V86_IO 1, 0x400, out dx, al     ; beyond the bitmap (TSS limit)
    V86_IO 1, 0xFFFF, in al, dx
    V86_IO 1, 0x3FF, out dx, al     ; the last bit of the bitmap
    V86_IO 1, 0x3FE, out dx, ax     ; 0x3FE allowed, 0x3FF not
    V86_IO 0, 0x3FE, out dx, al
    V86_IO 1, 0x80, rep insb
    V86_IO 1, 0x80, outsb
    ; Allowing a port again takes effect at once.
    and byte [tss0_iomap + (0x80 >> 3)], ~1
    V86_IO 0, 0x80, out dx, al
    PRINT 10
    PASS

section .data
io_msg: db 'o'
io_buf: db 0
