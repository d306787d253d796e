; Self-modifying code under paging (SDM vol. 3 11.6: the check is by
; physical address). Code written through a second linear alias of its
; physical page takes effect - also for the very next instruction; code
; run through the alias sees writes through the original; and when a
; linear page is remapped (INVLPG, or a new CR3) the code at that linear
; address is the new page's.
%include "lib/ember.inc"

ALIAS   equ 0x00C00000      ; alias of smc_page
LIN_X   equ 0x00C10000      ; remapped between code_x and code_y

test_main:
    ENTER_PM
    call paging_init
    mov eax, ALIAS
    mov ebx, smc_page + (PG_P | PG_W)
    call map_page

    ; ---- Run, patch through the alias, run again.
    call smc_page.get
    ASSERT_EQ eax, 1
    mov dword [ALIAS + (smc_page.get - smc_page) + 1], 2
    call smc_page.get
    ASSERT_EQ eax, 2
    ; ---- The very next instruction, through the alias.
    call smc_page.next
    ASSERT_EQ eax, 0x42
    ; ---- Run through the alias, patch through the original.
    call ALIAS + (smc_page.get - smc_page)
    ASSERT_EQ eax, 2
    mov dword [smc_page.get + 1], 3
    call ALIAS + (smc_page.get - smc_page)
    ASSERT_EQ eax, 3
    call smc_page.get
    ASSERT_EQ eax, 3

    ; ---- Remapping a linear code page: INVLPG.
    mov eax, LIN_X
    mov ebx, code_x + (PG_P | PG_W)
    call map_page
    call LIN_X
    ASSERT_EQ eax, 0x58
    mov eax, LIN_X
    mov ebx, code_y + (PG_P | PG_W)
    call map_page                   ; (INVLPG inside)
    call LIN_X
    ASSERT_EQ eax, 0x59
    ; ---- ... and a CR3 switch to a directory mapping it elsewhere.
    mov esi, page_dir
    mov edi, pd2
    mov ecx, 1024
    rep movsd
    mov eax, LIN_X
    call pte_of                     ; copy LIN_X's page table, point at X
    mov esi, edi
    and esi, 0xFFFFF000
    mov edi, pt2
    mov ecx, 1024
    rep movsd
    mov dword [pd2 + (LIN_X >> 22) * 4], pt2 + (PG_P | PG_W | PG_U)
    mov dword [pt2 + ((LIN_X >> 12) & 0x3FF) * 4], code_x + (PG_P | PG_W)
    mov eax, pd2
    mov cr3, eax
    call LIN_X
    ASSERT_EQ eax, 0x58
    mov eax, page_dir
    mov cr3, eax
    call LIN_X
    ASSERT_EQ eax, 0x59
    PASS

section .text
align 4096
smc_page:
.get:
    mov eax, strict dword 1
    ret
.next:
    mov byte [ALIAS + (.next_i - smc_page) + 1], 0x42
.next_i:
    mov al, 0
    movzx eax, al
    ret
align 4096
code_x:
    mov eax, 0x58
    ret
align 4096
code_y:
    mov eax, 0x59
    ret
align 4096

section .bss
alignb 4096
pd2: resb 4096
pt2: resb 4096
