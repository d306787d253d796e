; Accessed and dirty bits (SDM vol. 3 4.8): the processor sets A in every
; paging entry it uses for a translation (PDE and PTE, or the 4 MiB PDE)
; and D in the entry that maps the page, only on a write. A read, or an
; instruction fetch, sets A and leaves D clear; a later write sets D even
; when a read cached the translation. The bit 6 of a PDE that points to a
; page table is not a dirty bit and stays as it was. Other bits of the
; entries (AVL 9-11) are kept. A write that faults sets no D.
%include "lib/ember.inc"

L_READ  equ 0x00C01000      ; PDE 3: a page table of its own
L_WRITE equ 0x00C02000
L_EXEC  equ 0x00C03000
L_RO    equ 0x00C04000
BIG     equ 0x01000000      ; 4 MiB page
AVL     equ 0xE00

; PTE of lin in EAX -> EAX
%macro PTE 1
    push edi
    mov eax, %1
    call pte_of
    mov eax, [edi]
    pop edi
%endmacro

test_main:
    ENTER_PM
    call paging_init
    mov eax, cr4
    or eax, CR4_PSE
    mov cr4, eax
    mov eax, L_READ
    mov ebx, 0x00310000 | PG_P | PG_W | AVL
    call map_page
    mov eax, L_WRITE
    mov ebx, 0x00311000 | PG_P | PG_W
    call map_page
    mov eax, L_EXEC
    mov ebx, 0x00312000 | PG_P | PG_W
    call map_page
    mov eax, L_RO
    mov ebx, 0x00313000 | PG_P
    call map_page
    mov byte [0x00312000], 0xC3     ; RET, for the fetch
    ; the page table's PDE, A clear
    and dword [page_dir + (L_READ >> 22) * 4], ~(PG_A | PG_D)
    mov eax, cr3
    mov cr3, eax

    ; ---- Read: A in PDE and PTE, no D anywhere.
    mov eax, [L_READ]
    PTE L_READ
    ASSERT_EQ eax, 0x00310000 | PG_P | PG_W | AVL | PG_A
    mov eax, [page_dir + (L_READ >> 22) * 4]
    and eax, PG_A | PG_D
    ASSERT_EQ eax, PG_A
    ; ---- Then a write: D set in the PTE (the PDE's bit 6 stays 0).
    mov dword [L_READ + 8], 1
    PTE L_READ
    ASSERT_EQ eax, 0x00310000 | PG_P | PG_W | AVL | PG_A | PG_D
    mov eax, [page_dir + (L_READ >> 22) * 4]
    and eax, PG_A | PG_D
    ASSERT_EQ eax, PG_A

    ; ---- A first access that writes sets A and D together.
    inc dword [L_WRITE + 0x10]
    PTE L_WRITE
    ASSERT_EQ eax, 0x00311000 | PG_P | PG_W | PG_A | PG_D

    ; ---- An instruction fetch sets A only.
    call L_EXEC
    PTE L_EXEC
    ASSERT_EQ eax, 0x00312000 | PG_P | PG_W | PG_A

    ; ---- A clear A bit comes back after INVLPG and another read.
    mov eax, L_EXEC
    call pte_of
    and dword [edi], ~PG_A
    invlpg [L_EXEC]
    mov eax, [L_EXEC]
    PTE L_EXEC
    ASSERT_EQ eax, 0x00312000 | PG_P | PG_W | PG_A

    ; ---- A faulting write (read-only page, WP = 1) sets no D.
    mov eax, cr0
    or eax, CR0_WP
    mov cr0, eax
    mov eax, [L_RO]                 ; A set by the read
    EXPECT_FAULT .ro_r
.ro_i:
    mov dword [L_RO], 5
    NO_FAULT
.ro_r:
    CHECK_EXC 14, 3, .ro_i
    PTE L_RO
    ASSERT_EQ eax, 0x00313000 | PG_P | PG_A

    ; ---- 4 MiB page: A on read, D on write, in the PDE itself.
    mov dword [page_dir + (BIG >> 22) * 4], 0x00000000 | PG_PS | PG_P | PG_W
    invlpg [BIG]
    mov eax, [BIG + 0x1000]
    mov eax, [page_dir + (BIG >> 22) * 4]
    ASSERT_EQ eax, PG_PS | PG_P | PG_W | PG_A
    mov dword [BIG + big_scratch], 7
    mov eax, [page_dir + (BIG >> 22) * 4]
    ASSERT_EQ eax, PG_PS | PG_P | PG_W | PG_A | PG_D
    ASSERT_EQ dword [big_scratch], 7
    PASS

section .data
big_scratch: dd 0
