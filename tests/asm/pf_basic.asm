; Page faults at CPL 0 (SDM vol. 3 4.7, 6.15 interrupt 14): not-present
; page and page table, read and write (error code bits P=0, W/R), an
; instruction fetch, an access straddling into a missing page; CR2 is the
; faulting linear address; CR0.WP decides whether a supervisor write to a
; read-only page faults (error P=1 W=1 U=0); read-only in the PDE counts
; like read-only in the PTE; demand paging: the handler maps the page and
; the retried instruction completes.
%include "lib/ember.inc"

NP_PAGE  equ 0x00300000     ; a not-present PTE in page_tab0
RO_PAGE  equ 0x00301000     ; present, read-only
NOPT     equ 0x00C00000     ; no page table at all
RO_PDE   equ 0x01000000     ; page table entered read-only in the PDE

; PF_FAULT error, cr2, instruction...
%macro PF_FAULT 3+.nolist
    EXPECT_FAULT %%r
%%i: %3
    NO_FAULT
%%r:
    CHECK_EXC 14, %1, %%i
    ASSERT_EQ dword [exc_cr2], %2
%endmacro

test_main:
    ENTER_PM
    call paging_init
    mov eax, NP_PAGE
    mov ebx, 0                      ; not present
    call map_page
    mov eax, RO_PAGE
    mov ebx, RO_PAGE | PG_P         ; read-only, supervisor
    call map_page
    mov dword [RO_PAGE], 0x0000AAAA

    ; ---- Not present.
    mov ecx, 0x11111111
    PF_FAULT 0, NP_PAGE + 0x123, mov ecx, [NP_PAGE + 0x123]
    ASSERT_EQ ecx, 0x11111111
    PF_FAULT 2, NP_PAGE + 0xABC, mov dword [NP_PAGE + 0xABC], 1
    PF_FAULT 2, NP_PAGE + 0xFFC, inc dword [NP_PAGE + 0xFFC]
    PF_FAULT 0, NOPT + 0x10, mov eax, [NOPT + 0x10]
    PF_FAULT 2, NOPT + 0x3FF000, mov byte [NOPT + 0x3FF000], 0
    ; Straddling: the first page is there, the second is not.
    PF_FAULT 0, NP_PAGE, mov eax, [NP_PAGE - 2]
    PF_FAULT 2, NP_PAGE, mov dword [NP_PAGE - 1], 0
    ; Instruction fetch: the fault reports the target as EIP.
    mov dword [NP_PAGE - 4], 0
    EXPECT_FAULT .fetch_r
    call NP_PAGE
    NO_FAULT
.fetch_r:
    ASSERT_EQ dword [exc_vector], 14
    ASSERT_EQ dword [exc_error], 0
    ASSERT_EQ dword [exc_eip], NP_PAGE
    ASSERT_EQ dword [exc_cr2], NP_PAGE
    ; An instruction that starts on a present page and runs into a
    ; missing one faults on the fetch of its second page.
    mov byte [NP_PAGE - 1], 0xB8    ; MOV EAX, imm32 - the immediate is
    EXPECT_FAULT .split_r           ; on the missing page
    jmp NP_PAGE - 1
.split_r:
    ASSERT_EQ dword [exc_vector], 14
    ASSERT_EQ dword [exc_eip], NP_PAGE - 1
    ASSERT_EQ dword [exc_cr2], NP_PAGE

    ; ---- Read-only page, supervisor: WP = 0 lets the write through.
    mov eax, cr0
    and eax, ~CR0_WP
    mov cr0, eax
    NO_EXC mov dword [RO_PAGE], 0x0000BBBB
    ASSERT_EQ dword [RO_PAGE], 0x0000BBBB
    ; WP = 1: the same write faults with P=1 W=1 U=0; reads still work.
    mov eax, cr0
    or eax, CR0_WP
    mov cr0, eax
    PF_FAULT 3, RO_PAGE + 8, mov dword [RO_PAGE + 8], 1
    PF_FAULT 3, RO_PAGE, add dword [RO_PAGE], 1
    ASSERT_EQ dword [RO_PAGE], 0x0000BBBB
    mov edi, RO_PAGE + 0x100
    mov ecx, 4
    PF_FAULT 3, RO_PAGE + 0x100, rep stosb
    ASSERT_EQ ecx, 4
    ; Read-only in the PDE (PTE writable): also read-only.
    mov eax, RO_PDE
    mov ebx, 0x00302000 | PG_P | PG_W
    call map_page
    and dword [page_dir + (RO_PDE >> 22) * 4], ~PG_W
    invlpg [RO_PDE]
    NO_EXC mov eax, [RO_PDE]
    PF_FAULT 3, RO_PDE + 4, mov dword [RO_PDE + 4], 0
    mov eax, cr0
    and eax, ~CR0_WP
    mov cr0, eax
    NO_EXC mov dword [RO_PDE + 4], 0x12
    ASSERT_EQ dword [0x00302004], 0x12

    ; ---- Demand paging: the hook maps the page, IRET retries.
    mov dword [exc_hook], map_on_fault
    mov dword [exc_mode], EXC_IRET
    mov dword [exc_log_n], 0
    mov dword [NP_PAGE + 0x40], 0x600D   ; faults once, then completes
    mov eax, [NP_PAGE + 0x40]            ; mapped now: no fault
    mov dword [exc_hook], 0
    mov dword [exc_mode], EXC_ABANDON
    ASSERT_EQ eax, 0x600D
    ASSERT_EQ dword [exc_log_n], 1
    ASSERT_EQ dword [exc_log_err], 2
    ASSERT_EQ dword [0x00380040], 0x600D
    PASS

; Map the page of CR2 to physical 0x380000, writable.
map_on_fault:
    mov eax, [exc_cr2]
    and eax, 0xFFFFF000
    mov ebx, 0x00380000 | PG_P | PG_W
    call map_page
    ret
