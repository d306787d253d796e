; I/O protection in protected mode (SDM vol. 1 18.5): with CPL <= IOPL
; every port is allowed; with CPL > IOPL each byte of the access is
; checked against the TSS I/O permission bitmap, and ports past the TSS
; limit are denied (#GP(0)). Also INS/OUTS, and an I/O map base beyond
; the limit (no bitmap at all).
%include "lib/ember.inc"

%macro DENY 1
    or byte [tss0_iomap + ((%1) >> 3)], 1 << ((%1) & 7)
%endmacro

; R3_IO expect (0 ok / 1 #GP), iopl, DX, instruction...
%macro R3_IO 4+.nolist
    EXPECT_FAULT %%r
    TO_RING3 %%u, ((%2) << 12) | 2
%%u:
    mov ax, SEL_UDATA32
    mov ds, ax
    mov es, ax
    mov edx, %3
    mov al, 'B'
    mov esi, io_msg
    mov edi, io_buf
    mov ecx, 1
%%j: %4
%%e: int 0x62
%%r:
%if %1
    CHECK_EXC 13, 0, %%j
%else
    CHECK_EXC 0x62, NOERR, %%e + 2
%endif
%endmacro

test_main:
    ENTER_PM
    call load_tr
    IDT_DEFAULT 0x62, 3
    DENY 0x80
    DENY 0xEA
    DENY 0x92
    ; CPL 0 with IOPL 0: CPL <= IOPL, the bitmap does not matter.
    NO_EXC in al, 0x92
    ; CPL 3, IOPL 0: the bitmap.
    R3_IO 0, 0, 0xE9, out 0xE9, al          ; prints 'B'
    R3_IO 1, 0, 0xE9, out 0x80, al
    R3_IO 1, 0, 0xE9, in al, 0x92
    R3_IO 1, 0, 0xE9, out dx, ax            ; 0xEA denied
    R3_IO 1, 0, 0xE8, out dx, eax
    R3_IO 0, 0, 0xE9, outsb                 ; prints 'p'
    R3_IO 1, 0, 0x80, insb
    R3_IO 1, 0, 0x400, in al, dx            ; past the limit
    R3_IO 1, 0, 0xFFFF, out dx, al
    ; CPL 3 with IOPL 3: everything allowed.
    R3_IO 0, 3, 0xE9, in al, 0x92
    R3_IO 0, 3, 0x80, out dx, al            ; denied in the bitmap, but IOPL 3
    R3_IO 0, 3, 0x400, in al, dx
    ; IOPL 1 < CPL 3: checked again.
    R3_IO 1, 1, 0xE9, out 0x80, al
    ; The I/O map base past the TSS limit: no bitmap, all denied.
    mov word [tss0 + 0x66], 0xFFFF
    R3_IO 1, 0, 0xE9, out 0xE9, al
    mov word [tss0 + 0x66], TSS0_IOMAP
    R3_IO 0, 0, 0xE9, out 0xE9, al          ; prints 'B'
    PRINT 10
    PASS

section .data
io_msg: db 'p'
io_buf: db 0
