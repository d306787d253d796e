; Global pages (SDM vol. 3 4.10.2.4, 4.10.4.1): with CR4.PGE = 1, a
; translation of a page whose PTE has G = 1 survives a MOV to CR3, seen
; by changing the PTE without INVLPG; a non-global one does not. INVLPG
; drops a global translation, and so does clearing CR4.PGE. With
; CR4.PGE = 0 the G bit means nothing. Also for a global 4 MiB page.
%include "lib/ember.inc"

LIN_G   equ 0x0085E000      ; global 4 KiB page
LIN_N   equ 0x0085F000      ; non-global 4 KiB page
PHYS_A  equ 0x003A0000
PHYS_B  equ 0x003B0000
BIG     equ 0x01C00000      ; a 4 MiB page, global

; Remap lin to phys with flags, without INVLPG.
%macro REMAP 3
    mov eax, %1
    call pte_of
    mov dword [edi], (%2) | (%3)
%endmacro

%macro RELOAD_CR3 0
    mov eax, cr3
    mov cr3, eax
%endmacro

test_main:
    ENTER_PM
    call paging_init
    mov dword [PHYS_A], 0xAAAA0001
    mov dword [PHYS_B], 0xBBBB0002
    mov eax, cr4
    or eax, CR4_PGE | CR4_PSE
    mov cr4, eax
    ; Physical 4-8 MiB identity-mapped (one 4 MiB page), to check through.
    mov dword [page_dir + 1 * 4], 0x00400000 | PG_PS | PG_P | PG_W
    mov dword [0x00400000 + PHYS_A], 0xCCCC0003

    ; ---- Global: survives CR3, not INVLPG.
    mov eax, LIN_G
    mov ebx, PHYS_A | PG_P | PG_W | PG_G
    call map_page
    ASSERT_EQ dword [LIN_G], 0xAAAA0001
    REMAP LIN_G, PHYS_B, PG_P | PG_W | PG_G
    RELOAD_CR3
    ASSERT_EQ dword [LIN_G], 0xAAAA0001     ; the old translation
    invlpg [LIN_G]
    ASSERT_EQ dword [LIN_G], 0xBBBB0002

    ; ---- Non-global: a CR3 load drops it.
    mov eax, LIN_N
    mov ebx, PHYS_A | PG_P | PG_W
    call map_page
    ASSERT_EQ dword [LIN_N], 0xAAAA0001
    REMAP LIN_N, PHYS_B, PG_P | PG_W
    RELOAD_CR3
    ASSERT_EQ dword [LIN_N], 0xBBBB0002

    ; ---- Clearing CR4.PGE flushes global translations too.
    mov eax, LIN_G
    mov ebx, PHYS_A | PG_P | PG_W | PG_G
    call map_page
    ASSERT_EQ dword [LIN_G], 0xAAAA0001
    REMAP LIN_G, PHYS_B, PG_P | PG_W | PG_G
    mov eax, cr4
    and eax, ~CR4_PGE
    mov cr4, eax
    ASSERT_EQ dword [LIN_G], 0xBBBB0002

    ; ---- CR4.PGE = 0: G is ignored, CR3 drops the page.
    mov eax, LIN_G
    mov ebx, PHYS_A | PG_P | PG_W | PG_G
    call map_page
    ASSERT_EQ dword [LIN_G], 0xAAAA0001
    REMAP LIN_G, PHYS_B, PG_P | PG_W | PG_G
    RELOAD_CR3
    ASSERT_EQ dword [LIN_G], 0xBBBB0002

    ; ---- A global 4 MiB page survives CR3 too.
    mov eax, cr4
    or eax, CR4_PGE
    mov cr4, eax
    mov dword [page_dir + (BIG >> 22) * 4], 0x00000000 | PG_PS | PG_P | PG_W | PG_G
    invlpg [BIG]
    mov eax, [BIG + PHYS_A]
    ASSERT_EQ eax, 0xAAAA0001
    mov dword [page_dir + (BIG >> 22) * 4], 0x00400000 | PG_PS | PG_P | PG_W | PG_G
    RELOAD_CR3
    ASSERT_EQ dword [BIG + PHYS_A], 0xAAAA0001
    invlpg [BIG + PHYS_A]
    ASSERT_EQ dword [BIG + PHYS_A], 0xCCCC0003

    ; ---- A task-independent global page is also kept when CR3 changes
    ; to another page directory that maps it differently.
    mov eax, LIN_G
    mov ebx, PHYS_A | PG_P | PG_W | PG_G
    call map_page
    ASSERT_EQ dword [LIN_G], 0xAAAA0001
    mov esi, page_dir               ; a copy of the directory ...
    mov edi, pd2
    mov ecx, 1024
    rep movsd
    mov eax, LIN_G                  ; ... whose table for LIN_G is a copy
    shr eax, 22
    mov esi, [page_dir + eax * 4]
    and esi, 0xFFFFF000
    mov edi, pt2
    mov ecx, 1024
    rep movsd
    mov dword [pd2 + eax * 4], pt2 + (PG_P | PG_W | PG_U)
    mov dword [pt2 + ((LIN_G >> 12) & 0x3FF) * 4], PHYS_B | PG_P | PG_W | PG_G
    mov eax, pd2
    mov cr3, eax
    ASSERT_EQ dword [LIN_G], 0xAAAA0001     ; still the global translation
    invlpg [LIN_G]
    ASSERT_EQ dword [LIN_G], 0xBBBB0002     ; pd2's own mapping
    mov eax, page_dir
    mov cr3, eax
    PASS

section .bss
alignb 4096
pd2: resb 4096
pt2: resb 4096
