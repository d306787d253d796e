; Self-modifying code across a page boundary (SDM vol. 3 11.6): an
; instruction whose bytes straddle two pages must see a write to its part
; on the second page - after it has run (decoded and cached), and when
; the write comes from the instruction just before it in the same run.
; Under paging, remapping the second page (INVLPG) changes the bytes too.
; The code is built at run time above the image.
%include "lib/ember.inc"

X      equ 0x00030000       ; page boundary in RAM (identity)
LIN    equ 0x00C01000       ; page boundary under paging
PHYS_1 equ 0x00370000       ; LIN - 0x1000 -> PHYS_1
PHYS_2 equ 0x00371000       ; LIN -> PHYS_2, later PHYS_3
PHYS_3 equ 0x00372000

; MOV EAX, imm32 at [base - 3], RET after it: B8 11 22 | 33 44 C3
%macro STRADDLE 3              ; first page base-3 (lin), second page (lin)
    mov byte [%1 - 3], 0xB8
    mov word [%1 - 2], 0x2211
    mov word [%2], 0x4433
    mov byte [%2 + 2], 0xC3
%endmacro

test_main:
    ENTER_PM
    ; ---- No paging: run, patch the second page, run again.
    STRADDLE X, X, 0
    call X - 3
    ASSERT_EQ eax, 0x44332211
    mov byte [X], 0x99              ; third immediate byte
    call X - 3
    ASSERT_EQ eax, 0x44992211
    mov byte [X + 2], 0x90          ; NOP; a new RET after it
    mov byte [X + 3], 0xC3
    call X - 3
    ASSERT_EQ eax, 0x44992211
    ; ---- The write comes from the instruction right before, same run:
    ; MOV BYTE [X + 1], 0x77 (7 bytes) ends where the MOV EAX starts.
    mov byte [X - 10], 0xC6
    mov byte [X - 9], 0x05
    mov dword [X - 8], X + 1
    mov byte [X - 4], 0x77
    call X - 10
    ASSERT_EQ eax, 0x77992211
    call X - 10                     ; and it stays that way
    ASSERT_EQ eax, 0x77992211

    ; ---- Paging: the second page remapped to other bytes.
    call paging_init
    mov eax, LIN - 0x1000
    mov ebx, PHYS_1 | PG_P | PG_W
    call map_page
    mov eax, LIN
    mov ebx, PHYS_2 | PG_P | PG_W
    call map_page
    STRADDLE LIN, LIN, 0
    mov word [PHYS_3], 0xBBAA       ; the other second page
    mov byte [PHYS_3 + 2], 0xC3
    call LIN - 3
    ASSERT_EQ eax, 0x44332211
    mov eax, LIN
    mov ebx, PHYS_3 | PG_P | PG_W
    call map_page                   ; INVLPG inside
    call LIN - 3
    ASSERT_EQ eax, 0xBBAA2211
    ; A write through the first page's side does not disturb it.
    mov byte [LIN - 2], 0x55
    call LIN - 3
    ASSERT_EQ eax, 0xBBAA2255
    ; Write the second page through its physical identity address.
    mov byte [PHYS_3 + 1], 0xCC
    call LIN - 3
    ASSERT_EQ eax, 0xCCAA2255
    PASS
