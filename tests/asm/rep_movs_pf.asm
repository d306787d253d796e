; A page fault in the middle of a REP string instruction (SDM vol. 2 REP:
; "the instruction can be interrupted ... the registers are saved as they
; were at the point of the fault, so that after the handler returns the
; instruction resumes"). At the #PF: EIP is the REP prefix, ECX counts the
; iterations left, ESI/EDI point at the element that faulted, CR2 is its
; address, and everything before it has been copied. The handler maps the
; page and IRETs; the instruction completes. Forward and backward, faults
; on the destination (write) and on the source (read), bytes and dwords.
%include "lib/ember.inc"

SRC     equ 0x00C00000      ; source page (mapped)
DST     equ 0x00C10000      ; destination: DST mapped, DST + 0x1000 not
SRC2    equ 0x00C20000      ; source: SRC2 mapped, SRC2 + 0x1000 not
PHYS    equ 0x00340000      ; backing pages, 16 of them

test_main:
    ENTER_PM
    call paging_init
    mov esi, 0
.map:
    lea eax, [SRC + esi]            ; SRC, DST, SRC2 first pages
    lea ebx, [PHYS + esi + (PG_P | PG_W)]
    call map_page
    add esi, 0x10000
    cmp esi, 0x30000
    jb .map
    mov eax, DST + 0x1000
    xor ebx, ebx
    call map_page
    mov eax, SRC2 + 0x1000
    xor ebx, ebx
    call map_page
    ; Source pattern: byte k = k.
    mov edi, SRC
    xor eax, eax
.fill:
    stosb
    inc al
    jnz .fill

    mov dword [exc_hook], fix_and_record
    mov dword [exc_mode], EXC_IRET

    ; ---- REP MOVSB forward; the destination page runs out 16 bytes in.
    mov dword [exc_log_n], 0
    mov esi, SRC
    mov edi, DST + 0xFF0
    mov ecx, 0x40
    mov dword [map_to], PHYS + 0x1000
.rep1:
    rep movsb
    ASSERT_EQ dword [exc_log_n], 1
    ASSERT_EQ dword [exc_log_vec], 14
    ASSERT_EQ dword [exc_log_err], 2
    ASSERT_EQ dword [exc_log_eip], .rep1
    ASSERT_EQ dword [f_cr2], DST + 0x1000
    ASSERT_EQ dword [f_ecx], 0x30
    ASSERT_EQ dword [f_esi], SRC + 0x10
    ASSERT_EQ dword [f_edi], DST + 0x1000
    ASSERT_EQ dword [f_first], 0x0F0E0D0C   ; copied before the fault
    ASSERT_EQ ecx, 0
    ASSERT_EQ esi, SRC + 0x40
    ASSERT_EQ edi, DST + 0x1030
    ASSERT_EQ dword [DST + 0xFF0], 0x03020100
    ASSERT_EQ dword [DST + 0x1000], 0x13121110
    ASSERT_EQ dword [DST + 0x102C], 0x3F3E3D3C

    ; ---- REP MOVSD forward, the source runs into a missing page.
    mov dword [exc_log_n], 0
    mov edi, SRC2 + 0xFF8
    mov dword [edi], 0x11111111
    mov dword [edi + 4], 0x22222222
    mov esi, SRC2 + 0xFF8
    mov edi, DST + 0x100
    mov ecx, 4
    mov dword [map_to], PHYS + 0x2000
    mov dword [PHYS + 0x2000], 0x33333333
    mov dword [PHYS + 0x2004], 0x44444444
.rep2:
    rep movsd
    ASSERT_EQ dword [exc_log_n], 1
    ASSERT_EQ dword [exc_log_err], 0
    ASSERT_EQ dword [f_cr2], SRC2 + 0x1000
    ASSERT_EQ dword [f_ecx], 2
    ASSERT_EQ dword [f_esi], SRC2 + 0x1000
    ASSERT_EQ dword [f_edi], DST + 0x108
    ASSERT_EQ ecx, 0
    ASSERT_EQ dword [DST + 0x100], 0x11111111
    ASSERT_EQ dword [DST + 0x104], 0x22222222
    ASSERT_EQ dword [DST + 0x108], 0x33333333
    ASSERT_EQ dword [DST + 0x10C], 0x44444444

    ; ---- REP STOSD backward (DF = 1) from a missing page down into a
    ; present one: the first store faults, nothing is written before it.
    mov eax, DST + 0x1000           ; unmap it again
    xor ebx, ebx
    call map_page
    mov dword [exc_log_n], 0
    mov dword [map_to], PHYS + 0x3000
    std
    mov edi, DST + 0x1004
    mov ecx, 4
    mov eax, 0x5A5A5A5A
.rep3:
    rep stosd
    cld
    ASSERT_EQ dword [exc_log_n], 1
    ASSERT_EQ dword [f_ecx], 4
    ASSERT_EQ dword [f_edi], DST + 0x1004
    ASSERT_EQ dword [f_cr2], DST + 0x1004
    ASSERT_EQ ecx, 0
    ASSERT_EQ edi, DST + 0xFF4
    ASSERT_EQ dword [DST + 0xFF8], 0x5A5A5A5A
    ASSERT_EQ dword [PHYS + 0x3004], 0x5A5A5A5A

    ; ---- REPE CMPSB that faults midway keeps its count too.
    mov eax, DST + 0x1000
    xor ebx, ebx
    call map_page
    mov dword [exc_log_n], 0
    mov dword [map_to], PHYS + 0x4000
    mov esi, SRC                    ; 00 01 02 ...
    mov edi, DST + 0xFFE
    mov word [DST + 0xFFE], 0x0100
    mov byte [PHYS + 0x4000], 0x02
    mov byte [PHYS + 0x4001], 0x77   ; differs at index 3
    mov ecx, 8
.rep4:
    repe cmpsb
    ASSERT_FLAGS FL_ZF, 0
    ASSERT_EQ dword [exc_log_n], 1
    ASSERT_EQ dword [f_ecx], 6
    ASSERT_EQ ecx, 4
    ASSERT_EQ esi, SRC + 4
    ASSERT_EQ edi, DST + 0x1002

    mov dword [exc_hook], 0
    mov dword [exc_mode], EXC_ABANDON
    PASS

; Records the faulting state, maps CR2's page to [map_to].
fix_and_record:
    mov [f_ecx], ecx
    mov [f_esi], esi
    mov [f_edi], edi
    mov eax, [exc_cr2]
    mov [f_cr2], eax
    mov eax, [DST + 0xFFC]
    mov [f_first], eax
    mov eax, [exc_cr2]
    and eax, 0xFFFFF000
    mov ebx, [map_to]
    or ebx, PG_P | PG_W
    call map_page
    ret

section .data
align 4
f_ecx:   dd 0
f_esi:   dd 0
f_edi:   dd 0
f_cr2:   dd 0
f_first: dd 0
map_to:  dd 0
