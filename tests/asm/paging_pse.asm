; 4 MiB pages (SDM vol. 3 4.3: CR4.PSE = 1 and PDE.PS = 1 map 4 MiB with
; bits 31:22 of the PDE; offset bits 21:0 come from the linear address),
; mixed with 4 KiB pages, and INVLPG of any address inside a 4 MiB page
; dropping the translation of the whole page (4.10.4.1, 4.10.2.3).
%include "lib/ember.inc"

BIG0 equ 0x01000000         ; PDE 4: 4 MiB page -> physical 0
BIG1 equ 0x01400000         ; PDE 5: 4 MiB page -> physical 0x400000

test_main:
    ENTER_PM
    call paging_init
    mov eax, cr4
    or eax, CR4_PSE
    mov cr4, eax
    ; Physical 4-12 MiB identity-mapped with two 4 MiB pages, to check
    ; through.
    mov dword [page_dir + 1 * 4], 0x00400000 | PG_PS | PG_P | PG_W
    mov dword [page_dir + 2 * 4], 0x00800000 | PG_PS | PG_P | PG_W
    mov dword [page_dir + (BIG0 >> 22) * 4], 0x00000000 | PG_PS | PG_P | PG_W
    mov dword [page_dir + (BIG1 >> 22) * 4], 0x00400000 | PG_PS | PG_P | PG_W

    ; The GDT seen through the big page at physical 0.
    mov eax, [gdt + SEL_CODE32]
    ASSERT_EQ eax, [BIG0 + gdt + SEL_CODE32]
    ; Writes through it land in low memory.
    mov dword [BIG0 + big_probe], 0xB16B00B5
    ASSERT_EQ dword [big_probe], 0xB16B00B5
    ; Offset bits 21:12 select the 4 KiB piece inside the page.
    mov dword [0x00523456], 0x12345678
    ASSERT_EQ dword [BIG1 + 0x123456], 0x12345678
    mov dword [BIG1 + 0x3FFFFC], 0x9ABCDEF0
    ASSERT_EQ dword [0x007FFFFC], 0x9ABCDEF0
    ; A 4 KiB page next to them still works.
    mov eax, 0x01800000
    mov ebx, 0x00530000 | PG_P | PG_W
    call map_page
    mov dword [0x00530010], 0x4444
    ASSERT_EQ dword [0x01800010], 0x4444

    ; Code can run from a big page too.
    call BIG0 + big_func
    ASSERT_EQ eax, 0xB16C0DE

    ; INVLPG anywhere in a big page drops all of it: touch two 4 KiB
    ; pieces, move the page to physical 0x800000, INVLPG the first piece,
    ; read the second.
    mov dword [0x00410000], 0x0000AAAA     ; old piece at +0x10000
    mov dword [0x00810000], 0x0000BBBB     ; new piece at +0x10000
    mov dword [0x00400000], 0x0000CCCC
    mov dword [0x00800000], 0x0000DDDD
    ASSERT_EQ dword [BIG1 + 0x10000], 0x0000AAAA
    ASSERT_EQ dword [BIG1], 0x0000CCCC
    mov dword [page_dir + (BIG1 >> 22) * 4], 0x00800000 | PG_PS | PG_P | PG_W
    invlpg [BIG1]
    ASSERT_EQ dword [BIG1 + 0x10000], 0x0000BBBB
    ASSERT_EQ dword [BIG1], 0x0000DDDD
    ; A big page that is not present, and one that is read-only with WP.
    mov dword [page_dir + (BIG1 >> 22) * 4], 0x00800000 | PG_PS
    invlpg [BIG1]
    EXPECT_FAULT .np_r
.np_i:
    mov eax, [BIG1 + 0x2345]
    NO_FAULT
.np_r:
    CHECK_EXC 14, 0, .np_i
    ASSERT_EQ dword [exc_cr2], BIG1 + 0x2345
    mov dword [page_dir + (BIG1 >> 22) * 4], 0x00800000 | PG_PS | PG_P
    invlpg [BIG1]
    mov eax, cr0
    or eax, CR0_WP
    mov cr0, eax
    NO_EXC mov eax, [BIG1 + 0x2345]
    EXPECT_FAULT .ro_r
.ro_i:
    mov dword [BIG1 + 0x2345], 0
    NO_FAULT
.ro_r:
    CHECK_EXC 14, 3, .ro_i
    PASS

big_func:
    mov eax, 0xB16C0DE
    ret

section .data
big_probe: dd 0
