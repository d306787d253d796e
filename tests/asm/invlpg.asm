; INVLPG (SDM vol. 2 INVLPG, vol. 3 4.10.4.1): after a PTE changes, the
; INVLPG of its page makes the new translation take effect; the operand
; is a memory address whose linear address includes the segment base;
; INVLPG never accesses memory, so it does not fault on an unmapped
; address; a MOV to CR3 also drops non-global translations.
%include "lib/ember.inc"

LIN     equ 0x00C10000
PHYS_A  equ 0x00320000
PHYS_B  equ 0x00321000
PHYS_C  equ 0x00322000
SEL_B1K equ 0x40            ; flat data with base 0x1000

%macro REMAP 2
    mov eax, %1
    call pte_of
    mov dword [edi], (%2) | PG_P | PG_W
%endmacro

test_main:
    ENTER_PM
    call paging_init
    mov dword [PHYS_A], 0xAAAA
    mov dword [PHYS_B], 0xBBBB
    mov dword [PHYS_C], 0xCCCC
    mov eax, LIN
    mov ebx, PHYS_A | PG_P | PG_W
    call map_page
    ASSERT_EQ dword [LIN], 0xAAAA
    ; The new mapping after INVLPG.
    REMAP LIN, PHYS_B
    invlpg [LIN + 0x123]            ; any address in the page
    ASSERT_EQ dword [LIN], 0xBBBB
    ; Writes go to the new page too.
    mov dword [LIN + 4], 0xB4B4
    ASSERT_EQ dword [PHYS_B + 4], 0xB4B4
    ; INVLPG through a segment with a non-zero base.
    GDT_DESC SEL_B1K, 0x1000, 0xFFFFF, ACC_DATA0, DF_G32
    mov ax, SEL_B1K
    mov fs, ax
    REMAP LIN, PHYS_C
    invlpg [fs:LIN - 0x1000]
    ASSERT_EQ dword [LIN], 0xCCCC
    ; The page's translation for instruction fetch is dropped as well.
    mov byte [PHYS_A], 0xC3         ; RET
    mov dword [PHYS_B], 0x000000B8  ; MOV EAX, 0 ...
    mov dword [PHYS_B + 4], 0x0000C300  ; ... RET
    REMAP LIN, PHYS_A
    invlpg [LIN]
    mov eax, 0x1234
    call LIN                        ; RET: EAX unchanged
    ASSERT_EQ eax, 0x1234
    REMAP LIN, PHYS_B
    invlpg [LIN]
    call LIN                        ; MOV EAX, 0: EAX = 0
    ASSERT_EQ eax, 0
    ; No fault for an address with nothing mapped.
    NO_EXC invlpg [0xE0000000]
    NO_EXC invlpg [0x00800000]
    ; MOV to CR3 drops it too.
    mov dword [PHYS_A], 0xAAAA
    REMAP LIN, PHYS_A
    invlpg [LIN]
    ASSERT_EQ dword [LIN], 0xAAAA
    mov dword [PHYS_C], 0xCCCC
    REMAP LIN, PHYS_C
    mov eax, cr3
    mov cr3, eax
    ASSERT_EQ dword [LIN], 0xCCCC
    ; And a not-present PTE faults after INVLPG.
    mov eax, LIN
    call pte_of
    mov dword [edi], 0
    invlpg [LIN]
    EXPECT_FAULT .np_r
.np_i:
    mov eax, [LIN]
    NO_FAULT
.np_r:
    CHECK_EXC 14, 0, .np_i
    PASS
