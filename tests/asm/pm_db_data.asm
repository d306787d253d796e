; Data breakpoints in protected mode (SDM vol. 3 17.2.4, 17.2.5, 17.3.1.2):
; - R/W = 01 breaks on writes only, R/W = 11 on reads and writes;
; - LEN gives 1, 2 or 4 bytes at an address aligned to the length, and any
;   access overlapping that range hits;
; - the #DB is a trap: it comes after the instruction completes, with EIP at
;   the next instruction and the instruction's effect done; DR6.Bn names the
;   breakpoint;
; - the check works for instructions in the middle of a run of others
;   (decoded blocks), for read-modify-write and for string instructions;
; - a disabled breakpoint does nothing.
%include "lib/ember.inc"

RW_WRITE   equ 1
RW_ACCESS  equ 3
LEN1       equ 0
LEN2       equ 1
LEN4       equ 3

; ARM n, address, rw, len: breakpoint n on address, enabled locally.
%macro ARM 4
    mov eax, %2
    mov dr%1, eax
    mov eax, (1 << (2 * (%1))) | ((%3) << (16 + 4 * (%1))) | ((%4) << (18 + 4 * (%1)))
    mov dr7, eax
    xor eax, eax
    mov dr6, eax
    mov dword [exc_log_n], 0
    mov dword [dr6_seen], 0
%endmacro

%macro DISARM 0
    xor eax, eax
    mov dr7, eax
%endmacro

test_main:
    ENTER_PM
    mov dword [exc_mode], EXC_IRET
    mov dword [exc_hook], db_hook

    ; ---- A write breakpoint: the store traps after it completes.
    ARM 0, watch, RW_WRITE, LEN4
    xor ecx, ecx
    mov eax, 0x12345678
    mov [watch], eax
.w_after:
    inc ecx                         ; runs after the handler returns
    DISARM
    ASSERT_EQ dword [exc_log_n], 1
    ASSERT_EQ dword [exc_log_vec], 1
    ASSERT_EQ dword [exc_log_eip], .w_after
    ASSERT_EQ dword [watch], 0x12345678
    ASSERT_EQ ecx, 1
    ASSERT_EQ dword [dr6_seen], 0xFFFF0FF1

    ; ---- A write breakpoint does not see reads.
    ARM 1, watch, RW_WRITE, LEN4
    mov eax, [watch]
    mov ebx, [watch + 2]
    DISARM
    ASSERT_EQ dword [exc_log_n], 0

    ; ---- Read/write, one byte at watch+1: a byte read of watch+0 misses,
    ; a word read of watch+0 overlaps it.
    ARM 2, watch + 1, RW_ACCESS, LEN1
    mov al, [watch]
    mov ax, [watch]
.rw_after:
    nop
    DISARM
    ASSERT_EQ dword [exc_log_n], 1
    ASSERT_EQ dword [exc_log_eip], .rw_after
    ASSERT_EQ dword [dr6_seen], 0xFFFF0FF4

    ; ---- A two-byte breakpoint is aligned down: DR3 = watch+3 covers +2..+3.
    ARM 3, watch + 3, RW_WRITE, LEN2
    mov byte [watch + 1], 7         ; misses
    mov byte [watch + 2], 7         ; hits
.len_after:
    nop
    DISARM
    ASSERT_EQ dword [exc_log_n], 1
    ASSERT_EQ dword [exc_log_eip], .len_after
    ASSERT_EQ dword [dr6_seen], 0xFFFF0FF8

    ; ---- Read-modify-write and a string store.
    ARM 0, watch, RW_WRITE, LEN4
    add dword [watch], 1
.rmw_after:
    mov edi, watch - 8
    mov ecx, 4
    xor eax, eax
    cld
    rep stosd                       ; its third store hits
.str_after:
    DISARM
    ASSERT_EQ dword [exc_log_n], 2
    ASSERT_EQ dword [exc_log_eip], .rmw_after
    ASSERT_EQ dword [exc_log_eip + 4], .str_after
    ASSERT_EQ dword [watch], 0

    ; ---- Disabled: nothing.
    mov eax, watch
    mov dr0, eax
    xor eax, eax
    mov dr7, eax
    mov dword [exc_log_n], 0
    mov dword [watch], 5
    ASSERT_EQ dword [exc_log_n], 0
    PASS

db_hook:
    mov eax, dr6
    mov [dr6_seen], eax
    xor eax, eax
    mov dr6, eax
    ret

section .data
align 16
dr6_seen: dd 0
          dd 0, 0
watch:    dd 0
          dd 0, 0
