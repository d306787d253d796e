; The A20 gate through port 0x92 (the PS/2 "fast A20" system control port:
; bit 1 = A20 enabled, bit 0 = fast reset). With A20 off, physical address
; bit 20 is forced to 0, so FFFF:0010+X (linear 0x100000+X) reaches X, for
; data and for instruction fetch alike; with A20 on they are distinct.
%include "lib/ember.inc"

%macro A20_SET 1                    ; 1 = on, 0 = off; never touches bit 0
    in al, 0x92
    and al, ~3
%if %1
    or al, 2
%endif
    out 0x92, al
%endmacro

test_main:
    mov ax, 0xFFFF
    mov fs, ax                      ; FS:probe+0x10 = linear 0x100000+probe
    ; A20 is on after RESET here, and port 0x92 says so.
    in al, 0x92
    and eax, 2
    ASSERT_EQ eax, 2
    mov dword [probe], 0x11111111
    mov dword [fs:probe + 0x10], 0x22222222
    ASSERT_EQ dword [probe], 0x11111111
    ASSERT_EQ dword [fs:probe + 0x10], 0x22222222

    ; A20 off: the high alias reads and writes the low copy.
    A20_SET 0
    in al, 0x92
    and eax, 2
    ASSERT_EQ eax, 0
    ASSERT_EQ dword [fs:probe + 0x10], 0x11111111
    mov dword [fs:probe + 0x10], 0x33333333
    ASSERT_EQ dword [probe], 0x33333333
    ; Instruction fetch wraps as well: FFFF:wrapped+0x10 runs wrapped.
    mov dword [wrap_hit], 0
    call 0xFFFF:wrapped + 0x10
    ASSERT_EQ dword [wrap_hit], 0xC0DE

    ; A20 on again: the memory above 1 MiB kept its own value.
    A20_SET 1
    in al, 0x92
    and eax, 2
    ASSERT_EQ eax, 2
    ASSERT_EQ dword [fs:probe + 0x10], 0x22222222
    ASSERT_EQ dword [probe], 0x33333333
    ; A dword straddling 1 MiB (FFFF:000E = 0xFFFFE..0x100001): with A20
    ; off its top half wraps to 0 and 1.
    mov dword [fs:0x000E], 0         ; 0xFFFFE, 0xFFFFF are ROM: no effect
    mov eax, [0]
    mov [saved0], eax
    A20_SET 0
    mov word [0], 0xA5A5
    mov eax, [fs:0x000E]             ; bytes 0xFFFFE, 0xFFFFF (ROM), 0, 1
    A20_SET 1
    shr eax, 16
    ASSERT_EQ eax, 0xA5A5
    mov eax, [saved0]
    mov [0], eax

    ; ---- One linear address, two physical ones: FFFF:alias+0x10 runs the
    ; code above 1 MiB with A20 on and the copy at alias with A20 off; each
    ; toggle must switch which one runs (no stale decoded code).
    mov si, alias_hi                ; copy "MOV AX, 0x0A; RETF" above 1 MiB
    mov di, alias + 0x10
    mov cx, alias_hi_end - alias_hi
.copy:
    mov al, [si]
    mov [fs:di], al
    inc si
    inc di
    loop .copy
    call 0xFFFF:alias + 0x10        ; A20 on: the copy above 1 MiB
    movzx eax, ax
    ASSERT_EQ eax, 0x0A
    A20_SET 0
    call 0xFFFF:alias + 0x10        ; A20 off: the original below
    movzx eax, ax
    ASSERT_EQ eax, 0x0B
    A20_SET 1
    call 0xFFFF:alias + 0x10
    movzx eax, ax
    ASSERT_EQ eax, 0x0A
    A20_SET 0
    call 0xFFFF:alias + 0x10
    movzx eax, ax
    ASSERT_EQ eax, 0x0B
    A20_SET 1
    PASS

alias:                              ; the low copy
    mov ax, 0x0B
    retf
alias_hi:                           ; copied to 0x100000 + alias
    mov ax, 0x0A
    retf
alias_hi_end:

; Runs as FFFF:wrapped+0x10 (CS base 0xFFFF0): near references through DS.
wrapped:
    mov dword [wrap_hit], 0xC0DE
    retf

section .data
align 4
probe:    dd 0
wrap_hit: dd 0
saved0:   dd 0
